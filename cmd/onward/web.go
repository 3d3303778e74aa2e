package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/onward-app/onward/config"
	"github.com/onward-app/onward/deliver"
	"github.com/onward-app/onward/internal/clock"
	"github.com/onward-app/onward/mailer"
	"github.com/onward-app/onward/store"
	"github.com/onward-app/onward/tracker"
	"github.com/onward-app/onward/web"
)

func (a *app) webCmd() *cobra.Command {
	var listen string
	var open bool
	c := &cobra.Command{
		Use:   "web [--listen 127.0.0.1:7468] [--open]",
		Short: "Serve the local page: the hunt as a board, drafts to review and send",
		Long: `Serve onward's page on this machine until Ctrl-C. It shows the hunt as a
board, each application with its timeline and forms, the drafts to read,
edit and send, the plan, the lessons and the settings. Every change goes
through the same checks as the commands.

It prints the address to open, with an access token made at each start;
without the token the page answers nothing. It listens on loopback only,
unless [web] allow_remote and TLS are set in the config. With [web] listen
in the config, 'onward run' serves the page too.

SIGHUP reads the config and templates again, as it does for the daemon:
the page then shows, plans and sends with them. A broken config is
refused and logged, and the page keeps the one it has. The address and
the database stay until a restart.`,
		Example: `  onward web --open
  ssh -L 7468:127.0.0.1:7468 my-server   # then open the printed address on your laptop`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			cfg, err := a.config()
			if err != nil {
				return err
			}
			if !cmd.Flags().Changed("listen") && cfg.Web.Listen != "" {
				listen = cfg.Web.Listen
			}
			if err := cfg.Web.CheckListen(listen); err != nil {
				return usagef("--listen: %v", err)
			}
			if err := a.open(ctx); err != nil {
				return err
			}
			send, closeSend, err := a.webSender(ctx, cfg, nil)
			if err != nil {
				return err
			}
			defer closeSend()
			log := slog.New(slog.NewTextHandler(a.stderr, nil))
			s, err := web.New(web.Options{Store: a.st, Tracker: a.tr, Config: cfg, Send: send, Plan: a.webPlan, Now: a.now, Log: log})
			if err != nil {
				return err
			}
			defer a.reloadPageOnHUP(ctx, s, cfg, log)()
			ln, err := web.Listen(listen, cfg.Web)
			if err != nil {
				return err
			}
			s.Bind(ln.Addr(), cfg.Web.TLS())
			fmt.Fprintf(a.stdout, "onward web: open %s\n(press Ctrl-C to stop)\n", s.URL())
			if open {
				openBrowser(s.URL())
			}
			return s.Serve(ctx, ln, cfg.Web.TLSCert, cfg.Web.TLSKey)
		},
	}
	c.Flags().StringVar(&listen, "listen", config.DefaultWebListen, "the address to serve the page on (loopback unless [web] allow_remote and TLS)")
	c.Flags().BoolVar(&open, "open", false, "open the page in the browser")
	return c
}

// reloadPageOnHUP puts the config a SIGHUP reads in force on the page
// `onward web` serves, as `onward run` does for its own. It returns the
// function that stops listening and closes the SMTP clients the reloads
// made: a request in flight may still send through an older one, so they
// are closed at the end, not at the next reload.
func (a *app) reloadPageOnHUP(ctx context.Context, s *web.Server, running *config.Config, log *slog.Logger) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	page := &daemonPage{a: a, s: s}
	var clients []*mailer.SMTP
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
				next, smtp, cfg, err := a.reload(ctx, running)
				if err == nil {
					err = page.reload(ctx, cfg, next, log)
				}
				if smtp != nil {
					clients = append(clients, smtp)
				}
				if err != nil {
					log.Error("reload refused; the page keeps the running config and templates", "err", err)
					continue
				}
				if cfg.Web.Listen != running.Web.Listen {
					log.Warn("[web] listen changed; the page keeps its address until it restarts")
				}
				log.Info("reloaded config and templates")
			}
		}
	}()
	return func() {
		signal.Stop(hup)
		cancel()
		<-done
		for _, c := range clients {
			c.Close()
		}
	}
}

// webSender is the page's send button: the same send as `onward drafts
// send`, or nil where drafts cannot be sent from here (no SMTP, or drafts
// waiting in the mailbox). setup, when set, is the daemon's, whose SMTP
// client and rate limit the page then shares.
func (a *app) webSender(ctx context.Context, cfg *config.Config, setup *deliver.Setup) (send func(context.Context, int64) (store.Message, error), closeFn func(), err error) {
	closeFn = func() {}
	if cfg.Delivery.Transport != "smtp" || cfg.Delivery.Drafts == "imap" {
		return nil, closeFn, nil
	}
	if setup == nil {
		tpl, err := a.templates()
		if err != nil {
			return nil, closeFn, err
		}
		s, smtp, err := a.buildSetup(ctx, cfg, tpl)
		if err != nil {
			return nil, closeFn, err
		}
		setup = s
		if smtp != nil {
			closeFn = func() { smtp.Close() }
		}
	}
	d := deliver.New(a.st, clock.Wall(a.now), nil)
	return func(ctx context.Context, id int64) (store.Message, error) { return d.SendDraft(ctx, setup, id) }, closeFn, nil
}

