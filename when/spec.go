// Package when is onward's time vocabulary: delays in calendar days and
// clock time, wall-clock times that survive DST, cron specs read in the
// user's zone, quiet hours and the prep note's rule. It knows nothing of
// messages or the database, so config can parse a setting without linking
// either.
package when

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// Delay is how long to wait before a follow-up: whole calendar days (d, w),
// business days (bd: Monday to Friday) and clock time (h, m, s). Days and clock time are kept apart because
// "1 day later" means the same wall-clock time on the next date, which is 23
// or 25 hours across a DST change, while "3h" means three elapsed hours.
type Delay struct {
	Days int
	// BusinessDays are counted after Days, skipping Saturdays and
	// Sundays: "you'll hear from us in five business days" from a
	// Thursday is the Thursday after.
	BusinessDays int
	Clock        time.Duration
}

// maxDelayDays keeps a typo such as "4000d" from planning mail for a decade.
const maxDelayDays = 366

// ParseDelay reads a delay such as "3h", "7d", "5bd", "2w", "1d12h" or
// "90m". Units: w (7 calendar days), d (calendar day), bd (business day,
// Monday to Friday), h, m, s.
func ParseDelay(s string) (Delay, error) {
	in := strings.TrimSpace(s)
	if in == "" {
		return Delay{}, errors.New("empty duration")
	}
	var d Delay
	rest := in
	for rest != "" {
		i := 0
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		if i == 0 {
			if rest[0] == '-' {
				return Delay{}, fmt.Errorf("duration %q is negative", in)
			}
			return Delay{}, fmt.Errorf("duration %q: expected a number at %q (examples: 3h, 7d, 2w, 1d12h)", in, rest)
		}
		if i > 6 {
			return Delay{}, fmt.Errorf("duration %q is too long", in)
		}
		n, _ := strconv.Atoi(rest[:i])
		rest = rest[i:]
		if rest == "" {
			return Delay{}, fmt.Errorf("duration %q: missing unit after %d (use w, d, bd, h, m or s)", in, n)
		}
		unit := rest[0]
		rest = rest[1:]
		if unit == 'b' && strings.HasPrefix(rest, "d") {
			unit, rest = 'B', rest[1:]
		}
		if n > maxDelayDays*24*3600 {
			return Delay{}, fmt.Errorf("duration %q is longer than a year", in)
		}
		switch unit {
		case 'w':
			d.Days += 7 * n
		case 'd':
			d.Days += n
		case 'B':
			d.BusinessDays += n
		case 'h':
			d.Clock += time.Duration(n) * time.Hour
		case 'm':
			d.Clock += time.Duration(n) * time.Minute
		case 's':
			d.Clock += time.Duration(n) * time.Second
		default:
			return Delay{}, fmt.Errorf("duration %q: unknown unit %q (use w, d, bd, h, m or s)", in, unit)
		}
		// Checked after every part, so a long sum cannot overflow.
		if d.Days+d.BusinessDays*7/5+int(d.Clock/(24*time.Hour)) > maxDelayDays {
			return Delay{}, fmt.Errorf("duration %q is longer than a year", in)
		}
	}
	return d, nil
}

// After returns t plus the delay, counting days on the calendar of loc.
func (d Delay) After(t time.Time, loc *time.Location) time.Time {
	return addBusinessDays(addDays(t, d.Days, loc), d.BusinessDays, loc).Add(d.Clock)
}

// Before returns t minus the delay, counting days on the calendar of loc.
func (d Delay) Before(t time.Time, loc *time.Location) time.Time {
	return addDays(addBusinessDays(t.Add(-d.Clock), -d.BusinessDays, loc), -d.Days, loc)
}

// AddBusinessDays moves t by n days that are not a Saturday or a Sunday
// on the calendar of loc, keeping its wall-clock time; a negative n moves
// back. From a weekend, one business day later is the Monday.
func AddBusinessDays(t time.Time, n int, loc *time.Location) time.Time {
	return addBusinessDays(t, n, loc)
}

