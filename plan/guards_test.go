package plan_test

import (
	"strings"
	"testing"
	"time"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/plan"
	"github.com/onward-app/onward/when"
)

// TestGuardOneDraftADay: a recruiter draft due on a day another draft to
// the same person is due moves to the next business day, at the start of
// the send window on their clock; a day free of them keeps its time, and
// another person's drafts take no day from them.
func TestGuardOneDraftADay(t *testing.T) {
	t.Parallel()
	p := planPolicy(t)
	p.OneADay = true
	newYork := specLoc(t, "America/New_York")
	dana := plan.Person{Name: "Dana", Email: "Dana@Acme.example"}
	// Tuesday 3 March 2026, 10:00-11:00 CET: the thank-you is due at
	// 14:00 CET (13:00 UTC), the status check a week on at 11:00 CET.
	ivAt, ivEnd := planUTC(3, 3, 9, 0), planUTC(3, 3, 10, 0)
	iv := plan.Event{Kind: onward.Interview, At: ivAt, End: ivEnd, Recruiter: dana}
	for _, tc := range []struct {
		name   string
		ev     plan.Event
		taken  map[string][]time.Time
		kind   onward.Kind
		want   time.Time
		guards bool // the guard moved it
	}{
		{"no other draft", iv, nil, onward.ThankYou, planUTC(3, 3, 13, 0), false},
		{"another application's draft to Dana that day: Wednesday 09:00 CET", iv,
			map[string][]time.Time{"dana@acme.example": {planUTC(3, 3, 8, 0)}}, onward.ThankYou, planUTC(3, 4, 8, 0), true},
		{"Wednesday taken too: Thursday", iv,
			map[string][]time.Time{"dana@acme.example": {planUTC(3, 3, 8, 0), planUTC(3, 4, 15, 0)}}, onward.ThankYou, planUTC(3, 5, 8, 0), true},
		{"a Friday taken skips the weekend", plan.Event{Kind: onward.Interview, At: planUTC(3, 6, 9, 0), End: planUTC(3, 6, 10, 0), Recruiter: dana},
			map[string][]time.Time{"dana@acme.example": {planUTC(3, 6, 7, 59)}}, onward.ThankYou, planUTC(3, 9, 8, 0), true},
		{"someone else's draft takes no day of Dana's", iv,
			map[string][]time.Time{"tom@acme.example": {planUTC(3, 3, 8, 0)}}, onward.ThankYou, planUTC(3, 3, 13, 0), false},
		{"the day is the recruiter's: 23:30 UTC Tuesday is Tuesday in New York",
			plan.Event{Kind: onward.Interview, At: ivAt, End: ivEnd, Recruiter: dana, RecruiterLocation: newYork},
			map[string][]time.Time{"dana@acme.example": {planUTC(3, 3, 23, 30)}}, onward.ThankYou, planUTC(3, 4, 14, 0), true}, // Wed 09:00 EST
		{"a status check a week on is on a free day", iv,
			map[string][]time.Time{"dana@acme.example": {planUTC(3, 3, 8, 0)}}, onward.StatusCheck, planUTC(3, 10, 10, 0), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ev := tc.ev
			ev.Taken = tc.taken
			now := ev.End
			before := len(tc.taken["dana@acme.example"])
			step := p.Plan(ev, now)
			if after := len(tc.taken["dana@acme.example"]); after != before {
				t.Errorf("the planner wrote to the caller's taken days: %d became %d", before, after)
			}
			m := findPlanned(t, step, tc.kind)
			if !m.DueAt.Equal(tc.want) {
				t.Errorf("%s due %v, want %v", tc.kind, m.DueAt, tc.want)
			}
			if (m.Guard != nil) != tc.guards {
				t.Errorf("guard move %+v, want moved %v", m.Guard, tc.guards)
			}
			if m.Guard != nil && !m.PlannedAt.Equal(m.DueAt) {
				t.Errorf("planned at %v, due %v: the guard's delay must not count toward staleness", m.PlannedAt, m.DueAt)
			}
			why, ok := p.ExplainTo(ev, tc.kind, "dana@acme.example", now)
			if !ok || !why.DueAt.Equal(tc.want) {
				t.Fatalf("Explain: %+v, %v; want due %v", why, ok, tc.want)
			}
			named := false
			for _, mv := range why.Moves {
				named = named || mv.Reason == plan.MovedOneADay
			}
			if named != tc.guards {
				t.Errorf("Explain's moves %+v name the guard: %v, want %v", why.Moves, named, tc.guards)
			}
		})
	}

	t.Run("each person's days are their own within one step", func(t *testing.T) {
		// Tom, the interviewer, has a draft due Tuesday; Dana, the
		// recruiter, has none: only Tom's thank-you moves.
		ev := iv
		ev.With = []plan.Person{{Name: "Tom", Email: "tom@acme.example"}}
		ev.Taken = map[string][]time.Time{"tom@acme.example": {planUTC(3, 3, 9, 0)}}
		step := p.Plan(ev, ivEnd)
		for _, m := range step.Schedule {
			if m.Kind != onward.ThankYou {
				continue
			}
			want := planUTC(3, 3, 13, 0) // Dana's day is free
			if m.To.Email == "tom@acme.example" {
				want = planUTC(3, 4, 8, 0)
			}
			if !m.DueAt.Equal(want) {
				t.Errorf("thank-you to %q due %v, want %v", m.To.Email, m.DueAt, want)
			}
		}
	})

	t.Run("a thank-you too late to send takes no day", func(t *testing.T) {
		// Recorded a week late: the thank-you is set aside as stale, and
		// the status check, due at once, keeps today.
		late := p
		late.Stale = map[onward.Kind]when.Delay{onward.ThankYou: {Days: 2}}
		ev := iv
		now := ivEnd.AddDate(0, 0, 8)
		step := late.Plan(ev, now)
		if len(step.Late) != 1 || step.Late[0].Kind != onward.ThankYou {
			t.Fatalf("late %+v, want the thank-you", step.Late)
		}
		if m := findPlanned(t, step, onward.StatusCheck); m.Guard != nil {
			t.Errorf("the status check moved for a thank-you never planned: %+v", m)
		}
	})

	t.Run("off", func(t *testing.T) {
		off := p
		off.OneADay = false
		ev := iv
		ev.Taken = map[string][]time.Time{"dana@acme.example": {planUTC(3, 3, 8, 0)}}
		if m := findPlanned(t, off.Plan(ev, ivEnd), onward.ThankYou); !m.DueAt.Equal(planUTC(3, 3, 13, 0)) || m.Guard != nil {
			t.Errorf("with the guard off the thank-you moved: %+v", m)
		}
	})
}

