package e2e

// A send is bounded, a claim outlives its send, and the rate limit
// outlives a reload: the real binary against servers that answer late,
// trickle, or are reloaded away from under a waiting message.

import (
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/onward-app/onward/internal/smtptest"
)

// started is a CLI command running in the background.
type started struct {
	cmd              *exec.Cmd
	stdout, stderr   strings.Builder
	done             chan struct{}
	err              error
	startedAt, ended time.Time
}

func (e *env) startCommand(t *testing.T, args ...string) *started {
	t.Helper()
	s := &started{cmd: e.command(args...), done: make(chan struct{})}
	s.cmd.Stdout, s.cmd.Stderr = &s.stdout, &s.stderr
	s.startedAt = time.Now()
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		s.err = s.cmd.Wait()
		s.ended = time.Now()
		close(s.done)
	}()
	t.Cleanup(func() {
		_ = s.cmd.Process.Kill()
		<-s.done
	})
	return s
}

// wait waits for the command to exit and returns its exit code. within
// only catches a hang.
func (s *started) wait(t *testing.T, within time.Duration) int {
	t.Helper()
	select {
	case <-s.done:
	case <-time.After(within):
		t.Fatalf("onward %s still runs after %s; stderr: %s", strings.Join(s.cmd.Args[1:], " "), within, s.stderr.String())
	}
	if ee, ok := s.err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	return 0
}

// draftFor plans a thank-you to the recruiter and has it written as a
// draft, and returns its id and Message-ID.
func draftFor(t *testing.T, e *env, recruiter string, write func()) (int64, string) {
	t.Helper()
	e.mustRun(t, "apply", "--company", "Northwind Labs", "--role", "Platform Engineer", "--recruiter", "Dana Reyes <"+recruiter+">")
	e.mustRun(t, "interview", "northwind", "--at", time.Now().Add(-5*time.Hour).Format(time.RFC3339))
	write()
	var id int64
	var mid, status string
	if err := e.sqlDB(t).QueryRow("SELECT id, message_id, status FROM messages WHERE kind = 'thank_you'").Scan(&id, &mid, &status); err != nil {
		t.Fatal(err)
	}
	if status != "drafted" {
		t.Fatalf("the thank-you is %s, want drafted", status)
	}
	return id, "<" + mid + ">"
}

// TestDraftsSendIsNeverDuplicatedWhenItsClaimRunsOut: `drafts send` waits
// on a server that answers the final dot late, while the daemon runs, and
// its claim runs out meanwhile (aged here in the database, as a suspended
// laptop or a clock stepped forward does, and as a send longer than the
// claim once did). Neither the daemon nor a second `drafts send` may take
// the draft back while the first one lives; when its server says 250 the
// first command records the draft sent and says so. The recruiter gets
// exactly one copy.
func TestDraftsSendIsNeverDuplicatedWhenItsClaimRunsOut(t *testing.T) {
	t.Parallel()
	const recruiter = "dana@northwind.example"
	var stalled atomic.Bool
	server := smtptest.Start(t, smtptest.Script{Decide: func(cmd string, r smtptest.Received) smtptest.Fault {
		// Only the first copy to the recruiter is held at the final dot.
		first := cmd == "DATA" && slices.Contains(r.To, recruiter) && stalled.CompareAndSwap(false, true)
		return smtptest.Fault{Stall: first}
	}})
	e := newEnv(t, server, "")
	// Long enough that the held reply never trips the per-read timeout.
	e.edit(t, `timeout = "5s"`, `timeout = "30s"`)
	d := e.start(t)
	d.waitLog(t, "onward daemon started")
	id, msgID := draftFor(t, e, recruiter, func() {
		server.Next(t) // the daemon wrote the draft and told the user
	})

	first := e.startCommand(t, "drafts", "send", "--yes", fmt.Sprint(id))
	server.WaitStalled(t)
	db := e.sqlDB(t)
	res, err := db.Exec("UPDATE messages SET lease_until = ? WHERE id = ? AND status = 'sending'", time.Now().Add(-time.Second).UnixMilli(), id)
	if n, _ := res.RowsAffected(); err != nil || n != 1 {
		t.Fatalf("aging the claim: %v, %d rows; the first send should hold it", err, n)
	}
	// A check-in due now: once it arrives, the daemon has run a round
	// after the claim ran out, with its chance to take the draft back.
	seed(t, e, 1)
	if got := server.Next(t); slices.Contains(got.To, recruiter) {
		t.Fatalf("the daemon sent %s to the recruiter", got.MessageID())
	}
	_, stderr, code := e.run(t, "drafts", "send", "--yes", fmt.Sprint(id))
	if code != 2 || !strings.Contains(stderr, "being sent by another command") {
		t.Errorf("a second drafts send while the first waits: exit %d, %q; want 2, saying it is being sent", code, stderr)
	}

	server.Release()
	if code := first.wait(t, smtptest.WaitTimeout); code != 0 || !strings.Contains(first.stdout.String(), fmt.Sprintf("Sent draft %d", id)) {
		t.Errorf("the first drafts send, whose server said 250: exit %d, stdout %q, stderr %q; want 0 and \"Sent draft %d\"",
			code, first.stdout.String(), first.stderr.String(), id)
	}
	d.signal(t, syscall.SIGTERM)
	d.wait(t)
	copies := 0
	for server.Pending() > 0 {
		if r := server.Next(t); r.MessageID() == msgID {
			copies++
		}
	}
	if !stalled.Load() {
		t.Fatal("the server never held the draft")
	}
	if copies != 1 {
		t.Errorf("the recruiter received %d copies of the draft, want exactly 1", copies)
	}
	var status string
	if err := db.QueryRow("SELECT status FROM messages WHERE id = ?", id).Scan(&status); err != nil || status != "sent" {
		t.Errorf("the draft is %s (%v), want sent", status, err)
	}
}

