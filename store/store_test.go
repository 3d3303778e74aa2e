package store_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/store"
)

// t0 is the fake clock's start: Wednesday 4 March 2026, 10:00 UTC.
var t0 = time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)

// clock is a settable fake clock. Tests that share it with goroutines do
// not move it while those run.
type clock struct{ now time.Time }

func (c *clock) Now() time.Time          { return c.now }
func (c *clock) Advance(d time.Duration) { c.now = c.now.Add(d) }

// openStore opens a fresh database file in a temporary folder, on a fake
// clock, and closes it when the test ends.
func openStore(t *testing.T) (*store.Store, *clock) {
	t.Helper()
	return openStoreAt(t, filepath.Join(t.TempDir(), "onward.db"))
}

func openStoreAt(t *testing.T, path string) (*store.Store, *clock) {
	t.Helper()
	s, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	t.Cleanup(func() { s.Close() })
	c := &clock{now: t0}
	s.Now = c.Now
	return s, c
}

// insert plans messages, filling in what a test does not care about.
func insert(t *testing.T, s *store.Store, msgs ...*store.Message) {
	t.Helper()
	err := s.Update(context.Background(), func(tx *store.Tx) error {
		for _, m := range msgs {
			if m.Kind == "" {
				m.Kind = "learn"
			}
			if m.Audience == "" {
				m.Audience = "user"
			}
			if m.MessageID == "" {
				m.MessageID = store.NewMessageID("alex@example.com")
			}
			if err := tx.InsertMessage(context.Background(), m); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("insert messages: %v", err)
	}
}

func insertApp(t *testing.T, s *store.Store, company string) store.Application {
	t.Helper()
	a := store.Application{Company: company, Role: "Engineer"}
	err := s.Update(context.Background(), func(tx *store.Tx) error { return tx.InsertApplication(context.Background(), &a) })
	if err != nil {
		t.Fatalf("insert application: %v", err)
	}
	return a
}

func get(t *testing.T, s *store.Store, id int64) store.Message {
	t.Helper()
	m, err := s.Message(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func ids(msgs []store.Message) []int64 {
	out := make([]int64, len(msgs))
	for i, m := range msgs {
		out[i] = m.ID
	}
	return out
}

func TestOpenCreatesAPrivateFileInAPrivateFolder(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	path := filepath.Join(root, "a", "b", "onward.db")
	s, _ := openStoreAt(t, path)
	if s.Path() != path {
		t.Errorf("Path = %q, want %q", s.Path(), path)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != 0o600 {
		t.Errorf("database mode = %04o, want 0600", got)
	}
	for _, dir := range []string{filepath.Join(root, "a"), filepath.Join(root, "a", "b")} {
		fi, err := os.Stat(dir)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != 0o700 {
			t.Errorf("folder %s mode = %04o, want 0700", dir, got)
		}
	}
	// SQLite creates the WAL beside the file; it holds the same data.
	insertApp(t, s, "Acme")
	if fi, err := os.Stat(path + "-wal"); err == nil && fi.Mode().Perm()&0o077 != 0 {
		t.Errorf("WAL file mode = %04o, readable by others", fi.Mode().Perm())
	}
}

func TestOpenTwiceIsIdempotent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "onward.db")
	s, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	insertApp(t, s, "Acme")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	migrations := func() string {
		db := rawDB(t, path)
		defer db.Close()
		var got string
		if err := db.QueryRow("SELECT group_concat(version || '@' || applied_at, ',') FROM (SELECT * FROM schema_migrations ORDER BY version)").Scan(&got); err != nil {
			t.Fatal(err)
		}
		return got
	}
	before := migrations()
	files, err := filepath.Glob(filepath.Join("migrations", "*.sql"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no migrations found: %v", err)
	}
	if n := strings.Count(before, ",") + 1; n != len(files) {
		t.Errorf("schema_migrations = %s, want one row for each of %d migrations", before, len(files))
	}
	for range 2 {
		s, err = store.Open(ctx, path)
		if err != nil {
			t.Fatalf("reopen: %v", err)
		}
		apps, err := s.Applications(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(apps) != 1 || apps[0].Company != "Acme" {
			t.Errorf("after reopen: %+v, want the one application", apps)
		}
		s.Close()
		if after := migrations(); after != before {
			t.Errorf("reopening re-ran migrations: %s → %s", before, after)
		}
	}
}

// rawDB opens the file with the driver directly, as a future onward or a
// damaged file would leave it.
func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestOpenRefusesANewerSchema(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "onward.db")
	s, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	db := rawDB(t, path)
	if _, err := db.Exec("INSERT INTO schema_migrations (version, applied_at) VALUES (99, 0)"); err != nil {
		t.Fatal(err)
	}
	db.Close()

	s, err = store.Open(ctx, path)
	if err == nil {
		s.Close()
		t.Fatal("Open succeeded on a schema at version 99")
	}
	if !errors.Is(err, store.ErrSchemaTooNew) {
		t.Errorf("error %v does not wrap ErrSchemaTooNew", err)
	}
	for _, frag := range []string{path, "99", "upgrade"} {
		if !strings.Contains(err.Error(), frag) {
			t.Errorf("error %q does not mention %q", err, frag)
		}
	}
}

func TestOpenRefusesAFileThatIsNotADatabase(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		junk []byte
	}{
		{"a page of junk", bytes.Repeat([]byte("not sqlite \x00\x01\x02\xff"), 300)},
		{"a text file", []byte("# my notes about the job hunt\n" + strings.Repeat("x", 200) + "\n")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "onward.db")
			if err := os.WriteFile(path, tt.junk, 0o600); err != nil {
				t.Fatal(err)
			}
			s, err := store.Open(context.Background(), path)
			if err == nil {
				s.Close()
				t.Fatal("Open succeeded on junk")
			}
			if !strings.Contains(err.Error(), "not an onward database") || !strings.Contains(err.Error(), path) {
				t.Errorf("error %q should name the file and say it is not an onward database", err)
			}
			after, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(after, tt.junk) {
				t.Errorf("Open changed the file (%d bytes before, %d after)", len(tt.junk), len(after))
			}
		})
	}
}

func TestClaimDueTakesDueScheduledMessagesInOrderUpToTheLimit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, c := openStore(t)
	now := c.Now()
	a := &store.Message{DueAt: now.Add(-3 * time.Minute)}
	b := &store.Message{DueAt: now.Add(-1 * time.Minute)}
	cc := &store.Message{DueAt: now.Add(-2 * time.Minute)}
	exact := &store.Message{DueAt: now}
	future := &store.Message{DueAt: now.Add(time.Minute)}
	drafted := &store.Message{DueAt: now.Add(-time.Hour), Status: onward.StatusDrafted, Kind: "thank_you", Audience: "recruiter"}
	sent := &store.Message{DueAt: now.Add(-time.Hour), Status: onward.StatusSent}
	cancelled := &store.Message{DueAt: now.Add(-time.Hour), Status: onward.StatusCancelled}
	failed := &store.Message{DueAt: now.Add(-time.Hour), Status: onward.StatusFailed}
	insert(t, s, a, b, cc, exact, future, drafted, sent, cancelled, failed)

	first, err := s.ClaimDue(ctx, now, 5*time.Minute, 2)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := ids(first), []int64{a.ID, cc.ID}; !slices.Equal(got, want) {
		t.Fatalf("first claim = %v, want %v (the two earliest)", got, want)
	}
	for _, m := range first {
		if m.Status != onward.StatusSending || m.Attempts != 1 || !m.LeaseUntil.Equal(now.Add(5*time.Minute)) {
			t.Errorf("claimed %d: status %s, attempts %d, lease %v", m.ID, m.Status, m.Attempts, m.LeaseUntil)
		}
		if db := get(t, s, m.ID); db.Status != onward.StatusSending || db.Attempts != 1 || !db.LeaseUntil.Equal(m.LeaseUntil) {
			t.Errorf("stored %d: status %s, attempts %d, lease %v", m.ID, db.Status, db.Attempts, db.LeaseUntil)
		}
	}

	second, err := s.ClaimDue(ctx, now, 5*time.Minute, 10)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := ids(second), []int64{b.ID, exact.ID}; !slices.Equal(got, want) {
		t.Fatalf("second claim = %v, want %v (the rest that is due, not the claimed ones)", got, want)
	}

	// Nothing left until a lease runs out or something falls due.
	c.Advance(4*time.Minute + 59*time.Second)
	third, err := s.ClaimDue(ctx, c.Now(), 5*time.Minute, 10)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := ids(third), []int64{future.ID}; !slices.Equal(got, want) {
		t.Errorf("claim before the leases expire = %v, want only %v", got, want)
	}
	for _, m := range []*store.Message{drafted, sent, cancelled, failed} {
		if got := get(t, s, m.ID); got.Status != m.Status || got.Attempts != 0 {
			t.Errorf("message %d (%s) was touched: %s, %d attempts", m.ID, m.Status, got.Status, got.Attempts)
		}
	}

	none, err := s.ClaimDue(ctx, c.Now(), 5*time.Minute, 0)
	if err != nil || len(none) != 0 {
		t.Errorf("ClaimDue(limit 0) = %v, %v", ids(none), err)
	}
}

