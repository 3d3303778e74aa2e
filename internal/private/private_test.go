package private_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onward-app/onward/internal/private"
)

func TestDir(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	for _, c := range []struct {
		name      string
		mode      os.FileMode
		link      bool // reached through a symlink to the folder
		home      bool // the folder is $HOME
		want      os.FileMode
		tightened bool
		err       string
	}{
		{name: "private already", mode: 0o700, want: 0o700},
		{name: "owner read-only stays so", mode: 0o500, want: 0o500},
		{name: "world readable", mode: 0o755, want: 0o700, tightened: true},
		{name: "group readable", mode: 0o750, want: 0o700, tightened: true},
		{name: "world writable", mode: 0o777, want: 0o700, tightened: true},
		{name: "read-only for all", mode: 0o555, want: 0o500, tightened: true},
		{name: "symlink target is tightened", mode: 0o755, link: true, want: 0o700, tightened: true},
		{name: "home folder is left as it is", mode: 0o755, home: true, want: 0o755},
		{name: "home folder others may write is refused", mode: 0o777, home: true, want: 0o777, err: "other users may write"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "data")
			if c.home {
				dir = home
			}
			if err := os.MkdirAll(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(dir, c.mode); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.Chmod(dir, 0o700) })
			path := dir
			if c.link {
				path = filepath.Join(t.TempDir(), "link")
				if err := os.Symlink(dir, path); err != nil {
					t.Fatal(err)
				}
			}
			tightened, err := private.Dir(path)
			switch {
			case c.err == "" && err != nil:
				t.Fatalf("Dir: %v", err)
			case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err) || !strings.Contains(err.Error(), path)):
				t.Fatalf("Dir: %v, want an error naming %s and saying %q", err, path, c.err)
			}
			if tightened != c.tightened {
				t.Errorf("tightened = %v, want %v", tightened, c.tightened)
			}
			fi, err := os.Stat(dir)
			if err != nil {
				t.Fatal(err)
			}
			if got := fi.Mode().Perm(); got != c.want {
				t.Errorf("mode %04o after Dir, want %04o", got, c.want)
			}
			// A second call has nothing left to do.
			if again, err := private.Dir(path); again || (err == nil) != (c.err == "") {
				t.Errorf("second Dir = %v, %v", again, err)
			}
		})
	}
}

func TestDirRefusesWhatIsNotAFolder(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{file, filepath.Join(dir, "missing")} {
		if _, err := private.Dir(path); err == nil || !strings.Contains(err.Error(), path) {
			t.Errorf("Dir(%s) = %v, want an error naming it", path, err)
		}
	}
	if fi, _ := os.Stat(file); fi.Mode().Perm() != 0o644 {
		t.Errorf("a file's mode changed to %04o", fi.Mode().Perm())
	}
}
