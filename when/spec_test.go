package when_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/onward-app/onward/when"
)

// specLoc loads an IANA zone or stops the test.
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

func TestParseDelayGood(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want when.Delay
	}{
		{"3h", when.Delay{Clock: 3 * time.Hour}},
		{"7d", when.Delay{Days: 7}},
		{"2w", when.Delay{Days: 14}},
		{"1d12h", when.Delay{Days: 1, Clock: 12 * time.Hour}},
		{"90m", when.Delay{Clock: 90 * time.Minute}},
		{"45s", when.Delay{Clock: 45 * time.Second}},
		{"1w2d3h4m5s", when.Delay{Days: 9, Clock: 3*time.Hour + 4*time.Minute + 5*time.Second}},
		// Surrounding space is trimmed, as a TOML value often has it.
		{" 7d ", when.Delay{Days: 7}},
		{"\t3h\n", when.Delay{Clock: 3 * time.Hour}},
		// Repeating a unit adds up.
		{"1d1d", when.Delay{Days: 2}},
		{"5bd", when.Delay{BusinessDays: 5}},
		{"1w2bd3h", when.Delay{Days: 7, BusinessDays: 2, Clock: 3 * time.Hour}},
		{"0s", when.Delay{}},
		// The limit is a year of 366 days, inclusive.
		{"366d", when.Delay{Days: 366}},
		{"52w", when.Delay{Days: 364}},
		{"8784h", when.Delay{Clock: 8784 * time.Hour}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := when.ParseDelay(tt.in)
			if err != nil {
				t.Fatalf("ParseDelay(%q): %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("ParseDelay(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseDelayBad(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in string
		// every fragment must appear in the error
		want []string
	}{
		{"", []string{"empty"}},
		{"   ", []string{"empty"}},
		{"3", []string{`"3"`, "missing unit"}},
		{"3x", []string{`"3x"`, "unknown unit", "'x'"}},
		{"3b", []string{`"3b"`, "unknown unit", "'b'"}},
		{"300bd", []string{"longer than a year"}},
		{"3H", []string{"unknown unit", "'H'"}},
		{"-1d", []string{`"-1d"`, "negative"}},
		{"d", []string{`"d"`, "expected a number"}},
		{"4000d", []string{`"4000d"`, "longer than a year"}},
		{"367d", []string{"longer than a year"}},
		{"53w", []string{"longer than a year"}},
		{"8809h", []string{"longer than a year"}},
		{"1.5h", []string{`"1.5h"`, "unknown unit", "'.'"}},
		{"99999999h", []string{`"99999999h"`, "too long"}},
		{"7 d", []string{"unknown unit"}},
		{"3h-", []string{"negative"}},
		{"1d+2h", []string{"expected a number"}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%q", tt.in), func(t *testing.T) {
			t.Parallel()
			d, err := when.ParseDelay(tt.in)
			if err == nil {
				t.Fatalf("ParseDelay(%q) = %+v, want an error", tt.in, d)
			}
			for _, frag := range tt.want {
				if !strings.Contains(err.Error(), frag) {
					t.Errorf("ParseDelay(%q) error %q does not mention %q", tt.in, err, frag)
				}
			}
			if !d.IsZero() {
				t.Errorf("ParseDelay(%q) returned %+v with its error, want the zero Delay", tt.in, d)
			}
		})
	}
}

// A delay made of several in-range parts can overflow time.Duration and
// wrap around to a negative clock, which then plans a message in the past.
func TestParseDelayRejectsOverflowingSum(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"999999h999999h999999h", "999999h999999h999999h999999h999999h"} {
		d, err := when.ParseDelay(in)
		if err == nil {
			t.Errorf("ParseDelay(%q) = %+v (clock %v), want an error", in, d, d.Clock)
		}
	}
}

func TestDelayStringRoundTrips(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"3h", "7d", "1d12h", "45s", "1h", "0s", "2d3h"} {
		d, err := when.ParseDelay(in)
		if err != nil {
			t.Fatalf("ParseDelay(%q): %v", in, err)
		}
		back, err := when.ParseDelay(d.String())
		if err != nil {
			t.Fatalf("ParseDelay(%q.String() = %q): %v", in, d.String(), err)
		}
		if back != d {
			t.Errorf("%q: String() = %q parses to %+v, want %+v", in, d.String(), back, d)
		}
	}
}

// Delay.String trims "0s" and "0m" as suffixes of the whole string, so it
// also eats the zero of "10m", "30s" or "2h30m". The string is used in the
// dispatcher's "gave up after ..." message.
func TestDelayStringKeepsTrailingZeros(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"10m", "10m"},
		{"30s", "30s"},
		{"2h30m", "2h30m"},
		{"90m", "1h30m"},
		{"1d20m", "1d20m"},
	}
	for _, tt := range tests {
		d, err := when.ParseDelay(tt.in)
		if err != nil {
			t.Fatalf("ParseDelay(%q): %v", tt.in, err)
		}
		if got := d.String(); got != tt.want {
			t.Errorf("ParseDelay(%q).String() = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDelayAfterAcrossDST(t *testing.T) {
	t.Parallel()
	berlin := specLoc(t, "Europe/Berlin")
	newYork := specLoc(t, "America/New_York")
	tests := []struct {
		name    string
		loc     *time.Location
		from    time.Time
		delay   string
		want    time.Time
		elapsed time.Duration
	}{
		{
			name: "Berlin spring forward: 1d keeps 10:00, 23h elapse",
			loc:  berlin, from: time.Date(2026, 3, 28, 10, 0, 0, 0, berlin), delay: "1d",
			want: time.Date(2026, 3, 29, 10, 0, 0, 0, berlin), elapsed: 23 * time.Hour,
		},
		{
			name: "Berlin spring forward: 24h elapse, wall clock moves to 11:00",
			loc:  berlin, from: time.Date(2026, 3, 28, 10, 0, 0, 0, berlin), delay: "24h",
			want: time.Date(2026, 3, 29, 11, 0, 0, 0, berlin), elapsed: 24 * time.Hour,
		},
		{
			name: "Berlin fall back: 1d keeps 10:00, 25h elapse",
			loc:  berlin, from: time.Date(2026, 10, 24, 10, 0, 0, 0, berlin), delay: "1d",
			want: time.Date(2026, 10, 25, 10, 0, 0, 0, berlin), elapsed: 25 * time.Hour,
		},
		{
			name: "Berlin fall back: 24h elapse, wall clock moves to 09:00",
			loc:  berlin, from: time.Date(2026, 10, 24, 10, 0, 0, 0, berlin), delay: "24h",
			want: time.Date(2026, 10, 25, 9, 0, 0, 0, berlin), elapsed: 24 * time.Hour,
		},
		{
			name: "New York spring forward: 1d keeps 10:00, 23h elapse",
			loc:  newYork, from: time.Date(2026, 3, 7, 10, 0, 0, 0, newYork), delay: "1d",
			want: time.Date(2026, 3, 8, 10, 0, 0, 0, newYork), elapsed: 23 * time.Hour,
		},
		{
			name: "New York spring forward: 24h elapse, wall clock moves to 11:00",
			loc:  newYork, from: time.Date(2026, 3, 7, 10, 0, 0, 0, newYork), delay: "24h",
			want: time.Date(2026, 3, 8, 11, 0, 0, 0, newYork), elapsed: 24 * time.Hour,
		},
		{
			name: "New York fall back: 1d keeps 10:00, 25h elapse",
			loc:  newYork, from: time.Date(2026, 10, 31, 10, 0, 0, 0, newYork), delay: "1d",
			want: time.Date(2026, 11, 1, 10, 0, 0, 0, newYork), elapsed: 25 * time.Hour,
		},
		{
			name: "New York fall back: 24h elapse, wall clock moves to 09:00",
			loc:  newYork, from: time.Date(2026, 10, 31, 10, 0, 0, 0, newYork), delay: "24h",
			want: time.Date(2026, 11, 1, 9, 0, 0, 0, newYork), elapsed: 24 * time.Hour,
		},
		{
			name: "Berlin 1w across spring forward keeps the wall clock, 6d23h elapse",
			loc:  berlin, from: time.Date(2026, 3, 25, 18, 0, 0, 0, berlin), delay: "1w",
			want: time.Date(2026, 4, 1, 18, 0, 0, 0, berlin), elapsed: 7*24*time.Hour - time.Hour,
		},
		{
			name: "Berlin 1d12h: the day on the calendar, the 12h elapsed",
			loc:  berlin, from: time.Date(2026, 3, 28, 20, 0, 0, 0, berlin), delay: "1d12h",
			want: time.Date(2026, 3, 30, 8, 0, 0, 0, berlin), elapsed: 35 * time.Hour,
		},
		{
			name: "Berlin gap: 1d onto 02:30 lands at 03:30 CEST (Go moves forward by the gap)",
			loc:  berlin, from: time.Date(2026, 3, 28, 2, 30, 0, 0, berlin), delay: "1d",
			want: time.Date(2026, 3, 29, 1, 30, 0, 0, time.UTC), elapsed: 24 * time.Hour,
		},
		{
			name: "New York gap: 1d onto 02:30 moves forward past the gap to 03:30 EDT, as in Berlin",
			loc:  newYork, from: time.Date(2026, 3, 7, 2, 30, 0, 0, newYork), delay: "1d",
			want: time.Date(2026, 3, 8, 7, 30, 0, 0, time.UTC), elapsed: 24 * time.Hour,
		},
		{
			name: "UTC instant in, the calendar of loc is used",
			loc:  berlin, from: time.Date(2026, 3, 28, 23, 30, 0, 0, time.UTC), delay: "1d",
			// 00:30 CET on the 29th, plus a calendar day: 00:30 CEST on the 30th.
			want: time.Date(2026, 3, 29, 22, 30, 0, 0, time.UTC), elapsed: 23 * time.Hour,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d, err := when.ParseDelay(tt.delay)
			if err != nil {
				t.Fatal(err)
			}
			got := d.After(tt.from, tt.loc)
			if !got.Equal(tt.want) {
				t.Errorf("%s after %v = %v, want %v", tt.delay, tt.from, got, tt.want.In(tt.loc))
			}
			if e := got.Sub(tt.from); e != tt.elapsed {
				t.Errorf("%s after %v: %v elapsed, want %v", tt.delay, tt.from, e, tt.elapsed)
			}
			if got.Location() != tt.loc {
				t.Errorf("After returned a time in %v, want %v", got.Location(), tt.loc)
			}
		})
	}
}

func TestDelayBeforeUndoesAfterOnOrdinaryDays(t *testing.T) {
	t.Parallel()
	berlin := specLoc(t, "Europe/Berlin")
	from := time.Date(2026, 3, 28, 10, 0, 0, 0, berlin)
	for _, in := range []string{"1d", "3h", "1d12h", "2w"} {
		d, err := when.ParseDelay(in)
		if err != nil {
			t.Fatal(err)
		}
		if back := d.Before(d.After(from, berlin), berlin); !back.Equal(from) {
			t.Errorf("%s: Before(After(%v)) = %v", in, from, back)
		}
	}
}

func TestParseSpecGood(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		"0 18 * * SUN",
		"0 18 * * sun",
		"* 9-17 * * MON-FRI",
		"*/15 8-20 * * 1-5",
		"30 2 * * SUN",
		"0 0 29 2 *", // leap days exist (2028)
		"  0 9 * * *  ",
		"0,30 9 1,15 * *",
	} {
		sp, err := when.ParseSpec(in)
		if err != nil {
			t.Errorf("ParseSpec(%q): %v", in, err)
			continue
		}
		if sp.IsZero() {
			t.Errorf("ParseSpec(%q) returned a zero Spec", in)
		}
		if sp.String() != strings.TrimSpace(in) {
			t.Errorf("ParseSpec(%q).String() = %q", in, sp.String())
		}
	}
}

