package store

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// A send by hand (`drafts send`) holds a shared flock on a file beside the
// database from before it claims a draft until its outcome is recorded;
// the kernel drops the lock when the process ends, however it ends.
//
// A hand claim also carries a lease, longer than a send can take; but a
// lease is a wall-clock time, and the wall clock moves without the send:
// a laptop suspended mid-send wakes up hours later with the lease long
// gone and the final dot still to write, and a clock stepped forward does
// the same. So an expired hand claim is taken back, by the daemon or by
// another `drafts send`, only while no hand send holds the lock: only
// then is the process that claimed it known to be gone, and its send
// known to be over. A draft sent twice to a recruiter is the one failure
// onward must never have.

// handLockPath names the lock after the database file itself, whatever
// link it was opened through, so every process finds the same one.
func (s *Store) handLockPath() string { return realPath(s.path) + ".sending.lock" }

// lockHandSends takes the hand-send lock. With exclusive, it asks for
// it alone and does not wait: ok is false when a hand send holds it.
// Without, it waits for a shared hold. The caller closes f to release it.
func (s *Store) lockHandSends(exclusive bool) (f *os.File, ok bool, err error) {
	f, err = os.OpenFile(s.handLockPath(), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, false, fmt.Errorf("store: hand-send lock: %w", err)
	}
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX | syscall.LOCK_NB
	}
	for {
		err = syscall.Flock(int(f.Fd()), how)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	switch {
	case err == nil:
		return f, true, nil
	case exclusive && errors.Is(err, syscall.EWOULDBLOCK):
		f.Close()
		return nil, false, nil
	}
	f.Close()
	return nil, false, fmt.Errorf("store: hand-send lock: %w", err)
}

// handSendsRunning reports whether a hand send holds the lock; when none
// does, the exclusive hold returned keeps a new one from starting until
// the caller closes it.
func (s *Store) handSendsRunning() (running bool, hold *os.File, err error) {
	f, ok, err := s.lockHandSends(true)
	if err != nil {
		return false, nil, err
	}
	return !ok, f, nil
}
