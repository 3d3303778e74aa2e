package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/onward-app/onward/internal/imaptest"
	"github.com/onward-app/onward/internal/smtptest"
)

// TestStrangersAndBigMailChangeNothing runs the daemon with auto_reject
// on a mailbox holding a forged reply (a stranger, with In-Reply-To set to
// the thank-you's Message-ID and a clear no) and a message over
// max_message_size: the forged reply is logged and changes nothing, and the
// big one is logged and never downloaded.
func TestStrangersAndBigMailChangeNothing(t *testing.T) {
	t.Parallel()
	smtpServer := smtptest.Start(t, smtptest.Script{})
	imapServer := imaptest.Start(t, imaptest.Options{})
	dir := t.TempDir()
	e := newEnv(t, smtpServer, imapConfig(t, dir, imapServer, imaptest.Password)+"auto_reject = true\nmax_message_size = \"1MB\"\n")

	// The first read notes where the inbox ends.
	e.readMailboxOnce(t)
	thankYou := e.northwindInterview(t)
	imapServer.Deliver(t, "INBOX", imaptest.Message("forged@evil.example", "Dana Reyes <mallory@evil.example>", "Re: Thank you",
		"After careful consideration we have decided to move forward with other candidates.", "In-Reply-To: <"+thankYou+">"))
	line := strings.Repeat("x", 76) + "\n"
	big := imapServer.Deliver(t, "INBOX", imaptest.Message("big@stranger.example", "Someone <someone@stranger.example>", "big",
		strings.Repeat(line, 2<<20/len(line))))

	d, code := e.readMailboxOnce(t)
	if code != 0 {
		t.Errorf("exit %d", code)
	}
	log := d.logText()
	for _, want := range []string{"mail left alone", "mallory@evil.example", "not from its recruiter",
		"skipped a message larger than imap.max_message_size", fmt.Sprintf("uid=%d", big), "limit=1048576"} {
		if !strings.Contains(log, want) {
			t.Errorf("the log does not say %q:\n%s", want, log)
		}
	}
	if n := imapServer.BodyFetches(big); n != 0 {
		t.Errorf("the big message was downloaded %d times", n)
	}
	status := e.mustRun(t, "status")
	if !strings.Contains(status, "interviewing") {
		t.Errorf("status after a forged rejection:\n%s", status)
	}
	for _, m := range e.messages(t) {
		switch {
		case m.Kind == "rejection_notice" || m.Kind == "feedback_request" || m.Kind == "learn":
			t.Errorf("a %s was planned after a stranger's mail", m.Kind)
		case m.Kind == "status_check" && m.Status != "scheduled":
			t.Errorf("the status check is %s; want it still scheduled", m.Status)
		}
	}
}