func TestParseSpecBad(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want string
	}{
		{"", "empty"},
		{"   ", "empty"},
		{"0 18 * *", "five fields"},
		{"0 0 18 * * SUN", "five fields"},
		{"TZ=0 * * * *", "zone prefix"},
		{"CRON_TZ=UTC", "zone prefix"},
		{"CRON_TZ=UTC * * * * *", "zone prefix"},
		{"TZ=Europe/Berlin 0 18 * * SUN", "zone prefix"},
		{"@daily", "descriptors"},
		{"@every 1h", "descriptors"},
		{"* * 31 2 *", "never matches"},
		{"0 0 30 2 *", "never matches"},
		{"60 * * * *", "above maximum"},
		{"0 24 * * *", "above maximum"},
		{"0 0 0 * *", "below minimum"},
		{"0 0 * 13 *", "above maximum"},
		{"0 0 * * 8", "above maximum"},
		{"*/0 * * * *", "step"},
		{"1-2-3 * * * *", "hyphens"},
		{"a b c d e", "a b c d e"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			sp, err := when.ParseSpec(tt.in)
			if err == nil {
				t.Fatalf("ParseSpec(%q) = %v, want an error", tt.in, sp)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ParseSpec(%q) error %q does not mention %q", tt.in, err, tt.want)
			}
			if !sp.IsZero() {
				t.Errorf("ParseSpec(%q) returned a non-zero Spec with its error", tt.in)
			}
		})
	}
}

