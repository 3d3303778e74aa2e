package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// JobNext returns when a recurring job runs next; ok is false if it was
// never scheduled.
func (s *Store) JobNext(ctx context.Context, name string) (t time.Time, ok bool, err error) {
	var v int64
	err = s.db.QueryRowContext(ctx, "SELECT next_run_at FROM jobs WHERE name = ?", name).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("store: job %s: %w", name, err)
	}
	return fromMS(v), true, nil
}

// SetJobNext records when a recurring job runs next.
func (t *Tx) SetJobNext(ctx context.Context, name string, next time.Time) error {
	_, err := t.tx.ExecContext(ctx, `INSERT INTO jobs (name, next_run_at) VALUES (?, ?)
		ON CONFLICT (name) DO UPDATE SET next_run_at = excluded.next_run_at`, name, ms(next))
	if err != nil {
		return fmt.Errorf("store: set job %s: %w", name, err)
	}
	return nil
}