// TestGuardMaxUnanswered: a chasing draft (status check, application
// follow-up) is not planned once the application has as many unanswered
// ones out as the policy allows; other drafts are, and zero means no
// limit.
func TestGuardMaxUnanswered(t *testing.T) {
	t.Parallel()
	base := planPolicy(t)
	dana := plan.Person{Name: "Dana", Email: "dana@acme.example"}
	ivAt, ivEnd := planUTC(3, 3, 13, 0), planUTC(3, 3, 14, 0)
	for _, tc := range []struct {
		name       string
		max        int
		ev         plan.Event
		planned    []onward.Kind
		dropped    []onward.Kind
		unanswered int
	}{
		{"interview, none unanswered", 2, plan.Event{Kind: onward.Interview, At: ivAt, End: ivEnd, Recruiter: dana},
			kinds(onward.ThankYou, onward.StatusCheck), nil, 0},
		{"interview, one unanswered", 2, plan.Event{Kind: onward.Interview, At: ivAt, End: ivEnd, Recruiter: dana},
			kinds(onward.ThankYou, onward.StatusCheck), nil, 1},
		{"interview, two unanswered: no third status check, the thank-you stays", 2, plan.Event{Kind: onward.Interview, At: ivAt, End: ivEnd, Recruiter: dana},
			kinds(onward.ThankYou), kinds(onward.StatusCheck), 2},
		{"applied again after two unanswered: the check-in to the user stays", 2, plan.Event{Kind: onward.Applied, At: ivAt, Recruiter: dana},
			kinds(onward.NoReply), kinds(onward.ApplicationFollowUp), 2},
		{"a limit of one", 1, plan.Event{Kind: onward.Interview, At: ivAt, End: ivEnd, Recruiter: dana},
			kinds(onward.ThankYou), kinds(onward.StatusCheck), 1},
		{"zero is no limit", 0, plan.Event{Kind: onward.Interview, At: ivAt, End: ivEnd, Recruiter: dana},
			kinds(onward.ThankYou, onward.StatusCheck), nil, 9},
		{"a rejection's drafts do not chase", 2, plan.Event{Kind: onward.Rejected, At: ivAt, Recruiter: dana, Interviewed: true},
			kinds(onward.FeedbackRequest, onward.StayInTouch, onward.Learn, onward.LetGo), nil, 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := base
			p.MaxUnanswered = tc.max
			ev := tc.ev
			ev.Unanswered = tc.unanswered
			step := p.Plan(ev, ivEnd)
			var planned, dropped []onward.Kind
			for _, m := range step.Schedule {
				planned = append(planned, m.Kind)
			}
			for _, m := range step.Dropped {
				dropped = append(dropped, m.Kind)
				if m.Reason != plan.DroppedUnanswered {
					t.Errorf("dropped %s with reason %q, want the guard's", m.Kind, m.Reason)
				}
			}
			if !planSameSet(planned, tc.planned) || !planSameSet(dropped, tc.dropped) {
				t.Errorf("planned %v, dropped %v; want %v, %v", planned, dropped, tc.planned, tc.dropped)
			}
		})
	}
	if !strings.Contains(plan.DroppedUnanswered, "max_unanswered_followups") || !strings.Contains(plan.MovedOneADay, "one_draft_per_day") {
		t.Errorf("the guards' reasons do not name their keys: %q, %q", plan.DroppedUnanswered, plan.MovedOneADay)
	}
}

