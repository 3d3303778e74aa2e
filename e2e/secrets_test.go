package e2e

// The SMTP password, from each of its three sources, must reach the SMTP
// server and nothing else: not a log line of the daemon, not an error,
// not `config check`, not the database, not the outbox.

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/onward-app/onward/internal/smtptest"
)

// password is distinctive: nothing else in a test run contains it.
const password = "Pw-7f3e9a-onward-SECRET-c41d"

// leaks returns the forms of the password a leak could take: as is, and
// base64 as AUTH PLAIN and LOGIN put it on the wire.
func leaks(user string) []string {
	return []string{
		password,
		base64.StdEncoding.EncodeToString([]byte(password)),
		base64.StdEncoding.EncodeToString([]byte("\x00" + user + "\x00" + password)),
	}
}

// commandWith is env.command with extra environment variables.
func (e *env) commandWith(vars []string, args ...string) *exec.Cmd {
	cmd := e.command(args...)
	cmd.Env = append(cmd.Env, vars...)
	return cmd
}

// runWith runs onward to its end with extra variables and returns what it
// printed, on both streams.
func (e *env) runWith(t *testing.T, vars []string, args ...string) (out string, code int) {
	t.Helper()
	cmd := e.commandWith(vars, args...)
	b, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); ok {
		return string(b), ee.ExitCode()
	} else if err != nil {
		t.Fatalf("onward %s: %v", strings.Join(args, " "), err)
	}
	return string(b), 0
}

// startWith starts `onward run` with extra environment variables and
// collects its log lines.
func (e *env) startWith(t *testing.T, vars []string) *daemon {
	t.Helper()
	d := &daemon{cmd: e.commandWith(vars, "run"), seen: make(chan string, 10000), done: make(chan struct{})}
	stderr, err := d.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			d.mu.Lock()
			d.log.WriteString(sc.Text() + "\n")
			d.mu.Unlock()
			select {
			case d.seen <- sc.Text():
			default:
			}
		}
		_, _ = io.Copy(io.Discard, stderr)
		d.err = d.cmd.Wait()
		close(d.done)
	}()
	t.Cleanup(func() {
		_ = d.cmd.Process.Kill()
		<-d.done
	})
	return d
}

