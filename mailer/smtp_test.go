package mailer

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/onward-app/onward/internal/smtptest"
)

// newSender connects an SMTP sender to ts over plain loopback; change
// adjusts the config first.
func newSender(t *testing.T, ts *smtptest.Server, change func(*SMTPConfig)) *SMTP {
	t.Helper()
	cfg := SMTPConfig{Host: ts.Host, Port: ts.Port, Security: "none", Timeout: smtptest.WaitTimeout}
	if change != nil {
		change(&cfg)
	}
	s, err := NewSMTP(cfg)
	if err != nil {
		t.Fatalf("NewSMTP(%v): %v", cfg, err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// testMessage returns a valid message whose Message-ID ends in n.
func testMessage(n int) *Message {
	return &Message{
		From:      Address{Name: "Alex Kim", Email: "alex@alex.example"},
		To:        Address{Name: "Dana Reyes", Email: "dana@acme.example"},
		Subject:   "Café — Überblick",
		Text:      "Hello Dana,\n\nthank you for your time today.\n",
		MessageID: fmt.Sprintf("onward.%d.1a2b3c@alex.example", n),
		Date:      time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC),
	}
}

// sendAsync runs Send in a goroutine, so a test can bound how long it takes
// without timing it.
func sendAsync(ctx context.Context, s *SMTP, m *Message) <-chan error {
	done := make(chan error, 1)
	go func() { done <- s.Send(ctx, m) }()
	return done
}

func waitSend(t *testing.T, done <-chan error) error {
	t.Helper()
	select {
	case err := <-done:
		return err
	case <-time.After(smtptest.WaitTimeout):
		t.Fatal("Send did not return")
		return nil
	}
}

func TestSMTPDelivers(t *testing.T) {
	t.Parallel()
	withHTML := testMessage(2)
	withHTML.HTML = "<p>Hello Dana,</p><p>thank you for your time today.</p>"
	withHTML.Attachments = []Attachment{{Name: "notes.txt", ContentType: "text/plain", Data: []byte("Learn, Log, Let Go.\n")}}
	checkIn := testMessage(3)
	checkIn.To = Address{Email: "alex@alex.example"}
	checkIn.AutoSubmitted = true
	checkIn.InReplyTo = "onward.1.1a2b3c@alex.example"

	tests := []struct {
		name   string
		msg    *Message
		script smtptest.Script
		change func(*SMTPConfig)
	}{
		{name: "text only", msg: testMessage(1)},
		{name: "text, HTML and attachment", msg: withHTML},
		{name: "check-in to the user", msg: checkIn},
		{
			name:   "with AUTH PLAIN on loopback",
			msg:    testMessage(4),
			script: smtptest.Script{User: "alex", Pass: "s3cret pass"},
			change: func(c *SMTPConfig) { c.Username, c.Password = "alex", "s3cret pass" },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ts := smtptest.Start(t, tt.script)
			s := newSender(t, ts, tt.change)
			if err := s.Send(t.Context(), tt.msg); err != nil {
				t.Fatalf("Send: %v", err)
			}
			got := ts.Next(t)
			if got.From != tt.msg.From.Email || len(got.To) != 1 || got.To[0] != tt.msg.To.Email {
				t.Errorf("envelope = %q -> %q, want %q -> %q", got.From, got.To, tt.msg.From.Email, tt.msg.To.Email)
			}
			checkReceived(t, tt.msg, got.Data)
		})
	}
}

// checkReceived parses raw as the server got it and compares it with m.
func checkReceived(t *testing.T, m *Message, raw []byte) {
	t.Helper()
	parsed, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("received message does not parse: %v\n%s", err, raw)
	}
	h := parsed.Header
	if got, want := h.Get("Message-ID"), "<"+m.MessageID+">"; got != want {
		t.Errorf("Message-ID = %q, want %q", got, want)
	}
	if date, err := h.Date(); err != nil || !date.Equal(m.Date) {
		t.Errorf("Date = %v (%v), want %v", date, err, m.Date)
	}
	var dec mime.WordDecoder
	if subject, err := dec.DecodeHeader(h.Get("Subject")); err != nil || subject != m.Subject {
		t.Errorf("Subject = %q (%v), want %q", subject, err, m.Subject)
	}
	if strings.Contains(h.Get("Subject"), "Café") {
		t.Errorf("Subject %q is not encoded", h.Get("Subject"))
	}
	for _, field := range []struct {
		name string
		want Address
	}{{"From", m.From}, {"To", m.To}} {
		list, err := h.AddressList(field.name)
		if err != nil || len(list) != 1 || list[0].Address != field.want.Email || list[0].Name != field.want.Name {
			t.Errorf("%s = %v (%v), want %v", field.name, list, err, field.want)
		}
	}
	if got := h.Get("MIME-Version"); got != "1.0" {
		t.Errorf("MIME-Version = %q", got)
	}
	wantAuto := ""
	if m.AutoSubmitted {
		wantAuto = "auto-generated"
	}
	if got := h.Get("Auto-Submitted"); got != wantAuto {
		t.Errorf("Auto-Submitted = %q, want %q", got, wantAuto)
	}
	if m.InReplyTo != "" {
		if got := h.Get("In-Reply-To"); got != "<"+m.InReplyTo+">" {
			t.Errorf("In-Reply-To = %q", got)
		}
	}
	parts := mimeParts(t, parsed)
	if got := parts["text/plain"]; strings.ReplaceAll(got, "\r\n", "\n") != m.Text {
		t.Errorf("text part = %q, want %q", got, m.Text)
	}
	if got := parts["text/html"]; got != m.HTML {
		t.Errorf("HTML part = %q, want %q", got, m.HTML)
	}
	for _, a := range m.Attachments {
		if got := parts["attachment "+a.Name]; got != string(a.Data) {
			t.Errorf("attachment %s = %q, want %q", a.Name, got, a.Data)
		}
	}
}

