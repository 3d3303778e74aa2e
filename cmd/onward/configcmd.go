package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/pelletier/go-toml/v2"
	"github.com/spf13/cobra"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/config"
	"github.com/onward-app/onward/imapbox"
	"github.com/onward-app/onward/mailer"
)

func (a *app) configCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "config",
		Short: "Check the configuration",
	}
	var connect bool
	check := &cobra.Command{
		Use:   "check [--connect]",
		Short: "Validate the config and templates and print the effective config, secrets masked",
		Long: `Reads the config and the templates as the daemon would and prints the
effective config, passwords masked. Every password source is read: one that
cannot be had (an unset variable, a missing file, a failing command) is an
error for a transport in use ([smtp] with transport = "smtp", [imap] with a
host) and a warning otherwise. It warns about what would work but is not
what you mean: the example name, address or host 'onward init' wrote, and
no config at all (drafts would be signed with this machine's login).

With --connect it also logs in to the SMTP and IMAP servers in use, sends
nothing, and says what happened.`,
		Example: `  onward config check
  onward config check --connect`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			cfg, err := a.config()
			if err != nil {
				return err
			}
			if _, err := a.templates(); err != nil {
				return err
			}
			src := cfg.Path
			if src == "" {
				src = "none found at " + config.DefaultPath() + "; built-in defaults"
			}
			fmt.Fprintf(a.stdout, "# config: %s\n# time zone: %s\n", src, cfg.Location())
			warnings := a.configWarnings(cfg)
			// A password that cannot be had stops the daemon at start;
			// the check says so the same way (exit 2), within the
			// command's limit, and never prints the command itself. One
			// for a part that is off is only a warning: it fails the day
			// the part is switched on.
			secrets := []secretCheck{
				{"smtp", cfg.SMTP.PasswordSource(), cfg.SMTP.ResolvePassword, cfg.Delivery.Transport == "smtp", `delivery.transport is not "smtp"`},
				{"imap", cfg.IMAP.PasswordSource(), cfg.IMAP.ResolvePassword, cfg.IMAPEnabled(), "imap.host is empty"},
			}
			for _, s := range secrets {
				if !s.on && s.source == "none" {
					continue
				}
				if _, err := s.resolve(ctx); err != nil {
					fmt.Fprintf(a.stdout, "# %s password: from %s (failed)\n", s.table, s.source)
					if s.on {
						return badInput{fmt.Errorf("config: %w", err)}
					}
					warnings = append(warnings, fmt.Sprintf("%v (not needed yet: %s)", err, s.off))
					continue
				}
				fmt.Fprintf(a.stdout, "# %s password: from %s (ok)\n", s.table, s.source)
			}
			if !cfg.DigestSpec().IsZero() {
				fmt.Fprintf(a.stdout, "# next digest: %s\n", a.when(cfg.DigestSpec().Next(a.now(), cfg.Location())))
			}
			for _, w := range warnings {
				fmt.Fprintf(a.stderr, "onward: warning: %s\n", w)
			}
			if connect {
				if err := a.connectCheck(ctx, cfg); err != nil {
					return err
				}
			}
			switch len(warnings) {
			case 0:
				fmt.Fprintln(a.stdout, "# the config is valid")
			default:
				fmt.Fprintf(a.stdout, "# the config is valid, with %d warning%s (on stderr)\n", len(warnings), plural(len(warnings)))
			}
			b, err := toml.Marshal(cfg.Masked())
			if err != nil {
				return err
			}
			_, err = a.stdout.Write(b)
			return err
		},
	}
	check.Flags().BoolVar(&connect, "connect", false, "also log in to the SMTP and IMAP servers in use (nothing is sent)")
	c.AddCommand(check)
	return c
}

// secretCheck is one password source that config check tries; on says
// the part that needs it is in use, off why it is not.
type secretCheck struct {
	table, source string
	resolve       func(context.Context) (string, error)
	on            bool
	off           string
}

