package mailer

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
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
}

// Send writes m into Dir, creating Dir with mode 0700 if it is missing. The
// file appears whole or not at all (temporary file, fsync, rename) and is
// readable only by the user (0600): drafts are private mail.
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
	if err := writeFileAtomic(o.Dir, o.Path(m), buf.Bytes()); err != nil {
		// A full disk or a yanked drive may well be fixed by the next try;
		// retries are bounded by the caller anyway.
		return fmt.Errorf("mailer: send %s: %w", m.MessageID, &deliveryError{temporary: true, text: err.Error(), err: err})
	}
	return nil
}

// Path returns where Send puts m: Dir/<date>-<Message-ID>.eml, with the date
// in UTC and the Message-ID made safe for any filesystem, e.g.
// "20260302T090000Z-onward.42.1a2b3c@alex.example.eml". If a file for the same
// Message-ID already exists under another date, Path returns that file, so a
// retry with a new Date still replaces the earlier draft instead of adding one.
func (o *Outbox) Path(m *Message) string {
	safeID := fileSafe(m.MessageID)
	if entries, err := os.ReadDir(o.Dir); err == nil {
		suffix := "-" + safeID + ".eml"
		for _, e := range entries {
			name := e.Name()
			if len(name) == len(fileDateLayout)+len(suffix) && strings.HasSuffix(name, suffix) && e.Type().IsRegular() {
				return filepath.Join(o.Dir, name)
			}
		}
	}
	return filepath.Join(o.Dir, m.Date.UTC().Format(fileDateLayout)+"-"+safeID+".eml")
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
	f, err := os.CreateTemp(dir, ".onward-*.tmp")
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
