package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/onward-app/onward/internal/imaptest"
	"github.com/onward-app/onward/internal/smtptest"
)

func imapConfig(t *testing.T, dir string, server *imaptest.Server, password string) string {
	t.Helper()
	pw := filepath.Join(dir, "imap-password")
	if err := os.WriteFile(pw, []byte(password+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf(`
[imap]
host = "127.0.0.1"
port = %d
username = %q
password_file = %q
security = "none"
poll = "0 0 1 1 *"
`, server.Port, imaptest.User, pw)
}

// TestDraftsFiledInTheMailbox runs the daemon with drafts = "imap": the
// thank-you lands in the Drafts folder, once, with its Message-ID, and
// nothing is sent to anyone.
func TestDraftsFiledInTheMailbox(t *testing.T) {
	t.Parallel()
	smtpServer := smtptest.Start(t, smtptest.Script{})
	imapServer := imaptest.Start(t, imaptest.Options{})
	dir := t.TempDir()
	e := newEnv(t, smtpServer, imapConfig(t, dir, imapServer, imaptest.Password))
	cfg, err := os.ReadFile(e.config)
	if err != nil {
		t.Fatal(err)
	}
	cfg = []byte(strings.Replace(string(cfg), `transport = "smtp"`, "transport = \"smtp\"\ndrafts = \"imap\"", 1))
	if err := os.WriteFile(e.config, cfg, 0o600); err != nil {
		t.Fatal(err)
	}

	d := e.start(t)
	d.waitLog(t, "mailbox read")
	e.mustRun(t, "apply", "--company", "Northwind Labs", "--role", "Platform Engineer",
		"--recruiter", "Dana Reyes <dana@northwind.example>")
	e.mustRun(t, "interview", "northwind", "--at", time.Now().Add(-5*time.Hour).Format(time.RFC3339))
	d.waitLog(t, "outcome=drafted")

	if n, _ := imapServer.Count(t, "Drafts"); n != 1 {
		t.Fatalf("Drafts holds %d messages, want the thank-you", n)
	}
	if smtpServer.Pending() != 0 {
		t.Error("something was sent by SMTP; with drafts in the mailbox nothing should be")
	}
	out := e.mustRun(t, "status")
	if !strings.Contains(out, "mailbox: read") {
		t.Errorf("status does not say the mailbox was read:\n%s", out)
	}
	d.signal(t, syscall.SIGTERM)
	if code := d.wait(t); code != 0 {
		t.Errorf("exit %d", code)
	}

	// A restart files nothing again.
	d = e.start(t)
	d.waitLog(t, "mailbox read")
	d.signal(t, syscall.SIGTERM)
	d.wait(t)
	if n, _ := imapServer.Count(t, "Drafts"); n != 1 {
		t.Errorf("after a restart Drafts holds %d messages, want 1", n)
	}
}

// TestWrongIMAPPasswordDoesNotStopTheDaemon: a wrong password is logged,
// shown by onward status, and the daemon goes on delivering.
func TestWrongIMAPPasswordDoesNotStopTheDaemon(t *testing.T) {
	t.Parallel()
	smtpServer := smtptest.Start(t, smtptest.Script{})
	imapServer := imaptest.Start(t, imaptest.Options{})
	dir := t.TempDir()
	e := newEnv(t, smtpServer, imapConfig(t, dir, imapServer, "not-the-password-distinctive"))
	d := e.start(t)
	line := d.waitLog(t, "mailbox read failed")
	if strings.Contains(line, "not-the-password-distinctive") {
		t.Errorf("the log shows the password: %s", line)
	}
	out := e.mustRun(t, "status")
	if !strings.Contains(out, "mailbox: the last read") || !strings.Contains(out, "password") {
		t.Errorf("status does not explain the failed read:\n%s", out)
	}
	// Still delivering: a rejection's check-in goes out.
	e.mustRun(t, "apply", "--company", "Globex", "--role", "SRE")
	e.mustRun(t, "reject", "globex", "--at", time.Now().Add(-48*time.Hour).Format(time.RFC3339))
	if r := smtpServer.Next(t); len(r.To) != 1 {
		t.Errorf("check-in went to %v", r.To)
	}
	d.signal(t, syscall.SIGTERM)
	if code := d.wait(t); code != 0 {
		t.Errorf("exit %d", code)
	}
}

// readMailboxOnce runs the daemon until it has read the mailbox once, then
// stops it with SIGTERM and returns it with its exit code.
func (e *env) readMailboxOnce(t *testing.T) (*daemon, int) {
	t.Helper()
	d := e.start(t)
	d.waitLog(t, "mailbox read")
	d.signal(t, syscall.SIGTERM)
	return d, d.wait(t)
}

// northwindInterview records an application to Northwind Labs with Dana
// Reyes as its recruiter and an interview in an hour, and returns the
// Message-ID of the thank-you it planned: the thread a recruiter's reply
// would answer.
func (e *env) northwindInterview(t *testing.T) string {
	t.Helper()
	e.mustRun(t, "apply", "--company", "Northwind Labs", "--role", "Platform Engineer",
		"--recruiter", "Dana Reyes <dana@northwind.example>")
	e.mustRun(t, "interview", "northwind", "--at", time.Now().Add(time.Hour).Format(time.RFC3339))
	for _, m := range e.messages(t) {
		if m.Kind == "thank_you" {
			return m.MessageID
		}
	}
	t.Fatal("no thank-you planned")
	return ""
}