// robfig/cron panics on some malformed specs; a config file must never be
// able to crash the daemon. None of these may panic, and each either
// parses to a usable Spec or returns an error.
func TestParseSpecNeverPanics(t *testing.T) {
	t.Parallel()
	inputs := []string{
		"CRON_TZ=", "TZ=", "TZ", "CRON_TZ", " TZ=UTC", "=", "@", "@ ", "@every", "@every -1s",
		"/", "-", ",", "*/", "/ * * * *", "- * * * *", ", * * * *", "*/ * * * *",
		"0-0/0 * * * *", "5-1 * * * *", "1/ * * * *", "*/-1 * * * *", "? ? ? ? ?",
		"* * * * * * * *", "\x00 * * * *", "é * * * *", "9999999999999999999 * * * *",
		"* * * JAN-FOO *", "* * * * MON-", "* * * * -MON", "0 0 L * *", "0 0 * * 5#3",
		strings.Repeat("*", 10000), strings.Repeat("1,", 5000) + "1 * * * *",
	}
	// Every prefix of a few tricky specs, as an editor would leave them.
	for _, s := range []string{"CRON_TZ=Europe/Berlin 0 18 * * SUN", "*/15 9-17/2 1,15 JAN-MAR MON-FRI"} {
		for i := range len(s) + 1 {
			inputs = append(inputs, s[:i])
		}
	}
	for _, in := range inputs {
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("ParseSpec(%q) panicked: %v", in, r)
				}
			}()
			sp, err := when.ParseSpec(in)
			if err == nil && sp.IsZero() {
				t.Errorf("ParseSpec(%q) returned neither a spec nor an error", in)
			}
			if err == nil {
				// A spec that parses must be usable.
				if sp.Next(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.UTC).IsZero() {
					t.Errorf("ParseSpec(%q) accepted a spec that never fires", in)
				}
			}
		}()
	}
}

