package mailread

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// ics builds a calendar from its lines, with CRLF as RFC 5545 has it.
func ics(lines ...string) []byte {
	return []byte(strings.Join(lines, "\r\n") + "\r\n")
}

func event(method string, props ...string) []byte {
	lines := []string{"BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN"}
	if method != "" {
		lines = append(lines, "METHOD:"+method)
	}
	lines = append(lines, "BEGIN:VEVENT", "UID:iv-1@acme.example", "DTSTAMP:20260220T100000Z")
	lines = append(lines, props...)
	return ics(append(lines, "END:VEVENT", "END:VCALENDAR")...)
}

var berlinZone = []string{
	"BEGIN:VTIMEZONE", "TZID:Europe/Berlin",
	"BEGIN:STANDARD", "DTSTART:19701025T030000", "TZOFFSETFROM:+0200", "TZOFFSETTO:+0100", "END:STANDARD",
	"BEGIN:DAYLIGHT", "DTSTART:19700329T020000", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200", "END:DAYLIGHT",
	"END:VTIMEZONE",
}

func TestParseInvitation(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	withZone := ics(append(append([]string{"BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN", "METHOD:REQUEST"}, berlinZone...),
		"BEGIN:VEVENT", "UID:iv-1@acme.example", "SEQUENCE:2", "DTSTAMP:20260220T100000Z",
		"DTSTART;TZID=Europe/Berlin:20260302T140000", "DTEND;TZID=Europe/Berlin:20260302T144500",
		"SUMMARY:Interview: Backend Engineer",
		`ORGANIZER;CN="Tom Baker":mailto:tom@acme.example`,
		"ATTENDEE;CN=Priya Shah;ROLE=REQ-PARTICIPANT:mailto:priya@acme.example",
		"ATTENDEE;CN=Alex Tester:mailto:alex@example.net",
		"LOCATION:https://meet.acme.example/abc",
		"END:VEVENT", "END:VCALENDAR")...)
	tests := []struct {
		name     string
		data     []byte
		loc      *time.Location
		start    time.Time
		zone     string
		duration time.Duration
		method   string
		seq      int
		where    string
		people   int
		err      error  // errors.Is
		errText  string // or a part of the message
	}{
		{name: "TZID with its VTIMEZONE", data: withZone, loc: ny,
			start: time.Date(2026, 3, 2, 14, 0, 0, 0, berlin), zone: "Europe/Berlin", duration: 45 * time.Minute,
			method: "REQUEST", seq: 2, where: "https://meet.acme.example/abc", people: 3},
		{name: "UTC", data: event("REQUEST", "DTSTART:20260302T130000Z", "DURATION:PT30M", "URL:https://zoom.example/j/1"), loc: berlin,
			start: time.Date(2026, 3, 2, 13, 0, 0, 0, time.UTC), zone: "UTC", duration: 30 * time.Minute,
			method: "REQUEST", where: "https://zoom.example/j/1"},
		{name: "floating time is read in the user's zone", data: event("REQUEST", "DTSTART:20260302T090000", "DTEND:20260302T100000"), loc: ny,
			start: time.Date(2026, 3, 2, 9, 0, 0, 0, ny), zone: "America/New_York", duration: time.Hour, method: "REQUEST"},
		{name: "no end is an hour", data: event("REQUEST", "DTSTART:20260302T130000Z"), loc: time.UTC,
			start: time.Date(2026, 3, 2, 13, 0, 0, 0, time.UTC), zone: "UTC", duration: time.Hour, method: "REQUEST"},
		{name: "cancellation", data: event("CANCEL", "SEQUENCE:3", "DTSTART:20260302T130000Z", "DTEND:20260302T140000Z"), loc: time.UTC,
			start: time.Date(2026, 3, 2, 13, 0, 0, 0, time.UTC), zone: "UTC", duration: time.Hour, method: "CANCEL", seq: 3},
		{name: "all-day event refused", data: event("REQUEST", "DTSTART;VALUE=DATE:20260302", "DTEND;VALUE=DATE:20260303"), err: ErrAllDay},
		{name: "all-day event without VALUE refused", data: event("REQUEST", "DTSTART:20260302"), err: ErrAllDay},
		{name: "a published calendar is no invitation", data: event("PUBLISH", "DTSTART:20260302T130000Z"), errText: `METHOD "PUBLISH"`},
		{name: "no METHOD is no invitation", data: event("", "DTSTART:20260302T130000Z"), errText: `METHOD ""`},
		{name: "unknown zone named", data: event("REQUEST", "DTSTART;TZID=Nowhere/Atlantis:20260302T130000"), errText: "Nowhere/Atlantis"},
		{name: "no start", data: event("REQUEST", "SUMMARY:x"), errText: "no DTSTART"},
		{name: "a week long is not an interview", data: event("REQUEST", "DTSTART:20260302T130000Z", "DTEND:20260309T130000Z"), errText: "longer than an interview"},
		{name: "not iCalendar", data: []byte("hello\r\n"), errText: "mailread: calendar"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inv, err := ParseInvitation(tt.data, tt.loc)
			if tt.err != nil || tt.errText != "" {
				if err == nil {
					t.Fatalf("no error; want one (%v%s)", tt.err, tt.errText)
				}
				if tt.err != nil && !errors.Is(err, tt.err) {
					t.Fatalf("err = %v, want %v", err, tt.err)
				}
				if !strings.Contains(err.Error(), tt.errText) {
					t.Fatalf("err = %v, want it to say %q", err, tt.errText)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !inv.Start.Equal(tt.start) || inv.Start.Location().String() != tt.zone {
				t.Errorf("start = %s (%s), want %s (%s)", inv.Start, inv.Start.Location(), tt.start, tt.zone)
			}
			if inv.Duration != tt.duration || inv.Method != tt.method || inv.Sequence != tt.seq || inv.Where != tt.where {
				t.Errorf("got duration %s method %s sequence %d where %q, want %s %s %d %q",
					inv.Duration, inv.Method, inv.Sequence, inv.Where, tt.duration, tt.method, tt.seq, tt.where)
			}
			if inv.UID != "iv-1@acme.example" {
				t.Errorf("UID = %q", inv.UID)
			}
			if got := inv.People(nil); len(got) != tt.people {
				t.Errorf("people = %v, want %d", got, tt.people)
			}
		})
	}
	inv, err := ParseInvitation(withZone, ny)
	if err != nil {
		t.Fatal(err)
	}
	people := inv.People([]string{"Alex@example.net"})
	want := []Address{{"Tom Baker", "tom@acme.example"}, {"Priya Shah", "priya@acme.example"}}
	if len(people) != 2 || people[0] != want[0] || people[1] != want[1] {
		t.Errorf("People without the user = %v, want %v", people, want)
	}
}

// TestCalendarPart finds the invitation in a mail, inline or attached,
// and keeps the text of the mail apart from it.
func TestCalendarPart(t *testing.T) {
	cal := string(event("REQUEST", "DTSTART:20260302T130000Z"))
	for _, disp := range []string{"", "Content-Disposition: attachment; filename=invite.ics\r\n"} {
		raw := "From: Tom <tom@acme.example>\r\nMessage-ID: <a@acme.example>\r\nSubject: Invitation\r\n" +
			"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n" +
			"--b\r\nContent-Type: text/plain\r\n\r\nSee you then.\r\n" +
			"--b\r\nContent-Type: text/calendar; method=REQUEST; charset=utf-8\r\n" + disp + "\r\n" + cal +
			"--b--\r\n"
		m, err := ParseMail([]byte(raw))
		if err != nil {
			t.Fatal(err)
		}
		if strings.TrimSpace(m.Text) != "See you then." {
			t.Errorf("text = %q", m.Text)
		}
		inv, err := ParseInvitation(m.Calendar, time.UTC)
		if err != nil {
			t.Fatalf("disposition %q: %v", disp, err)
		}
		if inv.UID != "iv-1@acme.example" {
			t.Errorf("UID = %q", inv.UID)
		}
	}
}
