package main

import (
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/compose"
	"github.com/onward-app/onward/replies"
	"github.com/onward-app/onward/store"
	"github.com/onward-app/onward/tracker"
)

func (a *app) statusCmd() *cobra.Command {
	var asJSON bool
	var stage string
	c := &cobra.Command{
		Use:   "status [--stage STAGE]",
		Short: "Show each application with its stage, last event and next message",
		Long: `Lists every application with its stage, the event recorded last and the
next message planned for it, then what waits on you (drafts, failures).

An application whose last follow-up (a status check or an application
follow-up you sent) has had no answer for [followups] quiet_after is quiet:
its NEXT says "no reply since DATE" with the command that lets it go,
onward close APP, and nothing more is planned for it. In --json it has
"quiet": {"since": ..., "close": "onward close ID"}.`,
		Example: `  onward status
  onward status --stage interviewing`,
		Args: exactArgs(0, "no arguments (use --stage)"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if stage != "" && !onward.Stage(stage).Valid() {
				return usagef("--stage: %q is not a stage; one of %s", stage, onward.Join(onward.Stages()))
			}
			if err := a.open(ctx); err != nil {
				return err
			}
			overviews, err := a.st.Overviews(ctx)
			if err != nil {
				return err
			}
			if stage != "" {
				overviews = slices.DeleteFunc(overviews, func(o store.Overview) bool { return o.App.Stage != onward.Stage(stage) })
			}
			apps := make([]store.Application, len(overviews))
			for i, o := range overviews {
				apps[i] = o.App
			}
			quiet, err := compose.QuietApps(ctx, a.st, apps, a.cfg.Location(), a.cfg.QuietAfter(), a.now())
			if err != nil {
				return err
			}
			out := []appOut{}
			w := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
			if !asJSON {
				if len(overviews) == 0 && stage != "" {
					fmt.Fprintf(a.stdout, "No applications at stage %s.\n", stage)
					return a.printAttention(cmd)
				}
				if len(overviews) == 0 {
					fmt.Fprintln(a.stdout, "No applications yet. Record one with: onward apply --company NAME --role TITLE")
					return a.printAttention(cmd)
				}
				fmt.Fprintln(w, "ID\tCOMPANY\tROLE\tSTAGE\tLAST EVENT\tNEXT")
			}
			for _, o := range overviews {
				if asJSON {
					ao := appJSON(o.App, o.Last, o.Next)
					if err := a.appDetailsJSON(ctx, &ao); err != nil {
						return err
					}
					if since, ok := quiet[o.App.ID]; ok {
						ao.Quiet = &quietOut{Since: rfc3339(since), Close: fmt.Sprintf("onward close %d", o.App.ID)}
					}
					out = append(out, ao)
					continue
				}
				lastText, nextText := "—", "—"
				if o.Last != nil {
					lastText = string(o.Last.Kind) + " " + a.day(o.Last.At)
				}
				if o.Next != nil {
					nextText = string(o.Next.Kind) + " " + a.when(o.Next.DueAt)
				}
				if since, ok := quiet[o.App.ID]; ok {
					nextText = fmt.Sprintf("no reply since %s: let it go with onward close %d", a.day(since), o.App.ID)
				}
				fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\n", o.App.ID, clip(o.App.Company, 30), clip(o.App.Role, 30), o.App.Stage, lastText, nextText)
			}
			if asJSON {
				return a.writeJSON(out)
			}
			if err := w.Flush(); err != nil {
				return err
			}
			return a.printAttention(cmd)
		},
	}
	c.Flags().StringVar(&stage, "stage", "", "only applications at this stage: "+onward.Join(onward.Stages()))
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON for scripts")
	return c
}

// printAttention lists what waits on the user: drafts and failures.
func (a *app) printAttention(cmd *cobra.Command) error {
	ctx := cmd.Context()
	counts, err := a.st.CountByStatus(ctx)
	if err != nil {
		return err
	}
	failed, err := a.st.Messages(ctx, store.MessageFilter{Status: onward.StatusFailed, NoBodies: true})
	if err != nil {
		return err
	}
	if n := counts[onward.StatusDrafted]; n > 0 {
		fmt.Fprintf(a.stdout, "\n%d draft%s waiting for you: onward drafts\n", n, plural(n))
	}
	for _, m := range failed {
		fmt.Fprintf(a.stdout, "\nfailed: message %d (%s): %s\n", m.ID, m.Kind, m.LastError)
	}
	if a.cfg.IMAPEnabled() {
		status, at, ok, err := a.st.Status(ctx, replies.StatusName)
		if err != nil {
			return err
		}
		switch {
		case !ok:
			fmt.Fprintln(a.stdout, "\nmailbox: not read yet (the daemon reads it at imap.poll)")
		case strings.HasPrefix(status, "error "):
			fmt.Fprintf(a.stdout, "\nmailbox: the last read, %s, failed: %s\n", a.when(at), strings.TrimPrefix(status, "error "))
		default:
			fmt.Fprintf(a.stdout, "\nmailbox: read %s, %s\n", a.when(at), strings.TrimPrefix(status, "ok "))
		}
	}
	return nil
}

