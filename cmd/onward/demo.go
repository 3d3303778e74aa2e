package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/pelletier/go-toml/v2"
	"github.com/spf13/cobra"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/config"
	"github.com/onward-app/onward/deliver"
	"github.com/onward-app/onward/store"
	"github.com/onward-app/onward/tracker"
)

func (a *app) demoCmd() *cobra.Command {
	var dir string
	var withWeb bool
	c := &cobra.Command{
		Use:   "demo [--web]",
		Short: "Watch a whole story in about 20 seconds: apply, interview, rejection, lessons, the next interview",
		Long: `Runs the real daemon on a new database in a temporary folder, with the
delays shrunk to seconds, and prints a line as each email is written to the
outbox folder it names. Your own config and database are not touched.
With --web, the story's page stays open afterwards until Ctrl-C.`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := a.demo(cmd.Context(), dir); err != nil || !withWeb {
				return err
			}
			return a.demoWeb(cmd.Context())
		},
	}
	c.Flags().StringVar(&dir, "dir", "", "folder for the demo's database and outbox (default: a new temporary folder)")
	c.Flags().BoolVar(&withWeb, "web", false, "then serve the demo's page (see onward web) until Ctrl-C")
	return c
}

// demoConfig is the built-in config with seconds for days and no windows.
func demoConfig(dir string) (*config.Config, error) {
	cfg := config.Default()
	cfg.User = config.User{Name: "Alex Morgan", Email: "alex@example.com", Timezone: "UTC"}
	cfg.Storage.Database = filepath.Join(dir, "onward.db")
	cfg.Delivery.Outbox = filepath.Join(dir, "outbox")
	cfg.Delivery.Stale = nil
	cfg.Schedule = config.Schedule{}
	cfg.Followups = config.Followups{
		ThankYou: "2s", StatusCheck: "30s", FeedbackRequest: "2s", StayInTouch: "9s", Learn: "3s", LetGo: "7s",
		Prep: "5s",
	}
	// The digest's own schedule is far off; the demo asks for one at the end.
	cfg.Digest.Schedule = "0 0 1 1 *"
	// A day is seconds here: one draft a day to a recruiter would push
	// the story's drafts out by real days.
	cfg.Guards.OneDraftPerDay = false
	cfg.Templates.Dir = ""
	return cfg, cfg.Validate()
}

