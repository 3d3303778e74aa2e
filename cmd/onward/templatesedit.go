package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/templates"
)

// inspectTemplates loads the templates past broken overrides, for the
// commands that show and fix them.
func (a *app) inspectTemplates() (*templates.Set, []error, error) {
	cfg, err := a.config()
	if err != nil {
		return nil, nil, err
	}
	tpl, problems, err := templates.Inspect(cfg.Templates.Dir)
	if err != nil {
		return nil, nil, badInput{err}
	}
	return tpl, problems, nil
}

// isKindProblem reports whether p is the problem of one kind's override
// (listed beside it), not of a stray file.
func isKindProblem(tpl *templates.Set, p error) bool {
	for _, k := range onward.Kinds() {
		if tpl.Problem(k) == p {
			return true
		}
	}
	return false
}

// templateNoteStart opens the note put above a template that failed its
// check; the note is a template comment, so the file stays a template.
const templateNoteStart = "{{/* onward could not use this file:"

func (a *app) templatesEditCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "edit KIND",
		Short: "Change a template in $EDITOR, checked before it is used",
		Long: `Opens your override of the template in $VISUAL or $EDITOR (default vi),
starting from the built-in one when you have none yet. On save the template
is checked on sample data, as onward checks it at start; only a template
that passes replaces the one in use, in [templates] dir. If it fails, the
editor opens again with the problem in a comment at the top; without a
terminal, your edit is kept in a file the error names. An empty file, or
no change, leaves the template as it was.

The daemon reads templates at start and on reload (SIGHUP).

  onward templates edit thank_you`,
		Args: exactArgs(1, "a kind (see `onward templates list`)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			kind, err := onward.ParseKind(args[0])
			if err != nil {
				return usagef("%v", err)
			}
			cfg, err := a.config()
			if err != nil {
				return err
			}
			dir := cfg.Templates.Dir
			if dir == "" {
				return usagef("[templates] dir is not set in the config: set it to the folder for your own templates")
			}
			path := filepath.Join(dir, string(kind)+".tmpl")
			cur, err := os.ReadFile(path)
			exists := err == nil
			if err != nil && !errors.Is(err, os.ErrNotExist) {
				return badInput{fmt.Errorf("templates: %w", err)}
			}
			start := string(cur)
			broken := exists && templates.Check(kind, path, start) != nil
			if !exists || len(bytes.TrimSpace(cur)) == 0 {
				if start, err = templates.Default(kind); err != nil {
					return err
				}
			}
			if err := os.MkdirAll(dir, 0o700); err != nil {
				return badInput{fmt.Errorf("templates: %w", err)}
			}
			// Edited beside the override, hidden, so that a template that
			// fails its check never replaces the one in use (Load skips
			// hidden files).
			work := filepath.Join(dir, "."+string(kind)+".tmpl.edit")
			content := start
			for {
				if err := os.WriteFile(work, []byte(content), 0o600); err != nil {
					return badInput{fmt.Errorf("templates: %w", err)}
				}
				if err := a.runEditor(cmd.Context(), work); err != nil {
					os.Remove(work)
					return fmt.Errorf("%w; the template is unchanged", err)
				}
				b, err := os.ReadFile(work)
				if err != nil {
					return err
				}
				edited := stripTemplateNote(string(b))
				switch {
				case len(bytes.TrimSpace([]byte(edited))) == 0:
					os.Remove(work)
					fmt.Fprintf(a.stdout, "Empty file: the %s template is unchanged.\n", kind)
					return nil
				case edited == start && !broken:
					os.Remove(work)
					fmt.Fprintf(a.stdout, "The %s template is unchanged.\n", kind)
					return nil
				}
				cerr := templates.Check(kind, path, edited)
				if cerr == nil {
					if err := os.WriteFile(work, []byte(edited), 0o600); err != nil {
						return err
					}
					if err := os.Rename(work, path); err != nil {
						return fmt.Errorf("templates: %w", err)
					}
					fmt.Fprintf(a.stdout, "Saved %s; it passed the check. A running daemon uses it after a reload (SIGHUP).\n", path)
					return nil
				}
				if !a.onTerminal() {
					if err := os.WriteFile(work, []byte(edited), 0o600); err != nil {
						return err
					}
					return badInput{fmt.Errorf("%w; the template in use is unchanged, and your edit is kept in %s", cerr, work)}
				}
				content = templateNote(cerr) + edited
			}
		},
	}
}

// templateNote is the comment put above a template that failed its check.
func templateNote(err error) string {
	msg := strings.ReplaceAll(err.Error(), "*/", "* /")
	return templateNoteStart + "\n    " + msg +
		"\n  Line numbers count from below this note. Fix it and save; empty the file" +
		"\n  to leave the template as it was. This note is removed. */}}\n"
}

// stripTemplateNote removes the note templateNote put at the top.
func stripTemplateNote(s string) string {
	if !strings.HasPrefix(s, templateNoteStart) {
		return s
	}
	if _, rest, ok := strings.Cut(s, "*/}}\n"); ok {
		return rest
	}
	return s
}
