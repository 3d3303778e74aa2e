package main

import (
	"fmt"
	"io"
	"mime/quotedprintable"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// appMessages is every message of application id.
func appMessages(t *testing.T, e *env, id string) []message {
	t.Helper()
	return messages(t, e, "--app", id)
}

func pendingKinds(ms []message) []string {
	var out []string
	for _, m := range ms {
		switch m.Status {
		case "scheduled", "sending", "drafted":
			out = append(out, m.Kind)
		}
	}
	return out
}

func TestAcceptDraftsWithdrawalsToOpenApplicationsWithAContact(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ahead := days(-3) // an interview three days ahead plans a thank-you, a status check and a prep note
	acme := apply(t, e, "--company", "Acme", "--role", "Platform Engineer", "--recruiter", "Dana Reyes <dana@acme.example>", "--at", days(20))
	must(t, e, "offer", acme, "--at", days(1))
	globex := apply(t, e, "--company", "Globex", "--role", "Data Engineer", "--recruiter", "Sam Carter <sam@globex.example>", "--at", days(15))
	must(t, e, "interview", globex, "--at", ahead)
	wayne := apply(t, e, "--company", "Wayne", "--role", "Engineer", "--recruiter", "Lucius Fox <lucius@wayne.example>", "--at", days(15))
	must(t, e, "offer", wayne, "--at", days(2)) // an offer not taken is still open
	initech := apply(t, e, "--company", "Initech", "--role", "Engineer", "--recruiter", "no-reply@initech.example", "--at", days(15))
	must(t, e, "interview", initech, "--at", ahead)
	hooli := apply(t, e, "--company", "Hooli", "--role", "Engineer", "--at", days(15))
	must(t, e, "interview", hooli, "--at", ahead)
	umbrella := apply(t, e, "--company", "Umbrella", "--role", "Engineer", "--recruiter", "Ada Wong <ada@umbrella.example>", "--at", days(15))
	must(t, e, "reject", umbrella, "--at", days(1))
	umbrellaBefore := pendingKinds(appMessages(t, e, umbrella))
	for _, id := range []string{globex, initech, hooli} {
		if len(pendingKinds(appMessages(t, e, id))) == 0 {
			t.Fatalf("application %s has nothing pending before the accept; the test would prove nothing", id)
		}
	}

	out := must(t, e, "accept", acme)
	if !strings.Contains(out, "Congratulations.") {
		t.Errorf("accept output lacks the congratulations:\n%s", out)
	}

	withdrawals := map[string]string{} // application id → to
	for _, m := range messages(t, e) {
		if m.Kind == "withdrawal" {
			withdrawals[fmt.Sprint(*m.ApplicationID)] = m.To
		}
	}
	want := map[string]string{globex: "Sam Carter <sam@globex.example>", wayne: "Lucius Fox <lucius@wayne.example>"}
	if fmt.Sprint(withdrawals) != fmt.Sprint(want) {
		t.Errorf("withdrawal drafts = %v, want exactly %v (Globex and Wayne; not Acme, Initech's no-reply, Hooli with no contact, rejected Umbrella)", withdrawals, want)
	}
	for _, id := range []string{globex, wayne, initech, hooli} {
		pending := pendingKinds(appMessages(t, e, id))
		wantPending := ""
		if id == globex || id == wayne {
			wantPending = "withdrawal"
		}
		if got := strings.Join(pending, " "); got != wantPending {
			t.Errorf("application %s pending after accept: %q, want %q (everything else cancelled)", id, got, wantPending)
		}
		if got := statusOf(t, e, id); got != "withdrawn" {
			t.Errorf("application %s stage after accept: %s, want withdrawn", id, got)
		}
	}
	if got := strings.Join(pendingKinds(appMessages(t, e, umbrella)), " "); got != strings.Join(umbrellaBefore, " ") {
		t.Errorf("the rejected application's plan changed: %q, want %q", got, strings.Join(umbrellaBefore, " "))
	}
	if got := strings.Join(pendingKinds(appMessages(t, e, acme)), " "); got != "congratulations" {
		t.Errorf("accepted application pending: %q, want the congratulations alone", got)
	}
	if got := statusOf(t, e, acme); got != "offer" {
		t.Errorf("accepted application stage: %s, want offer", got)
	}

	// Accepting twice changes nothing.
	// It says the offer was accepted, not only that it "has an offer",
	// which read as if the acceptance had not been recorded.
	if out := must(t, e, "accept", acme); !strings.Contains(out, "accepted its offer already; nothing changed") || strings.Contains(out, "has an offer") {
		t.Errorf("second accept:\n%s", out)
	}

	// Undo takes the acceptance back whole: the withdrawals too, and
	// the interview's plan comes back; the rejected one stays as it was.
	out = must(t, e, "undo", acme)
	if got := pendingKinds(appMessages(t, e, acme)); len(got) != 0 {
		t.Errorf("after undoing the accept, pending: %v, want none", got)
	}
	for id, stage := range map[string]string{globex: "interviewing", wayne: "offer", initech: "interviewing", hooli: "interviewing", umbrella: "rejected"} {
		if got := statusOf(t, e, id); got != stage {
			t.Errorf("application %s after undoing the accept: %s, want %s\n%s", id, got, stage, out)
		}
	}
	if got := strings.Join(pendingKinds(appMessages(t, e, globex)), " "); !strings.Contains(got, "status_check") || strings.Contains(got, "withdrawal") {
		t.Errorf("Globex pending after undo: %q, want the interview's plan back and no withdrawal", got)
	}
	for _, m := range messages(t, e) {
		if m.Kind == "withdrawal" && m.Status != "cancelled" {
			t.Errorf("withdrawal %d after undo: %s, want cancelled", m.ID, m.Status)
		}
	}
}

func TestDeclineDraftsAGraciousNote(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	id := apply(t, e, "--company", "Acme", "--role", "Platform Engineer", "--recruiter", "Dana Reyes <dana@acme.example>", "--at", days(20))
	other := apply(t, e, "--company", "Globex", "--role", "Engineer", "--at", days(20))

	// Declining what is not an offer is refused, and writes nothing.
	before := snap(t, e)
	_, errOut, code := run(t, e, "decline", other)
	if code != 2 || !strings.Contains(errOut, "not an offer") {
		t.Errorf("decline of an application without an offer: exit %d, stderr %q; want 2 naming it", code, errOut)
	}
	sameState(t, before, snap(t, e))

	must(t, e, "offer", id, "--at", days(1), "--deadline", time.Now().AddDate(0, 0, 5).Format("2006-01-02"))
	out := must(t, e, "decline", id)
	if !strings.Contains(out, "planned decline") {
		t.Errorf("decline output:\n%s", out)
	}
	ms := appMessages(t, e, id)
	d := one(t, ms, "decline")
	if d.Audience != "recruiter" || d.To != "Dana Reyes <dana@acme.example>" {
		t.Errorf("decline draft: %+v, want a draft to Dana", d)
	}
	if got := one(t, ms, "offer_deadline"); got.Status != "cancelled" {
		t.Errorf("the deadline reminder after a decline: %s, want cancelled", got.Status)
	}
	if got := statusOf(t, e, id); got != "withdrawn" {
		t.Errorf("stage after decline: %s, want withdrawn", got)
	}
	must(t, e, "flush")
	text := must(t, e, "drafts", "show", fmt.Sprint(d.ID))
	for _, want := range []string{"decline", "stay in touch", "Acme"} {
		if !strings.Contains(text, want) {
			t.Errorf("decline draft lacks %q:\n%s", want, text)
		}
	}
}

func TestOfferDeadlineReminderTheEveningBefore(t *testing.T) {
	t.Parallel()
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().In(ny).AddDate(0, 0, 5)
	y, m, d := deadline.Date()
	for _, tc := range []struct {
		name, quiet string
		want        time.Time
	}{
		{"18:00 the day before, in the user's zone", "22:00-07:00", time.Date(y, m, d-1, 18, 0, 0, 0, ny)},
		{"18:00 is inside the quiet hours: the morning of the deadline", "17:00-09:00", time.Date(y, m, d, 9, 0, 0, 0, ny)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			e.writeConfig(t, e.config, e.baseConf().set("user", "timezone", q("America/New_York")).
				set("schedule", "quiet_hours", q(tc.quiet)), 0o600)
			id := apply(t, e, "--company", "Acme", "--role", "Engineer", "--at", days(20))
			out := must(t, e, "offer", id, "--deadline", deadline.Format("2006-01-02"))
			if !strings.Contains(out, "planned offer_deadline") {
				t.Errorf("offer output:\n%s", out)
			}
			r := one(t, appMessages(t, e, id), "offer_deadline")
			due, err := time.Parse(time.RFC3339, *r.DueAt)
			if err != nil {
				t.Fatal(err)
			}
			if !due.Equal(tc.want) {
				t.Errorf("reminder due %v, want %v", due.In(ny), tc.want)
			}
		})
	}
}