func TestSMTPReusesOneConnection(t *testing.T) {
	t.Parallel()
	ts := smtptest.Start(t, smtptest.Script{})
	s := newSender(t, ts, nil)
	for i := range 3 {
		if err := s.Send(t.Context(), testMessage(i)); err != nil {
			t.Fatalf("Send %d: %v", i, err)
		}
		if got := ts.Next(t); !bytes.Contains(got.Data, []byte(testMessage(i).MessageID)) {
			t.Errorf("message %d arrived without its Message-ID", i)
		}
	}
	if n := ts.Connections(); n != 1 {
		t.Errorf("the server saw %d connections for 3 messages, want 1", n)
	}
}

func TestSMTPRedialsAfterServerDroppedIdleSession(t *testing.T) {
	t.Parallel()
	ts := smtptest.Start(t, smtptest.Script{})
	s := newSender(t, ts, nil)
	if err := s.Send(t.Context(), testMessage(1)); err != nil {
		t.Fatalf("first Send: %v", err)
	}
	ts.Next(t)
	ts.DropConnections()
	if err := s.Send(t.Context(), testMessage(2)); err != nil {
		t.Fatalf("Send after the server dropped the session: %v", err)
	}
	ts.Next(t)
	if n := ts.Connections(); n != 2 {
		t.Errorf("connections = %d, want 2", n)
	}
}

func reply(code int, enhanced smtp.EnhancedCode, text string) *smtp.SMTPError {
	return &smtp.SMTPError{Code: code, EnhancedCode: enhanced, Message: text}
}

func TestSMTPReplies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		reject    map[string]*smtp.SMTPError
		temporary bool
		words     string
	}{
		{"4xx at MAIL", map[string]*smtp.SMTPError{"MAIL": reply(421, smtp.EnhancedCode{4, 3, 2}, "too busy")}, true, "smtp: 421 4.3.2 too busy"},
		{"4xx at RCPT", map[string]*smtp.SMTPError{"RCPT": reply(450, smtp.EnhancedCode{4, 2, 1}, "mailbox busy")}, true, "smtp: 450 4.2.1 mailbox busy"},
		{"5xx at RCPT", map[string]*smtp.SMTPError{"RCPT": reply(550, smtp.EnhancedCode{5, 1, 1}, "mailbox unavailable")}, false, "smtp: 550 5.1.1 mailbox unavailable"},
		{"4xx after DATA", map[string]*smtp.SMTPError{"DATA": reply(451, smtp.EnhancedCode{4, 3, 0}, "try again later")}, true, "smtp: 451 4.3.0 try again later"},
		{"5xx after DATA", map[string]*smtp.SMTPError{"DATA": reply(554, smtp.EnhancedCode{5, 7, 1}, "rejected as spam")}, false, "smtp: 554 5.7.1 rejected as spam"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ts := smtptest.Start(t, smtptest.Script{Reject: tt.reject})
			s := newSender(t, ts, nil)
			m := testMessage(1)
			err := s.Send(t.Context(), m)
			if err == nil {
				t.Fatal("Send succeeded, want an error")
			}
			if Temporary(err) != tt.temporary {
				t.Errorf("Temporary(%v) = %v, want %v", err, !tt.temporary, tt.temporary)
			}
			if !strings.Contains(err.Error(), tt.words) || !strings.Contains(err.Error(), m.MessageID) {
				t.Errorf("error %q does not carry the server's words %q and the Message-ID", err, tt.words)
			}
			if ts.Pending() != 0 {
				t.Error("the server recorded a message it rejected")
			}
		})
	}
}

