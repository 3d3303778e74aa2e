package plan_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/plan"
)

// line writes a planned message as "kind to who at when (Berlin)", so a
// table reads like the plan it checks.
func line(p plan.Planned, loc *time.Location) string {
	who := "recruiter"
	if p.To.Email != "" {
		who = p.To.Email
	}
	if p.Kind.Audience() == onward.User {
		who = "user"
	}
	return fmt.Sprintf("%s to %s at %s", p.Kind, who, p.DueAt.In(loc).Format("Mon 2 Jan 15:04"))
}

func TestPeopleAndDates(t *testing.T) {
	t.Parallel()
	p := planPolicy(t)
	berlin := p.Location
	tom := plan.Person{Name: "Tom Baker", Email: "tom@acme.example"}
	priya := plan.Person{Name: "Priya Shah"}
	dana := plan.Person{Name: "Dana Reyes", Email: "dana@acme.example"}
	// Tuesday 3 March 2026, 14:00 to 15:00 in Berlin.
	start, end := planUTC(3, 3, 13, 0), planUTC(3, 3, 14, 0)
	interview := func(with []plan.Person, recruiter plan.Person, expect time.Time) plan.Event {
		return plan.Event{Kind: onward.Interview, At: start, End: end, With: with, Recruiter: recruiter, Expect: expect}
	}
	friday := time.Date(2026, 3, 6, 0, 0, 0, 0, berlin)
	for _, tc := range []struct {
		name string
		ev   plan.Event
		want []string
	}{
		{
			name: "two interviewers, one without an address: one to Tom, one to the recruiter who passes thanks to Priya",
			ev:   interview([]plan.Person{tom, priya}, dana, time.Time{}),
			want: []string{
				"thank_you to tom@acme.example at Wed 4 Mar 09:00",
				"thank_you to recruiter at Wed 4 Mar 09:00",
				"status_check to recruiter at Tue 10 Mar 15:00",
			},
		},
		{
			name: "the recruiter interviewed too: one note to them, not two",
			ev:   interview([]plan.Person{tom, {Name: "Dana", Email: "DANA@acme.example"}}, dana, time.Time{}),
			want: []string{
				"thank_you to tom@acme.example at Wed 4 Mar 09:00",
				"thank_you to DANA@acme.example at Wed 4 Mar 09:00",
				"status_check to recruiter at Tue 10 Mar 15:00",
			},
		},
		{
			name: "an interviewer listed twice gets one note",
			ev:   interview([]plan.Person{tom, tom}, plan.Person{}, time.Time{}),
			want: []string{
				"thank_you to tom@acme.example at Wed 4 Mar 09:00",
				"status_check to recruiter at Tue 10 Mar 15:00",
			},
		},
		{
			name: "no interviewer recorded: one thank-you, to the recruiter",
			ev:   interview(nil, dana, time.Time{}),
			want: []string{
				"thank_you to recruiter at Wed 4 Mar 09:00",
				"status_check to recruiter at Tue 10 Mar 15:00",
			},
		},
		{
			name: "a decision date on Friday: the status check on Monday, at the start of the window",
			ev:   interview(nil, dana, friday),
			want: []string{
				"thank_you to recruiter at Wed 4 Mar 09:00",
				"status_check to recruiter at Mon 9 Mar 09:00",
			},
		},
		{
			name: "a decision date on a Wednesday: Thursday",
			ev:   interview(nil, dana, time.Date(2026, 3, 4, 0, 0, 0, 0, berlin)),
			want: []string{
				"thank_you to recruiter at Wed 4 Mar 09:00",
				"status_check to recruiter at Thu 5 Mar 09:00",
			},
		},
		{
			name: "a CV-stage rejection from a no-reply address: only the check-ins to the user",
			ev:   plan.Event{Kind: onward.Rejected, At: planUTC(3, 5, 8, 20)},
			want: []string{
				"learn to user at Fri 6 Mar 09:20",
				"let_go to user at Thu 12 Mar 09:20",
			},
		},
		{
			name: "a CV-stage rejection from a person: the feedback request and stay-in-touch note too",
			ev:   plan.Event{Kind: onward.Rejected, At: planUTC(3, 5, 8, 20), PersonKnown: true},
			want: []string{
				"feedback_request to recruiter at Fri 6 Mar 09:20",
				"stay_in_touch to recruiter at Mon 20 Apr 09:00",
				"learn to user at Fri 6 Mar 09:20",
				"let_go to user at Thu 12 Mar 09:20",
			},
		},
		{
			name: "feedback: a check-in to the user now, a thank-you draft in the window",
			ev:   plan.Event{Kind: onward.Feedback, At: planUTC(3, 7, 10, 0)}, // Saturday 11:00
			want: []string{
				"feedback_received to user at Sat 7 Mar 11:00",
				"feedback_thanks to recruiter at Mon 9 Mar 09:00",
			},
		},
		{
			name: "feedback declined: the check-in alone",
			ev:   plan.Event{Kind: onward.Feedback, At: planUTC(3, 7, 10, 0), Declined: true},
			want: []string{"feedback_received to user at Sat 7 Mar 11:00"},
		},
		{
			name: "feedback late at night: the check-in waits for the end of the quiet hours",
			ev:   plan.Event{Kind: onward.Feedback, At: planUTC(3, 9, 22, 0), Declined: true},
			want: []string{"feedback_received to user at Tue 10 Mar 08:00"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			step := p.Plan(tc.ev, tc.ev.At)
			var got []string
			for _, m := range step.Schedule {
				got = append(got, line(m, berlin))
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("planned:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(tc.want, "\n  "))
			}
		})
	}
}

// The status check after a decision date is on the recruiter's clock: a
// Friday in Berlin is Monday 09:00 in New York.
func TestStatusCheckAfterExpectOnRecruitersClock(t *testing.T) {
	t.Parallel()
	p := planPolicy(t)
	ny := specLoc(t, "America/New_York")
	ev := plan.Event{Kind: onward.Interview, At: planUTC(3, 3, 13, 0), End: planUTC(3, 3, 14, 0),
		Expect: time.Date(2026, 3, 6, 0, 0, 0, 0, p.Location), RecruiterLocation: ny}
	for _, m := range p.Plan(ev, ev.At).Schedule {
		if m.Kind != onward.StatusCheck {
			continue
		}
		if got := m.DueAt.In(ny).Format("Mon 2 Jan 15:04 MST"); got != "Mon 9 Mar 09:00 EDT" {
			t.Errorf("status check at %s, want Mon 9 Mar 09:00 EDT", got)
		}
		return
	}
	t.Fatal("no status check planned")
}