func TestOfferWithdrawnByTheEmployer(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	id := apply(t, e, "--company", "Acme", "--role", "Engineer", "--recruiter", "Dana Reyes <dana@acme.example>", "--at", days(20))
	must(t, e, "offer", id, "--at", days(1), "--deadline", time.Now().AddDate(0, 0, 5).Format("2006-01-02"))
	must(t, e, "offer", id, "--withdrawn")
	ms := appMessages(t, e, id)
	if got := strings.Join(pendingKinds(ms), " "); got != "offer_withdrawn_note" {
		t.Errorf("pending after the offer was withdrawn: %q, want the note alone", got)
	}
	if got := one(t, ms, "offer_deadline"); got.Status != "cancelled" {
		t.Errorf("deadline reminder: %s, want cancelled", got.Status)
	}
	if got := statusOf(t, e, id); got != "rejected" {
		t.Errorf("stage: %s, want rejected", got)
	}
	_, errOut, code := run(t, e, "offer", id, "--withdrawn")
	if code != 2 || !strings.Contains(errOut, "not an offer") {
		t.Errorf("withdrawing an offer twice: exit %d, %q; want 2", code, errOut)
	}
}

// TestOfferDeadlineReminderNamesTheDay delivers a reminder for a deadline
// of today (the evening before has passed, so it is due at once) and
// reads it in the outbox: it names the day and offers both answers.
func TestOfferDeadlineReminderNamesTheDay(t *testing.T) {
	t.Parallel()
	zone := "UTC"
	if time.Now().UTC().Hour() >= 22 {
		zone = "Etc/GMT+4" // four hours behind: today still has hours left
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t)
	e.writeConfig(t, e.config, e.baseConf().set("user", "timezone", q(zone)), 0o600)
	id := apply(t, e, "--company", "Acme", "--role", "Engineer", "--at", days(20))
	today := time.Now().In(loc)
	must(t, e, "offer", id, "--deadline", today.Format("2006-01-02"))
	must(t, e, "flush")
	files, err := filepath.Glob(filepath.Join(e.outbox, "*.eml"))
	if err != nil || len(files) != 1 {
		t.Fatalf("outbox: %v, %v; want the one reminder", files, err)
	}
	f, err := os.Open(files[0])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	msg, err := mail.ReadMessage(f)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
	if err != nil {
		t.Fatal(err)
	}
	text := msg.Header.Get("Subject") + "\n" + string(body)
	for _, want := range []string{"answer by " + today.Format("Monday 2 January"), `onward accept "Acme"`, `onward decline "Acme"`} {
		if !strings.Contains(text, want) {
			t.Errorf("reminder lacks %q:\n%s", want, text)
		}
	}
}
