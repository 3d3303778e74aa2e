package plan_test

import (
	"slices"
	"testing"
	"time"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/plan"
	"github.com/onward-app/onward/when"
)

// planPolicy is the default policy of config.Default for a user in Berlin,
// with prep notes off (prep_test.go covers them).
func planPolicy(t *testing.T) plan.Policy {
	t.Helper()
	delays := map[onward.Kind]when.Delay{}
	for kind, s := range map[onward.Kind]string{
		onward.ThankYou:            "3h",
		onward.StatusCheck:         "7d",
		onward.FeedbackRequest:     "1d",
		onward.StayInTouch:         "45d",
		onward.Learn:               "1d",
		onward.LetGo:               "7d",
		onward.NoReply:             "14d",
		onward.ApplicationFollowUp: "14d",
	} {
		d, err := when.ParseDelay(s)
		if err != nil {
			t.Fatal(err)
		}
		delays[kind] = d
	}
	q, err := when.ParseQuietHours("21:00-08:00")
	if err != nil {
		t.Fatal(err)
	}
	return plan.Policy{
		Location: specLoc(t, "Europe/Berlin"),
		Window:   specMust(t, "* 9-17 * * MON-FRI"),
		Quiet:    q,
		Delays:   delays,
	}
}

func planUTC(mo time.Month, d, h, m int) time.Time {
	return time.Date(2026, mo, d, h, m, 0, 0, time.UTC)
}

// planAllPending is every kind an application can have pending.
var planAllPending = []onward.Kind{
	onward.ThankYou, onward.StatusCheck, onward.FeedbackRequest, onward.StayInTouch, onward.FeedbackThanks,
	onward.Withdrawal, onward.Decline,
	onward.Learn, onward.LetGo, onward.Prep, onward.FeedbackReceived,
	onward.OfferDeadline, onward.Congratulations, onward.OfferWithdrawnNote,
	onward.NoReply, onward.ApplicationFollowUp,
}

// planInterviewCancels: a new interview replaces the previous one's plan.
var planInterviewCancels = []onward.Kind{onward.ThankYou, onward.StatusCheck, onward.Prep, onward.NoReply, onward.ApplicationFollowUp}

func TestAudienceOf(t *testing.T) {
	t.Parallel()
	tests := map[onward.Kind]onward.Audience{
		onward.ThankYou:           onward.Recruiter,
		onward.StatusCheck:        onward.Recruiter,
		onward.FeedbackRequest:    onward.Recruiter,
		onward.StayInTouch:        onward.Recruiter,
		onward.Learn:              onward.User,
		onward.LetGo:              onward.User,
		onward.Digest:             onward.User,
		onward.DraftReady:         onward.User,
		onward.Prep:               onward.User,
		onward.Withdrawal:         onward.Recruiter,
		onward.Decline:            onward.Recruiter,
		onward.OfferDeadline:      onward.User,
		onward.Congratulations:    onward.User,
		onward.OfferWithdrawnNote: onward.User,
	}
	for kind, want := range tests {
		if got := kind.Audience(); got != want {
			t.Errorf("AudienceOf(%s) = %s, want %s", kind, got, want)
		}
	}
}