// TestSendsGiveUpOnATricklingServer: a server that trickles one line of
// its reply every quarter second never trips a per-read timeout. With
// timeout = 3s a `drafts send` against a trickling greeting, EHLO or reply
// to the final dot gives up once its send timeout (four timeouts, 12 s)
// is over, says why, and leaves the draft to send again; the daemon,
// against a trickling greeting, schedules the check-in for a retry and
// goes on.
func TestSendsGiveUpOnATricklingServer(t *testing.T) {
	t.Parallel()
	for _, step := range []string{"greeting", "EHLO", "DATA"} {
		t.Run("drafts send, "+step, func(t *testing.T) {
			t.Parallel()
			server := smtptest.Start(t, smtptest.Script{Trickle: &smtptest.Trickle{At: step, Every: 250 * time.Millisecond, Lines: 400}})
			e := newEnv(t, server, "")
			e.edit(t, `timeout = "5s"`, `timeout = "3s"`)
			e.edit(t, `transport = "smtp"`, fmt.Sprintf("transport = \"smtp\"\ndrafts = \"outbox\"\noutbox = %q", e.dir+"/outbox"))
			id, _ := draftFor(t, e, "dana@northwind.example", func() { e.mustRun(t, "flush") })
			send := e.startCommand(t, "drafts", "send", "--yes", fmt.Sprint(id))
			// The trickle lasts 100 s; a minute only catches a hang.
			code := send.wait(t, time.Minute)
			t.Logf("drafts send against a trickling %s with timeout = 3s gave up after %v", step, send.ended.Sub(send.startedAt).Round(10*time.Millisecond))
			if code != 1 || !strings.Contains(send.stderr.String(), "took more than 12s over one message") {
				t.Errorf("drafts send: exit %d, %q; want 1, naming the 12s send timeout", code, send.stderr.String())
			}
			var status, lastError string
			if err := e.sqlDB(t).QueryRow("SELECT status, last_error FROM messages WHERE id = ?", id).Scan(&status, &lastError); err != nil {
				t.Fatal(err)
			}
			if status != "drafted" || !strings.Contains(lastError, "took more than 12s") {
				t.Errorf("the draft is %s (%q), want drafted again with the reason", status, lastError)
			}
			// Past the final dot the server has the message; the user is
			// told so before sending again.
			if received := step == "DATA"; (server.Pending() == 1) != received || received != strings.Contains(lastError, "may have the message already") {
				t.Errorf("the server has %d messages, and the draft says %q", server.Pending(), lastError)
			}
		})
	}
	t.Run("daemon, greeting", func(t *testing.T) {
		t.Parallel()
		server := smtptest.Start(t, smtptest.Script{Trickle: &smtptest.Trickle{At: "greeting", Every: 250 * time.Millisecond, Lines: 400}})
		e := newEnv(t, server, "")
		e.edit(t, `timeout = "5s"`, `timeout = "1s"`)
		planned := seed(t, e, 1)
		d := e.start(t)
		d.waitLog(t, "outcome=retry")
		for id := range planned {
			m := e.messages(t)[id]
			if m.Status != "scheduled" || m.Attempts != 1 || !strings.Contains(m.LastError, "took more than 4s over one message") {
				t.Errorf("the check-in is %s after %d attempts (%q), want scheduled for a retry, naming the 4s send timeout", m.Status, m.Attempts, m.LastError)
			}
		}
		d.signal(t, syscall.SIGTERM)
		if code := d.wait(t); code != 0 {
			t.Errorf("exit %d; log:\n%s", code, d.logText())
		}
	})
}

