package e2e

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-smtp"

	"github.com/onward-app/onward/internal/imaptest"
	"github.com/onward-app/onward/internal/smtptest"
)

// A draft_ready notice waiting for a retry after a 4xx is cancelled the
// moment its draft is sent by hand: the user never gets an email asking
// to send a draft that went out already.
func TestNoticeRetryingWhileItsDraftIsSent(t *testing.T) {
	t.Parallel()
	server := smtptest.Start(t, smtptest.Script{Decide: func(cmd string, r smtptest.Received) smtptest.Fault {
		// Every email to the user is greylisted; the recruiter's goes through.
		if cmd == "DATA" && len(r.To) == 1 && r.To[0] == "alex@example.com" {
			return smtptest.Fault{Reply: &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "greylisted"}}
		}
		return smtptest.Fault{}
	}})
	e := newEnv(t, server, "")
	d := e.start(t)
	d.waitLog(t, "onward daemon started")
	e.mustRun(t, "apply", "--company", "Northwind Labs", "--role", "Platform Engineer",
		"--recruiter", "Dana Reyes <dana@northwind.example>")
	e.mustRun(t, "interview", "northwind", "--at", time.Now().Add(-5*time.Hour).Format(time.RFC3339))
	d.waitLog(t, "kind=draft_ready outcome=retry")

	e.mustRun(t, "drafts", "send", "--yes", "1")
	if r := server.Next(t); len(r.To) != 1 || r.To[0] != "dana@northwind.example" {
		t.Fatalf("drafts send went to %v", r.To)
	}
	var ms []struct {
		Kind, Status string
		LastError    string `json:"last_error"`
	}
	if err := json.Unmarshal([]byte(e.mustRun(t, "messages", "--json")), &ms); err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.Kind == "draft_ready" && (m.Status != "cancelled" || !strings.Contains(m.LastError, "was sent")) {
			t.Errorf("the notice is %s (%q) after its draft was sent, want cancelled", m.Status, m.LastError)
		}
	}
	d.signal(t, 15)
	d.wait(t)
	if server.Pending() != 0 {
		t.Error("more mail reached the server than the draft")
	}
}

// twoDrafts records two applications whose thank-you notes are drafted,
// sends nothing, and returns the drafts' ids and Message-IDs by company.
func twoDrafts(t *testing.T, e *env, server *smtptest.Server) map[string]draftRow {
	t.Helper()
	for _, c := range [][2]string{{"Northwind Labs", "Dana Reyes <dana@northwind.example>"}, {"Globex", "Hank Scorpio <hank@globex.example>"}} {
		e.mustRun(t, "apply", "--company", c[0], "--role", "Platform Engineer", "--recruiter", c[1])
		e.mustRun(t, "interview", c[0], "--at", time.Now().Add(-5*time.Hour).Format(time.RFC3339))
	}
	e.mustRun(t, "flush")
	server.Next(t) // the two draft_ready notices
	server.Next(t)
	var ms []draftRow
	if err := json.Unmarshal([]byte(e.mustRun(t, "drafts", "--json")), &ms); err != nil {
		t.Fatal(err)
	}
	out := map[string]draftRow{}
	for _, m := range ms {
		out[strings.Fields(m.To)[0]] = m
	}
	if len(out) != 2 {
		t.Fatalf("drafts: %+v, want two", ms)
	}
	return out
}

type draftRow struct {
	ID        int64  `json:"id"`
	To        string `json:"to"`
	Status    string `json:"status"`
	MessageID string `json:"message_id"`
}

// drafts send asks before it sends; without a terminal it wants --yes.
// With [imap], the sent draft is filed in Sent, seen, once.
func TestDraftsSendConfirmsAndFilesInSent(t *testing.T) {
	t.Parallel()
	server := smtptest.Start(t, smtptest.Script{})
	box := imaptest.Start(t, imaptest.Options{})
	e := newEnv(t, server, imapConfig(t, t.TempDir(), box, imaptest.Password))
	drafts := twoDrafts(t, e, server)
	dana, hank := drafts["Dana"], drafts["Hank"]

	_, stderr, code := e.run(t, "drafts", "send", fmt.Sprint(dana.ID))
	if code != 2 || !strings.Contains(stderr, "--yes") || !strings.Contains(stderr, "dana@northwind.example") {
		t.Errorf("drafts send without a terminal or --yes: exit %d, %q; want 2 naming the recipient and --yes", code, stderr)
	}
	if server.Pending() != 0 {
		t.Fatal("drafts send without --yes sent something")
	}

	e.mustRun(t, "drafts", "send", "--yes", fmt.Sprint(dana.ID))
	if r := server.Next(t); r.To[0] != "dana@northwind.example" {
		t.Fatalf("sent to %v", r.To)
	}
	if n, unseen := box.Count(t, "Sent"); n != 1 || unseen != 0 {
		t.Errorf("Sent holds %d messages, %d unseen; want the one sent draft, seen", n, unseen)
	}
	for uid, flags := range box.Flags(t, "Sent") {
		if !slices.Contains(flags, `\seen`) || slices.Contains(flags, `\draft`) {
			t.Errorf("the copy in Sent (uid %d) has flags %v, want \\Seen alone", uid, flags)
		}
	}

	// A server that files what it relays in Sent itself (as Gmail does)
	// already has the copy: onward adds none.
	box.Deliver(t, "Sent", imaptest.Message(hank.MessageID, "alex@example.com", "Thank you", "Hi Hank"), imap.FlagSeen)
	e.mustRun(t, "drafts", "send", "--yes", fmt.Sprint(hank.ID))
	server.Next(t)
	if n, _ := box.Count(t, "Sent"); n != 2 {
		t.Errorf("Sent holds %d messages, want 2: one per sent draft", n)
	}
}