func TestPolicyPlan(t *testing.T) {
	t.Parallel()
	berlin := specLoc(t, "Europe/Berlin")
	newYork := specLoc(t, "America/New_York")
	// Tuesday 3 March 2026, 14:00-15:00 CET.
	ivAt, ivEnd := planUTC(3, 3, 13, 0), planUTC(3, 3, 14, 0)
	// Friday 6 March 2026, 10:00 CET.
	rejAt := planUTC(3, 6, 9, 0)
	tests := []struct {
		name       string
		ev         plan.Event
		now        time.Time
		wantCancel []onward.Kind
		want       []plan.Planned
	}{
		{
			name:       "interview, recruiter zone unknown: thank-you at 18:00 CET moves to the next morning",
			ev:         plan.Event{Kind: onward.Interview, At: ivAt, End: ivEnd},
			now:        ivEnd.Add(time.Hour),
			wantCancel: planInterviewCancels,
			want: []plan.Planned{
				{Kind: onward.ThankYou, DueAt: planUTC(3, 4, 8, 0)},      // Wed 09:00 CET
				{Kind: onward.StatusCheck, DueAt: planUTC(3, 10, 14, 0)}, // Tue 15:00 CET
			},
		},
		{
			name:       "interview, recruiter in New York: 12:00 EST is inside their window; 7d is a New York calendar week across their DST",
			ev:         plan.Event{Kind: onward.Interview, At: ivAt, End: ivEnd, RecruiterLocation: newYork},
			now:        ivEnd.Add(time.Hour),
			wantCancel: planInterviewCancels,
			want: []plan.Planned{
				{Kind: onward.ThankYou, DueAt: planUTC(3, 3, 17, 0)},     // Tue 12:00 EST
				{Kind: onward.StatusCheck, DueAt: planUTC(3, 10, 13, 0)}, // Tue 09:00 EDT
			},
		},
		{
			name:       "interview without an end counts from its start",
			ev:         plan.Event{Kind: onward.Interview, At: ivAt},
			now:        ivAt,
			wantCancel: planInterviewCancels,
			want: []plan.Planned{
				{Kind: onward.ThankYou, DueAt: planUTC(3, 3, 16, 0)},     // 17:00 CET, last window hour
				{Kind: onward.StatusCheck, DueAt: planUTC(3, 10, 13, 0)}, // 14:00 CET
			},
		},
		{
			name:       "interview recorded a day late: the thank-you is clamped to now (20:00) and moved into the window",
			ev:         plan.Event{Kind: onward.Interview, At: ivAt, End: ivEnd},
			now:        planUTC(3, 4, 19, 0), // Wed 20:00 CET
			wantCancel: planInterviewCancels,
			want: []plan.Planned{
				{Kind: onward.ThankYou, DueAt: planUTC(3, 5, 8, 0)}, // Thu 09:00 CET
				{Kind: onward.StatusCheck, DueAt: planUTC(3, 10, 14, 0)},
			},
		},
		{
			name:       "interview recorded late, now inside the window: the thank-you is due now",
			ev:         plan.Event{Kind: onward.Interview, At: ivAt, End: ivEnd},
			now:        planUTC(3, 4, 10, 17).Add(23 * time.Second), // Wed 11:17:23 CET
			wantCancel: planInterviewCancels,
			want: []plan.Planned{
				{Kind: onward.ThankYou, DueAt: planUTC(3, 4, 10, 17).Add(23 * time.Second)},
				{Kind: onward.StatusCheck, DueAt: planUTC(3, 10, 14, 0)},
			},
		},
		{
			name:       "reject on a Friday, recruiter zone unknown",
			ev:         plan.Event{Kind: onward.Rejected, At: rejAt, Interviewed: true},
			now:        rejAt,
			wantCancel: planAllPending,
			want: []plan.Planned{
				{Kind: onward.FeedbackRequest, DueAt: planUTC(3, 9, 8, 0)}, // Sat 10:00 → Mon 09:00 CET
				{Kind: onward.StayInTouch, DueAt: planUTC(4, 20, 8, 0)},    // Mon 20 Apr 10:00 CEST
				{Kind: onward.Learn, DueAt: planUTC(3, 7, 9, 0)},           // Sat 10:00 CET
				{Kind: onward.LetGo, DueAt: planUTC(3, 13, 9, 0)},          // Fri 10:00 CET
			},
		},
		{
			name:       "reject, recruiter in New York: drafts in their window, check-ins on the user's clock",
			ev:         plan.Event{Kind: onward.Rejected, At: rejAt, RecruiterLocation: newYork, Interviewed: true},
			now:        rejAt,
			wantCancel: planAllPending,
			want: []plan.Planned{
				{Kind: onward.FeedbackRequest, DueAt: planUTC(3, 9, 13, 0)}, // Mon 09:00 EDT
				{Kind: onward.StayInTouch, DueAt: planUTC(4, 20, 13, 0)},    // Mon 20 Apr 04:00 → 09:00 EDT
				{Kind: onward.Learn, DueAt: planUTC(3, 7, 9, 0)},
				{Kind: onward.LetGo, DueAt: planUTC(3, 13, 9, 0)},
			},
		},
		{
			name:       "reject late in the evening: check-ins wait for the end of the quiet hours",
			ev:         plan.Event{Kind: onward.Rejected, At: planUTC(3, 6, 21, 30), Interviewed: true}, // Fri 22:30 CET
			now:        planUTC(3, 6, 21, 30),
			wantCancel: planAllPending,
			want: []plan.Planned{
				{Kind: onward.FeedbackRequest, DueAt: planUTC(3, 9, 8, 0)},
				{Kind: onward.StayInTouch, DueAt: planUTC(4, 21, 7, 0)}, // Mon 20 Apr 22:30 → Tue 09:00 CEST
				{Kind: onward.Learn, DueAt: planUTC(3, 8, 7, 0)},        // Sun 08:00 CET
				{Kind: onward.LetGo, DueAt: planUTC(3, 14, 7, 0)},       // Sat 08:00 CET
			},
		},
		{
			name:       "reject recorded late, now in the quiet hours: past check-ins fall due now, then wait for 08:00",
			ev:         plan.Event{Kind: onward.Rejected, At: planUTC(3, 2, 9, 0), Interviewed: true}, // Mon 10:00 CET
			now:        planUTC(3, 4, 21, 0),                                                          // Wed 22:00 CET
			wantCancel: planAllPending,
			want: []plan.Planned{
				{Kind: onward.FeedbackRequest, DueAt: planUTC(3, 5, 8, 0)}, // Thu 09:00 CET
				{Kind: onward.StayInTouch, DueAt: planUTC(4, 16, 8, 0)},    // Thu 16 Apr 10:00 CEST
				{Kind: onward.Learn, DueAt: planUTC(3, 5, 7, 0)},           // Thu 08:00 CET
				{Kind: onward.LetGo, DueAt: planUTC(3, 9, 9, 0)},           // Mon 10:00 CET
			},
		},
		{
			name:       "reply cancels the status check and what silence planned, nothing else",
			ev:         plan.Event{Kind: onward.Reply, At: rejAt},
			now:        rejAt,
			wantCancel: []onward.Kind{onward.StatusCheck, onward.NoReply, onward.ApplicationFollowUp},
		},
		{
			name:       "offer cancels the status check, any prep note and what silence planned, nothing else",
			ev:         plan.Event{Kind: onward.Offer, At: rejAt},
			now:        rejAt,
			wantCancel: []onward.Kind{onward.StatusCheck, onward.Prep, onward.OfferDeadline, onward.NoReply, onward.ApplicationFollowUp},
		},
		{
			name: "offer with a deadline on Friday 20 March: the reminder is at 18:00 CET the day before",
			ev:   plan.Event{Kind: onward.Offer, At: rejAt, End: planUTC(3, 20, 22, 59)}, // 23:59 CET
			now:  rejAt, wantCancel: []onward.Kind{onward.StatusCheck, onward.Prep, onward.OfferDeadline, onward.NoReply, onward.ApplicationFollowUp},
			want: []plan.Planned{{Kind: onward.OfferDeadline, DueAt: planUTC(3, 19, 17, 0)}},
		},
		{
			name: "offer recorded at 23:00 CET the evening before its deadline: the reminder waits for 08:00, still before the deadline",
			ev:   plan.Event{Kind: onward.Offer, At: planUTC(3, 19, 22, 0), End: planUTC(3, 20, 22, 59)},
			now:  planUTC(3, 19, 22, 0), wantCancel: []onward.Kind{onward.StatusCheck, onward.Prep, onward.OfferDeadline, onward.NoReply, onward.ApplicationFollowUp},
			want: []plan.Planned{{Kind: onward.OfferDeadline, DueAt: planUTC(3, 20, 7, 0)}},
		},
		{
			name: "offer recorded after its deadline's last waking hour: no reminder",
			ev:   plan.Event{Kind: onward.Offer, At: planUTC(3, 20, 21, 0), End: planUTC(3, 20, 22, 59)},
			now:  planUTC(3, 20, 21, 0), wantCancel: []onward.Kind{onward.StatusCheck, onward.Prep, onward.OfferDeadline, onward.NoReply, onward.ApplicationFollowUp},
		},
		{
			name: "accept ends the hunt: everything cancelled, a congratulations to the user now",
			ev:   plan.Event{Kind: onward.Accepted, At: rejAt},
			now:  rejAt, wantCancel: planAllPending,
			want: []plan.Planned{{Kind: onward.Congratulations, DueAt: rejAt}},
		},
		{
			name: "another application closed by an acceptance, recruiter known: a withdrawal draft in the send window",
			ev:   plan.Event{Kind: onward.AcceptedElsewhere, At: planUTC(3, 6, 18, 0), PersonKnown: true}, // Fri 19:00 CET
			now:  planUTC(3, 6, 18, 0), wantCancel: planAllPending,
			want: []plan.Planned{{Kind: onward.Withdrawal, DueAt: planUTC(3, 9, 8, 0)}}, // Mon 09:00 CET
		},
		{
			name: "another application closed by an acceptance, no one who may answer: cancelled, no draft",
			ev:   plan.Event{Kind: onward.AcceptedElsewhere, At: rejAt},
			now:  rejAt, wantCancel: planAllPending,
		},
		{
			name: "decline: everything cancelled, a decline draft",
			ev:   plan.Event{Kind: onward.Declined, At: rejAt},
			now:  rejAt, wantCancel: planAllPending,
			want: []plan.Planned{{Kind: onward.Decline, DueAt: rejAt}},
		},
		{
			name: "an offer withdrawn by the employer: everything cancelled, a note to the user, out of the quiet hours",
			ev:   plan.Event{Kind: onward.OfferWithdrawn, At: planUTC(3, 6, 22, 0)},
			now:  planUTC(3, 6, 22, 0), wantCancel: planAllPending,
			want: []plan.Planned{{Kind: onward.OfferWithdrawnNote, DueAt: planUTC(3, 7, 7, 0)}},
		},
		{
			name:       "withdraw cancels everything and plans nothing",
			ev:         plan.Event{Kind: onward.Withdrawn, At: rejAt},
			now:        rejAt,
			wantCancel: planAllPending,
		},
		{
			name: "applying with a recruiter's address plans a check-in and a follow-up draft two weeks on",
			ev:   plan.Event{Kind: onward.Applied, At: rejAt, Recruiter: plan.Person{Name: "Maria Lopez", Email: "maria@acme.example"}},
			now:  rejAt,
			want: []plan.Planned{
				{Kind: onward.NoReply, DueAt: planUTC(3, 20, 9, 0)},             // Fri 10:00 CET
				{Kind: onward.ApplicationFollowUp, DueAt: planUTC(3, 20, 9, 0)}, // inside the window
			},
		},
		{
			name: "applying with no recruiter address plans the check-in alone",
			ev:   plan.Event{Kind: onward.Applied, At: rejAt},
			now:  rejAt,
			want: []plan.Planned{{Kind: onward.NoReply, DueAt: planUTC(3, 20, 9, 0)}},
		},
		{
			name: "applying through a no-reply address plans the check-in alone",
			ev:   plan.Event{Kind: onward.Applied, At: rejAt, Recruiter: plan.Person{Email: "no-reply@jobs.acme.example"}},
			now:  rejAt,
			want: []plan.Planned{{Kind: onward.NoReply, DueAt: planUTC(3, 20, 9, 0)}},
		},
		{
			name: "an unknown event plans nothing",
			ev:   plan.Event{Kind: "ghosted", At: rejAt},
			now:  rejAt,
		},
	}
	p := planPolicy(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			step := p.Plan(tt.ev, tt.now)
			if !planSameSet(step.Cancel, tt.wantCancel) {
				t.Errorf("Cancel = %v, want %v", step.Cancel, tt.wantCancel)
			}
			if len(step.Schedule) != len(tt.want) {
				t.Fatalf("Schedule = %v, want %v", step.Schedule, tt.want)
			}
			for i, got := range step.Schedule {
				want := tt.want[i]
				if got.Kind != want.Kind || !got.DueAt.Equal(want.DueAt) {
					t.Errorf("Schedule[%d] = %s at %v (%v), want %s at %v (%v)", i,
						got.Kind, got.DueAt, got.DueAt.In(berlin), want.Kind, want.DueAt, want.DueAt.In(berlin))
				}
				if got.DueAt.Location() != time.UTC {
					t.Errorf("Schedule[%d].DueAt is in %v, want UTC", i, got.DueAt.Location())
				}
				if got.DueAt.Before(tt.now) {
					t.Errorf("Schedule[%d] %s due %v, before now %v", i, got.Kind, got.DueAt, tt.now)
				}
			}
		})
	}
}

