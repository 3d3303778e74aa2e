package deliver_test

import (
	"testing"
	"time"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/deliver"
	"github.com/onward-app/onward/internal/smtptest"
	"github.com/onward-app/onward/plan"
	"github.com/onward-app/onward/store"
	"github.com/onward-app/onward/tracker"
	"github.com/onward-app/onward/when"
)

// TestRetimeKeepsOneDraftADay: the daemon's re-timing (at start and on
// SIGHUP) plans each draft again under the guard of one draft a day to a
// recruiter: three status checks to one recruiter, planned on three
// business days, stay on three days when a reload moves their delay, and
// a re-time with nothing changed moves nothing.
func TestRetimeKeepsOneDraftADay(t *testing.T) {
	t.Parallel()
	b := setup(t, smtptest.Script{})
	window, err := when.ParseSpec("* 9-17 * * MON-FRI")
	if err != nil {
		t.Fatal(err)
	}
	delays := map[onward.Kind]when.Delay{onward.ThankYou: {Clock: 3 * time.Hour}, onward.StatusCheck: {BusinessDays: 5}}
	p := plan.Policy{Location: berlin, Window: window, Quiet: quiet(t, "21:00-08:00"), Delays: delays, OneADay: true}
	tr := tracker.New(b.store, p, b.user)
	b.at(time.March, 2, 8, 0) // Monday
	for _, company := range []string{"Acme", "Globex", "Initech"} {
		a, err := tr.Apply(b.ctx, tracker.NewApplication{Company: company, Role: "SRE", Recruiter: "Dana Reyes <dana@agency.example>"})
		if err != nil {
			t.Fatal(err)
		}
		// Monday 10:00-11:00: thank-yous from 14:00, status checks a week on.
		at := time.Date(2026, 3, 2, 10, 0, 0, 0, berlin)
		if _, err := tr.Interview(b.ctx, a.ID, at, time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	b.at(time.March, 2, 12, 0)
	days := func() map[string]int64 {
		t.Helper()
		seen := map[string]int64{}
		for _, m := range b.messages(t, store.MessageFilter{Status: onward.StatusScheduled}) {
			if m.Audience != onward.Recruiter {
				continue
			}
			day := m.DueAt.In(berlin).Format("Mon 2006-01-02")
			if other, ok := seen[day]; ok {
				t.Errorf("drafts %d and %d to Dana both fall due on %s", other, m.ID, day)
			}
			if wd := m.DueAt.In(berlin).Weekday(); wd == time.Saturday || wd == time.Sunday {
				t.Errorf("draft %d (%s) falls due on a %s", m.ID, m.Kind, wd)
			}
			seen[day] = m.ID
		}
		return seen
	}
	if got := len(days()); got != 6 {
		t.Fatalf("%d days hold Dana's six drafts, want six", got)
	}
	// A reload with the same policy moves nothing.
	if n, err := deliver.Retime(b.ctx, b.store, p, b.clock.Now()); err != nil || n != 0 {
		t.Errorf("re-time under the same policy moved %d (%v), want 0", n, err)
	}
	// A reload that brings the status checks a day earlier: each moves,
	// still one a day.
	sooner := p
	sooner.Delays = map[onward.Kind]when.Delay{onward.ThankYou: {Clock: 3 * time.Hour}, onward.StatusCheck: {BusinessDays: 4}}
	if _, err := deliver.Retime(b.ctx, b.store, sooner, b.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if got := len(days()); got != 6 {
		t.Errorf("after the reload %d days hold Dana's six drafts, want six", got)
	}
	// With the guard off, the three status checks fall on one day.
	off := sooner
	off.OneADay = false
	if _, err := deliver.Retime(b.ctx, b.store, off, b.clock.Now()); err != nil {
		t.Fatal(err)
	}
	checks := map[string]int{}
	for _, m := range b.messages(t, store.MessageFilter{Kind: onward.StatusCheck}) {
		checks[m.DueAt.In(berlin).Format("2006-01-02")]++
	}
	if len(checks) != 1 {
		t.Errorf("with the guard off the status checks fall on %v, want one day", checks)
	}
}