// writeSMTPConfig points the env's config at an SMTP server, with source
// as the [smtp] line of the password source, and drafts into the outbox.
func (e *env) writeSMTPConfig(t *testing.T, server *smtptest.Server, source string) {
	t.Helper()
	cfg := fmt.Sprintf(`[user]
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

[followups]
no_reply = ""

[delivery]
transport = "smtp"
drafts = "outbox"
outbox = %q

[smtp]
host = %q
port = %d
security = "none"
username = "alex"
max_per_minute = 10000
timeout = "5s"
%s
`, e.db, filepath.Join(e.dir, "templates"), filepath.Join(e.dir, "outbox"), server.Host, server.Port, source)
	if err := os.WriteFile(e.config, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestPasswordReachesOnlyTheSMTPServer(t *testing.T) {
	t.Parallel()
	for _, src := range []string{"password_env", "password_file", "password_command"} {
		t.Run(src, func(t *testing.T) {
			t.Parallel()
			good := smtptest.Start(t, smtptest.Script{User: "alex", Pass: password})
			// A server whose account has another password: every
			// attempt fails with 535, and the errors travel everywhere.
			wrong := smtptest.Start(t, smtptest.Script{User: "alex", Pass: "not-the-password"})
			e := newEnv(t, nil, "")
			var vars []string
			var source string
			pwFile := filepath.Join(e.dir, "secret", "smtp-password")
			if err := os.MkdirAll(filepath.Dir(pwFile), 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(pwFile, []byte(password+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			switch src {
			case "password_env":
				vars = []string{"ONWARD_TEST_SMTP_PASSWORD=" + password}
				source = `password_env = "ONWARD_TEST_SMTP_PASSWORD"`
			case "password_file":
				source = fmt.Sprintf("password_file = %q", pwFile)
			case "password_command":
				source = fmt.Sprintf("password_command = %q", "cat "+pwFile)
			}
			var seen strings.Builder // everything onward printed
			runAll := func(args ...string) int {
				t.Helper()
				out, code := e.runWith(t, vars, args...)
				seen.WriteString(out)
				return code
			}

			// Deliver through the right server: a check-in by the
			// daemon, a draft into the outbox, a draft sent by hand.
			e.writeSMTPConfig(t, good, source)
			for _, args := range [][]string{
				{"apply", "--company", "Initech", "--role", "Developer", "--recruiter", "Bob <bob@initech.example>"},
				{"apply", "--company", "Globex", "--role", "SRE", "--recruiter", "Hank <hank@globex.example>"},
				{"reject", "initech", "--at", time.Now().Add(-48 * time.Hour).Format(time.RFC3339)},
				{"interview", "globex", "--at", time.Now().Add(-5 * time.Hour).Format(time.RFC3339)},
				{"config", "check"},
			} {
				if code := runAll(args...); code != 0 {
					t.Fatalf("onward %s: exit %d\n%s", strings.Join(args, " "), code, seen.String())
				}
			}
			d := e.startWith(t, vars)
			if r := good.Next(t); len(r.To) != 1 || r.To[0] != "alex@example.com" {
				t.Fatalf("the check-in went to %v", r.To)
			}
			d.waitLog(t, "outcome=drafted") // the feedback request
			d.waitLog(t, "outcome=drafted") // the thank-you
			d.signal(t, syscall.SIGTERM)
			d.wait(t)
			seen.WriteString(d.logText())
			if good.AuthAttempts.Load() == 0 {
				t.Fatal("the server never saw AUTH: the password was not used")
			}
			var drafts []messageRow
			if err := json.Unmarshal([]byte(e.mustRun(t, "drafts", "--json")), &drafts); err != nil || len(drafts) != 2 {
				t.Fatalf("drafts: %v, %v; want two", drafts, err)
			}
			if code := runAll("drafts", "send", "--yes", fmt.Sprint(drafts[0].ID)); code != 0 {
				t.Fatalf("drafts send: exit %d\n%s", code, seen.String())
			}
			good.Next(t)

			// Fail through the wrong one, in every way that prints errors.
			e.writeSMTPConfig(t, wrong, source)
			runAll("config", "check")
			if code := runAll("drafts", "send", "--yes", fmt.Sprint(drafts[1].ID)); code != 1 {
				t.Errorf("drafts send to a server that refuses the password: exit %d, want 1", code)
			}
			e.mustRun(t, "apply", "--company", "Umbrella", "--role", "QA")
			e.mustRun(t, "reject", "umbrella", "--at", time.Now().Add(-48*time.Hour).Format(time.RFC3339))
			d = e.startWith(t, vars)
			d.waitLog(t, "535")
			d.signal(t, syscall.SIGTERM)
			d.wait(t)
			seen.WriteString(d.logText())
			runAll("flush")
			runAll("messages", "--json")
			runAll("status", "--json")
			if wrong.Pending() != 0 {
				t.Fatal("the wrong server accepted mail")
			}
			if !strings.Contains(seen.String(), "535") {
				t.Fatalf("the authentication failure was never shown; the test did not exercise the error paths:\n%s", seen.String())
			}

			for _, leak := range leaks("alex") {
				if strings.Contains(seen.String(), leak) {
					t.Errorf("onward printed the password (as %q):\n%s", leak, seen.String())
				}
			}
			// Every file onward wrote: the database, its WAL, the outbox,
			// the lock. The password file itself is the one place it may be.
			checked := 0
			err := filepath.WalkDir(e.dir, func(path string, de fs.DirEntry, err error) error {
				if err != nil || de.IsDir() || path == pwFile || path == e.config {
					return err
				}
				b, err := os.ReadFile(path)
				if err != nil {
					return err
				}
				checked++
				for _, leak := range leaks("alex") {
					if strings.Contains(string(b), leak) {
						t.Errorf("%s contains the password (as %q)", path, leak)
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			outbox, _ := filepath.Glob(filepath.Join(e.dir, "outbox", "*.eml"))
			if len(outbox) == 0 || checked < 3 {
				t.Errorf("checked %d files and %d outbox drafts: the test looked at too little", checked, len(outbox))
			}
		})
	}
}
