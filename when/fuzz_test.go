package when_test

import (
	"testing"
	"time"

	"github.com/onward-app/onward/when"
)

// FuzzParseDelay: any string either parses into a delay no longer than a
// year that adds forward, or is refused; never a panic.
func FuzzParseDelay(f *testing.F) {
	for _, s := range []string{"3h", "7d", "2w", "1d12h", "90m", "45s", "", "-1d", "4000d", "1.5h", "99999999999h", "d", "1w1w1w1w1w1w1w1w1w1w1w1w1w1w1w1w1w1w1w1w1w1w1w1w1w1w1w1w1w1w1w1w1w1w1w1w1w1w1w1w1w1w1w1w1w1w1w1w1w1w1w1w1w1w"} {
		f.Add(s)
	}
	base := time.Date(2026, 3, 29, 1, 30, 0, 0, time.UTC)
	berlin := mustZone("Europe/Berlin")
	f.Fuzz(func(t *testing.T, s string) {
		d, err := when.ParseDelay(s)
		if err != nil {
			return
		}
		if d.Days < 0 || d.Clock < 0 || d.Days > 366 || d.Clock > 367*24*time.Hour {
			t.Fatalf("ParseDelay(%q) = %+v: out of range", s, d)
		}
		if got := d.After(base, berlin); got.Before(base) {
			t.Fatalf("ParseDelay(%q).After went backwards: %v", s, got)
		}
	})
}

// FuzzParseSpec: robfig/cron panics on some specs; ParseSpec must not, and
// a spec it accepts must give a next run after the start.
func FuzzParseSpec(f *testing.F) {
	for _, s := range []string{"0 18 * * SUN", "* 9-17 * * MON-FRI", "TZ=0", "CRON_TZ=UTC", "CRON_TZ=UTC * * * * *",
		"@daily", "* * 31 2 *", "60 * * * *", "*/0 * * * *", "1-0 * * * *", "0 0 0 0 0", "? ? ? ? ?", "* * * * * * *"} {
		f.Add(s)
	}
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		sp, err := when.ParseSpec(s)
		if err != nil {
			return
		}
		if next := sp.Next(start, time.UTC); !next.After(start) {
			t.Fatalf("ParseSpec(%q) accepted a spec whose next run %v is not after %v", s, next, start)
		}
	})
}

// FuzzQuietHours: Skip never moves a time backwards or past a day.
func FuzzQuietHours(f *testing.F) {
	for _, s := range []string{"21:00-08:00", "13:00-14:00", "", "25:00-08:00", "08:00-08:00", "21-8"} {
		f.Add(s, int64(0))
	}
	berlin := mustZone("Europe/Berlin")
	f.Fuzz(func(t *testing.T, s string, offset int64) {
		q, err := when.ParseQuietHours(s)
		if err != nil {
			return
		}
		at := time.Date(2026, 3, 28, 0, 0, 0, 0, time.UTC).Add(time.Duration(offset%(4*24*3600)) * time.Second)
		got := q.Skip(at, berlin)
		if got.Before(at) || got.Sub(at) > 25*time.Hour {
			t.Fatalf("quiet %q: Skip(%v) = %v", s, at, got)
		}
	})
}

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}
