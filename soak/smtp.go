package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net"
	"net/mail"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emersion/go-smtp"
)

// A copy is one message as the SMTP server saw it.
type copy struct {
	MessageID string
	To        []string
	Subject   string
	At        time.Time
	// Acked says the server answered the final dot with 250 at once, so
	// the sender knows the message went: only acked copies count as
	// delivered. A copy read and then dropped, or answered so slowly the
	// sender gave up, reached the server without the sender knowing.
	Acked bool
	// Fault is what the server did to it ("" when it behaved).
	Fault string
}

// span is a stretch of time.
type span struct{ from, to time.Time }

// A refusal is a permanent (5xx) answer the server gave a message.
type refusal struct {
	MessageID string
	At        time.Time
}

// smtpFault is what the server does to one message at its final dot.
type smtpFault int

const (
	fNone         smtpFault = iota
	fTemp                   // 451 after the final dot
	fPerm                   // 554 after the final dot
	fDropBefore             // the connection closed before the message is taken
	fDropAfter              // the message is taken, the connection closed without a reply
	fTrickleReply           // the reply to the final dot trickles past the send timeout
	fAckThenClose           // 250, then the connection is closed
	fKillAfterAck           // 250, then the sender is killed before it can record it
)

var smtpFaultNames = map[smtpFault]string{
	fTemp: "smtp 4xx", fPerm: "smtp 5xx", fDropBefore: "smtp drop before the final dot",
	fDropAfter: "smtp drop after the final dot", fTrickleReply: "smtp trickled reply",
	fAckThenClose: "smtp 250 then close", fKillAfterAck: "sender SIGKILLed after 250",
}

// server is a real SMTP server (emersion/go-smtp) on 127.0.0.1:0 that logs
// every message it reads and, while faults are on, misbehaves on the
// first attempt of a message at random, so that every message gets at
// most one retry's backoff (a minute) and the backlog can drain in the
// quiet phase. A probe's message (its subject names probeCompany) is never hit:
// its latency measures the daemon, not the faults.
type server struct {
	Host string
	Port int

	srv    *smtp.Server
	faults atomic.Bool
	// trickle is the pause between the lines of a trickled reply.
	trickle time.Duration
	// onKill, when set, is called for fKillAfterAck after the 250 was
	// written, with the message, to kill its sender.
	onKill func(c copy)
	ev     *events

	mu       sync.Mutex
	rng      *rand.Rand
	copies   []copy
	refused  []refusal
	tried    map[string]bool // Message-IDs whose first attempt was seen
	injected map[string]int
	// slow holds when the server kept the daemon waiting on purpose (a
	// trickled reply to a message to the user): time the probe does not
	// count. The daemon sends one message at a time, so they never overlap.
	slow     []span
	inFlight int // transactions to the user between MAIL and the reply to the dot
}

func startServer(seed uint64, ev *events) (*server, error) {
	s := &server{
		rng:      rand.New(rand.NewPCG(seed, 0x5a17)),
		tried:    map[string]bool{},
		injected: map[string]int{},
		trickle:  400 * time.Millisecond,
		ev:       ev,
	}
	s.srv = smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &session{s: s, conn: c}, nil
	}))
	s.srv.Domain = "localhost"
	s.srv.ReadTimeout = 30 * time.Second
	s.srv.WriteTimeout = 30 * time.Second
	s.srv.MaxMessageBytes = 10 << 20
	s.srv.EnableSMTPUTF8 = true
	s.srv.ErrorLog = log.New(io.Discard, "", 0)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := l.Addr().(*net.TCPAddr)
	s.Host, s.Port = addr.IP.String(), addr.Port
	go func() { _ = s.srv.Serve(greetingTrickler{Listener: l, s: s}) }()
	return s, nil
}

func (s *server) Close() error { return s.srv.Close() }

func (s *server) count(name, detail string) {
	s.injected[name]++
	s.ev.add("fault: %s %s", name, detail)
}

// decide picks the fault for a message at its final dot.
func (s *server) decide(id string, probe bool) smtpFault {
	s.mu.Lock()
	defer s.mu.Unlock()
	first := !s.tried[id]
	s.tried[id] = true
	if probe || !first || !s.faults.Load() || s.rng.Float64() >= 0.3 {
		return fNone
	}
	// A kill after the 250 is rarer than the rest: each is a restart.
	if s.rng.IntN(20) == 0 {
		return fKillAfterAck
	}
	return smtpFault(1 + s.rng.IntN(6))
}

// slowed notes that the server kept a sender waiting since from.
func (s *server) slowed(from time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.slow = append(s.slow, span{from, time.Now()})
}

// slowIn returns how long, between from and to, the server kept senders
// waiting on purpose.
func (s *server) slowIn(from, to time.Time) time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return overlap(s.slow, from, to)
}

func (s *server) record(c copy) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.copies = append(s.copies, c)
}

// Copies returns every message the server read, in order.
func (s *server) Copies() []copy {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]copy(nil), s.copies...)
}

func (s *server) Refusals() []refusal {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]refusal(nil), s.refused...)
}

