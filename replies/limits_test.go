package replies_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/onward-app/onward/imapbox"
	"github.com/onward-app/onward/internal/imaptest"
	"github.com/onward-app/onward/replies"
)

// A server slow at every step, though never past one command's deadline,
// still cannot hold a poll for longer than PollTimeout.
func TestPollIsBounded(t *testing.T) {
	t.Parallel()
	e := newEnv(t, imaptest.Password)
	srv := imaptest.StartTrickler(t, imaptest.TrickleAfterLogin)
	cfg := imapbox.Config{Host: "127.0.0.1", Port: srv.Port, Username: imaptest.User, Password: imaptest.Password,
		Security: "none", Timeout: time.Hour}
	e.w.Dial = func(ctx context.Context) (replies.Mailbox, error) { return imapbox.Dial(ctx, cfg) }
	e.w.PollTimeout = time.Second
	done := make(chan error, 1)
	start := time.Now()
	go func() {
		_, err := e.w.Poll(e.ctx)
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "took longer than its limit of 1s") {
			t.Errorf("Poll = %v; want the poll's limit named", err)
		}
		t.Logf("gave up after %s: %v", time.Since(start).Round(time.Millisecond), err)
		status, _, _, _ := e.store.Status(e.ctx, replies.StatusName)
		if !strings.HasPrefix(status, "error ") {
			t.Errorf("status %q; want the error kept for onward status", status)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the poll still runs after 30s with a limit of 1s")
	}
}
