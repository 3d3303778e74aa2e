package replies_test

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2/imapserver"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/imapbox"
	"github.com/onward-app/onward/internal/imaptest"
	"github.com/onward-app/onward/mailer"
	"github.com/onward-app/onward/plan"
	"github.com/onward-app/onward/replies"
	"github.com/onward-app/onward/store"
	"github.com/onward-app/onward/tracker"
	"github.com/onward-app/onward/when"
)

type env struct {
	ctx     context.Context
	now     time.Time
	server  *imaptest.Server
	store   *store.Store
	tracker *tracker.Tracker
	w       *replies.Watcher
	app     store.Application
}

// newEnv opens a real database with one application whose recruiter is
// Dana, and a watcher on a real IMAP server; the first poll has run, so
// the inbox cursor sits at the end of the (empty) inbox.
func newEnv(t *testing.T, password string) *env {
	t.Helper()
	e := &env{ctx: context.Background(), now: time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)}
	st, err := store.Open(e.ctx, filepath.Join(t.TempDir(), "onward.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	st.Now = func() time.Time { return e.now }
	e.store = st
	user := mailer.Address{Name: "Alex Example", Email: imaptest.User}
	policy := plan.Policy{Location: time.UTC, Delays: map[onward.Kind]when.Delay{
		onward.ThankYou: {Clock: 3 * time.Hour}, onward.StatusCheck: {Days: 7},
		onward.FeedbackRequest: {Days: 1}, onward.StayInTouch: {Days: 45},
		onward.Learn: {Days: 1}, onward.LetGo: {Days: 7},
	}}
	e.tracker = tracker.New(st, policy, user)
	e.server = imaptest.Start(t, imaptest.Options{})
	cfg := imapbox.Config{Host: "127.0.0.1", Port: e.server.Port, Username: imaptest.User, Password: password,
		Security: "none", Timeout: 5 * time.Second}
	e.w = &replies.Watcher{
		Store: st, Tracker: e.tracker, User: imaptest.User, Drafts: true,
		Dial:         func(ctx context.Context) (replies.Mailbox, error) { return imapbox.Dial(ctx, cfg) },
		DiscardAfter: when.Delay{Days: 2}, Location: time.UTC,
		Now: func() time.Time { return e.now }, Log: slog.New(slog.DiscardHandler),
	}
	e.app, err = e.tracker.Apply(e.ctx, tracker.NewApplication{Company: "Northwind Labs", Role: "Platform Engineer",
		Recruiter: "Dana Reyes <dana@northwind.example>"})
	if err != nil {
		t.Fatal(err)
	}
	if password == imaptest.Password {
		e.poll(t)
	}
	return e
}

func (e *env) poll(t *testing.T) replies.Report {
	t.Helper()
	rep, err := e.w.Poll(e.ctx)
	if err != nil {
		t.Fatalf("poll: %v", err)
	}
	return rep
}

func (e *env) messages(t *testing.T, f store.MessageFilter) []store.Message {
	t.Helper()
	ms, err := e.store.Messages(e.ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

func (e *env) one(t *testing.T, kind onward.Kind) store.Message {
	t.Helper()
	ms := e.messages(t, store.MessageFilter{Kind: kind})
	if len(ms) != 1 {
		t.Fatalf("want one %s, have %d", kind, len(ms))
	}
	return ms[0]
}

func (e *env) interview(t *testing.T) {
	t.Helper()
	if _, err := e.tracker.Interview(e.ctx, e.app.ID, e.now.Add(-2*time.Hour), time.Hour); err != nil {
		t.Fatal(err)
	}
}

func lastEvent(t *testing.T, e *env) onward.EventKind {
	t.Helper()
	ev, err := e.store.LastEvent(e.ctx, e.app.ID)
	if err != nil {
		t.Fatal(err)
	}
	return ev.Kind
}

func TestReplyByHeaderCancelsTheStatusCheck(t *testing.T) {
	t.Parallel()
	e := newEnv(t, imaptest.Password)
	e.interview(t)
	ours := e.one(t, onward.ThankYou)
	e.server.Deliver(t, "INBOX", imaptest.Message("r1@northwind.example", "Dana Reyes <dana@northwind.example>", "Re: Thank you",
		"Thanks Alex, we'll be in touch next week.", "In-Reply-To: <"+ours.MessageID+">"))
	before := e.server.Flags(t, "INBOX")

	rep := e.poll(t)
	if rep.Replies != 1 || rep.Rejections != 0 {
		t.Fatalf("report %+v, want one reply", rep)
	}
	if sc := e.one(t, onward.StatusCheck); sc.Status != onward.StatusCancelled {
		t.Errorf("status_check is %s, want cancelled by the reply", sc.Status)
	}
	if got := lastEvent(t, e); got != onward.Reply {
		t.Errorf("last event %s, want reply", got)
	}
	after := e.server.Flags(t, "INBOX")
	if len(after) != 1 || strings.Join(after[1], ",") != strings.Join(before[1], ",") {
		t.Errorf("flags changed from %v to %v; onward must not touch them", before, after)
	}
	// A second poll reads nothing new and records nothing twice.
	if rep := e.poll(t); rep.Read != 0 || rep.Replies != 0 {
		t.Errorf("second poll: %+v", rep)
	}
}

func TestReplyBySenderAndAutoReplies(t *testing.T) {
	t.Parallel()
	e := newEnv(t, imaptest.Password)
	e.interview(t)
	e.server.Deliver(t, "INBOX", imaptest.Message("ooo@northwind.example", "Dana Reyes <dana@northwind.example>",
		"Out of Office: back Monday", "I am out of the office.", "Auto-Submitted: auto-replied"))
	if rep := e.poll(t); rep.Read != 1 || rep.Replies != 0 {
		t.Fatalf("an auto-reply counted: %+v", rep)
	}
	if sc := e.one(t, onward.StatusCheck); sc.Status != onward.StatusScheduled {
		t.Fatalf("status_check %s after an auto-reply", sc.Status)
	}
	e.server.Deliver(t, "INBOX", imaptest.Message("d1@northwind.example", "Dana Reyes <DANA@northwind.example>",
		"Next steps", "Hi Alex, could you do Thursday at 3?"))
	e.server.Deliver(t, "INBOX", imaptest.Message("x1@other.example", "Someone Else <someone@other.example>",
		"Newsletter", "Unrelated."))
	if rep := e.poll(t); rep.Replies != 1 {
		t.Fatalf("report %+v, want the recruiter's mail as one reply", rep)
	}
	if sc := e.one(t, onward.StatusCheck); sc.Status != onward.StatusCancelled {
		t.Errorf("status_check %s, want cancelled", sc.Status)
	}
}

func TestRejectionReplies(t *testing.T) {
	t.Parallel()
	for _, auto := range []bool{false, true} {
		t.Run(map[bool]string{false: "notice", true: "auto_reject"}[auto], func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, imaptest.Password)
			e.w.AutoReject = auto
			e.interview(t)
			// auto_reject acts only on a reply in a thread onward started.
			e.server.Deliver(t, "INBOX", imaptest.Message("no@northwind.example", "Dana Reyes <dana@northwind.example>",
				"Re: Thank you", "Hi Alex,\n\nThank you for your time. After careful consideration we have decided to move forward with other candidates.\n\nBest,\nDana",
				"In-Reply-To: <"+e.one(t, onward.ThankYou).MessageID+">"))
			rep := e.poll(t)
			if rep.Rejections != 1 {
				t.Fatalf("report %+v, want one rejection", rep)
			}
			notice := e.one(t, onward.RejectionNotice)
			if notice.Audience != onward.User || notice.Status != onward.StatusScheduled {
				t.Errorf("notice %+v, want a check-in to the user", notice)
			}
			a, err := e.store.Application(e.ctx, e.app.ID)
			if err != nil {
				t.Fatal(err)
			}
			if want := map[bool]onward.Stage{false: onward.StageInterviewing, true: onward.StageRejected}[auto]; a.Stage != want {
				t.Errorf("stage %s, want %s", a.Stage, want)
			}
		})
	}
}

func TestLessonsFromRepliesToCheckIns(t *testing.T) {
	t.Parallel()
	e := newEnv(t, imaptest.Password)
	if _, err := e.tracker.Reject(e.ctx, e.app.ID, e.now, ""); err != nil {
		t.Fatal(err)
	}
	learn := e.one(t, onward.Learn)
	ref := "In-Reply-To: <" + learn.MessageID + ">"
	// The user answers from another of their addresses, named in
	// user.aliases.
	e.w.Aliases = []string{"alex.other@alex.example"}
	for _, tc := range []struct{ id, body string }{
		{"gmail@alex.example", "Next time I will prepare the system design round out loud.\n\nOn Thu, 5 Mar 2026 at 09:00, onward <alex@alex.example> wrote:\n> Hi Alex,\n> What did you learn?"},
		{"outlook@alex.example", "Ask about on-call in the first call.\n\n-----Original Message-----\nFrom: onward <alex@alex.example>\nSent: Thursday, March 5, 2026 9:00 AM\nSubject: Northwind Labs: what did you learn?\n\nHi Alex,"},
		{"apple@alex.example", "Bring numbers from the migration project.\n\n-- \nAlex\n\n> On 5 Mar 2026, at 09:00, onward <alex@alex.example> wrote:\n> \n> Hi Alex,"},
	} {
		raw := imaptest.Message(tc.id, "Alex Other Address <alex.other@alex.example>", "Re: what did you learn?", tc.body, ref)
		e.server.Deliver(t, "INBOX", raw)
	}
	if rep := e.poll(t); rep.Lessons != 3 {
		t.Fatalf("report %+v, want three lessons", rep)
	}
	ls, err := e.store.Lessons(e.ctx, store.LessonFilter{ApplicationID: e.app.ID})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"Next time I will prepare the system design round out loud.",
		"Ask about on-call in the first call.",
		"Bring numbers from the migration project.",
	}
	if len(ls) != len(want) {
		t.Fatalf("lessons %+v", ls)
	}
	for i, l := range ls {
		if l.Text != want[i] {
			t.Errorf("lesson %d = %q, want %q (quote and signature removed)", i, l.Text, want[i])
		}
	}
	// Reading the folder from the start again (a UIDVALIDITY reset looks
	// like this) records nothing twice.
	if err := e.store.Update(e.ctx, func(tx *store.Tx) error {
		return tx.SetCursor(e.ctx, store.InboxCursor{Mailbox: "INBOX"})
	}); err != nil {
		t.Fatal(err)
	}
	if rep := e.poll(t); rep.Read != 3 || rep.Lessons != 0 {
		t.Errorf("rereading: %+v, want 3 read and no new lessons", rep)
	}
}