func TestSMTPNetworkFailuresAreTemporary(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		script  smtptest.Script
		timeout time.Duration
	}{
		{name: "connection dropped after the final dot", script: smtptest.Script{DropAfterData: true}, timeout: smtptest.WaitTimeout},
		{name: "server stalls at RCPT", script: smtptest.Script{Stall: "RCPT"}, timeout: 300 * time.Millisecond},
		{name: "server stalls after the final dot", script: smtptest.Script{Stall: "DATA"}, timeout: 300 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ts := smtptest.Start(t, tt.script)
			s := newSender(t, ts, func(c *SMTPConfig) { c.Timeout = tt.timeout })
			err := waitSend(t, sendAsync(t.Context(), s, testMessage(1)))
			if err == nil {
				t.Fatal("Send succeeded, want an error")
			}
			if !Temporary(err) {
				t.Errorf("Temporary(%v) = false, want true", err)
			}
		})
	}
}

func TestSMTPRefusedConnectionIsTemporary(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	_ = l.Close()
	s, err := NewSMTP(SMTPConfig{Host: "127.0.0.1", Port: port, Security: "none", Timeout: smtptest.WaitTimeout})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	err = s.Send(t.Context(), testMessage(1))
	if err == nil || !Temporary(err) {
		t.Fatalf("Send to a closed port = %v, want a temporary error", err)
	}
}

func TestSMTPAcceptedMessageWithFailedRSETIsDelivered(t *testing.T) {
	t.Parallel()
	ts := smtptest.Start(t, smtptest.Script{DropAfterAccept: true})
	s := newSender(t, ts, nil)
	for i := range 2 {
		if err := s.Send(t.Context(), testMessage(i)); err != nil {
			t.Fatalf("Send %d: %v (the server accepted it; only RSET failed)", i, err)
		}
		ts.Next(t)
	}
	if n := ts.Connections(); n != 2 {
		t.Errorf("connections = %d, want 2: the session in doubt must be replaced", n)
	}
}

func TestSMTPContextCancelStopsAStalledSend(t *testing.T) {
	t.Parallel()
	ts := smtptest.Start(t, smtptest.Script{Stall: "RCPT"})
	s := newSender(t, ts, nil) // a long timeout: only the context can end the wait
	ctx, cancel := context.WithCancel(t.Context())
	done := sendAsync(ctx, s, testMessage(1))
	ts.WaitStalled(t)
	cancel()
	err := waitSend(t, done)
	if !errors.Is(err, context.Canceled) || !Temporary(err) {
		t.Fatalf("Send = %v, want a temporary context.Canceled", err)
	}
}

func TestSMTPTLS(t *testing.T) {
	t.Parallel()
	serverConfig, roots := smtptest.TLS(t)
	for _, security := range []string{"tls", "starttls"} {
		for _, trusted := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s trusted=%v", security, trusted), func(t *testing.T) {
				t.Parallel()
				ts := smtptest.Start(t, smtptest.Script{
					TLS: serverConfig, ImplicitTLS: security == "tls",
					User: "alex", Pass: "s3cret",
				})
				s := newSender(t, ts, func(c *SMTPConfig) {
					c.Security = security
					c.Username, c.Password = "alex", "s3cret"
					if trusted {
						c.TLSConfig = &tls.Config{RootCAs: roots}
					}
				})
				err := s.Send(t.Context(), testMessage(1))
				if trusted {
					if err != nil {
						t.Fatalf("Send: %v", err)
					}
					checkReceived(t, testMessage(1), ts.Next(t).Data)
					return
				}
				if err == nil {
					t.Fatal("Send to an untrusted server succeeded")
				}
				if Temporary(err) || !errors.Is(err, ErrUntrustedCertificate) || !strings.Contains(err.Error(), "certificate") {
					t.Errorf("Send = %v (temporary %v), want a permanent error about the certificate", err, Temporary(err))
				}
				if ts.AuthAttempts.Load() != 0 || ts.Pending() != 0 {
					t.Error("credentials or mail went to a server whose certificate failed")
				}
			})
		}
	}
}

