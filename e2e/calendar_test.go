package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestDaemonKeepsTheCalendarFileCurrent sets [calendar] file: the daemon
// writes it at start and again after the CLI records an interview, and
// the new interview is in it.
func TestDaemonKeepsTheCalendarFileCurrent(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ics := filepath.Join(dir, "hunt.ics")
	e := newEnv(t, nil, fmt.Sprintf("\n[calendar]\nfile = %q\n", ics))
	e.mustRun(t, "apply", "--company", "Initech", "--role", "Engineer")
	d := e.start(t)
	d.waitLog(t, "calendar written")
	first, err := os.ReadFile(ics)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(first), "Initech") || !strings.Contains(string(first), "BEGIN:VCALENDAR") {
		t.Fatalf("the first calendar:\n%s", first)
	}
	at := time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339)
	e.mustRun(t, "interview", "1", "--at", at)
	d.waitLog(t, "calendar written")
	second, err := os.ReadFile(ics)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(second), "Interview: Initech") {
		t.Errorf("the calendar after an interview was recorded:\n%s", second)
	}
	if fi, _ := os.Stat(ics); fi.Mode().Perm() != 0o600 {
		t.Errorf("calendar file is %v, want 0600", fi.Mode().Perm())
	}
	d.signal(t, syscall.SIGTERM)
	if code := d.wait(t); code != 0 {
		t.Errorf("daemon exited %d; log:\n%s", code, d.logText())
	}
}