// specRuns collects the runs of sp from from (exclusive) until until,
// stepping with Next.
func specRuns(t *testing.T, sp when.Spec, loc *time.Location, from, until time.Time) []time.Time {
	t.Helper()
	var out []time.Time
	at := from
	for range 1000 {
		next := sp.Next(at, loc)
		if next.IsZero() {
			t.Fatalf("%v: Next(%v) is zero", sp, at)
		}
		if !next.After(at) {
			t.Fatalf("%v: Next(%v) = %v is not after it", sp, at, next)
		}
		if !next.Before(until) {
			return out
		}
		out = append(out, next)
		at = next
	}
	t.Fatalf("%v: more than 1000 runs between %v and %v", sp, from, until)
	return nil
}

func TestSpecNextWeeklyDigestAcrossDST(t *testing.T) {
	t.Parallel()
	berlin := specLoc(t, "Europe/Berlin")
	newYork := specLoc(t, "America/New_York")
	sp := specMust(t, "0 18 * * SUN")
	tests := []struct {
		name string
		loc  *time.Location
		from time.Time
		want []time.Time
	}{
		{
			name: "Berlin spring forward",
			loc:  berlin,
			from: time.Date(2026, 3, 20, 12, 0, 0, 0, berlin),
			want: []time.Time{
				time.Date(2026, 3, 22, 17, 0, 0, 0, time.UTC), // CET
				time.Date(2026, 3, 29, 16, 0, 0, 0, time.UTC), // CEST
				time.Date(2026, 4, 5, 16, 0, 0, 0, time.UTC),
			},
		},
		{
			name: "Berlin fall back",
			loc:  berlin,
			from: time.Date(2026, 10, 16, 12, 0, 0, 0, berlin),
			want: []time.Time{
				time.Date(2026, 10, 18, 16, 0, 0, 0, time.UTC), // CEST
				time.Date(2026, 10, 25, 17, 0, 0, 0, time.UTC), // CET
				time.Date(2026, 11, 1, 17, 0, 0, 0, time.UTC),
			},
		},
		{
			name: "New York spring forward",
			loc:  newYork,
			from: time.Date(2026, 3, 1, 19, 0, 0, 0, newYork),
			want: []time.Time{
				time.Date(2026, 3, 8, 22, 0, 0, 0, time.UTC), // EDT
				time.Date(2026, 3, 15, 22, 0, 0, 0, time.UTC),
			},
		},
		{
			name: "New York fall back",
			loc:  newYork,
			from: time.Date(2026, 10, 25, 19, 0, 0, 0, newYork),
			want: []time.Time{
				time.Date(2026, 11, 1, 23, 0, 0, 0, time.UTC), // EST
				time.Date(2026, 11, 8, 23, 0, 0, 0, time.UTC),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := specRuns(t, sp, tt.loc, tt.from, tt.want[len(tt.want)-1].Add(time.Minute))
			if len(got) != len(tt.want) {
				t.Fatalf("runs = %v, want %v", got, tt.want)
			}
			for i := range got {
				if !got[i].Equal(tt.want[i]) {
					t.Errorf("run %d = %v, want %v", i, got[i], tt.want[i].In(tt.loc))
				}
				if l := got[i].In(tt.loc); l.Hour() != 18 || l.Minute() != 0 || l.Weekday() != time.Sunday {
					t.Errorf("run %d = %v, not Sunday 18:00 on the local clock", i, l)
				}
			}
		})
	}
}

// robfig/cron on its own skips a run whose wall-clock time falls in the
// spring-forward gap (its PR 541); Spec must not. The rule: a run inside
// the gap moves forward by the length of the gap, 02:30 to 03:30 CEST.
func TestSpecNextInsideSpringForwardGapMovesByTheGapTo0330CEST(t *testing.T) {
	t.Parallel()
	berlin := specLoc(t, "Europe/Berlin")
	sp := specMust(t, "30 2 * * SUN")
	sat := time.Date(2026, 3, 28, 0, 0, 0, 0, berlin)
	mon := time.Date(2026, 3, 30, 0, 0, 0, 0, berlin)
	runs := specRuns(t, sp, berlin, sat, mon)
	if len(runs) != 1 {
		t.Fatalf("runs on spring-forward Sunday = %v, want exactly one", runs)
	}
	if want := time.Date(2026, 3, 29, 3, 30, 0, 0, berlin); !runs[0].Equal(want) {
		t.Errorf("run = %v, want %v (03:30 CEST)", runs[0], want)
	}
	// The weeks around it are untouched.
	if next := sp.Next(runs[0], berlin); !next.Equal(time.Date(2026, 4, 5, 2, 30, 0, 0, berlin)) {
		t.Errorf("run after the gap = %v, want 2026-04-05 02:30 CEST", next)
	}
}

