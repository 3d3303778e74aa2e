package main

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// quietNow returns quiet hours that hold now, on Berlin's clock (the test
// config's zone), from an hour ago to two hours ahead.
func quietNow(t *testing.T) string {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().In(loc)
	return fmt.Sprintf("%s-%s", now.Add(-time.Hour).Format("15:04"), now.Add(2*time.Hour).Format("15:04"))
}

// heldNotice sets up a drafted thank-you whose draft_ready notice is held
// back by quiet hours, and returns the draft's id.
func heldNotice(t *testing.T) (*env, string) {
	t.Helper()
	e := newEnv(t)
	e.writeConfig(t, e.config, e.baseConf().set("schedule", "quiet_hours", q(quietNow(t))), 0o600)
	apply(t, e, "--company", "Acme", "--role", "Platform Engineer", "--recruiter", "Dana Reyes <dana@acme.example>")
	must(t, e, "interview", "acme", "--at", ago(48*time.Hour))
	must(t, e, "flush")
	ms := messages(t, e)
	if n := one(t, ms, "draft_ready"); n.Status != "scheduled" {
		t.Fatalf("the notice is %s, want scheduled (held by quiet hours)", n.Status)
	}
	return e, itoa(one(t, ms, "thank_you").ID)
}

// A notice held back while its draft leaves "drafted" is cancelled with
// it, whichever command moved the draft: it must never tell the user to
// send a draft that is gone.
func TestNoticeFollowsItsDraft(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		args   func(id string) []string
		status string // of the draft afterwards
	}{
		{"discarded", func(id string) []string { return []string{"drafts", "discard", id} }, "discarded"},
		{"cancelled by a withdrawal", func(string) []string { return []string{"withdraw", "acme"} }, "cancelled"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e, id := heldNotice(t)
			must(t, e, tc.args(id)...)
			ms := messages(t, e)
			if d := one(t, ms, "thank_you"); d.Status != tc.status {
				t.Fatalf("the draft is %s, want %s", d.Status, tc.status)
			}
			n := one(t, ms, "draft_ready")
			if n.Status != "cancelled" || !strings.Contains(n.LastError, "draft "+id+" was "+tc.status) {
				t.Errorf("the notice is %s (%q), want cancelled saying the draft was %s", n.Status, n.LastError, tc.status)
			}
		})
	}
}