// TestNoDraftToANoReplyAddress: every recruiter draft an event would plan
// to an address no person reads is dropped, and said so; the check-ins to
// the user and the drafts to people who read mail stay.
func TestNoDraftToANoReplyAddress(t *testing.T) {
	t.Parallel()
	p := planPolicy(t)
	at := planUTC(3, 3, 13, 0)
	noreply := plan.Person{Email: "no-reply@jobs.acme.example"}
	for _, tc := range []struct {
		name             string
		ev               plan.Event
		planned, dropped []onward.Kind
	}{
		{"applied", plan.Event{Kind: onward.Applied, At: at, Recruiter: noreply},
			kinds(onward.NoReply), kinds(onward.ApplicationFollowUp)},
		{"interview with an interviewer who reads mail", plan.Event{Kind: onward.Interview, At: at, End: at.Add(time.Hour), Recruiter: noreply,
			With: []plan.Person{{Name: "Tom Baker", Email: "tom@acme.example"}}},
			kinds(onward.ThankYou), kinds(onward.ThankYou, onward.StatusCheck)}, // the interviewer's stays; the recruiter's goes
		{"rejection after an interview", plan.Event{Kind: onward.Rejected, At: at, Recruiter: noreply, Interviewed: true},
			kinds(onward.Learn, onward.LetGo), kinds(onward.FeedbackRequest, onward.StayInTouch)},
		{"feedback", plan.Event{Kind: onward.Feedback, At: at, Recruiter: noreply},
			kinds(onward.FeedbackReceived), kinds(onward.FeedbackThanks)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			step := p.Plan(tc.ev, at)
			var planned, dropped []onward.Kind
			for _, m := range step.Schedule {
				planned = append(planned, m.Kind)
			}
			for _, m := range step.Dropped {
				dropped = append(dropped, m.Kind)
			}
			if !planSameSet(planned, tc.planned) || !planSameSet(dropped, tc.dropped) {
				t.Errorf("planned %v, dropped %v; want %v, %v", planned, dropped, tc.planned, tc.dropped)
			}
		})
	}
}

