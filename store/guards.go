package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/address"
)

// DraftDue is a recruiter draft that takes a day of its recipient's:
// planned, on its way, waiting for the user or sent.
type DraftDue struct {
	ID            int64
	ApplicationID int64
	// EventID is the event that planned it; 0 when not known.
	EventID int64
	Kind    onward.Kind
	// Address is the recipient's address in lower case; empty when the
	// draft has none yet.
	Address string
	// DueAt is the day it takes: when it is due, or, once sent, when it
	// was sent.
	DueAt time.Time
}

// RecruiterDrafts lists the recruiter drafts due at or after since that
// are scheduled, sending, drafted or sent: the days the etiquette guard
// of one draft a day counts as taken. A cancelled, discarded, expired or
// failed draft reached nobody and takes no day.
func (s *Store) RecruiterDrafts(ctx context.Context, since time.Time) ([]DraftDue, error) {
	return recruiterDrafts(ctx, s.db, since)
}

// RecruiterDrafts is Store.RecruiterDrafts inside a transaction, which
// sees what the transaction planned.
func (t *Tx) RecruiterDrafts(ctx context.Context, since time.Time) ([]DraftDue, error) {
	return recruiterDrafts(ctx, t.tx, since)
}

// RecruiterDraftsTo is RecruiterDrafts of the drafts to the addresses
// given (lower case) alone: planning one event needs the days of the
// people it writes to, and a long hunt has thousands of other drafts.
func (t *Tx) RecruiterDraftsTo(ctx context.Context, since time.Time, addrs []string) ([]DraftDue, error) {
	return recruiterDrafts(ctx, t.tx, since, append([]string{}, addrs...)...)
}

// RecruiterDraftsTo is Tx.RecruiterDraftsTo outside a transaction.
func (s *Store) RecruiterDraftsTo(ctx context.Context, since time.Time, addrs []string) ([]DraftDue, error) {
	return recruiterDrafts(ctx, s.db, since, append([]string{}, addrs...)...)
}