func TestSMTPRequiresSTARTTLS(t *testing.T) {
	t.Parallel()
	ts := smtptest.Start(t, smtptest.Script{User: "alex", Pass: "s3cret"}) // no TLS to offer
	s := newSender(t, ts, func(c *SMTPConfig) {
		c.Security = "starttls"
		c.Username, c.Password = "alex", "s3cret"
	})
	err := s.Send(t.Context(), testMessage(1))
	if err == nil {
		t.Fatal("Send without STARTTLS succeeded")
	}
	if Temporary(err) || !errors.Is(err, ErrNoSTARTTLS) || !strings.Contains(err.Error(), "STARTTLS") {
		t.Errorf("Send = %v (temporary %v), want a permanent error naming STARTTLS", err, Temporary(err))
	}
	if ts.AuthAttempts.Load() != 0 || ts.Pending() != 0 {
		t.Error("credentials or mail were sent in clear")
	}
}

func TestSMTPAuthFailureKeepsPasswordSecret(t *testing.T) {
	t.Parallel()
	const password = "wrong-horse-battery"
	ts := smtptest.Start(t, smtptest.Script{User: "alex", Pass: "right"})
	s := newSender(t, ts, func(c *SMTPConfig) { c.Username, c.Password = "alex", password })
	err := s.Send(t.Context(), testMessage(1))
	if err == nil {
		t.Fatal("Send with a wrong password succeeded")
	}
	if Temporary(err) {
		t.Errorf("Temporary(%v) = true, want false for 535", err)
	}
	if !strings.Contains(err.Error(), "535") {
		t.Errorf("error %q does not carry the server's reply", err)
	}
	cfg := SMTPConfig{Password: password}
	for _, text := range []string{err.Error(), fmt.Sprintf("%+v", s), fmt.Sprintf("%#v", s), fmt.Sprintf("%+v", cfg), fmt.Sprintf("%#v", cfg)} {
		if strings.Contains(text, password) {
			t.Errorf("%q contains the password", text)
		}
	}
}

func TestNewSMTPValidates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		cfg     SMTPConfig
		wantErr string // "" for success
	}{
		{"none to a remote host", SMTPConfig{Host: "smtp.example.com", Port: 25, Security: "none"}, `"smtp.example.com"`},
		{"none to a private address", SMTPConfig{Host: "10.0.0.1", Port: 25, Security: "none"}, `"10.0.0.1"`},
		{"none to localhost.example.com", SMTPConfig{Host: "localhost.example.com", Port: 25, Security: "none"}, "loopback"},
		{"none to 127.0.0.1", SMTPConfig{Host: "127.0.0.1", Port: 25, Security: "none"}, ""},
		{"none to 127.1.2.3", SMTPConfig{Host: "127.1.2.3", Port: 25, Security: "none"}, ""},
		{"none to localhost", SMTPConfig{Host: "localhost", Port: 1025, Security: "none"}, ""},
		{"none to ::1", SMTPConfig{Host: "::1", Port: 1025, Security: "none"}, ""},
		{"none to [::1]", SMTPConfig{Host: "[::1]", Port: 1025, Security: "none"}, ""},
		{"starttls by default", SMTPConfig{Host: "smtp.example.com", Port: 587}, ""},
		{"tls", SMTPConfig{Host: "smtp.example.com", Port: 465, Security: "tls", Username: "a", Password: "b"}, ""},
		{"unknown security", SMTPConfig{Host: "smtp.example.com", Port: 465, Security: "ssl"}, `"ssl"`},
		{"port 0", SMTPConfig{Host: "smtp.example.com", Security: "tls"}, "port 0"},
		{"port too large", SMTPConfig{Host: "smtp.example.com", Port: 65536}, "port 65536"},
		{"empty host", SMTPConfig{Port: 587}, "host is empty"},
		{"host with port", SMTPConfig{Host: "smtp.example.com:587", Port: 587}, "port"},
		{"user without password", SMTPConfig{Host: "smtp.example.com", Port: 587, Username: "a"}, "password"},
		{"negative timeout", SMTPConfig{Host: "smtp.example.com", Port: 587, Timeout: -time.Second}, "timeout"},
		{"negative send timeout", SMTPConfig{Host: "smtp.example.com", Port: 587, SendTimeout: -time.Second}, "send timeout"},
		{"skip verify", SMTPConfig{Host: "smtp.example.com", Port: 587, TLSConfig: &tls.Config{InsecureSkipVerify: true}}, "verification"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := NewSMTP(tt.cfg)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("NewSMTP: %v", err)
				}
				_ = s.Close()
				return
			}
			if err == nil || !errors.Is(err, ErrInvalidConfig) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("NewSMTP = %v, want an ErrInvalidConfig mentioning %s", err, tt.wantErr)
			}
		})
	}
}

