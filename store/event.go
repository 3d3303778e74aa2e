package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Event is something that happened to an application.
type Event struct {
	ID            int64
	ApplicationID int64
	Kind          string
	At            time.Time
	EndsAt        time.Time // interviews only
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

// LastEvent returns the latest event of an application by its time, or
// ErrNotFound if there is none.
func (s *Store) LastEvent(ctx context.Context, appID int64) (Event, error) {
	return lastEvent(ctx, s.db, appID, "")
}

// LastEventOf returns the latest event of one kind.
func (s *Store) LastEventOf(ctx context.Context, appID int64, kind string) (Event, error) {
	return lastEvent(ctx, s.db, appID, kind)
}

func lastEvent(ctx context.Context, q querier, appID int64, kind string) (Event, error) {
	var e Event
	var at, created int64
	var ends sql.NullInt64
	err := q.QueryRowContext(ctx, `SELECT id, application_id, kind, at, ends_at, note, created_at FROM events
		WHERE application_id = ? AND (? = '' OR kind = ?) ORDER BY at DESC, id DESC LIMIT 1`, appID, kind, kind).
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
