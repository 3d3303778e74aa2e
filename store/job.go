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

// Job is a recurring job's state.
type Job struct {
	Next time.Time // when it runs next
	// LastRunFor is the scheduled time it last ran for; zero if never.
	LastRunFor time.Time
}

// Job reads a recurring job; ok is false if it was never scheduled.
func (s *Store) Job(ctx context.Context, name string) (j Job, ok bool, err error) {
	var next int64
	var last sql.NullInt64
	err = s.db.QueryRowContext(ctx, "SELECT next_run_at, last_run_for FROM jobs WHERE name = ?", name).Scan(&next, &last)
	if errors.Is(err, sql.ErrNoRows) {
		return Job{}, false, nil
	}
	if err != nil {
		return Job{}, false, fmt.Errorf("store: job %s: %w", name, err)
	}
	return Job{Next: fromMS(next), LastRunFor: fromNullMS(last)}, true, nil
}

// SetJob records a recurring job's next run and the scheduled time it
// last ran for (left as it was when lastRunFor is zero).
func (t *Tx) SetJob(ctx context.Context, name string, next, lastRunFor time.Time) error {
	_, err := t.tx.ExecContext(ctx, `INSERT INTO jobs (name, next_run_at, last_run_for) VALUES (?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET next_run_at = excluded.next_run_at,
			last_run_for = COALESCE(excluded.last_run_for, last_run_for)`, name, ms(next), nullMS(lastRunFor))
	if err != nil {
		return fmt.Errorf("store: set job %s: %w", name, err)
	}
	return nil
}