func kinds(k ...onward.Kind) []onward.Kind { return k }

// TestFollowUpIsReTimed: re-timing an application's follow-up draft (the
// daemon after a reload, which knows the draft exists: PersonKnown) finds
// it, though the event it passes names no recruiter.
func TestFollowUpIsReTimed(t *testing.T) {
	t.Parallel()
	at := planUTC(3, 6, 9, 0)
	for _, m := range planPolicy(t).Times(plan.Event{Kind: onward.Applied, At: at, PersonKnown: true}, at).Schedule {
		if m.Kind == onward.ApplicationFollowUp {
			return
		}
	}
	t.Error("the follow-up draft is not found when re-timed")
}

// TestNoReplySwitchedOff: with no delay for them (an empty
// followups.no_reply) applying plans nothing, whoever the recruiter is.
func TestNoReplySwitchedOff(t *testing.T) {
	t.Parallel()
	p := planPolicy(t)
	delete(p.Delays, onward.NoReply)
	delete(p.Delays, onward.ApplicationFollowUp)
	at := planUTC(3, 6, 9, 0)
	step := p.Plan(plan.Event{Kind: onward.Applied, At: at, Recruiter: plan.Person{Email: "maria@acme.example"}}, at)
	if len(step.Schedule) != 0 {
		t.Errorf("Schedule = %v, want nothing", step.Schedule)
	}
}

