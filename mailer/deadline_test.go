package mailer

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/onward-app/onward/internal/smtptest"
)

// A server that answers a step one continuation line at a time never
// lets a read wait long, so the per-read timeout never trips. The send
// timeout bounds the whole message: the send is cut off, as a temporary
// failure, whichever step trickles; a reply that trickles but ends within
// the bound is fine.
func TestSMTPSendTimeoutBoundsATricklingServer(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		at   string
		// lines continuation lines, one every 50 ms; 1000 take 50 s.
		lines int
		// what the error says; "" for a send that must succeed.
		want     string
		received bool // the server has the message
	}{
		{name: "greeting", at: "greeting", lines: 1000, want: "while connecting"},
		{name: "EHLO", at: "EHLO", lines: 1000, want: "while connecting"},
		{name: "reply to the final dot", at: "DATA", lines: 1000, want: "may have the message already", received: true},
		{name: "a short trickle within the bound", at: "EHLO", lines: 3, received: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ts := smtptest.Start(t, smtptest.Script{Trickle: &smtptest.Trickle{At: tt.at, Every: 50 * time.Millisecond, Lines: tt.lines}})
			// Each line comes well within the timeout; the send timeout is
			// its default, four timeouts.
			s := newSender(t, ts, func(c *SMTPConfig) { c.Timeout = 500 * time.Millisecond })
			err := waitSend(t, sendAsync(t.Context(), s, testMessage(1)))
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Send = %v, want it delivered", err)
				}
			} else {
				if err == nil || !Temporary(err) || !strings.Contains(err.Error(), "took more than 2s over one message") || !strings.Contains(err.Error(), tt.want) {
					t.Fatalf("Send = %v, want a temporary error saying the send timeout ran out, and %q", err, tt.want)
				}
				var slow *sendTimeoutError
				if !errors.As(err, &slow) {
					t.Errorf("Send = %v, want it to carry the send timeout", err)
				}
			}
			if got := ts.Pending() == 1; got != tt.received {
				t.Errorf("the server has %d messages, want received=%v", ts.Pending(), tt.received)
			}
		})
	}
}

// Every message gets the whole send timeout, also the second one over a
// kept session, whose connection carried the first one's deadline.
func TestSMTPSendTimeoutIsPerMessage(t *testing.T) {
	t.Parallel()
	ts := smtptest.Start(t, smtptest.Script{})
	s := newSender(t, ts, func(c *SMTPConfig) { c.Timeout, c.SendTimeout = time.Second, time.Second })
	for i := range 2 {
		if err := s.Send(t.Context(), testMessage(i)); err != nil {
			t.Fatalf("Send %d: %v", i, err)
		}
		if i == 0 {
			// The first message's deadline is over on the kept session.
			s.conn.startMessage(time.Now().Add(-time.Minute), time.Second)
		}
	}
	if ts.Pending() != 2 || ts.Connections() != 1 {
		t.Errorf("the server has %d messages over %d connections, want 2 over 1", ts.Pending(), ts.Connections())
	}
}