// TestRateLimitSurvivesReloads: with max_per_minute = 6 and nine
// check-ins due, ten SIGHUPs while the daemon works through them neither
// reset the limit nor turn the message waiting for it into a retry: by the
// server's clock no span holds more messages than the limit allows (one,
// and one more per 10 s), and the waiting message goes out through the
// client the last reload built when its turn comes.
func TestRateLimitSurvivesReloads(t *testing.T) {
	t.Parallel()
	const perMinute = 6
	server := smtptest.Start(t, smtptest.Script{})
	e := newEnv(t, server, "")
	e.edit(t, "max_per_minute = 10000", fmt.Sprintf("max_per_minute = %d", perMinute))
	planned := seed(t, e, perMinute+3)
	d := e.start(t)
	first := server.Next(t)
	for range 10 {
		d.signal(t, syscall.SIGHUP)
		d.waitLog(t, "reloaded config and templates")
	}
	second := server.Next(t) // whenever the limit lets it go
	got := []smtptest.Received{first, second}
	for server.Pending() > 0 {
		got = append(got, server.Next(t))
	}
	// The limiter and the server read different clocks a moment apart.
	const slack = 200 * time.Millisecond
	interval := time.Minute / perMinute
	worst, within, allowed := 0, time.Duration(0), 0
	for i := range got {
		for j := i + 1; j < len(got); j++ {
			span := got[j].At.Sub(got[i].At) + slack
			if n, max := j-i+1, 1+int(span/interval); n-max > worst-allowed {
				worst, within, allowed = n, span-slack, max
			}
		}
	}
	t.Logf("across 10 reloads: %d messages at the server, the first two %s apart", len(got), second.At.Sub(first.At).Round(time.Millisecond))
	if worst > allowed {
		t.Errorf("%d messages reached the server within %s, want at most %d at %d a minute", worst, within, allowed, perMinute)
	}
	if server.Connections() < 2 {
		t.Errorf("%d connections: the second message did not go through a client a reload built", server.Connections())
	}
	// The server has the second message before the daemon records the
	// server's answer: wait for the daemon to log its outcome.
	want := fmt.Sprintf("message=%d ", e.messages(t)[second.MessageID()].ID)
	recorded := func(line string) bool { return strings.Contains(line, want) && strings.Contains(line, "outcome=") }
	for line := ""; !recorded(line); line = d.waitLog(t, want) {
		if slices.ContainsFunc(strings.Split(d.logText(), "\n"), recorded) {
			break
		}
	}
	for id, m := range e.messages(t) {
		if planned[id] && (m.LastError != "" || m.Attempts > 1) {
			t.Errorf("%s is %s after %d attempts (%q): a reload turned it into a retry", id, m.Status, m.Attempts, m.LastError)
		}
		if id == second.MessageID() && (m.Status != "sent" || m.Attempts != 1) {
			t.Errorf("the message that waited through the reloads is %s after %d attempts", m.Status, m.Attempts)
		}
	}
}
