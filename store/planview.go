package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/onward-app/onward"
)

// PlanRow is a scheduled message as the plan shows it: its times and the
// event they are counted from, whom it goes to, why it waits, and its
// application's company.
type PlanRow struct {
	PendingTime
	To        string
	LastError string
	DraftID   int64
	Company   string
}

// Upcoming lists the scheduled messages due until until (overdue ones
// too), by due time: limit of them from the offset-th (limit 0: all),
// and how many there are in all. It reads only those rows, down
// messages_due: the plan of two weeks costs its page, not the backlog of
// the months after.
func (s *Store) Upcoming(ctx context.Context, until time.Time, offset, limit int) ([]PlanRow, int, error) {
	total := -1
	if limit > 0 {
		if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM messages WHERE status = 'scheduled' AND due_at <= ?", ms(until)).Scan(&total); err != nil {
			return nil, 0, fmt.Errorf("store: count the plan: %w", err)
		}
	} else {
		limit = -1 // SQLite's "no limit"
	}
	rows, err := s.db.QueryContext(ctx, `SELECT m.id, COALESCE(m.application_id, 0), m.kind, m.audience, m.due_at,
		m.planned_at, m.attempts, COALESCE(a.recruiter_tz, ''), m.recipient, m.last_error, COALESCE(m.draft_id, 0),
		COALESCE(a.company, ''), e.id, e.kind, e.at, e.ends_at, e.created_at
		FROM messages m LEFT JOIN applications a ON a.id = m.application_id LEFT JOIN events e ON e.id = m.event_id
		WHERE m.status = 'scheduled' AND m.due_at <= ? ORDER BY m.due_at, m.id LIMIT ? OFFSET ?`, ms(until), limit, max(offset, 0))
	if err != nil {
		return nil, 0, fmt.Errorf("store: the plan: %w", err)
	}
	defer rows.Close()
	var out []PlanRow
	for rows.Next() {
		var p PlanRow
		var due, planned int64
		var evID, evAt, evCreated, evEnds sql.NullInt64
		var evKind sql.NullString
		if err := rows.Scan(&p.ID, &p.ApplicationID, &p.Kind, &p.Audience, &due, &planned, &p.Attempts, &p.RecruiterTZ,
			&p.To, &p.LastError, &p.DraftID, &p.Company, &evID, &evKind, &evAt, &evEnds, &evCreated); err != nil {
			return nil, 0, fmt.Errorf("store: the plan: %w", err)
		}
		p.DueAt, p.PlannedAt, p.Address = fromMS(due), fromMS(planned), AddressOf(p.To)
		p.Event = joinedEvent(p.ApplicationID, evID, evKind, evAt, evEnds, evCreated)
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("store: the plan: %w", err)
	}
	if total < 0 {
		total = len(out)
	}
	return out, total, nil
}

// AppEvent names the events of one kind of one application.
type AppEvent struct {
	ApplicationID int64
	Kind          onward.EventKind
}

// LastEvents returns the event of each kind and application of keys that
// was recorded last (as LastEventOf does one at a time), in one
// statement; a pair with no such event is not in the map.
func (s *Store) LastEvents(ctx context.Context, keys []AppEvent) (map[AppEvent]Event, error) {
	out := make(map[AppEvent]Event, len(keys))
	if len(keys) == 0 {
		return out, nil
	}
	var apps []any
	seen := map[int64]bool{}
	for _, k := range keys {
		if !seen[k.ApplicationID] {
			seen[k.ApplicationID] = true
			apps = append(apps, k.ApplicationID)
		}
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, application_id, kind, at, ends_at, note, created_at FROM events
		WHERE id IN (SELECT max(id) FROM events WHERE application_id IN (`+placeholders(len(apps))+`) GROUP BY application_id, kind)`, apps...)
	if err != nil {
		return nil, fmt.Errorf("store: last events: %w", err)
	}
	defer rows.Close()
	want := make(map[AppEvent]bool, len(keys))
	for _, k := range keys {
		want[k] = true
	}
	for rows.Next() {
		var e Event
		var at, created int64
		var ends sql.NullInt64
		if err := rows.Scan(&e.ID, &e.ApplicationID, &e.Kind, &at, &ends, &e.Note, &created); err != nil {
			return nil, fmt.Errorf("store: last events: %w", err)
		}
		e.At, e.EndsAt, e.CreatedAt = fromMS(at), fromNullMS(ends), fromMS(created)
		if k := (AppEvent{e.ApplicationID, e.Kind}); want[k] {
			out[k] = e
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: last events: %w", err)
	}
	return out, nil
}

// ScheduledUntil reports whether a message of kind that belongs to no
// application (the digest) is scheduled to go out by until: one seek on
// messages_application ("+" keeps SQLite off messages_due, which would
// walk every message due by then).
func (s *Store) ScheduledUntil(ctx context.Context, kind onward.Kind, until time.Time) (bool, error) {
	var ok bool
	err := s.db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM messages WHERE application_id IS NULL AND kind = ?
		AND +status = 'scheduled' AND +due_at <= ?)`, kind, ms(until)).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("store: is a %s scheduled: %w", kind, err)
	}
	return ok, nil
}