func TestSpecNextInsideFallBackHourFiresOnce(t *testing.T) {
	t.Parallel()
	berlin := specLoc(t, "Europe/Berlin")
	newYork := specLoc(t, "America/New_York")
	tests := []struct {
		name string
		spec string
		loc  *time.Location
		day  time.Time
		hour int
	}{
		{"Berlin 02:30 on 2026-10-25", "30 2 * * SUN", berlin, time.Date(2026, 10, 25, 0, 0, 0, 0, berlin), 2},
		{"New York 01:30 on 2026-11-01", "30 1 * * SUN", newYork, time.Date(2026, 11, 1, 0, 0, 0, 0, newYork), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sp := specMust(t, tt.spec)
			sat := tt.day.AddDate(0, 0, -1)
			mon := tt.day.AddDate(0, 0, 1)
			runs := specRuns(t, sp, tt.loc, sat, mon)
			if len(runs) != 1 {
				t.Fatalf("runs on fall-back Sunday = %v, want exactly one", runs)
			}
			l := runs[0].In(tt.loc)
			if l.Hour() != tt.hour || l.Minute() != 30 || l.Day() != tt.day.Day() {
				t.Errorf("run = %v, want %02d:30 local on %v", l, tt.hour, tt.day.Format("2006-01-02"))
			}
		})
	}
}

func TestSpecNextHourlyAcrossDST(t *testing.T) {
	t.Parallel()
	berlin := specLoc(t, "Europe/Berlin")
	newYork := specLoc(t, "America/New_York")
	sp := specMust(t, "0 * * * *")
	tests := []struct {
		name      string
		loc       *time.Location
		day       time.Time
		wantHours []int // wall-clock hours that must run exactly once
	}{
		{"Berlin fall back", berlin, time.Date(2026, 10, 25, 0, 0, 0, 0, berlin), specSeq(1, 23)},
		{"New York fall back", newYork, time.Date(2026, 11, 1, 0, 0, 0, 0, newYork), specSeq(1, 23)},
		// 02:00 does not exist; its run moves to a real instant, and 03:00 still runs.
		{"Berlin spring forward", berlin, time.Date(2026, 3, 29, 0, 0, 0, 0, berlin), append([]int{1}, specSeq(3, 23)...)},
		{"New York spring forward", newYork, time.Date(2026, 3, 8, 0, 0, 0, 0, newYork), append([]int{1}, specSeq(3, 23)...)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			runs := specRuns(t, sp, tt.loc, tt.day, tt.day.AddDate(0, 0, 1))
			count := map[int]int{}
			for _, r := range runs {
				l := r.In(tt.loc)
				if l.Minute() != 0 {
					t.Errorf("run %v is not on the hour", l)
				}
				count[l.Hour()]++
			}
			for _, h := range tt.wantHours {
				if count[h] != 1 {
					t.Errorf("wall-clock hour %02d ran %d times, want once (runs %v)", h, count[h], runs)
				}
			}
			if len(runs) != len(tt.wantHours) {
				t.Errorf("%d runs, want %d: %v", len(runs), len(tt.wantHours), runs)
			}
		})
	}
}

func specSeq(from, to int) []int {
	var out []int
	for i := from; i <= to; i++ {
		out = append(out, i)
	}
	return out
}

// The Spec doc promises that a time in a gap moves forward to an instant
// that exists. time.Date is free to pick either side of a gap, and west of
// UTC it picks the side before: a run planned for 02:30 in New York on
// spring-forward day fires at 01:30 EST, an hour before its wall time.
func TestSpecNextInsideSpringForwardGapWestOfUTCMovesForward(t *testing.T) {
	t.Parallel()
	newYork := specLoc(t, "America/New_York")
	sp := specMust(t, "30 2 * * SUN")
	runs := specRuns(t, sp, newYork, time.Date(2026, 3, 7, 12, 0, 0, 0, newYork), time.Date(2026, 3, 9, 0, 0, 0, 0, newYork))
	if len(runs) != 1 {
		t.Fatalf("runs = %v, want exactly one", runs)
	}
	gapEnd := time.Date(2026, 3, 8, 7, 0, 0, 0, time.UTC) // 03:00 EDT
	if runs[0].Before(gapEnd) {
		t.Errorf("run = %v, want at or after the gap (03:00 EDT)", runs[0].In(newYork))
	}
}

// Next is documented as "the first instant strictly after t whose
// wall-clock time matches". In Berlin time.Date maps a repeated wall time to
// its second occurrence (CET), and that is where the iterated run lands. A
// daemon asking from inside the first pass of the hour (02:45 CEST), after
// 02:30 CEST but before 02:30 CET, loses the day's run.
func TestSpecNextFromFirstPassOfRepeatedHour(t *testing.T) {
	t.Parallel()
	berlin := specLoc(t, "Europe/Berlin")
	sp := specMust(t, "30 2 * * *")
	canonical := sp.Next(time.Date(2026, 10, 24, 12, 0, 0, 0, berlin), berlin)
	from := time.Date(2026, 10, 25, 0, 45, 0, 0, time.UTC) // 02:45 CEST
	if !canonical.After(from) {
		t.Fatalf("precondition: canonical run %v is not after %v", canonical, from)
	}
	if got := sp.Next(from, berlin); !got.Equal(canonical) {
		t.Errorf("Next(%v) = %v, want %v (the same run Next yields from the day before)", from.In(berlin), got, canonical)
	}
}

