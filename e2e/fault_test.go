package e2e

// The real daemon against an SMTP server that misbehaves for some
// messages, and through the signals an init system sends it.

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/onward-app/onward/internal/smtptest"
)

// messageRow is a row of `onward messages --json`.
type messageRow struct {
	ID        int64  `json:"id"`
	Kind      string `json:"kind"`
	Status    string `json:"status"`
	Attempts  int    `json:"attempts"`
	LastError string `json:"last_error"`
	MessageID string `json:"message_id"`
}

func (e *env) messages(t *testing.T) map[string]messageRow {
	t.Helper()
	var rows []messageRow
	if err := json.Unmarshal([]byte(e.mustRun(t, "messages", "--json")), &rows); err != nil {
		t.Fatal(err)
	}
	out := map[string]messageRow{}
	for _, r := range rows {
		out["<"+r.MessageID+">"] = r
	}
	return out
}

// TestDaemonKeepsServingThroughFaults plans ten check-ins; the server
// answers one with 451, one with 550 and drops the connection after the
// final dot of a third. The daemon must record each as the design says
// and deliver the seven others, then go on serving new work.
func TestDaemonKeepsServingThroughFaults(t *testing.T) {
	t.Parallel()
	// The Message-IDs the faults hit, set once the messages are planned;
	// the server reads them from its own goroutines.
	var targets atomic.Pointer[[3]string]
	targets.Store(&[3]string{})
	dropped := make(chan struct{}, 1)
	dropped <- struct{}{}
	server := smtptest.Start(t, smtptest.Script{Decide: func(cmd string, r smtptest.Received) smtptest.Fault {
		if cmd != "DATA" {
			return smtptest.Fault{}
		}
		tempID, permID, dropID := targets.Load()[0], targets.Load()[1], targets.Load()[2]
		switch r.MessageID() {
		case tempID:
			return smtptest.Fault{Reply: &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "greylisted, come back later"}}
		case permID:
			return smtptest.Fault{Reply: &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "relaying denied for this sender"}}
		case dropID:
			select {
			case <-dropped:
				return smtptest.Fault{Drop: true}
			default:
			}
		}
		return smtptest.Fault{}
	}})
	e := newEnv(t, server, "")
	ids := slices.Sorted(maps.Keys(seed(t, e, 10)))
	tempID, permID, dropID := ids[0], ids[1], ids[2]
	targets.Store(&[3]string{tempID, permID, dropID})

	d := e.start(t)
	got := map[string]int{}
	for len(got) < 8 { // seven healthy ones, and the dropped one, which arrived
		got[server.Next(t).MessageID()]++
	}
	d.waitLog(t, "relaying denied")
	if got[tempID]+got[permID] != 0 || got[dropID] != 1 {
		t.Fatalf("the server has %v", got)
	}
	for _, want := range []struct {
		id, status, words string
	}{
		{tempID, "scheduled", "451 4.3.0 greylisted, come back later"},
		{permID, "failed", "550 5.7.1 relaying denied for this sender"},
		{dropID, "scheduled", "may have the message already"},
	} {
		// The outcome is recorded right after the answer; wait for it.
		deadline := time.Now().Add(smtptest.WaitTimeout)
		for {
			m := e.messages(t)[want.id]
			if m.Status == want.status && strings.Contains(m.LastError, want.words) && m.Attempts == 1 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s is %s (%q) after %d attempts, want %s naming %q", want.id, m.Status, m.LastError, m.Attempts, want.status, want.words)
			}
			d.waitLog(t, "delivery")
		}
	}
	for id, m := range e.messages(t) {
		if id != tempID && id != permID && id != dropID && m.Kind == "learn" && m.Status != "sent" {
			t.Errorf("%s is %s (%q), want sent", id, m.Status, m.LastError)
		}
	}

	// Still serving: a rejection recorded now plans a check-in that is
	// already due, and it goes out.
	e.mustRun(t, "apply", "--company", "Initech", "--role", "Developer")
	e.mustRun(t, "reject", "initech", "--at", time.Now().Add(-48*time.Hour).Format(time.RFC3339))
	if r := server.Next(t); !strings.Contains(r.Header("Subject"), "Initech") {
		t.Errorf("after the faults the daemon sent %q, want the Initech check-in", r.Header("Subject"))
	}
	d.signal(t, syscall.SIGTERM)
	if code := d.wait(t); code != 0 {
		t.Errorf("exit %d after SIGTERM; log:\n%s", code, d.logText())
	}
	if !strings.Contains(d.logText(), "retry") {
		t.Errorf("the log does not show the retries:\n%s", d.logText())
	}
}

