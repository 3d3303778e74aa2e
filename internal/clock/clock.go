// Package clock is the time the daemon runs on: the wall clock it plans
// by, and the monotonic clock its waits run on. The two can part (the
// wall clock is set, a laptop resumes from suspend), and the dispatcher
// watches for that; a Fake lets a test move each on its own.
package clock

import (
	"sync"
	"time"
)

// Clock tells the time and waits.
type Clock interface {
	// Now is the wall-clock time.
	Now() time.Time
	// Elapsed is monotonic time since an arbitrary origin: it does not
	// move when the wall clock is set, nor while the machine sleeps.
	Elapsed() time.Duration
	// NewTimer fires after d of monotonic time.
	NewTimer(d time.Duration) Timer
}

// Timer is a time.Timer behind an interface.
type Timer interface {
	C() <-chan time.Time
	// Stop and Reset behave as time.Timer's do since Go 1.23: after
	// either, no stale value is left in C.
	Stop() bool
	Reset(d time.Duration) bool
}

// System is the machine's clock.
type System struct{}

var origin = time.Now()

// Now returns time.Now().
func (System) Now() time.Time { return time.Now() }

// Elapsed reads the monotonic clock.
func (System) Elapsed() time.Duration { return time.Since(origin) }

// NewTimer returns a real timer.
func (System) NewTimer(d time.Duration) Timer { return sysTimer{time.NewTimer(d)} }

type sysTimer struct{ t *time.Timer }

func (t sysTimer) C() <-chan time.Time        { return t.t.C }
func (t sysTimer) Stop() bool                 { return t.t.Stop() }
func (t sysTimer) Reset(d time.Duration) bool { return t.t.Reset(d) }

// Wall is the wall clock of now with real timers; its monotonic clock is
// the wall clock itself, so it never reports a step. It adapts a plain
// "now" function.
type Wall func() time.Time

// Now calls the function.
func (w Wall) Now() time.Time { return w() }

// Elapsed follows the wall clock.
func (w Wall) Elapsed() time.Duration { return w().Round(0).Sub(time.Unix(0, 0)) }

// NewTimer returns a real timer.
func (Wall) NewTimer(d time.Duration) Timer { return sysTimer{time.NewTimer(d)} }

// Fake is a clock a test moves by hand. Advance moves both clocks, as time
// passing does; Set moves the wall clock alone, as setting the clock or
// resuming from suspend does.
type Fake struct {
	mu     sync.Mutex
	wall   time.Time
	mono   time.Duration
	timers []*fakeTimer
	armed  chan time.Duration
}

// NewFake returns a fake clock showing t.
func NewFake(t time.Time) *Fake {
	return &Fake{wall: t, armed: make(chan time.Duration, 64)}
}

// Now returns the fake wall clock.
func (f *Fake) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.wall
}

// Elapsed returns the fake monotonic clock.
func (f *Fake) Elapsed() time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.mono
}

// Advance lets d pass on both clocks and fires the timers it reaches.
func (f *Fake) Advance(d time.Duration) {
	f.mu.Lock()
	f.wall = f.wall.Add(d)
	f.mono += d
	f.fire()
	f.mu.Unlock()
}

// Set moves the wall clock to t, forward or back, without any monotonic
// time passing: no timer fires.
func (f *Fake) Set(t time.Time) {
	f.mu.Lock()
	f.wall = t
	f.mu.Unlock()
}

// Armed receives the duration of every timer started or reset, so a test
// can wait until the code under test sleeps. Older values are dropped
// when nobody reads them.
func (f *Fake) Armed() <-chan time.Duration { return f.armed }

func (f *Fake) fire() {
	for _, t := range f.timers {
		if t.active && t.at <= f.mono {
			t.active = false
			select {
			case t.c <- f.wall:
			default:
			}
		}
	}
}

// NewTimer starts a timer on the fake monotonic clock.
func (f *Fake) NewTimer(d time.Duration) Timer {
	t := &fakeTimer{f: f, c: make(chan time.Time, 1)}
	f.mu.Lock()
	f.timers = append(f.timers, t)
	f.mu.Unlock()
	t.Reset(d)
	return t
}

type fakeTimer struct {
	f      *Fake
	c      chan time.Time
	at     time.Duration
	active bool
}

func (t *fakeTimer) C() <-chan time.Time { return t.c }

func (t *fakeTimer) Stop() bool {
	t.f.mu.Lock()
	defer t.f.mu.Unlock()
	was := t.active
	t.active = false
	t.drain()
	return was
}

func (t *fakeTimer) Reset(d time.Duration) bool {
	t.f.mu.Lock()
	was := t.active
	t.drain()
	t.at, t.active = t.f.mono+d, true
	t.f.fire()
	t.f.mu.Unlock()
	select {
	case t.f.armed <- d:
	default:
		// Nobody is listening: keep the newest values.
		select {
		case <-t.f.armed:
		default:
		}
		select {
		case t.f.armed <- d:
		default:
		}
	}
	return was
}

func (t *fakeTimer) drain() {
	select {
	case <-t.c:
	default:
	}
}
