// Package smtptest runs a real SMTP server (emersion/go-smtp) on
// 127.0.0.1:0 for tests, scriptable to misbehave the way real servers do:
// reject a command with any reply, stall, drop the connection after DATA,
// refuse STARTTLS, present a certificate nobody trusts, or be down for a
// while. Tests of every package that sends mail use it instead of faking
// the network.
//
// The file is over 500 lines because every misbehaviour is a branch of one
// session; it is a test helper, never linked into the binary.
package smtptest

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"log"
	"net"
	"net/mail"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/onward-app/onward/internal/testcert"
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
	// Times, when positive, limits Reject, Stall and DropAfterData to the
	// first Times times they apply; after that the server behaves, as one
	// does when an outage is over. Zero means every time.
	Times int
	// Decide, when set, is asked at "MAIL", "RCPT" and "DATA" (after the
	// message was read) what to do, given what the session has seen so
	// far; a zero Fault falls through to Reject, Stall and DropAfterData.
	// It picks the message a fault hits, e.g. by its Message-ID, so that
	// a test can check that the others still go through. It runs on the
	// server's goroutines.
	Decide func(cmd string, r Received) Fault
	// RefuseSTARTTLS, when set, offers STARTTLS in the EHLO reply and
	// answers the command with this reply instead of starting TLS.
	RefuseSTARTTLS *smtp.SMTPError
	// NoSMTPUTF8 leaves SMTPUTF8 out of the EHLO reply, as older servers
	// do: they cannot take an address that is not ASCII.
	NoSMTPUTF8 bool
	// Trickle, when set, makes the server answer one step slowly but
	// steadily, so that no single read waits long.
	Trickle *Trickle
	// User and Pass, when set, offer AUTH PLAIN and require it before MAIL.
	User, Pass string
	// TLS, when set, is offered through STARTTLS, or spoken from the first
	// byte when ImplicitTLS is set.
	TLS         *tls.Config
	ImplicitTLS bool
}

// Trickle is a server that answers one step a little at a time: before
// its real reply it sends Lines continuation lines ("220-", "250-"), one
// every Every. Each line is a valid part of the reply, so a client that
// bounds each read by a timeout longer than Every waits Lines×Every for
// the reply as a whole. It works on plain sessions and implicit TLS.
type Trickle struct {
	// At is the step: "greeting", "EHLO", or "DATA" for the reply to the
	// final dot (the message was read and recorded before).
	At    string
	Every time.Duration
	Lines int
}

// Fault is one scripted misbehaviour at one command.
type Fault struct {
	// Reply answers the command with this error reply.
	Reply *smtp.SMTPError
	// Stall blocks the command without replying until Release is called
	// (the command then proceeds) or the test ends.
	Stall bool
	// Drop closes the connection without replying. At DATA the message
	// was read and is recorded first: it arrived, but the client never
	// hears so.
	Drop bool
}

func (f Fault) zero() bool { return f.Reply == nil && !f.Stall && !f.Drop }

// Received is one message as the server saw it.
type Received struct {
	From string
	To   []string
	Data []byte
	// At is when the server recorded the message, by its own clock.
	At time.Time
}

// Header returns the first value of a header of the message, or "" when
// the message has no such header or does not parse.
func (r Received) Header(key string) string {
	m, err := mail.ReadMessage(bytes.NewReader(r.Data))
	if err != nil {
		return ""
	}
	return m.Header.Get(key)
}

// MessageID returns the Message-ID header, brackets included.
func (r Received) MessageID() string { return r.Header("Message-Id") }

type Server struct {
	Host string
	Port int

	script   Script
	messages chan Received
	stalled  chan string   // receives the command that stalls
	closing  chan struct{} // closed at cleanup to free stalled sessions
	release  chan struct{} // closed by Release: stalled commands proceed
	released sync.Once

	connections  atomic.Int32
	AuthAttempts atomic.Int32
	// Injected counts the faults the server acted on: replies it was
	// scripted to give, stalls, dropped connections, refused STARTTLS
	// and connections closed while down.
	Injected atomic.Int32
	fired    atomic.Int32 // static faults used up, for Script.Times
	down     atomic.Bool

	mu    sync.Mutex
	conns []*smtp.Conn
}

