// Package calendar writes the job hunt as an RFC 5545 calendar: the
// interviews, in the user's zone, with the people and the place where
// they are known, the deadlines of offers, and the follow-up drafts
// falling due. Every item has a
// UID that stays the same from one export to the next, so a calendar
// program that reads the file again updates its items instead of adding
// them twice; an interview moved keeps the UID of the one it replaces.
package calendar

import (
	"bytes"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/emersion/go-ical"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/store"
)

// Data is what the calendar is made of.
type Data struct {
	Applications []store.Application
	// Interviews are the interview events as whole rows (InterviewRows).
	Interviews []store.Row
	// Followups are the pending recruiter messages, when wanted.
	Followups []store.Message
	// Deadlines are the offer events whose deadline was given (EndsAt),
	// of applications still at the offer stage.
	Deadlines []store.Event
	// Location is the user's zone.
	Location *time.Location
	// Domain ends every UID, so they are unique beyond this calendar.
	Domain string
}

const prodID = "-//onward//job hunt//EN"

// Write encodes the calendar. The output depends only on d: the same
// records give the same bytes, so a file rewritten after every change
// only changes when the calendar does.
func Write(d Data) ([]byte, error) {
	cal := ical.NewCalendar()
	cal.Props.SetText(ical.PropVersion, "2.0")
	cal.Props.SetText(ical.PropProductID, prodID)
	cal.Props.SetText(ical.PropCalendarScale, "GREGORIAN")
	cal.Props.SetText("X-WR-CALNAME", "Job hunt")
	loc := d.Location
	if loc == nil {
		loc = time.UTC
	}
	apps := map[int64]store.Application{}
	for _, a := range d.Applications {
		apps[a.ID] = a
	}
	var events []*ical.Component
	var times []time.Time
	for _, iv := range interviews(d.Interviews) {
		a := apps[iv.appID]
		ev := ical.NewEvent()
		ev.Props.SetText(ical.PropUID, fmt.Sprintf("interview-%d@%s", iv.uid, d.Domain))
		ev.Props.SetDateTime(ical.PropDateTimeStamp, iv.recorded.UTC())
		ev.Props.SetDateTime(ical.PropDateTimeStart, iv.start.In(loc))
		ev.Props.SetDateTime(ical.PropDateTimeEnd, iv.end.In(loc))
		seq := ical.NewProp(ical.PropSequence)
		seq.Value = fmt.Sprint(iv.sequence)
		ev.Props.Set(seq)
		what := "Interview"
		if iv.kind != "" {
			what = "Interview (" + strings.ReplaceAll(iv.kind, "_", " ") + ")"
		}
		ev.Props.SetText(ical.PropSummary, fmt.Sprintf("%s: %s — %s", what, a.Company, a.Role))
		var desc []string
		if iv.where != "" {
			ev.Props.SetText(ical.PropLocation, iv.where)
			if u, err := url.Parse(iv.where); err == nil && (u.Scheme == "https" || u.Scheme == "http") {
				ev.Props.SetURI(ical.PropURL, u)
			}
		}
		for _, p := range iv.people {
			desc = append(desc, "With: "+p)
		}
		if a.RecruiterEmail != "" {
			att := ical.NewProp(ical.PropAttendee)
			att.Value = "mailto:" + a.RecruiterEmail
			if a.RecruiterName != "" {
				att.Params.Set("CN", a.RecruiterName)
			}
			att.Params.Set("ROLE", "REQ-PARTICIPANT")
			ev.Props.Add(att)
		}
		desc = append(desc, iv.notes...)
		if a.URL != "" {
			desc = append(desc, "Posting: "+a.URL)
		}
		desc = append(desc, fmt.Sprintf("onward application %d", a.ID))
		ev.Props.SetText(ical.PropDescription, strings.Join(desc, "\n"))
		events, times = append(events, ev.Component), append(times, iv.start)
	}
	for _, m := range d.Followups {
		a := apps[m.ApplicationID]
		ev := ical.NewEvent()
		ev.Props.SetText(ical.PropUID, fmt.Sprintf("followup-%d@%s", m.ID, d.Domain))
		ev.Props.SetDateTime(ical.PropDateTimeStamp, m.CreatedAt.UTC())
		ev.Props.SetDateTime(ical.PropDateTimeStart, m.DueAt.In(loc))
		ev.Props.SetDateTime(ical.PropDateTimeEnd, m.DueAt.Add(15*time.Minute).In(loc))
		what := "due"
		if m.Status == onward.StatusDrafted {
			what = "to send"
		}
		ev.Props.SetText(ical.PropSummary, fmt.Sprintf("Follow-up %s: %s to %s", what, m.Kind.Label(), a.Company))
		ev.Props.SetText(ical.PropDescription, fmt.Sprintf("To %s. Review it with: onward drafts show %d", m.To, m.ID))
		tr := ical.NewProp(ical.PropTransparency)
		tr.Value = "TRANSPARENT"
		ev.Props.Set(tr)
		events, times = append(events, ev.Component), append(times, m.DueAt)
	}
	for _, o := range d.Deadlines {
		a := apps[o.ApplicationID]
		// A whole day on the calendar: the answer is due by its end, in
		// the user's zone, whatever the hour.
		day := o.EndsAt.In(loc)
		ev := ical.NewEvent()
		ev.Props.SetText(ical.PropUID, fmt.Sprintf("offer-deadline-%d@%s", o.ID, d.Domain))
		ev.Props.SetDateTime(ical.PropDateTimeStamp, o.CreatedAt.UTC())
		ev.Props.SetDate(ical.PropDateTimeStart, time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC))
		ev.Props.SetDate(ical.PropDateTimeEnd, time.Date(day.Year(), day.Month(), day.Day()+1, 0, 0, 0, 0, time.UTC))
		ev.Props.SetText(ical.PropSummary, fmt.Sprintf("Offer deadline: %s — %s", a.Company, a.Role))
		ev.Props.SetText(ical.PropDescription, fmt.Sprintf("Answer by the end of the day: onward accept %d, or onward decline %d", a.ID, a.ID))
		tr := ical.NewProp(ical.PropTransparency)
		tr.Value = "TRANSPARENT"
		ev.Props.Set(tr)
		events = append(events, ev.Component)
	}
	cal.Children = append(cal.Children, timezone(loc, times))
	cal.Children = append(cal.Children, events...)
	var buf bytes.Buffer
	if err := ical.NewEncoder(&buf).Encode(cal); err != nil {
		return nil, fmt.Errorf("calendar: %w", err)
	}
	return fold(buf.Bytes()), nil
}

