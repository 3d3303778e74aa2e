package imaptest

import (
	"bufio"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// Where a Trickler starts to trickle.
const (
	// TrickleGreeting sends the greeting a byte at a time, never ending it.
	TrickleGreeting = iota
	// TrickleLogin answers CAPABILITY, then trickles its answer to LOGIN.
	TrickleLogin
	// TrickleAfterLogin answers CAPABILITY and LOGIN, then meets every
	// later command with an endless stream of untagged lines, one per
	// Every: progress that never completes the command.
	TrickleAfterLogin
)

// Trickler is a raw IMAP server on 127.0.0.1:0 that never finishes an
// answer but never goes quiet either: it sends a little every so often,
// so that a deadline per read never trips and only a deadline per command
// (or per poll) ends the wait.
type Trickler struct {
	// Port is the server's port on 127.0.0.1.
	Port int
	// Every is the pause between two pieces of the trickle.
	Every time.Duration

	ln        net.Listener
	at        int
	done      chan struct{}
	closeOnce sync.Once
	wg        sync.WaitGroup
}

// StartTrickler starts a Trickler that trickles at the given point, and
// stops it when the test ends.
func StartTrickler(t testing.TB, at int) *Trickler {
	t.Helper()
	s, err := NewTrickler(at)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// NewTrickler starts a Trickler outside a test; the caller closes it.
func NewTrickler(at int) (*Trickler, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &Trickler{Port: ln.Addr().(*net.TCPAddr).Port, Every: 50 * time.Millisecond, ln: ln, at: at, done: make(chan struct{})}
	s.wg.Add(1)
	go s.serve()
	return s, nil
}

// Close stops the server and ends its sessions.
func (s *Trickler) Close() {
	s.closeOnce.Do(func() {
		close(s.done)
		_ = s.ln.Close()
	})
	s.wg.Wait()
}

func (s *Trickler) serve() {
	defer s.wg.Done()
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer conn.Close()
			s.session(conn)
		}()
	}
}

func (s *Trickler) session(conn net.Conn) {
	go func() {
		<-s.done
		_ = conn.Close()
	}()
	if s.at == TrickleGreeting {
		s.trickle(conn, "* OK IMAP4rev1 server ready, very slowly ", false)
		return
	}
	if _, err := conn.Write([]byte("* OK [CAPABILITY IMAP4rev1] ready\r\n")); err != nil {
		return
	}
	r := bufio.NewReader(conn)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		tag, rest, _ := strings.Cut(strings.TrimSpace(line), " ")
		verb, _, _ := strings.Cut(strings.ToUpper(rest), " ")
		switch verb {
		case "CAPABILITY":
			_, err = conn.Write([]byte("* CAPABILITY IMAP4rev1\r\n" + tag + " OK done\r\n"))
		case "LOGIN":
			if s.at == TrickleLogin {
				s.trickle(conn, "* OK checking your password\r\n", true)
				return
			}
			_, err = conn.Write([]byte(tag + " OK logged in\r\n"))
		case "LOGOUT":
			_, _ = conn.Write([]byte("* BYE\r\n" + tag + " OK bye\r\n"))
			return
		default:
			s.trickle(conn, "* OK still working on it\r\n", true)
			return
		}
		if err != nil {
			return
		}
	}
}

// trickle writes text a byte at a time (or, with lines, a line at a
// time), over and over, until the client hangs up or the test ends.
func (s *Trickler) trickle(conn net.Conn, text string, lines bool) {
	t := time.NewTicker(s.Every)
	defer t.Stop()
	for i := 0; ; i++ {
		piece := text
		if !lines {
			piece = text[i%len(text) : i%len(text)+1]
		}
		if _, err := conn.Write([]byte(piece)); err != nil {
			return
		}
		select {
		case <-s.done:
			return
		case <-t.C:
		}
	}
}