// Start starts a scripted SMTP server and stops it when the test ends.
func Start(t testing.TB, script Script) *Server {
	t.Helper()
	ts := &Server{
		script:   script,
		messages: make(chan Received, 100000),
		stalled:  make(chan string, 100),
		closing:  make(chan struct{}),
		release:  make(chan struct{}),
	}
	srv := smtp.NewServer(smtp.BackendFunc(ts.newSession))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true // AUTH on plain loopback, as security "none" allows
	srv.EnableSMTPUTF8 = !script.NoSMTPUTF8
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
	l = countingListener{Listener: l, ts: ts}
	switch {
	case script.TLS != nil && script.ImplicitTLS:
		l = tls.NewListener(l, script.TLS)
	case script.TLS != nil:
		srv.TLSConfig = script.TLS
	}
	if script.Trickle != nil {
		l = trickleListener{Listener: l, ts: ts, trickle: *script.Trickle}
	}
	if script.RefuseSTARTTLS != nil {
		if srv.TLSConfig == nil {
			// Only so that go-smtp offers STARTTLS; the refusing
			// listener answers the command before go-smtp sees it.
			cfg, _ := TLS(t)
			srv.TLSConfig = cfg
		}
		l = refusingListener{Listener: l, ts: ts, reply: script.RefuseSTARTTLS}
	}
	go func() { _ = srv.Serve(l) }()
	// Cleanups run last-in first-out: free stalled sessions, then close.
	t.Cleanup(func() { _ = srv.Close() })
	t.Cleanup(func() { close(ts.closing) })
	return ts
}

// Addr is the server's host:port.
func (ts *Server) Addr() string { return net.JoinHostPort(ts.Host, fmt.Sprint(ts.Port)) }

// Release lets every stalled command proceed, now and from now on: a
// stalled DATA is then accepted with 250, as by a server that was only
// slow. Without Release, stalled sessions are freed when the test ends.
func (ts *Server) Release() { ts.released.Do(func() { close(ts.release) }) }

// SetDown starts or ends an outage: while down, the server closes every
// new connection before its greeting, the way an overloaded or restarting
// server does. Sessions already open are not touched.
func (ts *Server) SetDown(down bool) { ts.down.Store(down) }

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

// fault decides what the script does at cmd: Decide first, then the
// static faults while Times allows.
func (s *session) fault(cmd string, data []byte) Fault {
	sc := &s.ts.script
	if sc.Decide != nil {
		if f := sc.Decide(cmd, Received{From: s.from, To: s.to, Data: data}); !f.zero() {
			return f
		}
	}
	var f Fault
	switch {
	case sc.Stall == cmd:
		f.Stall = true
	case sc.Reject[cmd] != nil:
		f.Reply = sc.Reject[cmd]
	case cmd == "DATA" && sc.DropAfterData:
		f.Drop = true
	default:
		return Fault{}
	}
	if sc.Times > 0 && int(s.ts.fired.Add(1)) > sc.Times {
		return Fault{}
	}
	return f
}

// step applies the script to a command. It returns the reply to give
// (nil to accept) and whether the connection was dropped.
func (s *session) step(cmd string, data []byte) (reply error, dropped bool) {
	f := s.fault(cmd, data)
	if f.zero() {
		return nil, false
	}
	s.ts.Injected.Add(1)
	switch {
	case f.Stall:
		select {
		case s.ts.stalled <- cmd:
		default:
		}
		select {
		case <-s.ts.release:
			return nil, false
		case <-s.ts.closing:
			return &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 0, 0}, Message: "test over"}, false
		}
	case f.Drop:
		if cmd == "DATA" {
			s.ts.messages <- Received{From: s.from, To: s.to, Data: data, At: time.Now()}
		}
		_ = s.conn.Conn().Close()
		return &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 0, 0}, Message: "dropped"}, true
	}
	return f.Reply, false
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if s.ts.script.User != "" && !s.authed {
		return smtp.ErrAuthRequired
	}
	s.from = from
	if err, _ := s.step("MAIL", nil); err != nil {
		s.from = ""
		return err
	}
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	if err, _ := s.step("RCPT", nil); err != nil {
		s.to = s.to[:len(s.to)-1]
		return err
	}
	return nil
}

func (s *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if err, dropped := s.step("DATA", data); err != nil || dropped {
		return err
	}
	s.ts.messages <- Received{From: s.from, To: s.to, Data: data, At: time.Now()}
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

// countingListener counts connections and, while the server is down,
// closes them at once.
type countingListener struct {
	net.Listener
	ts *Server
}

func (l countingListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return c, err
		}
		l.ts.connections.Add(1)
		if !l.ts.down.Load() {
			return c, nil
		}
		l.ts.Injected.Add(1)
		_ = c.Close()
	}
}