func planSameSet(a, b []onward.Kind) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func TestPolicyDue(t *testing.T) {
	t.Parallel()
	newYork := specLoc(t, "America/New_York")
	tokyo := specLoc(t, "Asia/Tokyo")
	p := planPolicy(t)
	noWindow := p
	noWindow.Window = when.Spec{}
	noQuiet := p
	noQuiet.Quiet = when.QuietHours{}
	tests := []struct {
		name      string
		p         plan.Policy
		kind      onward.Kind
		base, now time.Time
		recruiter *time.Location
		want      time.Time
	}{
		{"no window: a recruiter draft is not moved", noWindow, onward.ThankYou,
			planUTC(3, 3, 14, 0), planUTC(3, 3, 14, 0), nil, planUTC(3, 3, 17, 0)},
		{"no quiet hours: a check-in at 23:00 stays", noQuiet, onward.Learn,
			planUTC(3, 3, 22, 0), planUTC(3, 3, 22, 0), nil, planUTC(3, 4, 22, 0)},
		{"quiet hours do not apply to recruiter drafts", noWindow, onward.FeedbackRequest,
			planUTC(3, 3, 22, 0), planUTC(3, 3, 22, 0), nil, planUTC(3, 4, 22, 0)},
		{"the window does not apply to check-ins: Saturday 10:00 stays", p, onward.Learn,
			planUTC(3, 6, 9, 0), planUTC(3, 6, 9, 0), nil, planUTC(3, 7, 9, 0)},
		{"the recruiter's zone does not move a check-in", p, onward.Learn,
			planUTC(3, 6, 9, 0), planUTC(3, 6, 9, 0), newYork, planUTC(3, 7, 9, 0)},
		{"a recruiter in Tokyo: Wed 09:00 CET + 3h is 20:00 JST, moves to Thu 09:00 JST", p, onward.ThankYou,
			planUTC(3, 4, 8, 0), planUTC(3, 4, 8, 0), tokyo, planUTC(3, 5, 0, 0)},
		{"a check-in in the past is clamped to now, now is outside quiet hours", p, onward.LetGo,
			planUTC(1, 1, 9, 0), planUTC(3, 4, 12, 34), nil, planUTC(3, 4, 12, 34)},
		{"a draft in the past is clamped to now, then moved into the recruiter's window", p, onward.StatusCheck,
			planUTC(1, 1, 9, 0), planUTC(3, 4, 12, 0), newYork, planUTC(3, 4, 14, 0)}, // 07:00 EST → 09:00 EST
		{"an unknown kind has no delay: due at base, as a check-in", p, "nonsense",
			planUTC(3, 4, 12, 0), planUTC(3, 4, 12, 0), nil, planUTC(3, 4, 12, 0)},
		{"check-in landing on Berlin spring-forward night waits for 08:00 CEST", p, onward.Learn,
			planUTC(3, 28, 0, 30), planUTC(3, 28, 0, 30), nil, planUTC(3, 29, 6, 0)}, // Sat 01:30 CET +1d → Sun 01:30 CET (quiet) → 08:00 CEST
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := tt.p.Due(tt.kind, tt.base, tt.now, tt.recruiter)
			if !got.Equal(tt.want) {
				t.Errorf("Due(%s, %v, now %v) = %v, want %v", tt.kind, tt.base, tt.now, got, tt.want)
			}
			if got.Location() != time.UTC {
				t.Errorf("Due returned a time in %v, want UTC", got.Location())
			}
		})
	}
}

// Running the same event twice plans the same times: the planner is a pure
// function of its inputs, which is what lets a second interview replace the
// first one's plan deterministically.
func TestPolicyPlanIsDeterministic(t *testing.T) {
	t.Parallel()
	p := planPolicy(t)
	ev := plan.Event{Kind: onward.Rejected, At: planUTC(3, 6, 9, 0), RecruiterLocation: specLoc(t, "America/New_York"), PersonKnown: true}
	a, b := p.Plan(ev, ev.At), p.Plan(ev, ev.At)
	if len(a.Schedule) != len(b.Schedule) {
		t.Fatalf("two plans differ in length: %v vs %v", a, b)
	}
	for i := range a.Schedule {
		if a.Schedule[i] != b.Schedule[i] {
			t.Errorf("plan %d differs: %v vs %v", i, a.Schedule[i], b.Schedule[i])
		}
	}
}

func specLoc(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("load zone %s: %v", name, err)
	}
	return loc
}

func specMust(t *testing.T, s string) when.Spec {
	t.Helper()
	sp, err := when.ParseSpec(s)
	if err != nil {
		t.Fatalf("ParseSpec(%q): %v", s, err)
	}
	return sp
}

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}
