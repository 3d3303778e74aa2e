package tracker

import (
	"errors"
	"strings"
	"time"
	"unicode/utf8"
)

// ParseTime reads a time the way a person types it: RFC 3339, or
// "YYYY-MM-DD HH:MM" or "YYYY-MM-DD" on the wall clock of loc. A date
// alone means 09:00 that day, a plausible start for an interview.
func ParseTime(s string, loc *time.Location) (time.Time, error) {
	in := strings.TrimSpace(s)
	t, err := parseTime(in, loc)
	if errors.Is(err, errSkipped) {
		return time.Time{}, invalid("time", "%q does not exist in %s: the clocks skip that hour", in, loc)
	}
	if err != nil {
		return time.Time{}, invalid("time", "%q is not a time; use \"2026-03-02 14:00\", \"2026-03-02\" or RFC 3339", clip(in))
	}
	if t.Year() < 2000 || t.Year() > 2100 {
		return time.Time{}, invalid("time", "%q is not a plausible date", in)
	}
	return t.UTC(), nil
}

func parseTime(in string, loc *time.Location) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, in); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation("2006-01-02", in, loc); err == nil {
		return time.Date(t.Year(), t.Month(), t.Day(), 9, 0, 0, 0, loc), nil
	}
	layout := "2006-01-02 15:04"
	t, err := time.ParseInLocation(layout, in, loc)
	if err != nil {
		layout = "2006-01-02T15:04"
		if t, err = time.ParseInLocation(layout, in, loc); err != nil {
			return t, err
		}
	}
	// A wall-clock time inside a spring-forward gap never happened; Go
	// would quietly move it by an hour.
	if t.In(loc).Format(layout) != in {
		return time.Time{}, errSkipped
	}
	return t, nil
}

var errSkipped = errors.New("skipped")

// clip shortens a value quoted in an error: a page pasted into a date
// field is named by its start, not echoed whole.
func clip(s string) string {
	const max = 40
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	return string([]rune(s)[:max]) + "…"
}
