package mailer

import (
	"errors"
	"strings"
	"testing"

	"github.com/onward-app/onward/internal/smtptest"
)

// An internationalised address goes out as it is to a server that speaks
// SMTPUTF8, to exactly that recipient. To a server that does not, nothing
// is sent (RFC 6531 forbids it, and such a server may mangle the address):
// the failure is permanent and says why.
func TestInternationalisedAddressOverSMTP(t *testing.T) {
	t.Parallel()
	to, err := ParseAddress("Zo\u00eb <zo\u00eb@b\u00fccher.example>")
	if err != nil {
		t.Fatal(err)
	}
	for _, utf8 := range []bool{true, false} {
		ts := smtptest.Start(t, smtptest.Script{NoSMTPUTF8: !utf8})
		s := newSender(t, ts, nil)
		m := testMessage(1)
		m.To = to
		err := s.Send(t.Context(), m)
		if utf8 {
			if err != nil {
				t.Fatalf("Send to %s over SMTPUTF8: %v", to, err)
			}
			if r := ts.Next(t); len(r.To) != 1 || r.To[0] != to.Email {
				t.Errorf("RCPT went to %q, want only %q", r.To, to.Email)
			}
			continue
		}
		if err == nil || Temporary(err) || !errors.Is(err, ErrNoSMTPUTF8) || !strings.Contains(err.Error(), "SMTPUTF8") {
			t.Errorf("Send to %s without SMTPUTF8 = %v, want a permanent failure naming SMTPUTF8", to, err)
		}
		if ts.Pending() != 0 {
			t.Error("a server without SMTPUTF8 recorded the message")
		}
	}
}
