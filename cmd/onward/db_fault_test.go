package main

// The database failing under the real binary: a read-only file, a lock
// held by another writer past the busy timeout, a file that is not an
// onward database, a schema newer than the binary, a disk that fills up
// while writing. Every command must exit non-zero with an error that says
// which of these it is, without a panic, and leave the database as it was.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	// Only to build broken fixtures: onward itself reaches SQLite through
	// the store package alone.
	_ "github.com/mattn/go-sqlite3"

	"github.com/onward-app/onward/store"
)

// writes are commands that write to the database, one of each kind.
func writes() [][]string {
	return [][]string{
		{"apply", "--company", "Globex", "--role", "R"},
		{"reject", "acorn", "--note", "went with another candidate"},
		{"interview", "acorn", "--at", ago(2 * time.Hour)},
		{"log", "acme", "Bring numbers"},
		{"edit", "acme", "--role", "Staff Engineer"},
		{"withdraw", "acme"},
		{"flush"},
	}
}

// dbFault runs cmd against a database in a state that must refuse it and
// checks the refusal: exit 1, the words that name the fault, no panic,
// and the database folder exactly as it was.
func dbFault(t *testing.T, e *env, args []string, want ...string) {
	t.Helper()
	before := folderHashes(t, filepath.Dir(e.db))
	out, errOut, code := run(t, e, args...)
	if code != 1 {
		t.Errorf("onward %q: exit %d, want 1\nstdout: %s\nstderr: %s", args, code, out, errOut)
	}
	for _, w := range want {
		if !strings.Contains(errOut, w) {
			t.Errorf("onward %q: stderr does not say %q:\n%s", args, w, errOut)
		}
	}
	if strings.Contains(errOut, "panic") || strings.Contains(errOut, "goroutine ") {
		t.Errorf("onward %q panicked:\n%s", args, errOut)
	}
	after := folderHashes(t, filepath.Dir(e.db))
	for name, h := range before {
		if after[name] != h {
			t.Errorf("onward %q changed %s", args, name)
		}
	}
}

// folderHashes hashes the files in a folder that hold data: the database
// and its -wal. The -shm is SQLite's shared memory, rebuilt by every
// reader; an empty -wal, which a reader of a read-only or full disk
// leaves behind, holds nothing; the daemon lock holds a pid.
func folderHashes(t *testing.T, dir string) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, de := range entries {
		fi, err := de.Info()
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(de.Name(), "-shm") || strings.HasSuffix(de.Name(), ".daemon.lock") || de.IsDir() ||
			strings.HasSuffix(de.Name(), "-wal") && fi.Size() == 0 {
			continue
		}
		paths = append(paths, filepath.Join(dir, de.Name()))
	}
	return hashFiles(t, paths...)
}

// sameStored is sameState for a database on a read-only or full disk:
// the views and the files that hold data must be as they were.
func sameStored(t *testing.T, e *env, before snapshot) {
	t.Helper()
	after := snap(t, e)
	after.files = folderHashes(t, filepath.Dir(e.db))
	delete(after.files, "filler")
	before.files = maps.Clone(before.files)
	for name, h := range before.files {
		if strings.HasSuffix(name, "-wal") && h == emptySHA256 {
			delete(before.files, name)
		}
	}
	sameState(t, before, after)
}

// emptySHA256 is the hash of no bytes.
const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// seeded copies the shared seed database into a new env.
func seeded(t *testing.T, s *seed) *env {
	t.Helper()
	e := newEnv(t)
	s.copyTo(t, e)
	return e
}

// rawExec runs SQL on a database file with the driver directly, as a
// newer onward or another program would have left it.
func rawExec(t *testing.T, path string, stmts ...string) {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range stmts {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// makeReadOnly makes path impossible to write for onward and undoes it
// when the test ends. As root, permissions do not stop a write, so the
// file is made immutable (chattr +i); elsewhere it is chmod 0400.
func makeReadOnly(t *testing.T, path string) {
	t.Helper()
	if os.Geteuid() != 0 {
		if err := os.Chmod(path, 0o400); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = os.Chmod(path, 0o600) })
		return
	}
	if out, err := exec.Command("chattr", "+i", path).CombinedOutput(); err != nil {
		t.Skipf("as root only an immutable file is read-only, and chattr +i failed here (%v: %s)", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("chattr", "-i", path).Run() })
}

func TestReadOnlyDatabase(t *testing.T) {
	t.Parallel()
	s := newSeed(t, false)
	e := seeded(t, s)
	makeReadOnly(t, e.db)
	for _, args := range writes() {
		dbFault(t, e, args, "read-only")
	}
	// Reading still works, and shows the seed unchanged.
	sameStored(t, e, s.snap)
}

// TestLockedDatabase holds the write lock from another connection for
// longer than the 5 s busy timeout, as a stuck process would.
func TestLockedDatabase(t *testing.T) {
	t.Parallel()
	s := newSeed(t, false)
	e := seeded(t, s)
	ctx := context.Background()
	other, err := store.Open(ctx, e.db)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	locked, unlock := make(chan struct{}), make(chan struct{})
	held := make(chan error, 1)
	go func() {
		held <- other.Update(ctx, func(*store.Tx) error {
			close(locked)
			<-unlock
			return errors.New("rolled back on purpose")
		})
	}()
	<-locked
	// Two writers wait out the busy timeout at the same time; a reader
	// is not blocked at all (WAL).
	done := make(chan struct{})
	for _, args := range [][]string{writes()[0], writes()[1]} {
		go func() {
			defer func() { done <- struct{}{} }()
			out, errOut, code, err := runE(e, append([]string{"--config", e.config}, args...)...)
			if err != nil {
				t.Error(err)
				return
			}
			if code != 1 || !strings.Contains(errOut, "locked by another process") || strings.Contains(errOut, "panic") {
				t.Errorf("onward %q under a held lock: exit %d\nstdout: %s\nstderr: %s", args, code, out, errOut)
			}
		}()
	}
	if out, errOut, code := run(t, e, "status"); code != 0 || !strings.Contains(out, "Acme") {
		t.Errorf("status while another process writes: exit %d\n%s%s", code, out, errOut)
	}
	<-done
	<-done
	close(unlock)
	if err := <-held; err == nil || !strings.Contains(err.Error(), "on purpose") {
		t.Fatalf("the lock holder: %v", err)
	}
	other.Close()
	sameStored(t, e, s.snap)
	// Once the lock is gone the same command goes through.
	must(t, e, writes()[0]...)
}

