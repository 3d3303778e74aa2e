// Package private keeps the folders onward writes into closed to other
// users. The files in them are 0600 already; the folder decides who may
// list their names (company names, in the outbox) and who may add or
// swap a file beside them (a planted -wal, a symlink in place of an
// .eml), so a folder open to others is tightened, or refused.
package private

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// Dir makes the existing folder at path private: a folder that others may
// read, search or write (any group or other permission bit) is changed to
// its owner's bits alone, normally 0700. A symbolic link is followed, so
// it is the folder the files land in that is checked. tightened reports
// that the mode was changed, so the caller can say so once; a folder that
// is private already is left untouched. A folder onward may not change
// (another user's, a read-only mount) is an error naming it.
//
// The user's home folder is the exception: its mode is the user's choice
// and other programs (a web server's ~/public_html, a group share) rely
// on it, so it is left as it is unless others may write to it, which is
// refused.
func Dir(path string) (tightened bool, err error) {
	fi, err := os.Stat(path)
	if err != nil {
		return false, fmt.Errorf("private: %w", err)
	}
	if !fi.IsDir() {
		return false, fmt.Errorf("private: %s is not a folder", path)
	}
	perm := fi.Mode().Perm()
	if perm&0o077 == 0 {
		return false, nil
	}
	if isHome(fi) {
		if perm&0o022 != 0 {
			return false, fmt.Errorf("private: the folder %s is your home folder and other users may write to it (mode %04o); onward will not change it: fix it with chmod go-w, or use a folder of your own", path, perm)
		}
		return false, nil
	}
	// Keep the owner's bits as they are: a folder the user made 0500 on
	// purpose stays unwritable. Set-group-id and sticky bits go with the
	// others' access they served.
	want := perm &^ 0o077
	if err := os.Chmod(path, want); err != nil {
		if errors.Is(err, fs.ErrPermission) {
			return false, fmt.Errorf("private: the folder %s is open to other users (mode %04o) and onward may not change it; use a folder of your own: %w", path, perm, err)
		}
		return false, fmt.Errorf("private: make %s private: %w", path, err)
	}
	return true, nil
}

func isHome(fi fs.FileInfo) bool {
	home, err := os.UserHomeDir()
	if err != nil {
		return false
	}
	h, err := os.Stat(home)
	return err == nil && os.SameFile(fi, h)
}
