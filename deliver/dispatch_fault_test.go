package deliver_test

// SMTP faults, one at a time, against the dispatcher with a real SMTP
// client, a real SMTP server scripted to misbehave and a real database.
// For every fault the message it hits must end in the state the design
// promises (retried later with the same Message-ID, or failed with the
// server's words), no message may be lost or left half-claimed, and the
// message after it must still go out in the same round.

import (
	"crypto/tls"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/internal/smtptest"
	"github.com/onward-app/onward/mailer"
	"github.com/onward-app/onward/store"
)

// planCheckIns plans n check-ins to the user, due one second apart from
// now on, so that the dispatcher takes them in this order.
func (b *bundle) planCheckIns(t *testing.T, n int) []store.Message {
	t.Helper()
	app := b.apply(t, "")
	var out []store.Message
	err := b.store.Update(b.ctx, func(tx *store.Tx) error {
		for i := range n {
			m := store.Message{ApplicationID: app.ID, Kind: onward.Learn, Audience: "user", To: b.user.String(),
				DueAt: b.clock.Now().Add(time.Duration(i-n) * time.Second), MessageID: store.NewMessageID(b.user.Email)}
			if err := tx.InsertMessage(b.ctx, &m); err != nil {
				return err
			}
			out = append(out, m)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// accounted fails the test unless every planned message is still in the
// database and none is left claimed: nothing lost, nothing half done.
func (b *bundle) accounted(t *testing.T, planned []store.Message) map[int64]store.Message {
	t.Helper()
	byID := map[int64]store.Message{}
	for _, m := range b.messages(t, store.MessageFilter{}) {
		byID[m.ID] = m
	}
	for _, p := range planned {
		m, ok := byID[p.ID]
		switch {
		case !ok:
			t.Errorf("message %d is gone from the database", p.ID)
		case m.Status == onward.StatusSending:
			t.Errorf("message %d is left claimed (sending) after the round", p.ID)
		case m.MessageID != p.MessageID:
			t.Errorf("message %d changed its Message-ID from %s to %s", p.ID, p.MessageID, m.MessageID)
		}
	}
	return byID
}

// receivedIDs drains what the server has received so far and counts it
// by Message-ID.
func receivedIDs(t *testing.T, s *smtptest.Server) map[string]int {
	t.Helper()
	out := map[string]int{}
	for s.Pending() > 0 {
		out[s.Next(t).MessageID()]++
	}
	return out
}

type smtpFault struct {
	name   string
	script smtptest.Script
	// retried: the message must be scheduled again; otherwise failed.
	retried bool
	// words must appear in last_error: the server's reply, or what
	// happened on the network.
	words string
	// arrived: the server has the first copy although the client never
	// heard so (a drop after the final dot).
	arrived bool
}

// smtpFaults is every fault the dispatcher must survive. Each hits the
// first message only (Times: 1); the server then behaves.
func smtpFaults() []smtpFault {
	var faults []smtpFault
	for _, code := range []int{421, 450, 451, 452, 550, 552, 554} {
		for _, cmd := range []string{"MAIL", "RCPT", "DATA"} {
			class := code / 100
			enh := smtp.EnhancedCode{class, 3, 0}
			text := fmt.Sprintf("scripted %d at %s", code, cmd)
			faults = append(faults, smtpFault{
				name:    fmt.Sprintf("%d at %s", code, cmd),
				script:  smtptest.Script{Times: 1, Reject: map[string]*smtp.SMTPError{cmd: {Code: code, EnhancedCode: enh, Message: text}}},
				retried: class == 4,
				words:   fmt.Sprintf("%d %d.3.0 %s", code, class, text),
			})
		}
	}
	drop := func(cmd string) smtptest.Script {
		return smtptest.Script{Times: 1, Decide: dropOnce(cmd)}
	}
	faults = append(faults,
		smtpFault{name: "connection closed after the final dot", script: smtptest.Script{Times: 1, DropAfterData: true},
			retried: true, words: "may have the message already", arrived: true},
		smtpFault{name: "connection closed at MAIL", script: drop("MAIL"), retried: true, words: "network failure"},
		smtpFault{name: "connection closed at RCPT", script: drop("RCPT"), retried: true, words: "network failure"},
		smtpFault{name: "stall at MAIL past the client timeout", script: smtptest.Script{Times: 1, Stall: "MAIL"}, retried: true, words: "timeout"},
		smtpFault{name: "stall at RCPT past the client timeout", script: smtptest.Script{Times: 1, Stall: "RCPT"}, retried: true, words: "timeout"},
		smtpFault{name: "stall after the final dot past the client timeout", script: smtptest.Script{Times: 1, Stall: "DATA"}, retried: true, words: "timeout"},
	)
	return faults
}

// dropOnce closes the connection at cmd the first time it is reached.
func dropOnce(cmd string) func(string, smtptest.Received) smtptest.Fault {
	done := make(chan struct{}, 1)
	done <- struct{}{}
	return func(c string, _ smtptest.Received) smtptest.Fault {
		if c != cmd {
			return smtptest.Fault{}
		}
		select {
		case <-done:
			return smtptest.Fault{Drop: true}
		default:
			return smtptest.Fault{}
		}
	}
}

func TestDispatcherSurvivesEverySMTPFault(t *testing.T) {
	t.Parallel()
	for _, f := range smtpFaults() {
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, f.script)
			b.setup.Stale = nil
			planned := b.planCheckIns(t, 2)
			hit, other := planned[0], planned[1]

			b.cycle(t)
			if n := b.server.Injected.Load(); n != 1 {
				t.Fatalf("the server injected %d faults, want 1", n)
			}
			got := b.accounted(t, planned)
			m := got[hit.ID]
			want := onward.StatusFailed
			if f.retried {
				want = onward.StatusScheduled
			}
			if m.Status != want {
				t.Fatalf("the message hit by the fault is %s, want %s (last error %q)", m.Status, want, m.LastError)
			}
			if !strings.Contains(m.LastError, f.words) {
				t.Errorf("last_error %q does not carry %q", m.LastError, f.words)
			}
			if f.retried && !m.DueAt.After(b.clock.Now()) {
				t.Errorf("a retry is due %v, not later than now %v", m.DueAt, b.clock.Now())
			}
			// The daemon keeps serving: the next message went out in the
			// same round, on a fresh session.
			if o := got[other.ID]; o.Status != onward.StatusSent {
				t.Errorf("the message after the fault is %s (%q), want sent", o.Status, o.LastError)
			}
			first := receivedIDs(t, b.server)
			if first["<"+other.MessageID+">"] != 1 {
				t.Errorf("the server received %v, want the other message once", first)
			}
			if arrived := first["<"+hit.MessageID+">"]; (arrived > 0) != f.arrived {
				t.Errorf("the server has the faulted message %d times", arrived)
			}

			// An hour later the retry has gone out with the same
			// Message-ID; a failed message stays failed.
			b.clock.Add(time.Hour)
			b.cycle(t)
			got = b.accounted(t, planned)
			again := receivedIDs(t, b.server)
			if f.retried {
				if m := got[hit.ID]; m.Status != onward.StatusSent || m.Attempts != 2 {
					t.Errorf("after the retry: %s after %d attempts (%q), want sent after 2", m.Status, m.Attempts, m.LastError)
				}
				if again["<"+hit.MessageID+">"] != 1 || len(again) != 1 {
					t.Errorf("the retry delivered %v, want exactly the planned Message-ID <%s>", again, hit.MessageID)
				}
			} else {
				if m := got[hit.ID]; m.Status != onward.StatusFailed || m.Attempts != 1 {
					t.Errorf("a failed message moved on: %s after %d attempts", m.Status, m.Attempts)
				}
				if len(again) != 0 {
					t.Errorf("the server received %v after a permanent failure", again)
				}
			}
		})
	}
}

// TLS faults hit every message alike: the server is unusable until it is
// fixed. Each message must still end in a visible state, and the round
// must finish.
func TestDispatcherTLSFaults(t *testing.T) {
	t.Parallel()
	serverTLS, roots := smtptest.TLS(t)
	for _, tc := range []struct {
		name     string
		script   smtptest.Script
		security string
		retried  bool
		words    string
	}{
		{"STARTTLS not offered", smtptest.Script{User: "alex", Pass: "pw"}, "starttls", false, "does not offer STARTTLS"},
		{"STARTTLS refused with 454", smtptest.Script{User: "alex", Pass: "pw",
			RefuseSTARTTLS: &smtp.SMTPError{Code: 454, EnhancedCode: smtp.EnhancedCode{4, 7, 0}, Message: "TLS not available now"}},
			"starttls", true, "454 4.7.0 TLS not available now"},
		{"STARTTLS refused with 502", smtptest.Script{User: "alex", Pass: "pw",
			RefuseSTARTTLS: &smtp.SMTPError{Code: 502, EnhancedCode: smtp.EnhancedCode{5, 5, 1}, Message: "no TLS here"}},
			"starttls", false, "502"},
		{"self-signed certificate over STARTTLS", smtptest.Script{User: "alex", Pass: "pw", TLS: serverTLS}, "starttls", false, "certificate"},
		{"self-signed certificate over implicit TLS", smtptest.Script{User: "alex", Pass: "pw", TLS: serverTLS, ImplicitTLS: true}, "tls", false, "certificate"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, tc.script)
			b.setup.Stale = nil
			sender, err := mailer.NewSMTP(mailer.SMTPConfig{Host: b.server.Host, Port: b.server.Port, Security: tc.security,
				Username: "alex", Password: "pw", Timeout: 2 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { sender.Close() })
			b.setup.Mail = sender
			planned := b.planCheckIns(t, 2)
			b.cycle(t)
			got := b.accounted(t, planned)
			for _, p := range planned {
				m := got[p.ID]
				want := onward.StatusFailed
				if tc.retried {
					want = onward.StatusScheduled
				}
				if m.Status != want || !strings.Contains(m.LastError, tc.words) {
					t.Errorf("message %d: %s %q, want %s naming %q", m.ID, m.Status, m.LastError, want, tc.words)
				}
			}
			if b.server.AuthAttempts.Load() != 0 || b.server.Pending() != 0 {
				t.Errorf("the password or mail went over a connection that is not encrypted to a trusted server")
			}
			if !tc.retried {
				return
			}
			// The server is fixed: the retries go out encrypted, with
			// their Message-IDs.
			good := smtptest.Start(t, smtptest.Script{User: "alex", Pass: "pw", TLS: serverTLS})
			fixed, err := mailer.NewSMTP(mailer.SMTPConfig{Host: good.Host, Port: good.Port, Security: "starttls",
				Username: "alex", Password: "pw", Timeout: 2 * time.Second, TLSConfig: &tls.Config{RootCAs: roots}})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { fixed.Close() })
			b.setup.Mail = fixed
			b.clock.Add(time.Hour)
			b.cycle(t)
			ids := receivedIDs(t, good)
			for _, p := range planned {
				if ids["<"+p.MessageID+">"] != 1 {
					t.Errorf("after the fix the server received %v, want <%s> once", ids, p.MessageID)
				}
			}
		})
	}
}

