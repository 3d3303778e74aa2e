// Package e2e runs the real onward binary as a user and an init system
// would: started, signalled, killed with SIGKILL mid-batch and restarted,
// against a real SMTP server and a real SQLite file.
package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/onward-app/onward/internal/smtptest"
)

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "onward-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "onward")
	build := exec.Command("go", "build", "-o", binary, "../cmd/onward")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build onward:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// env is one user's world: a home, a config, a database.
type env struct {
	dir    string
	config string
	db     string
}

// newEnv writes a config that sends through the given SMTP server (or to
// an outbox when server is nil); extra is appended to the file.
func newEnv(t *testing.T, server *smtptest.Server, extra string) *env {
	t.Helper()
	e := &env{dir: t.TempDir()}
	e.config = filepath.Join(e.dir, "config.toml")
	e.db = filepath.Join(e.dir, "data", "onward.db")
	transport := fmt.Sprintf(`
[delivery]
transport = "outbox"
outbox = %q
`, filepath.Join(e.dir, "outbox"))
	if server != nil {
		transport = fmt.Sprintf(`
[delivery]
transport = "smtp"

[smtp]
host = %q
port = %d
security = "none"
max_per_minute = 10000
timeout = "5s"
`, server.Host, server.Port)
	}
	cfg := fmt.Sprintf(`
[user]
name = "Alex Morgan"
email = "alex@example.com"
timezone = "Europe/Berlin"

[storage]
database = %q

[templates]
dir = %q

[schedule]
send_window = ""
quiet_hours = ""

# Applying plans nothing here: the check for silence has its own tests.
[followups]
no_reply = ""
%s
%s`, e.db, filepath.Join(e.dir, "templates"), transport, extra)
	if err := os.WriteFile(e.config, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *env) command(args ...string) *exec.Cmd {
	cmd := exec.Command(binary, append([]string{"--config", e.config}, args...)...)
	cmd.Env = append(os.Environ(), "HOME="+e.dir, "XDG_CONFIG_HOME="+e.dir, "XDG_DATA_HOME="+e.dir)
	return cmd
}

// run runs a CLI command to its end.
func (e *env) run(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := e.command(args...)
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code = 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("run %v: %v", args, err)
	}
	return out.String(), errb.String(), code
}

func (e *env) mustRun(t *testing.T, args ...string) string {
	t.Helper()
	out, errOut, code := e.run(t, args...)
	if code != 0 {
		t.Fatalf("onward %s: exit %d: %s", strings.Join(args, " "), code, errOut)
	}
	return out
}

// daemon is a running `onward run`.
type daemon struct {
	cmd  *exec.Cmd
	mu   sync.Mutex
	log  strings.Builder
	seen chan string
	done chan struct{}
	err  error
}

func (e *env) start(t *testing.T) *daemon {
	t.Helper()
	return e.startWith(t, nil)
}

// waitLog waits for a log line containing s.
func (d *daemon) waitLog(t *testing.T, s string) string {
	t.Helper()
	timeout := time.After(smtptest.WaitTimeout)
	for {
		select {
		case line := <-d.seen:
			if strings.Contains(line, s) {
				return line
			}
		case <-d.done:
			t.Fatalf("daemon exited (%v) before logging %q; log:\n%s", d.err, s, d.logText())
		case <-timeout:
			t.Fatalf("daemon never logged %q; log:\n%s", s, d.logText())
		}
	}
}

func (d *daemon) logText() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.log.String()
}

// wait waits for the daemon to exit and returns its exit code.
func (d *daemon) wait(t *testing.T) int {
	t.Helper()
	select {
	case <-d.done:
	case <-time.After(smtptest.WaitTimeout):
		t.Fatalf("daemon did not exit; log:\n%s", d.logText())
	}
	if ee, ok := d.err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	return 0
}

func (d *daemon) signal(t *testing.T, sig syscall.Signal) {
	t.Helper()
	if err := d.cmd.Process.Signal(sig); err != nil {
		t.Fatalf("signal %v: %v", sig, err)
	}
}
