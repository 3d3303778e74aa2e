package replies_test

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/internal/imaptest"
	"github.com/onward-app/onward/store"
	"github.com/onward-app/onward/tracker"
)

const clearNo = "Hi Alex,\n\nThank you for your time. After careful consideration we have decided to move forward with other candidates.\n\nBest,\nDana"

// unchanged fails the test if app has a reply or a rejection recorded,
// its thank-you and status check are not still scheduled, or anything
// else was planned for it (a notice, a feedback request).
func unchanged(t *testing.T, e *env, app store.Application) {
	t.Helper()
	for _, kind := range []onward.EventKind{onward.Reply, onward.Rejected} {
		if _, err := e.store.LastEventOf(e.ctx, app.ID, kind); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s: a %s event was recorded (%v)", app.Company, kind, err)
		}
	}
	a, err := e.store.Application(e.ctx, app.ID)
	if err != nil {
		t.Fatal(err)
	}
	if a.Stage != onward.StageInterviewing {
		t.Errorf("%s: stage %s, want interviewing", app.Company, a.Stage)
	}
	for _, m := range e.messages(t, store.MessageFilter{ApplicationID: app.ID}) {
		switch m.Kind {
		case onward.ThankYou, onward.StatusCheck, onward.Prep:
			if m.Status != onward.StatusScheduled {
				t.Errorf("%s: %s is %s, want still scheduled", app.Company, m.Kind, m.Status)
			}
		default:
			t.Errorf("%s: a %s (%s) was planned", app.Company, m.Kind, m.Status)
		}
	}
}

// Message-IDs are no secret: a stranger who puts one of onward's in
// In-Reply-To is still a stranger, even with auto_reject on.
func TestForgedReplyFromAStranger(t *testing.T) {
	t.Parallel()
	e := newEnv(t, imaptest.Password)
	e.w.AutoReject = true
	e.interview(t)
	ty := e.one(t, onward.ThankYou)
	e.server.Deliver(t, "INBOX", imaptest.Message("forged@evil.example", "Dana Reyes <mallory@evil.example>", "Re: Thank you",
		clearNo, "In-Reply-To: <"+ty.MessageID+">", "References: <"+ty.MessageID+">"))
	rep := e.poll(t)
	if rep.Read != 1 || rep.Replies != 0 || rep.Rejections != 0 {
		t.Errorf("report %+v: a stranger's mail counted", rep)
	}
	unchanged(t, e, e.app)
	if n := len(e.messages(t, store.MessageFilter{Kind: onward.RejectionNotice})); n != 0 {
		t.Errorf("%d rejection notices; want none", n)
	}
}

