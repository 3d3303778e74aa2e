// Package smtptest runs a real SMTP server (emersion/go-smtp) on
// 127.0.0.1:0 for tests, scriptable to misbehave the way real servers do:
// reject a command, stall, drop the connection after DATA. Tests of every
// package that sends mail use it instead of faking the network.
package smtptest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"log"
	"math/big"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// WaitTimeout bounds every wait on the server in tests. It only catches a
// hang; no test depends on anything being fast.
const WaitTimeout = 10 * time.Second

// Script says how the test server behaves.
type Script struct {
	// Reject answers a command with an error reply instead of accepting it.
	// Keys: "MAIL", "RCPT", and "DATA" for the reply after the final dot.
	Reject map[string]*smtp.SMTPError
	// Stall blocks the named command ("MAIL", "RCPT", or "DATA" after the
	// message was read) without replying, until the test ends.
	Stall string
	// DropAfterData reads the message, records it, then closes the
	// connection without replying to the final dot.
	DropAfterData bool
	// DropAfterAccept closes the connection right after the 250 that
	// accepts a message, so the client's RSET fails.
	DropAfterAccept bool
	// User and Pass, when set, offer AUTH PLAIN and require it before MAIL.
	User, Pass string
	// TLS, when set, is offered through STARTTLS, or spoken from the first
	// byte when ImplicitTLS is set.
	TLS         *tls.Config
	ImplicitTLS bool
}

// Received is one message as the server saw it.
type Received struct {
	From string
	To   []string
	Data []byte
}

type Server struct {
	Host string
	Port int

	script   Script
	messages chan Received
	stalled  chan string   // receives the command that stalls
	release  chan struct{} // closed at cleanup to free stalled sessions

	connections  atomic.Int32
	AuthAttempts atomic.Int32

	mu    sync.Mutex
	conns []*smtp.Conn
}

// Start starts a scripted SMTP server and stops it when the test ends.
func Start(t testing.TB, script Script) *Server {
	t.Helper()
	ts := &Server{
		script:   script,
		messages: make(chan Received, 100000),
		stalled:  make(chan string, 10),
		release:  make(chan struct{}),
	}
	srv := smtp.NewServer(smtp.BackendFunc(ts.newSession))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true // AUTH on plain loopback, as security "none" allows
	srv.EnableSMTPUTF8 = true
	srv.ReadTimeout = WaitTimeout
	srv.WriteTimeout = WaitTimeout
	srv.ErrorLog = log.New(io.Discard, "", 0)

	var l net.Listener
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	addr := l.Addr().(*net.TCPAddr)
	ts.Host, ts.Port = addr.IP.String(), addr.Port
	l = countingListener{Listener: l, n: &ts.connections}
	switch {
	case script.TLS != nil && script.ImplicitTLS:
		l = tls.NewListener(l, script.TLS)
	case script.TLS != nil:
		srv.TLSConfig = script.TLS
	}
	go func() { _ = srv.Serve(l) }()
	// Cleanups run last-in first-out: free stalled sessions, then close.
	t.Cleanup(func() { _ = srv.Close() })
	t.Cleanup(func() { close(ts.release) })
	return ts
}

// Connections returns how many TCP connections the server accepted.
func (ts *Server) Connections() int { return int(ts.connections.Load()) }

// Next waits for the next message the server Received.
func (ts *Server) Next(t testing.TB) Received {
	t.Helper()
	select {
	case m := <-ts.messages:
		return m
	case <-time.After(WaitTimeout):
		t.Fatal("the server Received no message")
		return Received{}
	}
}

// Pending returns how many messages the server has recorded and not yet
// handed to Next.
func (ts *Server) Pending() int { return len(ts.messages) }

// WaitStalled waits until a session stalls on the scripted command.
func (ts *Server) WaitStalled(t testing.TB) {
	t.Helper()
	select {
	case <-ts.stalled:
	case <-time.After(WaitTimeout):
		t.Fatal("the server never stalled")
	}
}

// DropConnections closes every connection from the server's side, as a
// server does with clients that stay idle too long.
func (ts *Server) DropConnections() {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	for _, c := range ts.conns {
		_ = c.Conn().Close()
	}
}

func (ts *Server) newSession(c *smtp.Conn) (smtp.Session, error) {
	ts.mu.Lock()
	ts.conns = append(ts.conns, c)
	ts.mu.Unlock()
	return &session{ts: ts, conn: c}, nil
}

// session implements smtp.Session and smtp.AuthSession.
type session struct {
	ts       *Server
	conn     *smtp.Conn
	authed   bool
	from     string
	to       []string
	accepted bool // a message was just accepted
}

func (s *session) AuthMechanisms() []string {
	if s.ts.script.User == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (s *session) Auth(string) (sasl.Server, error) {
	s.ts.AuthAttempts.Add(1)
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != s.ts.script.User || pass != s.ts.script.Pass {
			return smtp.ErrAuthFailed
		}
		s.authed = true
		return nil
	}), nil
}

// step applies the script to a command: stall, or the scripted rejection.
func (s *session) step(cmd string) error {
	if s.ts.script.Stall == cmd {
		s.ts.stalled <- cmd
		<-s.ts.release
		return &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 0, 0}, Message: "test over"}
	}
	if err := s.ts.script.Reject[cmd]; err != nil {
		return err
	}
	return nil
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if s.ts.script.User != "" && !s.authed {
		return smtp.ErrAuthRequired
	}
	if err := s.step("MAIL"); err != nil {
		return err
	}
	s.from = from
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if err := s.step("RCPT"); err != nil {
		return err
	}
	s.to = append(s.to, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if err := s.step("DATA"); err != nil {
		return err
	}
	s.ts.messages <- Received{From: s.from, To: s.to, Data: data}
	if s.ts.script.DropAfterData {
		// The message arrived, but the client never hears so.
		_ = s.conn.Conn().Close()
		return nil
	}
	s.accepted = true
	return nil
}

// Reset runs on RSET and, in go-smtp, right after the reply to DATA.
func (s *session) Reset() {
	if s.accepted && s.ts.script.DropAfterAccept {
		_ = s.conn.Conn().Close()
	}
	s.accepted = false
	s.from, s.to = "", nil
}

func (s *session) Logout() error { return nil }

type countingListener struct {
	net.Listener
	n *atomic.Int32
}

func (l countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.n.Add(1)
	}
	return c, err
}

// testCert is a self-signed certificate for 127.0.0.1, ::1 and localhost,
// made once per test binary.
var testCert = sync.OnceValues(func() (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "onward test server"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, nil
})

// TLS returns the test server's TLS config and a pool that trusts it.
func TLS(t testing.TB) (*tls.Config, *x509.CertPool) {
	t.Helper()
	cert, err := testCert()
	if err != nil {
		t.Fatalf("make test certificate: %v", err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(cert.Leaf)
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}, roots
}