func TestSpecAtOrAfter(t *testing.T) {
	t.Parallel()
	berlin := specLoc(t, "Europe/Berlin")
	newYork := specLoc(t, "America/New_York")
	window := specMust(t, "* 9-17 * * MON-FRI")
	tests := []struct {
		name string
		loc  *time.Location
		at   time.Time
		want time.Time
	}{
		{"inside the window returns t itself", berlin,
			time.Date(2026, 3, 4, 11, 22, 33, 444, berlin), time.Date(2026, 3, 4, 11, 22, 33, 444, berlin)},
		{"first minute of the window", berlin,
			time.Date(2026, 3, 4, 9, 0, 0, 0, berlin), time.Date(2026, 3, 4, 9, 0, 0, 0, berlin)},
		{"last minute of the window, seconds kept", berlin,
			time.Date(2026, 3, 4, 17, 59, 59, 0, berlin), time.Date(2026, 3, 4, 17, 59, 59, 0, berlin)},
		{"just before the window moves to 09:00", berlin,
			time.Date(2026, 3, 4, 8, 59, 59, 0, berlin), time.Date(2026, 3, 4, 9, 0, 0, 0, berlin)},
		{"evening moves to next morning", berlin,
			time.Date(2026, 3, 4, 18, 0, 0, 0, berlin), time.Date(2026, 3, 5, 9, 0, 0, 0, berlin)},
		{"Friday 18:00 moves to Monday 09:00", berlin,
			time.Date(2026, 3, 6, 18, 0, 0, 0, berlin), time.Date(2026, 3, 9, 9, 0, 0, 0, berlin)},
		{"Saturday noon moves to Monday 09:00", berlin,
			time.Date(2026, 3, 7, 12, 0, 0, 0, berlin), time.Date(2026, 3, 9, 9, 0, 0, 0, berlin)},
		{"in the recruiter's zone: Friday 18:00 New York to Monday 09:00 EDT across DST", newYork,
			time.Date(2026, 3, 6, 18, 0, 0, 0, newYork), time.Date(2026, 3, 9, 9, 0, 0, 0, newYork)},
		{"a Berlin afternoon is a New York morning: moves to 09:00 New York", newYork,
			time.Date(2026, 3, 4, 14, 0, 0, 0, berlin), time.Date(2026, 3, 4, 9, 0, 0, 0, newYork)},
		{"a Berlin evening is New York business hours: unchanged", newYork,
			time.Date(2026, 3, 4, 19, 0, 0, 0, berlin), time.Date(2026, 3, 4, 19, 0, 0, 0, berlin)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := window.AtOrAfter(tt.at, tt.loc)
			if !got.Equal(tt.want) {
				t.Errorf("AtOrAfter(%v) = %v, want %v", tt.at.In(tt.loc), got.In(tt.loc), tt.want.In(tt.loc))
			}
		})
	}
}