func TestDraftsSentAndDiscardedInTheMailProgram(t *testing.T) {
	t.Parallel()
	e := newEnv(t, imaptest.Password)
	e.interview(t)
	// Two drafts, as the dispatcher would leave them.
	for _, kind := range []onward.Kind{onward.ThankYou, onward.StatusCheck} {
		m := e.one(t, kind)
		draft(t, e, m)
	}
	ty, sc := e.one(t, onward.ThankYou), e.one(t, onward.StatusCheck)
	// The user sends the thank-you: it lands in Sent with its Message-ID.
	e.server.Deliver(t, "Sent", imaptest.Message(ty.MessageID, "Alex Example <alex@alex.example>", "Thank you", "Hi Dana"))
	rep := e.poll(t)
	if rep.Sent != 1 || rep.Discarded != 0 {
		t.Fatalf("report %+v, want one sent", rep)
	}
	if got := e.one(t, onward.ThankYou); got.Status != onward.StatusSent || got.SentAt.IsZero() {
		t.Errorf("thank_you %s, want sent", got.Status)
	}
	// The status check is in neither folder: within the grace period it is
	// left alone, after it, discarded.
	if got := e.one(t, onward.StatusCheck); got.Status != onward.StatusDrafted {
		t.Errorf("status_check %s before the grace period, want drafted", got.Status)
	}
	e.now = e.now.Add(3 * 24 * time.Hour)
	if rep := e.poll(t); rep.Discarded != 1 {
		t.Fatalf("report %+v, want one discarded", rep)
	}
	if got := e.one(t, onward.StatusCheck); got.Status != onward.StatusDiscarded {
		t.Errorf("status_check %s, want discarded (id %d)", got.Status, sc.ID)
	}
}

