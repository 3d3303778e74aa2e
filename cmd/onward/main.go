// Command onward keeps a job hunt in one SQLite file and follows up on it:
// drafts to recruiters that the user sends, check-ins the daemon sends to
// the user. This package parses flags and wires the other packages; the
// rules live in tracker, plan and deliver.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/onward-app/onward/config"
	"github.com/onward-app/onward/mailer"
	"github.com/onward-app/onward/store"
	"github.com/onward-app/onward/templates"
	"github.com/onward-app/onward/tracker"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

// Exit codes: scripts rely on telling "you typed it wrong" from "it broke".
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := Main(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Main runs onward with args and returns the exit code.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr, now: time.Now}
	defer a.close()
	root := a.rootCommand()
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return exitOK
	}
	if isCobraUsage(err) {
		err = flagError{err}
	}
	code := exitCode(err)
	fmt.Fprintf(stderr, "onward: %s\n", err)
	var fe flagError
	if errors.As(err, &fe) && cmd != nil {
		fmt.Fprintf(stderr, "Run '%s --help' for usage.\n", cmd.CommandPath())
	}
	return code
}

// usageError marks an error in how onward was called.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// flagError is a usage error in the flags or the command name, where the
// command's --help is the best next step.
type flagError struct{ err error }

func (e flagError) Error() string { return e.err.Error() }
func (e flagError) Unwrap() error { return e.err }

// isCobraUsage recognises the usage errors cobra returns as plain errors
// (a missing required flag, an unknown command), which SetFlagErrorFunc
// does not see.
func isCobraUsage(err error) bool {
	msg := err.Error()
	for _, prefix := range []string{"required flag(s)", "unknown command", "unknown flag", "unknown shorthand flag",
		"invalid argument", "flag needs an argument", "if any flags in the group"} {
		if strings.HasPrefix(msg, prefix) {
			return true
		}
	}
	return false
}

// badInput marks an error in what the user wrote (a template override, a
// draft they edited) rather than in how onward was called.
type badInput struct{ err error }

func (e badInput) Error() string { return e.err.Error() }
func (e badInput) Unwrap() error { return e.err }

func exitCode(err error) int {
	var cfgErr *config.Error
	var u usageError
	var fe flagError
	var bad badInput
	switch {
	case errors.As(err, &u), errors.As(err, &fe), errors.As(err, &bad), errors.Is(err, tracker.ErrInvalid), errors.As(err, &cfgErr):
		return exitUsage
	}
	return exitFailure
}

// app holds what a command needs, loaded on first use so that `--help`
// and `init` work without a config or a database.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	now            func() time.Time

	configFlag string

	cfg *config.Config
	st  *store.Store
	tr  *tracker.Tracker
	tpl *templates.Set

	// log is the daemon's logger; commands without one write their
	// notes to stderr.
	log *slog.Logger
}

func (a *app) config() (*config.Config, error) {
	if a.cfg != nil {
		return a.cfg, nil
	}
	path, explicit := config.Find(a.configFlag)
	cfg, err := config.Load(path, explicit)
	if err != nil {
		return nil, err
	}
	a.cfg = cfg
	return cfg, nil
}

// open loads the config and opens the database and the tracker.
func (a *app) open(ctx context.Context) error {
	if a.st != nil {
		return nil
	}
	cfg, err := a.config()
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, cfg.Storage.Database)
	if err != nil {
		return err
	}
	st.Now = a.now
	a.st = st
	if dir := st.Private(); dir != "" {
		a.note("made the data folder private (owner only): other users could list or change the files in it", "folder", dir)
	}
	a.tr = tracker.New(st, policyOf(cfg), a.userAddress())
	return nil
}

// note tells the user of something onward did on its own, once: in the
// daemon's log, or on a command's stderr.
func (a *app) note(msg, key, value string) {
	if a.log != nil {
		a.log.Warn(msg, key, value)
		return
	}
	fmt.Fprintf(a.stderr, "onward: %s: %s\n", msg, value)
}

func (a *app) userAddress() mailer.Address {
	return mailer.Address{Name: a.cfg.User.Name, Email: a.cfg.User.Email}
}

func (a *app) templates() (*templates.Set, error) {
	if a.tpl != nil {
		return a.tpl, nil
	}
	cfg, err := a.config()
	if err != nil {
		return nil, err
	}
	tpl, err := templates.Load(cfg.Templates.Dir)
	if err != nil {
		return nil, badInput{err}
	}
	a.tpl = tpl
	return tpl, nil
}

func (a *app) close() {
	if a.st != nil {
		a.st.Close()
	}
}

func (a *app) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "onward",
		Short: "Follow up on a job hunt: drafts to recruiters, check-ins to you",
		Long: `onward keeps your job hunt in one SQLite file. Record what happens
(an application, an interview, a rejection) and onward plans the follow-ups:
polite drafts to recruiters, which you review and send yourself, and short
check-ins to you. Nothing is ever sent to a recruiter without your action.

Start with 'onward demo' to watch the whole story in under a minute, or
'onward init' to write a config file.`,
		Version:       version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.PersistentFlags().StringVar(&a.configFlag, "config", "", "config file (default $ONWARD_CONFIG, else "+config.DefaultPath()+")")
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return flagError{err} })
	root.AddGroup(&cobra.Group{ID: "track", Title: "Record the job hunt:"},
		&cobra.Group{ID: "fix", Title: "Correct a mistake:"},
		&cobra.Group{ID: "see", Title: "See the plan:"},
		&cobra.Group{ID: "run", Title: "Deliver:"})
	for _, c := range []*cobra.Command{a.applyCmd(), a.editCmd(), a.interviewCmd(), a.rejectCmd(), a.replyCmd(),
		a.offerCmd(), a.acceptCmd(), a.declineCmd(), a.withdrawCmd(), a.closeCmd(), a.logCmd(), a.feedbackCmd()} {
		c.GroupID = "track"
		root.AddCommand(c)
	}
	for _, c := range []*cobra.Command{a.undoCmd(), a.deleteCmd()} {
		c.GroupID = "fix"
		root.AddCommand(c)
	}
	for _, c := range []*cobra.Command{a.storyCmd(), a.statusCmd(), a.planCmd(), a.messagesCmd(), a.lessonsCmd(), a.patternsCmd(), a.templatesCmd(), a.digestCmd()} {
		c.GroupID = "see"
		root.AddCommand(c)
	}
	for _, c := range a.deliveryCmds() {
		c.GroupID = "run"
		root.AddCommand(c)
	}
	a.addInOut(root)
	root.AddCommand(a.configCmd(), a.initCmd())
	a.addCompletions(root)
	return root
}

// exactArgs is cobra.ExactArgs with an error that counts as bad usage.
func exactArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return flagError{fmt.Errorf("%s needs %s (got %d argument%s)", cmd.CommandPath(), what, len(args), plural(len(args)))}
		}
		return nil
	}
}
