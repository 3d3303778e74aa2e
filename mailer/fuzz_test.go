package mailer_test

import (
	"bytes"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/onward-app/onward/mailer"
)

// FuzzHeaderInjection: whatever a user types into a name, a company (the
// subject) or an address, the written email has exactly one From, one To,
// no Bcc or Cc, and parses; or WriteTo refuses it.
func FuzzHeaderInjection(f *testing.F) {
	for _, s := range []string{"Acme", "Acme\r\nBcc: evil@x.example", "Dana \"The Boss\" Reyes", "Zoë, Ltd.", "=?UTF-8?q?x?=",
		"a\nb", "<script>", "Dana <dana@x.example>, eve@y.example", "\x00", strings.Repeat("x", 2000)} {
		f.Add(s, s, "dana@northwind.example")
	}
	f.Fuzz(func(t *testing.T, name, subject, addr string) {
		to, err := mailer.ParseAddress(addr)
		if err != nil {
			to = mailer.Address{Email: "dana@northwind.example"}
		}
		to.Name = name
		m := &mailer.Message{
			From:      mailer.Address{Name: name, Email: "alex@example.com"},
			To:        to,
			Subject:   subject,
			Text:      "Hello\n",
			MessageID: "onward.fuzz@example.com",
			Date:      time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC),
		}
		var b bytes.Buffer
		if _, err := m.WriteTo(&b); err != nil {
			return
		}
		msg, err := mail.ReadMessage(&b)
		if err != nil {
			t.Fatalf("written message does not parse: %v", err)
		}
		h := msg.Header
		if len(h["Bcc"]) > 0 || len(h["Cc"]) > 0 || len(h["From"]) != 1 || len(h["To"]) != 1 {
			t.Fatalf("headers were injected: %v", h)
		}
		list, err := h.AddressList("To")
		if err != nil || len(list) != 1 || list[0].Address != to.Email {
			t.Fatalf("To is %v (%v), want only %s", list, err, to.Email)
		}
	})
}

// FuzzParseAddress: an accepted address is one address with no line
// breaks, and its String form parses back to the same address.
func FuzzParseAddress(f *testing.F) {
	for _, s := range []string{"Dana Reyes <dana@acme.example>", "dana@acme.example", "\"Reyes, Dana\" <dana@acme.example>",
		"a@b, c@d", "grp: a@b;", "dana@bücher.example", "\"quoted local\"@acme.example", "x\r\nBcc: y@z", "", "@", "<>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := mailer.ParseAddress(s)
		if err != nil {
			return
		}
		if strings.ContainsAny(a.Name+a.Email, "\r\n\x00") {
			t.Fatalf("ParseAddress(%q) kept a line break: %+v", s, a)
		}
		back, err := mailer.ParseAddress(a.String())
		if err != nil || back.Email != a.Email {
			t.Fatalf("ParseAddress(%q) = %+v; String %q parses to %+v, %v", s, a, a.String(), back, err)
		}
	})
}
