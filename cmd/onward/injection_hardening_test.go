package main

// Header injection, through the real binary: whatever a user may type
// into a company, a role or a recruiter and onward accepts, the emails it
// writes carry exactly one From (the user) and one To (who it is for), no
// header nobody asked for, a mailto: link with no extra recipient, and
// HTML that shows the typing as text.

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/onward-app/onward/internal/smtptest"
)

// hostileApps are applications onward accepts although what they hold
// looks like markup, headers or tricks.
var hostileApps = []struct{ company, role, recruiter, email string }{
	{`<script>alert('x')</script>`, `"><img src=x onerror=alert(1)>`, `"Reyes, Dana" <dana@acme.example>`, "dana@acme.example"},
	{"Acme Bcc: evil@x.example", "SRE To: evil@x.example", `Dana <"dana,reyes"@acme.example>`, "dana,reyes@acme.example"},
	{"=?UTF-8?q?Acme=0D=0ABcc:_evil@x.example?=", "Dev", `"dana reyes"@acme.example`, "dana reyes@acme.example"},
	{"Zoë & Søn", "Ingeniør", "Zoë Ünal <zoë@bücher.example>", "zoë@bücher.example"},
	{"Acme, Inc.; Bcc: evil@x.example", "R", `"Bcc: everyone" <dana@acme.example>`, "dana@acme.example"},
	{"Mailto Corp", "R", `"dana?bcc=evil"@acme.example`, "dana?bcc=evil@acme.example"},
}

// headersOnwardWrites are all the header fields of an email onward writes.
var headersOnwardWrites = []string{"Auto-Submitted", "Content-Disposition", "Content-Transfer-Encoding", "Content-Type", "Date",
	"From", "In-Reply-To", "Message-Id", "Mime-Version", "References", "Subject", "To", "X-Unsent"}

// email is one message found in the outbox, or attached to one.
type email struct {
	where string
	hdr   mail.Header
	html  []string
	text  []string
}

// readEmail parses raw and every message attached to it.
func readEmail(t *testing.T, where string, raw []byte) []email {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("%s does not parse: %v", where, err)
	}
	e := email{where: where, hdr: m.Header}
	out := []email{}
	var walk func(ct, cte string, body io.Reader)
	walk = func(ct, cte string, body io.Reader) {
		mt, params, err := mime.ParseMediaType(ct)
		if err != nil {
			t.Fatalf("%s: content type %q: %v", where, ct, err)
		}
		switch strings.ToLower(cte) {
		case "quoted-printable":
			body = quotedprintable.NewReader(body)
		case "base64":
			body = base64.NewDecoder(base64.StdEncoding, body)
		}
		if strings.HasPrefix(mt, "multipart/") {
			r := multipart.NewReader(body, params["boundary"])
			for {
				p, err := r.NextRawPart()
				if err == io.EOF {
					return
				}
				if err != nil {
					t.Fatalf("%s: %v", where, err)
				}
				walk(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p)
			}
		}
		b, err := io.ReadAll(body)
		if err != nil {
			t.Fatalf("%s: %v", where, err)
		}
		switch mt {
		case "text/html":
			e.html = append(e.html, string(b))
		case "text/plain":
			e.text = append(e.text, string(b))
		case "message/rfc822":
			out = append(out, readEmail(t, where+" (attached draft)", b)...)
		}
	}
	ct := m.Header.Get("Content-Type")
	if ct == "" {
		ct = "text/plain"
	}
	walk(ct, m.Header.Get("Content-Transfer-Encoding"), m.Body)
	return append([]email{e}, out...)
}

// checkHeaders asserts the shape of one email: the header fields onward
// writes and no other, one From, one To naming exactly `to`.
func checkHeaders(t *testing.T, e email, to string) {
	t.Helper()
	for k, v := range e.hdr {
		if !slices.Contains(headersOnwardWrites, k) {
			t.Errorf("%s: header %s: %q was added", e.where, k, v)
		}
		if len(v) != 1 {
			t.Errorf("%s: header %s appears %d times", e.where, k, len(v))
		}
	}
	from, err := e.hdr.AddressList("From")
	if err != nil || len(from) != 1 || from[0].Address != "alex@example.com" {
		t.Errorf("%s: From %v (%v), want only the user", e.where, from, err)
	}
	list, err := e.hdr.AddressList("To")
	if err != nil || len(list) != 1 || list[0].Address != to {
		t.Errorf("%s: To %q parses to %v (%v), want only %s", e.where, e.hdr.Get("To"), list, err, to)
	}
	dec := new(mime.WordDecoder)
	if s, err := dec.DecodeHeader(e.hdr.Get("Subject")); err != nil || strings.ContainsAny(s, "\r\n") {
		t.Errorf("%s: Subject %q decodes to %q (%v)", e.where, e.hdr.Get("Subject"), s, err)
	}
}

var mailtoRE = regexp.MustCompile(`mailto:[^"\s<>]+`)

