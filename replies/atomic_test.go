package replies_test

import (
	"context"
	"log/slog"
	"sync"
	"testing"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/internal/imaptest"
	"github.com/onward-app/onward/store"
)

// cancelOn is a log handler that cancels a context when a given message is
// logged: a poll interrupted at that point, as a shutdown or the poll's
// own limit would interrupt it.
type cancelOn struct {
	msg    string
	cancel context.CancelFunc
	once   *sync.Once
}

func (h cancelOn) Enabled(context.Context, slog.Level) bool { return true }
func (h cancelOn) Handle(_ context.Context, r slog.Record) error {
	if r.Message == h.msg {
		h.once.Do(h.cancel)
	}
	return nil
}
func (h cancelOn) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h cancelOn) WithGroup(string) slog.Handler      { return h }

// A poll interrupted right after the reply is recorded loses nothing: the
// rejection and the notice were recorded with it, or are left for the
// next poll with the email itself.
func TestInterruptedPollKeepsReplyRejectionAndNoticeTogether(t *testing.T) {
	t.Parallel()
	e := newEnv(t, imaptest.Password)
	e.w.AutoReject = true
	e.interview(t)
	e.server.Deliver(t, "INBOX", imaptest.Message("no@northwind.example", "Dana Reyes <dana@northwind.example>", "Re: Thank you",
		clearNo, "In-Reply-To: <"+e.one(t, onward.ThankYou).MessageID+">"))
	ctx, cancel := context.WithCancel(e.ctx)
	defer cancel()
	e.w.Log = slog.New(cancelOn{msg: "recruiter replied", cancel: cancel, once: &sync.Once{}})
	_, _ = e.w.Poll(ctx) // interrupted, or not, after the reply
	if ctx.Err() == nil {
		t.Fatal("the poll never logged the reply")
	}
	e.w.Log = slog.New(slog.DiscardHandler)
	e.poll(t)

	a, err := e.store.Application(e.ctx, e.app.ID)
	if err != nil {
		t.Fatal(err)
	}
	if a.Stage != onward.StageRejected {
		t.Errorf("stage %s after the interrupted poll and the next one; want the rejection recorded", a.Stage)
	}
	if n := len(e.messages(t, store.MessageFilter{Kind: onward.RejectionNotice})); n != 1 {
		t.Errorf("%d rejection notices; want exactly one", n)
	}
}