func TestSMTPRefusesInvalidMessageBeforeConnecting(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(*Message)
	}{
		{"subject injection", func(m *Message) { m.Subject = "Hi\r\nBcc: evil@x.example" }},
		{"To name injection", func(m *Message) { m.To.Name = "Dana\r\nBcc: evil@x.example" }},
		{"From name injection", func(m *Message) { m.From.Name = "Alex\nBcc: evil@x.example" }},
		{"empty To", func(m *Message) { m.To = Address{} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ts := smtptest.Start(t, smtptest.Script{})
			s := newSender(t, ts, nil)
			m := testMessage(1)
			tt.change(m)
			err := s.Send(t.Context(), m)
			if !errors.Is(err, ErrInvalidMessage) || Temporary(err) {
				t.Fatalf("Send = %v, want a permanent ErrInvalidMessage", err)
			}
			if ts.Connections() != 0 {
				t.Error("Send connected to the server with an invalid message")
			}
		})
	}
}

func TestSMTPClose(t *testing.T) {
	t.Parallel()
	ts := smtptest.Start(t, smtptest.Script{})
	s := newSender(t, ts, nil)
	if err := s.Send(t.Context(), testMessage(1)); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := s.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
	}
	err := s.Send(t.Context(), testMessage(2))
	if !errors.Is(err, ErrClosed) || !Temporary(err) {
		t.Errorf("Send after Close = %v, want a temporary ErrClosed", err)
	}
}

func TestSMTPInterruptedTLSHandshakeIsTemporary(t *testing.T) {
	t.Parallel()
	// A peer that hangs up in the middle of the handshake: the network,
	// not the certificate, failed.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			_, _ = c.Read(make([]byte, 16)) // part of the ClientHello
			_ = c.Close()
		}
	}()
	s, err := NewSMTP(SMTPConfig{Host: "127.0.0.1", Port: l.Addr().(*net.TCPAddr).Port, Security: "tls", Timeout: smtptest.WaitTimeout})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	err = s.Send(t.Context(), testMessage(1))
	if err == nil || !Temporary(err) || errors.Is(err, ErrUntrustedCertificate) {
		t.Fatalf("Send = %v, want a temporary network error", err)
	}
}

func TestSMTPReplacesIdleSession(t *testing.T) {
	t.Parallel()
	ts := smtptest.Start(t, smtptest.Script{})
	s := newSender(t, ts, nil)
	s.maxIdle = 0 // every session counts as idle too long
	for i := range 2 {
		if err := s.Send(t.Context(), testMessage(i)); err != nil {
			t.Fatalf("Send %d: %v", i, err)
		}
		ts.Next(t)
	}
	if n := ts.Connections(); n != 2 {
		t.Errorf("connections = %d, want 2", n)
	}
}

func TestSMTPCloseReleasesWaitingSends(t *testing.T) {
	t.Parallel()
	ts := smtptest.Start(t, smtptest.Script{Stall: "RCPT"})
	s := newSender(t, ts, nil)
	ctx, cancel := context.WithCancel(t.Context())
	inFlight := sendAsync(ctx, s, testMessage(1))
	ts.WaitStalled(t) // the first Send holds the session
	waiting := sendAsync(t.Context(), s, testMessage(2))
	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	if err := waitSend(t, waiting); !errors.Is(err, ErrClosed) || !Temporary(err) {
		t.Errorf("waiting Send = %v, want a temporary ErrClosed", err)
	}
	// Close lets the message on the wire finish; here only its context
	// can end it.
	cancel()
	if err := waitSend(t, inFlight); !errors.Is(err, context.Canceled) {
		t.Errorf("in-flight Send = %v, want context.Canceled", err)
	}
	if err := waitSend(t, closed); err != nil {
		t.Errorf("Close: %v", err)
	}
}
