package plan_test

import (
	"strings"
	"testing"
	"time"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/plan"
	"github.com/onward-app/onward/when"
)

// TestExplainAgreesWithPlan: the explanation's time is the planned time,
// for every kind every event plans, so `onward plan` never tells a story
// the planner did not follow.
func TestExplainAgreesWithPlan(t *testing.T) {
	t.Parallel()
	p := planPolicy(t)
	p.Prep, p.PrepOn = prepRule(t, "18:00 the day before"), true
	newYork := specLoc(t, "America/New_York")
	// Tuesday 3 March 2026, 14:00-15:00 CET; a Friday rejection.
	ivAt, ivEnd := planUTC(3, 3, 13, 0), planUTC(3, 3, 14, 0)
	for _, tc := range []struct {
		name string
		ev   plan.Event
		now  time.Time
	}{
		{"interview recorded after it", plan.Event{Kind: onward.Interview, At: ivAt, End: ivEnd}, ivEnd.Add(time.Hour)},
		{"interview ahead, recruiter in New York", plan.Event{Kind: onward.Interview, At: ivAt, End: ivEnd, RecruiterLocation: newYork}, ivAt.Add(-72 * time.Hour)},
		{"interview recorded a week late", plan.Event{Kind: onward.Interview, At: ivAt, End: ivEnd}, ivEnd.Add(7 * 24 * time.Hour)},
		{"rejection on a Friday evening", plan.Event{Kind: onward.Rejected, At: planUTC(3, 6, 19, 30)}, planUTC(3, 6, 19, 30)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			for _, m := range p.Times(tc.ev, tc.now).Schedule {
				why, ok := p.Explain(tc.ev, m.Kind, tc.now)
				if !ok {
					t.Fatalf("%s: no explanation for a planned message", m.Kind)
				}
				if !why.DueAt.Equal(m.DueAt) {
					t.Errorf("%s: explained %s, planned %s", m.Kind, why.DueAt, m.DueAt)
				}
				if n := len(why.Moves); n > 0 && !why.Moves[n-1].To.Equal(m.DueAt) {
					t.Errorf("%s: the last move ends at %s, not at the due time %s", m.Kind, why.Moves[n-1].To, m.DueAt)
				}
			}
		})
	}
}

// TestExplainReasons: each rule that moves a time is named, and only
// those that moved it.
func TestExplainReasons(t *testing.T) {
	t.Parallel()
	p := planPolicy(t)
	newYork := specLoc(t, "America/New_York")
	ivAt, ivEnd := planUTC(3, 3, 13, 0), planUTC(3, 3, 14, 0) // Tue 14:00-15:00 CET
	tests := []struct {
		name     string
		ev       plan.Event
		kind     onward.Kind
		now      time.Time
		from     string
		want     []string // substrings of the moves' reasons, in order
		wantZone string
	}{
		{"thank-you at 18:00 CET is after the window", plan.Event{Kind: onward.Interview, At: ivAt, End: ivEnd}, onward.ThankYou, ivEnd,
			"the interview's end", []string{"send window * 9-17 * * MON-FRI (your zone, Europe/Berlin)"}, ""},
		{"thank-you at 12:00 in New York fits its window", plan.Event{Kind: onward.Interview, At: ivAt, End: ivEnd, RecruiterLocation: newYork}, onward.ThankYou, ivEnd,
			"the interview's end", nil, "America/New_York"},
		{"status check a week later, inside the window", plan.Event{Kind: onward.Interview, At: ivAt, End: ivEnd}, onward.StatusCheck, ivEnd,
			"the interview's end", nil, ""},
		{"learn note a day after a 22:30 rejection is in the quiet hours", plan.Event{Kind: onward.Rejected, At: planUTC(3, 6, 21, 30)}, onward.Learn, planUTC(3, 6, 21, 30),
			"the event", []string{"quiet hours 21:00-08:00 (Europe/Berlin)"}, ""},
		{"an interview recorded a week late", plan.Event{Kind: onward.Interview, At: ivAt, End: ivEnd}, onward.ThankYou, planUTC(3, 10, 12, 0),
			"the interview's end", []string{plan.MovedLate}, ""},
		{"recorded late on a Saturday: due at once, then Monday's window", plan.Event{Kind: onward.Interview, At: ivAt, End: ivEnd}, onward.ThankYou, planUTC(3, 7, 12, 0),
			"the interview's end", []string{plan.MovedLate, "send window"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			why, ok := p.Explain(tt.ev, tt.kind, tt.now)
			if !ok {
				t.Fatal("no explanation")
			}
			if why.From != tt.from || why.Zone != tt.wantZone || why.Delay != p.Delays[tt.kind].String() {
				t.Errorf("from %q zone %q delay %q; want %q %q %q", why.From, why.Zone, why.Delay, tt.from, tt.wantZone, p.Delays[tt.kind])
			}
			if len(why.Moves) != len(tt.want) {
				t.Fatalf("moves %+v, want %d matching %q", why.Moves, len(tt.want), tt.want)
			}
			for i, w := range tt.want {
				if !strings.Contains(why.Moves[i].Reason, w) {
					t.Errorf("move %d: %q does not say %q", i, why.Moves[i].Reason, w)
				}
			}
		})
	}
	if _, ok := p.Explain(plan.Event{Kind: onward.Reply, At: ivAt}, onward.ThankYou, ivAt); ok {
		t.Error("a reply plans no thank-you, yet it was explained")
	}
}

func prepRule(t *testing.T, s string) when.PrepRule {
	t.Helper()
	r, _, err := when.ParsePrep(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