// TestShutdownDrainsTheSendInFlight: SIGTERM or SIGINT while a message is
// on the wire lets the server answer; the daemon records the answer,
// hands back what it had claimed but not started, and exits 0.
func TestShutdownDrainsTheSendInFlight(t *testing.T) {
	t.Parallel()
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			t.Parallel()
			stall := make(chan struct{}, 1)
			stall <- struct{}{}
			server := smtptest.Start(t, smtptest.Script{Decide: func(cmd string, _ smtptest.Received) smtptest.Fault {
				if cmd != "DATA" {
					return smtptest.Fault{}
				}
				select {
				case <-stall:
					return smtptest.Fault{Stall: true}
				default:
					return smtptest.Fault{}
				}
			}})
			e := newEnv(t, server, "")
			planned := seed(t, e, 3)
			d := e.start(t)
			server.WaitStalled(t)
			d.signal(t, sig)
			server.Release()
			first := server.Next(t).MessageID()
			if code := d.wait(t); code != 0 {
				t.Fatalf("exit %d after %v; log:\n%s", code, sig, d.logText())
			}
			if !strings.Contains(d.logText(), "onward daemon stopped") {
				t.Errorf("no clean stop in the log:\n%s", d.logText())
			}
			ms := e.messages(t)
			if m := ms[first]; m.Status != "sent" {
				t.Errorf("the message in flight is %s (%q), want sent: its answer came during the drain", m.Status, m.LastError)
			}
			for id := range planned {
				m := ms[id]
				switch {
				case id == first:
				case m.Status == "sending":
					t.Errorf("%s is left claimed after a clean stop", id)
				case m.Status == "scheduled" && m.Attempts != 0:
					t.Errorf("%s was handed back with %d attempts, want 0: it never went out", id, m.Attempts)
				case m.Status != "scheduled" && m.Status != "sent":
					t.Errorf("%s is %s after a clean stop", id, m.Status)
				}
			}
			// Restarted, the daemon sends what it handed back, and nothing
			// twice.
			d = e.start(t)
			got := map[string]int{first: 1}
			for len(got) < len(planned) {
				got[server.Next(t).MessageID()]++
			}
			d.signal(t, syscall.SIGTERM)
			d.wait(t)
			for server.Pending() > 0 {
				got[server.Next(t).MessageID()]++
			}
			for id := range planned {
				if got[id] != 1 {
					t.Errorf("%s arrived %d times", id, got[id])
				}
			}
		})
	}
}

