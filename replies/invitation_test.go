package replies_test

import (
	"strings"
	"testing"
	"time"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/compose"
	"github.com/onward-app/onward/internal/imaptest"
	"github.com/onward-app/onward/mailer"
	"github.com/onward-app/onward/store"
	"github.com/onward-app/onward/templates"
)

// invitationMail is a calendar invitation as mail programs send it: a
// text part and the text/calendar part, for the meeting uid at version
// seq, starting at start (Berlin time) and lasting 45 minutes.
func invitationMail(id, from, method, uid string, seq int, start string) []byte {
	cal := strings.Join([]string{
		"BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Northwind//Calendar//EN", "METHOD:" + method,
		"BEGIN:VTIMEZONE", "TZID:Europe/Berlin",
		"BEGIN:STANDARD", "DTSTART:19701025T030000", "TZOFFSETFROM:+0200", "TZOFFSETTO:+0100", "END:STANDARD",
		"BEGIN:DAYLIGHT", "DTSTART:19700329T020000", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200", "END:DAYLIGHT",
		"END:VTIMEZONE",
		"BEGIN:VEVENT", "UID:" + uid, "SEQUENCE:" + string(rune('0'+seq)), "DTSTAMP:20260304T090000Z",
		"DTSTART;TZID=Europe/Berlin:" + start, "DURATION:PT45M",
		"SUMMARY:Platform Engineer: technical interview",
		"ORGANIZER;CN=Dana Reyes:mailto:dana@northwind.example",
		"ATTENDEE;CN=Priya Shah:mailto:priya@northwind.example",
		"ATTENDEE;CN=Alex Example:mailto:" + imaptest.User,
		"ATTENDEE;CUTYPE=ROOM;CN=Room 4:mailto:room4@northwind.example",
		"LOCATION:https://meet.northwind.example/abc",
		"END:VEVENT", "END:VCALENDAR", ""}, "\r\n")
	return []byte("Message-ID: <" + id + ">\r\nDate: Wed, 04 Mar 2026 09:00:00 +0000\r\nFrom: " + from + "\r\n" +
		"To: Alex Example <" + imaptest.User + ">\r\nSubject: Invitation: technical interview\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/alternative; boundary=xx\r\n\r\n" +
		"--xx\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nYou have been invited.\r\n" +
		"--xx\r\nContent-Type: text/calendar; charset=utf-8; method=" + method + "\r\n\r\n" + cal +
		"--xx--\r\n")
}