// configWarnings lists what is valid but not what the user means: the
// example values `onward init` wrote, and no identity at all.
func (a *app) configWarnings(cfg *config.Config) []string {
	var out []string
	if cfg.Path == "" {
		out = append(out, fmt.Sprintf("no config file: drafts would be signed %q and check-ins sent to %s; write one with: onward init",
			cfg.User.Name+" <"+cfg.User.Email+">", cfg.User.Email))
	}
	var ex config.Config
	if err := toml.Unmarshal(onward.ExampleConfig, &ex); err != nil {
		return append(out, "the example config does not parse: "+err.Error())
	}
	placeholder := func(key, value, example string) {
		if value != "" && value == example {
			out = append(out, fmt.Sprintf("%s is still the example %q from onward init: set your own in %s", key, value, cfg.Path))
		}
	}
	if cfg.Path != "" {
		placeholder("user.name", cfg.User.Name, ex.User.Name)
		placeholder("user.email", cfg.User.Email, ex.User.Email)
		if cfg.Delivery.Transport == "smtp" {
			placeholder("smtp.host", cfg.SMTP.Host, ex.SMTP.Host)
		}
	}
	return out
}

// connectCheck logs in to the servers the config uses and says how it
// went; a refused login or an unreachable server is an error (exit 1).
func (a *app) connectCheck(ctx context.Context, cfg *config.Config) error {
	var errs []error
	tried := false
	if cfg.Delivery.Transport == "smtp" {
		tried = true
		password, err := cfg.SMTP.ResolvePassword(ctx)
		if err != nil {
			return badInput{fmt.Errorf("config: %w", err)}
		}
		smtp, err := mailer.NewSMTP(mailer.SMTPConfig{
			Host: cfg.SMTP.Host, Port: cfg.SMTP.Port, Username: cfg.SMTP.Username, Password: password,
			Security: cfg.SMTP.Security, Timeout: cfg.SMTPTimeout(), SendTimeout: cfg.SMTPSendTimeout(),
		})
		if err != nil {
			return badInput{err}
		}
		err = smtp.Check(ctx)
		smtp.Close()
		who := cfg.SMTP.Username
		if who == "" {
			who = "(no login)"
		}
		if err != nil {
			fmt.Fprintf(a.stdout, "# smtp: %s:%d as %s: FAILED: %v\n", cfg.SMTP.Host, cfg.SMTP.Port, who, err)
			errs = append(errs, fmt.Errorf("smtp: %w", err))
		} else {
			fmt.Fprintf(a.stdout, "# smtp: %s:%d as %s: logged in (%s), nothing sent\n", cfg.SMTP.Host, cfg.SMTP.Port, who, cfg.SMTP.Security)
		}
	}
	if cfg.IMAPEnabled() {
		tried = true
		ic, err := imapConfig(ctx, cfg)
		if err != nil {
			return err
		}
		c, err := imapbox.Dial(ctx, ic)
		if err != nil {
			fmt.Fprintf(a.stdout, "# imap: %s as %s: FAILED: %v\n", cfg.IMAP.Host, cfg.IMAP.Username, err)
			errs = append(errs, err)
		} else {
			c.Close()
			fmt.Fprintf(a.stdout, "# imap: %s as %s: logged in (%s)\n", cfg.IMAP.Host, cfg.IMAP.Username, cfg.IMAP.Security)
		}
	}
	if !tried {
		fmt.Fprintln(a.stdout, `# --connect: no server to log in to (delivery.transport is "outbox" and [imap] has no host)`)
	}
	if len(errs) > 0 {
		return fmt.Errorf("config check --connect: %w", errors.Join(errs...))
	}
	return nil
}

func (a *app) initCmd() *cobra.Command {
	var force bool
	c := &cobra.Command{
		Use:   "init",
		Short: "Write a commented starter config to the config path",
		Long: `Writes config.example.toml, commented line by line, to the config path
(--config, $ONWARD_CONFIG, or ` + config.DefaultPath() + `). Edit [user]
first: your name signs the drafts.`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			path, _ := config.Find(a.configFlag)
			if _, err := os.Stat(path); err == nil && !force {
				return usagef("%s already exists; use --force to overwrite it", path)
			} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
			if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
				return err
			}
			if err := os.WriteFile(path, starterConfig(), 0o600); err != nil {
				return err
			}
			// WriteFile keeps the mode of a file it overwrites.
			if err := os.Chmod(path, 0o600); err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "Wrote %s. Edit [user] with your name and address, then run: onward config check\n", path)
			return nil
		},
	}
	c.Flags().BoolVar(&force, "force", false, "overwrite an existing file")
	return c
}