// checkMailto asserts that every mailto: link in the parts opens a
// message to exactly `to`, with only a subject and a body.
func checkMailto(t *testing.T, e email, to string) (n int) {
	t.Helper()
	for _, part := range append(slices.Clone(e.text), e.html...) {
		// Quoted-printable has been undone; text parts may wrap the link.
		part = strings.ReplaceAll(part, "&amp;", "&")
		for _, link := range mailtoRE.FindAllString(part, -1) {
			u, err := url.Parse(link)
			if err != nil {
				t.Errorf("%s: %q does not parse: %v", e.where, link, err)
				continue
			}
			n++
			addr, err := url.PathUnescape(u.Opaque)
			if err != nil || addr != to {
				t.Errorf("%s: %q opens a message to %q (%v), want %q", e.where, link, addr, err, to)
			}
			for k := range u.Query() {
				if k != "subject" && k != "body" {
					t.Errorf("%s: %q carries %q", e.where, link, k)
				}
			}
		}
	}
	return n
}

func TestNoInputAddsAHeaderOrARecipient(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	// Two of the applications share dana@acme.example; every draft is
	// read here at once, so none may wait for a day of its own.
	e.writeConfig(t, e.config, e.baseConf().set("guards", "one_draft_per_day", "false"), 0o600)
	for i, a := range hostileApps {
		apply(t, e, "--company", a.company, "--role", a.role, "--recruiter", a.recruiter, "--at", ago(72*time.Hour))
		// Fifty hours ago: the thank-you is still timely (2d from its
		// time), and the rejection below follows the interview.
		must(t, e, "interview", fmt.Sprint(i+1), "--at", ago(50*time.Hour))
		must(t, e, "log", fmt.Sprint(i+1), "Lesson about "+a.company+" <b>bold</b>")
	}
	must(t, e, "reject", "1", "--at", ago(48*time.Hour))
	must(t, e, "flush")

	files, err := filepath.Glob(filepath.Join(e.outbox, "*.eml"))
	if err != nil {
		t.Fatal(err)
	}
	drafts, notices, checkins, links := 0, 0, 0, 0
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		all := readEmail(t, filepath.Base(f), raw)
		top := all[0]
		checkHeaders(t, top, "alex@example.com")
		for _, h := range top.html {
			low := strings.ToLower(h)
			if strings.Contains(low, "<script") || strings.Contains(low, "<img") {
				t.Errorf("%s: the HTML part carries markup a user typed:\n%s", top.where, h)
			}
		}
		if len(all) == 1 {
			checkins++
			continue
		}
		notices++
		if len(top.html) == 0 {
			t.Errorf("%s: a draft notice without its HTML part", top.where)
		}
		for _, draft := range all[1:] {
			drafts++
			// Which application? Its Message-ID is in the notice's text.
			var want string
			for _, a := range hostileApps {
				if list, err := draft.hdr.AddressList("To"); err == nil && len(list) == 1 && list[0].Address == a.email {
					want = a.email
				}
			}
			if want == "" {
				t.Errorf("%s: To %q is none of the recruiters", draft.where, draft.hdr.Get("To"))
				continue
			}
			checkHeaders(t, draft, want)
			links += checkMailto(t, top, want)
		}
	}
	if drafts != len(hostileApps) || checkins == 0 || links == 0 {
		t.Fatalf("found %d drafts (want %d), %d notices, %d check-ins, %d mailto links in %d files: the test checked too little",
			drafts, len(hostileApps), notices, checkins, links, len(files))
	}
	if html := strings.Join(mustRead(t, files), ""); !strings.Contains(html, "&lt;script&gt;") {
		t.Errorf("no HTML part shows the <script> company as text")
	}

	// By hand over SMTP: each draft reaches its recruiter and no one else.
	server := smtptest.Start(t, smtptest.Script{})
	e.writeConfig(t, e.config, e.baseConf().set("delivery", "transport", q("smtp")).set("smtp", "host", q(server.Host)).
		set("smtp", "port", fmt.Sprint(server.Port)).set("smtp", "security", q("none")).set("smtp", "timeout", q("5s")), 0o600)
	for _, m := range messages(t, e, "--status", "drafted") {
		must(t, e, "drafts", "send", "--yes", fmt.Sprint(m.ID))
		r := server.Next(t)
		want := ""
		for _, a := range hostileApps {
			if strings.Contains(m.To, strings.Split(a.email, "@")[1]) && slices.Contains(r.To, a.email) {
				want = a.email
			}
		}
		if len(r.To) != 1 || want == "" {
			t.Errorf("draft %d to %q went to %q", m.ID, m.To, r.To)
			continue
		}
		for _, got := range readEmail(t, fmt.Sprintf("draft %d as sent", m.ID), r.Data) {
			checkHeaders(t, got, want)
		}
	}
}

func mustRead(t *testing.T, files []string) []string {
	t.Helper()
	var out []string
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range readEmail(t, f, raw) {
			out = append(out, e.html...)
		}
	}
	return out
}
