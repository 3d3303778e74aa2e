package main

import (
	"bytes"
	"fmt"
	"io"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gomessage "github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset"
)

// quietNow returns quiet hours that hold now, on Berlin's clock (the test
// config's zone), from an hour ago to two hours ahead.
func quietNow(t *testing.T) string {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().In(loc)
	return fmt.Sprintf("%s-%s", now.Add(-time.Hour).Format("15:04"), now.Add(2*time.Hour).Format("15:04"))
}

// heldNotice sets up a drafted thank-you whose draft_ready notice is held
// back by quiet hours, and returns the draft's id.
func heldNotice(t *testing.T) (*env, string) {
	t.Helper()
	e := newEnv(t)
	e.writeConfig(t, e.config, e.baseConf().set("schedule", "quiet_hours", q(quietNow(t))), 0o600)
	apply(t, e, "--company", "Acme", "--role", "Platform Engineer", "--recruiter", "Dana Reyes <dana@acme.example>")
	must(t, e, "interview", "acme", "--at", ago(48*time.Hour))
	must(t, e, "flush")
	ms := messages(t, e)
	if n := one(t, ms, "draft_ready"); n.Status != "scheduled" {
		t.Fatalf("the notice is %s, want scheduled (held by quiet hours)", n.Status)
	}
	return e, itoa(one(t, ms, "thank_you").ID)
}

// A notice held back while its draft leaves "drafted" is cancelled with
// it, whichever command moved the draft: it must never tell the user to
// send a draft that is gone.
func TestNoticeFollowsItsDraft(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		args   func(id string) []string
		status string // of the draft afterwards
	}{
		{"discarded", func(id string) []string { return []string{"drafts", "discard", id} }, "discarded"},
		{"sent from the mail program", func(id string) []string { return []string{"drafts", "sent", id} }, "sent"},
		{"cancelled by a withdrawal", func(string) []string { return []string{"withdraw", "acme"} }, "cancelled"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e, id := heldNotice(t)
			must(t, e, tc.args(id)...)
			ms := messages(t, e)
			if d := one(t, ms, "thank_you"); d.Status != tc.status {
				t.Fatalf("the draft is %s, want %s", d.Status, tc.status)
			}
			n := one(t, ms, "draft_ready")
			if n.Status != "cancelled" || !strings.Contains(n.LastError, "draft "+id+" was "+tc.status) {
				t.Errorf("the notice is %s (%q), want cancelled saying the draft was %s", n.Status, n.LastError, tc.status)
			}
		})
	}
}

// Without an SMTP server, every hint says the way that works: send it
// from the mail program, then `drafts sent`; and a draft so recorded
// counts as sent in status and patterns.
func TestDraftsSentFromTheMailProgram(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	apply(t, e, "--company", "Acme", "--role", "Platform Engineer", "--recruiter", "Dana Reyes <dana@acme.example>")
	must(t, e, "reject", "acme", "--at", ago(50*time.Hour))
	must(t, e, "flush")
	fr := one(t, messages(t, e), "feedback_request")
	if fr.Status != "drafted" {
		t.Fatalf("feedback_request is %s, want drafted", fr.Status)
	}
	id := itoa(fr.ID)
	notices, _ := filepath.Glob(filepath.Join(e.outbox, "*.eml"))
	var eml string
	for _, f := range notices {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		eml += string(b)
	}
	for _, c := range []struct{ name, text, want string }{
		{"drafts", must(t, e, "drafts"), "onward drafts sent ID"},
		{"drafts show", must(t, e, "drafts", "show", id), "onward drafts sent " + id},
		{"draft_ready email", eml, "onward drafts sent " + id},
	} {
		if !strings.Contains(c.text, c.want) || strings.Contains(c.text, "drafts send") {
			t.Errorf("%s does not say %q alone:\n%s", c.name, c.want, c.text)
		}
	}

	if _, errOut, code := run(t, e, "drafts", "sent", id, "--at", time.Now().Add(time.Hour).Format(time.RFC3339)); code != 2 || !strings.Contains(errOut, "future") {
		t.Errorf("drafts sent --at an hour ahead: exit %d, %q; want 2 naming the future", code, errOut)
	}
	at := ago(2 * time.Hour)
	if out := must(t, e, "drafts", "sent", id, "--at", at); !strings.Contains(out, "Draft "+id+" recorded as sent to Dana Reyes <dana@acme.example>") {
		t.Errorf("drafts sent printed %q", out)
	}
	m := one(t, messages(t, e), "feedback_request")
	if m.Status != "sent" || m.SentAt == nil {
		t.Fatalf("after drafts sent: %s, sent_at %v", m.Status, m.SentAt)
	}
	if got, _ := time.Parse(time.RFC3339, *m.SentAt); got.Format(time.RFC3339) != at {
		t.Errorf("sent_at %s, want the --at %s", *m.SentAt, at)
	}
	if out := must(t, e, "drafts"); !strings.Contains(out, "No drafts waiting") {
		t.Errorf("drafts after drafts sent:\n%s", out)
	}
	var p struct {
		Funnel struct {
			FeedbackRequests int `json:"feedback_requests"`
		} `json:"funnel"`
	}
	mustJSON(t, e, &p, "patterns", "--json")
	if p.Funnel.FeedbackRequests != 1 {
		t.Errorf("patterns counts %d feedback requests sent, want 1", p.Funnel.FeedbackRequests)
	}
	if _, errOut, code := run(t, e, "drafts", "sent", id); code != 2 || !strings.Contains(errOut, "sent") {
		t.Errorf("drafts sent twice: exit %d, %q; want 2", code, errOut)
	}
}