// InFlight reports whether a message to the user is between MAIL and the
// reply to its final dot: a kill of the daemon now is a kill mid-send.
func (s *server) InFlight() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.inFlight > 0
}

func (s *server) Injected() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]int{}
	for k, v := range s.injected {
		out[k] = v
	}
	return out
}

type session struct {
	s        *server
	conn     *smtp.Conn
	to       []string
	inTxn    bool
	afterAck func()
}

func (ss *session) Mail(string, *smtp.MailOptions) error { return nil }

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.to = append(ss.to, to)
	if to == userEmail && !ss.inTxn {
		ss.inTxn = true
		ss.s.mu.Lock()
		ss.s.inFlight++
		ss.s.mu.Unlock()
	}
	return nil
}

func (ss *session) endTxn() {
	if ss.inTxn {
		ss.inTxn = false
		ss.s.mu.Lock()
		ss.s.inFlight--
		ss.s.mu.Unlock()
	}
}

func (ss *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "unreadable message"}
	}
	c := copy{MessageID: strings.Trim(m.Header.Get("Message-Id"), "<>"), To: append([]string(nil), ss.to...), Subject: m.Header.Get("Subject"), At: time.Now()}
	f := ss.s.decide(c.MessageID, strings.Contains(c.Subject, probeCompany))
	s := ss.s
	if f != fNone && f != fKillAfterAck { // a kill is counted where it is made
		s.mu.Lock()
		s.count(smtpFaultNames[f], fmt.Sprintf("%s to %v", c.MessageID, c.To))
		s.mu.Unlock()
		c.Fault = smtpFaultNames[f]
	}
	switch f {
	case fTemp:
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	case fPerm:
		s.mu.Lock()
		s.refused = append(s.refused, refusal{MessageID: c.MessageID, At: time.Now()})
		s.mu.Unlock()
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "refused for good"}
	case fDropBefore:
		_ = ss.conn.Conn().Close()
		return &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 0, 0}, Message: "dropped"}
	case fDropAfter:
		s.record(c)
		_ = ss.conn.Conn().Close()
		return &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 0, 0}, Message: "dropped"}
	case fTrickleReply:
		if slices.Equal(c.To, []string{userEmail}) {
			// Only the daemon sends to the user: its wait.
			defer s.slowed(time.Now())
		}
		// Longer than the sender's send timeout: it gives up, the
		// message is here all the same.
		for i := range 20 {
			_ = ss.conn.Conn().SetWriteDeadline(time.Now().Add(5 * time.Second))
			if _, err := fmt.Fprintf(ss.conn.Conn(), "250-please wait (%d)\r\n", i+1); err != nil {
				s.record(c)
				return err
			}
			time.Sleep(s.trickle)
		}
		// The sender is still there: it was frozen (SIGSTOP) while the
		// reply trickled into its socket, and on waking reads it whole,
		// the final 250 included, before its deadline can fire. Then it
		// has its 250, rightly: the copy counts as acknowledged.
		c.Acked = true
		s.record(c)
		return nil
	}
	c.Acked = true
	s.record(c)
	s.ev.add("smtp: 250 for %s to %v", c.MessageID, c.To)
	switch f {
	case fAckThenClose:
		ss.afterAck = func() { _ = ss.conn.Conn().Close() }
	case fKillAfterAck:
		if s.onKill != nil {
			ss.afterAck = func() { s.onKill(c) }
		}
	}
	return nil
}

// Reset runs on RSET and, in go-smtp, right after the reply to DATA was
// written: the moment to close after a 250, or to kill the sender.
func (ss *session) Reset() {
	ss.endTxn()
	if f := ss.afterAck; f != nil {
		ss.afterAck = nil
		f()
	}
	ss.to = nil
}

func (ss *session) Logout() error { ss.endTxn(); return nil }

// greetingTrickler sends, on some connections while faults are on, a
// greeting that trickles out a line at a time: slow, but within the
// sender's timeouts, so the message still goes.
type greetingTrickler struct {
	net.Listener
	s *server
}

func (l greetingTrickler) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return c, err
	}
	s := l.s
	s.mu.Lock()
	slow := s.faults.Load() && s.rng.Float64() < 0.15
	if slow {
		s.count("smtp trickled greeting", "")
	}
	s.mu.Unlock()
	if !slow {
		return c, nil
	}
	return &slowGreeting{Conn: c, r: bufio.NewReader(c), s: s}, nil
}

// slowGreeting writes three continuation lines, 300 ms apart, before the
// greeting go-smtp writes.
type slowGreeting struct {
	net.Conn
	r    *bufio.Reader
	s    *server
	once sync.Once
}

func (c *slowGreeting) Write(p []byte) (int, error) {
	var err error
	c.once.Do(func() {
		if len(p) < 3 || !strings.HasPrefix(string(p), "220") {
			return
		}
		for i := range 3 {
			time.Sleep(300 * time.Millisecond)
			if _, err = fmt.Fprintf(c.Conn, "220-hold on (%d)\r\n", i+1); err != nil {
				return
			}
		}
	})
	if err != nil {
		return 0, err
	}
	return c.Conn.Write(p)
}