// fold breaks content lines longer than 75 octets, as RFC 5545 section
// 3.1 asks (the encoder writes each property on one line): CRLF and a
// space, never inside a UTF-8 character.
func fold(data []byte) []byte {
	var out bytes.Buffer
	for _, line := range bytes.SplitAfter(data, []byte("\r\n")) {
		body := bytes.TrimSuffix(line, []byte("\r\n"))
		limit := 75
		for len(body) > limit {
			cut := limit
			for cut > 0 && !utf8.RuneStart(body[cut]) {
				cut--
			}
			out.Write(body[:cut])
			out.WriteString("\r\n ")
			body = body[cut:]
			limit = 74 // the leading space counts
		}
		out.Write(body)
		if len(line) > len(body) || bytes.HasSuffix(line, []byte("\r\n")) {
			out.WriteString("\r\n")
		}
	}
	return out.Bytes()
}

type interview struct {
	appID      int64
	uid        int64 // the event id of the first of its moves
	sequence   int
	start, end time.Time
	recorded   time.Time
	where      string
	kind       string
	people     []string
	notes      []string
}

func rowInt(r store.Row, key string) int64 {
	v, _ := r[key].(int64)
	return v
}

func rowText(r store.Row, keys ...string) string {
	for _, k := range keys {
		switch v := r[k].(type) {
		case string:
			if s := strings.TrimSpace(v); s != "" {
				return s
			}
		case []byte:
			if s := strings.TrimSpace(string(v)); s != "" {
				return s
			}
		}
	}
	return ""
}

