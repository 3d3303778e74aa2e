package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/store"
	"github.com/onward-app/onward/tracker"
)

// This file holds the commands that take back what was recorded: undo,
// delete, and editing or deleting a lesson.

// onTerminal reports whether onward may ask the user a question: its
// input is a terminal, not a pipe or a file a script gave it.
func (a *app) onTerminal() bool {
	f, ok := a.stdin.(*os.File)
	return ok && isTerminal(f)
}

// askYes asks a yes/no question on the terminal; only "y" or "yes" is a
// yes, so a stray Enter changes nothing.
func (a *app) askYes(question string) bool {
	fmt.Fprintf(a.stderr, "%s [y/N] ", question)
	line, _ := bufio.NewReader(a.stdin).ReadString('\n')
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return true
	}
	return false
}

func (a *app) undoCmd() *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "undo APP",
		Short: "Take back the last event recorded on an application",
		Long: `Take back the last event recorded on an application: a mistyped
interview, a rejection or an offer recorded on the wrong company, a reply
that was not one.

What that event planned and is still waiting (scheduled messages, drafts) is
cancelled; the application goes back to the stage the events before it give
it; and what the event had cancelled of an earlier plan (the status check an
offer cancelled, the thank-you a rejection cancelled) is planned again, when
it is still timely. Messages already sent stay in the history. A feedback
request cancelled this way was never sent, so a later rejection asks again.

An application with nothing recorded after its application is not undone:
remove it with 'onward delete APP'.`,
		Example: `  onward reject acme          # oops: it was Globex that said no
  onward undo acme            # Acme is back in interviews, its plan restored
  onward reject globex`,
		Args: exactArgs(1, "one application (an id or a company name)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			app, err := a.find(ctx, args[0])
			if err != nil {
				return err
			}
			u, err := a.tr.Undo(ctx, app.ID)
			if err != nil {
				return err
			}
			if asJSON {
				return a.writeJSON(undoJSON(u))
			}
			a.printUndo(u)
			return nil
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print what changed as JSON")
	return c
}

func (a *app) printUndo(u tracker.Undone) {
	fmt.Fprintf(a.stdout, "Undid the %s of %s on %s — %s (%d).\n", u.Event.Kind.Noun(), a.when(u.Event.At), u.App.Company, u.App.Role, u.App.ID)
	if u.From != u.To {
		fmt.Fprintf(a.stdout, "  stage: %s → %s\n", u.From, u.To)
	} else {
		fmt.Fprintf(a.stdout, "  stage: %s (unchanged)\n", u.To)
	}
	for _, m := range u.Cancelled {
		fmt.Fprintf(a.stdout, "  cancelled %-16s message %d (was %s)\n", m.Kind, m.ID, m.Status)
	}
	for _, m := range u.Kept {
		fmt.Fprintf(a.stdout, "  kept      %-16s message %d: %s, it stays in the history\n", m.Kind, m.ID, m.Status)
	}
	for _, m := range u.Replanned {
		fmt.Fprintf(a.stdout, "  planned again %-16s %s  %s\n", m.Kind, a.when(m.DueAt), describeAudience(m, u.App))
	}
	for _, p := range u.Late {
		fmt.Fprintf(a.stdout, "  not planned again %-16s it would have been due %s: too late to send now\n", p.Kind, a.when(p.PlannedAt))
	}
	for _, p := range u.Dropped {
		fmt.Fprintf(a.stdout, "  not planned again %-16s %s\n", p.Kind, p.Reason)
	}
	if len(u.Cancelled)+len(u.Replanned) == 0 {
		fmt.Fprintln(a.stdout, "  no messages changed")
	}
	for _, o := range u.Others {
		a.printUndo(o)
	}
}

type undoOut struct {
	Application appOut       `json:"application"`
	Removed     eventOut     `json:"removed_event"`
	From        onward.Stage `json:"from_stage"`
	To          onward.Stage `json:"to_stage"`
	Cancelled   []messageOut `json:"cancelled"`
	Kept        []messageOut `json:"kept"`
	Replanned   []messageOut `json:"planned_again"`
	// AlsoUndone are the withdrawals an undone acceptance had made.
	AlsoUndone []undoOut `json:"also_undone,omitempty"`
}

func undoJSON(u tracker.Undone) undoOut {
	out := undoOut{Application: appJSON(u.App, nil, nil), From: u.From, To: u.To,
		Removed:   eventOut{Kind: u.Event.Kind, At: rfc3339(u.Event.At), Note: u.Event.Note},
		Cancelled: []messageOut{}, Kept: []messageOut{}, Replanned: []messageOut{}}
	for _, m := range u.Cancelled {
		out.Cancelled = append(out.Cancelled, messageJSON(m))
	}
	for _, m := range u.Kept {
		out.Kept = append(out.Kept, messageJSON(m))
	}
	for _, m := range u.Replanned {
		out.Replanned = append(out.Replanned, messageJSON(m))
	}
	for _, o := range u.Others {
		out.AlsoUndone = append(out.AlsoUndone, undoJSON(o))
	}
	return out
}