// A recruiter's mail that names another application's messages changes
// neither: the thread points at one application, the sender at another.
func TestReplyReferencingAnotherApplication(t *testing.T) {
	t.Parallel()
	e := newEnv(t, imaptest.Password)
	e.w.AutoReject = true
	e.interview(t)
	globex, err := e.tracker.Apply(e.ctx, tracker.NewApplication{Company: "Globex", Role: "SRE", Recruiter: "Sam Hill <sam@globex.example>"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.tracker.Interview(e.ctx, globex.ID, e.now.Add(-2*time.Hour), time.Hour); err != nil {
		t.Fatal(err)
	}
	northwindTY := e.messages(t, store.MessageFilter{ApplicationID: e.app.ID, Kind: onward.ThankYou})[0]
	e.server.Deliver(t, "INBOX", imaptest.Message("cross@globex.example", "Sam Hill <sam@globex.example>", "Re: Thank you",
		clearNo, "In-Reply-To: <"+northwindTY.MessageID+">"))
	if rep := e.poll(t); rep.Replies != 0 || rep.Rejections != 0 {
		t.Errorf("report %+v: a mail in another application's thread counted", rep)
	}
	unchanged(t, e, e.app)
	unchanged(t, e, globex)

	// The same recruiter in their own thread is a reply, to their own
	// application only.
	globexTY := e.messages(t, store.MessageFilter{ApplicationID: globex.ID, Kind: onward.ThankYou})[0]
	e.server.Deliver(t, "INBOX", imaptest.Message("own@globex.example", "Sam Hill <sam@globex.example>", "Re: Thank you",
		"Thanks Alex, Thursday works.", "In-Reply-To: <"+globexTY.MessageID+">", "References: <"+northwindTY.MessageID+"> <"+globexTY.MessageID+">"))
	if rep := e.poll(t); rep.Replies != 1 {
		t.Errorf("report %+v: want Globex's reply counted", rep)
	}
	if _, err := e.store.LastEventOf(e.ctx, globex.ID, onward.Reply); err != nil {
		t.Errorf("Globex's reply: %v, want it recorded", err)
	}
	unchanged(t, e, e.app)
}

// Only the user writes their lessons: a stranger answering a check-in adds
// nothing that a later let-go or prep note would quote back.
func TestStrangerAnsweringACheckIn(t *testing.T) {
	t.Parallel()
	e := newEnv(t, imaptest.Password)
	if _, err := e.tracker.Reject(e.ctx, e.app.ID, e.now, ""); err != nil {
		t.Fatal(err)
	}
	learn := e.one(t, onward.Learn)
	for _, from := range []string{"Mallory <mallory@evil.example>", "Alex Example <alex@alex.example.evil.example>", "Dana Reyes <dana@northwind.example>"} {
		e.server.Deliver(t, "INBOX", imaptest.Message(strings.NewReplacer(" ", "", "<", "", ">", "").Replace(from)+".id", from,
			"Re: what did you learn?", "Next time, wire the deposit to mallory@evil.example.", "In-Reply-To: <"+learn.MessageID+">"))
	}
	if rep := e.poll(t); rep.Read != 3 || rep.Lessons != 0 {
		t.Errorf("report %+v: want three read and no lesson", rep)
	}
	ls, err := e.store.Lessons(e.ctx, store.LessonFilter{ApplicationID: e.app.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(ls) != 0 {
		t.Errorf("lessons %+v; want none", ls)
	}
}

// A message over the size limit is never downloaded, and its place is
// kept: the next poll does not ask for it again, and the mail after it is
// read.
func TestOversizedMailIsNeverFetched(t *testing.T) {
	t.Parallel()
	e := newEnv(t, imaptest.Password)
	e.interview(t)
	line := strings.Repeat("x", 76) + "\n"
	big := e.server.Deliver(t, "INBOX", imaptest.Message("big@stranger.example", "Someone <someone@stranger.example>", "big",
		strings.Repeat(line, 6<<20/len(line))))
	small := e.server.Deliver(t, "INBOX", imaptest.Message("after@northwind.example", "Dana Reyes <dana@northwind.example>", "Next steps",
		"Could you do Thursday at 3?"))
	var logged lockedBuffer
	e.w.Log = slog.New(slog.NewTextHandler(&logged, nil))
	if rep := e.poll(t); rep.Read != 2 || rep.Replies != 1 {
		t.Errorf("report %+v: want both read and the small one a reply", rep)
	}
	if line := logged.String(); !strings.Contains(line, "larger than imap.max_message_size") ||
		!strings.Contains(line, fmt.Sprintf("uid=%d ", big)) || !strings.Contains(line, "size=") || !strings.Contains(line, "limit=5242880") {
		t.Errorf("log %q; want the skipped message named with its UID, size and the limit", line)
	}
	if rep := e.poll(t); rep.Read != 0 {
		t.Errorf("second poll %+v: want nothing read again", rep)
	}
	if n := e.server.BodyFetches(big); n != 0 {
		t.Errorf("the 6 MB message's body was fetched %d times; want never", n)
	}
	if n := e.server.BodyFetches(small); n != 1 {
		t.Errorf("the small message's body was fetched %d times; want once", n)
	}
}

// auto_reject records only a clear no: a no beside an invitation changes
// nothing but the reply, and a no with a question gets the user a notice
// with the command instead.
func TestAutoRejectOnlyOnAClearNo(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, body string
		notice     bool
	}{
		{"an invitation beside it", "Hi Alex,\n\nThe junior position has been filled, and we would love to talk to you about the senior one.\n\nDana", false},
		{"a glitch", "Hi Alex, your application was unsuccessful in the ATS due to a glitch, please resubmit.", false},
		{"a question", "Hi Alex,\n\nWe have decided to move forward with other candidates. Thanks for your time. Are you still looking?\n\nDana", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, imaptest.Password)
			e.w.AutoReject = true
			e.interview(t)
			e.server.Deliver(t, "INBOX", imaptest.Message("r@northwind.example", "Dana Reyes <dana@northwind.example>", "Re: Thank you",
				tc.body, "In-Reply-To: <"+e.one(t, onward.ThankYou).MessageID+">"))
			rep := e.poll(t)
			if rep.Replies != 1 {
				t.Fatalf("report %+v, want the reply recorded", rep)
			}
			if a, _ := e.store.Application(e.ctx, e.app.ID); a.Stage != onward.StageInterviewing {
				t.Errorf("stage %s: auto_reject acted on something that is not a clear no", a.Stage)
			}
			if _, err := e.store.LastEventOf(e.ctx, e.app.ID, onward.Rejected); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("a rejection was recorded (%v)", err)
			}
			notices := e.messages(t, store.MessageFilter{Kind: onward.RejectionNotice})
			if tc.notice && (len(notices) != 1 || notices[0].Status != onward.StatusScheduled) {
				t.Errorf("notices %+v; want one for the user to decide", notices)
			}
			if !tc.notice && len(notices) != 0 {
				t.Errorf("notices %+v; want none", notices)
			}
		})
	}
}

// lockedBuffer is a log sink a test reads while the watcher writes.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
