package mailer

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Relay sends each message through the SMTP client in use when the
// message's turn comes, under one rate limit that outlives the clients.
// The daemon keeps one Relay for its whole life and hands it each client
// a reload builds: a reload then neither resets the limit nor fails a
// message that is waiting for it. It is safe for concurrent use.
type Relay struct {
	limit *rate.Limiter

	mu   sync.Mutex
	smtp *SMTP
	// stop is closed by Close, to release the Sends that wait.
	stop      chan struct{}
	closeOnce sync.Once
	// now is the clock, and onWait, when set, is called each time a Send
	// has to wait for the rate limit; tests set them.
	now    func() time.Time
	onWait func(time.Duration)
}

// NewRelay returns a Relay that starts at most perMinute messages a
// minute (attempts included); it sends nothing until Use gives it a
// client.
func NewRelay(perMinute int) (*Relay, error) {
	l, err := perMinuteLimit(perMinute)
	if err != nil {
		return nil, err
	}
	// A burst of one: messages start at least a minute/perMinute apart,
	// so no window of a minute, wherever it falls, sees more than
	// perMinute of them, which is what a provider's limit counts. A
	// larger burst would let up to twice as many through in the minute
	// that straddles it.
	return &Relay{limit: rate.NewLimiter(l, 1), now: time.Now, stop: make(chan struct{})}, nil
}

func perMinuteLimit(n int) (rate.Limit, error) {
	if n < 1 {
		return 0, fmt.Errorf("mailer: %w: max per minute %d is not positive", ErrInvalidConfig, n)
	}
	// A microsecond more than the exact interval: the limiter counts in
	// floating point, which can round n+1 starts into a minute by a few
	// nanoseconds.
	return rate.Every(time.Minute/time.Duration(n) + time.Microsecond), nil
}

// SetRate changes the limit, as a reload of the config does; messages
// already let through still count.
func (r *Relay) SetRate(perMinute int) error {
	l, err := perMinuteLimit(perMinute)
	if err != nil {
		return err
	}
	r.limit.SetLimit(l)
	return nil
}

// Use makes s the client for the messages to come and closes the one it
// replaces, once the message on the wire through it, if any, is finished.
func (r *Relay) Use(s *SMTP) {
	r.mu.Lock()
	old := r.smtp
	r.smtp = s
	r.mu.Unlock()
	if old != nil && old != s {
		old.Close()
	}
}

func (r *Relay) current() *SMTP {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.smtp
}

// Send waits for the rate limit, then sends m through the client in use
// at that moment. A client replaced while m waited for its turn on it has
// sent nothing of m, and m goes to the new one.
func (r *Relay) Send(ctx context.Context, m *Message) error {
	select {
	case <-r.stop:
		return fmt.Errorf("mailer: send %s: %w", m.printableID(), interrupted("sending", ErrClosed))
	default:
	}
	if err := r.wait(ctx); err != nil {
		return fmt.Errorf("mailer: send %s: %w", m.printableID(), interrupted("waiting for the rate limit", err))
	}
	for {
		s := r.current()
		if s == nil {
			return fmt.Errorf("mailer: send %s: %w", m.printableID(), interrupted("sending", ErrClosed))
		}
		err := s.Send(ctx, m)
		if errors.Is(err, ErrClosed) && r.current() != s {
			continue
		}
		return err
	}
}

// wait blocks until a message may start, or returns the cause of ctx's
// end; a wait given up leaves its place to the next message.
func (r *Relay) wait(ctx context.Context) error {
	now := r.now()
	res := r.limit.ReserveN(now, 1)
	d := res.DelayFrom(now)
	if d == 0 {
		return nil
	}
	if r.onWait != nil {
		r.onWait(d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		res.CancelAt(r.now())
		return context.Cause(ctx)
	case <-r.stop:
		res.CancelAt(r.now())
		return ErrClosed
	}
}

// Close closes the client in use and releases the Sends waiting for the
// rate limit with ErrClosed (temporary); a message on the wire is
// finished first. Send fails after it.
func (r *Relay) Close() error {
	r.closeOnce.Do(func() { close(r.stop) })
	r.Use(nil)
	return nil
}
