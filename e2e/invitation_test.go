package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/onward-app/onward/internal/imaptest"
	"github.com/onward-app/onward/internal/smtptest"
)

// TestInvitationRecordedByTheDaemon runs the daemon with auto_interview
// on a mailbox holding the recruiter's calendar invitation: the
// interview is recorded at its time, in its zone, with its people, and
// the user gets the note saying so.
func TestInvitationRecordedByTheDaemon(t *testing.T) {
	t.Parallel()
	smtpServer := smtptest.Start(t, smtptest.Script{})
	imapServer := imaptest.Start(t, imaptest.Options{})
	e := newEnv(t, smtpServer, imapConfig(t, t.TempDir(), imapServer, imaptest.Password)+"auto_interview = true\n")
	e.mustRun(t, "apply", "--company", "Northwind Labs", "--role", "Platform Engineer",
		"--recruiter", "Dana Reyes <dana@northwind.example>")
	e.readMailboxOnce(t)

	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now().In(berlin).Add(72 * time.Hour).Truncate(time.Hour)
	cal := strings.Join([]string{
		"BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Northwind//EN", "METHOD:REQUEST",
		"BEGIN:VEVENT", "UID:e2e-1@northwind.example", "SEQUENCE:0", "DTSTAMP:20260101T000000Z",
		"DTSTART;TZID=Europe/Berlin:" + start.Format("20060102T150405"), "DURATION:PT30M",
		"SUMMARY:Platform Engineer interview",
		"ORGANIZER;CN=Dana Reyes:mailto:dana@northwind.example",
		"ATTENDEE;CN=Priya Shah:mailto:priya@northwind.example",
		"LOCATION:https://meet.northwind.example/e2e",
		"END:VEVENT", "END:VCALENDAR", ""}, "\r\n")
	imapServer.Deliver(t, "INBOX", []byte("Message-ID: <inv-e2e@northwind.example>\r\nFrom: Dana Reyes <dana@northwind.example>\r\n"+
		"To: Alex <"+imaptest.User+">\r\nSubject: Invitation\r\nMIME-Version: 1.0\r\nContent-Type: text/calendar; method=REQUEST; charset=utf-8\r\n\r\n"+cal))

	d, code := e.readMailboxOnce(t)
	if code != 0 {
		t.Errorf("exit %d", code)
	}
	if log := d.logText(); !strings.Contains(log, "calendar invitation") || !strings.Contains(log, "recorded=true") {
		t.Errorf("the log does not say the invitation was recorded:\n%s", log)
	}
	show := e.mustRun(t, "show", "northwind", "--json")
	// The link is kept for the prep note (replies.TestInvitationAutoInterview
	// reads it back); show lists the time and the thank-you to Priya.
	for _, want := range []string{"Priya Shah <priya@northwind.example>", start.UTC().Format("2006-01-02T15:04")} {
		if !strings.Contains(show, want) {
			t.Errorf("onward show does not have %q:\n%s", want, show)
		}
	}
	kinds := map[string]int{}
	for _, m := range e.messages(t) {
		kinds[m.Kind]++
	}
	if kinds["invitation_notice"] != 1 || kinds["thank_you"] == 0 || kinds["prep"] != 1 {
		t.Errorf("messages %v; want the notice, the thank-yous and the prep note", kinds)
	}
}