func addBusinessDays(t time.Time, n int, loc *time.Location) time.Time {
	if n == 0 {
		return t.In(loc)
	}
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	l := t.In(loc)
	y, m, day := l.Date()
	for n > 0 {
		day += step
		wd := time.Date(y, m, day, 12, 0, 0, 0, time.UTC).Weekday()
		if wd != time.Saturday && wd != time.Sunday {
			n--
		}
	}
	return Wall(y, m, day, l.Hour(), l.Minute(), l.Second(), l.Nanosecond(), loc)
}

// addDays moves t by whole calendar days, keeping its wall-clock time.
func addDays(t time.Time, days int, loc *time.Location) time.Time {
	if days == 0 {
		return t.In(loc)
	}
	l := t.In(loc)
	return Wall(l.Year(), l.Month(), l.Day()+days, l.Hour(), l.Minute(), l.Second(), l.Nanosecond(), loc)
}

// Wall returns the instant a wall-clock time names in loc, the same way in
// every zone: a time inside a spring-forward gap moves forward by the
// length of the gap (02:30 becomes 03:30), and a time that occurs twice in
// a fall-back hour is its second occurrence. time.Date leaves both cases
// unspecified, and in practice Berlin and New York differ.
func Wall(year int, month time.Month, day, hour, min, sec, nsec int, loc *time.Location) time.Time {
	norm := time.Date(year, month, day, hour, min, sec, nsec, time.UTC)
	t := time.Date(year, month, day, hour, min, sec, nsec, loc)
	_, before := t.Add(-3 * time.Hour).Zone()
	_, after := t.Add(3 * time.Hour).Zone()
	if before == after {
		return t
	}
	a := norm.Add(-time.Duration(before) * time.Second).In(loc)
	b := norm.Add(-time.Duration(after) * time.Second).In(loc)
	reads := func(x time.Time) bool { return floating(x, loc).Equal(norm) }
	switch {
	case reads(a) && !reads(b):
		return a
	case reads(b) && !reads(a):
		return b
	}
	// Both readings exist (a repeated hour) or neither does (a gap): the
	// later instant is the second occurrence, or the one past the gap.
	if a.After(b) {
		return a
	}
	return b
}

// IsZero reports whether the delay is nothing at all.
func (d Delay) IsZero() bool { return d.Days == 0 && d.BusinessDays == 0 && d.Clock == 0 }

// String writes the delay the way ParseDelay reads it: "1d2h30m".
func (d Delay) String() string {
	if d.IsZero() {
		return "0s"
	}
	var b strings.Builder
	if d.Days > 0 {
		fmt.Fprintf(&b, "%dd", d.Days)
	}
	if d.BusinessDays > 0 {
		fmt.Fprintf(&b, "%dbd", d.BusinessDays)
	}
	c := d.Clock
	for _, u := range []struct {
		unit time.Duration
		name string
	}{{time.Hour, "h"}, {time.Minute, "m"}, {time.Second, "s"}} {
		if n := c / u.unit; n > 0 {
			fmt.Fprintf(&b, "%d%s", n, u.name)
			c -= n * u.unit
		}
	}
	return b.String()
}

// Spec is a parsed five-field cron expression, evaluated on the wall clock
// of whatever zone the caller names.
//
// robfig/cron evaluates specs on real instants, which skips a run whose
// wall-clock time falls in a spring-forward gap and can repeat one in a
// fall-back hour. Spec instead evaluates on a floating wall clock (UTC,
// which has no DST) and maps the answer back into the zone: a time in a gap
// moves forward to the first instant that exists, and a repeated hour runs
// once.
type Spec struct {
	text  string
	sched cron.Schedule
}

