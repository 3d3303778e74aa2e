package main

import (
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/store"
	"github.com/onward-app/onward/tracker"
)

// storyCmd is `onward show APP`: one application's whole story in one
// place, so nobody needs SQL to see what happened and what comes next.
func (a *app) storyCmd() *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "show APP [--json]",
		Short: "Show one application's whole story: details, events, messages, lessons, what comes next",
		Long: `Show everything onward knows about one application: its details and
notes, every event recorded on it (with an interview's details), every
message planned for it with its status and the reason for a retry, a hold, a
failure or a cancellation, the lessons logged on it, and what comes next.`,
		Example: `  onward show acme
  onward show 7 --json`,
		Args: exactArgs(1, "one application (an id or a company name)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			app, err := a.find(ctx, args[0])
			if err != nil {
				return err
			}
			events, err := a.st.EventDetails(ctx, app.ID)
			if err != nil {
				return err
			}
			msgs, err := a.st.Messages(ctx, store.MessageFilter{ApplicationID: app.ID, NoBodies: true})
			if err != nil {
				return err
			}
			lessons, err := a.st.Lessons(ctx, store.LessonFilter{ApplicationID: app.ID})
			if err != nil {
				return err
			}
			var next *store.Message
			if m, err := a.st.NextPending(ctx, app.ID); err == nil {
				next = &m
			} else if !errors.Is(err, store.ErrNotFound) {
				return err
			}
			if asJSON {
				return a.writeJSON(storyJSON(app, events, msgs, lessons, next))
			}
			return a.printStory(app, events, msgs, lessons, next)
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print the story as JSON")
	return c
}

func (a *app) printStory(app store.Application, events []store.EventDetail, msgs []store.Message, lessons []store.Lesson, next *store.Message) error {
	out := a.stdout
	fmt.Fprintf(out, "%s — %s (application %d)\n", app.Company, app.Role, app.ID)
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintf(w, "  stage\t%s\n", app.Stage)
	fmt.Fprintf(w, "  applied\t%s\n", a.when(app.AppliedAt))
	recruiter := tracker.RecruiterAddress(app)
	if recruiter == "" {
		recruiter = app.RecruiterName
	}
	if recruiter == "" {
		recruiter = "unknown (add one: onward edit " + fmt.Sprint(app.ID) + ` --recruiter "Name <address>")`
	}
	if app.RecruiterTZ != "" {
		recruiter += " (" + app.RecruiterTZ + ")"
	}
	fmt.Fprintf(w, "  recruiter\t%s\n", recruiter)
	if app.URL != "" {
		fmt.Fprintf(w, "  posting\t%s\n", app.URL)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if app.Notes != "" {
		fmt.Fprintf(out, "  notes\n    %s\n", strings.ReplaceAll(app.Notes, "\n", "\n    "))
	}

	fmt.Fprintln(out, "\nEvents")
	for _, e := range events {
		line := a.when(e.At)
		if !e.EndsAt.IsZero() {
			line += " until " + a.when(e.EndsAt)
		}
		fmt.Fprintf(out, "  %-10s %s\n", e.Kind.Label(), line)
		if e.Note != "" {
			fmt.Fprintf(out, "             note: %s\n", strings.ReplaceAll(e.Note, "\n", "\n                   "))
		}
		for _, f := range e.Extra {
			fmt.Fprintf(out, "             %s: %s\n", strings.ReplaceAll(f.Name, "_", " "), f.Value)
		}
	}

	fmt.Fprintln(out, "\nMessages")
	if len(msgs) == 0 {
		fmt.Fprintln(out, "  none")
	} else {
		w = tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "  ID\tKIND\tSTATUS\tWHEN\tATTEMPTS\tWHY")
		for _, m := range msgs {
			at := m.DueAt
			if m.Status == onward.StatusSent && !m.SentAt.IsZero() {
				at = m.SentAt
			}
			fmt.Fprintf(w, "  %d\t%s\t%s\t%s\t%d\t%s\n", m.ID, m.Kind, m.Status, a.when(at), m.Attempts, clip(m.LastError, 80))
		}
		if err := w.Flush(); err != nil {
			return err
		}
	}

	fmt.Fprintln(out, "\nLessons")
	if len(lessons) == 0 {
		fmt.Fprintf(out, "  none yet (log one: onward log %d \"what I learned\")\n", app.ID)
	}
	for _, l := range lessons {
		tags := ""
		if len(l.Tags) > 0 {
			tags = "  #" + strings.Join(l.Tags, " #")
		}
		fmt.Fprintf(out, "  %d  %s%s\n    %s\n", l.ID, a.day(l.CreatedAt), tags, strings.ReplaceAll(l.Text, "\n", "\n    "))
	}

	fmt.Fprintln(out, "\nNext")
	waiting := 0
	for _, m := range msgs {
		if m.Status == onward.StatusDrafted {
			fmt.Fprintf(out, "  draft %d (%s) is waiting for you: onward drafts show %d\n", m.ID, m.Kind, m.ID)
			waiting++
		}
	}
	switch {
	case next != nil:
		fmt.Fprintf(out, "  %s %s, %s\n", next.Kind, a.when(next.DueAt), describeAudience(*next, app))
	case waiting == 0:
		fmt.Fprintln(out, "  nothing planned")
	}
	return nil
}

type storyEventOut struct {
	ID      int64             `json:"id"`
	Kind    onward.EventKind  `json:"kind"`
	At      *string           `json:"at"`
	EndsAt  *string           `json:"ends_at"`
	Note    string            `json:"note"`
	Details map[string]string `json:"details"`
}

type storyLessonOut struct {
	ID        int64    `json:"id"`
	Text      string   `json:"text"`
	Tags      []string `json:"tags"`
	CreatedAt *string  `json:"created_at"`
}

type storyOut struct {
	Application appOut           `json:"application"`
	Events      []storyEventOut  `json:"events"`
	Messages    []messageOut     `json:"messages"`
	Lessons     []storyLessonOut `json:"lessons"`
	Next        *messageOut      `json:"next_message"`
}

func storyJSON(app store.Application, events []store.EventDetail, msgs []store.Message, lessons []store.Lesson, next *store.Message) storyOut {
	var last *store.Event
	if len(events) > 0 {
		last = &events[len(events)-1].Event
	}
	out := storyOut{Application: appJSON(app, last, next), Events: []storyEventOut{}, Messages: []messageOut{}, Lessons: []storyLessonOut{}}
	for _, e := range events {
		o := storyEventOut{ID: e.ID, Kind: e.Kind, At: rfc3339(e.At), EndsAt: rfc3339(e.EndsAt), Note: e.Note, Details: map[string]string{}}
		for _, f := range e.Extra {
			o.Details[f.Name] = f.Value
		}
		out.Events = append(out.Events, o)
	}
	for _, m := range msgs {
		out.Messages = append(out.Messages, messageJSON(m))
	}
	for _, l := range lessons {
		o := storyLessonOut{ID: l.ID, Text: l.Text, Tags: l.Tags, CreatedAt: rfc3339(l.CreatedAt)}
		if o.Tags == nil {
			o.Tags = []string{}
		}
		out.Lessons = append(out.Lessons, o)
	}
	if next != nil {
		m := messageJSON(*next)
		out.Next = &m
	}
	return out
}