// interviews turns the interview rows into calendar items. Recording an
// interview again before it took place is moving it: the new one takes
// the old one's place and UID, one SEQUENCE higher. One recorded after
// the last took place is the next round, an item of its own.
func interviews(rows []store.Row) []interview {
	var out []interview
	last := map[int64]int{} // application → index in out of its latest
	for _, r := range rows {
		iv := interview{
			appID:    rowInt(r, "application_id"),
			uid:      rowInt(r, "id"),
			start:    time.UnixMilli(rowInt(r, "at")).UTC(),
			recorded: time.UnixMilli(rowInt(r, "created_at")).UTC(),
			where:    rowText(r, "place"),
			kind:     rowText(r, "interview_kind"),
		}
		iv.end = iv.start.Add(time.Hour)
		if e := rowInt(r, "ends_at"); e != 0 {
			iv.end = time.UnixMilli(e).UTC()
		}
		if p := rowText(r, "interviewers"); p != "" {
			for _, s := range strings.FieldsFunc(p, func(r rune) bool { return r == '\n' || r == ';' }) {
				if s = strings.TrimSpace(s); s != "" {
					iv.people = append(iv.people, s)
				}
			}
		}
		if t := rowText(r, "topics"); t != "" {
			iv.notes = append(iv.notes, "Topics: "+t)
		}
		if t := rowText(r, "note"); t != "" {
			iv.notes = append(iv.notes, t)
		}
		if i, ok := last[iv.appID]; ok && out[i].start.After(iv.recorded) {
			iv.uid, iv.sequence = out[i].uid, out[i].sequence+1
			out[i] = iv
			continue
		}
		last[iv.appID] = len(out)
		out = append(out, iv)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].start.Before(out[j].start) })
	return out
}

// timezone describes loc as a VTIMEZONE, which RFC 5545 requires for
// every TZID a calendar names: each change of offset in the years the
// items span (and the current one), as an observance of its own.
func timezone(loc *time.Location, times []time.Time) *ical.Component {
	tz := ical.NewComponent(ical.CompTimezone)
	tz.Props.SetText(ical.PropTimezoneID, loc.String())
	from, to := 2000, 2000
	if len(times) > 0 {
		from, to = times[0].Year(), times[0].Year()
	}
	for _, t := range times {
		from, to = min(from, t.In(loc).Year()), max(to, t.In(loc).Year())
	}
	start := time.Date(from, 1, 1, 0, 0, 0, 0, time.UTC)
	end := time.Date(to+1, 1, 1, 0, 0, 0, 0, time.UTC)
	_, off := start.In(loc).Zone()
	name, _ := start.In(loc).Zone()
	observe := func(at time.Time, fromOff, toOff int, name string, dst bool) {
		kind := ical.CompTimezoneStandard
		if dst {
			kind = ical.CompTimezoneDaylight
		}
		c := ical.NewComponent(kind)
		// DTSTART of an observance is local time before the change.
		local := at.UTC().Add(time.Duration(fromOff) * time.Second)
		p := ical.NewProp(ical.PropDateTimeStart)
		p.SetValueType(ical.ValueDateTime)
		p.Value = local.Format("20060102T150405")
		c.Props.Set(p)
		for k, v := range map[string]int{ical.PropTimezoneOffsetFrom: fromOff, ical.PropTimezoneOffsetTo: toOff} {
			o := ical.NewProp(k)
			o.SetValueType(ical.ValueUTCOffset)
			o.Value = utcOffset(v)
			c.Props.Set(o)
		}
		c.Props.SetText(ical.PropTimezoneName, name)
		tz.Children = append(tz.Children, c)
	}
	observe(start, off, off, name, start.In(loc).IsDST())
	for day := start; day.Before(end); day = day.Add(24 * time.Hour) {
		next := day.Add(24 * time.Hour)
		_, o2 := next.In(loc).Zone()
		if o2 == off {
			continue
		}
		// Find the instant of the change to the minute.
		lo, hi := day, next
		for hi.Sub(lo) > time.Minute {
			mid := lo.Add(hi.Sub(lo) / 2)
			if _, o := mid.In(loc).Zone(); o == off {
				lo = mid
			} else {
				hi = mid
			}
		}
		at := hi.Truncate(time.Minute)
		n, _ := at.In(loc).Zone()
		observe(at, off, o2, n, at.In(loc).IsDST())
		off = o2
	}
	return tz
}

func utcOffset(sec int) string {
	sign := "+"
	if sec < 0 {
		sign, sec = "-", -sec
	}
	return fmt.Sprintf("%s%02d%02d", sign, sec/3600, sec/60%60)
}
