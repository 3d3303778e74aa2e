package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/onward-app/onward/compose"
	"github.com/onward-app/onward/config"
	"github.com/onward-app/onward/deliver"
	"github.com/onward-app/onward/imapbox"
	"github.com/onward-app/onward/mailer"
	"github.com/onward-app/onward/plan"
	"github.com/onward-app/onward/replies"
	"github.com/onward-app/onward/templates"
)

// buildSetup turns a config and templates into what the dispatcher needs.
// The SMTP client it may create is returned so the caller can close it.
func (a *app) buildSetup(ctx context.Context, cfg *config.Config, tpl *templates.Set) (*deliver.Setup, *mailer.SMTP, error) {
	s := &deliver.Setup{
		Composer: &compose.Composer{
			Store: a.st, Templates: tpl, Location: cfg.Location(), Command: commandName(),
			User:  mailer.Address{Name: cfg.User.Name, Email: cfg.User.Email},
			Stale: cfg.StaleLimits(), NoSend: !canSend(cfg), QuietAfter: cfg.QuietAfter(),
		},
		Stale:       cfg.StaleLimits(),
		GiveUpAfter: cfg.GiveUpAfter(),
		Digest:      cfg.DigestSpec(),
		Location:    cfg.Location(),
		Quiet:       cfg.Quiet(),
		Policy:      policyOf(cfg),
	}
	var smtp *mailer.SMTP
	var outbox *mailer.Outbox // one for check-ins and drafts: the folder is read once
	switch cfg.Delivery.Transport {
	case "smtp":
		password, err := cfg.SMTP.ResolvePassword(ctx)
		if err != nil {
			return nil, nil, badInput{fmt.Errorf("config: %w", err)}
		}
		smtp, err = mailer.NewSMTP(mailer.SMTPConfig{
			Host: cfg.SMTP.Host, Port: cfg.SMTP.Port, Username: cfg.SMTP.Username, Password: password,
			Security: cfg.SMTP.Security, Timeout: cfg.SMTPTimeout(), SendTimeout: cfg.SMTPSendTimeout(),
		})
		if err != nil {
			return nil, nil, badInput{err}
		}
		s.Mail, s.Send, s.SendTimeout = smtp, smtp, smtp.SendTimeout()
	default:
		o, err := a.outbox(cfg)
		if err != nil {
			return nil, nil, err
		}
		s.Mail, outbox = o, o
	}
	switch cfg.Delivery.Drafts {
	case "outbox":
		if outbox == nil {
			o, err := a.outbox(cfg)
			if err != nil {
				return nil, nil, err
			}
			outbox = o
		}
		s.Drafts = deliver.OutboxDrafts{Outbox: outbox}
	case "imap":
		imapCfg, err := imapConfig(ctx, cfg)
		if err != nil {
			return nil, nil, err
		}
		s.Drafts = deliver.MailboxDrafts{Box: imapbox.Drafts{Config: imapCfg}}
	}
	if s.Send != nil && cfg.IMAPEnabled() {
		imapCfg, err := imapConfig(ctx, cfg)
		if err != nil {
			return nil, nil, err
		}
		s.SentCopy = imapbox.Sent{Config: imapCfg}
	}
	s.Composer.RepliesRead = cfg.IMAPEnabled()
	return s, smtp, nil
}

// outbox opens the outbox folder: made private, and rid of the temporary
// files of writes a crash interrupted, before anything is written there.
// What that changed is said once, in the daemon's log or on stderr.
func (a *app) outbox(cfg *config.Config) (*mailer.Outbox, error) {
	o := &mailer.Outbox{Dir: cfg.Delivery.Outbox}
	did, err := o.Open()
	if err != nil {
		return nil, badInput{err}
	}
	if did.Private {
		a.note(fmt.Sprintf("made the outbox folder private (owner only, it was %04o): other users could list the names of the files in it", did.Was), "folder", o.Dir)
	}
	if did.Removed > 0 {
		files := "files"
		if did.Removed == 1 {
			files = "file"
		}
		a.note(fmt.Sprintf("removed %d temporary %s left by interrupted outbox writes, each a copy of a message written again or still due", did.Removed, files), "folder", o.Dir)
	}
	return o, nil
}

// imapConfig is the mailbox's connection settings, password resolved.
func imapConfig(ctx context.Context, cfg *config.Config) (imapbox.Config, error) {
	password, err := cfg.IMAP.ResolvePassword(ctx)
	if err != nil {
		return imapbox.Config{}, badInput{fmt.Errorf("config: %w", err)}
	}
	return imapbox.Config{
		Host: cfg.IMAP.Host, Port: cfg.IMAP.Port, Username: cfg.IMAP.Username, Password: password,
		Security: cfg.IMAP.Security, Timeout: cfg.IMAPTimeout(), MaxMessageSize: cfg.IMAPMaxMessageSize(),
		DraftsMailbox: cfg.IMAP.DraftsMailbox, SentMailbox: cfg.IMAP.SentMailbox,
	}, nil
}

// watcher reads the mailbox for the daemon; nil when none is configured.
func (a *app) watcher(ctx context.Context, cfg *config.Config, log *slog.Logger) (*replies.Watcher, error) {
	if !cfg.IMAPEnabled() {
		return nil, nil
	}
	imapCfg, err := imapConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return &replies.Watcher{
		Store: a.st, Tracker: a.tr, User: cfg.User.Email,
		Dial:         func(ctx context.Context) (replies.Mailbox, error) { return imapbox.Dial(ctx, imapCfg) },
		Drafts:       cfg.Delivery.Drafts == "imap",
		DiscardAfter: cfg.IMAPDiscardAfter(), MatchDomain: cfg.IMAP.MatchDomain, AutoReject: cfg.IMAP.AutoReject,
		AutoInterview: cfg.IMAP.AutoInterview,
		Location:      cfg.Location(), Now: a.now, Log: log.With("part", "mailbox"),
		Aliases: cfg.User.Aliases, MaxMessageSize: cfg.IMAPMaxMessageSize(), PollTimeout: 10 * cfg.IMAPTimeout(),
	}, nil
}

// commandName is how the user invoked onward, for the commands that
// emails quote back; "onward" unless it runs under another name.
func commandName() string {
	if name := filepath.Base(os.Args[0]); name != "" && name != "main" && name != "onward.test" {
		return name
	}
	return "onward"
}

// policyOf is what the planner needs from the config. It is built here,
// not in config, so that config stays a leaf the planner does not drag in.
func policyOf(cfg *config.Config) plan.Policy {
	prep, on := cfg.Prep()
	return plan.Policy{
		Location: cfg.Location(),
		Window:   cfg.SendWindow(),
		Quiet:    cfg.Quiet(),
		Delays:   cfg.Delays(),
		Prep:     prep,
		PrepOn:   on,
		Stale:    cfg.StaleLimits(),

		MaxUnanswered: cfg.Guards.MaxUnansweredFollowups,
		OneADay:       cfg.Guards.OneDraftPerDay,
		QuietAfter:    cfg.QuietAfter(),
	}
}
