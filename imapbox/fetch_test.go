package imapbox

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/onward-app/onward/mailread"
)

const draftID = "onward.1a2b3c4d@alex.example"

func draft(id string) []byte {
	return message(id, "Alex Example <alex@alex.example>", "Thank you for today",
		"Hi Dana,\n\nThank you for your time today.\n\nBest regards,\nAlex",
		"To: Dana Reyes <dana@acme.example>")
}

func TestAppendDraftOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := []struct {
		name string
		// run appends the same draft in some way and returns what each
		// call reported.
		run func(t *testing.T, s *testServer) []bool
	}{
		{"twice on one client", func(t *testing.T, s *testServer) []bool {
			c := s.dial(t)
			return []bool{mustAppend(t, c, draft(draftID), draftID), mustAppend(t, c, draft(draftID), draftID)}
		}},
		{"again after a restart", func(t *testing.T, s *testServer) []bool {
			first := mustAppend(t, s.dial(t), draft(draftID), draftID)
			return []bool{first, mustAppend(t, s.dial(t), draft(draftID), "<"+draftID+">")}
		}},
		{"with LF line ends", func(t *testing.T, s *testServer) []bool {
			raw := []byte(strings.ReplaceAll(string(draft(draftID)), "\r\n", "\n"))
			c := s.dial(t)
			return []bool{mustAppend(t, c, raw, draftID), mustAppend(t, c, draft(draftID), draftID)}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newServer(t, serverOptions{})
			// Another message whose Message-ID merely contains ours must
			// not count as the draft: SEARCH HEADER matches substrings.
			s.deliver(t, "Drafts", draft("x"+draftID))
			// Neither does a copy the user deleted.
			s.deliver(t, "Drafts", draft(draftID), imap.FlagDeleted)

			if got := tt.run(t, s); !slices.Equal(got, []bool{true, false}) {
				t.Errorf("appended = %v; want [true false]", got)
			}
			flags := s.flags(t, "Drafts")
			if len(flags) != 3 {
				t.Fatalf("Drafts holds %d messages; want 3 (two seeded, one draft)", len(flags))
			}
			if got := flags[3]; !slices.Equal(got, []string{`\draft`}) {
				t.Errorf("the draft's flags are %q; want only \\Draft", got)
			}
			c := s.dial(t)
			msgs, _, _, err := c.Fetch(ctx, Cursor{Mailbox: "Drafts"}, 0)
			if err != nil || len(msgs) != 3 {
				t.Fatalf("Fetch Drafts = %d messages, %v", len(msgs), err)
			}
			if m := msgs[2]; m.MessageID != draftID || !strings.Contains(string(m.Raw), "\r\n\r\nHi Dana,\r\n") {
				t.Errorf("the stored draft is %q with body\n%s", m.MessageID, m.Raw)
			}
		})
	}
}

func mustAppend(t *testing.T, c *Client, raw []byte, id string) bool {
	t.Helper()
	ok, err := c.AppendDraft(context.Background(), raw, id)
	if err != nil {
		t.Fatalf("AppendDraft: %v", err)
	}
	return ok
}

func TestAppendDraftRefusesAMismatchedID(t *testing.T) {
	t.Parallel()
	s := newServer(t, serverOptions{})
	c := s.dial(t)
	for _, id := range []string{"onward.other@alex.example", "", "two words@x"} {
		if _, err := c.AppendDraft(context.Background(), draft(draftID), id); err == nil {
			t.Errorf("AppendDraft with id %q accepted a draft whose Message-ID is %s", id, draftID)
		}
	}
	if n, _ := s.count(t, "Drafts"); n != 0 {
		t.Errorf("Drafts holds %d messages; want none", n)
	}
}

