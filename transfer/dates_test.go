package transfer

import (
	"strings"
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	march4 := time.Date(2026, 3, 4, 0, 0, 0, 0, berlin)
	for _, tc := range []struct {
		in    string
		order DateOrder
		want  time.Time
		err   string
	}{
		{in: "2026-03-04", want: march4},
		{in: "2026/3/4", want: march4},
		{in: "04/03/2026", order: DMY, want: march4},
		{in: "03/04/2026", order: MDY, want: march4},
		{in: "04/03/2026", err: "give --date-order"},
		{in: "25/03/2026", want: time.Date(2026, 3, 25, 0, 0, 0, 0, berlin)},
		{in: "03/25/2026", want: time.Date(2026, 3, 25, 0, 0, 0, 0, berlin)},
		{in: "25/03/2026", order: MDY, want: time.Date(2026, 3, 25, 0, 0, 0, 0, berlin)},
		{in: "4.3.26", order: DMY, want: march4},
		{in: "4 March 2026", want: march4},
		{in: "Mar 4, 2026", want: march4},
		{in: "March 4th, 2026", want: march4},
		{in: "Wed 4 Mar 2026", want: march4},
		{in: "4-Mar-2026", want: march4},
		{in: "2026-03-04T10:30:00Z", want: time.Date(2026, 3, 4, 10, 30, 0, 0, time.UTC)},
		{in: "2026-02-30", err: "not a date on the calendar"},
		{in: "31/31/2026", err: "neither"},
		{in: "next tuesday", err: "not a date onward can read"},
		{in: "Smarch 4 2026", err: "not a date onward can read"},
		{in: "", err: "no date"},
	} {
		got, err := ParseDate(tc.in, tc.order, berlin)
		switch {
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("ParseDate(%q, %q) = %v, %v; want an error with %q", tc.in, tc.order, got, err, tc.err)
		case tc.err == "" && err != nil:
			t.Errorf("ParseDate(%q, %q): %v", tc.in, tc.order, err)
		case tc.err == "" && !got.Equal(tc.want):
			t.Errorf("ParseDate(%q, %q) = %v, want %v", tc.in, tc.order, got, tc.want)
		}
	}
}
