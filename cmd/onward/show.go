package main

import (
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/replies"
	"github.com/onward-app/onward/store"
	"github.com/onward-app/onward/tracker"
)

func (a *app) statusCmd() *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "status",
		Short: "Show each application with its stage, last event and next message",
		Args:  exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if err := a.open(ctx); err != nil {
				return err
			}
			overviews, err := a.st.Overviews(ctx)
			if err != nil {
				return err
			}
			out := []appOut{}
			w := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
			if !asJSON {
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
too late to send politely).`,
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
			fmt.Fprintln(w, "ID\tAPP\tKIND\tSTATUS\tDUE\tTO\tNOTE")
			for _, m := range msgs {
				// The note says why a message waits, failed or expired
				// (held for the end of quiet hours, a retry after 451).
				fmt.Fprintf(w, "%d\t%d\t%s\t%s\t%s\t%s\t%s\n", m.ID, m.ApplicationID, m.Kind, m.Status, a.when(m.DueAt), recipient(m), clip(m.LastError, 80))
			}
			return w.Flush()
		},
	}
	c.Flags().StringVar(&ref, "app", "", "only this application")
	c.Flags().StringVar(&status, "status", "", "only this status")
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON for scripts")
	return c
}

func (a *app) lessonsCmd() *cobra.Command {
	var ref, tag string
	var asJSON bool
	c := &cobra.Command{
		Use:   "lessons [--app APP]",
		Short: "Show the lessons you logged",
		Args:  exactArgs(0, "no arguments (use --app)"),
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
				fmt.Fprintf(a.stdout, "%s%s\n  %s\n\n", a.day(l.CreatedAt), where, strings.ReplaceAll(l.Text, "\n", "\n  "))
			}
			return nil
		},
	}
	c.Flags().StringVar(&ref, "app", "", "only this application")
	c.Flags().StringVar(&tag, "tag", "", "only lessons with this tag")
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON for scripts")
	return c
}
