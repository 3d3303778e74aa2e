package store_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/onward-app/onward/store"
)

func TestCheckpointTruncatesTheWriteAheadLog(t *testing.T) {
	t.Parallel()
	s, c := openStore(t)
	for range 200 {
		insert(t, s, &store.Message{DueAt: c.Now(), Text: string(make([]byte, 2000))})
	}
	wal := s.Path() + "-wal"
	fi, err := os.Stat(wal)
	if err != nil || fi.Size() == 0 {
		t.Fatalf("write-ahead log after 200 writes: %v, %v; want it grown", fi, err)
	}
	if err := s.Checkpoint(context.Background()); err != nil {
		t.Fatal(err)
	}
	if fi, err = os.Stat(wal); err != nil || fi.Size() != 0 {
		t.Fatalf("write-ahead log after Checkpoint: %d bytes (%v), want 0", fi.Size(), err)
	}
	if got := len(mustMessages(t, s)); got != 200 {
		t.Errorf("%d messages after the checkpoint, want 200", got)
	}
}

func mustMessages(t *testing.T, s *store.Store) []store.Message {
	t.Helper()
	ms, err := s.Messages(context.Background(), store.MessageFilter{NoBodies: true})
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

// The event that counts is the one recorded last: an interview moved to
// an earlier date is recorded after the one it replaces.
func TestLastEventOfIsTheOneRecordedLast(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, c := openStore(t)
	a := insertApp(t, s, "Initech")
	later := &store.Event{ApplicationID: a.ID, Kind: "interview", At: c.Now().Add(9 * 24 * time.Hour)}
	moved := &store.Event{ApplicationID: a.ID, Kind: "interview", At: c.Now().Add(3 * 24 * time.Hour)}
	m := &store.Message{ApplicationID: a.ID, Kind: "prep", DueAt: c.Now()}
	err := s.Update(ctx, func(tx *store.Tx) error {
		if err := tx.InsertEvent(ctx, later); err != nil {
			return err
		}
		if err := tx.InsertEvent(ctx, moved); err != nil {
			return err
		}
		m.EventID = moved.ID
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	insert(t, s, m)
	e, err := s.LastEventOf(ctx, a.ID, "interview")
	if err != nil || e.ID != moved.ID {
		t.Errorf("LastEventOf = event %d (%v), want the moved interview %d", e.ID, err, moved.ID)
	}
	if e, err := s.EventOf(ctx, m.ID); err != nil || e.ID != moved.ID || !e.At.Equal(moved.At) {
		t.Errorf("EventOf(prep) = %+v, %v; want the event that planned it", e, err)
	}
	ovs, err := s.Overviews(ctx)
	if err != nil || len(ovs) != 1 || ovs[0].Last == nil || ovs[0].Last.ID != moved.ID {
		t.Errorf("overview shows %+v (%v), want the moved interview", ovs, err)
	}
}

// A recurring job's last run is kept when only its next run changes.
func TestSetJobKeepsTheLastRun(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, c := openStore(t)
	run := c.Now()
	set := func(next, last time.Time) {
		t.Helper()
		if err := s.Update(ctx, func(tx *store.Tx) error { return tx.SetJob(ctx, "digest", next, last) }); err != nil {
			t.Fatal(err)
		}
	}
	set(run, time.Time{})
	set(run.Add(7*24*time.Hour), run)
	set(run.Add(6*24*time.Hour), time.Time{})
	j, ok, err := s.Job(ctx, "digest")
	if err != nil || !ok {
		t.Fatalf("Job: %v %v", ok, err)
	}
	if !j.LastRunFor.Equal(run) || !j.Next.Equal(run.Add(6*24*time.Hour)) {
		t.Errorf("job = %+v, want next %v and last run %v", j, run.Add(6*24*time.Hour), run)
	}
}
