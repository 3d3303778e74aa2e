package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/onward-app/onward/config"
	"github.com/onward-app/onward/mailer"
	"github.com/onward-app/onward/scheduler"
	"github.com/onward-app/onward/templates"
)

// buildSetup turns a config and templates into what the dispatcher needs.
// The SMTP client it may create is returned so the caller can close it.
func (a *app) buildSetup(ctx context.Context, cfg *config.Config, tpl *templates.Set) (*scheduler.Setup, *mailer.SMTP, error) {
	s := &scheduler.Setup{
		Composer: &scheduler.Composer{
			Store: a.st, Templates: tpl, Location: cfg.Location(), Command: commandName(),
			User: mailer.Address{Name: cfg.User.Name, Email: cfg.User.Email},
		},
		Stale:       cfg.StaleLimits(),
		GiveUpAfter: cfg.GiveUpAfter(),
		Digest:      cfg.DigestSpec(),
		Location:    cfg.Location(),
	}
	var smtp *mailer.SMTP
	switch cfg.Delivery.Transport {
	case "smtp":
		password, err := cfg.SMTP.ResolvePassword(ctx)
		if err != nil {
			return nil, nil, badInput{fmt.Errorf("config: %w", err)}
		}
		smtp, err = mailer.NewSMTP(mailer.SMTPConfig{
			Host: cfg.SMTP.Host, Port: cfg.SMTP.Port, Username: cfg.SMTP.Username, Password: password,
			Security: cfg.SMTP.Security, MaxPerMinute: cfg.SMTP.MaxPerMinute, Timeout: cfg.SMTPTimeout(),
		})
		if err != nil {
			return nil, nil, badInput{err}
		}
		s.Mail, s.Send = smtp, smtp
	default:
		s.Mail = &mailer.Outbox{Dir: cfg.Delivery.Outbox}
	}
	if cfg.Delivery.Drafts == "outbox" {
		s.DraftOutbox = &mailer.Outbox{Dir: cfg.Delivery.Outbox}
	}
	return s, smtp, nil
}

// commandName is how the user invoked onward, for the commands that
// emails quote back; "onward" unless it runs under another name.
func commandName() string {
	if name := filepath.Base(os.Args[0]); name != "" && name != "main" && name != "onward.test" {
		return name
	}
	return "onward"
}
