package main

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/store"
	"github.com/onward-app/onward/tracker"
)

// This file holds the JSON every command with --json writes: one shape
// per record, so `status`, `messages` and the event commands agree.

func (a *app) writeJSON(v any) error {
	enc := json.NewEncoder(a.stdout)
	enc.SetIndent("", "  ")
	// "Dana <dana@acme.example>" stays readable: the output is for
	// scripts and terminals, never pasted into HTML.
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

func rfc3339(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.UTC().Format(time.RFC3339)
	return &s
}

type messageOut struct {
	ID            int64           `json:"id"`
	ApplicationID *int64          `json:"application_id"`
	Kind          onward.Kind     `json:"kind"`
	Audience      onward.Audience `json:"audience"`
	To            string          `json:"to"`
	Subject       string          `json:"subject"`
	Status        onward.Status   `json:"status"`
	DueAt         *string         `json:"due_at"`
	SentAt        *string         `json:"sent_at"`
	Attempts      int             `json:"attempts"`
	LastError     string          `json:"last_error"`
	MessageID     string          `json:"message_id"`
	// Interview is the interview the message follows (a thank-you, a
	// status check, a prep note), with what was recorded about it.
	Interview *interviewOut `json:"interview,omitempty"`
}

// interviewOut is one interview and what the user recorded about it.
type interviewOut struct {
	At     *string              `json:"at"`
	Kind   onward.InterviewKind `json:"kind,omitempty"`
	With   []store.Interviewer  `json:"with"`
	Topics []string             `json:"topics"`
	// Expect is the day they said they would decide by, as a date in the
	// user's zone.
	Expect string `json:"expect,omitempty"`
	Where  string `json:"where,omitempty"`
}

type feedbackOut struct {
	Text     string  `json:"text"`
	Declined bool    `json:"declined"`
	At       *string `json:"at"`
}

// interviewJSON reads an interview's details for the JSON output.
func (a *app) interviewJSON(ctx context.Context, e store.Event) (*interviewOut, error) {
	d, err := a.st.InterviewDetails(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	out := &interviewOut{At: rfc3339(e.At), Kind: d.Kind, With: d.With, Topics: d.Topics, Where: d.Where}
	if out.With == nil {
		out.With = []store.Interviewer{}
	}
	if out.Topics == nil {
		out.Topics = []string{}
	}
	if !d.Expect.IsZero() {
		out.Expect = d.Expect.In(a.cfg.Location()).Format("2006-01-02")
	}
	return out, nil
}

func (a *app) writeMessagesJSON(ctx context.Context, msgs []store.Message) error {
	out := make([]messageOut, 0, len(msgs))
	// An interview plans several messages: its details are read once.
	interviews := map[int64]*interviewOut{} // by event; nil: not an interview
	for _, m := range msgs {
		mo := messageJSON(m)
		if m.EventID != 0 {
			iv, seen := interviews[m.EventID]
			if !seen {
				e, err := a.st.EventOf(ctx, m.ID)
				switch {
				case err == nil && e.Kind == onward.Interview:
					if iv, err = a.interviewJSON(ctx, e); err != nil {
						return err
					}
				case err != nil && !errors.Is(err, store.ErrNotFound):
					return err
				}
				interviews[m.EventID] = iv
			}
			mo.Interview = iv
		}
		out = append(out, mo)
	}
	return a.writeJSON(out)
}

// recipient is who a message goes to, for a table.
func recipient(m store.Message) string {
	if m.To == "" {
		return "(recruiter's address missing)"
	}
	return m.To
}

func messageJSON(m store.Message) messageOut {
	out := messageOut{ID: m.ID, Kind: m.Kind, Audience: m.Audience, To: m.To, Subject: m.Subject,
		Status: m.Status, DueAt: rfc3339(m.DueAt), SentAt: rfc3339(m.SentAt), Attempts: m.Attempts,
		LastError: m.LastError, MessageID: m.MessageID}
	if m.ApplicationID != 0 {
		id := m.ApplicationID
		out.ApplicationID = &id
	}
	return out
}

type appOut struct {
	ID          int64        `json:"id"`
	Company     string       `json:"company"`
	Role        string       `json:"role"`
	Recruiter   string       `json:"recruiter"`
	RecruiterTZ string       `json:"recruiter_tz"`
	URL         string       `json:"url"`
	Notes       string       `json:"notes"`
	Stage       onward.Stage `json:"stage"`
	AppliedAt   *string      `json:"applied_at"`
	UpdatedAt   *string      `json:"updated_at"`
	LastEvent   *eventOut    `json:"last_event"`
	Next        *messageOut  `json:"next_message"`
	// Interview is the interview recorded last, with its details.
	Interview *interviewOut `json:"interview,omitempty"`
	// Feedback is the recruiter's feedback recorded last.
	Feedback *feedbackOut `json:"feedback,omitempty"`
	// Quiet is set when its last follow-up has gone unanswered for
	// followups.quiet_after (status only).
	Quiet *quietOut `json:"quiet,omitempty"`
}

// quietOut is an application gone quiet: since when, and how to close it.
type quietOut struct {
	Since *string `json:"since"`
	Close string  `json:"close"`
}

type eventOut struct {
	Kind onward.EventKind `json:"kind"`
	At   *string          `json:"at"`
	Note string           `json:"note,omitempty"`
}

func appJSON(a store.Application, last *store.Event, next *store.Message) appOut {
	out := appOut{ID: a.ID, Company: a.Company, Role: a.Role, Recruiter: tracker.RecruiterAddress(a),
		RecruiterTZ: a.RecruiterTZ, URL: a.URL, Notes: a.Notes, Stage: a.Stage,
		AppliedAt: rfc3339(a.AppliedAt), UpdatedAt: rfc3339(a.UpdatedAt)}
	if out.Recruiter == "" {
		out.Recruiter = a.RecruiterName
	}
	if last != nil {
		out.LastEvent = &eventOut{Kind: last.Kind, At: rfc3339(last.At), Note: last.Note}
	}
	if next != nil {
		m := messageJSON(*next)
		out.Next = &m
	}
	return out
}

// appDetailsJSON adds an application's last interview and feedback.
func (a *app) appDetailsJSON(ctx context.Context, out *appOut) error {
	if e, err := a.st.LastEventOf(ctx, out.ID, onward.Interview); err == nil {
		if out.Interview, err = a.interviewJSON(ctx, e); err != nil {
			return err
		}
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if f, err := a.st.LastFeedback(ctx, out.ID); err == nil {
		out.Feedback = &feedbackOut{Text: f.Text, Declined: f.Declined, At: rfc3339(f.At)}
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	return nil
}