func TestClaimDueReclaimsAnExpiredLeaseAndOnlySentOverridesTheNewOwner(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, c := openStore(t)
	m := &store.Message{DueAt: c.Now()}
	insert(t, s, m)

	first, err := s.ClaimDue(ctx, c.Now(), time.Minute, 10)
	if err != nil || len(first) != 1 {
		t.Fatalf("first claim = %v, %v", ids(first), err)
	}
	// The lease expires: the process that claimed it is presumed dead.
	c.Advance(time.Minute)
	second, err := s.ClaimDue(ctx, c.Now(), time.Minute, 10)
	if err != nil || len(second) != 1 || second[0].ID != m.ID {
		t.Fatalf("reclaim = %v, %v; want message %d", ids(second), err, m.ID)
	}
	if second[0].Attempts != 2 {
		t.Errorf("attempts after reclaim = %d, want 2", second[0].Attempts)
	}
	if second[0].MessageID != first[0].MessageID {
		t.Errorf("Message-ID changed on reclaim: %q → %q", first[0].MessageID, second[0].MessageID)
	}

	// A failure reported under the stale claim is the new owner's
	// business.
	err = s.Finish(ctx, first[0], store.Outcome{Status: onward.StatusScheduled, At: c.Now().Add(time.Hour), Error: "421 busy", KeepBody: true})
	if !errors.Is(err, store.ErrNotClaimable) {
		t.Fatalf("Finish of a failure with the stale claim = %v, want ErrNotClaimable", err)
	}
	if got := get(t, s, m.ID); got.Status != onward.StatusSending {
		t.Errorf("stale Finish changed the message to %s", got.Status)
	}

	if err := s.Finish(ctx, second[0], store.Outcome{Status: onward.StatusSent, At: c.Now(), To: "alex@example.com", Subject: "s", Text: "t"}); err != nil {
		t.Fatalf("Finish with the current claim: %v", err)
	}
	got := get(t, s, m.ID)
	if got.Status != onward.StatusSent || !got.SentAt.Equal(c.Now()) || !got.LeaseUntil.IsZero() || got.Subject != "s" || got.To != "alex@example.com" {
		t.Errorf("after Finish: %+v", got)
	}
	// A failure after it was sent changes nothing; a second sent keeps
	// the first time.
	if err := s.Finish(ctx, second[0], store.Outcome{Status: onward.StatusFailed, Error: "550"}); !errors.Is(err, store.ErrNotClaimable) {
		t.Errorf("Finish of a failure after sent = %v, want ErrNotClaimable", err)
	}
	c.Advance(time.Minute)
	if err := s.Finish(ctx, first[0], store.Outcome{Status: onward.StatusSent, At: c.Now(), KeepBody: true}); err != nil {
		t.Errorf("a second sent = %v, want it taken", err)
	}
	if got := get(t, s, m.ID); got.Status != onward.StatusSent || !got.SentAt.Equal(c.Now().Add(-time.Minute)) || got.Subject != "s" {
		t.Errorf("after a second sent: status %s, sent %v, subject %q; want the first sent kept", got.Status, got.SentAt, got.Subject)
	}
}