// The draft attached to a draft_ready email is a message a strict parser
// reads: message/rfc822 in 7bit or 8bit (RFC 2046 5.2.1 forbids base64),
// marked X-Unsent so mail programs open it as a draft to edit and send.
func TestAttachedDraftIsAValidMessage(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, company, recruiter, wantName string }{
		{"ascii", "Acme", "Dana Reyes <dana@acme.example>", "Dana Reyes"},
		{"non-ascii", "Café Ørsted", "Zoë Ångström <zoe@orsted.example>", "Zoë Ångström"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			apply(t, e, "--company", tc.company, "--role", "Platform Engineer", "--recruiter", tc.recruiter)
			must(t, e, "interview", "1", "--at", ago(48*time.Hour))
			must(t, e, "flush")
			draft := one(t, messages(t, e), "thank_you")
			files, _ := filepath.Glob(filepath.Join(e.outbox, "*.eml"))
			if len(files) != 1 {
				t.Fatalf("outbox holds %v, want the draft_ready email", files)
			}
			f, err := os.Open(files[0])
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			outer, err := gomessage.Read(f)
			if err != nil {
				t.Fatalf("the notice does not parse: %v", err)
			}
			mr := outer.MultipartReader()
			if mr == nil {
				t.Fatal("the notice is not multipart")
			}
			var inner []byte
			for {
				p, err := mr.NextPart()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("a part does not parse: %v", err)
				}
				if mt, _, _ := p.Header.ContentType(); mt != "message/rfc822" {
					continue
				}
				if cte := p.Header.Get("Content-Transfer-Encoding"); cte != "7bit" && cte != "8bit" {
					t.Errorf("the attached draft is in %q; RFC 2046 allows only 7bit or 8bit", cte)
				}
				if inner, err = io.ReadAll(p.Body); err != nil {
					t.Fatal(err)
				}
			}
			if inner == nil {
				t.Fatal("no message/rfc822 part")
			}
			m, err := mail.ReadMessage(bytes.NewReader(inner))
			if err != nil {
				t.Fatalf("net/mail cannot read the attached draft: %v\n%s", err, inner)
			}
			if got := m.Header.Get("X-Unsent"); got != "1" {
				t.Errorf("X-Unsent %q, want 1", got)
			}
			to, err := mail.ParseAddress(m.Header.Get("To"))
			if err != nil || to.Name != tc.wantName {
				t.Errorf("To %q parses to %v (%v), want %s", m.Header.Get("To"), to, err, tc.wantName)
			}
			if got := m.Header.Get("Message-Id"); got != "<"+draft.MessageID+">" {
				t.Errorf("Message-ID %q, want the draft's <%s>", got, draft.MessageID)
			}
			ent, err := gomessage.Read(bytes.NewReader(inner))
			if err != nil {
				t.Fatalf("go-message cannot read the attached draft: %v", err)
			}
			subject, err := mailHeader{ent.Header}.Subject()
			if err != nil || subject != draft.Subject {
				t.Errorf("Subject %q (%v), want %q", subject, err, draft.Subject)
			}
			var text strings.Builder
			walkText(t, ent, &text)
			if !strings.Contains(text.String(), "Hi "+strings.Fields(tc.wantName)[0]+",") {
				t.Errorf("the attached draft's text lacks the greeting:\n%s", text.String())
			}
		})
	}
}

type mailHeader struct{ gomessage.Header }

// Subject decodes the Subject field.
func (h mailHeader) Subject() (string, error) { return h.Text("Subject") }

