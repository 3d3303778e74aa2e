package e2e

import (
	"encoding/json"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/onward-app/onward/internal/smtptest"
)

// learnMessage reads the learn check-in from `onward messages --json`.
func learnMessage(t *testing.T, e *env) (id int64, due time.Time, messageID string) {
	t.Helper()
	var msgs []struct {
		ID        int64   `json:"id"`
		Kind      string  `json:"kind"`
		Status    string  `json:"status"`
		DueAt     *string `json:"due_at"`
		MessageID string  `json:"message_id"`
	}
	if err := json.Unmarshal([]byte(e.mustRun(t, "messages", "--json")), &msgs); err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		if m.Kind == "learn" {
			if m.Status != "scheduled" || m.DueAt == nil {
				t.Fatalf("learn check-in is %s, want scheduled", m.Status)
			}
			due, err := time.Parse(time.RFC3339, *m.DueAt)
			if err != nil {
				t.Fatal(err)
			}
			return m.ID, due, m.MessageID
		}
	}
	t.Fatal("no learn check-in in `onward messages`")
	return 0, time.Time{}, ""
}

func (e *env) edit(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(e.config)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), from) {
		t.Fatalf("config has no %q", from)
	}
	if err := os.WriteFile(e.config, []byte(strings.Replace(string(b), from, to, 1)), 0o600); err != nil {
		t.Fatal(err)
	}
}

// A learn check-in planned for 08:00 Berlin, the end of the quiet hours,
// is due 08:00 Los Angeles once the zone is switched and the daemon
// reloaded, with its id and Message-ID; a change made while the daemon
// is down is applied when it starts.
func TestReloadRetimesPendingCheckIns(t *testing.T) {
	t.Parallel()
	server := smtptest.Start(t, smtptest.Script{})
	e := newEnv(t, server, "")
	e.edit(t, `quiet_hours = ""`, `quiet_hours = "21:00-08:00"`)
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	la, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		t.Fatal(err)
	}
	// Rejected at the last 05:30 UTC: a day later is inside the quiet
	// hours in Berlin (06:30 or 07:30) and in Los Angeles (21:30 or 22:30).
	now := time.Now().UTC()
	rejected := time.Date(now.Year(), now.Month(), now.Day(), 5, 30, 0, 0, time.UTC)
	if rejected.After(now) {
		rejected = rejected.AddDate(0, 0, -1)
	}
	e.mustRun(t, "apply", "--company", "Initech", "--role", "Platform Engineer")
	e.mustRun(t, "reject", "initech", "--at", rejected.Format(time.RFC3339))
	id, due, messageID := learnMessage(t, e)
	b := rejected.In(berlin)
	if want := time.Date(b.Year(), b.Month(), b.Day()+1, 8, 0, 0, 0, berlin); !due.Equal(want) {
		t.Fatalf("learn planned for %v, want %v", due.In(berlin), want)
	}

	d := e.start(t)
	d.waitLog(t, "onward daemon started")
	e.edit(t, `timezone = "Europe/Berlin"`, `timezone = "America/Los_Angeles"`)
	d.signal(t, syscall.SIGHUP)
	d.waitLog(t, "pending messages re-timed")
	gotID, due, gotMID := learnMessage(t, e)
	l := rejected.In(la) // 21:30 or 22:30 the evening before
	if want := time.Date(l.Year(), l.Month(), l.Day()+2, 8, 0, 0, 0, la); !due.Equal(want) {
		t.Errorf("after the reload learn is due %v, want %v", due.In(la), want)
	}
	if gotID != id || gotMID != messageID {
		t.Errorf("re-timed learn is message %d %s, was %d %s", gotID, gotMID, id, messageID)
	}
	// The table says so on the user's new clock.
	for _, line := range strings.Split(e.mustRun(t, "messages"), "\n") {
		if strings.Contains(line, " learn ") && !strings.Contains(line, due.In(la).Format("Mon 2 Jan 2006 15:04 MST")) {
			t.Errorf("`onward messages` shows %q, want learn due %s", line, due.In(la).Format("Mon 2 Jan 2006 15:04 MST"))
		}
	}
	d.signal(t, syscall.SIGTERM)
	if code := d.wait(t); code != 0 {
		t.Fatalf("exit %d after SIGTERM", code)
	}

	// Changed while the daemon is down: applied when it starts.
	e.edit(t, `quiet_hours = "21:00-08:00"`, `quiet_hours = "23:00-08:00"`)
	d = e.start(t)
	d.waitLog(t, "pending messages re-timed")
	_, due, _ = learnMessage(t, e)
	if want := time.Date(l.Year(), l.Month(), l.Day()+1, l.Hour(), l.Minute(), 0, 0, la); !due.Equal(want) {
		t.Errorf("after a restart with shorter quiet hours learn is due %v, want %v", due.In(la), want)
	}
	d.signal(t, syscall.SIGTERM)
	d.wait(t)
}
