package mailer

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/onward-app/onward/internal/private"
)

// Outbox writes messages as .eml files into a folder instead of sending them.
// It is the default transport: it needs no account, and the user opens a
// draft in a mail client to review and send it.
//
// Send is idempotent per Message-ID: sending the same message again replaces
// its file. Two Sends of the same Message-ID must not run at the same time
// (the dispatcher claims a message before delivering it).
type Outbox struct {
	Dir string

	mu     sync.Mutex
	opened bool
	// dates maps a hash of each file-safe Message-ID in Dir to the date
	// in its file name, so that a write finds an earlier file of its
	// Message-ID without reading the folder. A collision can only put
	// another date in a name: the name always ends in the message's own id.
	dates map[uint64]int64
}

// Opened is what Open changed in the folder, for the caller to tell the
// user, once.
type Opened struct {
	// Private is set when the folder was open to other users (its mode
	// was Was) and is private now.
	Private bool
	Was     fs.FileMode
	// Removed counts the temporary files of interrupted writes removed.
	Removed int
}

// Open makes Dir ready for writing, once: a folder others can enter is
// made private, or refused if that is not possible, and the temporary
// files of writes a crash interrupted are removed; the folder is read this
// one time. A missing folder is created, private, by the first write.
// Send opens the outbox on first use; call Open at start so that the
// folder is private and clean before anything is due, and to learn what
// changed. A second call does nothing and reports nothing.
func (o *Outbox) Open() (Opened, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.open()
}

func (o *Outbox) open() (Opened, error) {
	var did Opened
	if o.opened {
		return did, nil
	}
	if o.Dir == "" {
		return did, errors.New("mailer: outbox folder is not set")
	}
	dates := map[uint64]int64{}
	fi, err := os.Stat(o.Dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		o.dates, o.opened = dates, true
		return did, nil
	case err != nil:
		return did, fmt.Errorf("mailer: outbox folder: %w", err)
	}
	// The file names alone tell who the user is talking to. A link is
	// followed: its target is the folder the files land in.
	tightened, err := private.Dir(o.Dir)
	if err != nil {
		return did, fmt.Errorf("mailer: outbox folder (delivery.outbox): %w", err)
	}
	if tightened {
		did.Private, did.Was = true, fi.Mode().Perm()
	}
	entries, err := os.ReadDir(o.Dir)
	if err != nil {
		return did, fmt.Errorf("mailer: outbox folder: %w", err)
	}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue // never a folder or a link, whatever its name
		}
		name := e.Name()
		if id, date, ok := parseFileName(name); ok {
			dates[idHash(id)] = date
			continue
		}
		if !isLeftover(name) {
			continue
		}
		if err := os.Remove(filepath.Join(o.Dir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return did, fmt.Errorf("mailer: outbox folder: remove the temporary file of an interrupted write: %w", err)
		}
		did.Removed++
	}
	o.dates, o.opened = dates, true
	return did, nil
}

// Send writes m into Dir, creating Dir with mode 0700 if it is missing. The
// file appears whole or not at all (temporary file, fsync, rename) and is
// readable only by the user (0600): drafts are private mail. The cost of a
// write does not depend on how many files the folder holds.
func (o *Outbox) Send(ctx context.Context, m *Message) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("mailer: send %s: %w", m.printableID(), &deliveryError{temporary: true, text: err.Error(), err: err})
	}
	var buf bytes.Buffer
	if _, err := m.WriteTo(&buf); err != nil {
		return err
	}
	if o.Dir == "" {
		return fmt.Errorf("mailer: send %s: outbox folder is not set", m.MessageID)
	}
	path, err := o.path(m)
	if err == nil {
		err = writeFileAtomic(o.Dir, path, buf.Bytes())
	}
	if err != nil {
		// A full disk or a yanked drive may well be fixed by the next try;
		// retries are bounded by the caller anyway.
		return fmt.Errorf("mailer: send %s: %w", m.MessageID, &deliveryError{temporary: true, text: err.Error(), err: err})
	}
	o.remember(m, path)
	return nil
}

// Path returns where Send puts m: Dir/<date>-<Message-ID>.eml, with the date
// in UTC and the Message-ID made safe for any filesystem, e.g.
// "20260302T090000Z-onward.42.1a2b3c@alex.example.eml". If a file for the same
// Message-ID exists under another date (found when the outbox was opened, or
// written through it since), Path returns that file, so a retry with a new
// Date still replaces the earlier draft instead of adding one.
func (o *Outbox) Path(m *Message) string {
	if p, err := o.path(m); err == nil {
		return p
	}
	return filepath.Join(o.Dir, m.Date.UTC().Format(fileDateLayout)+"-"+fileSafe(m.MessageID)+".eml")
}

