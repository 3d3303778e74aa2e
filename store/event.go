package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/onward-app/onward"
)

// Event is something that happened to an application.
type Event struct {
	ID            int64
	ApplicationID int64
	Kind          onward.EventKind
	At            time.Time
	EndsAt        time.Time // an interview's end; an offer's deadline
	Note          string
	CreatedAt     time.Time
}

// InsertEvent records an event and sets its ID.
func (t *Tx) InsertEvent(ctx context.Context, e *Event) error {
	e.CreatedAt = t.now
	res, err := t.tx.ExecContext(ctx, `INSERT INTO events (application_id, kind, at, ends_at, note, created_at)
		VALUES (?, ?, ?, ?, ?, ?)`, e.ApplicationID, e.Kind, ms(e.At), nullMS(e.EndsAt), e.Note, ms(e.CreatedAt))
	if err != nil {
		return fmt.Errorf("store: insert %s event: %w", e.Kind, err)
	}
	e.ID, err = res.LastInsertId()
	return err
}

// LastEvent returns the event of an application recorded last, or
// ErrNotFound if there is none. Recorded last, not dated latest: an
// interview moved to an earlier date is recorded as a new event, and it
// is the one that holds.
func (s *Store) LastEvent(ctx context.Context, appID int64) (Event, error) {
	return lastEvent(ctx, s.db, appID, "")
}

// LastEventOf returns the event of one kind recorded last.
func (s *Store) LastEventOf(ctx context.Context, appID int64, kind onward.EventKind) (Event, error) {
	return lastEvent(ctx, s.db, appID, kind)
}

func lastEvent(ctx context.Context, q querier, appID int64, kind onward.EventKind) (Event, error) {
	var e Event
	var at, created int64
	var ends sql.NullInt64
	err := q.QueryRowContext(ctx, `SELECT id, application_id, kind, at, ends_at, note, created_at FROM events
		WHERE application_id = ? AND (? = '' OR kind = ?) ORDER BY id DESC LIMIT 1`, appID, kind, kind).
		Scan(&e.ID, &e.ApplicationID, &e.Kind, &at, &ends, &e.Note, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return e, ErrNotFound
	}
	if err != nil {
		return e, fmt.Errorf("store: last event of application %d: %w", appID, err)
	}
	e.At, e.EndsAt, e.CreatedAt = fromMS(at), fromNullMS(ends), fromMS(created)
	return e, nil
}

// EventOf returns the event that planned a message, or ErrNotFound for a
// message planned by none (the digest, a notice, or one planned before
// messages kept their event).
func (s *Store) EventOf(ctx context.Context, messageID int64) (Event, error) {
	var e Event
	var at, created int64
	var ends sql.NullInt64
	err := s.db.QueryRowContext(ctx, `SELECT e.id, e.application_id, e.kind, e.at, e.ends_at, e.note, e.created_at
		FROM messages m JOIN events e ON e.id = m.event_id WHERE m.id = ?`, messageID).
		Scan(&e.ID, &e.ApplicationID, &e.Kind, &at, &ends, &e.Note, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return e, ErrNotFound
	}
	if err != nil {
		return e, fmt.Errorf("store: event of message %d: %w", messageID, err)
	}
	e.At, e.EndsAt, e.CreatedAt = fromMS(at), fromNullMS(ends), fromMS(created)
	return e, nil
}
