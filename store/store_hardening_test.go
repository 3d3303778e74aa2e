package store_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/onward-app/onward/store"
)

// Times are stored as UTC Unix milliseconds, whatever zone they were
// computed in, and come back in UTC: the zone they are shown in is
// decided when they are read.
func TestTimesAreStoredInUTC(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "onward.db")
	s, _ := openStoreAt(t, path)
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	due := time.Date(2026, 3, 29, 2, 30, 15, 123_000_000, tokyo)
	m := &store.Message{DueAt: due}
	insert(t, s, m)
	var raw int64
	if err := rawDB(t, path).QueryRow("SELECT due_at FROM messages WHERE id = ?", m.ID).Scan(&raw); err != nil {
		t.Fatal(err)
	}
	if raw != due.UnixMilli() {
		t.Errorf("due_at is stored as %d, want the UTC milliseconds %d", raw, due.UnixMilli())
	}
	got, err := s.Message(context.Background(), m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !got.DueAt.Equal(due) || got.DueAt.Location() != time.UTC {
		t.Errorf("due_at reads back as %v (%v), want %v in UTC", got.DueAt, got.DueAt.Location(), due.UTC())
	}
}