// refusingListener answers STARTTLS itself with a refusal, so go-smtp,
// which would start TLS, never sees the command.
type refusingListener struct {
	net.Listener
	ts    *Server
	reply *smtp.SMTPError
}

func (l refusingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return c, err
	}
	return &refusingConn{Conn: c, r: bufio.NewReader(c), ts: l.ts, reply: l.reply}, nil
}

// refusingConn hands go-smtp the client's bytes line by line, taking out
// STARTTLS commands and answering them. Only command lines are looked at:
// a message body that says STARTTLS passes through.
type refusingConn struct {
	net.Conn
	r       *bufio.Reader
	ts      *Server
	reply   *smtp.SMTPError
	pending []byte
	inData  bool // between DATA and the final dot
	midLine bool // the last piece handed on did not end a line
}

func (c *refusingConn) Read(p []byte) (int, error) {
	for len(c.pending) == 0 {
		line, err := c.r.ReadSlice('\n')
		if len(line) == 0 {
			return 0, err
		}
		atStart := !c.midLine
		c.midLine = line[len(line)-1] != '\n'
		if atStart {
			cmd := strings.ToUpper(strings.TrimSpace(string(line)))
			switch {
			case c.inData:
				c.inData = string(line) != ".\r\n"
			case cmd == "STARTTLS":
				c.ts.Injected.Add(1)
				e := c.reply
				fmt.Fprintf(c.Conn, "%d %d.%d.%d %s\r\n", e.Code, e.EnhancedCode[0], e.EnhancedCode[1], e.EnhancedCode[2], e.Message)
				continue
			case cmd == "DATA":
				c.inData = true
			}
		}
		c.pending = append(c.pending[:0], line...)
	}
	n := copy(p, c.pending)
	c.pending = c.pending[n:]
	return n, nil
}

// TLS returns the test server's TLS config and a pool that trusts it.
func TLS(t testing.TB) (*tls.Config, *x509.CertPool) {
	t.Helper()
	cert, roots := testcert.Loopback(t)
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}, roots
}

// trickleListener hands go-smtp connections whose replies at one step
// trickle out.
type trickleListener struct {
	net.Listener
	ts      *Server
	trickle Trickle
}

func (l trickleListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return c, err
	}
	return &trickleConn{Conn: c, r: bufio.NewReader(c), ts: l.ts, trickle: l.trickle, next: "greeting"}, nil
}

// trickleConn follows the client's commands line by line to know which
// step the server's next write answers, and slows that one down.
type trickleConn struct {
	net.Conn
	r       *bufio.Reader
	ts      *Server
	trickle Trickle

	mu      sync.Mutex
	next    string // the step the next reply answers
	pending []byte
	inData  bool
	midLine bool
}

func (c *trickleConn) Read(p []byte) (int, error) {
	for len(c.pending) == 0 {
		line, err := c.r.ReadSlice('\n')
		if len(line) == 0 {
			return 0, err
		}
		atStart := !c.midLine
		c.midLine = line[len(line)-1] != '\n'
		if atStart {
			cmd := strings.ToUpper(strings.TrimSpace(string(line)))
			c.mu.Lock()
			switch {
			case c.inData:
				if string(line) == ".\r\n" {
					c.inData, c.next = false, "DATA"
				}
			case strings.HasPrefix(cmd, "EHLO") || strings.HasPrefix(cmd, "HELO"):
				c.next = "EHLO"
			case cmd == "DATA":
				c.inData, c.next = true, ""
			default:
				c.next = ""
			}
			c.mu.Unlock()
		}
		c.pending = append(c.pending[:0], line...)
	}
	n := copy(p, c.pending)
	c.pending = c.pending[n:]
	return n, nil
}

func (c *trickleConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	slow := c.next == c.trickle.At && len(p) >= 3
	if slow {
		c.next = ""
	}
	c.mu.Unlock()
	if !slow {
		return c.Conn.Write(p)
	}
	c.ts.Injected.Add(1)
	code := string(p[:3])
	for i := range c.trickle.Lines {
		select {
		case <-time.After(c.trickle.Every):
		case <-c.ts.closing:
			return 0, io.ErrClosedPipe
		}
		// go-smtp set one write deadline for the whole reply; a trickle
		// that outlasts it must not be cut off by the server itself.
		_ = c.Conn.SetWriteDeadline(time.Now().Add(WaitTimeout))
		if _, err := fmt.Fprintf(c.Conn, "%s-please wait (%d)\r\n", code, i+1); err != nil {
			return 0, err
		}
	}
	return c.Conn.Write(p)
}
