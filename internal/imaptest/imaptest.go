// Package imaptest runs go-imap's in-memory IMAP server on 127.0.0.1:0 for
// tests, with one user and the special-use mailboxes a real provider has,
// reached through a real TCP connection. Tests of every package that reads
// the user's mailbox use it instead of faking the network.
package imaptest

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"log"
	"net"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"

	"github.com/onward-app/onward/internal/testcert"
)

// The one user of every test server.
const (
	User     = "alex@alex.example"
	Password = "s3cret-Pa55w0rd"
)

// Options shape a test server.
type Options struct {
	NoSpecialUse bool     // advertise no SPECIAL-USE: the name fallback
	Mailboxes    []string // created in order; "Name \\Attr" gives a special-use attribute
	Security     string   // "none" (default), "tls" or "starttls"
}

// Server is go-imap's in-memory IMAP server on 127.0.0.1:0, with one
// user, reached through a real TCP connection.
type Server struct {
	user *imapmemserver.User
	srv  *imapserver.Server
	// Port is the server's port on 127.0.0.1.
	Port int
	// Roots trusts the server's certificate (TLS and STARTTLS only).
	Roots   *x509.CertPool
	options Options
	// specialUse holds the attributes that the memory server drops: its
	// User.Create ignores CreateOptions.SpecialUse (go-imap v2.0.0-beta.8),
	// so hookedSession.List reports them instead.
	specialUse map[string]imap.MailboxAttr
	// OnFetch, when set, runs before the server answers a FETCH: to cut
	// the connection or hang in the middle of a poll.
	OnFetch atomic.Pointer[func(*imapserver.Conn) error]

	mu     sync.Mutex
	bodies map[uint32]int // UID → FETCHes that asked for its body
	stars  []uint32       // FETCHes of "n:*" with a body: their n
}

// DefaultMailboxes are what a provider offers: an inbox, drafts, sent.
var DefaultMailboxes = []string{"INBOX", `Drafts \Drafts`, `Sent \Sent`, "Archive"}

// Start starts a server and stops it when the test ends.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	var cert *tls.Certificate
	var roots *x509.CertPool
	if opts.Security != "" && opts.Security != "none" {
		c, r := Cert(t)
		cert, roots = &c, r
	}
	s, err := start(opts, cert, roots)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// New starts a plain (Security "none") server outside a test, as the
// benchmarks run one; the caller closes it.
func New(opts Options) (*Server, error) {
	if opts.Security != "" && opts.Security != "none" {
		return nil, fmt.Errorf("imaptest: security %q needs a test: use Start", opts.Security)
	}
	return start(opts, nil, nil)
}

