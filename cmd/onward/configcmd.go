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
	"github.com/onward-app/onward/compose"
	"github.com/onward-app/onward/config"
	"github.com/onward-app/onward/store"
	"github.com/onward-app/onward/templates"
)

func (a *app) configCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "config",
		Short: "Check the configuration",
	}
	c.AddCommand(&cobra.Command{
		Use:   "check",
		Short: "Validate the config and templates and print the effective config, secrets masked",
		Args:  exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
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
			// A password that cannot be had stops the daemon at start;
			// the check says so the same way (exit 2), within the
			// command's limit, and never prints the command itself.
			var secrets []secretCheck
			if cfg.Delivery.Transport == "smtp" {
				secrets = append(secrets, secretCheck{"smtp", cfg.SMTP.PasswordSource(), cfg.SMTP.ResolvePassword})
			}
			if cfg.IMAPEnabled() {
				secrets = append(secrets, secretCheck{"imap", cfg.IMAP.PasswordSource(), cfg.IMAP.ResolvePassword})
			}
			for _, s := range secrets {
				if _, err := s.resolve(cmd.Context()); err != nil {
					fmt.Fprintf(a.stdout, "# %s password: from %s (failed)\n", s.table, s.source)
					return badInput{fmt.Errorf("config: %w", err)}
				}
				fmt.Fprintf(a.stdout, "# %s password: from %s (ok)\n", s.table, s.source)
			}
			if !cfg.DigestSpec().IsZero() {
				fmt.Fprintf(a.stdout, "# next digest: %s\n", a.when(cfg.DigestSpec().Next(a.now(), cfg.Location())))
			}
			fmt.Fprintln(a.stdout, "# the config is valid")
			b, err := toml.Marshal(cfg.Masked())
			if err != nil {
				return err
			}
			_, err = a.stdout.Write(b)
			return err
		},
	})
	return c
}

// secretCheck is one password source that config check tries.
type secretCheck struct {
	table, source string
	resolve       func(context.Context) (string, error)
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
		Args:  exactArgs(1, "a kind (see `onward templates list`)"),
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
			data := templates.Sample(kind)
			if ref != "" {
				app, err := a.find(ctx, ref)
				if err != nil {
					return err
				}
				if kind == onward.DraftReady || kind == onward.Digest || kind == onward.RejectionNotice {
					return usagef("--app works with the per-application kinds, not %s", kind)
				}
				c := &compose.Composer{Store: a.st, Templates: tpl, User: a.userAddress(), Location: a.cfg.Location(), NoSend: !canSend(a.cfg)}
				m := store.Message{ApplicationID: app.ID, Kind: kind, Audience: kind.Audience()}
				if data, err = c.Data(ctx, m, a.now()); err != nil {
					return err
				}
			}
			r, err := tpl.Render(kind, data)
			if err != nil {
				return badInput{err}
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