// renderNotices renders the invitation notices, oldest first, as the
// daemon would send them.
func (e *env) renderNotices(t *testing.T) []templates.Rendered {
	t.Helper()
	tpl, err := templates.Load("")
	if err != nil {
		t.Fatal(err)
	}
	c := &compose.Composer{Store: e.store, Templates: tpl, User: mailer.Address{Name: "Alex Example", Email: imaptest.User}, Location: time.UTC}
	var out []templates.Rendered
	for _, m := range e.messages(t, store.MessageFilter{Kind: onward.InvitationNotice}) {
		d, err := c.Data(e.ctx, m, e.now)
		if err != nil {
			t.Fatal(err)
		}
		r, err := tpl.Render(m.Kind, d)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

func (e *env) interviews(t *testing.T) []store.Event {
	t.Helper()
	ivs, err := e.store.Interviews(e.ctx, e.app.ID)
	if err != nil {
		t.Fatal(err)
	}
	return ivs
}

func TestInvitationNotice(t *testing.T) {
	t.Parallel()
	e := newEnv(t, imaptest.Password)
	e.server.Deliver(t, "INBOX", invitationMail("inv1@northwind.example", "Dana Reyes <dana@northwind.example>", "REQUEST", "iv-77@northwind.example", 0, "20260310T140000"))
	if rep := e.poll(t); rep.Invitations != 1 {
		t.Fatalf("report %+v, want one invitation", rep)
	}
	if n := len(e.interviews(t)); n != 0 {
		t.Errorf("%d interviews recorded without auto_interview", n)
	}
	rs := e.renderNotices(t)
	if len(rs) != 1 {
		t.Fatalf("%d invitation notices, want 1", len(rs))
	}
	want := `onward interview 1 --at "2026-03-10T14:00:00+01:00" --duration 45m \
        --with "Dana Reyes <dana@northwind.example>" \
        --with "Priya Shah <priya@northwind.example>" \
        --where "https://meet.northwind.example/abc"`
	if !strings.Contains(rs[0].Text, want) {
		t.Errorf("notice does not give the command\n%s\nwant\n%s", rs[0].Text, want)
	}
	if !strings.Contains(rs[0].Subject, "Northwind Labs") || !strings.Contains(rs[0].Text, "14:00 CET (13:00 UTC for you)") {
		t.Errorf("notice does not name the company and the time in both zones:\n%s\n%s", rs[0].Subject, rs[0].Text)
	}
	if got := lastEvent(t, e); got != onward.Reply {
		t.Errorf("last event %s, want the invitation recorded as a reply", got)
	}
	// Read again from the start (the cursor put back): handled once.
	if err := e.store.Update(e.ctx, func(tx *store.Tx) error {
		return tx.SetCursor(e.ctx, store.InboxCursor{Mailbox: "INBOX"})
	}); err != nil {
		t.Fatal(err)
	}
	if rep := e.poll(t); rep.Read != 1 || rep.Invitations != 0 {
		t.Errorf("rereading: %+v, want 1 read and no invitation handled", rep)
	}
	if n := len(e.messages(t, store.MessageFilter{Kind: onward.InvitationNotice})); n != 1 {
		t.Errorf("%d notices after a second poll, want 1", n)
	}
}

func TestInvitationAutoInterview(t *testing.T) {
	t.Parallel()
	e := newEnv(t, imaptest.Password)
	e.w.AutoInterview = true
	const uid = "iv-78@northwind.example"
	dana := "Dana Reyes <dana@northwind.example>"
	e.server.Deliver(t, "INBOX", invitationMail("a1@northwind.example", dana, "REQUEST", uid, 0, "20260310T140000"))
	e.poll(t)
	ivs := e.interviews(t)
	if len(ivs) != 1 {
		t.Fatalf("%d interviews, want 1", len(ivs))
	}
	berlin, _ := time.LoadLocation("Europe/Berlin")
	if want := time.Date(2026, 3, 10, 14, 0, 0, 0, berlin); !ivs[0].At.Equal(want) || ivs[0].EndsAt.Sub(ivs[0].At) != 45*time.Minute {
		t.Errorf("interview at %s to %s, want %s for 45m", ivs[0].At, ivs[0].EndsAt, want)
	}
	d, err := e.store.InterviewDetails(e.ctx, ivs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if d.Where != "https://meet.northwind.example/abc" || len(d.With) != 2 || d.With[0].Email != "dana@northwind.example" ||
		d.With[1].Name != "Priya Shah" {
		t.Errorf("details %+v, want Dana and Priya (not the user, not the room) and the link", d)
	}
	if a, _ := e.store.Application(e.ctx, e.app.ID); a.Stage != onward.StageInterviewing {
		t.Errorf("stage %s, want interviewing", a.Stage)
	}
	if rs := e.renderNotices(t); len(rs) != 1 || !strings.Contains(rs[0].Text, "It is recorded as an interview") {
		t.Fatalf("notices %v, want one saying it is recorded", rs)
	}

	// The update moves it, once: a second copy of the same version and
	// an older version arriving late change nothing.
	e.server.Deliver(t, "INBOX", invitationMail("a2@northwind.example", dana, "REQUEST", uid, 1, "20260311T100000"))
	e.server.Deliver(t, "INBOX", invitationMail("a3@northwind.example", dana, "REQUEST", uid, 1, "20260311T100000"))
	e.server.Deliver(t, "INBOX", invitationMail("a4@northwind.example", dana, "REQUEST", uid, 0, "20260310T140000"))
	e.poll(t)
	ivs = e.interviews(t)
	if want := time.Date(2026, 3, 11, 10, 0, 0, 0, berlin); len(ivs) != 1 || !ivs[0].At.Equal(want) {
		t.Fatalf("interviews %+v, want one, moved to %s", ivs, want)
	}
	if rs := e.renderNotices(t); len(rs) != 2 || !strings.Contains(rs[1].Subject, "updated") {
		t.Fatalf("notices %d, want 2, the second about the update", len(rs))
	}
	// What the first time planned is cancelled, the new time planned.
	prep := e.messages(t, store.MessageFilter{Kind: onward.ThankYou})
	var live int
	for _, m := range prep {
		if m.Status != onward.StatusCancelled {
			live++
		}
	}
	if live == 0 || live == len(prep) {
		t.Errorf("thank-yous %d of %d live; want the first time's cancelled and the new time's planned", live, len(prep))
	}

	// The cancellation takes it off the records.
	e.server.Deliver(t, "INBOX", invitationMail("a5@northwind.example", dana, "CANCEL", uid, 2, "20260311T100000"))
	e.poll(t)
	if ivs := e.interviews(t); len(ivs) != 0 {
		t.Errorf("interviews %+v after the cancellation, want none", ivs)
	}
	if a, _ := e.store.Application(e.ctx, e.app.ID); a.Stage == onward.StageInterviewing {
		t.Errorf("stage still %s after the only interview was cancelled", a.Stage)
	}
	rs := e.renderNotices(t)
	if len(rs) != 3 || !strings.Contains(rs[2].Subject, "cancelled") || !strings.Contains(rs[2].Text, "taken off your records") {
		t.Fatalf("want a third notice saying it was cancelled and removed; have %d", len(rs))
	}
	for _, m := range e.messages(t, store.MessageFilter{Kind: onward.ThankYou}) {
		if m.Status != onward.StatusCancelled {
			t.Errorf("thank-you %d is %s after the cancellation", m.ID, m.Status)
		}
	}
}

func TestInvitationCancelNotice(t *testing.T) {
	t.Parallel()
	e := newEnv(t, imaptest.Password)
	e.server.Deliver(t, "INBOX", invitationMail("c1@northwind.example", "Dana Reyes <dana@northwind.example>", "CANCEL", "iv-79@northwind.example", 1, "20260310T140000"))
	if rep := e.poll(t); rep.Invitations != 1 {
		t.Fatalf("report %+v, want one invitation", rep)
	}
	rs := e.renderNotices(t)
	if len(rs) != 1 || !strings.Contains(rs[0].Subject, "cancelled") || strings.Contains(rs[0].Text, "onward interview") {
		t.Fatalf("want one notice of the cancellation, without a command to record it: %+v", rs)
	}
}

func TestInvitationFromAStranger(t *testing.T) {
	t.Parallel()
	for _, auto := range []bool{false, true} {
		e := newEnv(t, imaptest.Password)
		e.w.AutoInterview = auto
		e.w.MatchDomain = true
		// A stranger, and someone at a free-mail domain, even naming
		// the recruiter as organizer.
		e.server.Deliver(t, "INBOX", invitationMail("s1@evil.example", "Mallory <mallory@evil.example>", "REQUEST", "iv-80@evil.example", 0, "20260310T140000"))
		e.server.Deliver(t, "INBOX", invitationMail("s2@gmail.com", "Dana R <dana.reyes@gmail.com>", "REQUEST", "iv-81@gmail.com", 0, "20260310T140000"))
		if rep := e.poll(t); rep.Invitations != 0 || rep.Replies != 0 {
			t.Errorf("auto_interview=%v: report %+v, want nothing", auto, rep)
		}
		if n := len(e.interviews(t)); n != 0 {
			t.Errorf("auto_interview=%v: %d interviews from strangers", auto, n)
		}
		if n := len(e.messages(t, store.MessageFilter{Kind: onward.InvitationNotice})); n != 0 {
			t.Errorf("auto_interview=%v: %d notices from strangers", auto, n)
		}
		if got := lastEvent(t, e); got != onward.Applied {
			t.Errorf("auto_interview=%v: last event %s, want nothing after the application", auto, got)
		}
	}
}

// TestInvitationFirstSeenAtALaterVersion: with auto_interview, the first
// version onward sees may already be an update (the first one went to
// another address); it is recorded as a new interview, and said so.
func TestInvitationFirstSeenAtALaterVersion(t *testing.T) {
	t.Parallel()
	e := newEnv(t, imaptest.Password)
	e.w.AutoInterview = true
	e.server.Deliver(t, "INBOX", invitationMail("l1@northwind.example", "Dana Reyes <dana@northwind.example>", "REQUEST", "iv-82@northwind.example", 3, "20260310T140000"))
	e.poll(t)
	if n := len(e.interviews(t)); n != 1 {
		t.Fatalf("%d interviews, want 1", n)
	}
	if rs := e.renderNotices(t); len(rs) != 1 || !strings.HasPrefix(rs[0].Subject, "Interview with") || !strings.Contains(rs[0].Text, "It is recorded as an interview") {
		t.Errorf("want the notice of a new interview recorded; have %+v", rs)
	}
}