// TestShutdownGivesUpOnAStalledServer: the drain lasts at most 10 s; a
// send that is still waiting then is cut off and the message is scheduled
// again, not lost, and the daemon still exits 0.
func TestShutdownGivesUpOnAStalledServer(t *testing.T) {
	if testing.Short() {
		t.Skip("waits out the 10 s drain")
	}
	t.Parallel()
	server := smtptest.Start(t, smtptest.Script{Stall: "DATA", Times: 1})
	// A client timeout longer than the drain, so the drain is what ends it.
	e := newEnv(t, server, "")
	cfg, err := os.ReadFile(e.config)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(e.config, []byte(strings.Replace(string(cfg), `timeout = "5s"`, `timeout = "60s"`, 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	planned := seed(t, e, 1)
	d := e.start(t)
	server.WaitStalled(t)
	d.signal(t, syscall.SIGTERM)
	select {
	case <-d.done:
	case <-time.After(30 * time.Second):
		t.Fatalf("the daemon did not stop within the 10 s drain (and a margin); log:\n%s", d.logText())
	}
	if code := d.wait(t); code != 0 {
		t.Errorf("exit %d; log:\n%s", code, d.logText())
	}
	for id := range planned {
		if m := e.messages(t)[id]; m.Status != "scheduled" || m.LastError == "" {
			t.Errorf("the cut-off message is %s (%q), want scheduled again with the reason", m.Status, m.LastError)
		}
	}
}

// TestRestartCatchesUpAndExpiresWhatIsTooLate: while the daemon was down a
// rejection and an interview were recorded in the past. At start the
// check-in that is still timely goes out, the thank-you that would now be
// rude is expired with its reason, and the feedback request becomes a
// draft.
func TestRestartCatchesUpAndExpiresWhatIsTooLate(t *testing.T) {
	t.Parallel()
	server := smtptest.Start(t, smtptest.Script{})
	e := newEnv(t, server, "")
	d := e.start(t)
	d.waitLog(t, "onward daemon started")
	d.signal(t, syscall.SIGTERM)
	if code := d.wait(t); code != 0 {
		t.Fatalf("exit %d", code)
	}
	e.mustRun(t, "apply", "--company", "Initech", "--role", "Developer", "--recruiter", "bob@initech.example")
	e.mustRun(t, "apply", "--company", "Globex", "--role", "SRE", "--recruiter", "hank@globex.example")
	e.mustRun(t, "reject", "initech", "--at", time.Now().Add(-50*time.Hour).Format(time.RFC3339))
	e.mustRun(t, "interview", "globex", "--at", time.Now().Add(-80*time.Hour).Format(time.RFC3339))

	d = e.start(t)
	got := map[string]bool{}
	for len(got) < 2 { // learn, and the draft_ready of the feedback request
		got[server.Next(t).Header("Subject")] = true
	}
	d.signal(t, syscall.SIGTERM)
	d.wait(t)
	byKind := map[string]messageRow{}
	for _, m := range e.messages(t) {
		byKind[m.Kind] = m
	}
	for kind, want := range map[string]string{"learn": "sent", "feedback_request": "drafted",
		"status_check": "scheduled", "let_go": "scheduled", "stay_in_touch": "scheduled"} {
		if m := byKind[kind]; m.Status != want {
			t.Errorf("%s is %s (%q), want %s", kind, m.Status, m.LastError, want)
		}
	}
	// The interview was recorded 80 hours late: a thank-you then would
	// only be rude, so none was planned (the CLI said so).
	if m, ok := byKind["thank_you"]; ok {
		t.Errorf("a thank-you was planned for an interview 80 hours ago: %+v", m)
	}
	if server.Pending() != 0 {
		t.Errorf("more than the two expected emails went out")
	}
}

// TestSIGHUPWithABrokenConfigKeepsTheOldOne: a config that no longer
// parses is refused with its line; the daemon goes on with the old one.
// A valid one is taken.
func TestSIGHUPWithABrokenConfigKeepsTheOldOne(t *testing.T) {
	t.Parallel()
	server := smtptest.Start(t, smtptest.Script{})
	e := newEnv(t, server, "")
	good, err := os.ReadFile(e.config)
	if err != nil {
		t.Fatal(err)
	}
	d := e.start(t)
	d.waitLog(t, "onward daemon started")
	for _, broken := range []string{
		string(good) + "\n[smtp]\nbogus = 1\n",                                           // a duplicate table: not TOML
		strings.Replace(string(good), "[schedule]", "[schedule]\nsendwindow = \"x\"", 1), // an unknown key
		strings.Replace(string(good), `timezone = "Europe/Berlin"`, `timezone = "Mars/Olympus"`, 1),
	} {
		if err := os.WriteFile(e.config, []byte(broken), 0o600); err != nil {
			t.Fatal(err)
		}
		d.signal(t, syscall.SIGHUP)
		line := d.waitLog(t, "reload refused")
		if !strings.Contains(line, filepath.Base(e.config)) {
			t.Errorf("the refusal does not name the file: %s", line)
		}
	}
	// Still running on the old config. (The file is put back for the
	// CLI, without a SIGHUP: the daemon does not read it again.)
	if err := os.WriteFile(e.config, good, 0o600); err != nil {
		t.Fatal(err)
	}
	e.mustRun(t, "apply", "--company", "Initech", "--role", "Developer")
	e.mustRun(t, "reject", "initech", "--at", time.Now().Add(-48*time.Hour).Format(time.RFC3339))
	if r := server.Next(t); !strings.Contains(r.Header("From"), "Alex Morgan") {
		t.Errorf("after refused reloads the check-in is from %q", r.Header("From"))
	}
	// A valid change is taken.
	if err := os.WriteFile(e.config, []byte(strings.Replace(string(good), "Alex Morgan", "Alex M. Morgan", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	d.signal(t, syscall.SIGHUP)
	d.waitLog(t, "reloaded config and templates")
	d.signal(t, syscall.SIGTERM)
	if code := d.wait(t); code != 0 {
		t.Errorf("exit %d", code)
	}
}