func (a *app) templatesCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "templates",
		Short: "List, show, edit and preview the email templates",
	}
	c.AddCommand(&cobra.Command{
		Use:   "list",
		Short: "List the templates and where each comes from",
		Long: `Lists every template, who it is for, and where it comes from: built-in, or
your override's path. An override that is broken is listed with what is
wrong, so you can fix it with 'onward templates edit KIND'.`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			tpl, problems, err := a.inspectTemplates()
			if err != nil {
				return err
			}
			for _, k := range onward.Kinds() {
				_, origin, err := tpl.Source(k)
				if err != nil {
					return err
				}
				fmt.Fprintf(a.stdout, "%-17s %-9s %s\n", k, k.Audience(), origin)
				if p := tpl.Problem(k); p != nil {
					fmt.Fprintf(a.stdout, "%-17s %-9s BROKEN: %v\n", "", "", p)
				}
			}
			for _, p := range problems {
				if !isKindProblem(tpl, p) {
					fmt.Fprintf(a.stdout, "BROKEN: %v\n", p)
				}
			}
			return nil
		},
	})
	c.AddCommand(&cobra.Command{
		Use:   "show KIND",
		Short: "Print a template's source (to change it: onward templates edit KIND)",
		Args:  exactArgs(1, "a kind (see `onward templates list`)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			tpl, _, err := a.inspectTemplates()
			if err != nil {
				return err
			}
			src, origin, err := tpl.Source(onward.Kind(args[0]))
			if err != nil {
				return usagef("unknown kind %q; one of %s", args[0], onward.Join(onward.Kinds()))
			}
			fmt.Fprintf(a.stdout, "{{/* %s: %s */}}\n%s", args[0], origin, src)
			if p := tpl.Problem(onward.Kind(args[0])); p != nil {
				fmt.Fprintf(a.stderr, "onward: this override is broken: %v\n", p)
			}
			return nil
		},
	})
	c.AddCommand(a.templatesEditCmd())
	var ref string
	preview := &cobra.Command{
		Use:   "preview KIND [--app APP]",
		Short: "Render a template with an application's real data, or sample data",
		Long: `Render a template. With --app, it uses that application's real data (its
interview, people, topics, lessons, feedback) and says so when the kind does
not apply to it yet (a thank-you with no interview recorded). digest and
draft_ready use the real database when it has something to show. Otherwise
the data are a plain sample (Example Co, addresses at example.com) written
to you by name.`,
		Example: `  onward templates preview thank_you --app acme
  onward templates preview digest`,
		Args: exactArgs(1, "a kind (see `onward templates list`)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			kind := onward.Kind(args[0])
			tpl, err := a.templates()
			if err != nil {
				return err
			}
			if _, _, err := tpl.Source(kind); err != nil {
				return usagef("unknown kind %q; one of %s", kind, onward.Join(onward.Kinds()))
			}
			if ref != "" && (kind == onward.Digest || kind == onward.RejectionNotice || kind == onward.InvitationNotice) {
				return usagef("--app works with the per-application kinds, not %s", kind)
			}
			if err := a.open(ctx); err != nil {
				return err
			}
			data, real, err := a.previewData(ctx, tpl, kind, ref)
			if err != nil {
				return err
			}
			r, err := tpl.Render(kind, data)
			if err != nil {
				return badInput{err}
			}
			if !real {
				fmt.Fprintln(a.stderr, "(sample data: give --app APP for an application's own)")
			}
			fmt.Fprintf(a.stdout, "Subject: %s\n\n%s", r.Subject, r.Text)
			return nil
		},
	}
	preview.Flags().StringVar(&ref, "app", "", "use this application's data")
	c.AddCommand(preview)
	return c
}

// starterConfig is config.example.toml with this machine's default folders
// ($XDG_DATA_HOME, $XDG_CONFIG_HOME) in place of the documented ones, so
// that writing the file does not move the database.
func starterConfig() []byte {
	d := config.Default()
	home, _ := os.UserHomeDir()
	tilde := func(p string) string {
		if home != "" && strings.HasPrefix(p, home+string(filepath.Separator)) {
			return "~" + p[len(home):]
		}
		return p
	}
	return []byte(strings.NewReplacer(
		`"~/.local/share/onward/onward.db"`, fmt.Sprintf("%q", tilde(d.Storage.Database)),
		`"~/.local/share/onward/outbox"`, fmt.Sprintf("%q", tilde(d.Delivery.Outbox)),
		`"~/.config/onward/templates"`, fmt.Sprintf("%q", tilde(d.Templates.Dir)),
	).Replace(string(onward.ExampleConfig)))
}