func TestParseQuietHoursAndSkip(t *testing.T) {
	t.Parallel()
	berlin := specLoc(t, "Europe/Berlin")
	newYork := specLoc(t, "America/New_York")
	d := func(loc *time.Location, mo time.Month, day, h, m int) time.Time {
		return time.Date(2026, mo, day, h, m, 0, 0, loc)
	}
	tests := []struct {
		name  string
		quiet string
		loc   *time.Location
		at    time.Time
		want  time.Time
	}{
		{"overnight: 22:00 waits for next day 08:00", "21:00-08:00", berlin, d(berlin, 3, 4, 22, 0), d(berlin, 3, 5, 8, 0)},
		{"overnight: 21:00 is inside", "21:00-08:00", berlin, d(berlin, 3, 4, 21, 0), d(berlin, 3, 5, 8, 0)},
		{"overnight: 20:59 is outside", "21:00-08:00", berlin, d(berlin, 3, 4, 20, 59), d(berlin, 3, 4, 20, 59)},
		{"overnight: 00:00 waits until 08:00 the same day", "21:00-08:00", berlin, d(berlin, 3, 5, 0, 0), d(berlin, 3, 5, 8, 0)},
		{"overnight: 07:59 waits one minute", "21:00-08:00", berlin, d(berlin, 3, 5, 7, 59), d(berlin, 3, 5, 8, 0)},
		{"overnight: 08:00 is unchanged", "21:00-08:00", berlin, d(berlin, 3, 5, 8, 0), d(berlin, 3, 5, 8, 0)},
		{"overnight: 12:00 is unchanged", "21:00-08:00", berlin, d(berlin, 3, 5, 12, 0), d(berlin, 3, 5, 12, 0)},
		{"midday: 13:00 waits until 14:00", "13:00-14:00", berlin, d(berlin, 3, 5, 13, 0), d(berlin, 3, 5, 14, 0)},
		{"midday: 13:59 waits until 14:00", "13:00-14:00", berlin, d(berlin, 3, 5, 13, 59), d(berlin, 3, 5, 14, 0)},
		{"midday: 14:00 is unchanged", "13:00-14:00", berlin, d(berlin, 3, 5, 14, 0), d(berlin, 3, 5, 14, 0)},
		{"midday: 12:59 is unchanged", "13:00-14:00", berlin, d(berlin, 3, 5, 12, 59), d(berlin, 3, 5, 12, 59)},
		{"midday: 22:00 is unchanged", "13:00-14:00", berlin, d(berlin, 3, 5, 22, 0), d(berlin, 3, 5, 22, 0)},
		{"empty means none", "", berlin, d(berlin, 3, 5, 3, 0), d(berlin, 3, 5, 3, 0)},
		// The end is a wall-clock time on the day it falls, so the quiet
		// night before a DST change is an hour shorter or longer.
		{"Berlin spring forward: ends 08:00 CEST, 10h after 22:00 CET", "21:00-08:00", berlin, d(berlin, 3, 28, 22, 0), d(berlin, 3, 29, 8, 0)},
		{"Berlin fall back: ends 08:00 CET", "21:00-08:00", berlin, d(berlin, 10, 24, 22, 0), d(berlin, 10, 25, 8, 0)},
		{"Berlin fall back: inside the repeated hour", "21:00-08:00", berlin, time.Date(2026, 10, 25, 1, 30, 0, 0, time.UTC), d(berlin, 10, 25, 8, 0)},
		{"New York spring forward: ends 08:00 EDT", "21:00-08:00", newYork, d(newYork, 3, 7, 23, 0), d(newYork, 3, 8, 8, 0)},
		{"New York fall back: ends 08:00 EST", "21:00-08:00", newYork, d(newYork, 10, 31, 23, 0), d(newYork, 11, 1, 8, 0)},
		{"Berlin: end inside the gap lands at 03:30 CEST", "01:00-02:30", berlin, d(berlin, 3, 29, 1, 30), time.Date(2026, 3, 29, 1, 30, 0, 0, time.UTC)},
		{"a UTC instant is judged on the local clock", "21:00-08:00", berlin, time.Date(2026, 3, 4, 20, 30, 0, 0, time.UTC), d(berlin, 3, 5, 8, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			q, err := when.ParseQuietHours(tt.quiet)
			if err != nil {
				t.Fatalf("ParseQuietHours(%q): %v", tt.quiet, err)
			}
			if q.String() != tt.quiet {
				t.Errorf("ParseQuietHours(%q).String() = %q", tt.quiet, q.String())
			}
			got := q.Skip(tt.at, tt.loc)
			if !got.Equal(tt.want) {
				t.Errorf("Skip(%v) = %v, want %v", tt.at.In(tt.loc), got.In(tt.loc), tt.want.In(tt.loc))
			}
			if got.Before(tt.at) {
				t.Errorf("Skip(%v) = %v moved backwards", tt.at, got)
			}
		})
	}
}

// Quiet hours that end inside a spring-forward gap, in a zone west of UTC:
// time.Date maps the end to the instant before the gap, which is still
// inside the quiet hours, or is not after t and pushes the message a whole
// day.
func TestQuietHoursSkipEndInsideGapWestOfUTC(t *testing.T) {
	t.Parallel()
	newYork := specLoc(t, "America/New_York")
	q, err := when.ParseQuietHours("22:00-02:30")
	if err != nil {
		t.Fatal(err)
	}
	gapEnd := time.Date(2026, 3, 8, 7, 0, 0, 0, time.UTC) // 03:00 EDT
	for _, at := range []time.Time{
		time.Date(2026, 3, 8, 0, 30, 0, 0, newYork),
		time.Date(2026, 3, 8, 1, 45, 0, 0, newYork),
	} {
		got := q.Skip(at, newYork)
		if got.Before(gapEnd) || got.After(gapEnd.Add(30*time.Minute)) {
			t.Errorf("Skip(%v) = %v, want the end of the gap (03:00-03:30 EDT)", at, got.In(newYork))
		}
	}
}

func TestParseQuietHoursBad(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want []string
	}{
		{"21-8", []string{`"21-8"`, `"21"`, "time of day"}},
		{"25:00-08:00", []string{`"25:00"`, "time of day"}},
		{"21:00-08:60", []string{`"08:60"`}},
		{"08:00-08:00", []string{"start and end are the same"}},
		{"21:00", []string{"HH:MM-HH:MM"}},
		{"21:00 to 08:00", []string{"HH:MM-HH:MM"}},
		{"21:00-08:00-09:00", []string{"time of day"}},
		{"-", []string{"time of day"}},
		{"noon-night", []string{`"noon"`}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			_, err := when.ParseQuietHours(tt.in)
			if err == nil {
				t.Fatalf("ParseQuietHours(%q) succeeded, want an error", tt.in)
			}
			for _, frag := range tt.want {
				if !strings.Contains(err.Error(), frag) {
					t.Errorf("ParseQuietHours(%q) error %q does not mention %q", tt.in, err, frag)
				}
			}
		})
	}
}

