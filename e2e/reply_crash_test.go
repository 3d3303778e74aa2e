package e2e

import (
	"strings"
	"syscall"
	"testing"

	"github.com/onward-app/onward/internal/imaptest"
	"github.com/onward-app/onward/internal/smtptest"
)

// TestKilledWhileReadingARejectionLosesNothing kills the daemon with
// SIGKILL the moment it logs a recruiter's reply that reads as a clear no
// (auto_reject on), and starts it again. The reply, the rejection it
// records and the notice to the user are one transaction under the email's
// claim, so after the restart the application is rejected once, with one
// notice and one rejection plan, whether the kill landed before or after
// the commit. (When they were three transactions, the reply's committed
// the email's claim first, and a kill right after it lost the rejection
// and the notice for good.)
func TestKilledWhileReadingARejectionLosesNothing(t *testing.T) {
	t.Parallel()
	smtpServer := smtptest.Start(t, smtptest.Script{})
	imapServer := imaptest.Start(t, imaptest.Options{})
	e := newEnv(t, smtpServer, imapConfig(t, t.TempDir(), imapServer, imaptest.Password)+"auto_reject = true\n")

	// The first read notes where the inbox ends.
	e.readMailboxOnce(t)
	thankYou := e.northwindInterview(t)
	imapServer.Deliver(t, "INBOX", imaptest.Message("no@northwind.example", "Dana Reyes <dana@northwind.example>", "Re: Thank you",
		"Thank you for your time. After careful consideration we have decided to move forward with other candidates.",
		"In-Reply-To: <"+thankYou+">"))

	d := e.start(t)
	d.waitLog(t, "recruiter replied")
	d.signal(t, syscall.SIGKILL)
	d.wait(t)

	if d, code := e.readMailboxOnce(t); code != 0 {
		t.Errorf("exit %d after the restart; log:\n%s", code, d.logText())
	}

	if status := e.mustRun(t, "status"); !strings.Contains(status, "rejected") {
		t.Errorf("after the kill and a restart the application is not rejected:\n%s", status)
	}
	count := map[string]int{}
	for _, m := range e.messages(t) {
		if m.Status != "cancelled" {
			count[m.Kind]++
		}
	}
	for kind, want := range map[string]int{"rejection_notice": 1, "learn": 1, "let_go": 1, "feedback_request": 1, "status_check": 0} {
		if count[kind] != want {
			t.Errorf("%d %s messages after the kill and a restart, want %d (all: %v)", count[kind], kind, want, count)
		}
	}
}