// ParseSpec parses a standard five-field cron spec ("0 18 * * SUN").
// Zone prefixes are refused: the zone comes from the config.
func ParseSpec(s string) (sp Spec, err error) {
	in := strings.TrimSpace(s)
	if in == "" {
		return Spec{}, errors.New("empty cron spec")
	}
	if strings.HasPrefix(in, "TZ=") || strings.HasPrefix(in, "CRON_TZ=") {
		return Spec{}, fmt.Errorf("cron spec %q: a zone prefix is not allowed here; set [user] timezone instead", in)
	}
	if strings.HasPrefix(in, "@") {
		return Spec{}, fmt.Errorf("cron spec %q: descriptors such as @daily are not supported; use five fields", in)
	}
	// robfig/cron panics on some malformed input; a config file must not
	// be able to crash the daemon.
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("cron spec %q does not parse", in)
		}
	}()
	sched, err := cron.ParseStandard(in)
	if err != nil {
		return Spec{}, fmt.Errorf("cron spec %q: %w (want five fields: minute hour day-of-month month day-of-week)", in, err)
	}
	sp = Spec{text: in, sched: sched}
	if sp.Next(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.UTC).IsZero() {
		return Spec{}, fmt.Errorf("cron spec %q never matches a real date", in)
	}
	return sp, nil
}

// String returns the spec as written.
func (s Spec) String() string { return s.text }

// IsZero reports whether the spec was never set.
func (s Spec) IsZero() bool { return s.sched == nil }

// Next returns the first instant strictly after t whose wall-clock time in
// loc matches the spec, or the zero time if there is none within five years.
//
// The rule for a spring-forward gap is Wall's: a run whose wall-clock time
// falls in the gap moves forward by the length of the gap ("30 2 * * *"
// on a day Berlin skips from 02:00 to 03:00 runs at 03:30 CEST). It holds
// whenever the next run is computed: before the gap, and also from the
// minutes just after it, where the moved run is still to come although
// its wall-clock time has already gone by.
func (s Spec) Next(t time.Time, loc *time.Location) time.Time {
	wall := floating(t, loc)
	_, now := t.In(loc).Zone()
	// Just before a fall-back change the clock will show earlier times
	// again; search from the earliest wall time still to come, so a run
	// in the repeated hour (whose second occurrence is the one that
	// counts, see Wall) is not skipped.
	if _, later := t.Add(2 * time.Hour).In(loc).Zone(); later < now {
		wall = wall.Add(-time.Duration(now-later) * time.Second)
	}
	// Just after a spring-forward change, runs in the gap moved to the
	// instants after it; search from the wall time the gap began, so one
	// of them still to come is not skipped.
	if _, before := t.Add(-26 * time.Hour).In(loc).Zone(); before < now {
		gap := time.Duration(now-before) * time.Second
		if _, then := t.Add(-gap).In(loc).Zone(); then != now {
			wall = wall.Add(-gap)
		}
	}
	// Every run the searches above step over lies within a day of t, so
	// this bound holds a spec that matches every minute.
	for range 3000 {
		next := s.sched.Next(wall)
		if next.IsZero() {
			return time.Time{}
		}
		if at := fromFloating(next, loc); at.After(t) {
			return at
		}
		wall = next
	}
	return time.Time{}
}

// AtOrAfter returns t itself if the minute containing t matches the spec,
// else the next matching minute.
func (s Spec) AtOrAfter(t time.Time, loc *time.Location) time.Time {
	minute := t.Truncate(time.Minute)
	if s.Next(minute.Add(-time.Second), loc).Equal(minute) {
		return t
	}
	return s.Next(t, loc)
}

// floating returns the wall clock of t in loc as the same numbers in UTC.
func floating(t time.Time, loc *time.Location) time.Time {
	l := t.In(loc)
	return time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), l.Second(), l.Nanosecond(), time.UTC)
}

func fromFloating(f time.Time, loc *time.Location) time.Time {
	return Wall(f.Year(), f.Month(), f.Day(), f.Hour(), f.Minute(), f.Second(), f.Nanosecond(), loc)
}

// QuietHours is a daily span of wall-clock time in which onward sends the
// user nothing. The span may cross midnight ("21:00-08:00").
type QuietHours struct {
	start, end int // minutes after midnight; start == end means none
}

