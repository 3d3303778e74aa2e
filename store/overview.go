package store

import (
	"context"
	"database/sql"
	"fmt"
)

// Overview is one application as `onward status` shows it: with its
// latest event and its next scheduled message, when it has them.
type Overview struct {
	App  Application
	Last *Event
	Next *Message
}

// Overviews returns every application, oldest first, with the event
// recorded last (see LastEvent) and its next scheduled message. Three statements in all, however many
// applications there are: asking per application made `onward status`
// take half a second for a few thousand of them.
func (s *Store) Overviews(ctx context.Context) ([]Overview, error) {
	apps, err := s.Applications(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Overview, len(apps))
	index := make(map[int64]int, len(apps))
	for i, a := range apps {
		out[i].App = a
		index[a.ID] = i
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, application_id, kind, at, ends_at, note, created_at FROM events
		WHERE id IN (SELECT (SELECT id FROM events WHERE application_id = a.id ORDER BY id DESC LIMIT 1)
			FROM applications a)`)
	if err != nil {
		return nil, fmt.Errorf("store: overview: %w", err)
	}
	for rows.Next() {
		var e Event
		var at, created int64
		var ends sql.NullInt64
		if err := rows.Scan(&e.ID, &e.ApplicationID, &e.Kind, &at, &ends, &e.Note, &created); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: overview: %w", err)
		}
		e.At, e.EndsAt, e.CreatedAt = fromMS(at), fromNullMS(ends), fromMS(created)
		if i, ok := index[e.ApplicationID]; ok {
			out[i].Last = &e
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: overview: %w", err)
	}
	// One seek per application on messages_application beats a window
	// over every scheduled message; "+status" keeps SQLite on that index.
	rows, err = s.db.QueryContext(ctx, "SELECT "+msgHeadColumns+` FROM messages WHERE id IN (
		SELECT (SELECT id FROM messages WHERE application_id = a.id AND +status = 'scheduled'
			ORDER BY due_at, id LIMIT 1) FROM applications a)`)
	if err != nil {
		return nil, fmt.Errorf("store: overview: %w", err)
	}
	next, err := scanMessages(rows)
	if err != nil {
		return nil, fmt.Errorf("store: overview: %w", err)
	}
	for j := range next {
		if i, ok := index[next[j].ApplicationID]; ok {
			out[i].Next = &next[j]
		}
	}
	return out, nil
}