func (a *app) deleteCmd() *cobra.Command {
	var yes bool
	c := &cobra.Command{
		Use:     "delete APP [--yes]",
		Aliases: []string{"rm", "remove"},
		Short:   "Remove an application and everything of it",
		Long: `Remove an application and everything recorded on it: its events, its
lessons, and its messages, the ones already sent too (they leave the history:
you asked for the application to be gone). Nothing is sent or cancelled at a
recruiter's end; a draft you already sent stays in your mail program.

On a terminal onward shows what will go and asks first. Scripts, and input
that is not a terminal, must say --yes; without it nothing is deleted and the
exit code is 2.

To take back only the last thing recorded (a mistyped interview, a
rejection), use 'onward undo APP' instead.`,
		Example: `  onward delete 7             # shows what goes, asks
  onward delete acme --yes    # no question, for scripts`,
		Args: exactArgs(1, "one application (an id or a company name)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			app, err := a.find(ctx, args[0])
			if err != nil {
				return err
			}
			if !yes {
				if !a.onTerminal() {
					return usagef("delete %s (%d): there is no terminal to confirm on; add --yes to delete it", app.Company, app.ID)
				}
				f, err := a.st.Footprint(ctx, app.ID)
				if err != nil {
					return err
				}
				fmt.Fprintf(a.stderr, "%s — %s (%d), %s:\n  %s\n", app.Company, app.Role, app.ID, app.Stage, footprintWords(f))
				if !a.askYes("Delete it?") {
					fmt.Fprintln(a.stdout, "Nothing deleted.")
					return nil
				}
			}
			d, err := a.tr.Delete(ctx, app.ID)
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "Deleted %s — %s (%d): %s.\n", d.App.Company, d.App.Role, d.App.ID, footprintWords(d.Footprint))
			return nil
		},
	}
	c.Flags().BoolVar(&yes, "yes", false, "delete without asking")
	return c
}

// footprintWords says what deleting an application removes.
func footprintWords(f store.Footprint) string {
	s := fmt.Sprintf("%d event%s, %d lesson%s, %d message%s", f.Events, plural(f.Events), f.Lessons, plural(f.Lessons),
		f.Messages, plural(f.Messages))
	if f.Sent > 0 {
		s += fmt.Sprintf(" (%d sent: they leave the history too)", f.Sent)
	}
	return s
}

// lessonID reads a lesson id argument.
func lessonID(arg string) (int64, error) {
	id, err := strconv.ParseInt(arg, 10, 64)
	if err != nil || id <= 0 {
		return 0, usagef("%q is not a lesson id (the ids are in `onward lessons`)", arg)
	}
	return id, nil
}

func (a *app) lessonEditCmd() *cobra.Command {
	var tags []string
	c := &cobra.Command{
		Use:   "edit ID TEXT [--tag NAME]...",
		Short: "Replace a lesson's text; its tags are read again from it",
		Long: `Replace the text of a lesson. Its tags are read again from the new
text (#words), plus any --tag given now: tags it had only from an earlier
--tag are dropped unless given again.`,
		Example: `  onward lessons edit 4 "Bring two concrete numbers to the #system-design round"`,
		Args:    exactArgs(2, "a lesson id and the new text (quote it)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := lessonID(args[0])
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			if err := a.open(ctx); err != nil {
				return err
			}
			l, err := a.tr.EditLesson(ctx, id, args[1], tags...)
			if err != nil {
				return err
			}
			tagText := ""
			if len(l.Tags) > 0 {
				tagText = " (#" + strings.Join(l.Tags, " #") + ")"
			}
			fmt.Fprintf(a.stdout, "Lesson %d updated%s.\n", l.ID, tagText)
			return nil
		},
	}
	c.Flags().StringArrayVar(&tags, "tag", nil, "a tag for the lesson (repeatable)")
	return c
}

func (a *app) lessonDeleteCmd() *cobra.Command {
	return &cobra.Command{
		Use:     "delete ID",
		Aliases: []string{"rm"},
		Short:   "Delete a lesson",
		Example: `  onward lessons delete 4`,
		Args:    exactArgs(1, "a lesson id (see `onward lessons`)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := lessonID(args[0])
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			if err := a.open(ctx); err != nil {
				return err
			}
			l, err := a.tr.DeleteLesson(ctx, id)
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "Deleted lesson %d: %s\n", l.ID, clip(strings.ReplaceAll(l.Text, "\n", " "), 60))
			return nil
		},
	}
}

// duplicateOK decides what to do when apply finds the same application
// open: ask on a terminal, refuse otherwise (the error names the id).
func (a *app) duplicateOK(err error) bool {
	var dup *tracker.DuplicateError
	if !errors.As(err, &dup) || !a.onTerminal() {
		return false
	}
	d := dup.Existing
	fmt.Fprintf(a.stderr, "%s — %s is already open as application %d (applied %s).\n", d.Company, d.Role, d.ID, a.day(d.AppliedAt))
	return a.askYes("Record another application for it?")
}
