package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// tempName is how onward names the temporary file of an outbox write:
// with the writer's pid, or without it as earlier versions did.
var tempName = regexp.MustCompile(`^\.onward-([0-9]+-)?[0-9]+\.tmp$`)

// leftovers lists the temporary files of outbox writes in dir.
func leftovers(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if tempName.MatchString(e.Name()) && e.Type().IsRegular() {
			out = append(out, e.Name())
		}
	}
	return out
}

func countEML(t *testing.T, dir string) int {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.eml"))
	if err != nil {
		t.Fatal(err)
	}
	return len(files)
}

// TestKilledOutboxWritesAreCleanedUpAtStart kills `onward flush` with
// SIGKILL while it writes check-ins into the outbox until a kill leaves
// the hidden temporary file of a write (each one a whole private email).
// The next start removes those, and only those: files that merely look
// like them stay. The outbox folder, made 0755 beforehand, is made private.
func TestKilledOutboxWritesAreCleanedUpAtStart(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, "")
	outbox := filepath.Join(e.dir, "outbox")
	if err := os.Mkdir(outbox, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(outbox, 0o755); err != nil {
		t.Fatal(err)
	}
	lookAlikes := []string{".onward-notes.tmp", ".onward-1-x.tmp", "onward-123.tmp", ".onward-123.tmp.bak", "draft.tmp"}
	for _, name := range lookAlikes {
		if err := os.WriteFile(filepath.Join(outbox, name), []byte("the user's own file"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(outbox, ".onward-42.tmp"), 0o700); err != nil {
		t.Fatal(err)
	}
	lookAlikes = append(lookAlikes, ".onward-42.tmp")
	seed(t, e, 2000)

	var left []string
	kills := 0
	drained := false
	for ; kills < 150 && len(left) == 0 && !drained; kills++ {
		before := countEML(t, outbox)
		cmd := e.command("flush")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		// Kill it once it is writing: when a new .eml has appeared.
		deadline := time.After(30 * time.Second)
	writing:
		for countEML(t, outbox) == before {
			select {
			case err := <-done:
				// On a loaded machine each flush writes more before the
				// kill lands, and the backlog can run out: a clean exit
				// with nothing written means nothing is left to write.
				if err != nil {
					t.Fatalf("flush ended (%v) before writing anything", err)
				}
				drained = true
				break writing
			case <-deadline:
				t.Fatal("flush wrote nothing in 30 s")
			case <-time.After(time.Millisecond):
				if countEML(t, outbox) > before {
					break writing
				}
			}
		}
		if drained {
			break
		}
		_ = cmd.Process.Signal(syscall.SIGKILL)
		<-done
		left = leftovers(t, outbox)
	}
	if len(left) == 0 {
		t.Skipf("%d kills of flush mid-batch left no temporary file on this machine (backlog drained: %v); nothing to clean up", kills, drained)
	}
	t.Logf("kill %d of flush left %v", kills, left)

	d := e.start(t)
	d.waitLog(t, "left by interrupted outbox writes")
	d.waitLog(t, "onward daemon started")
	d.signal(t, syscall.SIGTERM)
	if code := d.wait(t); code != 0 {
		t.Fatalf("daemon exit %d; log:\n%s", code, d.logText())
	}
	if still := leftovers(t, outbox); len(still) != 0 {
		t.Errorf("after a start the outbox still holds the temporary files %v", still)
	}
	for _, name := range lookAlikes {
		if _, err := os.Lstat(filepath.Join(outbox, name)); err != nil {
			t.Errorf("%s is not onward's, but it is gone: %v", name, err)
		}
	}
	if fi, err := os.Stat(outbox); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("the outbox folder: %v, %v; want mode 0700", fi.Mode().Perm(), err)
	}
	if n := strings.Count(d.logText(), "left by interrupted outbox writes"); n != 1 {
		t.Errorf("the daemon said %d times that it removed temporary files, want once:\n%s", n, d.logText())
	}
	if slices.ContainsFunc(strings.Split(d.logText(), "\n"), func(l string) bool { return strings.Contains(l, "level=ERROR") }) {
		t.Errorf("the daemon logged an error:\n%s", d.logText())
	}
}

// TestOutboxFolderMadePrivateOnce: flush into an existing 0755 outbox
// folder reached through a symbolic link tightens the target to 0700 and
// says so on stderr, once; the next command has nothing to say.
func TestOutboxFolderMadePrivateOnce(t *testing.T) {
	t.Parallel()
	real := filepath.Join(t.TempDir(), "shared-outbox")
	if err := os.Mkdir(real, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(real, 0o755); err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, nil, "")
	if err := os.Symlink(real, filepath.Join(e.dir, "outbox")); err != nil {
		t.Fatal(err)
	}
	seed(t, e, 3)
	out, errOut, code := e.run(t, "flush")
	if code != 0 {
		t.Fatalf("flush: exit %d\n%s%s", code, out, errOut)
	}
	if n := strings.Count(errOut, "made the outbox folder private"); n != 1 || !strings.Contains(errOut, "it was 0755") {
		t.Errorf("flush said %d times that it made the folder private, want once with its old mode 0755:\n%s", n, errOut)
	}
	if fi, err := os.Stat(real); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("the link's target: %v, %v; want mode 0700", fi.Mode().Perm(), err)
	}
	if countEML(t, real) != 3 {
		t.Errorf("the outbox holds %d .eml files, want 3", countEML(t, real))
	}
	if _, errOut, _ := e.run(t, "flush"); strings.Contains(errOut, "private") {
		t.Errorf("the second flush spoke of the folder again:\n%s", errOut)
	}
}
