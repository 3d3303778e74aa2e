package store

import (
	"context"
	"database/sql"
	"fmt"
)

// Timeline returns every event of an application in the order it was
// recorded, for the page that shows one application's story.
func (s *Store) Timeline(ctx context.Context, appID int64) ([]Event, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, application_id, kind, at, ends_at, note, created_at FROM events
		WHERE application_id = ? ORDER BY id`, appID)
	if err != nil {
		return nil, fmt.Errorf("store: timeline of application %d: %w", appID, err)
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		var at, created int64
		var ends sql.NullInt64
		if err := rows.Scan(&e.ID, &e.ApplicationID, &e.Kind, &at, &ends, &e.Note, &created); err != nil {
			return nil, fmt.Errorf("store: timeline of application %d: %w", appID, err)
		}
		e.At, e.EndsAt, e.CreatedAt = fromMS(at), fromNullMS(ends), fromMS(created)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: timeline of application %d: %w", appID, err)
	}
	return out, nil
}
