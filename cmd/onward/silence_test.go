package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestSilentApplicationGetsItsCheckInAndDraftThenNothingMore: an
// application with no word gets, no_reply after it was sent, one check-in
// to the user and one follow-up draft for the recruiter, and after them
// nothing more is planned for it, however often the daemon runs.
func TestSilentApplicationGetsItsCheckInAndDraftThenNothingMore(t *testing.T) {
	t.Parallel()
	e := silentEnv(t)
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}

	// Sent 13 days ago: both are due a day from now, 14 days after it.
	sent := time.Now().Add(-13 * 24 * time.Hour).Truncate(time.Second)
	apply(t, e, "--company", "Globex", "--role", "Data Engineer", "--recruiter", "Hank Scorpio <hank@globex.example>",
		"--at", sent.UTC().Format(time.RFC3339))
	wantDue := sent.In(berlin).AddDate(0, 0, 14).UTC()
	for _, kind := range []string{"no_reply", "application_follow_up"} {
		m := one(t, messages(t, e, "--app", "globex"), kind)
		if m.Status != "scheduled" || m.DueAt == nil {
			t.Fatalf("%s: %+v, want scheduled", kind, m)
		}
		due, err := time.Parse(time.RFC3339, *m.DueAt)
		if err != nil || !due.Equal(wantDue) {
			t.Errorf("%s due %v (%v), want %v: 14 days after applying", kind, *m.DueAt, err, wantDue)
		}
	}
	if out := must(t, e, "flush"); strings.Contains(out, "no_reply") || strings.Contains(out, "application_follow_up") {
		t.Errorf("flush a day early sent or drafted something:\n%s", out)
	}

	// Sent 15 days ago: due already, so the first flush brings them.
	apply(t, e, "--company", "Acme", "--role", "Platform Engineer", "--recruiter", "Dana Reyes <dana@acme.example>", "--at", ago(15*24*time.Hour))
	out := must(t, e, "flush")
	if !strings.Contains(out, "no_reply") || !strings.Contains(out, "application_follow_up") {
		t.Fatalf("flush did not bring the check-in and the draft:\n%s", out)
	}
	ms := messages(t, e, "--app", "acme")
	if m := one(t, ms, "no_reply"); m.Status != "sent" || m.Audience != "user" {
		t.Errorf("no_reply: %+v, want sent to the user", m)
	}
	draft := one(t, ms, "application_follow_up")
	if draft.Status != "drafted" || !strings.Contains(draft.To, "dana@acme.example") {
		t.Errorf("application_follow_up: %+v, want drafted to Dana", draft)
	}
	checkIn := outboxWith(t, e, "No word from Acme")
	for _, want := range []string{"Dana Reyes", "onward drafts", `onward close "Acme"`} {
		if !strings.Contains(checkIn, want) {
			t.Errorf("the check-in does not say %q:\n%s", want, checkIn)
		}
	}

	// The user sends the draft; more flushes plan nothing more for Acme.
	must(t, e, "drafts", "sent", strconv.FormatInt(draft.ID, 10))
	nothingMoreAfterFlushes(t, e, "acme", "the follow-up was sent")
}

// nothingMoreAfterFlushes runs the daemon's work twice and fails if the
// application got a message more or has one still pending: after says
// after what.
func nothingMoreAfterFlushes(t *testing.T, e *env, app, after string) {
	t.Helper()
	before := len(messages(t, e, "--app", app))
	for range 2 {
		must(t, e, "flush")
	}
	ms := messages(t, e, "--app", app)
	if len(ms) != before {
		t.Errorf("after %s, %d messages became %d: %+v", after, before, len(ms), ms)
	}
	for _, m := range ms {
		if m.Status == "scheduled" || m.Status == "drafted" {
			t.Errorf("a message pending after %s: %+v", after, m)
		}
	}
}

// TestReplyCancelsTheCheckForSilence: a reply, an interview or a
// withdrawal before no_reply cancels the check-in and the draft.
func TestReplyCancelsTheCheckForSilence(t *testing.T) {
	t.Parallel()
	for _, ev := range []string{"reply", "interview", "withdraw", "reject", "offer"} {
		t.Run(ev, func(t *testing.T) {
			t.Parallel()
			e := silentEnv(t)
			apply(t, e, "--company", "Acme", "--role", "Platform Engineer", "--recruiter", "Dana Reyes <dana@acme.example>", "--at", ago(3*24*time.Hour))
			must(t, e, ev, "acme", "--at", ago(24*time.Hour))
			ms := messages(t, e, "--app", "acme")
			for _, kind := range []string{"no_reply", "application_follow_up"} {
				if m := one(t, ms, kind); m.Status != "cancelled" {
					t.Errorf("%s after %s: %s, want cancelled", kind, ev, m.Status)
				}
			}
		})
	}
}

// TestNoReplyAddressGetsNoDraftAndEmptyDelaySwitchesItOff: a recruiter
// at a no-reply address gets no follow-up draft (the user still gets the
// check-in), and no_reply = "" plans neither.
func TestNoReplyAddressGetsNoDraftAndEmptyDelaySwitchesItOff(t *testing.T) {
	t.Parallel()
	e := silentEnv(t)
	apply(t, e, "--company", "Initech", "--role", "Platform Engineer", "--recruiter", "no-reply@initech.example")
	ms := messages(t, e, "--app", "initech")
	one(t, ms, "no_reply")
	if got := byKind(ms, "application_follow_up"); len(got) != 0 {
		t.Errorf("a draft to a no-reply address was planned: %+v", got)
	}

	off := newEnv(t) // no_reply = ""
	apply(t, off, "--company", "Acme", "--role", "Platform Engineer", "--recruiter", "dana@acme.example")
	if ms := messages(t, off, "--app", "acme"); len(ms) != 0 {
		t.Errorf("no_reply = \"\" still planned: %+v", ms)
	}
}

// silentEnv is newEnv with the check for silence at its default, 14 days.
func silentEnv(t *testing.T) *env {
	t.Helper()
	e := newEnv(t)
	e.writeConfig(t, e.config, e.baseConf().set("followups", "no_reply", q("14d")), 0o600)
	return e
}

// outboxWith returns the text of the one outbox message whose content
// holds s.
func outboxWith(t *testing.T, e *env, s string) string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(e.outbox, "*.eml"))
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), s) {
			found = append(found, string(b))
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d outbox messages hold %q, want 1", len(found), s)
	}
	return found[0]
}

// TestNoDraftToANoReplyAddressAndPlanSaysSo: with the recruiter at a
// no-reply address, an interview plans the thank-you to the interviewer
// who reads mail and nothing to the recruiter, and says what it dropped.
func TestNoDraftToANoReplyAddressAndPlanSaysSo(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	apply(t, e, "--company", "Initech", "--role", "SRE", "--recruiter", "no-reply@initech.example")
	out := must(t, e, "interview", "initech", "--at", ago(2*time.Hour), "--with", "Bill Lumbergh <bill@initech.example>")
	for _, want := range []string{"dropped thank_you", "dropped status_check", "no-reply@initech.example"} {
		if !strings.Contains(out, want) {
			t.Errorf("interview output does not say %q:\n%s", want, out)
		}
	}
	for _, m := range messages(t, e, "--app", "initech") {
		if m.Audience == "recruiter" && strings.Contains(m.To, "no-reply@") {
			t.Errorf("a draft to a no-reply address was planned: %+v", m)
		}
	}
	if ty := one(t, messages(t, e, "--app", "initech"), "thank_you"); !strings.Contains(ty.To, "bill@initech.example") {
		t.Errorf("the interviewer's thank-you went to %q", ty.To)
	}
}
