package transfer

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// DateOrder says how to read a date like 04/03/2026, where the day and
// the month could each be either number.
type DateOrder string

// The orders of day and month in a numeric date.
const (
	// Unknown refuses a date whose reading depends on the order.
	Unknown DateOrder = ""
	DMY     DateOrder = "dmy"
	MDY     DateOrder = "mdy"
)

var months = map[string]time.Month{}

func init() {
	for m := time.January; m <= time.December; m++ {
		name := strings.ToLower(m.String())
		months[name] = m
		months[name[:3]] = m
	}
	months["sept"] = time.September
}

var weekdays = map[string]bool{}

func init() {
	for d := time.Sunday; d <= time.Saturday; d++ {
		name := strings.ToLower(d.String())
		weekdays[name], weekdays[name[:3]] = true, true
	}
}

// ParseDate reads a date as people write them in spreadsheets:
// 2026-03-04, 2026/03/04, 04/03/2026 or 4.3.26 (with order, or when only
// one reading is possible), "4 March 2026", "Mar 4, 2026", "Wed 4th Mar
// 2026", or an RFC 3339 time. The date is midnight in loc; a time keeps
// its instant.
func ParseDate(s string, order DateOrder, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, fmt.Errorf("no date")
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	// Numeric: three numbers with one kind of separator.
	for _, sep := range []string{"-", "/", "."} {
		parts := strings.Split(s, sep)
		if len(parts) != 3 || !allDigits(parts) {
			continue
		}
		n := make([]int, 3)
		for i, p := range parts {
			n[i], _ = strconv.Atoi(p)
		}
		if len(parts[0]) == 4 {
			return date(n[0], time.Month(n[1]), n[2], s, loc)
		}
		year := n[2]
		switch len(parts[2]) {
		case 2:
			year += 2000
		case 4:
		default:
			return time.Time{}, fmt.Errorf("%q: the year is not 4 digits (or 2)", s)
		}
		a, b := n[0], n[1]
		switch {
		case a > 12 && b > 12:
			return time.Time{}, fmt.Errorf("%q is not a date: neither %d nor %d is a month", s, a, b)
		case a > 12 || order == DMY && b <= 12:
			return date(year, time.Month(b), a, s, loc)
		case b > 12 || order == MDY:
			return date(year, time.Month(a), b, s, loc)
		case a == b:
			return date(year, time.Month(a), b, s, loc)
		}
		return time.Time{}, fmt.Errorf("%q could be %s or %s: give --date-order dmy or mdy", s,
			mustDate(year, b, a), mustDate(year, a, b))
	}
	// In words: a month name, a day and a year, in either order.
	fields := strings.Fields(strings.NewReplacer(",", " ", "-", " ", "/", " ", ".", " ").Replace(strings.ToLower(s)))
	var day, year int
	var month time.Month
	for _, f := range fields {
		if weekdays[f] {
			continue
		}
		if m, ok := months[f]; ok && month == 0 {
			month = m
			continue
		}
		num := strings.TrimRight(f, "stndrh")
		if v, err := strconv.Atoi(num); err == nil && num != "" {
			switch {
			case len(num) == 4 && year == 0:
				year = v
				continue
			case len(num) <= 2 && day == 0:
				day = v
				continue
			}
		}
		return time.Time{}, fmt.Errorf("%q is not a date onward can read (write it like 2026-03-04)", s)
	}
	if month == 0 || day == 0 || year == 0 {
		return time.Time{}, fmt.Errorf("%q is not a date onward can read (write it like 2026-03-04)", s)
	}
	return date(year, month, day, s, loc)
}

func allDigits(parts []string) bool {
	for _, p := range parts {
		if p == "" || strings.Trim(p, "0123456789") != "" {
			return false
		}
	}
	return true
}

func date(y int, m time.Month, d int, s string, loc *time.Location) (time.Time, error) {
	t := time.Date(y, m, d, 0, 0, 0, 0, loc)
	if m < 1 || m > 12 || t.Day() != d || y < 1900 || y > 2200 {
		return time.Time{}, fmt.Errorf("%q is not a date on the calendar", s)
	}
	return t, nil
}

func mustDate(y, m, d int) string {
	return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC).Format("2 January 2006")
}