// daemonPage is the page `onward run` serves beside the daemon.
type daemonPage struct {
	a *app
	s *web.Server // nil when [web] listen is not set
	// stop stops the page.
	stop func()
}

// options are the page's options under cfg, sending through setup.
func (p *daemonPage) options(ctx context.Context, cfg *config.Config, setup *deliver.Setup, log *slog.Logger) (web.Options, error) {
	a := p.a
	send, _, err := a.webSender(ctx, cfg, setup)
	if err != nil {
		return web.Options{}, err
	}
	// Under a reloaded config, the page reads and writes through a view of
	// the app with that config: its tracker plans with the new policy and
	// user, and its plan gives the new reasons.
	v := a
	if cfg != a.cfg {
		view := *a
		view.cfg = cfg
		view.tr = tracker.New(a.st, policyOf(cfg), mailer.Address{Name: cfg.User.Name, Email: cfg.User.Email})
		v = &view
	}
	return web.Options{Store: v.st, Tracker: v.tr, Config: cfg, Send: send, Plan: v.webPlan, Now: v.now, Log: log}, nil
}

// reload puts the config and setup a SIGHUP read in force on the page:
// the name and zone it shows, the delays its forms plan with, and the
// SMTP client and templates its send button sends with are the daemon's.
func (p *daemonPage) reload(ctx context.Context, cfg *config.Config, setup *deliver.Setup, log *slog.Logger) error {
	if p.s == nil {
		return nil
	}
	o, err := p.options(ctx, cfg, setup, log)
	if err != nil {
		return err
	}
	return p.s.Reload(o)
}

// startWeb serves the page beside the daemon when [web] listen is set.
// An address that is refused or taken stops the start: the user asked for
// the page, and a daemon without it would look like one with it.
func (a *app) startWeb(ctx context.Context, cfg *config.Config, setup *deliver.Setup, log *slog.Logger) (*daemonPage, error) {
	p := &daemonPage{a: a, stop: func() {}}
	if cfg.Web.Listen == "" {
		return p, nil
	}
	o, err := p.options(ctx, cfg, setup, log)
	if err != nil {
		return nil, err
	}
	s, err := web.New(o)
	if err != nil {
		return nil, err
	}
	ln, err := web.Listen(cfg.Web.Listen, cfg.Web)
	if err != nil {
		return nil, badInput{fmt.Errorf("web.listen: %w", err)}
	}
	s.Bind(ln.Addr(), cfg.Web.TLS())
	log.Info("serving the web page", "url", s.URL())
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := s.Serve(ctx, ln, cfg.Web.TLSCert, cfg.Web.TLSKey); err != nil {
			log.Error("the web page stopped", "err", err)
		}
	}()
	p.s, p.stop = s, func() { cancel(); <-done }
	return p, nil
}

// demoWeb serves the page of the demo's database until ctx ends, on the
// usual address or, when that is taken, on any free loopback port.
func (a *app) demoWeb(ctx context.Context) error {
	s, err := web.New(web.Options{Store: a.st, Tracker: a.tr, Config: a.cfg, Plan: a.webPlan, Now: a.now,
		Log: slog.New(slog.NewTextHandler(a.stderr, nil))})
	if err != nil {
		return err
	}
	ln, err := web.Listen(config.DefaultWebListen, a.cfg.Web)
	if err != nil {
		if ln, err = web.Listen("127.0.0.1:0", a.cfg.Web); err != nil {
			return err
		}
	}
	s.Bind(ln.Addr(), false)
	fmt.Fprintf(a.stdout, "\nThe demo's page: open %s\n(press Ctrl-C to stop)\n", s.URL())
	return s.Serve(ctx, ln, "", "")
}

// webPlan is the page's plan: a page of `onward plan`'s list and reasons.
func (a *app) webPlan(ctx context.Context, now, until time.Time, offset, limit int) ([]web.PlanItem, int, error) {
	items, total, err := a.upcomingPage(ctx, now, until, offset, limit)
	if err != nil {
		return nil, 0, err
	}
	out := make([]web.PlanItem, 0, len(items))
	for _, it := range items {
		if it.Dropped {
			// Not a message: the page lists what goes out.
			continue
		}
		due, _ := time.Parse(time.RFC3339, it.DueAt)
		p := web.PlanItem{DueAt: due, Kind: it.Kind, To: it.ToText, Company: it.Company, Why: a.whyText(it)}
		if it.ApplicationID != nil {
			p.AppID = *it.ApplicationID
		}
		out = append(out, p)
	}
	return out, total, nil
}

// openBrowser opens url in the user's browser, best effort: the address
// is printed anyway.
func openBrowser(url string) {
	name := "xdg-open"
	switch runtime.GOOS {
	case "darwin":
		name = "open"
	case "windows":
		return
	}
	cmd := exec.Command(name, url)
	if cmd.Start() == nil {
		go cmd.Wait()
	}
}