func start(opts Options, cert *tls.Certificate, roots *x509.CertPool) (*Server, error) {
	if opts.Mailboxes == nil {
		opts.Mailboxes = DefaultMailboxes
	}
	if opts.Security == "" {
		opts.Security = "none"
	}
	s := &Server{options: opts, user: imapmemserver.NewUser(User, Password), bodies: map[uint32]int{}}
	s.specialUse = map[string]imap.MailboxAttr{}
	for _, m := range opts.Mailboxes {
		name, attr, _ := strings.Cut(m, ` \`)
		if attr != "" {
			s.specialUse[name] = imap.MailboxAttr(`\` + attr)
		}
		if err := s.user.Create(name, nil); err != nil {
			return nil, fmt.Errorf("create %s: %w", name, err)
		}
	}
	mem := imapmemserver.New()
	mem.AddUser(s.user)

	caps := imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapIMAP4rev2: {}}
	if !opts.NoSpecialUse {
		caps[imap.CapSpecialUse] = struct{}{}
	}
	serverOpts := &imapserver.Options{
		NewSession: func(conn *imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return &hookedSession{SessionIMAP4rev2: mem.NewSession().(imapserver.SessionIMAP4rev2), conn: conn, s: s}, nil, nil
		},
		Caps:         caps,
		InsecureAuth: opts.Security == "none",
		Logger:       log.New(io.Discard, "", 0),
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	if opts.Security != "none" {
		s.Roots = roots
		tlsConfig := &tls.Config{Certificates: []tls.Certificate{*cert}}
		if opts.Security == "tls" {
			ln = tls.NewListener(ln, tlsConfig)
		} else {
			serverOpts.TLSConfig = tlsConfig
		}
	}
	s.srv = imapserver.New(serverOpts)
	s.Port = ln.Addr().(*net.TCPAddr).Port
	go func() { _ = s.srv.Serve(ln) }()
	return s, nil
}

// hookedSession is the memory server's session with a hook on FETCH.
type hookedSession struct {
	imapserver.SessionIMAP4rev2
	conn *imapserver.Conn
	s    *Server
}

func (h *hookedSession) Fetch(w *imapserver.FetchWriter, numSet imap.NumSet, options *imap.FetchOptions) error {
	if f := h.s.OnFetch.Load(); f != nil {
		if err := (*f)(h.conn); err != nil {
			return err
		}
	}
	if len(options.BodySection) > 0 || len(options.BinarySection) > 0 {
		h.s.countBodies(numSet)
	}
	return h.SessionIMAP4rev2.Fetch(w, numSet, options)
}

// countBodies notes which messages a FETCH asked the body of. Only UID
// sets are counted: the client under test fetches by UID.
func (s *Server) countBodies(numSet imap.NumSet) {
	uids, ok := numSet.(imap.UIDSet)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range uids {
		if r.Stop == 0 {
			// "n:*" asks for every UID from n on.
			s.stars = append(s.stars, uint32(r.Start))
			continue
		}
		for u := r.Start; u <= r.Stop && u >= r.Start; u++ {
			s.bodies[uint32(u)]++
		}
	}
}

// BodyFetches reports how many FETCH commands asked for the body (any
// BODY[...] or BINARY[...] section) of the message with this UID.
func (s *Server) BodyFetches(uid uint32) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := s.bodies[uid]
	for _, from := range s.stars {
		if from <= uid {
			n++
		}
	}
	return n
}

// List answers LIST as the memory server would if it kept special-use
// attributes: with them when the client asks (RETURN (SPECIAL-USE)), and
// only the special-use mailboxes for LIST (SPECIAL-USE).
func (h *hookedSession) List(w *imapserver.ListWriter, ref string, patterns []string, options *imap.ListOptions) error {
	if len(patterns) == 0 {
		return h.SessionIMAP4rev2.List(w, ref, patterns, options)
	}
	for _, m := range h.s.options.Mailboxes {
		name, _, _ := strings.Cut(m, ` \`)
		if _, err := h.s.user.Status(name, &imap.StatusOptions{}); err != nil {
			continue // deleted by the test
		}
		if !slices.ContainsFunc(patterns, func(p string) bool { return imapserver.MatchList(name, '/', ref, p) }) {
			continue
		}
		attr, special := h.s.specialUse[name]
		if options.SelectSpecialUse && !special {
			continue
		}
		data := &imap.ListData{Mailbox: name, Delim: '/'}
		if special && (options.ReturnSpecialUse || options.SelectSpecialUse) {
			data.Attrs = []imap.MailboxAttr{attr}
		}
		if err := w.WriteList(data); err != nil {
			return err
		}
	}
	return nil
}

// Addr is the server's address.
func (s *Server) Addr() string { return fmt.Sprintf("127.0.0.1:%d", s.Port) }

// Mailbox returns the server side of the user's account, to delete or
// recreate a mailbox behind the client's back.
func (s *Server) Mailbox() *imapmemserver.User { return s.user }

// Close stops the server, as a server that goes away mid-poll.
func (s *Server) Close() error { return s.srv.Close() }

type literal struct{ *bytes.Reader }

// Append is Deliver outside a test.
func (s *Server) Append(mailbox string, raw []byte, flags ...imap.Flag) (uint32, error) {
	data, err := s.user.Append(mailbox, literal{bytes.NewReader(raw)}, &imap.AppendOptions{Flags: flags})
	if err != nil {
		return 0, fmt.Errorf("imaptest: deliver to %s: %w", mailbox, err)
	}
	return uint32(data.UID), nil
}

// UIDValidity returns a mailbox's UIDVALIDITY.
func (s *Server) UIDValidity(mailbox string) (uint32, error) {
	st, err := s.user.Status(mailbox, &imap.StatusOptions{UIDValidity: true})
	if err != nil {
		return 0, fmt.Errorf("imaptest: status %s: %w", mailbox, err)
	}
	return st.UIDValidity, nil
}

// Deliver puts a message into a mailbox on the server's side, as mail
// arriving or another mail program would, and returns its UID.
func (s *Server) Deliver(t testing.TB, mailbox string, raw []byte, flags ...imap.Flag) uint32 {
	t.Helper()
	data, err := s.user.Append(mailbox, literal{bytes.NewReader(raw)}, &imap.AppendOptions{Flags: flags})
	if err != nil {
		t.Fatalf("deliver to %s: %v", mailbox, err)
	}
	return uint32(data.UID)
}

// Count returns how many messages a mailbox holds, and how many unseen.
func (s *Server) Count(t testing.TB, mailbox string) (messages, unseen uint32) {
	t.Helper()
	st, err := s.user.Status(mailbox, &imap.StatusOptions{NumMessages: true, NumUnseen: true})
	if err != nil {
		t.Fatalf("status %s: %v", mailbox, err)
	}
	return *st.NumMessages, *st.NumUnseen
}

// Flags reads every message's flags by UID with a client of the test's
// own, so that what the package did is checked by someone else.
func (s *Server) Flags(t testing.TB, mailbox string) map[uint32][]string {
	t.Helper()
	if s.options.Security != "none" {
		t.Fatal("Flags needs a plain server")
	}
	c, err := imapclient.DialInsecure(s.Addr(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(User, Password).Wait(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Select(mailbox, &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		t.Fatal(err)
	}
	msgs, err := c.Fetch(imap.SeqSet{{Start: 1, Stop: 0}}, &imap.FetchOptions{UID: true, Flags: true}).Collect()
	if err != nil {
		t.Fatal(err)
	}
	out := map[uint32][]string{}
	for _, m := range msgs {
		var fs []string
		for _, f := range m.Flags {
			fs = append(fs, strings.ToLower(string(f)))
		}
		slices.Sort(fs)
		out[uint32(m.UID)] = fs
	}
	return out
}

// Cert is the server's certificate and a pool that trusts it.
func Cert(t testing.TB) (tls.Certificate, *x509.CertPool) { return testcert.Loopback(t) }

// Message builds a small CRLF message; extra header lines come first.
func Message(id, from, subject, body string, extra ...string) []byte {
	var b strings.Builder
	for _, h := range extra {
		b.WriteString(h + "\r\n")
	}
	fmt.Fprintf(&b, "Message-ID: <%s>\r\nDate: Mon, 08 Jan 2024 10:02:00 +0100\r\nFrom: %s\r\nTo: Alex Example <alex@alex.example>\r\n"+
		"Subject: %s\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n",
		id, from, subject, strings.ReplaceAll(body, "\n", "\r\n"))
	return []byte(b.String())
}