// draft moves a scheduled recruiter message to drafted through the claim
// the dispatcher uses, without rendering.
func draft(t *testing.T, e *env, m store.Message) {
	t.Helper()
	claimed, err := e.store.ClaimDue(e.ctx, m.DueAt.Add(time.Second), time.Minute, 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range claimed {
		if c.ID == m.ID {
			if err := e.store.MarkFiled(e.ctx, c.ID); err != nil {
				t.Fatal(err)
			}
			if err := e.store.Finish(e.ctx, c, store.Outcome{Status: onward.StatusDrafted, To: c.To, Subject: "s", Text: "t"}); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := e.store.Release(e.ctx, []store.Message{c}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestBadMailboxConditions(t *testing.T) {
	t.Parallel()
	t.Run("wrong password", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, "wrong-password-distinctive")
		_, err := e.w.Poll(e.ctx)
		if !errors.Is(err, imapbox.ErrAuth) || strings.Contains(err.Error(), "wrong-password-distinctive") {
			t.Fatalf("poll error %v, want ErrAuth without the password", err)
		}
		status, _, ok, serr := e.store.Status(e.ctx, replies.StatusName)
		if serr != nil || !ok || !strings.HasPrefix(status, "error ") {
			t.Errorf("status %q (%v), want the error kept for onward status", status, serr)
		}
	})
	t.Run("server gone mid-poll", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, imaptest.Password)
		e.server.Deliver(t, "INBOX", imaptest.Message("a@x.example", "A <a@x.example>", "hi", "hi"))
		cut := func(c *imapserver.Conn) error {
			c.NetConn().Close()
			return errors.New("gone")
		}
		e.server.OnFetch.Store(&cut)
		if _, err := e.w.Poll(e.ctx); err == nil {
			t.Fatal("poll succeeded against a server that hung up")
		}
		e.server.OnFetch.Store(nil)
		if rep := e.poll(t); rep.Read != 1 {
			t.Errorf("after the server came back: %+v, want the message read", rep)
		}
	})
	t.Run("a mailbox that does not exist", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, imaptest.Password)
		cfg := imapbox.Config{Host: "127.0.0.1", Port: e.server.Port, Username: imaptest.User, Password: imaptest.Password,
			Security: "none", Timeout: 5 * time.Second, SentMailbox: "Sent Items That Do Not Exist"}
		e.w.Dial = func(ctx context.Context) (replies.Mailbox, error) { return imapbox.Dial(ctx, cfg) }
		_, err := e.w.Poll(e.ctx)
		if !errors.Is(err, imapbox.ErrNoMailbox) || !strings.Contains(err.Error(), "sent_mailbox") {
			t.Fatalf("poll error %v, want ErrNoMailbox naming the setting to fix", err)
		}
	})
	t.Run("not valid MIME", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, imaptest.Password)
		e.server.Deliver(t, "INBOX", []byte("Message-ID: <bad@x.example>\r\nFrom: Dana Reyes <dana@northwind.example>\r\nContent-Type: multipart/mixed\r\n\r\n--nope\r\nbroken"))
		e.server.Deliver(t, "INBOX", imaptest.Message("good@northwind.example", "Dana Reyes <dana@northwind.example>", "hi", "Thursday works."))
		rep := e.poll(t)
		if rep.Read != 2 || rep.Replies != 1 {
			t.Errorf("report %+v, want both read and the valid one counted", rep)
		}
	})
}

