package imapbox

import (
	"context"
	"crypto/tls"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

	"github.com/onward-app/onward/internal/imaptest"
)

const (
	testUser     = imaptest.User
	testPassword = imaptest.Password
)

// serverOptions shape a test server.
type serverOptions struct {
	noSpecialUse bool
	mailboxes    []string
	security     string
}

// testServer wraps the shared IMAP test server with this package's Config.
type testServer struct {
	*imaptest.Server
	security string
}

func newServer(t testing.TB, opts serverOptions) *testServer {
	t.Helper()
	srv := imaptest.Start(t, imaptest.Options{NoSpecialUse: opts.noSpecialUse, Mailboxes: opts.mailboxes, Security: opts.security})
	if opts.security == "" {
		opts.security = securityNone
	}
	return &testServer{Server: srv, security: opts.security}
}

func (s *testServer) config() Config {
	cfg := Config{Host: "127.0.0.1", Port: s.Port, Username: testUser, Password: testPassword,
		Security: s.security, Timeout: 10 * time.Second}
	if s.Roots != nil {
		cfg.TLSConfig = &tls.Config{RootCAs: s.Roots}
	}
	return cfg
}

// dial logs in with the server's config changed by edit, and closes the
// client at the end of the test.
func (s *testServer) dial(t testing.TB, edit ...func(*Config)) *Client {
	t.Helper()
	cfg := s.config()
	for _, e := range edit {
		e(&cfg)
	}
	c, err := Dial(context.Background(), cfg)
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func (s *testServer) deliver(t testing.TB, mailbox string, raw []byte, flags ...imap.Flag) uint32 {
	t.Helper()
	return s.Deliver(t, mailbox, raw, flags...)
}

func (s *testServer) count(t testing.TB, mailbox string) (messages, unseen uint32) {
	t.Helper()
	return s.Count(t, mailbox)
}

func (s *testServer) flags(t testing.TB, mailbox string) map[uint32][]string {
	t.Helper()
	return s.Flags(t, mailbox)
}

func message(id, from, subject, body string, extra ...string) []byte {
	return imaptest.Message(id, from, subject, body, extra...)
}