// An outage: the server closes every connection before its greeting. The
// messages wait; when the server is back they all go out, each once, with
// the Message-ID planned for it.
func TestDispatcherRidesOutAnOutage(t *testing.T) {
	t.Parallel()
	b := setup(t, smtptest.Script{})
	b.setup.Stale = nil
	b.server.SetDown(true)
	planned := b.planCheckIns(t, 5)
	for range 3 {
		b.cycle(t)
		for _, m := range b.accounted(t, planned) {
			if m.Status != onward.StatusScheduled || m.LastError == "" {
				t.Fatalf("during the outage message %d is %s (%q), want scheduled with the reason", m.ID, m.Status, m.LastError)
			}
		}
		b.clock.Add(time.Hour)
	}
	refused := b.server.Injected.Load()
	if refused == 0 {
		t.Fatal("the outage refused no connection")
	}
	t.Logf("the outage refused %d connections to %d messages", refused, len(planned))
	b.server.SetDown(false)
	b.cycle(t)
	ids := receivedIDs(t, b.server)
	for _, p := range planned {
		if ids["<"+p.MessageID+">"] != 1 {
			t.Errorf("after the outage the server received %v, want <%s> once", ids, p.MessageID)
		}
	}
	for _, m := range b.accounted(t, planned) {
		if m.Status != onward.StatusSent {
			t.Errorf("message %d is %s after the outage", m.ID, m.Status)
		}
	}
}

