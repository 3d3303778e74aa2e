package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/onward-app/onward/internal/smtptest"
)

// at returns a copy of the env whose config names another database path;
// the copy's config is a file of its own.
func (e *env) at(t *testing.T, name, db string) *env {
	t.Helper()
	b, err := os.ReadFile(e.config)
	if err != nil {
		t.Fatal(err)
	}
	old := fmt.Sprintf("database = %q", e.db)
	if !strings.Contains(string(b), old) {
		t.Fatalf("config %s has no line %s", e.config, old)
	}
	c := *e
	c.db = db
	c.config = filepath.Join(e.dir, name+".toml")
	if err := os.WriteFile(c.config, []byte(strings.Replace(string(b), old, fmt.Sprintf("database = %q", db), 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	return &c
}

// started waits until the daemon has either logged that it started (true)
// or exited (false).
func (d *daemon) started(t *testing.T) bool {
	t.Helper()
	timeout := time.After(smtptest.WaitTimeout)
	for {
		select {
		case line := <-d.seen:
			if strings.Contains(line, "onward daemon started") {
				return true
			}
		case <-d.done:
			return false
		case <-timeout:
			t.Fatalf("daemon neither started nor exited; log:\n%s", d.logText())
		}
	}
}

// Two daemons on one database file reached by two paths (the file and a
// symbolic link to it, or to its folder) are one too many: whichever
// starts second is refused and names the first, and the link gets no
// -wal of its own.
func TestOneDaemonPerDatabaseThroughASymlink(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name      string
		folder    bool // the link is to the folder, not the file
		linkFirst bool
	}{
		{name: "link to the file, real path first"},
		{name: "link to the file, link first", linkFirst: true},
		{name: "link to the folder, link first", folder: true, linkFirst: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, nil, "")
			e.mustRun(t, "apply", "--company", "Acme", "--role", "Engineer")
			link := filepath.Join(e.dir, "link.db")
			err := os.Symlink(e.db, link)
			if c.folder {
				link = filepath.Join(e.dir, "linked", filepath.Base(e.db))
				err = os.Symlink(filepath.Dir(e.db), filepath.Dir(link))
			}
			if err != nil {
				t.Fatal(err)
			}
			viaLink := e.at(t, "link", link)
			first, second := e, viaLink
			if c.linkFirst {
				first, second = viaLink, e
			}
			d := first.start(t)
			d.waitLog(t, "onward daemon started")
			other := second.start(t)
			if other.started(t) {
				t.Fatalf("a second daemon started on %s while one runs on %s; its log:\n%s", second.db, first.db, other.logText())
			}
			if code := other.wait(t); code != 1 {
				t.Errorf("second daemon exited %d, want 1", code)
			}
			if log := other.logText(); !strings.Contains(log, "another onward daemon is running") || !strings.Contains(log, fmt.Sprintf("pid %d", d.cmd.Process.Pid)) {
				t.Errorf("second daemon said %q; want it to name the running one", log)
			}
			// The CLI through the link works on the same file.
			viaLink.mustRun(t, "apply", "--company", "Globex", "--role", "Engineer")
			if out := e.mustRun(t, "status"); !strings.Contains(out, "Globex") {
				t.Errorf("status on the real path does not show what was written through the link:\n%s", out)
			}
			if !c.folder {
				if _, err := os.Lstat(link + "-wal"); err == nil {
					t.Errorf("%s-wal exists: a second write-ahead log for one file", link)
				}
			}
			d.signal(t, syscall.SIGTERM)
			if code := d.wait(t); code != 0 {
				t.Errorf("first daemon exited %d after SIGTERM; log:\n%s", code, d.logText())
			}
		})
	}
}

