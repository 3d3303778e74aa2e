package mailread

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/emersion/go-ical"
)

// Invitation is the one event of a calendar invitation (RFC 5546): a
// request for a meeting, its update, or its cancellation.
type Invitation struct {
	// Method is REQUEST (a new or updated invitation) or CANCEL.
	Method string
	// UID names the meeting across its updates; Sequence counts them.
	UID      string
	Sequence int
	Summary  string
	// Start is in the event's own zone (TZID, or UTC); a floating time is
	// read on the wall clock of the zone ParseInvitation was given.
	Start    time.Time
	Duration time.Duration
	// Organizer and Attendees are the people, as their CN and mailto:.
	Organizer Address
	Attendees []Address
	// Where is the LOCATION, or else the URL: an address or a video link.
	Where string
}

// ErrAllDay refuses an all-day event: an interview has a time of day,
// and guessing one would put a wrong one in the records.
var ErrAllDay = errors.New("an all-day event has no time of day; record the interview by hand with its time")

// maxInvitationDuration bounds what reads as an interview's length.
const maxInvitationDuration = 24 * time.Hour

// ParseInvitation reads a text/calendar part. Only METHOD:REQUEST and
// METHOD:CANCEL are invitations; the first VEVENT is the meeting. A
// floating time (no zone) is read in loc.
func ParseInvitation(data []byte, loc *time.Location) (Invitation, error) {
	var inv Invitation
	if loc == nil {
		loc = time.UTC
	}
	cal, err := ical.NewDecoder(bytes.NewReader(data)).Decode()
	if err != nil {
		return inv, fmt.Errorf("mailread: calendar: %w", err)
	}
	if p := cal.Props.Get(ical.PropMethod); p != nil {
		inv.Method = strings.ToUpper(strings.TrimSpace(p.Value))
	}
	if inv.Method != "REQUEST" && inv.Method != "CANCEL" {
		return inv, fmt.Errorf("mailread: calendar: METHOD %q is not an invitation (REQUEST or CANCEL)", inv.Method)
	}
	events := cal.Events()
	if len(events) == 0 {
		return inv, errors.New("mailread: calendar: no VEVENT")
	}
	ev := events[0]
	text := func(name string) string {
		if p := ev.Props.Get(name); p != nil {
			if s, err := p.Text(); err == nil {
				return strings.TrimSpace(s)
			}
			return strings.TrimSpace(p.Value)
		}
		return ""
	}
	if inv.UID = text(ical.PropUID); inv.UID == "" {
		return inv, errors.New("mailread: calendar: the event has no UID")
	}
	if p := ev.Props.Get(ical.PropSequence); p != nil {
		if inv.Sequence, err = p.Int(); err != nil {
			return inv, fmt.Errorf("mailread: calendar: SEQUENCE %q: %w", p.Value, err)
		}
	}
	inv.Summary = text(ical.PropSummary)
	inv.Where = text(ical.PropLocation)
	if inv.Where == "" {
		inv.Where = text(ical.PropURL)
	}
	if p := ev.Props.Get(ical.PropOrganizer); p != nil {
		inv.Organizer = calAddress(p)
	}
	for _, p := range ev.Props.Values(ical.PropAttendee) {
		if cu := strings.ToUpper(p.Params.Get(ical.ParamCalendarUserType)); cu == "ROOM" || cu == "RESOURCE" {
			// A meeting room booked with it is no interviewer.
			continue
		}
		if a := calAddress(&p); a.Email != "" {
			inv.Attendees = append(inv.Attendees, a)
		}
	}
	start := ev.Props.Get(ical.PropDateTimeStart)
	if start == nil {
		return inv, errors.New("mailread: calendar: the event has no DTSTART")
	}
	// A date has eight digits, whatever VALUE says (or leaves out).
	if start.ValueType() == ical.ValueDate || len(strings.TrimSpace(start.Value)) == len("20060102") {
		return inv, fmt.Errorf("mailread: calendar: %w", ErrAllDay)
	}
	if inv.Start, err = start.DateTime(loc); err != nil {
		return inv, fmt.Errorf("mailread: calendar: DTSTART %q: %w", start.Value, err)
	}
	end, err := ev.DateTimeEnd(loc)
	if err != nil {
		return inv, fmt.Errorf("mailread: calendar: the event's end: %w", err)
	}
	inv.Duration = end.Sub(inv.Start)
	if inv.Duration <= 0 {
		// No DTEND nor DURATION: RFC 5545 makes it a moment; an hour
		// is what onward assumes for an interview of unknown length.
		inv.Duration = time.Hour
	}
	if inv.Duration > maxInvitationDuration {
		return inv, fmt.Errorf("mailread: calendar: the event lasts %s, longer than an interview", inv.Duration)
	}
	return inv, nil
}

// calAddress reads an ORGANIZER or ATTENDEE: mailto: and the CN.
func calAddress(p *ical.Prop) Address {
	email := strings.TrimSpace(p.Value)
	if len(email) >= len("mailto:") && strings.EqualFold(email[:len("mailto:")], "mailto:") {
		email = email[len("mailto:"):]
	}
	return Address{Name: strings.TrimSpace(p.Params.Get(ical.ParamCommonName)), Email: strings.TrimSpace(email)}
}

// People are the organizer and the attendees, without the addresses in
// skip (the user's own) and without duplicates, as "Name <address>" (or
// the bare address when no name is given).
func (inv Invitation) People(skip []string) []Address {
	var out []Address
	seen := map[string]bool{}
	for _, s := range skip {
		seen[strings.ToLower(strings.TrimSpace(s))] = true
	}
	for _, a := range append([]Address{inv.Organizer}, inv.Attendees...) {
		k := strings.ToLower(a.Email)
		if k == "" || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, a)
	}
	return out
}