// ParseQuietHours reads "HH:MM-HH:MM"; the empty string means no quiet hours.
func ParseQuietHours(s string) (QuietHours, error) {
	in := strings.TrimSpace(s)
	if in == "" {
		return QuietHours{}, nil
	}
	from, to, ok := strings.Cut(in, "-")
	if !ok {
		return QuietHours{}, fmt.Errorf("quiet hours %q: want HH:MM-HH:MM, for example 21:00-08:00", in)
	}
	start, err := parseClock(from)
	if err != nil {
		return QuietHours{}, fmt.Errorf("quiet hours %q: %w", in, err)
	}
	end, err := parseClock(to)
	if err != nil {
		return QuietHours{}, fmt.Errorf("quiet hours %q: %w", in, err)
	}
	if start == end {
		return QuietHours{}, fmt.Errorf("quiet hours %q: start and end are the same", in)
	}
	return QuietHours{start: start, end: end}, nil
}

func parseClock(s string) (int, error) {
	t, err := time.Parse("15:04", strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("%q is not a time of day like 08:00", strings.TrimSpace(s))
	}
	return t.Hour()*60 + t.Minute(), nil
}

func (q QuietHours) String() string {
	if q.start == q.end {
		return ""
	}
	return fmt.Sprintf("%02d:%02d-%02d:%02d", q.start/60, q.start%60, q.end/60, q.end%60)
}

// contains reports whether a minute of the day lies inside the span.
func (q QuietHours) contains(minute int) bool {
	if q.start < q.end {
		return minute >= q.start && minute < q.end
	}
	return minute >= q.start || minute < q.end
}

// Skip returns t, or the end of the quiet hours if t falls inside them.
func (q QuietHours) Skip(t time.Time, loc *time.Location) time.Time {
	if q.start == q.end {
		return t
	}
	l := t.In(loc)
	if !q.contains(l.Hour()*60 + l.Minute()) {
		return t
	}
	end := Wall(l.Year(), l.Month(), l.Day(), q.end/60, q.end%60, 0, 0, loc)
	if !end.After(t) {
		end = Wall(l.Year(), l.Month(), l.Day()+1, q.end/60, q.end%60, 0, 0, loc)
	}
	return end
}

// PrepRule says when the prep note falls due before an interview: at a
// clock time the day before ("18:00 the day before"), or a delay before
// the start ("3h", "1d").
type PrepRule struct {
	dayBefore bool
	clock     int // minutes after midnight, with dayBefore
	before    Delay
}

// ParsePrep reads a prep rule; the empty string switches prep notes off.
func ParsePrep(s string) (PrepRule, bool, error) {
	in := strings.TrimSpace(s)
	if in == "" {
		return PrepRule{}, false, nil
	}
	if clock, ok := strings.CutSuffix(in, " the day before"); ok {
		m, err := parseClock(clock)
		if err != nil {
			return PrepRule{}, false, fmt.Errorf("prep %q: %w", in, err)
		}
		return PrepRule{dayBefore: true, clock: m}, true, nil
	}
	d, err := ParseDelay(in)
	if err != nil {
		return PrepRule{}, false, fmt.Errorf("prep %q: want \"HH:MM the day before\" or a duration before the start such as 3h: %w", in, err)
	}
	if d.IsZero() {
		return PrepRule{}, false, fmt.Errorf("prep %q: a prep note at the start of the interview is too late", in)
	}
	return PrepRule{before: d}, true, nil
}

func (r PrepRule) String() string {
	if r.dayBefore {
		return fmt.Sprintf("%02d:%02d the day before", r.clock/60, r.clock%60)
	}
	return r.before.String()
}

// At returns when the note is planned for an interview starting at start.
func (r PrepRule) At(start time.Time, loc *time.Location) time.Time {
	if r.dayBefore {
		l := start.In(loc)
		return Wall(l.Year(), l.Month(), l.Day()-1, r.clock/60, r.clock%60, 0, 0, loc)
	}
	return r.before.Before(start, loc)
}