// A database deleted or replaced under a running daemon stops it: it logs
// the path and exits 1 within the check interval, so the lock is free and
// a daemon started again (by systemd, here by hand) delivers what is due
// in the file now at the path.
func TestDaemonStopsWhenItsDatabaseIsReplaced(t *testing.T) {
	t.Parallel()
	check := []string{"ONWARD_IDENTITY_CHECK_INTERVAL=100ms"}
	for _, c := range []struct {
		name   string
		change func(t *testing.T, e *env) (company string)
	}{
		{"removed", func(t *testing.T, e *env) string {
			if err := os.Remove(e.db); err != nil {
				t.Fatal(err)
			}
			return ""
		}},
		{"replaced", func(t *testing.T, e *env) string {
			// A file made elsewhere and moved over it, as a restored
			// backup would be.
			other := e.at(t, "other", filepath.Join(e.dir, "data", "restored.db"))
			other.mustRun(t, "apply", "--company", "Globex", "--role", "Engineer", "--recruiter", "dana@globex.example")
			if err := os.Rename(other.db, e.db); err != nil {
				t.Fatal(err)
			}
			return "Globex"
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, nil, "")
			e.mustRun(t, "apply", "--company", "Acme", "--role", "Engineer")
			d := e.startWith(t, check)
			d.waitLog(t, "onward daemon started")
			company := c.change(t, e)
			if code := d.wait(t); code != 1 {
				t.Fatalf("daemon exited %d, want 1; log:\n%s", code, d.logText())
			}
			if log := d.logText(); !strings.Contains(log, "removed or replaced") || !strings.Contains(log, e.db) {
				t.Errorf("the daemon's log does not say what happened to %s:\n%s", e.db, log)
			}
			// The old file's write-ahead log is not left at the path: a
			// new file there would take its pages for its own.
			if fi, err := os.Stat(e.db + "-wal"); err == nil && fi.Size() > 0 {
				t.Errorf("the daemon left %d bytes of the old file's log in %s-wal", fi.Size(), e.db)
			}
			status := e.mustRun(t, "status")
			if strings.Contains(status, "Acme") || (company != "" && !strings.Contains(status, company)) {
				t.Errorf("status on the file now at the path shows the old file's data, or not its own:\n%s", status)
			}
			if company == "" {
				company = "Initech"
				e.mustRun(t, "apply", "--company", company, "--role", "Engineer", "--recruiter", "dana@initech.example")
			}
			e.mustRun(t, "interview", strings.ToLower(company), "--at", time.Now().Add(-48*time.Hour).UTC().Format(time.RFC3339))
			again := e.startWith(t, check)
			again.waitLog(t, "onward daemon started")
			again.waitLog(t, "delivery")
			again.signal(t, syscall.SIGTERM)
			if code := again.wait(t); code != 0 {
				t.Errorf("the restarted daemon exited %d; log:\n%s", code, again.logText())
			}
		})
	}
}

// A new user starts the service and records a first application at the
// same moment, on a file that does not exist yet: every process opens it,
// whoever migrates it first.
func TestFreshDatabaseOpenedByDaemonAndCommandsAtOnce(t *testing.T) {
	t.Parallel()
	const rounds = 20
	commands := [][]string{
		{"apply", "--company", "Acme", "--role", "Engineer"},
		{"apply", "--company", "Globex", "--role", "Engineer"},
		{"status"},
		{"messages", "--json"},
	}
	failed := 0
	for round := range rounds {
		e := newEnv(t, nil, "")
		d := e.start(t)
		var wg sync.WaitGroup
		errs := make([]string, len(commands))
		for i, args := range commands {
			wg.Go(func() {
				cmd := e.command(args...)
				if out, err := cmd.CombinedOutput(); err != nil {
					errs[i] = fmt.Sprintf("onward %s: %v: %s", strings.Join(args, " "), err, out)
				}
			})
		}
		wg.Wait()
		ok := d.started(t)
		var bad []string
		for _, s := range errs {
			if s != "" {
				bad = append(bad, s)
			}
		}
		if !ok {
			bad = append(bad, "daemon: "+d.logText())
		} else {
			d.signal(t, syscall.SIGTERM)
			if code := d.wait(t); code != 0 {
				bad = append(bad, fmt.Sprintf("daemon exited %d: %s", code, d.logText()))
			}
		}
		if len(bad) > 0 {
			failed++
			t.Errorf("round %d:\n%s", round, strings.Join(bad, "\n"))
			continue
		}
		if out := e.mustRun(t, "status"); !strings.Contains(out, "Acme") || !strings.Contains(out, "Globex") {
			t.Errorf("round %d: status does not show both applications:\n%s", round, out)
		}
	}
	t.Logf("%d of %d rounds failed", failed, rounds)
}
