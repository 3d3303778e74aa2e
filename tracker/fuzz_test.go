package tracker_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/onward-app/onward/tracker"
)

// FuzzParseTime: a time is accepted only within 2000–2100, and an error
// is an InputError for the field "time" (the CLI swaps that name for its
// flag's) that quotes the input. Looking for the word "time" in the message
// would pass on Go's own "parsing time ..." error too, or on an input that
// spells it.
func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"2026-03-02 14:00", "2026-03-02", "2026-03-02T14:00:00Z", "2026-03-02T14:00", "tomorrow",
		"1999-01-01", "2101-01-01", "2026-02-30", "2026-03-29 02:30", "", "\x00", "2026-03-02 24:00", strings.Repeat("0", 41)} {
		f.Add(s)
	}
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := tracker.ParseTime(s, loc)
		if err != nil {
			var ie *tracker.InputError
			if !errors.As(err, &ie) || ie.Field != "time" || !strings.HasPrefix(err.Error(), "time: ") {
				t.Fatalf("ParseTime(%q): error %q does not name the field", s, err)
			}
			if !errors.Is(err, tracker.ErrInvalid) {
				t.Fatalf("ParseTime(%q): error %q is not ErrInvalid, so the CLI would not exit 2", s, err)
			}
			// A long input is named by its first 40 characters.
			named := strings.TrimSpace(s)
			if r := []rune(named); len(r) > 40 {
				named = string(r[:40]) + "…"
			}
			if in := strconv.Quote(named); !strings.Contains(ie.Msg, in) {
				t.Fatalf("ParseTime(%q): error %q does not quote the input %s", s, err, in)
			}
			return
		}
		if got.Year() < 1999 || got.Year() > 2101 || got.Location() != time.UTC {
			t.Fatalf("ParseTime(%q) = %v", s, got)
		}
	})
}

// FuzzTags: tags are normalised words, never containing #, spaces or
// upper case, and each appears once.
func FuzzTags(f *testing.F) {
	for _, s := range []string{"Practise #system-design", "C# and F#", "https://x.example/#a", "#Ü #ü", "##", "#-_-", "(#a)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		seen := map[string]bool{}
		for _, tag := range tracker.Tags(s) {
			if tag == "" || seen[tag] || strings.ContainsAny(tag, "# \t\r\n") || strings.ToLower(tag) != tag ||
				!utf8.ValidString(tag) || utf8.RuneCountInString(tag) > 40 {
				t.Fatalf("Tags(%q) gave bad tag %q", s, tag)
			}
			seen[tag] = true
		}
	})
}