// Whoever's server said 250 records the message sent, even when its claim
// ran out and the message went back to drafted, or another process claims
// it now: sent is the truth, and the next send by hand is refused.
func TestSentWinsOverALostClaim(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, c := openStore(t)
	draft := &store.Message{DueAt: c.Now(), Status: onward.StatusDrafted, Kind: "thank_you", Audience: "recruiter", To: "dana@acme.example"}
	insert(t, s, draft)
	hand, release, err := s.ClaimDraft(ctx, draft.ID, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	release()
	c.Advance(2 * time.Minute)
	if _, err := s.ClaimDue(ctx, c.Now(), time.Minute, 10); err != nil {
		t.Fatal(err)
	}
	if got := get(t, s, draft.ID); got.Status != onward.StatusDrafted {
		t.Fatalf("the expired hand claim is %s, want drafted", got.Status)
	}
	if err := s.Finish(ctx, hand, store.Outcome{Status: onward.StatusSent, At: c.Now(), KeepBody: true}); err != nil {
		t.Fatalf("Finish of sent after the claim was lost = %v, want it recorded", err)
	}
	if got := get(t, s, draft.ID); got.Status != onward.StatusSent || !got.SentAt.Equal(c.Now()) || !got.LeaseUntil.IsZero() {
		t.Errorf("after the late 250: %+v, want sent", got)
	}
	if _, _, err := s.ClaimDraft(ctx, draft.ID, time.Minute); !errors.Is(err, store.ErrNotClaimable) {
		t.Errorf("ClaimDraft of a sent draft = %v, want ErrNotClaimable", err)
	}
}

func TestFinishRetryMovesDueButNotPlanned(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, c := openStore(t)
	m := &store.Message{DueAt: c.Now().Add(-time.Hour)}
	insert(t, s, m)
	claimed, err := s.ClaimDue(ctx, c.Now(), time.Minute, 1)
	if err != nil || len(claimed) != 1 {
		t.Fatalf("claim = %v, %v", ids(claimed), err)
	}
	retry := c.Now().Add(10 * time.Minute)
	if err := s.Finish(ctx, claimed[0], store.Outcome{Status: onward.StatusScheduled, At: retry, Error: "421 busy", KeepBody: true}); err != nil {
		t.Fatal(err)
	}
	got := get(t, s, m.ID)
	if got.Status != onward.StatusScheduled || !got.DueAt.Equal(retry) || !got.PlannedAt.Equal(m.DueAt) || got.LastError != "421 busy" || got.Attempts != 1 {
		t.Errorf("after retry: status %s due %v planned %v error %q attempts %d", got.Status, got.DueAt, got.PlannedAt, got.LastError, got.Attempts)
	}
	if early, _ := s.ClaimDue(ctx, c.Now(), time.Minute, 1); len(early) != 0 {
		t.Errorf("a retry was claimed before its new due time")
	}
}

func TestReleasePutsClaimedMessagesBack(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, c := openStore(t)
	a, b := &store.Message{DueAt: c.Now().Add(-time.Minute)}, &store.Message{DueAt: c.Now()}
	insert(t, s, a, b)
	claimed, err := s.ClaimDue(ctx, c.Now(), time.Hour, 10)
	if err != nil || len(claimed) != 2 {
		t.Fatalf("claim = %v, %v", ids(claimed), err)
	}
	if err := s.Release(ctx, claimed); err != nil {
		t.Fatal(err)
	}
	for i, want := range []*store.Message{a, b} {
		got := get(t, s, want.ID)
		if got.Status != onward.StatusScheduled || got.Attempts != 0 || !got.LeaseUntil.IsZero() || !got.DueAt.Equal(want.DueAt) {
			t.Errorf("released %d: status %s attempts %d lease %v due %v", i, got.Status, got.Attempts, got.LeaseUntil, got.DueAt)
		}
	}
	// A claim is known by its lease expiry, so the next one is taken a
	// moment later, as a restarted daemon would.
	c.Advance(time.Second)
	again, err := s.ClaimDue(ctx, c.Now(), time.Hour, 10)
	if err != nil || !slices.Equal(ids(again), []int64{a.ID, b.ID}) {
		t.Errorf("claim after release = %v, %v", ids(again), err)
	}
	// Releasing a claim that was lost changes nothing.
	if err := s.Release(ctx, claimed); err != nil {
		t.Fatal(err)
	}
	if got := get(t, s, a.ID); got.Status != onward.StatusSending {
		t.Errorf("releasing a stale claim reset the message to %s", got.Status)
	}
}

func TestClaimDraftOnlyFromDrafted(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, status := range onward.Statuses() {
		t.Run(string(status), func(t *testing.T) {
			t.Parallel()
			s, c := openStore(t)
			m := &store.Message{DueAt: c.Now(), Status: status, Kind: "thank_you", Audience: "recruiter"}
			insert(t, s, m)
			got, release, err := s.ClaimDraft(ctx, m.ID, time.Minute)
			defer release()
			if status != onward.StatusDrafted {
				if !errors.Is(err, store.ErrNotClaimable) {
					t.Errorf("ClaimDraft of a %s message = %v, want ErrNotClaimable", status, err)
				}
				if db := get(t, s, m.ID); db.Status != status {
					t.Errorf("refused claim changed status to %s", db.Status)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != onward.StatusSending || got.Attempts != 1 || !got.LeaseUntil.Equal(c.Now().Add(time.Minute)) {
				t.Errorf("claimed draft: %+v", got)
			}
			if _, _, err := s.ClaimDraft(ctx, m.ID, time.Minute); !errors.Is(err, store.ErrNotClaimable) {
				t.Errorf("second ClaimDraft = %v, want ErrNotClaimable", err)
			}
		})
	}
	s, _ := openStore(t)
	if _, _, err := s.ClaimDraft(ctx, 12345, time.Minute); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("ClaimDraft of a missing message = %v, want ErrNotFound", err)
	}
}

func TestExpiredHandClaimGoesBackToDrafted(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, c := openStore(t)
	draft := &store.Message{DueAt: c.Now().Add(-time.Hour), Status: onward.StatusDrafted, Kind: "thank_you", Audience: "recruiter", To: "dana@acme.example"}
	insert(t, s, draft)
	hand, release, err := s.ClaimDraft(ctx, draft.ID, 2*time.Minute)
	if err != nil {
		t.Fatal(err)
	}

	// While the hand claim holds, the daemon leaves it alone.
	c.Advance(time.Minute)
	if got, err := s.ClaimDue(ctx, c.Now(), time.Minute, 10); err != nil || len(got) != 0 {
		t.Fatalf("ClaimDue during a hand claim = %v, %v", ids(got), err)
	}
	if got := get(t, s, draft.ID); got.Status != onward.StatusSending {
		t.Fatalf("hand claim was disturbed: %s", got.Status)
	}

	// The CLI died (its lock went with it); the claim expires. The daemon
	// must never send it.
	release()
	c.Advance(time.Minute)
	got, err := s.ClaimDue(ctx, c.Now(), time.Minute, 10)
	if err != nil || len(got) != 0 {
		t.Fatalf("ClaimDue after the hand claim expired = %v, %v; a recruiter draft must never be claimed for the daemon", ids(got), err)
	}
	back := get(t, s, draft.ID)
	if back.Status != onward.StatusDrafted || !back.LeaseUntil.IsZero() || !strings.Contains(back.LastError, "send it again") {
		t.Errorf("expired hand claim: status %s, lease %v, last error %q", back.Status, back.LeaseUntil, back.LastError)
	}
	if err := s.Finish(ctx, hand, store.Outcome{Status: onward.StatusDrafted, Error: "timeout", KeepBody: true}); !errors.Is(err, store.ErrNotClaimable) {
		t.Errorf("Finish of a failure under the expired hand claim = %v, want ErrNotClaimable", err)
	}
	_, release, err = s.ClaimDraft(ctx, draft.ID, time.Minute)
	if err != nil {
		t.Errorf("the draft cannot be sent again by hand: %v", err)
	}
	release()
}

// A hand claim whose lease ran out while its `drafts send` still runs
// (suspended mid-send, a clock stepped forward) is not taken back, by the
// daemon or by another send: the first send may still reach the server.
// Once that process is gone, it is.
func TestExpiredHandClaimStaysWhileItsSenderRuns(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, c := openStore(t)
	draft := &store.Message{DueAt: c.Now().Add(-time.Hour), Status: onward.StatusDrafted, Kind: "thank_you", Audience: "recruiter", To: "dana@acme.example"}
	insert(t, s, draft)
	_, release, err := s.ClaimDraft(ctx, draft.ID, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	// Another process's view of the same database, as the daemon has.
	daemon, _ := openStoreAt(t, s.Path())
	daemon.Now = c.Now
	c.Advance(time.Hour)
	if got, err := daemon.ClaimDue(ctx, c.Now(), time.Minute, 10); err != nil || len(got) != 0 {
		t.Fatalf("ClaimDue = %v, %v", ids(got), err)
	}
	if got := get(t, s, draft.ID); got.Status != onward.StatusSending {
		t.Fatalf("the daemon took back a hand claim whose sender runs: %s (%q)", got.Status, got.LastError)
	}
	if _, _, err := daemon.ClaimDraft(ctx, draft.ID, time.Minute); !errors.Is(err, store.ErrNotClaimable) {
		t.Fatalf("a second hand send took over a running one: %v", err)
	}
	// The daemon looks again soon, not in a loop.
	if at, ok, err := daemon.NextWake(ctx); err != nil || !ok || !at.After(c.Now()) {
		t.Errorf("NextWake = %v, %v, %v; want a moment after now (%v)", at, ok, err, c.Now())
	}
	release()
	if _, err := daemon.ClaimDue(ctx, c.Now(), time.Minute, 10); err != nil {
		t.Fatal(err)
	}
	if got := get(t, s, draft.ID); got.Status != onward.StatusDrafted || !strings.Contains(got.LastError, "send it again") {
		t.Errorf("after its sender ended the claim is %s (%q), want drafted", got.Status, got.LastError)
	}
}

func TestExpireDaemonClaimsLeavesHandClaims(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, c := openStore(t)
	daemon := &store.Message{DueAt: c.Now()}
	draft := &store.Message{DueAt: c.Now(), Status: onward.StatusDrafted, Kind: "thank_you", Audience: "recruiter"}
	insert(t, s, daemon, draft)
	if _, err := s.ClaimDue(ctx, c.Now(), time.Hour, 10); err != nil {
		t.Fatal(err)
	}
	_, release, err := s.ClaimDraft(ctx, draft.ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	n, err := s.ExpireDaemonClaims(ctx)
	if err != nil || n != 1 {
		t.Fatalf("ExpireDaemonClaims = %d, %v; want 1", n, err)
	}
	got, err := s.ClaimDue(ctx, c.Now(), time.Hour, 10)
	if err != nil || !slices.Equal(ids(got), []int64{daemon.ID}) {
		t.Errorf("after a restart the daemon's claim should be claimable at once: %v, %v", ids(got), err)
	}
	if m := get(t, s, draft.ID); m.Status != onward.StatusSending {
		t.Errorf("the hand claim was touched: %s", m.Status)
	}
}

func TestCancelPendingTouchesOnlyPendingMessagesOfTheKindsAndApplication(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, c := openStore(t)
	app, other := insertApp(t, s, "Acme"), insertApp(t, s, "Globex")
	due := c.Now().Add(time.Hour)
	mk := func(appID int64, kind onward.Kind, status onward.Status) *store.Message {
		return &store.Message{ApplicationID: appID, Kind: kind, Audience: "recruiter", Status: status, DueAt: due}
	}
	cancelScheduled := mk(app.ID, "status_check", onward.StatusScheduled)
	cancelDrafted := mk(app.ID, "status_check", onward.StatusDrafted)
	cancelOtherKind := mk(app.ID, "thank_you", onward.StatusScheduled)
	keep := []*store.Message{
		mk(app.ID, "status_check", onward.StatusSent),
		mk(app.ID, "status_check", onward.StatusFailed),
		mk(app.ID, "status_check", onward.StatusDiscarded),
		mk(app.ID, "status_check", onward.StatusExpired),
		mk(app.ID, "learn", onward.StatusScheduled),
		mk(other.ID, "status_check", onward.StatusScheduled),
		mk(other.ID, "thank_you", onward.StatusDrafted),
		mk(0, "status_check", onward.StatusScheduled),
	}
	// One message is on the wire: due a minute before the rest, and claimed.
	sending := mk(app.ID, "status_check", onward.StatusScheduled)
	sending.DueAt = due.Add(-time.Minute)
	insert(t, s, append([]*store.Message{cancelScheduled, cancelDrafted, cancelOtherKind, sending}, keep...)...)
	claimed, err := s.ClaimDue(ctx, sending.DueAt, time.Hour, 10)
	if err != nil || !slices.Equal(ids(claimed), []int64{sending.ID}) {
		t.Fatalf("claim the in-flight message: %v, %v", ids(claimed), err)
	}
	var n int
	err = s.Update(ctx, func(tx *store.Tx) error {
		var err error
		n, err = tx.CancelPending(ctx, app.ID, nil, "nothing")
		return err
	})
	if err != nil || n != 0 {
		t.Fatalf("CancelPending with no kinds = %d, %v", n, err)
	}

	err = s.Update(ctx, func(tx *store.Tx) error {
		var err error
		n, err = tx.CancelPending(ctx, app.ID, []onward.Kind{"status_check", "thank_you", "stay_in_touch"}, "cancelled by reply on 4 Mar 2026")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != 3 {
		t.Errorf("cancelled %d, want 3", n)
	}
	for _, m := range []*store.Message{cancelScheduled, cancelDrafted, cancelOtherKind} {
		got := get(t, s, m.ID)
		if got.Status != onward.StatusCancelled || got.LastError != "cancelled by reply on 4 Mar 2026" {
			t.Errorf("message %d (%s %s): status %s, reason %q", m.ID, m.Kind, m.Status, got.Status, got.LastError)
		}
	}
	for _, m := range keep {
		if got := get(t, s, m.ID); got.Status != m.Status {
			t.Errorf("message %d (app %d, %s %s) became %s", m.ID, m.ApplicationID, m.Kind, m.Status, got.Status)
		}
	}
	if got := get(t, s, sending.ID); got.Status != onward.StatusSending {
		t.Errorf("a message on the wire was cancelled: %s", got.Status)
	}
}

func TestNextWake(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("nothing pending", func(t *testing.T) {
		t.Parallel()
		s, c := openStore(t)
		insert(t, s,
			&store.Message{DueAt: c.Now(), Status: onward.StatusSent},
			&store.Message{DueAt: c.Now(), Status: onward.StatusDrafted, Kind: "thank_you", Audience: "recruiter"},
			&store.Message{DueAt: c.Now(), Status: onward.StatusCancelled})
		if at, ok, err := s.NextWake(ctx); err != nil || ok {
			t.Errorf("NextWake = %v, %v, %v; want nothing", at, ok, err)
		}
	})
	t.Run("scheduled only", func(t *testing.T) {
		t.Parallel()
		s, c := openStore(t)
		insert(t, s,
			&store.Message{DueAt: c.Now().Add(3 * time.Hour)},
			&store.Message{DueAt: c.Now().Add(2 * time.Hour)},
			&store.Message{DueAt: c.Now().Add(time.Hour), Status: onward.StatusSent})
		at, ok, err := s.NextWake(ctx)
		if err != nil || !ok || !at.Equal(c.Now().Add(2*time.Hour)) {
			t.Errorf("NextWake = %v, %v, %v; want the earliest scheduled, %v", at, ok, err, c.Now().Add(2*time.Hour))
		}
	})
	t.Run("sending only", func(t *testing.T) {
		t.Parallel()
		s, c := openStore(t)
		insert(t, s, &store.Message{DueAt: c.Now()})
		if _, err := s.ClaimDue(ctx, c.Now(), 90*time.Second, 10); err != nil {
			t.Fatal(err)
		}
		at, ok, err := s.NextWake(ctx)
		if err != nil || !ok || !at.Equal(c.Now().Add(90*time.Second)) {
			t.Errorf("NextWake = %v, %v, %v; want the lease expiry %v", at, ok, err, c.Now().Add(90*time.Second))
		}
	})
	t.Run("the earlier of both", func(t *testing.T) {
		t.Parallel()
		s, c := openStore(t)
		insert(t, s, &store.Message{DueAt: c.Now()}, &store.Message{DueAt: c.Now().Add(time.Hour)})
		if _, err := s.ClaimDue(ctx, c.Now(), 2*time.Hour, 1); err != nil {
			t.Fatal(err)
		}
		at, ok, err := s.NextWake(ctx)
		if err != nil || !ok || !at.Equal(c.Now().Add(time.Hour)) {
			t.Errorf("NextWake = %v, %v, %v; want the scheduled one at %v", at, ok, err, c.Now().Add(time.Hour))
		}
	})
}

func TestLockDaemon(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "onward.db")
	first, err := store.LockDaemon(path)
	if err != nil {
		t.Fatal(err)
	}
	second, err := store.LockDaemon(path)
	if err == nil {
		second.Unlock()
		t.Fatal("a second daemon lock on the same database succeeded")
	}
	if !errors.Is(err, store.ErrLocked) {
		t.Errorf("error %v does not wrap ErrLocked", err)
	}
	if pid := fmt.Sprintf("pid %d", os.Getpid()); !strings.Contains(err.Error(), pid) || !strings.Contains(err.Error(), path) {
		t.Errorf("error %q should name the owner (%s) and the database", err, pid)
	}
	// Another database is not locked.
	other, err := store.LockDaemon(filepath.Join(t.TempDir(), "other.db"))
	if err != nil {
		t.Errorf("lock on another database: %v", err)
	} else {
		other.Unlock()
	}

	if err := first.Unlock(); err != nil {
		t.Fatal(err)
	}
	if err := first.Unlock(); err != nil {
		t.Errorf("second Unlock: %v", err)
	}
	var none *store.DaemonLock
	if err := none.Unlock(); err != nil {
		t.Errorf("Unlock of nil: %v", err)
	}
	third, err := store.LockDaemon(path)
	if err != nil {
		t.Fatalf("lock after Unlock: %v", err)
	}
	third.Unlock()
}

// The CLI and the daemon are two processes over one file; the daemon
// notices the CLI's commits through PRAGMA data_version.
func TestDataVersionSeesTheOtherStoresCommits(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "onward.db")
	daemon, _ := openStoreAt(t, path)
	cli, _ := openStoreAt(t, path)

	v1, err := daemon.DataVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := daemon.DataVersion(ctx); v != v1 {
		t.Errorf("data version moved with no commit: %d → %d", v1, v)
	}
	insertApp(t, cli, "Acme")
	v2, err := daemon.DataVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if v2 == v1 {
		t.Errorf("data version did not change after the other store committed (%d)", v1)
	}
	// Its own commits do not count: the daemon knows what it wrote.
	insertApp(t, daemon, "Globex")
	if v3, _ := daemon.DataVersion(ctx); v3 != v2 {
		t.Errorf("data version changed after the store's own commit: %d → %d", v2, v3)
	}
	// And the CLI sees the daemon's write.
	apps, err := cli.Applications(ctx)
	if err != nil || len(apps) != 2 {
		t.Errorf("the other store sees %d applications, %v", len(apps), err)
	}
}

// Two dispatchers over one file (a daemon and a stray second one) never
// take the same message.
func TestClaimDueFromTwoStoresNeverClaimsAMessageTwice(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "onward.db")
	s1, c := openStoreAt(t, path)
	s2, _ := openStoreAt(t, path)
	var msgs []*store.Message
	for i := range 60 {
		msgs = append(msgs, &store.Message{DueAt: c.Now().Add(-time.Duration(i) * time.Second)})
	}
	insert(t, s1, msgs...)
	now := c.Now()

	var mu sync.Mutex
	seen := map[int64]int{}
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for _, s := range []*store.Store{s1, s2} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				got, err := s.ClaimDue(ctx, now, time.Hour, 3)
				if err != nil {
					errs <- err
					return
				}
				if len(got) == 0 {
					return
				}
				mu.Lock()
				for _, m := range got {
					seen[m.ID]++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("ClaimDue: %v", err)
	}
	if len(seen) != len(msgs) {
		t.Errorf("claimed %d distinct messages, want %d", len(seen), len(msgs))
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("message %d claimed %d times", id, n)
		}
	}
}

func TestMessagesFilterAndCount(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, c := openStore(t)
	app := insertApp(t, s, "Acme")
	insert(t, s,
		&store.Message{ApplicationID: app.ID, Kind: "thank_you", Audience: "recruiter", DueAt: c.Now().Add(2 * time.Hour)},
		&store.Message{ApplicationID: app.ID, Kind: "learn", DueAt: c.Now().Add(time.Hour)},
		&store.Message{ApplicationID: app.ID, Kind: "learn", DueAt: c.Now(), Status: onward.StatusSent},
		&store.Message{Kind: "digest", DueAt: c.Now()})
	all, err := s.Messages(ctx, store.MessageFilter{ApplicationID: app.ID})
	if err != nil || len(all) != 3 {
		t.Fatalf("Messages(app) = %d, %v", len(all), err)
	}
	if !slices.IsSortedFunc(all, func(a, b store.Message) int { return a.DueAt.Compare(b.DueAt) }) {
		t.Errorf("Messages not in due order")
	}
	learn, _ := s.Messages(ctx, store.MessageFilter{Kind: "learn", Status: onward.StatusScheduled})
	if len(learn) != 1 {
		t.Errorf("scheduled learn messages = %d, want 1", len(learn))
	}
	counts, err := s.CountByStatus(ctx)
	if err != nil || counts[onward.StatusScheduled] != 3 || counts[onward.StatusSent] != 1 {
		t.Errorf("CountByStatus = %v, %v", counts, err)
	}
	var n int
	s.Update(ctx, func(tx *store.Tx) error {
		n, err = tx.CountMessages(ctx, app.ID, "learn")
		return err
	})
	if n != 2 {
		t.Errorf("CountMessages(learn) = %d, want 2 (any status)", n)
	}
}

// The path goes into a file: URI; characters that mean something in a URI
// must still name the same file (a home folder may well have a space).
func TestOpenPathsWithURICharacters(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, dir := range []string{"with space", "per%20cent", "hash#tag", "q?mark", "ümlaut", "amp&_journal_mode=DELETE"} {
		t.Run(dir, func(t *testing.T) {
			t.Parallel()
			root := t.TempDir()
			path := filepath.Join(root, dir, "onward.db")
			s, err := store.Open(ctx, path)
			if err != nil {
				t.Fatalf("Open(%q): %v", path, err)
			}
			insertApp(t, s, "Acme")
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			entries, err := os.ReadDir(root)
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) != 1 || entries[0].Name() != dir {
				t.Errorf("files in the folder: %v, want only %q", entries, dir)
			}
			s, err = store.Open(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if apps, err := s.Applications(ctx); err != nil || len(apps) != 1 {
				t.Errorf("reopened %q: %d applications, %v", path, len(apps), err)
			}
		})
	}
}
