package store

import (
	"context"
	"fmt"
)

// Checkpoint copies the write-ahead log into the database and truncates
// it to nothing. SQLite checkpoints as it goes but never shrinks the log,
// so without this a daemon keeps the log at the largest size a busy hour
// grew it to. A reader that holds the log open makes it a partial
// checkpoint, not an error; the next idle period tries again.
func (s *Store) Checkpoint(ctx context.Context) error {
	var busy, logPages, done int
	if err := s.db.QueryRowContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &logPages, &done); err != nil {
		return fmt.Errorf("store: checkpoint: %w", explain(err))
	}
	if busy != 0 {
		return fmt.Errorf("store: checkpoint: another connection is using the log (%d of %d pages copied)", done, logPages)
	}
	return nil
}