func TestParseQuietHoursEmptyIsNone(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"", "  "} {
		q, err := when.ParseQuietHours(in)
		if err != nil {
			t.Fatalf("ParseQuietHours(%q): %v", in, err)
		}
		if q.String() != "" {
			t.Errorf("ParseQuietHours(%q).String() = %q, want empty", in, q.String())
		}
		// Every minute of a day passes through unchanged.
		start := time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC)
		for m := 0; m < 24*60; m += 7 {
			at := start.Add(time.Duration(m) * time.Minute)
			if got := q.Skip(at, time.UTC); !got.Equal(at) {
				t.Fatalf("no quiet hours: Skip(%v) = %v", at, got)
			}
		}
	}
}

// The gap rule holds whenever the next run is computed: before the gap,
// from the minutes after it in which the moved run is still to come (a
// fresh database or a reload at 03:10 CEST), and after the moved run.
func TestSpecNextGapRuleHoldsWhereverItIsComputedFrom(t *testing.T) {
	t.Parallel()
	berlin := specLoc(t, "Europe/Berlin")
	newYork := specLoc(t, "America/New_York")
	d := func(loc *time.Location, day, h, m int) time.Time { return time.Date(2026, 3, day, h, m, 0, 0, loc) }
	tests := []struct {
		name string
		spec string
		loc  *time.Location
		from time.Time
		want time.Time
	}{
		{"Berlin, from before the gap", "30 2 * * *", berlin, d(berlin, 29, 1, 59), d(berlin, 29, 3, 30)},
		{"Berlin, from the first minute after the gap", "30 2 * * *", berlin, d(berlin, 29, 3, 0), d(berlin, 29, 3, 30)},
		{"Berlin, from 03:10, before the moved run", "30 2 * * *", berlin, d(berlin, 29, 3, 10), d(berlin, 29, 3, 30)},
		{"Berlin, Sundays only, from 03:29", "30 2 * * SUN", berlin, d(berlin, 29, 3, 29), d(berlin, 29, 3, 30)},
		{"Berlin, from the moved run", "30 2 * * *", berlin, d(berlin, 29, 3, 30), d(berlin, 30, 2, 30)},
		{"Berlin, from after the moved run", "30 2 * * *", berlin, d(berlin, 29, 3, 31), d(berlin, 30, 2, 30)},
		{"Berlin, 03:00 itself is not run twice", "0 3 * * *", berlin, d(berlin, 29, 3, 10), d(berlin, 30, 3, 0)},
		{"Berlin, every minute from 03:10", "* * * * *", berlin, d(berlin, 29, 3, 10), d(berlin, 29, 3, 11)},
		{"New York, from 03:15 EDT", "45 2 * * *", newYork, d(newYork, 8, 3, 15), d(newYork, 8, 3, 45)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := specMust(t, tt.spec).Next(tt.from, tt.loc); !got.Equal(tt.want) {
				t.Errorf("Next(%v) = %v, want %v", tt.from, got.In(tt.loc), tt.want)
			}
		})
	}
}

// A business day skips Saturdays and Sundays on the zone's calendar, and
// keeps the wall-clock time across a DST change.
func TestBusinessDays(t *testing.T) {
	t.Parallel()
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip(err)
	}
	at := func(day, hour int) time.Time { return time.Date(2026, time.March, day, hour, 0, 0, 0, berlin) }
	for _, tc := range []struct {
		name  string
		delay string
		from  time.Time
		want  time.Time
	}{
		{"Tuesday +1bd", "1bd", at(3, 15), at(4, 15)},
		{"Thursday +5bd is the next Thursday", "5bd", at(5, 15), at(12, 15)},
		{"Friday +1bd is Monday", "1bd", at(6, 15), at(9, 15)},
		{"Saturday +1bd is Monday", "1bd", at(7, 10), at(9, 10)},
		{"Sunday +1bd is Monday", "1bd", at(8, 10), at(9, 10)},
		{"across the spring change, the same clock", "2bd", at(27, 9), at(31, 9)},
		{"days then business days", "1d1bd", at(6, 9), at(9, 9)},
	} {
		d, err := when.ParseDelay(tc.delay)
		if err != nil {
			t.Fatal(err)
		}
		if got := d.After(tc.from, berlin); !got.Equal(tc.want) {
			t.Errorf("%s: %s after %s = %s, want %s", tc.name, tc.delay, tc.from, got, tc.want)
		}
		if got := d.Before(tc.want, berlin); d.Days == 0 && tc.from.Weekday() != time.Saturday && tc.from.Weekday() != time.Sunday && !got.Equal(tc.from) {
			t.Errorf("%s: %s before %s = %s, want %s", tc.name, tc.delay, tc.want, got, tc.from)
		}
		if back, err := when.ParseDelay(d.String()); err != nil || back != d {
			t.Errorf("%s: String() = %q does not read back: %+v, %v", tc.name, d.String(), back, err)
		}
	}
}
