package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/config"
	"github.com/onward-app/onward/deliver"
	"github.com/onward-app/onward/internal/clock"
	"github.com/onward-app/onward/mailer"
	"github.com/onward-app/onward/store"
	"github.com/onward-app/onward/templates"
)

func (a *app) deliveryCmds() []*cobra.Command {
	return []*cobra.Command{a.runCmd(), a.flushCmd(), a.draftsCmd(), a.demoCmd(), a.webCmd()}
}

func newLogger(w io.Writer, format string) (*slog.Logger, error) {
	switch format {
	case "text", "":
		return slog.New(slog.NewTextHandler(w, nil)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, nil)), nil
	}
	return nil, usagef("--log-format: %q is not \"text\" or \"json\"", format)
}

func (a *app) runCmd() *cobra.Command {
	var logFormat string
	c := &cobra.Command{
		Use:   "run",
		Short: "Run the daemon: deliver every planned message on time",
		Long: `Run the daemon. It sleeps until the next message is due, delivers it and
records the result; it notices within a second when the CLI changes the
database. Check-ins go to you; recruiter drafts reach you as configured in
[delivery] drafts, and never go to a recruiter until 'onward drafts send'.

Signals: SIGINT or SIGTERM finish the send in flight (at most 10 s) and exit;
SIGHUP reloads the config and templates, keeping the old ones if the new ones
are invalid. One daemon runs per database.`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			log, err := newLogger(a.stderr, logFormat)
			if err != nil {
				return err
			}
			a.log = log
			return a.daemon(cmd.Context(), log, nil)
		},
	}
	c.Flags().StringVar(&logFormat, "log-format", "text", `log format: "text" or "json"`)
	return c
}

// delivery is what sending needs, with the daemon lock held: the daemon
// and flush share it, because two of them on one database would each take
// the other's work.
type delivery struct {
	cfg   *config.Config
	setup *deliver.Setup
	lock  *store.DaemonLock

	mu sync.Mutex
	// relay sends through the SMTP client of the setup in force, under
	// the one rate limit of the process: a reload hands it the new client
	// and the new limit, and neither resets the count nor fails a message
	// waiting for its turn. nil while the transport is not SMTP.
	relay *mailer.Relay
}

func (a *app) startDelivery(ctx context.Context) (*delivery, error) {
	cfg, err := a.config()
	if err != nil {
		return nil, err
	}
	tpl, err := a.templates()
	if err != nil {
		return nil, err
	}
	if err := a.open(ctx); err != nil {
		return nil, err
	}
	lock, err := store.LockDaemon(cfg.Storage.Database)
	if err != nil {
		return nil, err
	}
	setup, smtp, err := a.buildSetup(ctx, cfg, tpl)
	if err != nil {
		lock.Unlock()
		return nil, err
	}
	dl := &delivery{cfg: cfg, setup: setup, lock: lock}
	if err := dl.adopt(setup, smtp, cfg); err != nil {
		smtp.Close()
		lock.Unlock()
		return nil, err
	}
	return dl, nil
}

// adopt routes a setup's mail through the relay: its SMTP client becomes
// the relay's (the one it replaces is closed once a send on the wire
// through it is finished) and its max_per_minute the relay's limit.
func (d *delivery) adopt(s *deliver.Setup, smtp *mailer.SMTP, cfg *config.Config) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if smtp == nil {
		if d.relay != nil {
			d.relay.Use(nil)
		}
		return nil
	}
	if d.relay == nil {
		r, err := mailer.NewRelay(cfg.SMTP.MaxPerMinute)
		if err != nil {
			return badInput{err}
		}
		d.relay = r
	} else if err := d.relay.SetRate(cfg.SMTP.MaxPerMinute); err != nil {
		return badInput{err}
	}
	d.relay.Use(smtp)
	s.Mail, s.Send = d.relay, d.relay
	return nil
}

func (d *delivery) close() {
	d.mu.Lock()
	if d.relay != nil {
		d.relay.Close()
	}
	d.mu.Unlock()
	d.lock.Unlock()
}