// Some mail programs give a draft a new Message-ID when they send it: the
// sent copy is recognised by its recipient and subject.
func TestDraftSentUnderANewMessageID(t *testing.T) {
	t.Parallel()
	e := newEnv(t, imaptest.Password)
	e.interview(t)
	draft(t, e, e.one(t, onward.ThankYou))
	ty := e.one(t, onward.ThankYou)
	sent := "Message-ID: <new-id-from-the-mail-program@alex.example>\r\nDate: Wed, 04 Mar 2026 11:00:00 +0000\r\n" +
		"From: Alex Example <alex@alex.example>\r\nTo: Dana Reyes <dana@northwind.example>\r\nSubject:  " + ty.Subject +
		"\r\nContent-Type: text/plain\r\n\r\nHi Dana\r\n"
	e.server.Deliver(t, "Sent", []byte(sent))
	if rep := e.poll(t); rep.Sent != 1 {
		t.Fatalf("report %+v, want the draft recognised as sent", rep)
	}
	if got := e.one(t, onward.ThankYou); got.Status != onward.StatusSent {
		t.Errorf("thank_you %s, want sent", got.Status)
	}
	// Another mail to Dana with another subject is not this draft.
	if sc := e.one(t, onward.StatusCheck); sc.Status != onward.StatusScheduled {
		t.Errorf("status_check %s", sc.Status)
	}
}

