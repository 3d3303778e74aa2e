package deliver_test

import (
	"context"
	"errors"
	"net/mail"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/compose"
	"github.com/onward-app/onward/deliver"
	fakeclock "github.com/onward-app/onward/internal/clock"
	"github.com/onward-app/onward/internal/smtptest"
	"github.com/onward-app/onward/mailer"
	"github.com/onward-app/onward/plan"
	"github.com/onward-app/onward/store"
	"github.com/onward-app/onward/templates"
	"github.com/onward-app/onward/tracker"
	"github.com/onward-app/onward/when"
)

// clock is a fake clock the tests move by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

var berlin = mustZone("Europe/Berlin")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// bundle is what a dispatcher test works with.
type bundle struct {
	ctx     context.Context
	clock   *clock
	store   *store.Store
	tracker *tracker.Tracker
	server  *smtptest.Server
	smtp    *mailer.SMTP
	setup   *deliver.Setup
	d       *deliver.Dispatcher
	user    mailer.Address
	log     []deliver.Delivery
}

// setup opens a real database in a temp folder, starts a real SMTP server
// scripted by script, and wires a dispatcher on a fake clock starting on a
// Wednesday at 10:00 in Berlin, inside every window.
func setup(t *testing.T, script smtptest.Script) *bundle {
	t.Helper()
	ctx := context.Background()
	b := &bundle{ctx: ctx, clock: &clock{t: time.Date(2026, 3, 4, 10, 0, 0, 0, berlin)}}
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "onward.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	st.Now = b.clock.Now
	b.store = st
	b.user = mailer.Address{Name: "Alex Morgan", Email: "alex@example.com"}
	window, err := when.ParseSpec("* 9-17 * * MON-FRI")
	if err != nil {
		t.Fatal(err)
	}
	policy := plan.Policy{Location: berlin, Window: window, Delays: map[onward.Kind]when.Delay{
		onward.ThankYou: {Clock: 3 * time.Hour}, onward.StatusCheck: {Days: 7},
		onward.FeedbackRequest: {Days: 1}, onward.StayInTouch: {Days: 45},
		onward.Learn: {Days: 1}, onward.LetGo: {Days: 7},
	}}
	b.tracker = tracker.New(st, policy, b.user)
	b.server = smtptest.Start(t, script)
	b.smtp, err = mailer.NewSMTP(mailer.SMTPConfig{Host: b.server.Host, Port: b.server.Port, Security: "none",
		Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.smtp.Close() })
	tpl, err := templates.Load("")
	if err != nil {
		t.Fatal(err)
	}
	digest, err := when.ParseSpec("0 18 * * SUN")
	if err != nil {
		t.Fatal(err)
	}
	b.setup = &deliver.Setup{
		Composer:    &compose.Composer{Store: st, Templates: tpl, User: b.user, Location: berlin},
		Mail:        b.smtp,
		Send:        b.smtp,
		Stale:       map[onward.Kind]when.Delay{onward.ThankYou: {Days: 2}, onward.Learn: {Days: 3}},
		GiveUpAfter: when.Delay{Days: 3},
		Digest:      digest,
		Location:    berlin,
	}
	b.d = deliver.New(st, fakeclock.Wall(b.clock.Now), nil)
	b.d.OnDelivery = func(v deliver.Delivery) {
		b.log = append(b.log, v)
	}
	return b
}

// cycle runs one dispatcher round.
func (b *bundle) cycle(t *testing.T) time.Time {
	t.Helper()
	next, err := b.d.Cycle(b.ctx, b.setup)
	if err != nil {
		t.Fatalf("cycle: %v", err)
	}
	return next
}