// walkText appends the decoded text/plain parts of ent to b.
func walkText(t *testing.T, ent *gomessage.Entity, b *strings.Builder) {
	t.Helper()
	if mr := ent.MultipartReader(); mr != nil {
		for {
			p, err := mr.NextPart()
			if err == io.EOF {
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			walkText(t, p, b)
		}
	}
	if mt, _, _ := ent.Header.ContentType(); mt == "text/plain" {
		body, err := io.ReadAll(ent.Body)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(body)
	}
}

// A rejected edit is never thrown away: without a terminal to reopen the
// editor on, the text is kept in a file the error names. An edit that
// changes nothing says so.
func TestDraftEditKeepsARejectedEdit(t *testing.T) {
	t.Parallel()
	e, ms := flushed(t)
	draft := one(t, ms, "thank_you")
	id := itoa(draft.ID)

	same := editorScript(t, e, "same.sh", `:`)
	if out := must(t, e.with("EDITOR="+same), "drafts", "edit", id); !strings.Contains(out, "Draft "+id+" unchanged") {
		t.Errorf("an edit that changes nothing printed %q", out)
	}

	broken := editorScript(t, e, "broken.sh", `sed -i -e '1d' -e '$a My own words for taking the time.' "$1"`)
	_, errOut, code := run(t, e.with("EDITOR="+broken), "drafts", "edit", id)
	if code != 2 || !strings.Contains(errOut, "Subject:") {
		t.Fatalf("a deleted Subject line: exit %d, %q; want 2 naming the Subject line", code, errOut)
	}
	_, kept, ok := strings.Cut(errOut, "kept in ")
	if !ok {
		t.Fatalf("the error names no file keeping the text: %q", errOut)
	}
	b, err := os.ReadFile(strings.TrimSpace(kept))
	if err != nil {
		t.Fatalf("the kept text: %v", err)
	}
	if !strings.Contains(string(b), "My own words for taking") {
		t.Errorf("the kept file lacks the edit:\n%s", b)
	}
	if got := one(t, messages(t, e), "thank_you"); got.Subject != draft.Subject {
		t.Errorf("the rejected edit changed the draft: subject %q", got.Subject)
	}
}

// An empty override (what `templates show KIND > file` leaves when the
// shell creates the file first) is named with its path and "the file is
// empty"; templates list, show and edit still work, so the user can fix
// it; templates edit installs only a template that passes its check.
func TestTemplatesEditAndBrokenOverrides(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	override := filepath.Join(e.tpl, "thank_you.tmpl")
	writeFile(t, override, "", 0o600)
	apply(t, e, "--company", "Acme", "--role", "Platform Engineer", "--recruiter", "Dana Reyes <dana@acme.example>")
	must(t, e, "interview", "acme", "--at", ago(48*time.Hour))

	_, errOut, code := run(t, e, "flush")
	if code != 2 || !strings.Contains(errOut, override) || !strings.Contains(errOut, "the file is empty") {
		t.Errorf("flush with an empty override: exit %d, %q; want 2 naming %s and that the file is empty", code, errOut, override)
	}
	if out := must(t, e, "templates", "list"); !strings.Contains(out, "BROKEN") || !strings.Contains(out, "the file is empty") {
		t.Errorf("templates list does not show the broken override:\n%s", out)
	}
	must(t, e, "templates", "show", "thank_you")

	// A template that fails its check is kept aside, never put in use.
	bad := editorScript(t, e, "bad.sh", `sed -i 's/{{define "subject"}}/{{define "subject"}}{{.Nope}}/' "$1"`)
	_, errOut, code = run(t, e.with("EDITOR="+bad), "templates", "edit", "thank_you")
	if code != 2 || !strings.Contains(errOut, "Nope") || !strings.Contains(errOut, "kept in ") {
		t.Errorf("templates edit with a broken template: exit %d, %q; want 2 naming the problem and the kept file", code, errOut)
	}
	if b, _ := os.ReadFile(override); len(b) != 0 {
		t.Errorf("a template that failed its check replaced the override:\n%s", b)
	}

	good := editorScript(t, e, "good.sh", `sed -i 's/{{define "subject"}}/{{define "subject"}}Many thanks — /' "$1"`)
	if out := must(t, e.with("EDITOR="+good), "templates", "edit", "thank_you"); !strings.Contains(out, "Saved "+override) {
		t.Errorf("templates edit printed %q", out)
	}
	if out := must(t, e, "templates", "list"); !strings.Contains(out, override) || strings.Contains(out, "BROKEN") {
		t.Errorf("templates list after the fix:\n%s", out)
	}
	must(t, e, "flush")
	if s := one(t, messages(t, e), "thank_you").Subject; !strings.HasPrefix(s, "Many thanks — ") {
		t.Errorf("the draft's subject %q does not come from the edited template", s)
	}
	if out := must(t, e.with("EDITOR=true"), "templates", "edit", "thank_you"); !strings.Contains(out, "unchanged") {
		t.Errorf("templates edit that changes nothing printed %q", out)
	}
}