func TestRepliesThatMustNotBeRecorded(t *testing.T) {
	t.Parallel()
	t.Run("a recruiter for two applications, no thread", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, imaptest.Password)
		e.interview(t)
		if _, err := e.tracker.Apply(e.ctx, tracker.NewApplication{Company: "Northwind Labs", Role: "Data Engineer",
			Recruiter: "Dana Reyes <dana@northwind.example>"}); err != nil {
			t.Fatal(err)
		}
		e.server.Deliver(t, "INBOX", imaptest.Message("amb@northwind.example", "Dana Reyes <dana@northwind.example>",
			"Update", "We have decided to move forward with other candidates."))
		if rep := e.poll(t); rep.Replies != 0 || rep.Rejections != 0 {
			t.Errorf("report %+v: an ambiguous reply was recorded", rep)
		}
	})
	t.Run("match_domain on a free-mail domain", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, imaptest.Password)
		e.w.MatchDomain = true
		app, err := e.tracker.Apply(e.ctx, tracker.NewApplication{Company: "Tiny Startup", Role: "SRE", Recruiter: "Founder <founder@gmail.com>"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.tracker.Interview(e.ctx, app.ID, e.now.Add(-2*time.Hour), time.Hour); err != nil {
			t.Fatal(err)
		}
		e.server.Deliver(t, "INBOX", imaptest.Message("mum@gmail.com", "Mum <mum@gmail.com>", "Sunday", "Lunch at one?"))
		if rep := e.poll(t); rep.Replies != 0 {
			t.Errorf("report %+v: mail from another gmail.com address counted as the recruiter's reply", rep)
		}
	})
	t.Run("a rejection without a thread is not recorded by auto_reject", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, imaptest.Password)
		e.w.AutoReject = true
		e.interview(t)
		e.server.Deliver(t, "INBOX", imaptest.Message("nt@northwind.example", "Dana Reyes <dana@northwind.example>",
			"Your application", "We have decided to move forward with other candidates."))
		if rep := e.poll(t); rep.Replies != 1 || rep.Rejections != 1 {
			t.Fatalf("report %+v", rep)
		}
		if a, _ := e.store.Application(e.ctx, e.app.ID); a.Stage != onward.StageInterviewing {
			t.Errorf("stage %s: auto_reject acted on a reply outside onward's threads", a.Stage)
		}
		if n := e.one(t, onward.RejectionNotice); n.Status != onward.StatusScheduled {
			t.Errorf("no notice for the user: %+v", n)
		}
	})
}

// The user replies to their own check-in from the address onward writes
// from: that reply is the lesson.
func TestLessonFromTheUsersOwnAddress(t *testing.T) {
	t.Parallel()
	e := newEnv(t, imaptest.Password)
	if _, err := e.tracker.Reject(e.ctx, e.app.ID, e.now, ""); err != nil {
		t.Fatal(err)
	}
	learn := e.one(t, onward.Learn)
	e.server.Deliver(t, "INBOX", imaptest.Message("own@alex.example", "Alex Example <"+imaptest.User+">", "Re: what did you learn?",
		"Rehearse the salary question.\n\nOn Thu, onward wrote:\n> What did you learn?", "In-Reply-To: <"+learn.MessageID+">"))
	if rep := e.poll(t); rep.Lessons != 1 {
		t.Fatalf("report %+v, want the user's own reply as a lesson", rep)
	}
}

// A switch to drafts = "imap" leaves the drafts made before it alone.
func TestDraftsNotFiledInTheMailboxAreLeftAlone(t *testing.T) {
	t.Parallel()
	e := newEnv(t, imaptest.Password)
	e.interview(t)
	ty := e.one(t, onward.ThankYou)
	claimed, err := e.store.ClaimDue(e.ctx, ty.DueAt.Add(time.Second), time.Minute, 1)
	if err != nil || len(claimed) != 1 {
		t.Fatalf("claim: %v %v", claimed, err)
	}
	if err := e.store.Finish(e.ctx, claimed[0], store.Outcome{Status: onward.StatusDrafted, To: ty.To, Subject: "s", Text: "t"}); err != nil {
		t.Fatal(err)
	}
	e.now = e.now.Add(10 * 24 * time.Hour)
	if rep := e.poll(t); rep.Discarded != 0 {
		t.Errorf("report %+v: a draft delivered by email was discarded for not being in the Drafts folder", rep)
	}
}