func (b *bundle) apply(t *testing.T, recruiter string) store.Application {
	t.Helper()
	a, err := b.tracker.Apply(b.ctx, tracker.NewApplication{Company: "Northwind Labs", Role: "Platform Engineer", Recruiter: recruiter})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func (b *bundle) messages(t *testing.T, f store.MessageFilter) []store.Message {
	t.Helper()
	ms, err := b.store.Messages(b.ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

func (b *bundle) only(t *testing.T, kind onward.Kind) store.Message {
	t.Helper()
	ms := b.messages(t, store.MessageFilter{Kind: kind})
	if len(ms) != 1 {
		t.Fatalf("want one %s message, have %d", kind, len(ms))
	}
	return ms[0]
}

func header(t *testing.T, raw []byte, key string) string {
	t.Helper()
	m, err := mail.ReadMessage(strings.NewReader(string(raw)))
	if err != nil {
		t.Fatalf("parse received message: %v", err)
	}
	return m.Header.Get(key)
}

func TestRejectionCheckInsAreSentAndDraftsOnlyReachTheUser(t *testing.T) {
	t.Parallel()
	b := setup(t, smtptest.Script{})
	app := b.apply(t, "Dana Reyes <dana@northwind.example>")
	if _, err := b.tracker.Reject(b.ctx, app.ID, b.clock.Now(), ""); err != nil {
		t.Fatal(err)
	}
	b.clock.Add(8 * 24 * time.Hour) // past learn, let_go and feedback_request
	b.setup.Stale = nil
	b.cycle(t)

	want := map[onward.Kind]onward.Status{
		onward.Learn:           onward.StatusSent,
		onward.LetGo:           onward.StatusSent,
		onward.FeedbackRequest: onward.StatusDrafted,
		onward.StayInTouch:     onward.StatusScheduled,
		onward.DraftReady:      onward.StatusSent,
	}
	for kind, status := range want {
		if m := b.only(t, kind); m.Status != status {
			t.Errorf("%s: status %s, want %s (%s)", kind, m.Status, status, m.LastError)
		}
	}
	// Three emails, all to the user: learn, let_go and the draft_ready
	// notice. Nothing reached the recruiter.
	got := map[string]bool{}
	for range 3 {
		r := b.server.Next(t)
		if len(r.To) != 1 || r.To[0] != "alex@example.com" {
			t.Fatalf("an email went to %v, want only the user", r.To)
		}
		got[header(t, r.Data, "Message-Id")] = true
		if header(t, r.Data, "Auto-Submitted") != "auto-generated" {
			t.Errorf("a check-in lacks Auto-Submitted: auto-generated")
		}
	}
	for _, kind := range []onward.Kind{onward.Learn, onward.LetGo, onward.DraftReady} {
		if id := "<" + b.only(t, kind).MessageID + ">"; !got[id] {
			t.Errorf("the server did not receive %s with Message-ID %s", kind, id)
		}
	}
	if n := b.server.Pending(); n != 0 {
		t.Fatalf("%d more emails than expected", n)
	}
}

func TestDraftReadyCarriesTheDraftAndTheSendCommand(t *testing.T) {
	t.Parallel()
	b := setup(t, smtptest.Script{})
	app := b.apply(t, "Dana Reyes <dana@northwind.example>")
	if _, err := b.tracker.Interview(b.ctx, app.ID, b.clock.Now(), time.Hour); err != nil {
		t.Fatal(err)
	}
	b.clock.Add(4 * time.Hour)
	b.cycle(t)
	draft := b.only(t, onward.ThankYou)
	if draft.Status != onward.StatusDrafted || draft.Subject == "" || draft.Text == "" {
		t.Fatalf("thank_you: %+v, want a drafted message with subject and text", draft)
	}
	raw := string(b.server.Next(t).Data)
	for _, want := range []string{"drafts send " + strconv.FormatInt(draft.ID, 10), "message/rfc822", "draft.eml", "mailto:dana@northwind.example"} {
		if !strings.Contains(raw, want) {
			t.Errorf("draft_ready email lacks %q", want)
		}
	}
}

func TestSendDraftSendsOnceToTheRecruiter(t *testing.T) {
	t.Parallel()
	b := setup(t, smtptest.Script{})
	app := b.apply(t, "Dana Reyes <dana@northwind.example>")
	if _, err := b.tracker.Interview(b.ctx, app.ID, b.clock.Now(), time.Hour); err != nil {
		t.Fatal(err)
	}
	b.clock.Add(4 * time.Hour)
	b.cycle(t)
	b.server.Next(t) // the draft_ready notice
	draft := b.only(t, onward.ThankYou)

	if _, err := b.d.SendDraft(b.ctx, b.setup, draft.ID); err != nil {
		t.Fatalf("send draft: %v", err)
	}
	r := b.server.Next(t)
	if len(r.To) != 1 || r.To[0] != "dana@northwind.example" {
		t.Fatalf("draft went to %v", r.To)
	}
	if got := header(t, r.Data, "Message-Id"); got != "<"+draft.MessageID+">" {
		t.Errorf("Message-ID %s, want the draft's %s", got, draft.MessageID)
	}
	if got := b.only(t, onward.ThankYou); got.Status != onward.StatusSent || got.SentAt.IsZero() {
		t.Errorf("after send: %s, sent_at %v", got.Status, got.SentAt)
	}
	_, err := b.d.SendDraft(b.ctx, b.setup, draft.ID)
	if !errors.Is(err, store.ErrNotClaimable) {
		t.Fatalf("second send: %v, want ErrNotClaimable", err)
	}
	if n := b.server.Pending(); n != 0 {
		t.Fatalf("the draft was sent %d more times", n)
	}
}

func TestFailures(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		script     smtptest.Script
		wantStatus onward.Status
		wantError  string
	}{
		{"4xx after DATA is retried", smtptest.Script{Reject: map[string]*smtp.SMTPError{
			"DATA": {Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}}},
			onward.StatusScheduled, "451"},
		{"4xx at RCPT is retried", smtptest.Script{Reject: map[string]*smtp.SMTPError{
			"RCPT": {Code: 450, EnhancedCode: smtp.EnhancedCode{4, 2, 0}, Message: "mailbox busy"}}},
			onward.StatusScheduled, "450"},
		{"5xx fails with the server's words", smtptest.Script{Reject: map[string]*smtp.SMTPError{
			"RCPT": {Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such mailbox"}}},
			onward.StatusFailed, "no such mailbox"},
		{"dropped after the final dot is retried", smtptest.Script{DropAfterData: true},
			onward.StatusScheduled, ""},
		{"a stalled server is retried", smtptest.Script{Stall: "MAIL"}, onward.StatusScheduled, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, tc.script)
			app := b.apply(t, "")
			if _, err := b.tracker.Reject(b.ctx, app.ID, b.clock.Now(), ""); err != nil {
				t.Fatal(err)
			}
			b.clock.Add(25 * time.Hour) // learn is due, let_go is not
			b.cycle(t)
			m := b.only(t, onward.Learn)
			if m.Status != tc.wantStatus {
				t.Fatalf("status %s, want %s (last error %q)", m.Status, tc.wantStatus, m.LastError)
			}
			if m.LastError == "" || !strings.Contains(m.LastError, tc.wantError) {
				t.Errorf("last_error %q, want it to contain %q", m.LastError, tc.wantError)
			}
			if tc.wantStatus == onward.StatusScheduled {
				if want := b.clock.Now().Add(time.Minute); !m.DueAt.Equal(want.Truncate(time.Millisecond)) {
					t.Errorf("retry due %v, want %v (1 minute backoff)", m.DueAt, want)
				}
			}
		})
	}
}

func TestTemporaryFailureThenSuccessKeepsTheMessageID(t *testing.T) {
	t.Parallel()
	b := setup(t, smtptest.Script{Reject: map[string]*smtp.SMTPError{
		"DATA": {Code: 421, EnhancedCode: smtp.EnhancedCode{4, 4, 2}, Message: "closing"}}})
	app := b.apply(t, "")
	if _, err := b.tracker.Reject(b.ctx, app.ID, b.clock.Now(), ""); err != nil {
		t.Fatal(err)
	}
	b.clock.Add(25 * time.Hour)
	b.cycle(t)
	planned := b.only(t, onward.Learn)
	if planned.Status != onward.StatusScheduled || !strings.Contains(planned.LastError, "421") {
		t.Fatalf("after 421: %s %q", planned.Status, planned.LastError)
	}

	// The server recovers: point the dispatcher at a healthy one.
	good := smtptest.Start(t, smtptest.Script{})
	sender, err := mailer.NewSMTP(mailer.SMTPConfig{Host: good.Host, Port: good.Port, Security: "none", Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer sender.Close()
	b.setup.Mail = sender
	b.cycle(t)
	if m := b.only(t, onward.Learn); m.Status != onward.StatusScheduled {
		t.Fatalf("retried before its backoff: %s", m.Status)
	}
	b.clock.Add(time.Minute)
	b.cycle(t)
	second := good.Next(t)
	m := b.only(t, onward.Learn)
	if m.Status != onward.StatusSent || m.Attempts != 2 {
		t.Fatalf("after recovery: %s after %d attempts", m.Status, m.Attempts)
	}
	if got := header(t, second.Data, "Message-Id"); got != "<"+planned.MessageID+">" {
		t.Errorf("the retry carries Message-ID %s, want the planned %s", got, planned.MessageID)
	}
}

func TestGiveUpAfterTemporaryFailures(t *testing.T) {
	t.Parallel()
	b := setup(t, smtptest.Script{Reject: map[string]*smtp.SMTPError{
		"RCPT": {Code: 452, EnhancedCode: smtp.EnhancedCode{4, 2, 2}, Message: "mailbox full"}}})
	app := b.apply(t, "")
	if _, err := b.tracker.Reject(b.ctx, app.ID, b.clock.Now(), ""); err != nil {
		t.Fatal(err)
	}
	b.setup.Stale = nil
	b.clock.Add(25 * time.Hour)
	for range 20 {
		b.cycle(t)
		m := b.only(t, onward.Learn)
		if m.Status == onward.StatusFailed {
			if !strings.Contains(m.LastError, "gave up") || !strings.Contains(m.LastError, "452") {
				t.Errorf("last_error %q, want it to say it gave up and why", m.LastError)
			}
			if age := b.clock.Now().Sub(m.PlannedAt); age < 72*time.Hour {
				t.Errorf("gave up after %v, before give_up_after (3d)", age)
			}
			return
		}
		b.clock.Add(7 * time.Hour)
	}
	t.Fatal("never gave up")
}

func TestStaleMessagesExpireInsteadOfGoingOutLate(t *testing.T) {
	t.Parallel()
	b := setup(t, smtptest.Script{})
	app := b.apply(t, "Dana Reyes <dana@northwind.example>")
	if _, err := b.tracker.Interview(b.ctx, app.ID, b.clock.Now(), time.Hour); err != nil {
		t.Fatal(err)
	}
	// The daemon was down for five days: the thank-you (limit 2d) is too
	// late; the status check (no limit) still goes out.
	b.clock.Add(8 * 24 * time.Hour)
	b.cycle(t)
	ty := b.only(t, onward.ThankYou)
	if ty.Status != onward.StatusExpired || !strings.Contains(ty.LastError, "expired") {
		t.Errorf("thank_you: %s %q, want expired with a reason", ty.Status, ty.LastError)
	}
	if sc := b.only(t, onward.StatusCheck); sc.Status != onward.StatusDrafted {
		t.Errorf("status_check: %s, want drafted", sc.Status)
	}
}

func TestMissedDigestsBecomeOne(t *testing.T) {
	t.Parallel()
	b := setup(t, smtptest.Script{})
	b.cycle(t) // schedules the first digest: Sunday 8 March 18:00
	next, ok, err := b.store.JobNext(b.ctx, deliver.DigestJob)
	if err != nil || !ok {
		t.Fatalf("digest not scheduled: %v", err)
	}
	if want := time.Date(2026, 3, 8, 18, 0, 0, 0, berlin); !next.Equal(want) {
		t.Fatalf("next digest %v, want %v", next, want)
	}
	// Off for three weeks: three runs missed, one digest sent.
	b.clock.Add(21 * 24 * time.Hour)
	b.cycle(t)
	b.cycle(t)
	if ds := b.messages(t, store.MessageFilter{Kind: onward.Digest}); len(ds) != 1 || ds[0].Status != onward.StatusSent {
		t.Fatalf("digests after three missed weeks: %+v, want one sent", ds)
	}
	next, _, _ = b.store.JobNext(b.ctx, deliver.DigestJob)
	if !next.After(b.clock.Now()) || next.In(berlin).Weekday() != time.Sunday || next.In(berlin).Hour() != 18 {
		t.Errorf("next digest %v, want the coming Sunday 18:00", next.In(berlin))
	}
	if subject := header(t, b.server.Next(t).Data, "Subject"); subject == "" {
		t.Error("digest without a subject")
	}
}

func TestRunWakesOnAnotherProcessWrite(t *testing.T) {
	t.Parallel()
	b := setup(t, smtptest.Script{})
	b.d.Clock = fakeclock.System{}
	b.store.Now = time.Now
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.d.Run(ctx, b.setup) }()

	// A second connection, as the CLI would have, plans a check-in due now.
	other, err := store.Open(ctx, b.store.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	err = other.Update(ctx, func(tx *store.Tx) error {
		return tx.InsertMessage(ctx, &store.Message{Kind: onward.Digest, Audience: onward.User,
			To: b.user.String(), DueAt: time.Now(), MessageID: store.NewMessageID(b.user.Email)})
	})
	if err != nil {
		t.Fatal(err)
	}
	r := b.server.Next(t) // fails the test if nothing arrives within smtptest.WaitTimeout
	if len(r.To) != 1 || r.To[0] != b.user.Email {
		t.Errorf("sent to %v", r.To)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run returned %v on cancellation, want nil", err)
		}
	case <-time.After(smtptest.WaitTimeout):
		t.Fatal("Run did not stop after cancellation")
	}
}

// A notice that comes due while its draft is no longer waiting (here: a
// hand send holds it) is cancelled at the moment of sending, never sent.
func TestNoticeIsCheckedAgainWhenDue(t *testing.T) {
	t.Parallel()
	b := setup(t, smtptest.Script{
		Reject: map[string]*smtp.SMTPError{"DATA": {Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try later"}},
		Times:  1,
	})
	app := b.apply(t, "Dana Reyes <dana@northwind.example>")
	if _, err := b.tracker.Interview(b.ctx, app.ID, b.clock.Now(), time.Hour); err != nil {
		t.Fatal(err)
	}
	b.clock.Add(4 * time.Hour)
	b.cycle(t)
	if n := b.only(t, onward.DraftReady); n.Status != onward.StatusScheduled || n.LastError == "" {
		t.Fatalf("notice after a 451: %s %q, want scheduled for a retry", n.Status, n.LastError)
	}
	draft := b.only(t, onward.ThankYou)
	_, release, err := b.store.ClaimDraft(b.ctx, draft.ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	b.clock.Add(10 * time.Minute)
	b.cycle(t)
	n := b.only(t, onward.DraftReady)
	if n.Status != onward.StatusCancelled || !strings.Contains(n.LastError, "was sending") {
		t.Errorf("notice with its draft being sent: %s %q, want cancelled", n.Status, n.LastError)
	}
	if p := b.server.Pending(); p != 0 {
		t.Errorf("%d emails reached the server, want none", p)
	}
}