// daemon runs the dispatcher until ctx ends. onDelivery, when set, sees
// each delivery (the demo prints them).
func (a *app) daemon(ctx context.Context, log *slog.Logger, onDelivery func(deliver.Delivery)) (err error) {
	// Caught from the first moment: a reload during start-up (a slow
	// password command) must not kill the daemon; it is handled once
	// the daemon runs.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	every, err := identityInterval()
	if err != nil {
		return err
	}
	dl, err := a.startDelivery(ctx)
	if err != nil {
		return err
	}
	defer dl.close()
	cfg := dl.cfg
	webPage, err := a.startWeb(ctx, cfg, dl.setup, log)
	if err != nil {
		return err
	}
	defer webPage.stop()
	// A database file removed or replaced under the daemon would leave it
	// delivering from a file nobody else sees, holding the lock the next
	// daemon needs: it stops instead, and its init system starts it again
	// on the file now at the path.
	ctx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	go a.checkIdentity(ctx, stop, log, every)
	defer func() {
		if cause := context.Cause(ctx); errors.Is(cause, store.ErrReplaced) && err == nil {
			err = cause
		}
	}()

	// The system clock, not a.now: the daemon watches its wall clock
	// against its monotonic clock to notice steps and suspend.
	d := deliver.New(a.st, clock.System{}, log)
	d.OnDelivery = onDelivery
	w, err := a.watcher(ctx, cfg, log)
	if err != nil {
		return err
	}
	if w != nil {
		w.Changed = d.Wake
		// The mailbox is read beside the dispatcher; a bad password or a
		// server that is down is logged and kept for `onward status`, and
		// tried again at the next poll: never a reason to stop delivering.
		done := make(chan struct{})
		go func() {
			defer close(done)
			w.Run(ctx, cfg.IMAPPoll())
		}()
		defer func() { <-done }()
	}
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
				next, nextSMTP, nextCfg, err := a.reload(ctx, cfg)
				if err == nil {
					err = dl.adopt(next, nextSMTP, nextCfg)
				}
				if err != nil {
					if nextSMTP != nil {
						nextSMTP.Close()
					}
					log.Error("reload refused; keeping the running config and templates", "err", err)
					continue
				}
				d.Reload(next)
				if err := webPage.reload(ctx, nextCfg, next, log); err != nil {
					log.Error("the web page keeps the running config", "err", err)
				}
				log.Info("reloaded config and templates")
				if a.imapChanged(ctx, cfg) {
					log.Warn("the [imap] settings changed; the mailbox reader keeps the old ones until the daemon restarts")
				}
			}
		}
	}()
	if cfg.Calendar.File != "" {
		go a.keepCalendar(ctx, log, cfg.Calendar.File, cfg.Calendar.Followups)
	}
	log.Info("onward daemon started", "database", cfg.Storage.Database, "transport", cfg.Delivery.Transport,
		"drafts", cfg.Delivery.Drafts, "config", cfg.Path, "pid", os.Getpid())
	if err := d.Run(ctx, dl.setup); err != nil {
		return err
	}
	if !errors.Is(context.Cause(ctx), store.ErrReplaced) {
		log.Info("onward daemon stopped")
	}
	return nil
}

// identityCheck is how often the daemon makes sure its database file is
// still the one at the configured path: one stat(2).
const identityCheck = 5 * time.Second

// identityInterval is identityCheck, or ONWARD_IDENTITY_CHECK_INTERVAL
// (a Go duration), which only tests set, so that a replaced file shows in
// a fraction of a second.
func identityInterval() (time.Duration, error) {
	v := os.Getenv("ONWARD_IDENTITY_CHECK_INTERVAL")
	if v == "" {
		return identityCheck, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, usagef("ONWARD_IDENTITY_CHECK_INTERVAL: %q is not a positive duration", v)
	}
	return d, nil
}

// checkIdentity stops the daemon, through stop, once its database file is
// removed or replaced.
func (a *app) checkIdentity(ctx context.Context, stop context.CancelCauseFunc, log *slog.Logger, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		err := a.st.CheckIdentity()
		switch {
		case errors.Is(err, store.ErrReplaced):
			log.Error("the database file was removed or replaced; stopping, so that a restart opens the file now at the path",
				"database", a.st.Path(), "err", err)
			stop(err)
			return
		case err != nil:
			log.Warn("check the database file", "database", a.st.Path(), "err", err)
		}
	}
}

// reload reads the config and templates again. The database and its path
// stay: moving them under a running daemon would split the state.
func (a *app) reload(ctx context.Context, running *config.Config) (*deliver.Setup, *mailer.SMTP, *config.Config, error) {
	path, explicit := config.Find(a.configFlag)
	cfg, err := config.Load(path, explicit)
	if err != nil {
		return nil, nil, nil, err
	}
	if cfg.Storage.Database != running.Storage.Database {
		return nil, nil, nil, fmt.Errorf("storage.database changed from %s to %s; restart the daemon to move it", running.Storage.Database, cfg.Storage.Database)
	}
	tpl, err := templates.Load(cfg.Templates.Dir)
	if err != nil {
		return nil, nil, nil, err
	}
	setup, smtp, err := a.buildSetup(ctx, cfg, tpl)
	return setup, smtp, cfg, err
}

func (a *app) flushCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "flush",
		Short: "Deliver everything due now, once, and exit (the daemon does this continuously)",
		Args:  exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			// flush is the daemon's work done by hand: it takes the same
			// lock, so it never runs beside a daemon on one database.
			dl, err := a.startDelivery(ctx)
			if err != nil {
				return err
			}
			defer dl.close()
			cfg, setup := dl.cfg, dl.setup
			n := 0
			d := deliver.New(a.st, clock.Wall(a.now), nil)
			d.OnDelivery = func(v deliver.Delivery) {
				n++
				a.printDelivery(v, cfg)
			}
			if _, err := d.Cycle(ctx, setup); err != nil {
				return err
			}
			if n == 0 {
				fmt.Fprintln(a.stdout, "Nothing is due.")
			}
			return nil
		},
	}
}

func (a *app) printDelivery(v deliver.Delivery, cfg *config.Config) {
	m := v.Message
	line := fmt.Sprintf("%-9s %-16s message %d", v.Outcome, m.Kind, m.ID)
	switch v.Outcome {
	case onward.StatusSent:
		if cfg.Delivery.Transport == "outbox" {
			line += " → " + cfg.Delivery.Outbox
		}
	case onward.StatusDrafted:
		line += " (a draft for you to review: onward drafts show " + fmt.Sprint(m.ID) + ")"
	default:
		if m.LastError != "" {
			line += ": " + m.LastError
		}
	}
	fmt.Fprintln(a.stdout, line)
}

// imapChanged reports whether the config file's [imap] section differs from
// the one the running mailbox reader was started with.
func (a *app) imapChanged(ctx context.Context, running *config.Config) bool {
	path, explicit := config.Find(a.configFlag)
	cfg, err := config.Load(path, explicit)
	if err != nil {
		return false
	}
	return cfg.IMAP != running.IMAP
}
