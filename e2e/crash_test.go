package e2e

// SIGKILL the CLI in the middle of its work: a `drafts send` stuck on the
// wire, and `reject` at random moments of a long loop. The database must
// be before or after each command, never in between, and no draft may be
// lost or go out twice but for the one copy a crash may repeat.

import (
	"database/sql"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	// Only to read and age the database as a test: onward itself reaches
	// SQLite through the store package alone.
	_ "github.com/mattn/go-sqlite3"

	"github.com/onward-app/onward/internal/smtptest"
)

// sqlDB opens the env's database for the test's own queries.
func (e *env) sqlDB(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+e.db+"?_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// integrity fails the test unless SQLite finds the file sound.
func integrity(t *testing.T, db *sql.DB) {
	t.Helper()
	var res string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&res); err != nil || res != "ok" {
		t.Fatalf("integrity_check: %q, %v", res, err)
	}
}

// killAfter starts onward with args, kills it with SIGKILL after d unless
// it finished first, and reports whether it finished on its own with
// exit 0.
func (e *env) killAfter(t *testing.T, d time.Duration, args ...string) (finished bool) {
	t.Helper()
	cmd := e.command(args...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return err == nil
	case <-time.After(d):
	}
	_ = cmd.Process.Signal(syscall.SIGKILL)
	err := <-done
	var ee *exec.ExitError
	if err != nil && !(asExit(err, &ee) && ee.Sys().(syscall.WaitStatus).Signaled()) {
		t.Fatalf("onward %s: %v", strings.Join(args, " "), err)
	}
	return err == nil
}

// median runs the commands args(0), ..., args(n-1) to their end and
// returns the median of how long they took.
func (e *env) median(t *testing.T, args func(int) []string, n int) time.Duration {
	t.Helper()
	var took []time.Duration
	for i := range n {
		start := time.Now()
		e.mustRun(t, args(i)...)
		took = append(took, time.Since(start))
	}
	slices.Sort(took)
	return took[n/2]
}

// spread draws a moment to kill a command that takes about full: from
// early in its start to a little after it would end, most of them in the
// second half, where the database work happens.
// seedEnv names the variable that replays a random test's seed.
const seedEnv = "ONWARD_TEST_SEED"

// testRand returns a generator seeded from $ONWARD_TEST_SEED, or from the
// clock when it is unset, and logs the seed so a failure can be replayed.
// The seed fixes the sequence of draws; a test that scales them by a
// measured duration replays the same fractions of it, not the same
// nanoseconds.
func testRand(t *testing.T) *rand.Rand {
	t.Helper()
	seed := uint64(time.Now().UnixNano())
	if v := os.Getenv(seedEnv); v != "" {
		s, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatalf("%s=%q: want an unsigned integer: %v", seedEnv, v, err)
		}
		seed = s
	}
	t.Logf("random seed %d (replay with %s=%d)", seed, seedEnv, seed)
	return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
}

func spread(rng *rand.Rand, full time.Duration) time.Duration {
	return time.Duration((0.2 + 0.9*rng.Float64()) * float64(full))
}

func asExit(err error, ee **exec.ExitError) bool {
	e, ok := err.(*exec.ExitError)
	*ee = e
	return ok
}

