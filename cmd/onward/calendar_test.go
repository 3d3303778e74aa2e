package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
)

// checkFolding checks by hand what RFC 5545 section 3.1 asks of the
// lines: CRLF endings and no line longer than 75 octets.
func checkFolding(t *testing.T, data []byte) {
	t.Helper()
	if !bytes.HasSuffix(data, []byte("\r\n")) {
		t.Errorf("the calendar does not end with CRLF")
	}
	for i, line := range bytes.Split(bytes.TrimSuffix(data, []byte("\r\n")), []byte("\r\n")) {
		if len(line) > 75 {
			t.Errorf("line %d is %d octets, over 75: %q", i+1, len(line), line)
		}
		if bytes.ContainsAny(line, "\r\n") {
			t.Errorf("line %d holds a bare CR or LF: %q", i+1, line)
		}
	}
}

// TestCalendarReadBackByAnotherParser writes the calendar with go-ical
// and reads it with another library (arran4/golang-ical): the interviews
// in the user's zone with a VTIMEZONE for it, the recruiter as attendee,
// a moved interview as the same UID one SEQUENCE on, a next round as an
// item of its own, the follow-ups with --followups; and the same bytes on
// a second export.
func TestCalendarReadBackByAnotherParser(t *testing.T) {
	t.Parallel()
	e := newEnv(t).inProcess()
	berlin, _ := time.LoadLocation("Europe/Berlin")
	acme := apply(t, e, "--company", "Acme", "--role", "Platform Engineer with a rather long title that needs folding",
		"--recruiter", "Dana Reyes <dana@acme.example>", "--at", ago(30*24*time.Hour))
	globex := apply(t, e, "--company", "Globex", "--role", "SRE")
	// Acme: a first round that took place, then a second round recorded
	// after it, then that second round moved.
	must(t, e, "interview", acme, "--at", ago(5*24*time.Hour))
	soon := time.Now().Add(72 * time.Hour).In(berlin).Truncate(time.Minute)
	moved := soon.Add(26 * time.Hour)
	must(t, e, "interview", acme, "--at", soon.Format(time.RFC3339), "--duration", "45m")
	must(t, e, "interview", acme, "--at", moved.Format(time.RFC3339), "--duration", "45m",
		"--with", "Tom Baker <tom@acme.example>, Engineering Manager", "--with", "Priya Shah",
		"--where", "https://meet.example/abc-defg", "--kind", "panel")
	must(t, e, "interview", globex, "--at", soon.Add(2*time.Hour).Format(time.RFC3339))

	data := []byte(must(t, e, "calendar"))
	checkFolding(t, data)
	cal, err := ics.ParseCalendar(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("another parser refuses the calendar: %v\n%s", err, data)
	}
	if v := cal.CalendarProperties; len(v) == 0 {
		t.Fatal("no calendar properties")
	}
	props := map[string]string{}
	for _, p := range cal.CalendarProperties {
		props[p.IANAToken] = p.Value
	}
	if props["VERSION"] != "2.0" || props["PRODID"] == "" {
		t.Errorf("calendar properties %v; want VERSION 2.0 and a PRODID", props)
	}
	tzs := cal.Timezones()
	if len(tzs) != 1 || tzs[0].GetProperty(ics.ComponentPropertyTzid).Value != "Europe/Berlin" {
		t.Fatalf("want one VTIMEZONE for Europe/Berlin, got %d", len(tzs))
	}
	events := cal.Events()
	if len(events) != 3 {
		t.Fatalf("%d events, want 3 (two rounds at Acme, one at Globex):\n%s", len(events), data)
	}
	uids := map[string]bool{}
	var acmeNext *ics.VEvent
	for _, ev := range events {
		uid := ev.Id()
		if uid == "" || uids[uid] {
			t.Errorf("UID %q missing or repeated", uid)
		}
		uids[uid] = true
		if ev.GetProperty(ics.ComponentPropertyDtstamp) == nil {
			t.Errorf("%s has no DTSTAMP", uid)
		}
		start := ev.GetProperty(ics.ComponentPropertyDtStart)
		if start == nil || len(start.ICalParameters["TZID"]) != 1 || start.ICalParameters["TZID"][0] != "Europe/Berlin" {
			t.Errorf("%s: DTSTART %v; want it in Europe/Berlin", uid, start)
		}
		summary := ev.GetProperty(ics.ComponentPropertySummary).Value
		if strings.Contains(summary, "Acme") {
			at, err := time.ParseInLocation("20060102T150405", start.Value, berlin)
			if err == nil && at.After(time.Now()) {
				acmeNext = ev
			}
		}
	}
	if acmeNext == nil {
		t.Fatalf("no upcoming Acme interview:\n%s", data)
	}
	start := acmeNext.GetProperty(ics.ComponentPropertyDtStart).Value
	end := acmeNext.GetProperty(ics.ComponentPropertyDtEnd).Value
	if start != moved.Format("20060102T150405") || end != moved.Add(45*time.Minute).Format("20060102T150405") {
		t.Errorf("the moved interview is at %s-%s, want %s for 45m", start, end, moved)
	}
	if seq := acmeNext.GetProperty(ics.ComponentPropertySequence); seq == nil || seq.Value != "1" {
		t.Errorf("the moved interview has SEQUENCE %v, want 1", seq)
	}
	if loc := acmeNext.GetProperty(ics.ComponentPropertyLocation); loc == nil || loc.Value != "https://meet.example/abc-defg" {
		t.Errorf("LOCATION %v; want the meeting link", loc)
	}
	if u := acmeNext.GetProperty(ics.ComponentPropertyUrl); u == nil || u.Value != "https://meet.example/abc-defg" {
		t.Errorf("URL %v; want the meeting link", u)
	}
	desc := strings.ReplaceAll(acmeNext.GetProperty(ics.ComponentPropertyDescription).Value, "\\n", "\n")
	if !strings.Contains(desc, "With: Tom Baker (Engineering Manager)") || !strings.Contains(desc, "With: Priya Shah") {
		t.Errorf("DESCRIPTION %q; want the interviewers", desc)
	}
	if sum := acmeNext.GetProperty(ics.ComponentPropertySummary).Value; !strings.HasPrefix(sum, "Interview (panel): Acme") {
		t.Errorf("SUMMARY %q", sum)
	}
	att := acmeNext.GetProperty(ics.ComponentPropertyAttendee)
	if att == nil || !strings.EqualFold(att.Value, "mailto:dana@acme.example") || att.ICalParameters["CN"][0] != "Dana Reyes" {
		t.Errorf("attendee %v; want Dana Reyes <dana@acme.example>", att)
	}

	// The moved interview keeps the UID the first export gave it.
	before := []byte(must(t, e, "calendar"))
	if !bytes.Equal(before, data) {
		t.Errorf("a second export differs from the first")
	}

	out := filepath.Join(e.dir, "hunt.ics")
	must(t, e, "calendar", "--followups", "--out", out)
	fdata, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(out); fi.Mode().Perm() != 0o600 {
		t.Errorf("calendar file is %v, want 0600", fi.Mode().Perm())
	}
	checkFolding(t, fdata)
	fcal, err := ics.ParseCalendar(bytes.NewReader(fdata))
	if err != nil {
		t.Fatal(err)
	}
	followups := 0
	for _, ev := range fcal.Events() {
		if strings.HasPrefix(ev.Id(), "followup-") {
			followups++
		}
		if uids[ev.Id()] {
			delete(uids, ev.Id())
		}
	}
	if followups == 0 || len(uids) != 0 {
		t.Errorf("--followups: %d follow-ups, interviews missing %v", followups, uids)
	}
}

