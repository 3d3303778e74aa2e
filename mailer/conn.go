package mailer

import (
	"errors"
	"fmt"
	"net"
	"sync"
	"time"
)

// netConn bounds every read and write by the timeout, and all of them
// together by the deadline of the message being sent, and remembers the
// first failure, which go-mail's SendError would otherwise hide.
//
// The per-operation timeout alone does not bound a send: a server that
// trickles one byte, or one "250-" line, a second never lets a read wait
// long. The message's deadline does, whatever the server's pace.
//
// After a failure every read and write fails at once with it: the session
// is in doubt, and go-mail's RSET or QUIT after a timed-out command would
// otherwise wait a whole timeout more on a server that has stopped
// answering.
type netConn struct {
	net.Conn
	timeout time.Duration

	mu  sync.Mutex
	err error
	// end is the deadline of the message in progress (zero: none), and
	// budget the send timeout it was counted from, for the error.
	end    time.Time
	budget time.Duration
}

// sendTimeoutError says that one message's whole SMTP conversation took
// longer than the send timeout. It wraps the I/O error that noticed.
type sendTimeoutError struct {
	budget time.Duration
	err    error
}

func (e *sendTimeoutError) Error() string {
	return fmt.Sprintf("the server took more than %s over one message (%v)", e.budget, e.err)
}

func (e *sendTimeoutError) Unwrap() error { return e.err }

// Timeout tells crypto/tls and net callers that this is a deadline.
func (e *sendTimeoutError) Timeout() bool { return true }

// Temporary is part of net.Error.
func (e *sendTimeoutError) Temporary() bool { return true }

// startMessage sets the deadline of the next message on this connection.
func (c *netConn) startMessage(end time.Time, budget time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.end, c.budget = end, budget
}

// deadline is when the next operation must be over.
func (c *netConn) deadline() time.Time {
	d := time.Now().Add(c.timeout)
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.end.IsZero() && c.end.Before(d) {
		return c.end
	}
	return d
}

func (c *netConn) Read(p []byte) (int, error) {
	if err := c.failure(); err != nil {
		return 0, err
	}
	if err := c.Conn.SetReadDeadline(c.deadline()); err != nil {
		return 0, c.fail(err)
	}
	n, err := c.Conn.Read(p)
	if err != nil {
		return n, c.fail(err)
	}
	return n, nil
}

func (c *netConn) Write(p []byte) (int, error) {
	if err := c.failure(); err != nil {
		return 0, err
	}
	if err := c.Conn.SetWriteDeadline(c.deadline()); err != nil {
		return 0, c.fail(err)
	}
	n, err := c.Conn.Write(p)
	if err != nil {
		return n, c.fail(err)
	}
	return n, nil
}

// fail records err as the connection's failure, naming the send timeout
// when that is what ran out, and returns what it recorded.
func (c *netConn) fail(err error) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err == nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() && !c.end.IsZero() && !time.Now().Before(c.end) {
			err = &sendTimeoutError{budget: c.budget, err: err}
		}
		c.err = err
	}
	return c.err
}

func (c *netConn) failure() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}
