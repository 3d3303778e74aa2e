package mailer

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/onward-app/onward/internal/smtptest"
)

func newRelay(t *testing.T, perMinute int) *Relay {
	t.Helper()
	r, err := NewRelay(perMinute)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = r.Close() })
	return r
}

// However the requests fall, no window of a minute sees more than the
// limit start: the promise of max_per_minute.
func TestRelayLimitHoldsInEveryWindow(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for _, perMinute := range []int{1, 3, 20, 1000} {
		r := newRelay(t, perMinute)
		// Requests in bursts and gaps: 3 at once, a pause, 2n at once.
		var asks []time.Time
		for range 3 {
			asks = append(asks, t0)
		}
		for range 2 * perMinute {
			asks = append(asks, t0.Add(90*time.Second))
		}
		var starts []time.Time
		for _, at := range asks {
			res := r.limit.ReserveN(at, 1)
			if !res.OK() {
				t.Fatalf("%d/min: reservation refused", perMinute)
			}
			starts = append(starts, at.Add(res.DelayFrom(at)))
		}
		for i, s := range starts {
			n := 0
			for _, o := range starts[i:] {
				if o.Before(s.Add(time.Minute)) {
					n++
				}
			}
			if n > perMinute {
				t.Fatalf("%d/min: %d messages start in the minute from %s", perMinute, n, s.Sub(t0))
			}
		}
		if first := starts[0]; !first.Equal(t0) {
			t.Errorf("%d/min: the first message waited %s", perMinute, first.Sub(t0))
		}
	}
}

// A client replaced while a message waits for the rate limit neither
// resets the limit nor fails the message: it goes out through the new
// client when its time comes, and the next one waits too.
func TestRelayKeepsItsLimitAndItsWaitersAcrossClients(t *testing.T) {
	t.Parallel()
	first, second := smtptest.Start(t, smtptest.Script{}), smtptest.Start(t, smtptest.Script{})
	r := newRelay(t, 600) // one every 100 ms
	r.Use(newSender(t, first, nil))
	if err := r.Send(t.Context(), testMessage(1)); err != nil {
		t.Fatal(err)
	}
	waiting, replaced := make(chan time.Duration, 1), make(chan struct{})
	r.onWait = func(d time.Duration) {
		waiting <- d
		<-replaced
	}
	done := relaySendAsync(t.Context(), r, testMessage(2))
	select {
	case <-waiting:
	case <-time.After(smtptest.WaitTimeout):
		t.Fatal("the second message did not wait for the rate limit")
	}
	r.Use(newSender(t, second, nil)) // closes the first client
	close(replaced)
	if err := waitSend(t, done); err != nil {
		t.Fatalf("the message that waited while its client was replaced: %v", err)
	}
	if got := second.Next(t).MessageID(); got != "<"+testMessage(2).MessageID+">" {
		t.Errorf("the new client sent %s", got)
	}
	if first.Pending() != 1 {
		t.Errorf("the old client sent %d messages, want only the first", first.Pending())
	}
	r.onWait = func(d time.Duration) { waiting <- d }
	if err := r.Send(t.Context(), testMessage(3)); err != nil {
		t.Fatal(err)
	}
	select {
	case <-waiting:
	default:
		t.Error("the third message did not wait: the new client reset the limit")
	}
}

func relaySendAsync(ctx context.Context, r *Relay, m *Message) <-chan error {
	done := make(chan error, 1)
	go func() { done <- r.Send(ctx, m) }()
	return done
}

func TestRelayWaitEndsWithItsContext(t *testing.T) {
	t.Parallel()
	ts := smtptest.Start(t, smtptest.Script{})
	r := newRelay(t, 1)
	r.Use(newSender(t, ts, nil))
	if err := r.Send(t.Context(), testMessage(1)); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	r.onWait = func(time.Duration) { cancel() }
	err := waitSend(t, relaySendAsync(ctx, r, testMessage(2)))
	if !errors.Is(err, context.Canceled) || !Temporary(err) {
		t.Errorf("Send = %v, want a temporary context.Canceled", err)
	}
	if ts.Pending() != 1 {
		t.Errorf("the server has %d messages, want 1", ts.Pending())
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if err := r.Send(t.Context(), testMessage(3)); !errors.Is(err, ErrClosed) || !Temporary(err) {
		t.Errorf("Send after Close = %v, want a temporary ErrClosed", err)
	}
}

func TestNewRelayValidates(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, -1} {
		if _, err := NewRelay(n); !errors.Is(err, ErrInvalidConfig) {
			t.Errorf("NewRelay(%d) = %v, want ErrInvalidConfig", n, err)
		}
	}
}
