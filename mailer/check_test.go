package mailer

import (
	"strings"
	"testing"

	"github.com/onward-app/onward/internal/smtptest"
)

// TestCheckLogsInAndSendsNothing: Check logs in with the configured
// account and hangs up; a wrong password is reported, without the
// password; no message reaches the server either way.
func TestCheckLogsInAndSendsNothing(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, pass string
		ok         bool
	}{
		{"right password", "s3cret-word", true},
		{"wrong password", "wr0ng-word", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ts := smtptest.Start(t, smtptest.Script{User: "alex", Pass: "s3cret-word"})
			s := newSender(t, ts, func(c *SMTPConfig) { c.Username, c.Password = "alex", tt.pass })
			err := s.Check(t.Context())
			if tt.ok && err != nil {
				t.Fatalf("Check: %v", err)
			}
			if !tt.ok {
				if err == nil {
					t.Fatal("Check with a wrong password succeeded")
				}
				if strings.Contains(err.Error(), tt.pass) || !strings.Contains(err.Error(), "AUTH failed") {
					t.Errorf("Check = %v; want the refused login named, without the password", err)
				}
			}
			if n := ts.AuthAttempts.Load(); n != 1 {
				t.Errorf("%d logins, want 1", n)
			}
			if n := ts.Pending(); n != 0 {
				t.Errorf("Check sent %d messages", n)
			}
		})
	}
}