// TestQuietSince: an application is quiet once its last chasing draft
// has gone unanswered for QuietAfter; an answer after it, or a zero
// QuietAfter, means not quiet.
func TestQuietSince(t *testing.T) {
	t.Parallel()
	p := planPolicy(t)
	d, err := when.ParseDelay("14d")
	if err != nil {
		t.Fatal(err)
	}
	sent := planUTC(3, 2, 9, 0)
	for _, tc := range []struct {
		name        string
		after       when.Delay
		chase, last time.Time
		now         time.Time
		quiet       bool
	}{
		{"13 days on", d, sent, time.Time{}, sent.AddDate(0, 0, 13), false},
		{"14 days on", d, sent, time.Time{}, sent.AddDate(0, 0, 14), true},
		{"an answer before the follow-up does not count", d, sent, sent.Add(-time.Hour), sent.AddDate(0, 0, 20), true},
		{"an answer after it does", d, sent, sent.Add(time.Hour), sent.AddDate(0, 0, 20), false},
		{"no follow-up went out", d, time.Time{}, time.Time{}, sent.AddDate(0, 0, 20), false},
		{"switched off", when.Delay{}, sent, time.Time{}, sent.AddDate(0, 0, 99), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p.QuietAfter = tc.after
			since, ok := p.QuietSince(tc.chase, tc.last, tc.now)
			if ok != tc.quiet || ok && !since.Equal(tc.chase) {
				t.Errorf("QuietSince = %v, %v; want quiet %v since %v", since, ok, tc.quiet, tc.chase)
			}
		})
	}
}

func findPlanned(t *testing.T, st plan.Step, kind onward.Kind) plan.Planned {
	t.Helper()
	for _, m := range st.Schedule {
		if m.Kind == kind {
			return m
		}
	}
	t.Fatalf("no %s planned: %+v", kind, st)
	return plan.Planned{}
}

// TestGuardLeavesWithdrawalsAndDeclinesOnTheirDay: the guard of one draft
// a day does not hold back a note that tells the recruiter the user is no
// longer a candidate, even on a day another draft to them is due.
func TestGuardLeavesWithdrawalsAndDeclinesOnTheirDay(t *testing.T) {
	t.Parallel()
	p := planPolicy(t)
	p.OneADay = true
	dana := plan.Person{Name: "Dana", Email: "dana@acme.example"}
	at := planUTC(3, 3, 9, 0)
	for _, tc := range []struct {
		event onward.EventKind
		kind  onward.Kind
	}{
		{onward.AcceptedElsewhere, onward.Withdrawal},
		{onward.Declined, onward.Decline},
	} {
		t.Run(string(tc.kind), func(t *testing.T) {
			ev := plan.Event{Kind: tc.event, At: at, Recruiter: dana, PersonKnown: true}
			free := findPlanned(t, p.Plan(ev, at), tc.kind)
			ev.Taken = map[string][]time.Time{"dana@acme.example": {free.DueAt.Add(-time.Minute)}}
			got := findPlanned(t, p.Plan(ev, at), tc.kind)
			if !got.DueAt.Equal(free.DueAt) || got.Guard != nil {
				t.Errorf("%s on a day taken: due %v (guard %+v), want %v, unmoved", tc.kind, got.DueAt, got.Guard, free.DueAt)
			}
		})
	}
	if !plan.Paced(onward.StatusCheck) || !plan.Paced(onward.ThankYou) || plan.Paced(onward.Withdrawal) {
		t.Error("Paced: a status check and a thank-you are paced, a withdrawal is not")
	}
}