// recruiterDrafts lists the drafts that take a day since since: all of
// them (addrs nil), or those to one of addrs (none for an empty list). The recipient is stored as
// written ("Name <addr>"), so SQL narrows the rows with a substring test
// and the parsed address decides.
func recruiterDrafts(ctx context.Context, q querier, since time.Time, addrs ...string) ([]DraftDue, error) {
	// A sent draft takes the day it was sent, which the user may record
	// weeks before the day it fell due here.
	query := `SELECT id, COALESCE(application_id, 0), COALESCE(event_id, 0), kind, recipient,
		CASE WHEN status = 'sent' THEN COALESCE(sent_at, due_at) ELSE due_at END FROM messages
		WHERE audience = 'recruiter' AND status IN ('scheduled', 'sending', 'drafted', 'sent') AND due_at >= ?`
	args := []any{ms(since)}
	want := map[string]bool{}
	if addrs != nil {
		var or []string
		for _, a := range addrs {
			if a = strings.ToLower(strings.TrimSpace(a)); a != "" && !want[a] {
				want[a] = true
				or = append(or, "instr(lower(recipient), ?) > 0")
				args = append(args, a)
			}
		}
		if len(or) == 0 {
			return nil, nil
		}
		query += " AND (" + strings.Join(or, " OR ") + ")"
	}
	rows, err := q.QueryContext(ctx, query+" ORDER BY due_at, id", args...)
	if err != nil {
		return nil, fmt.Errorf("store: recruiter drafts: %w", err)
	}
	defer rows.Close()
	var out []DraftDue
	for rows.Next() {
		var d DraftDue
		var to string
		var due int64
		if err := rows.Scan(&d.ID, &d.ApplicationID, &d.EventID, &d.Kind, &to, &due); err != nil {
			return nil, fmt.Errorf("store: recruiter drafts: %w", err)
		}
		d.DueAt, d.Address = fromMS(due), AddressOf(to)
		if addrs != nil && !want[d.Address] {
			continue // "ann@x.org" inside "joann@x.org"
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: recruiter drafts: %w", err)
	}
	return out, nil
}

// TakenBy maps each recipient's address to the due times of drafts, for
// the planner's Event.Taken, leaving out the draft exceptID and those
// planned by the event exceptEvent (0: none): planning an event again
// plans its drafts again, one after the other, so their own days are not
// taken yet.
func TakenBy(drafts []DraftDue, exceptID, exceptEvent int64) map[string][]time.Time {
	out := map[string][]time.Time{}
	for _, d := range drafts {
		if d.ID == exceptID || (exceptEvent != 0 && d.EventID == exceptEvent) || d.Address == "" {
			continue
		}
		out[d.Address] = append(out[d.Address], d.DueAt)
	}
	return out
}

// AddressOf is the address of a stored recipient ("Name <addr>"), in
// lower case, for comparing recipients; "" for none.
func AddressOf(recipient string) string {
	recipient = strings.TrimSpace(recipient)
	if recipient == "" {
		return ""
	}
	if a, err := address.Parse(recipient); err == nil && a.Email != "" {
		return strings.ToLower(a.Email)
	}
	return strings.ToLower(recipient)
}

// Silence is how an application's follow-ups stand: when each chasing
// draft it sent went out, and the date of the employer's latest word.
type Silence struct {
	// Chases are the sent times of its sent drafts of the chasing kinds,
	// oldest first.
	Chases []time.Time
	// LastAnswer is the date (the event's at) of its latest event of the
	// answering kinds; zero for none.
	LastAnswer time.Time
	// Pending counts its drafts of the chasing kinds still to go out:
	// planned, waiting for the user, or on their way.
	Pending int
}

// Unanswered counts the chases sent after the last answer.
func (s Silence) Unanswered() int {
	n := 0
	for _, c := range s.Chases {
		if c.After(s.LastAnswer) {
			n++
		}
	}
	return n
}

// LastChase is when the latest chase went out; zero for none.
func (s Silence) LastChase() time.Time {
	if len(s.Chases) == 0 {
		return time.Time{}
	}
	return s.Chases[len(s.Chases)-1]
}

// Silence reads how application appID's follow-ups of the chasing kinds
// stand against its events of the answering kinds.
func (t *Tx) Silence(ctx context.Context, appID int64, chasing []onward.Kind, answering []onward.EventKind) (Silence, error) {
	all, err := silences(ctx, t.tx, &appID, chasing, answering)
	return all[appID], err
}

// Silences is Silence for every application, in two statements.
func (s *Store) Silences(ctx context.Context, chasing []onward.Kind, answering []onward.EventKind) (map[int64]Silence, error) {
	return silences(ctx, s.db, nil, chasing, answering)
}

func silences(ctx context.Context, q querier, appID *int64, chasing []onward.Kind, answering []onward.EventKind) (map[int64]Silence, error) {
	out := map[int64]Silence{}
	if len(chasing) == 0 {
		return out, nil
	}
	args := []any{}
	for _, k := range chasing {
		args = append(args, k)
	}
	where := ""
	if appID != nil {
		where, args = " AND application_id = ?", append(args, *appID)
	}
	rows, err := q.QueryContext(ctx, `SELECT application_id, status, sent_at FROM messages
		WHERE status IN ('sent', 'scheduled', 'sending', 'drafted') AND application_id IS NOT NULL AND kind IN (`+placeholders(len(chasing))+`)`+where+`
		ORDER BY sent_at, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: follow-ups sent: %w", err)
	}
	for rows.Next() {
		var id int64
		var status onward.Status
		var sent sql.NullInt64
		if err := rows.Scan(&id, &status, &sent); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: follow-ups sent: %w", err)
		}
		s := out[id]
		switch {
		case status != onward.StatusSent:
			s.Pending++
		case sent.Valid:
			s.Chases = append(s.Chases, fromNullMS(sent))
		}
		out[id] = s
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: follow-ups sent: %w", err)
	}
	if len(answering) == 0 {
		return out, nil
	}
	args = args[:0]
	for _, k := range answering {
		args = append(args, k)
	}
	if appID != nil {
		args = append(args, *appID)
	}
	rows, err = q.QueryContext(ctx, `SELECT application_id, MAX(at) FROM events WHERE kind IN (`+placeholders(len(answering))+`)`+where+`
		GROUP BY application_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: last answers: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, at int64
		if err := rows.Scan(&id, &at); err != nil {
			return nil, fmt.Errorf("store: last answers: %w", err)
		}
		if s, ok := out[id]; ok {
			s.LastAnswer = fromMS(at)
			out[id] = s
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: last answers: %w", err)
	}
	return out, nil
}