func TestHasMessageID(t *testing.T) {
	t.Parallel()
	s := newServer(t, serverOptions{})
	c := s.dial(t)
	ctx := context.Background()
	sent, err := c.SentMailbox(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.AppendDraft(ctx, draft(draftID), draftID); err != nil {
		t.Fatal(err)
	}
	has := func(mailbox, id string) bool {
		t.Helper()
		ok, err := c.HasMessageID(ctx, mailbox, id)
		if err != nil {
			t.Fatalf("HasMessageID(%s, %s): %v", mailbox, id, err)
		}
		return ok
	}
	if !has("Drafts", draftID) || !has("Drafts", "<"+draftID+">") {
		t.Error("the draft is not found in Drafts")
	}
	if has(sent, draftID) {
		t.Error("the draft is found in Sent before it was sent")
	}
	// The user sends it: their mail program files a copy in Sent.
	s.deliver(t, sent, draft(draftID), imap.FlagSeen)
	if !has(sent, draftID) {
		t.Error("the sent copy is not found in Sent")
	}
	if has(sent, "onward.1a2b3c4@alex.example") {
		t.Error("a prefix of the Message-ID matched")
	}
}

func TestFetch(t *testing.T) {
	t.Parallel()
	s := newServer(t, serverOptions{})
	ctx := context.Background()
	reply := func(n int) []byte {
		return message(fmt.Sprintf("reply%d@acme.example", n), "Dana Reyes <dana@acme.example>",
			fmt.Sprintf("Re: Interview %d", n), "Thanks!", "In-Reply-To: <"+draftID+">")
	}
	s.deliver(t, "INBOX", reply(1), imap.FlagSeen)
	s.deliver(t, "INBOX", reply(2))
	s.deliver(t, "INBOX", reply(3), imap.FlagFlagged)
	before := s.flags(t, "INBOX")

	c := s.dial(t)
	msgs, next, reset, err := c.Fetch(ctx, Cursor{Mailbox: "INBOX"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if reset || next.UIDValidity == 0 || next.LastUID != 3 || next.Mailbox != "INBOX" {
		t.Errorf("first Fetch: next %+v, reset %v", next, reset)
	}
	if got := subjects(msgs); !slices.Equal(got, []string{"Re: Interview 1", "Re: Interview 2", "Re: Interview 3"}) {
		t.Errorf("first Fetch returned %q", got)
	}
	if m := msgs[1]; m.UID != 2 || m.InReplyTo != draftID || m.From.Email != "dana@acme.example" || m.ParseErr != nil {
		t.Errorf("message 2 = %+v", m)
	}

	again, next2, _, err := c.Fetch(ctx, next, 0)
	if err != nil || len(again) != 0 || next2 != next {
		t.Errorf("second Fetch = %d messages, %+v, %v; want none and the same cursor", len(again), next2, err)
	}

	// A restart: a new session from the stored cursor sees nothing old.
	c2 := s.dial(t)
	if again, _, _, err := c2.Fetch(ctx, next, 0); err != nil || len(again) != 0 {
		t.Errorf("Fetch after a restart = %d messages, %v", len(again), err)
	}

	s.deliver(t, "INBOX", reply(4))
	s.deliver(t, "INBOX", reply(5))
	s.deliver(t, "INBOX", reply(6))
	// limit: two now, the third next time.
	msgs, next, _, err = c2.Fetch(ctx, next, 2)
	if err != nil || !slices.Equal(subjects(msgs), []string{"Re: Interview 4", "Re: Interview 5"}) || next.LastUID != 5 {
		t.Fatalf("Fetch with limit 2 = %q, %+v, %v", subjects(msgs), next, err)
	}
	msgs, next, _, err = c2.Fetch(ctx, next, 2)
	if err != nil || !slices.Equal(subjects(msgs), []string{"Re: Interview 6"}) || next.LastUID != 6 {
		t.Fatalf("Fetch the rest = %q, %+v, %v", subjects(msgs), next, err)
	}

	// Nothing the package did changed a flag.
	after := s.flags(t, "INBOX")
	for uid, want := range before {
		if !slices.Equal(after[uid], want) {
			t.Errorf("flags of UID %d changed from %q to %q", uid, want, after[uid])
		}
	}
	if _, unseen := s.count(t, "INBOX"); unseen != 5 {
		t.Errorf("%d unseen messages; want 5 (all but the first)", unseen)
	}
}

func subjects(msgs []mailread.Mail) []string {
	var out []string
	for _, m := range msgs {
		out = append(out, m.Subject)
	}
	return out
}

func TestFetchAfterUIDValidityChange(t *testing.T) {
	t.Parallel()
	s := newServer(t, serverOptions{})
	ctx := context.Background()
	s.deliver(t, "Archive", message("a1@acme.example", "dana@acme.example", "one", "1"))
	s.deliver(t, "Archive", message("a2@acme.example", "dana@acme.example", "two", "2"))
	c := s.dial(t)
	_, cur, _, err := c.Fetch(ctx, Cursor{Mailbox: "Archive"}, 0)
	if err != nil {
		t.Fatal(err)
	}

	// The mailbox is rebuilt: same name, new UIDVALIDITY, UIDs from 1.
	if err := s.Mailbox().Delete("Archive"); err != nil {
		t.Fatal(err)
	}
	if err := s.Mailbox().Create("Archive", nil); err != nil {
		t.Fatal(err)
	}
	s.deliver(t, "Archive", message("a1@acme.example", "dana@acme.example", "one", "1"))
	s.deliver(t, "Archive", message("a2@acme.example", "dana@acme.example", "two", "2"))
	s.deliver(t, "Archive", message("a3@acme.example", "dana@acme.example", "three", "3"))

	msgs, next, reset, err := c.Fetch(ctx, cur, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !reset || next.UIDValidity == cur.UIDValidity || next.LastUID != 3 {
		t.Errorf("Fetch after the change: reset %v, next %+v (was %+v)", reset, next, cur)
	}
	if got := subjects(msgs); !slices.Equal(got, []string{"one", "two", "three"}) {
		t.Errorf("Fetch after the change returned %q; want all three", got)
	}
	if _, _, reset, err := c.Fetch(ctx, next, 0); reset || err != nil {
		t.Errorf("the Fetch after that: reset %v, %v", reset, err)
	}
}

func TestTip(t *testing.T) {
	t.Parallel()
	s := newServer(t, serverOptions{})
	ctx := context.Background()
	s.deliver(t, "INBOX", message("old1@acme.example", "dana@acme.example", "old", "."))
	s.deliver(t, "INBOX", message("old2@acme.example", "dana@acme.example", "old", "."))
	c := s.dial(t)
	cur, err := c.Tip(ctx, "INBOX")
	if err != nil || cur.LastUID != 2 || cur.UIDValidity == 0 {
		t.Fatalf("Tip = %+v, %v", cur, err)
	}
	s.deliver(t, "INBOX", message("new@acme.example", "dana@acme.example", "new", "."))
	msgs, _, reset, err := c.Fetch(ctx, cur, 0)
	if err != nil || reset || !slices.Equal(subjects(msgs), []string{"new"}) {
		t.Errorf("Fetch from the tip = %q, reset %v, %v", subjects(msgs), reset, err)
	}
}

func TestNoSuchMailbox(t *testing.T) {
	t.Parallel()
	s := newServer(t, serverOptions{})
	c := s.dial(t)
	ctx := context.Background()
	calls := map[string]func() error{
		"Fetch": func() error { _, _, _, err := c.Fetch(ctx, Cursor{Mailbox: "Nope"}, 0); return err },
		"HasMessageID": func() error {
			_, err := c.HasMessageID(ctx, "Nope", draftID)
			return err
		},
		"Tip": func() error { _, err := c.Tip(ctx, "Nope"); return err },
	}
	for name, call := range calls {
		if err := call(); !errors.Is(err, ErrNoMailbox) || !strings.Contains(err.Error(), `Nope`) {
			t.Errorf("%s on a missing mailbox: %v; want ErrNoMailbox naming it", name, err)
		}
	}
	// A NO from the server leaves the session usable.
	if _, _, _, err := c.Fetch(ctx, Cursor{Mailbox: "INBOX"}, 0); err != nil {
		t.Errorf("Fetch after the errors: %v", err)
	}
}

func TestFetchKeepsGoingPastBrokenMIME(t *testing.T) {
	t.Parallel()
	s := newServer(t, serverOptions{})
	s.deliver(t, "INBOX", message("good1@acme.example", "dana@acme.example", "good one", "fine"))
	s.deliver(t, "INBOX", []byte("Message-ID: <broken@acme.example>\r\nFrom: dana@acme.example\r\nSubject: broken\r\n"+
		"In-Reply-To: <"+draftID+">\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed\r\n\r\n"+
		"there is no boundary here\r\n"))
	s.deliver(t, "INBOX", []byte("Message-ID: <b64@acme.example>\r\nFrom: dana@acme.example\r\nSubject: bad base64\r\n"+
		"MIME-Version: 1.0\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\nSGVsbG8gd29ybGQ=!!!not base64\r\n"))
	s.deliver(t, "INBOX", message("good2@acme.example", "dana@acme.example", "good two", "fine"))

	c := s.dial(t)
	msgs, next, _, err := c.Fetch(context.Background(), Cursor{Mailbox: "INBOX"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got := subjects(msgs); !slices.Equal(got, []string{"good one", "broken", "bad base64", "good two"}) || next.LastUID != 4 {
		t.Fatalf("Fetch = %q, %+v", got, next)
	}
	for i, wantErr := range []bool{false, true, true, false} {
		if (msgs[i].ParseErr != nil) != wantErr {
			t.Errorf("message %d: ParseErr = %v", i+1, msgs[i].ParseErr)
		}
	}
	// What could be read still is: the broken one is still a reply.
	if m := msgs[1]; m.MessageID != "broken@acme.example" || m.InReplyTo != draftID || len(m.Raw) == 0 {
		t.Errorf("the broken message reads as %+v", m)
	}
	if m := msgs[2]; m.Text != "Hello world" {
		t.Errorf("the bad base64 message's text = %q; want what decoded", m.Text)
	}
}

func TestServerGoneMidPoll(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("connection cut during FETCH", func(t *testing.T) {
		t.Parallel()
		s := newServer(t, serverOptions{})
		s.deliver(t, "INBOX", message("m1@acme.example", "dana@acme.example", "hello", "."))
		c := s.dial(t)
		cut := func(conn *imapserver.Conn) error {
			_ = conn.NetConn().Close()
			return errors.New("gone")
		}
		s.OnFetch.Store(&cut)
		cur := Cursor{Mailbox: "INBOX", UIDValidity: 0}
		msgs, next, _, err := c.Fetch(ctx, cur, 0)
		if err == nil || !errors.Is(err, ErrClosed) || msgs != nil || next != cur {
			t.Fatalf("Fetch = %d messages, %+v, %v; want an ErrClosed and the old cursor", len(msgs), next, err)
		}
		if _, err := c.HasMessageID(ctx, "INBOX", "m1@acme.example"); !errors.Is(err, ErrClosed) {
			t.Errorf("a call after the loss: %v; want ErrClosed", err)
		}
		if err := c.Close(); err != nil {
			t.Errorf("Close after the loss: %v", err)
		}
	})
	t.Run("server shut down between calls", func(t *testing.T) {
		t.Parallel()
		s := newServer(t, serverOptions{})
		c := s.dial(t)
		if _, err := c.DraftsMailbox(ctx); err != nil {
			t.Fatal(err)
		}
		s.Close()
		if _, _, _, err := c.Fetch(ctx, Cursor{Mailbox: "INBOX"}, 0); err == nil {
			t.Error("Fetch on a closed server succeeded")
		}
		if _, err := c.AppendDraft(ctx, draft(draftID), draftID); err == nil {
			t.Error("AppendDraft on a closed server succeeded")
		}
	})
}

// hang makes the server stop answering FETCH until the test ends; entered
// is closed when a FETCH arrives.
func hang(t *testing.T, s *testServer) (entered <-chan struct{}) {
	in, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	f := func(*imapserver.Conn) error {
		once.Do(func() { close(in) })
		<-release
		return errors.New("released")
	}
	s.OnFetch.Store(&f)
	t.Cleanup(func() { close(release) })
	return in
}

func TestFetchCancelled(t *testing.T) {
	t.Parallel()
	s := newServer(t, serverOptions{})
	s.deliver(t, "INBOX", message("m1@acme.example", "dana@acme.example", "hello", "."))
	c := s.dial(t)
	entered := hang(t, s)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, _, _, err := c.Fetch(ctx, Cursor{Mailbox: "INBOX"}, 0)
		done <- err
	}()
	<-entered
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) || !errors.Is(err, ErrClosed) {
			t.Errorf("Fetch = %v; want context.Canceled and ErrClosed", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Fetch did not return after its context was cancelled")
	}
}

// TestFetchTimeout: a server that stops answering mid-FETCH is given up on
// by the client's own deadline. The server stays silent until the test
// ends, so Fetch returning at all, with the error that names the timeout,
// shows the deadline fired; the guard only catches a hang.
func TestFetchTimeout(t *testing.T) {
	t.Parallel()
	s := newServer(t, serverOptions{})
	s.deliver(t, "INBOX", message("m1@acme.example", "dana@acme.example", "hello", "."))
	c := s.dial(t, func(c *Config) { c.Timeout = 300 * time.Millisecond })
	entered := hang(t, s)
	done := make(chan error, 1)
	go func() {
		_, _, _, err := c.Fetch(context.Background(), Cursor{Mailbox: "INBOX"}, 0)
		done <- err
	}()
	var err error
	select {
	case err = <-done:
	case <-time.After(time.Minute):
		t.Fatal("Fetch from a silent server never returned")
	}
	select {
	case <-entered:
	default:
		t.Fatal("Fetch returned before its FETCH reached the server")
	}
	if err == nil {
		t.Fatal("Fetch from a silent server succeeded")
	}
	if !errors.Is(err, ErrClosed) || !strings.Contains(err.Error(), "did not finish answering a command within 300ms") {
		t.Errorf("Fetch = %v; want ErrClosed saying the server did not answer", err)
	}
}