// TestCalendarShowsOfferDeadlines: an offer recorded with --deadline is a
// whole-day item on that day, read back by the other parser; one without a
// deadline, or an offer already answered, is not on the calendar.
func TestCalendarShowsOfferDeadlines(t *testing.T) {
	t.Parallel()
	e := newEnv(t).inProcess()
	berlin, _ := time.LoadLocation("Europe/Berlin")
	acme := apply(t, e, "--company", "Acme", "--role", "SRE", "--recruiter", "Dana <dana@acme.example>", "--at", ago(20*24*time.Hour))
	globex := apply(t, e, "--company", "Globex", "--role", "SRE", "--at", ago(20*24*time.Hour))
	deadline := time.Now().In(berlin).AddDate(0, 0, 10)
	must(t, e, "offer", acme, "--deadline", deadline.Format("2006-01-02"))
	must(t, e, "offer", globex)

	data := []byte(must(t, e, "calendar"))
	checkFolding(t, data)
	cal, err := ics.ParseCalendar(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("another parser refuses the calendar: %v\n%s", err, data)
	}
	var found []*ics.VEvent
	for _, ev := range cal.Events() {
		if strings.HasPrefix(ev.GetProperty(ics.ComponentPropertySummary).Value, "Offer deadline") {
			found = append(found, ev)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d offer deadlines on the calendar, want Acme's alone:\n%s", len(found), data)
	}
	ev := found[0]
	start := ev.GetProperty(ics.ComponentPropertyDtStart)
	if start.Value != deadline.Format("20060102") || len(start.ICalParameters["VALUE"]) != 1 || start.ICalParameters["VALUE"][0] != "DATE" {
		t.Errorf("the deadline starts %v, want the whole day %s", start, deadline.Format("20060102"))
	}
	if sum := ev.GetProperty(ics.ComponentPropertySummary).Value; !strings.Contains(sum, "Acme") {
		t.Errorf("SUMMARY %q; want Acme", sum)
	}

	// Accepted: no deadline is left to keep.
	must(t, e, "accept", acme)
	if after := must(t, e, "calendar"); strings.Contains(after, "Offer deadline") {
		t.Errorf("an accepted offer's deadline is still on the calendar:\n%s", after)
	}
}
