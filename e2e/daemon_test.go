package e2e

import (
	"context"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/internal/smtptest"
	"github.com/onward-app/onward/store"
)

func messageID(t *testing.T, r smtptest.Received) string {
	t.Helper()
	m, err := mail.ReadMessage(strings.NewReader(string(r.Data)))
	if err != nil {
		t.Fatalf("received message does not parse: %v", err)
	}
	return m.Header.Get("Message-Id")
}

// seed plans n check-ins due now, directly in the database.
func seed(t *testing.T, e *env, n int) map[string]bool {
	t.Helper()
	e.mustRun(t, "apply", "--company", "Northwind Labs", "--role", "Platform Engineer", "--again")
	ctx := context.Background()
	st, err := store.Open(ctx, e.db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ids := map[string]bool{}
	err = st.Update(ctx, func(tx *store.Tx) error {
		for range n {
			m := store.Message{ApplicationID: 1, Kind: onward.Learn, Audience: onward.User,
				To: "Alex Morgan <alex@example.com>", DueAt: time.Now().Add(-time.Minute),
				MessageID: store.NewMessageID("alex@example.com")}
			if err := tx.InsertMessage(ctx, &m); err != nil {
				return err
			}
			ids["<"+m.MessageID+">"] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// TestCrashRecovery kills the daemon with SIGKILL three times in the middle
// of a batch of 500 deliveries and restarts it. Every message must arrive;
// a kill may repeat at most the one message in flight, with its Message-ID.
func TestCrashRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the daemon; skipped in -short")
	}
	server := smtptest.Start(t, smtptest.Script{})
	e := newEnv(t, server, "")
	const total = 500
	planned := seed(t, e, total)

	counts := map[string]int{}
	received := 0
	collect := func(until int) {
		for received < until {
			id := messageID(t, server.Next(t))
			if !planned[id] {
				t.Fatalf("received a message onward never planned: %s", id)
			}
			counts[id]++
			received++
		}
	}
	const kills = 3
	for k := 1; k <= kills; k++ {
		d := e.start(t)
		collect(k * total / (kills + 1))
		d.signal(t, syscall.SIGKILL)
		d.wait(t)
	}
	d := e.start(t)
	for len(counts) < total {
		collect(received + 1)
	}
	// Whatever is still queued at the server arrived before we stopped
	// counting; nothing more may come after the last message.
	d.signal(t, syscall.SIGTERM)
	if code := d.wait(t); code != 0 {
		t.Errorf("daemon exited %d after SIGTERM; log:\n%s", code, d.logText())
	}
	for server.Pending() > 0 {
		collect(received + 1)
	}

	duplicates := received - len(counts)
	t.Logf("%d messages, %d deliveries, %d duplicates after %d kills", total, received, duplicates, kills)
	if len(counts) != total {
		t.Fatalf("%d of %d messages arrived", len(counts), total)
	}
	if duplicates > kills {
		t.Fatalf("%d duplicates after %d kills; at most one per kill is allowed", duplicates, kills)
	}
	for id, n := range counts {
		if n > 2 {
			t.Errorf("%s arrived %d times", id, n)
		}
	}
	out := e.mustRun(t, "messages", "--status", "sent", "--json")
	if n := strings.Count(out, `"status": "sent"`); n != total {
		t.Errorf("%d messages recorded sent, want %d", n, total)
	}
}

func TestSecondDaemonIsRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, "")
	first := e.start(t)
	first.waitLog(t, "onward daemon started")
	_, stderr, code := e.run(t, "run")
	if code != 1 {
		t.Fatalf("second daemon exited %d, want 1; stderr: %s", code, stderr)
	}
	if !strings.Contains(stderr, "another onward daemon is running") || !strings.Contains(stderr, "pid") {
		t.Errorf("second daemon said %q; want it to name the running one", stderr)
	}
	first.signal(t, syscall.SIGTERM)
	if code := first.wait(t); code != 0 {
		t.Errorf("first daemon exited %d after SIGTERM", code)
	}
}

func TestSIGHUPWithBrokenTemplateKeepsTheOldOnes(t *testing.T) {
	t.Parallel()
	server := smtptest.Start(t, smtptest.Script{})
	e := newEnv(t, server, "")
	tdir := filepath.Join(e.dir, "templates")
	if err := os.MkdirAll(tdir, 0o700); err != nil {
		t.Fatal(err)
	}
	good := `{{define "subject"}}Custom learn for {{.App.Company}}{{end}}{{define "text"}}Hello {{.User.Name}}{{end}}`
	if err := os.WriteFile(filepath.Join(tdir, "learn.tmpl"), []byte(good), 0o600); err != nil {
		t.Fatal(err)
	}
	d := e.start(t)
	d.waitLog(t, "onward daemon started")

	broken := `{{define "subject"}}{{.App.Nope}}{{end}}{{define "text"}}x{{end}}`
	if err := os.WriteFile(filepath.Join(tdir, "learn.tmpl"), []byte(broken), 0o600); err != nil {
		t.Fatal(err)
	}
	d.signal(t, syscall.SIGHUP)
	line := d.waitLog(t, "reload refused")
	if !strings.Contains(line, "learn.tmpl") {
		t.Errorf("the refusal does not name the file: %s", line)
	}
	// Still running, still on the old template.
	e.mustRun(t, "apply", "--company", "Northwind Labs", "--role", "Platform Engineer")
	e.mustRun(t, "reject", "northwind", "--at", time.Now().Add(-48*time.Hour).Format(time.RFC3339))
	r := server.Next(t)
	m, err := mail.ReadMessage(strings.NewReader(string(r.Data)))
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Header.Get("Subject"); got != "Custom learn for Northwind Labs" {
		t.Errorf("after a refused reload the subject is %q, want the old template's", got)
	}

	// A valid change is taken.
	if err := os.WriteFile(filepath.Join(tdir, "learn.tmpl"), []byte(strings.Replace(good, "Custom", "Newer", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	d.signal(t, syscall.SIGHUP)
	d.waitLog(t, "reloaded config and templates")
	d.signal(t, syscall.SIGTERM)
	if code := d.wait(t); code != 0 {
		t.Errorf("exit %d after SIGTERM", code)
	}
}

func TestDraftsNeverReachTheRecruiterWithoutDraftsSend(t *testing.T) {
	t.Parallel()
	server := smtptest.Start(t, smtptest.Script{})
	e := newEnv(t, server, "")
	d := e.start(t)
	d.waitLog(t, "onward daemon started")
	e.mustRun(t, "apply", "--company", "Northwind Labs", "--role", "Platform Engineer",
		"--recruiter", "Dana Reyes <dana@northwind.example>")
	e.mustRun(t, "interview", "northwind", "--at", time.Now().Add(-5*time.Hour).Format(time.RFC3339))

	notice := server.Next(t)
	if len(notice.To) != 1 || notice.To[0] != "alex@example.com" {
		t.Fatalf("the daemon sent to %v; only the user may get mail from it", notice.To)
	}
	out := e.mustRun(t, "drafts", "--json")
	if !strings.Contains(out, `"kind": "thank_you"`) {
		t.Fatalf("no thank_you draft waiting: %s", out)
	}
	if server.Pending() != 0 {
		t.Fatal("more than the draft_ready notice was sent")
	}
	e.mustRun(t, "drafts", "send", "--yes", "1")
	sent := server.Next(t)
	if len(sent.To) != 1 || sent.To[0] != "dana@northwind.example" {
		t.Fatalf("drafts send went to %v", sent.To)
	}
	if _, stderr, code := e.run(t, "drafts", "send", "--yes", "1"); code != 2 || !strings.Contains(stderr, "sent") {
		t.Errorf("sending twice: exit %d, %q; want exit 2 saying it was sent", code, stderr)
	}
	d.signal(t, syscall.SIGTERM)
	d.wait(t)
	if server.Pending() != 0 {
		t.Error("a draft went out twice")
	}
}
