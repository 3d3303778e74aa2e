package imapbox

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/onward-app/onward/internal/imaptest"
)

// padded is a message of about size bytes.
func padded(id string, size int) []byte {
	line := strings.Repeat("x", 76) + "\n"
	return message(id, "someone@stranger.example", id, strings.Repeat(line, size/len(line)))
}

// A message over the limit is returned as Oversized, with its size, and
// its body is never asked for; the cursor moves past it.
func TestFetchSkipsOversizedMessages(t *testing.T) {
	t.Parallel()
	s := newServer(t, serverOptions{})
	small1 := s.deliver(t, "INBOX", message("s1@acme.example", "dana@acme.example", "small one", "fine"))
	big := s.deliver(t, "INBOX", padded("big@stranger.example", 1<<20))
	small2 := s.deliver(t, "INBOX", message("s2@acme.example", "dana@acme.example", "small two", "fine"))
	c := s.dial(t, func(c *Config) { c.MaxMessageSize = 64 << 10 })

	msgs, next, _, err := c.Fetch(context.Background(), Cursor{Mailbox: "INBOX"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 3 || next.LastUID != small2 {
		t.Fatalf("Fetch = %d messages, cursor %+v; want 3 and the cursor past all", len(msgs), next)
	}
	if m := msgs[1]; !m.Oversized || m.UID != big || m.Size < 1<<20 || m.Raw != nil || m.MessageID != "" {
		t.Errorf("the big message came back as UID %d oversized %v size %d, %d bytes read", m.UID, m.Oversized, m.Size, len(m.Raw))
	}
	if msgs[0].Oversized || msgs[2].Oversized || msgs[0].Subject != "small one" || msgs[2].Subject != "small two" {
		t.Errorf("the small messages: %+v, %+v", msgs[0].Subject, msgs[2].Subject)
	}
	if n := s.BodyFetches(big); n != 0 {
		t.Errorf("the oversized message's body was fetched %d times; want never", n)
	}
	if s.BodyFetches(small1) != 1 || s.BodyFetches(small2) != 1 {
		t.Errorf("small bodies fetched %d and %d times; want once each", s.BodyFetches(small1), s.BodyFetches(small2))
	}
}

// One call holds at most about two limits' worth of bodies; the next call
// goes on where it stopped.
func TestFetchBoundsTheBytesOfOneCall(t *testing.T) {
	t.Parallel()
	s := newServer(t, serverOptions{})
	var uids []uint32
	for i := range 5 {
		uids = append(uids, s.deliver(t, "INBOX", padded("m"+string(rune('a'+i))+"@acme.example", 40<<10)))
	}
	c := s.dial(t, func(c *Config) { c.MaxMessageSize = 64 << 10 })
	cur := Cursor{Mailbox: "INBOX"}
	var got []uint32
	for calls := 0; ; calls++ {
		if calls > 10 {
			t.Fatal("Fetch does not get to the end")
		}
		msgs, next, _, err := c.Fetch(context.Background(), cur, 0)
		if err != nil {
			t.Fatal(err)
		}
		var bytes int
		for _, m := range msgs {
			got = append(got, m.UID)
			bytes += len(m.Raw)
		}
		if bytes > 2*(64<<10) {
			t.Errorf("one call held %d bytes of bodies; want at most two limits", bytes)
		}
		if next == cur {
			break
		}
		cur = next
	}
	if len(got) != len(uids) {
		t.Errorf("read UIDs %v; want %v, each once", got, uids)
	}
}

// A server that trickles never finishes a command: the deadline is per
// command, not per read, so Dial and Fetch give up after Timeout.
func TestTricklingServer(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		at   int
	}{{"greeting", imaptest.TrickleGreeting}, {"login", imaptest.TrickleLogin}, {"after login", imaptest.TrickleAfterLogin}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := imaptest.StartTrickler(t, tc.at)
			cfg := Config{Host: "127.0.0.1", Port: srv.Port, Username: testUser, Password: testPassword,
				Security: securityNone, Timeout: 500 * time.Millisecond}
			done := make(chan error, 1)
			start := time.Now()
			go func() {
				c, err := Dial(context.Background(), cfg)
				if err == nil {
					_, _, _, err = c.Fetch(context.Background(), Cursor{Mailbox: "INBOX"}, 0)
					c.Close()
				}
				done <- err
			}()
			select {
			case err := <-done:
				if err == nil || !errors.Is(err, ErrClosed) && !strings.Contains(err.Error(), "within 500ms") {
					t.Errorf("against a trickling server: %v; want the command's deadline named", err)
				}
				t.Logf("gave up after %s: %v", time.Since(start).Round(time.Millisecond), err)
			case <-time.After(30 * time.Second):
				t.Fatal("still waiting on a trickling server after 30s, with a 500ms timeout")
			}
		})
	}
}
