package store_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onward-app/onward/store"
)

// paths makes a database file reachable by a second path: a symbolic link
// to the file, or to its folder.
func linkedPaths(t *testing.T, how string) (real, link string) {
	t.Helper()
	root := t.TempDir()
	real = filepath.Join(root, "data", "onward.db")
	if err := os.MkdirAll(filepath.Dir(real), 0o700); err != nil {
		t.Fatal(err)
	}
	switch how {
	case "file":
		link = filepath.Join(root, "onward.db")
		if err := os.Symlink(real, link); err != nil {
			t.Fatal(err)
		}
	case "folder":
		if err := os.Symlink(filepath.Join(root, "data"), filepath.Join(root, "elsewhere")); err != nil {
			t.Fatal(err)
		}
		link = filepath.Join(root, "elsewhere", "onward.db")
	}
	return real, link
}

// A database reached through a symbolic link is the same database: its
// -wal is the real file's (SQLite resolves the link), so a process on
// either path sees the other's writes, and the daemon lock is the same.
func TestSymlinkedDatabaseIsOneDatabase(t *testing.T) {
	t.Parallel()
	for _, how := range []string{"file", "folder"} {
		t.Run(how, func(t *testing.T) {
			t.Parallel()
			real, link := linkedPaths(t, how)
			viaLink, _ := openStoreAt(t, link)
			viaReal, _ := openStoreAt(t, real)
			insertApp(t, viaLink, "Acme")
			if !exists(real + "-wal") {
				t.Errorf("no %s-wal beside the real file", real)
			}
			if how == "file" && exists(link+"-wal") {
				t.Errorf("%s-wal was made beside the link: two write-ahead logs for one file", link)
			}
			apps, err := viaReal.Applications(context.Background())
			if err != nil || len(apps) != 1 {
				t.Errorf("the real path sees %v (%v), want the application written through the link", apps, err)
			}
			for _, order := range [][2]string{{link, real}, {real, link}} {
				first, err := store.LockDaemon(order[0])
				if err != nil {
					t.Fatal(err)
				}
				second, err := store.LockDaemon(order[1])
				if err == nil {
					second.Unlock()
					t.Errorf("daemon locks on %s and %s both succeeded", order[0], order[1])
				} else if !errors.Is(err, store.ErrLocked) || !strings.Contains(err.Error(), order[1]) {
					t.Errorf("second lock: %v, want ErrLocked naming %s", err, order[1])
				}
				first.Unlock()
			}
		})
	}
}

// A database file with two names (a hard link) is refused by either name
// before anything is written, with the reason and the way out.
func TestHardLinkedDatabaseIsRefused(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "onward.db")
	s, _ := openStoreAt(t, path)
	insertApp(t, s, "Acme")
	s.Close()
	other := filepath.Join(dir, "copy.db")
	if err := os.Link(path, other); err != nil {
		t.Fatal(err)
	}
	before := folderBytes(t, dir)
	for _, p := range []string{path, other} {
		s, err := store.Open(context.Background(), p)
		if err == nil {
			s.Close()
			t.Fatalf("Open(%s) took a file with two names", p)
		}
		if !errors.Is(err, store.ErrHardLinked) {
			t.Errorf("error %v does not wrap ErrHardLinked", err)
		}
		for _, frag := range []string{p, "2 names", "-wal", "corrupt", "-samefile", "symbolic link"} {
			if !strings.Contains(err.Error(), frag) {
				t.Errorf("error %q does not say %q", err, frag)
			}
		}
	}
	sameFolder(t, before, folderBytes(t, dir))
}

// CheckIdentity tells when the path no longer names the file opened.
func TestCheckIdentity(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name   string
		change func(t *testing.T, path string)
		want   string // "" for no error
	}{
		{"unchanged", func(*testing.T, string) {}, ""},
		{"written to", nil, ""},
		{"removed", func(t *testing.T, path string) { must(t, os.Remove(path)) }, "is gone"},
		{"renamed", func(t *testing.T, path string) { must(t, os.Rename(path, path+".old")) }, "is gone"},
		{"replaced", func(t *testing.T, path string) {
			must(t, os.WriteFile(path+".new", nil, 0o600))
			must(t, os.Rename(path+".new", path))
		}, "is now another file"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "onward.db")
			s, _ := openStoreAt(t, path)
			if c.change == nil {
				insertApp(t, s, "Acme")
			} else {
				c.change(t, path)
			}
			err := s.CheckIdentity()
			switch {
			case c.want == "" && err != nil:
				t.Errorf("CheckIdentity: %v", err)
			case c.want != "" && (!errors.Is(err, store.ErrReplaced) || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), path)):
				t.Errorf("CheckIdentity: %v, want ErrReplaced naming %s and saying %q", err, path, c.want)
			}
		})
	}
}

// An existing data folder open to other users is made private by the
// first Open, which says so; later ones have nothing to say.
func TestOpenMakesAnOpenDataFolderPrivateOnce(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data")
	must(t, os.Mkdir(dir, 0o700))
	must(t, os.Chmod(dir, 0o755))
	path := filepath.Join(dir, "onward.db")
	first, _ := openStoreAt(t, path)
	if first.Private() != dir {
		t.Errorf("Private() = %q, want %q", first.Private(), dir)
	}
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("data folder mode %v (%v), want 0700", fi.Mode().Perm(), err)
	}
	second, _ := openStoreAt(t, path)
	if second.Private() != "" {
		t.Errorf("second Open: Private() = %q, want nothing to say", second.Private())
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// A database renamed while open (moved aside by hand, a backup restored
// over it) keeps the writes that were still in its -wal when it is
// closed, and leaves no log at the old name for a new file there to take
// as its own.
func TestCloseAfterRenameKeepsTheWritesWithTheFile(t *testing.T) {
	t.Parallel()
	for _, replaced := range []bool{false, true} {
		t.Run(fmt.Sprintf("replaced=%v", replaced), func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			path := filepath.Join(dir, "onward.db")
			aside := filepath.Join(dir, "aside.db")
			s, err := store.Open(context.Background(), path)
			must(t, err)
			insertApp(t, s, "Acme") // into the -wal: nothing checkpoints it yet
			must(t, os.Rename(path, aside))
			if replaced {
				must(t, os.WriteFile(path, nil, 0o600))
			}
			must(t, s.Close())
			if fi, err := os.Stat(path + "-wal"); err == nil && fi.Size() > 0 {
				t.Errorf("%d bytes of the renamed file's log are left in %s-wal", fi.Size(), path)
			}
			moved, _ := openStoreAt(t, aside)
			if apps, err := moved.Applications(context.Background()); err != nil || len(apps) != 1 {
				t.Errorf("the renamed file holds %v (%v), want the application written before the rename", apps, err)
			}
			if replaced {
				fresh, _ := openStoreAt(t, path)
				if apps, err := fresh.Applications(context.Background()); err != nil || len(apps) != 0 {
					t.Errorf("the new file at the path holds %v (%v), want nothing", apps, err)
				}
			}
		})
	}
}
