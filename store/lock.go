package store

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// ErrLocked means another daemon already serves the database.
var ErrLocked = errors.New("another onward daemon is running on this database")

// DaemonLock is held by the one daemon allowed per database.
type DaemonLock struct{ f *os.File }

// LockDaemon takes the daemon lock of the database at dbPath, a file
// beside it holding the owner's pid. The kernel drops an flock when its
// process dies, so a crashed daemon never leaves a stale lock behind.
//
// The lock is named after the file's real path, symbolic links resolved,
// so two daemons reaching one file by two paths take the same lock. (A
// second name made with a hard link cannot be resolved; Open refuses
// such a file.)
func LockDaemon(dbPath string) (*DaemonLock, error) {
	real := realPath(dbPath)
	path := real + ".daemon.lock"
	names := dbPath
	if real != dbPath {
		names = dbPath + ", which is " + real
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("store: daemon lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		b, _ := os.ReadFile(path)
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			pid := strings.TrimSpace(string(b))
			if _, perr := strconv.Atoi(pid); perr == nil {
				return nil, fmt.Errorf("%w (pid %s, database %s)", ErrLocked, pid, names)
			}
			return nil, fmt.Errorf("%w (database %s)", ErrLocked, names)
		}
		return nil, fmt.Errorf("store: daemon lock: %w", err)
	}
	if err := f.Truncate(0); err == nil {
		f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return &DaemonLock{f: f}, nil
}

// Unlock releases the lock.
func (l *DaemonLock) Unlock() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f = nil
	return err
}