// mountTmpfs mounts a tmpfs of size bytes at dir for the rest of the test.
func mountTmpfs(t *testing.T, dir string, size int) {
	t.Helper()
	out, err := exec.Command("mount", "-t", "tmpfs", "-o", fmt.Sprintf("size=%d,mode=0700", size), "tmpfs", dir).CombinedOutput()
	if err != nil {
		t.Skipf("cannot mount a size-limited tmpfs to fill (needs root with CAP_SYS_ADMIN): %v: %s", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", "-l", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", dir, err, out)
		}
	})
}

// The outbox folder's disk is full: the check-ins wait, no half-written
// file is left for a mail program to pick up, and once there is room
// they are written, each once, with the Message-ID planned for it.
func TestOutboxOnAFullDisk(t *testing.T) {
	t.Parallel()
	b := setup(t, smtptest.Script{})
	b.setup.Stale = nil
	dir := t.TempDir()
	mountTmpfs(t, dir, 256<<10)
	b.setup.Mail = &mailer.Outbox{Dir: dir}
	filler := filepath.Join(dir, "filler")
	f, err := os.Create(filler)
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := f.Write(make([]byte, 4096)); err != nil {
			break
		}
	}
	f.Close()
	planned := b.planCheckIns(t, 3)
	b.cycle(t)
	for _, m := range b.accounted(t, planned) {
		if m.Status != onward.StatusScheduled || !strings.Contains(m.LastError, "no space left") {
			t.Errorf("message %d on a full disk: %s (%q), want scheduled again saying the disk is full", m.ID, m.Status, m.LastError)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("the full outbox holds %v, want only the filler: no partial draft", entries)
	}
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	b.clock.Add(time.Hour)
	b.cycle(t)
	got := map[string]int{}
	files, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
	for _, path := range files {
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		got[header(t, raw, "Message-Id")]++
	}
	for _, p := range planned {
		if got["<"+p.MessageID+">"] != 1 {
			t.Errorf("after the disk had room the outbox holds %v, want <%s> once", got, p.MessageID)
		}
	}
	for _, m := range b.accounted(t, planned) {
		if m.Status != onward.StatusSent {
			t.Errorf("message %d is %s after the disk had room", m.ID, m.Status)
		}
	}
}