// TestKillRejectAtRandomMoments runs a reject per application and kills
// most of them with SIGKILL at a random moment of their run: before the
// database is opened, while it is, inside the transaction, after it.
// Every application must then be wholly rejected (its event, its stage and
// exactly its four planned messages) or wholly not, and a reject run to
// its end afterwards completes the plan exactly once.
func TestKillRejectAtRandomMoments(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, "")
	const apps = 40
	for i := range apps {
		e.mustRun(t, "apply", "--company", fmt.Sprintf("Company %02d", i), "--role", "Engineer", "--recruiter", fmt.Sprintf("r%d@company.example", i))
	}
	// How long one reject takes here, to spread the kills over it.
	const timed = 3
	full := e.median(t, func(i int) []string { return []string{"reject", fmt.Sprint(i + 1)} }, timed)
	rng := testRand(t)
	killed, finished := 0, timed
	for id := timed + 1; id <= apps; id++ {
		if e.killAfter(t, spread(rng, full), "reject", fmt.Sprint(id), "--note", "went with someone else") {
			finished++
		} else {
			killed++
		}
	}
	t.Logf("%d rejects: %d killed at random moments within %v, %d finished", apps, killed, full, finished)

	db := e.sqlDB(t)
	integrity(t, db)
	planned := []string{"feedback_request", "learn", "let_go", "stay_in_touch"}
	check := func(wantAll bool) (rejected int) {
		t.Helper()
		rows, err := db.Query(`SELECT a.id, a.stage,
			(SELECT count(*) FROM events WHERE application_id = a.id AND kind = 'rejected'),
			COALESCE((SELECT group_concat(kind, ',') FROM (SELECT kind FROM messages WHERE application_id = a.id ORDER BY kind)), '')
			FROM applications a ORDER BY a.id`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var id, events int
			var stage, kinds string
			if err := rows.Scan(&id, &stage, &events, &kinds); err != nil {
				t.Fatal(err)
			}
			got := strings.Split(kinds, ",")
			switch {
			case stage == "rejected" && events == 1 && slices.Equal(got, planned):
				rejected++
			case stage == "applied" && events == 0 && kinds == "" && !wantAll:
			default:
				t.Errorf("application %d is half rejected: stage %s, %d rejection events, messages %q", id, stage, events, kinds)
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return rejected
	}
	if n := check(false); n < finished {
		t.Errorf("%d applications are rejected, but %d rejects finished", n, finished)
	}
	// Whatever was killed, rejecting again finishes the job, once.
	for id := 1; id <= apps; id++ {
		e.mustRun(t, "reject", fmt.Sprint(id))
	}
	if n := check(true); n != apps {
		t.Errorf("%d of %d applications rejected after the second pass", n, apps)
	}
}

// TestKillDraftsSendMidSend kills `drafts send` while the server holds the
// message without answering. The draft must be intact and end up sent;
// the server may get it twice (the crash's one repeat), never with
// another Message-ID, and never a third time.
func TestKillDraftsSendMidSend(t *testing.T) {
	t.Parallel()
	const recruiter = "dana@northwind.example"
	server := smtptest.Start(t, smtptest.Script{Decide: func(cmd string, r smtptest.Received) smtptest.Fault {
		return smtptest.Fault{Stall: cmd == "DATA" && slices.Contains(r.To, recruiter)}
	}})
	e := newEnv(t, server, "")
	e.mustRun(t, "apply", "--company", "Northwind Labs", "--role", "Platform Engineer", "--recruiter", "Dana Reyes <"+recruiter+">")
	e.mustRun(t, "interview", "northwind", "--at", time.Now().Add(-5*time.Hour).Format(time.RFC3339))
	e.mustRun(t, "flush")
	server.Next(t) // the draft_ready notice to the user
	db := e.sqlDB(t)
	type draft struct {
		id                               int64
		status, subject, body, msgID, to string
	}
	read := func() draft {
		t.Helper()
		var d draft
		if err := db.QueryRow(`SELECT id, status, subject, body_text, message_id, recipient FROM messages WHERE kind = 'thank_you'`).
			Scan(&d.id, &d.status, &d.subject, &d.body, &d.msgID, &d.to); err != nil {
			t.Fatal(err)
		}
		return d
	}
	before := read()
	if before.status != "drafted" {
		t.Fatalf("thank_you is %s, want drafted", before.status)
	}

	cmd := e.command("drafts", "send", "--yes", fmt.Sprint(before.id))
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	server.WaitStalled(t)
	_ = cmd.Process.Signal(syscall.SIGKILL)
	_ = cmd.Wait()

	integrity(t, db)
	mid := read()
	if mid.status != "sending" || mid.subject != before.subject || mid.body != before.body || mid.msgID != before.msgID || mid.to != before.to {
		t.Fatalf("after the kill the draft is %+v, want it claimed (sending) and otherwise as before %+v", mid, before)
	}
	// While the claim holds, another send refuses: it cannot go out twice
	// at once.
	if _, stderr, code := e.run(t, "drafts", "send", "--yes", fmt.Sprint(before.id)); code != 2 || !strings.Contains(stderr, "being sent") {
		t.Errorf("a second send during the claim: exit %d, %q; want 2 saying it is being sent", code, stderr)
	}

	// The server was only slow: it takes the copy the dead process wrote.
	server.Release()
	first := server.Next(t)
	// The claim expires (aged here, instead of waiting five minutes); the
	// next round hands the draft back to the user, who sends it again.
	if _, err := db.Exec("UPDATE messages SET lease_until = 0 WHERE id = ?", before.id); err != nil {
		t.Fatal(err)
	}
	e.mustRun(t, "flush")
	back := read()
	if back.status != "drafted" || back.msgID != before.msgID || back.body != before.body {
		t.Fatalf("after the claim expired the draft is %+v, want drafted as before", back)
	}
	var lastError string
	if err := db.QueryRow("SELECT last_error FROM messages WHERE id = ?", before.id).Scan(&lastError); err != nil || !strings.Contains(lastError, "send it again") {
		t.Errorf("last_error %q (%v), want it to tell the user to send it again", lastError, err)
	}
	e.mustRun(t, "drafts", "send", "--yes", fmt.Sprint(before.id))
	second := server.Next(t)
	if got := read(); got.status != "sent" {
		t.Errorf("after sending again the draft is %s", got.status)
	}
	for i, r := range []smtptest.Received{first, second} {
		if r.MessageID() != "<"+before.msgID+">" || !slices.Equal(r.To, []string{recruiter}) {
			t.Errorf("copy %d: Message-ID %s to %v, want <%s> to %s", i+1, r.MessageID(), r.To, before.msgID, recruiter)
		}
	}
	if server.Pending() != 0 {
		t.Errorf("the draft arrived more than twice")
	}
}

// TestKillDraftsSendAtRandomMoments sends drafts, each by a `drafts send`
// killed at a random moment, against a server that answers at once.
// Each draft is then drafted, claimed or sent, never anything else, and
// never sent without the server having it; after the claims expire every
// draft goes out, each at most twice and always with its Message-ID.
func TestKillDraftsSendAtRandomMoments(t *testing.T) {
	t.Parallel()
	server := smtptest.Start(t, smtptest.Script{})
	e := newEnv(t, server, "")
	const n = 12
	for i := range n {
		e.mustRun(t, "apply", "--company", fmt.Sprintf("Company %02d", i), "--role", "Engineer", "--recruiter", fmt.Sprintf("r%d@company.example", i))
		e.mustRun(t, "interview", fmt.Sprint(i+1), "--at", time.Now().Add(-5*time.Hour).Format(time.RFC3339))
	}
	e.mustRun(t, "flush")
	for range n {
		server.Next(t) // draft_ready notices
	}
	db := e.sqlDB(t)
	ids := map[int64]string{} // draft id → Message-ID
	rows, err := db.Query("SELECT id, message_id FROM messages WHERE kind = 'thank_you' AND status = 'drafted'")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		var mid string
		if err := rows.Scan(&id, &mid); err != nil {
			t.Fatal(err)
		}
		ids[id] = "<" + mid + ">"
	}
	rows.Close()
	if len(ids) != n {
		t.Fatalf("%d drafts, want %d", len(ids), n)
	}
	sorted := slices.Sorted(maps.Keys(ids))
	// Three drafts are sent to their end, to learn how long a send takes.
	const timed = 3
	full := e.median(t, func(i int) []string { return []string{"drafts", "send", "--yes", fmt.Sprint(sorted[i])} }, timed)
	rng := testRand(t)
	for _, id := range sorted[timed:] {
		e.killAfter(t, spread(rng, full), "drafts", "send", "--yes", fmt.Sprint(id))
	}
	integrity(t, db)
	copies := map[string]int{}
	for server.Pending() > 0 {
		r := server.Next(t)
		copies[r.MessageID()]++
	}
	states := map[string]int{}
	for id, mid := range ids {
		var status string
		if err := db.QueryRow("SELECT status FROM messages WHERE id = ?", id).Scan(&status); err != nil {
			t.Fatal(err)
		}
		states[status]++
		switch {
		case status == "sent" && copies[mid] != 1:
			t.Errorf("draft %d is recorded sent, but the server has %d copies", id, copies[mid])
		case status == "drafted" && copies[mid] != 0:
			t.Errorf("draft %d is still a draft, but the server has %d copies", id, copies[mid])
		case status != "sent" && status != "drafted" && status != "sending":
			t.Errorf("draft %d is %s after a killed send", id, status)
		}
	}
	t.Logf("after %d sends, %d of them killed at random moments within %v: %v", n, n-timed, full, states)
	// Age the claims of the killed sends; a round hands them back.
	if _, err := db.Exec("UPDATE messages SET lease_until = 0 WHERE status = 'sending'"); err != nil {
		t.Fatal(err)
	}
	e.mustRun(t, "flush")
	for id := range ids {
		var status string
		if err := db.QueryRow("SELECT status FROM messages WHERE id = ?", id).Scan(&status); err != nil {
			t.Fatal(err)
		}
		if status == "drafted" {
			e.mustRun(t, "drafts", "send", "--yes", fmt.Sprint(id))
		}
	}
	for server.Pending() > 0 {
		copies[server.Next(t).MessageID()]++
	}
	for id, mid := range ids {
		if c := copies[mid]; c < 1 || c > 2 {
			t.Errorf("draft %d arrived %d times, want once, or twice after a crash", id, c)
		}
	}
	for mid := range copies {
		if !slices.Contains(slices.Collect(maps.Values(ids)), mid) {
			t.Errorf("the server received %s, which no draft carries", mid)
		}
	}
}

