package plan_test

import (
	"testing"
	"time"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/plan"
	"github.com/onward-app/onward/when"
)

func prepPolicy(t *testing.T, zone, rule, quiet string) plan.Policy {
	t.Helper()
	loc := mustZone(zone)
	r, on, err := when.ParsePrep(rule)
	if err != nil || !on {
		t.Fatalf("ParsePrep(%q): %v %v", rule, on, err)
	}
	q, err := when.ParseQuietHours(quiet)
	if err != nil {
		t.Fatal(err)
	}
	return plan.Policy{Location: loc, Quiet: q, Prep: r, PrepOn: on, Delays: map[onward.Kind]when.Delay{}}
}

func prepOf(step plan.Step) (time.Time, bool) {
	for _, p := range step.Schedule {
		if p.Kind == onward.Prep {
			return p.DueAt, true
		}
	}
	return time.Time{}, false
}

func TestPrepTiming(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, zone, rule, quiet string
		now, start              string // wall clock in zone
		want                    string // wall clock in zone; "" for no prep
	}{
		{"the evening before, Berlin", "Europe/Berlin", "18:00 the day before", "21:00-08:00",
			"2026-03-02 09:00", "2026-03-04 14:00", "2026-03-03 18:00"},
		{"the evening before, New York", "America/New_York", "18:00 the day before", "21:00-08:00",
			"2026-03-02 09:00", "2026-03-04 10:00", "2026-03-03 18:00"},
		{"the evening before, Tokyo, past midnight UTC", "Asia/Tokyo", "18:00 the day before", "",
			"2026-03-02 09:00", "2026-03-04 10:00", "2026-03-03 18:00"},
		{"the evening before falls on the spring-forward day", "Europe/Berlin", "18:00 the day before", "21:00-08:00",
			"2026-03-27 09:00", "2026-03-30 10:00", "2026-03-29 18:00"},
		{"a clock time inside the spring-forward gap moves past it", "Europe/Berlin", "02:30 the day before", "",
			"2026-03-27 09:00", "2026-03-30 10:00", "2026-03-29 03:30"},
		{"3h before, across the fall-back change: three elapsed hours", "Europe/Berlin", "3h", "",
			"2026-10-20 09:00", "2026-10-25 03:30", "2026-10-25 01:30"},
		{"recorded after the evening before: due now", "Europe/Berlin", "18:00 the day before", "21:00-08:00",
			"2026-03-03 19:30", "2026-03-04 14:00", "2026-03-03 19:30"},
		{"due in quiet hours: waits for their end", "Europe/Berlin", "3h", "21:00-08:00",
			"2026-03-02 09:00", "2026-03-04 09:00", "2026-03-04 08:00"},
		{"quiet hours last until the interview: no prep", "Europe/Berlin", "3h", "21:00-08:00",
			"2026-03-02 09:00", "2026-03-04 07:30", ""},
		{"the interview is already past: no prep", "Europe/Berlin", "18:00 the day before", "",
			"2026-03-05 09:00", "2026-03-04 14:00", ""},
		{"the interview starts now: no prep", "Europe/Berlin", "3h", "",
			"2026-03-04 14:00", "2026-03-04 14:00", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := prepPolicy(t, tc.zone, tc.rule, tc.quiet)
			loc := mustZone(tc.zone)
			parse := func(s string) time.Time {
				v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
				if err != nil {
					t.Fatal(err)
				}
				return v
			}
			step := p.Plan(plan.Event{Kind: onward.Interview, At: parse(tc.start), End: parse(tc.start).Add(time.Hour)}, parse(tc.now))
			got, ok := prepOf(step)
			if tc.want == "" {
				if ok {
					t.Fatalf("planned a prep note at %v, want none", got.In(loc))
				}
				return
			}
			if !ok {
				t.Fatalf("no prep note planned, want %s", tc.want)
			}
			if want := parse(tc.want); !got.Equal(want) {
				t.Errorf("prep due %v, want %v", got.In(loc), want)
			}
		})
	}
}

func TestPrepIsReplacedAndCancelled(t *testing.T) {
	t.Parallel()
	p := prepPolicy(t, "Europe/Berlin", "18:00 the day before", "")
	cancels := func(kind onward.EventKind) bool {
		step := p.Plan(plan.Event{Kind: kind, At: time.Now()}, time.Now())
		for _, k := range step.Cancel {
			if k == onward.Prep {
				return true
			}
		}
		return false
	}
	for kind, want := range map[onward.EventKind]bool{
		onward.Interview: true, // a re-recorded interview replaces it
		onward.Rejected:  true,
		onward.Offer:     true,
		onward.Withdrawn: true,
		onward.Reply:     false, // a reply does not make the interview go away
	} {
		if got := cancels(kind); got != want {
			t.Errorf("%s cancels the prep note: %v, want %v", kind, got, want)
		}
	}
}

func TestParsePrep(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		on   bool
		fail bool
	}{
		{"18:00 the day before", true, false},
		{"3h", true, false},
		{"1d", true, false},
		{"", false, false},
		{"25:00 the day before", false, true},
		{"18:00 the day after", false, true},
		{"0s", false, true},
		{"-3h", false, true},
	} {
		_, on, err := when.ParsePrep(tc.in)
		if (err != nil) != tc.fail || on != tc.on {
			t.Errorf("ParsePrep(%q) = on %v, err %v; want on %v, fail %v", tc.in, on, err, tc.on, tc.fail)
		}
	}
}