func (o *Outbox) path(m *Message) (string, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if _, err := o.open(); err != nil {
		return "", err
	}
	safeID := fileSafe(m.MessageID)
	date := m.Date.UTC()
	if sec, ok := o.dates[idHash(safeID)]; ok {
		date = time.Unix(sec, 0).UTC()
	}
	return filepath.Join(o.Dir, date.Format(fileDateLayout)+"-"+safeID+".eml"), nil
}

// remember notes the file just written, for a later write of its Message-ID.
func (o *Outbox) remember(m *Message, path string) {
	id, date, ok := parseFileName(filepath.Base(path))
	if !ok {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.dates[idHash(id)] = date
}

// parseFileName reads a name Path makes: the file-safe Message-ID and the
// date, as Unix seconds.
func parseFileName(name string) (id string, date int64, ok bool) {
	n := len(fileDateLayout)
	if len(name) < n+len("-x.eml") || name[n] != '-' || !strings.HasSuffix(name, ".eml") {
		return "", 0, false
	}
	t, err := time.Parse(fileDateLayout, name[:n])
	if err != nil {
		return "", 0, false
	}
	return name[n+1 : len(name)-len(".eml")], t.Unix(), true
}

func idHash(safeID string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(safeID))
	return h.Sum64()
}

// tempPrefix starts the name of every temporary file of a write. The pid
// after it tells whose file it is: the leftovers of a dead process are
// removed at Open, a live writer's file never is.
const tempPrefix = ".onward-"

// isLeftover reports whether name is the temporary file of a write that
// can no longer finish: ".onward-<pid>-<digits>.tmp" of a process that is
// gone, or ".onward-<digits>.tmp" as earlier versions named them. Any
// other name is not onward's, and is left alone.
func isLeftover(name string) bool {
	rest, ok := strings.CutPrefix(name, tempPrefix)
	if !ok {
		return false
	}
	rest, ok = strings.CutSuffix(rest, ".tmp")
	if !ok {
		return false
	}
	pidPart, random, withPid := strings.Cut(rest, "-")
	if !withPid {
		return allDigits(rest)
	}
	if !allDigits(pidPart) || !allDigits(random) {
		return false
	}
	pid, err := strconv.Atoi(pidPart)
	if err != nil || pid <= 0 {
		return false
	}
	return pid != os.Getpid() && errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
}

func allDigits(s string) bool {
	if s == "" || len(s) > 20 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

const fileDateLayout = "20060102T150405Z"

// maxFileID keeps file names well under the usual 255-byte limit.
const maxFileID = 200

// fileSafe maps a Message-ID to a file name part that is the same on every
// filesystem and never collides: bytes other than letters, digits and
// ". _ @ + = -" become %XX, and an over-long result is shortened with a hash
// of the whole id.
func fileSafe(id string) string {
	var b strings.Builder
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			strings.IndexByte("._@+=-", c) >= 0:
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	s := b.String()
	if len(s) > maxFileID {
		sum := sha256.Sum256([]byte(id))
		s = s[:maxFileID-33] + "~" + hex.EncodeToString(sum[:16])
	}
	return s
}

// writeFileAtomic replaces path with data so that a reader (or a crash)
// sees either the old file or the new one, never a torn one.
func writeFileAtomic(dir, path string, data []byte) (err error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create outbox folder: %w", err)
	}
	// CreateTemp makes the file 0600. The name does not end in .eml, so a
	// mail client watching the folder never picks up a half-written draft.
	f, err := os.CreateTemp(dir, tempPrefix+strconv.Itoa(os.Getpid())+"-*.tmp")
	if err != nil {
		return fmt.Errorf("create temporary file: %w", err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			_ = f.Close()
			_ = os.Remove(tmp)
		}
	}()
	if _, err := f.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", tmp, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", tmp, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close %s: %w", tmp, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("rename to %s: %w", path, err)
	}
	// The rename is durable only once the folder itself is synced.
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("open outbox folder: %w", err)
	}
	if err := errors.Join(d.Sync(), d.Close()); err != nil {
		return fmt.Errorf("sync outbox folder: %w", err)
	}
	return nil
}
