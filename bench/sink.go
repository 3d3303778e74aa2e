package main

import (
	"bufio"
	"io"
	"log"
	"net"
	"net/textproto"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emersion/go-smtp"
)

// sink is a real SMTP server (emersion/go-smtp) on 127.0.0.1:0 that accepts
// every message and throws it away. internal/smtptest keeps every message in
// memory for tests to inspect, which would make the server, not onward, the
// cost under measure; this one only counts, and for the punctuality figure
// notes when each Message-ID arrived.
type sink struct {
	Host string
	Port int

	srv      *smtp.Server
	received atomic.Int64
	// delay, when set, is added before the reply to MAIL, RCPT and the
	// end of DATA, as a server across a network would take.
	delay time.Duration

	// arrivals, when non-nil, records the time each Message-ID's final dot
	// was read: the moment the message was sent, as far as onward can know.
	mu       sync.Mutex
	arrivals map[string]time.Time
}

func startSink(recordArrivals bool) (*sink, error) {
	return startSinkDelayed(recordArrivals, 0)
}

func startSinkDelayed(recordArrivals bool, delay time.Duration) (*sink, error) {
	s := &sink{delay: delay}
	if recordArrivals {
		s.arrivals = map[string]time.Time{}
	}
	s.srv = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &sinkSession{s: s}, nil
	}))
	s.srv.Domain = "localhost"
	s.srv.ReadTimeout = time.Minute
	s.srv.WriteTimeout = time.Minute
	s.srv.MaxMessageBytes = 10 << 20
	s.srv.ErrorLog = log.New(io.Discard, "", 0)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := l.Addr().(*net.TCPAddr)
	s.Host, s.Port = addr.IP.String(), addr.Port
	go func() { _ = s.srv.Serve(l) }()
	return s, nil
}

func (s *sink) Close() error { return s.srv.Close() }

// Received counts the messages accepted so far.
func (s *sink) Received() int64 { return s.received.Load() }

// Arrivals returns a copy of the Message-ID → arrival time record.
func (s *sink) Arrivals() map[string]time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]time.Time, len(s.arrivals))
	for k, v := range s.arrivals {
		out[k] = v
	}
	return out
}

type sinkSession struct{ s *sink }

func (ss *sinkSession) Mail(string, *smtp.MailOptions) error { ss.wait(); return nil }
func (ss *sinkSession) Rcpt(string, *smtp.RcptOptions) error { ss.wait(); return nil }
func (*sinkSession) Reset()                                  {}
func (*sinkSession) Logout() error                           { return nil }

func (ss *sinkSession) wait() {
	if ss.s.delay > 0 {
		time.Sleep(ss.s.delay)
	}
}

func (ss *sinkSession) Data(r io.Reader) error {
	defer ss.wait()
	if ss.s.arrivals == nil {
		if _, err := io.Copy(io.Discard, r); err != nil {
			return err
		}
		ss.s.received.Add(1)
		return nil
	}
	br := bufio.NewReader(r)
	h, err := textproto.NewReader(br).ReadMIMEHeader()
	if err != nil {
		return err
	}
	if _, err := io.Copy(io.Discard, br); err != nil {
		return err
	}
	at := time.Now()
	ss.s.mu.Lock()
	ss.s.arrivals[h.Get("Message-Id")] = at
	ss.s.mu.Unlock()
	ss.s.received.Add(1)
	return nil
}