// TestDraftsSendAfterAKilledSendWithoutADaemon: a user who sends drafts by
// hand and runs no daemon kills a `drafts send` (or it dies). Once the
// claim has expired, sending again must work: nothing else will ever hand
// the draft back to them.
func TestDraftsSendAfterAKilledSendWithoutADaemon(t *testing.T) {
	t.Parallel()
	const recruiter = "dana@northwind.example"
	server := smtptest.Start(t, smtptest.Script{Decide: func(cmd string, r smtptest.Received) smtptest.Fault {
		return smtptest.Fault{Stall: cmd == "DATA" && slices.Contains(r.To, recruiter)}
	}})
	e := newEnv(t, server, "")
	e.mustRun(t, "apply", "--company", "Northwind Labs", "--role", "Platform Engineer", "--recruiter", "Dana Reyes <"+recruiter+">")
	e.mustRun(t, "interview", "northwind", "--at", time.Now().Add(-5*time.Hour).Format(time.RFC3339))
	e.mustRun(t, "flush")
	server.Next(t)
	db := e.sqlDB(t)
	var id int64
	if err := db.QueryRow("SELECT id FROM messages WHERE kind = 'thank_you'").Scan(&id); err != nil {
		t.Fatal(err)
	}
	cmd := e.command("drafts", "send", "--yes", fmt.Sprint(id))
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	server.WaitStalled(t)
	_ = cmd.Process.Signal(syscall.SIGKILL)
	_ = cmd.Wait()
	server.Release()
	server.Next(t)
	if _, err := db.Exec("UPDATE messages SET lease_until = 0 WHERE id = ?", id); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := e.run(t, "drafts", "send", "--yes", fmt.Sprint(id)); code != 0 {
		t.Fatalf("drafts send %d after its claim expired: exit %d: %s", id, code, stderr)
	}
	if r := server.Next(t); r.MessageID() == "" || !slices.Equal(r.To, []string{recruiter}) {
		t.Errorf("the second send went to %v", r.To)
	}
}