func (a *app) demo(ctx context.Context, dir string) error {
	if dir == "" {
		d, err := os.MkdirTemp("", "onward-demo-")
		if err != nil {
			return err
		}
		dir = d
	}
	cfg, err := demoConfig(dir)
	if err != nil {
		return err
	}
	a.cfg = cfg
	if err := a.open(ctx); err != nil {
		return err
	}
	// A config beside the database lets the user look around afterwards.
	cfgPath := filepath.Join(dir, "config.toml")
	b, err := toml.Marshal(cfg)
	if err != nil {
		return err
	}
	if err := os.WriteFile(cfgPath, b, 0o600); err != nil {
		return err
	}
	start := time.Now()
	var mu sync.Mutex
	say := func(what, format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(a.stdout, "%5.1fs  %-10s %s\n", time.Since(start).Seconds(), what, fmt.Sprintf(format, args...))
	}
	fmt.Fprintf(a.stdout, "onward demo: one application, start to finish, with days shrunk to seconds.\n")
	fmt.Fprintf(a.stdout, "  database  %s\n  outbox    %s\n\n", cfg.Storage.Database, cfg.Delivery.Outbox)

	done := make(chan struct{})
	onDelivery := func(v deliver.Delivery) {
		m := v.Message
		switch v.Outcome {
		case onward.StatusDrafted:
			say("drafted", "%s: a draft to the recruiter, waiting for you (never sent without you)", m.Kind)
		case onward.StatusSent:
			say("emailed", "%s to you: %q", m.Kind, m.Subject)
		default:
			say(string(v.Outcome), "%s: %s", m.Kind, m.LastError)
		}
	}
	daemonCtx, stop := context.WithCancel(ctx)
	defer stop()
	errc := make(chan error, 1)
	go func() {
		defer close(done)
		errc <- a.daemon(daemonCtx, slog.New(slog.DiscardHandler), onDelivery)
	}()

	// The story is told over a connection of its own, as the CLI would
	// from another process: the daemon notices the writes through PRAGMA
	// data_version, which does not change for a connection's own writes.
	storySt, err := store.Open(ctx, cfg.Storage.Database)
	if err != nil {
		return err
	}
	defer storySt.Close()
	tr := tracker.New(storySt, policyOf(cfg), a.userAddress())

	app, err := tr.Apply(ctx, tracker.NewApplication{Company: "Northwind Labs", Role: "Platform Engineer",
		Recruiter: "Dana Reyes <dana@northwind.example>"})
	if err != nil {
		return err
	}
	say("apply", "Northwind Labs, Platform Engineer (recruiter Dana Reyes)")
	res, err := tr.Interview(ctx, app.ID, time.Now().Add(-time.Hour), time.Hour)
	if err != nil {
		return err
	}
	say("interview", "held just now; planned %s", kindsOf(res))
	steps := []struct {
		at time.Duration
		do func() error
	}{
		{4 * time.Second, func() error {
			res, err := tr.Reject(ctx, app.ID, time.Time{}, "They went with someone with more Kubernetes.")
			if err == nil {
				say("reject", "a no; cancelled %d pending, planned %s", res.Cancelled, kindsOf(res))
			}
			return err
		}},
		{8 * time.Second, func() error {
			_, err := tr.Log(ctx, app.ID, "Bring two numbers from the migration project to the #system-design round.")
			if err == nil {
				say("log", "you wrote down a lesson; the let-go check-in will show it back")
			}
			return err
		}},
		{9 * time.Second, func() error {
			next, err := tr.Apply(ctx, tracker.NewApplication{Company: "Globex", Role: "Site Reliability Engineer"})
			if err != nil {
				return err
			}
			res, err := tr.Interview(ctx, next.ID, start.Add(16*time.Second), time.Hour)
			if err == nil {
				say("interview", "Globex, in 7 seconds; planned %s (the prep note brings your lesson back)", kindsOf(res))
			}
			return err
		}},
		{14 * time.Second, func() error {
			err := storySt.Update(ctx, func(tx *store.Tx) error {
				return tx.SetJobNext(ctx, deliver.DigestJob, time.Now().Add(time.Second))
			})
			if err == nil {
				say("digest", "asked for the weekly digest now (it is normally Sundays at 18:00)")
			}
			return err
		}},
	}
	for _, s := range steps {
		select {
		case <-time.After(time.Until(start.Add(s.at))):
		case <-ctx.Done():
			return nil
		case <-done:
			return <-errc
		}
		if err := s.do(); err != nil {
			return err
		}
	}
	// Wait until the story's messages are delivered; the Globex thank-you
	// and status check belong to a later day.
	cutoff := start.Add(20 * time.Second)
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-done:
			return <-errc
		case <-tick.C:
		}
		pending := 0
		for _, st := range []onward.Status{onward.StatusScheduled, onward.StatusSending} {
			msgs, err := a.st.Messages(ctx, store.MessageFilter{Status: st, NoBodies: true})
			if err != nil {
				return err
			}
			for _, m := range msgs {
				if m.DueAt.Before(cutoff) {
					pending++
				}
			}
		}
		// The digest is planned at 15 s, by the daemon itself.
		if pending == 0 && time.Since(start) > 16*time.Second {
			break
		}
	}
	stop()
	if err := <-errc; err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, `
Done. Every email is an .eml file you can open in a mail program:
  ls %[1]s
The drafts to Dana wait for you, as they would in real use. Look around:
  onward --config %[2]s status
  onward --config %[2]s drafts
  onward --config %[2]s messages
`, cfg.Delivery.Outbox, cfgPath)
	return nil
}

func kindsOf(res tracker.Result) string {
	s := ""
	for i, m := range res.Scheduled {
		if i > 0 {
			s += ", "
		}
		s += string(m.Kind)
	}
	if s == "" {
		return "nothing"
	}
	return s
}