// day formats a date in the user's zone.
func (a *app) day(t time.Time) string {
	return t.In(a.cfg.Location()).Format("Mon 2 Jan 2006")
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func (a *app) messagesCmd() *cobra.Command {
	var ref, status string
	var asJSON bool
	c := &cobra.Command{
		Use:   "messages [--app APP] [--status STATUS]",
		Short: "List the outbox: every message onward planned, with its status",
		Long: `List the outbox. Statuses: scheduled (waiting for its time), sending,
drafted (a recruiter draft waiting for you), sent, discarded, cancelled (by a
reply, an outcome or a withdrawal), failed (see last_error) and expired (found
too late to send politely). TRIES counts the attempts to send; NOTE says why
a message waits for a retry, failed, expired or was cancelled.`,
		Example: `  onward messages --app acme
  onward messages --status failed --json`,
		Args: exactArgs(0, "no arguments (use --app)"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if status != "" {
				if _, err := onward.ParseStatus(status); err != nil {
					return usagef("--status: %v", err)
				}
			}
			if err := a.open(ctx); err != nil {
				return err
			}
			f := store.MessageFilter{Status: onward.Status(status), NoBodies: true}
			if ref != "" {
				app, err := a.find(ctx, ref)
				if err != nil {
					return err
				}
				f.ApplicationID = app.ID
			}
			msgs, err := a.st.Messages(ctx, f)
			if err != nil {
				return err
			}
			if asJSON {
				return a.writeMessagesJSON(ctx, msgs)
			}
			if len(msgs) == 0 {
				fmt.Fprintln(a.stdout, "No messages.")
				return nil
			}
			w := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "ID\tAPP\tKIND\tSTATUS\tDUE\tTRIES\tTO\tNOTE")
			for _, m := range msgs {
				// The note says why a message waits, failed, expired or
				// was cancelled (held for the end of quiet hours, a retry
				// after 451, the reply that made it moot).
				fmt.Fprintf(w, "%d\t%d\t%s\t%s\t%s\t%d\t%s\t%s\n", m.ID, m.ApplicationID, m.Kind, m.Status, a.when(m.DueAt), m.Attempts, recipient(m), clip(messageNote(m), 100))
			}
			return w.Flush()
		},
	}
	c.Flags().StringVar(&ref, "app", "", "only this application")
	c.Flags().StringVar(&status, "status", "", "only this status")
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON for scripts")
	return c
}

// messageNote says why a message is where it is: a retry waiting, with
// what went wrong; a failure, expiry or cancellation, with its reason.
func messageNote(m store.Message) string {
	// The message's own Message-ID in a send error says nothing the row
	// does not: the server's words are what count in a narrow column.
	reason := m.LastError
	if rest, ok := strings.CutPrefix(reason, "mailer: send "+m.MessageID+": "); ok {
		reason = rest
	}
	switch {
	case reason == "":
		return ""
	case m.Status == onward.StatusScheduled && m.Attempts > 0:
		return fmt.Sprintf("retry after attempt %d: %s", m.Attempts, reason)
	case m.Status == onward.StatusFailed:
		return fmt.Sprintf("failed after %d attempt%s: %s", m.Attempts, plural(m.Attempts), reason)
	}
	return reason
}

func (a *app) lessonsCmd() *cobra.Command {
	var ref, tag string
	var asJSON bool
	c := &cobra.Command{
		Use:   "lessons [--app APP]",
		Short: "Show the lessons you logged; edit or delete one",
		Long: `Show the lessons you logged, each with its id, oldest first. Change one
with 'onward lessons edit ID TEXT', remove one with 'onward lessons delete ID'.`,
		Example: `  onward lessons --tag system-design
  onward lessons edit 4 "Bring two numbers to the #system-design round"
  onward lessons delete 5`,
		Args: exactArgs(0, "no arguments (use --app)"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if err := a.open(ctx); err != nil {
				return err
			}
			var f store.LessonFilter
			if tag != "" {
				norm, ok := tracker.NormalizeTag(tag)
				if !ok {
					return usagef("--tag: %q is not a tag: use letters, digits, - and _", tag)
				}
				f.Tag = norm
			}
			if ref != "" {
				app, err := a.find(ctx, ref)
				if err != nil {
					return err
				}
				f.ApplicationID = app.ID
			}
			ls, err := a.st.Lessons(ctx, f)
			if err != nil {
				return err
			}
			if asJSON {
				type lessonOut struct {
					ID            int64    `json:"id"`
					ApplicationID *int64   `json:"application_id"`
					Company       string   `json:"company"`
					Text          string   `json:"text"`
					Tags          []string `json:"tags"`
					CreatedAt     *string  `json:"created_at"`
				}
				out := make([]lessonOut, 0, len(ls))
				for _, l := range ls {
					o := lessonOut{ID: l.ID, Company: l.Company, Text: l.Text, Tags: l.Tags, CreatedAt: rfc3339(l.CreatedAt)}
					if o.Tags == nil {
						o.Tags = []string{}
					}
					if l.ApplicationID != 0 {
						id := l.ApplicationID
						o.ApplicationID = &id
					}
					out = append(out, o)
				}
				return a.writeJSON(out)
			}
			if len(ls) == 0 {
				fmt.Fprintln(a.stdout, `No lessons yet. Log one with: onward log [APP] "what I learned"`)
				return nil
			}
			for _, l := range ls {
				where := ""
				if l.Company != "" {
					where = " · " + l.Company
				}
				if len(l.Tags) > 0 {
					where += "  #" + strings.Join(l.Tags, " #")
				}
				fmt.Fprintf(a.stdout, "%d  %s%s\n  %s\n\n", l.ID, a.day(l.CreatedAt), where, strings.ReplaceAll(l.Text, "\n", "\n  "))
			}
			return nil
		},
	}
	c.Flags().StringVar(&ref, "app", "", "only this application")
	c.Flags().StringVar(&tag, "tag", "", "only lessons with this tag")
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON for scripts")
	c.AddCommand(a.lessonEditCmd(), a.lessonDeleteCmd())
	return c
}