func TestNotAnOnwardDatabase(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		write func(t *testing.T, path string)
		want  string
	}{
		{"a text file", func(t *testing.T, path string) {
			writeFile(t, path, "my notes about the job hunt\n"+strings.Repeat("Acme, Globex, Initech\n", 100), 0o600)
		}, "not an onward database"},
		{"random bytes", func(t *testing.T, path string) {
			b := make([]byte, 8192)
			for i := range b {
				b[i] = byte(i*7919 + i/13)
			}
			writeFile(t, path, string(b), 0o600)
		}, "not an onward database"},
		{"a truncated SQLite header", func(t *testing.T, path string) {
			writeFile(t, path, "SQLite format 3\x00\x10\x00", 0o600)
		}, "not an onward database"},
		{"another program's SQLite database", func(t *testing.T, path string) {
			rawExec(t, path, "CREATE TABLE bookmarks (id INTEGER PRIMARY KEY, url TEXT)", "INSERT INTO bookmarks (url) VALUES ('https://example.com')")
		}, "tables bookmarks"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			if err := os.MkdirAll(filepath.Dir(e.db), 0o700); err != nil {
				t.Fatal(err)
			}
			tc.write(t, e.db)
			for _, args := range append(writes(), []string{"status"}, []string{"messages"}) {
				dbFault(t, e, args, "not an onward database", tc.want)
			}
		})
	}
}

func TestNewerSchema(t *testing.T) {
	t.Parallel()
	s := newSeed(t, false)
	e := seeded(t, s)
	rawExec(t, e.db, "INSERT INTO schema_migrations (version, applied_at) VALUES (9999, 0)")
	for _, args := range append(writes(), []string{"status"}, []string{"run"}) {
		dbFault(t, e, args, "newer than this onward", "9999", "upgrade onward")
	}
}

// mountTmpfs mounts a tmpfs of size bytes at dir for the rest of the
// test: a disk that can be filled without filling the machine's.
func mountTmpfs(t *testing.T, dir string, size int) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("mount", "-t", "tmpfs", "-o", fmt.Sprintf("size=%d,mode=0700", size), "tmpfs", dir).CombinedOutput()
	if err != nil {
		t.Skipf("cannot mount a size-limited tmpfs to fill (needs root with CAP_SYS_ADMIN): %v: %s", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", "-l", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", dir, err, out)
		}
	})
}

// fill writes a file at path until the disk is full, then frees free
// bytes of it; it returns the file's size.
func fill(t *testing.T, path string, free int64) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 4096)
	var n int64
	for {
		w, err := f.Write(chunk)
		n += int64(w)
		if err != nil {
			break
		}
	}
	if err := f.Truncate(max(n-free, 0)); err != nil {
		t.Fatal(err)
	}
}

// TestDiskFullWhileWriting puts the database on a small disk and fills
// it, leaving 0, 4, 8, ... KiB free, until a write fits. Each write that
// does not fit must fail cleanly; the database must read the same after
// the space is given back, and the write that fits must work.
func TestDiskFullWhileWriting(t *testing.T) {
	t.Parallel()
	s := newSeed(t, false)
	e := newEnv(t)
	mountTmpfs(t, filepath.Dir(e.db), 1<<20)
	s.copyTo(t, e)
	filler := filepath.Join(filepath.Dir(e.db), "filler")
	args := []string{"apply", "--company", "Globex", "--role", "R", "--notes", strings.Repeat("a long note ", 800)}
	faults := 0
	for free := int64(0); ; free += 4096 {
		if free > 512<<10 {
			t.Fatalf("the write never fitted, even with %d KiB free", free>>10)
		}
		fill(t, filler, free)
		before := folderHashes(t, filepath.Dir(e.db))
		delete(before, "filler")
		out, errOut, code := run(t, e, args...)
		if code == 0 {
			if err := os.Remove(filler); err != nil {
				t.Fatal(err)
			}
			t.Logf("the write fitted with %d KiB free after %d refusals", free>>10, faults)
			break
		}
		faults++
		if code != 1 || !strings.Contains(errOut, "disk is full") || strings.Contains(errOut, "panic") {
			t.Fatalf("with %d KiB free: exit %d, want 1 saying the disk is full\nstdout: %s\nstderr: %s", free>>10, code, out, errOut)
		}
		if err := os.Remove(filler); err != nil {
			t.Fatal(err)
		}
		after := folderHashes(t, filepath.Dir(e.db))
		if after[filepath.Base(e.db)] != before[filepath.Base(e.db)] {
			t.Fatalf("with %d KiB free a failed write changed the database file", free>>10)
		}
		sameStored(t, e, s.snap)
	}
	if faults == 0 {
		t.Fatal("the disk was never full: the test tested nothing")
	}
	var apps []map[string]any
	mustJSON(t, e, &apps, "status", "--json")
	if len(apps) != 4 {
		t.Errorf("after the disk had room again: %d applications, want the seed's 3 and Globex", len(apps))
	}
}
