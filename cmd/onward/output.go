package main

import (
	"encoding/json"
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
}

func (a *app) writeMessagesJSON(msgs []store.Message) error {
	out := make([]messageOut, 0, len(msgs))
	for _, m := range msgs {
		out = append(out, messageJSON(m))
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
