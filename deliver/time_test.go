package deliver_test

import (
	"context"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/deliver"
	fakeclock "github.com/onward-app/onward/internal/clock"
	"github.com/onward-app/onward/internal/smtptest"
	"github.com/onward-app/onward/plan"
	"github.com/onward-app/onward/store"
	"github.com/onward-app/onward/tracker"
	"github.com/onward-app/onward/when"
)

// Tests of the promises about when: the rules are checked again at the
// moment of sending, a reload re-times what is pending, recurring jobs
// run once per scheduled time, and the loop notices clock steps.

func quiet(t *testing.T, s string) when.QuietHours {
	t.Helper()
	q, err := when.ParseQuietHours(s)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

// at sets the bundle's fake clock to a wall-clock time in Berlin.
func (b *bundle) at(month time.Month, day, hour, min int) {
	b.clock.mu.Lock()
	b.clock.t = time.Date(2026, month, day, hour, min, 0, 0, berlin)
	b.clock.mu.Unlock()
}

// planCheckIn plans a learn check-in due at due, as a rejection would.
func (b *bundle) planCheckIn(t *testing.T, due time.Time) store.Message {
	t.Helper()
	m := store.Message{Kind: onward.Learn, Audience: onward.User, To: b.user.Display(), DueAt: due,
		MessageID: store.NewMessageID(b.user.Email)}
	if err := b.store.Update(b.ctx, func(tx *store.Tx) error { return tx.InsertMessage(b.ctx, &m) }); err != nil {
		t.Fatal(err)
	}
	return m
}

func (b *bundle) message(t *testing.T, id int64) store.Message {
	t.Helper()
	m, err := b.store.Message(b.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// A check-in overdue after downtime is found at 23:13 Berlin, inside the
// quiet hours: it is not sent, but moved to 08:00, once, with the reason
// kept; at 08:00 it goes out, counted as one attempt.
func TestOverdueCheckInInsideQuietHoursWaitsForTheirEnd(t *testing.T) {
	t.Parallel()
	b := setup(t, smtptest.Script{})
	b.setup.Quiet = quiet(t, "21:00-08:00")
	b.at(time.March, 4, 18, 0)
	m := b.planCheckIn(t, b.clock.Now())
	b.at(time.March, 4, 23, 13) // the daemon was down from before 18:00
	b.cycle(t)
	if n := b.server.Pending(); n != 0 {
		t.Fatalf("%d emails sent at 23:13, inside quiet hours", n)
	}
	got := b.message(t, m.ID)
	want := time.Date(2026, 3, 5, 8, 0, 0, 0, berlin)
	if got.Status != onward.StatusScheduled || !got.DueAt.Equal(want) {
		t.Fatalf("check-in: %s due %v, want scheduled for %v", got.Status, got.DueAt.In(berlin), want)
	}
	if !strings.Contains(got.LastError, "quiet hours") {
		t.Errorf("last_error %q does not say why it waits", got.LastError)
	}
	if got.Attempts != 0 {
		t.Errorf("attempts = %d after being held, want 0: nothing was tried", got.Attempts)
	}
	if len(b.log) != 1 || b.log[0].Outcome != "held" {
		t.Errorf("deliveries %+v, want one held", b.log)
	}
	b.at(time.March, 5, 8, 0)
	b.cycle(t)
	b.server.Next(t)
	if got := b.message(t, m.ID); got.Status != onward.StatusSent || got.Attempts != 1 || got.MessageID != m.MessageID {
		t.Errorf("at 08:00: %s, %d attempts, Message-ID %s; want sent once with %s", got.Status, got.Attempts, got.MessageID, m.MessageID)
	}
}

// A check-in that fails with 451 a minute before the quiet hours begin is
// not retried a minute later inside them: the retry waits for their end.
func TestRetryAfter451InsideQuietHoursWaitsForTheirEnd(t *testing.T) {
	t.Parallel()
	b := setup(t, smtptest.Script{Reject: map[string]*smtp.SMTPError{
		"MAIL": {Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}}, Times: 1})
	b.setup.Quiet = quiet(t, "21:00-08:00")
	b.at(time.March, 4, 20, 59)
	m := b.planCheckIn(t, b.clock.Now())
	b.cycle(t)
	got := b.message(t, m.ID)
	want := time.Date(2026, 3, 5, 8, 0, 0, 0, berlin)
	if got.Status != onward.StatusScheduled || !got.DueAt.Equal(want) {
		t.Fatalf("after 451: %s due %v, want a retry at %v", got.Status, got.DueAt.In(berlin), want)
	}
	if !strings.Contains(got.LastError, "451") || !strings.Contains(got.LastError, "quiet hours") {
		t.Errorf("last_error %q, want the server's reply and why the retry waits", got.LastError)
	}
	b.at(time.March, 5, 8, 0)
	b.cycle(t)
	b.server.Next(t)
	if got := b.message(t, m.ID); got.Status != onward.StatusSent || got.Attempts != 2 {
		t.Errorf("at 08:00: %s after %d attempts, want sent on the second", got.Status, got.Attempts)
	}
}

// A recruiter draft found outside the send window (nights and weekends)
// waits for the window to open again.
func TestDraftFoundOutsideTheSendWindowWaitsForIt(t *testing.T) {
	t.Parallel()
	b := setup(t, smtptest.Script{})
	window, err := when.ParseSpec("* 9-17 * * MON-FRI")
	if err != nil {
		t.Fatal(err)
	}
	b.setup.Policy = plan.Policy{Location: berlin, Window: window}
	app := b.apply(t, "Dana Reyes <dana@northwind.example>")
	if _, err := b.tracker.Interview(b.ctx, app.ID, b.clock.Now(), time.Hour); err != nil {
		t.Fatal(err)
	}
	// Due Wednesday 14:00; the daemon comes back on Thursday at 19:30.
	b.at(time.March, 5, 19, 30)
	b.cycle(t)
	ty := b.only(t, onward.ThankYou)
	if want := time.Date(2026, 3, 6, 9, 0, 0, 0, berlin); ty.Status != onward.StatusScheduled || !ty.DueAt.Equal(want) {
		t.Fatalf("thank_you: %s due %v, want held until %v", ty.Status, ty.DueAt.In(berlin), want)
	}
	if !strings.Contains(ty.LastError, "send window") {
		t.Errorf("last_error %q does not name the send window", ty.LastError)
	}
}

// The weekly digest runs once for Sunday 18:00: not again after the clock
// is set back two minutes, nor after a restart in those minutes.
func TestDigestRunsOncePerScheduledTimeWhateverTheClock(t *testing.T) {
	t.Parallel()
	b := setup(t, smtptest.Script{})
	b.cycle(t) // plans Sunday 8 March 18:00
	b.at(time.March, 8, 18, 0)
	b.cycle(t)
	b.server.Next(t)
	b.clock.Add(-2 * time.Minute) // 17:58
	b.cycle(t)
	b.clock.Add(3 * time.Minute) // 18:01: "18:00" has come again
	b.cycle(t)
	// A restart, with the clock back at 17:59.
	b.clock.Add(-2 * time.Minute)
	restarted := deliver.New(b.store, fakeclock.Wall(b.clock.Now), nil)
	if _, err := restarted.Cycle(b.ctx, b.setup); err != nil {
		t.Fatal(err)
	}
	b.clock.Add(2 * time.Minute)
	if _, err := restarted.Cycle(b.ctx, b.setup); err != nil {
		t.Fatal(err)
	}
	if ds := b.messages(t, store.MessageFilter{Kind: onward.Digest}); len(ds) != 1 {
		t.Fatalf("%d digests for one Sunday 18:00, want 1", len(ds))
	}
	job, _, err := b.store.Job(b.ctx, deliver.DigestJob)
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 3, 8, 18, 0, 0, 0, berlin); !job.LastRunFor.Equal(want) {
		t.Errorf("last run recorded for %v, want %v", job.LastRunFor.In(berlin), want)
	}
	if want := time.Date(2026, 3, 15, 18, 0, 0, 0, berlin); !job.Next.Equal(want) {
		t.Errorf("next run %v, want %v", job.Next.In(berlin), want)
	}
}

// A forward step over three Sundays runs them as one digest, recorded for
// the latest; stepping back between them runs none of them again.
func TestForwardStepRunsMissedDigestsAsOneAndABackStepRepeatsNone(t *testing.T) {
	t.Parallel()
	b := setup(t, smtptest.Script{})
	b.cycle(t)
	b.at(time.March, 23, 9, 0) // past the 8th, 15th and 22nd
	b.cycle(t)
	b.server.Next(t)
	b.at(time.March, 15, 17, 0) // back before the 15th
	b.cycle(t)
	b.at(time.March, 22, 18, 30)
	b.cycle(t)
	if ds := b.messages(t, store.MessageFilter{Kind: onward.Digest}); len(ds) != 1 {
		t.Fatalf("%d digests, want 1 for the three missed Sundays", len(ds))
	}
	job, _, _ := b.store.Job(b.ctx, deliver.DigestJob)
	if want := time.Date(2026, 3, 29, 18, 0, 0, 0, berlin); !job.Next.Equal(want) {
		t.Errorf("next run %v, want %v", job.Next.In(berlin), want)
	}
}

// A prep note belongs to the interview that planned it. The interview on
// Monday 16 March is moved to Friday 6 March (recorded again, earlier):
// the note names the 6th, and one not sent by the time that interview
// begins expires; status shows the 6th.
func TestPrepNoteFollowsTheInterviewMovedEarlier(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		reach func(b *bundle)
		check func(t *testing.T, b *bundle, prep store.Message)
	}{
		{"the note names the moved date", func(b *bundle) { b.at(time.March, 5, 18, 0) },
			func(t *testing.T, b *bundle, prep store.Message) {
				b.server.Next(t)
				got := b.message(t, prep.ID)
				if !strings.Contains(got.Subject, "Friday 6 March") || strings.Contains(got.Text, "16 March") {
					t.Errorf("prep note does not name Friday 6 March alone: %q\n%s", got.Subject, got.Text)
				}
			}},
		{"the note expires when the moved interview begins", func(b *bundle) { b.at(time.March, 6, 14, 30) },
			func(t *testing.T, b *bundle, prep store.Message) {
				if got := b.message(t, prep.ID); got.Status != onward.StatusExpired {
					t.Errorf("prep note %s (%s), want expired once the 6 March interview began", got.Status, got.LastError)
				}
				if n := b.server.Pending(); n != 0 {
					t.Errorf("%d emails sent after the interview began", n)
				}
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, smtptest.Script{})
			b.setup.Digest = when.Spec{}
			policy := prepPolicy(t, "Europe/Berlin", "18:00 the day before", "")
			tr := tracker.New(b.store, policy, b.user)
			app := b.apply(t, "")
			if _, err := tr.Interview(b.ctx, app.ID, time.Date(2026, 3, 16, 14, 0, 0, 0, berlin), time.Hour); err != nil {
				t.Fatal(err)
			}
			res, err := tr.Interview(b.ctx, app.ID, time.Date(2026, 3, 6, 14, 0, 0, 0, berlin), time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			var prep store.Message
			for _, m := range res.Scheduled {
				if m.Kind == onward.Prep {
					prep = m
				}
			}
			if prep.ID == 0 {
				t.Fatal("no prep note planned for the moved interview")
			}
			ovs, err := b.store.Overviews(b.ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(ovs) != 1 || ovs[0].Last == nil || !ovs[0].Last.At.Equal(time.Date(2026, 3, 6, 14, 0, 0, 0, berlin)) {
				t.Errorf("status shows %+v, want the interview on 6 March", ovs[0].Last)
			}
			tc.reach(b)
			b.cycle(t)
			tc.check(t, b, prep)
		})
	}
}

// Switching the zone re-times what is pending: a learn check-in planned
// for 08:00 Berlin (the end of the quiet hours) is due 08:00 Los Angeles
// after the reload, with its id and Message-ID.
func TestRetimeAfterTheZoneChanges(t *testing.T) {
	t.Parallel()
	b := setup(t, smtptest.Script{})
	la := mustZone("America/Los_Angeles")
	delays := map[onward.Kind]when.Delay{onward.Learn: {Days: 1}, onward.LetGo: {Days: 7},
		onward.FeedbackRequest: {Days: 1}, onward.StayInTouch: {Days: 45}}
	inBerlin := plan.Policy{Location: berlin, Quiet: quiet(t, "21:00-08:00"), Delays: delays}
	tr := tracker.New(b.store, inBerlin, b.user)
	app := b.apply(t, "")
	b.at(time.March, 4, 6, 0) // 21:00 the evening before in Los Angeles
	if _, err := tr.Reject(b.ctx, app.ID, b.clock.Now(), ""); err != nil {
		t.Fatal(err)
	}
	learn := b.only(t, onward.Learn)
	if want := time.Date(2026, 3, 5, 8, 0, 0, 0, berlin); !learn.DueAt.Equal(want) {
		t.Fatalf("learn planned for %v, want %v", learn.DueAt.In(berlin), want)
	}
	inLA := inBerlin
	inLA.Location = la
	n, err := deliver.Retime(b.ctx, b.store, inLA, b.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	got := b.message(t, learn.ID)
	if want := time.Date(2026, 3, 5, 8, 0, 0, 0, la); !got.DueAt.Equal(want) {
		t.Errorf("after the zone change learn is due %v, want %v", got.DueAt.In(la), want)
	}
	if got.MessageID != learn.MessageID || got.Status != onward.StatusScheduled {
		t.Errorf("re-timed message changed: %s %s, was %s", got.Status, got.MessageID, learn.MessageID)
	}
	if n < 1 {
		t.Errorf("Retime moved %d messages, want at least the learn check-in", n)
	}
	// Nothing changes when it runs again.
	if n, err := deliver.Retime(b.ctx, b.store, inLA, b.clock.Now()); err != nil || n != 0 {
		t.Errorf("second Retime moved %d (%v), want 0", n, err)
	}
}

// The loop re-times at a reload: Reload with a new policy, and the
// message's due time follows without a restart.
func TestReloadRetimesPendingMessages(t *testing.T) {
	t.Parallel()
	b := setup(t, smtptest.Script{})
	fake := fakeclock.NewFake(time.Date(2026, 3, 4, 6, 0, 0, 0, berlin))
	b.store.Now = fake.Now
	b.d = deliver.New(b.store, fake, nil)
	b.d.Watch = 5 * time.Millisecond
	delays := map[onward.Kind]when.Delay{onward.Learn: {Days: 1}, onward.LetGo: {Days: 7},
		onward.FeedbackRequest: {Days: 1}, onward.StayInTouch: {Days: 45}}
	b.setup.Policy = plan.Policy{Location: berlin, Quiet: quiet(t, "21:00-08:00"), Delays: delays}
	b.setup.Quiet = b.setup.Policy.Quiet
	tr := tracker.New(b.store, b.setup.Policy, b.user)
	app := b.apply(t, "")
	if _, err := tr.Reject(b.ctx, app.ID, fake.Now(), ""); err != nil {
		t.Fatal(err)
	}
	learn := b.only(t, onward.Learn)
	ctx, cancel := context.WithCancel(b.ctx)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- b.d.Run(ctx, b.setup) }()
	<-fake.Armed() // the loop sleeps
	next := *b.setup
	la := mustZone("America/Los_Angeles")
	next.Policy.Location, next.Location = la, la
	b.d.Reload(&next)
	want := time.Date(2026, 3, 5, 8, 0, 0, 0, la)
	deadline := time.After(smtptest.WaitTimeout)
	for got := b.message(t, learn.ID); !got.DueAt.Equal(want); got = b.message(t, learn.ID) {
		select {
		case <-fake.Armed(): // the loop ran a cycle and sleeps again
		case <-deadline:
			t.Fatalf("after the reload learn is due %v, want %v", got.DueAt.In(la), want)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// The loop sleeps on the monotonic clock; when the wall clock jumps
// ahead an hour without it (the clock was set, or the machine resumed
// from suspend), the message due meanwhile goes out at once, not when the
// hour of monotonic time has passed.
func TestWallClockStepWakesTheLoop(t *testing.T) {
	t.Parallel()
	b := setup(t, smtptest.Script{})
	b.setup.Digest = when.Spec{}
	fake := fakeclock.NewFake(time.Date(2026, 3, 4, 10, 0, 0, 0, berlin))
	b.store.Now = fake.Now
	b.d = deliver.New(b.store, fake, nil)
	b.d.Watch = 5 * time.Millisecond
	m := b.planCheckIn(t, fake.Now().Add(time.Hour))
	ctx, cancel := context.WithCancel(b.ctx)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- b.d.Run(ctx, b.setup) }()
	for d := range fake.Armed() {
		if d >= 59*time.Minute {
			break // asleep until the message is due
		}
	}
	fake.Set(fake.Now().Add(61 * time.Minute)) // no monotonic time passes
	r := b.server.Next(t)
	if r.MessageID() != "<"+m.MessageID+">" {
		t.Errorf("sent %s, want %s", r.MessageID(), m.MessageID)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// The Date header reads on the user's clock.
func TestDateHeaderIsInTheUsersZone(t *testing.T) {
	t.Parallel()
	b := setup(t, smtptest.Script{})
	b.clock.t = b.clock.t.UTC() // the machine's zone is UTC, the user's is not
	b.planCheckIn(t, b.clock.Now())
	b.cycle(t)
	date := header(t, b.server.Next(t).Data, "Date")
	if !strings.HasSuffix(date, "+0100") || !strings.Contains(date, "10:00:00") {
		t.Errorf("Date: %s, want 10:00:00 +0100 (Berlin)", date)
	}
}

// A draft rendered and waiting for the user was not an attempt to send
// it; an expired message was never tried.
func TestAttemptsCountOnlyRealAttempts(t *testing.T) {
	t.Parallel()
	b := setup(t, smtptest.Script{})
	b.setup.Digest = when.Spec{}
	app := b.apply(t, "Dana Reyes <dana@northwind.example>")
	if _, err := b.tracker.Interview(b.ctx, app.ID, b.clock.Now(), time.Hour); err != nil {
		t.Fatal(err)
	}
	b.clock.Add(8 * 24 * time.Hour)
	b.cycle(t)
	if ty := b.only(t, onward.ThankYou); ty.Status != onward.StatusExpired || ty.Attempts != 0 {
		t.Errorf("expired thank_you: %s with %d attempts, want expired with 0", ty.Status, ty.Attempts)
	}
	sc := b.only(t, onward.StatusCheck)
	if sc.Status != onward.StatusDrafted || sc.Attempts != 0 {
		t.Errorf("status_check draft: %s with %d attempts, want drafted with 0", sc.Status, sc.Attempts)
	}
	if _, err := b.d.SendDraft(b.ctx, b.setup, sc.ID); err != nil {
		t.Fatal(err)
	}
	if got := b.message(t, sc.ID); got.Status != onward.StatusSent || got.Attempts != 1 {
		t.Errorf("status_check after drafts send: %s with %d attempts, want sent with 1", got.Status, got.Attempts)
	}
}

// logLines is a slog handler that hands every message to a channel.
type logLines chan string

func (l logLines) Enabled(context.Context, slog.Level) bool { return true }
func (l logLines) Handle(_ context.Context, r slog.Record) error {
	select {
	case l <- r.Message:
	default:
	}
	return nil
}
func (l logLines) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l logLines) WithGroup(string) slog.Handler      { return l }

// After a busy spell the idle daemon gives the disk back: the
// write-ahead log is checkpointed and truncated to nothing.
func TestIdleDaemonTruncatesTheWriteAheadLog(t *testing.T) {
	t.Parallel()
	b := setup(t, smtptest.Script{})
	b.setup.Digest = when.Spec{}
	b.store.Now = time.Now
	const n = 40
	for range n {
		b.planCheckIn(t, time.Now())
	}
	lines := make(logLines, 256)
	b.d = deliver.New(b.store, nil, slog.New(lines))
	ctx, cancel := context.WithCancel(b.ctx)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- b.d.Run(ctx, b.setup) }()
	for range n {
		b.server.Next(t)
	}
	deadline := time.After(smtptest.WaitTimeout)
	for checkpointed := false; !checkpointed; {
		select {
		case l := <-lines:
			checkpointed = l == "write-ahead log checkpointed and truncated"
		case <-deadline:
			t.Fatal("the idle daemon never checkpointed the write-ahead log")
		}
	}
	fi, err := os.Stat(b.store.Path() + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	if fi.Size() != 0 {
		t.Errorf("write-ahead log is %d bytes after the checkpoint, want 0", fi.Size())
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// A step back makes the loop sleep longer; the correction that follows
// is noticed like any other step, and the message now due goes out
// without waiting for a write to wake the loop.
func TestBackwardStepAndCorrectionAreNoticed(t *testing.T) {
	t.Parallel()
	b := setup(t, smtptest.Script{})
	b.setup.Digest = when.Spec{}
	start := time.Date(2026, 3, 4, 10, 0, 0, 0, berlin)
	fake := fakeclock.NewFake(start)
	b.store.Now = fake.Now
	b.d = deliver.New(b.store, fake, nil)
	b.d.Watch = 5 * time.Millisecond
	m := b.planCheckIn(t, start.Add(10*time.Minute))
	ctx, cancel := context.WithCancel(b.ctx)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- b.d.Run(ctx, b.setup) }()
	sleepsFor := func(want time.Duration) {
		t.Helper()
		timeout := time.After(smtptest.WaitTimeout)
		for {
			select {
			case d := <-fake.Armed():
				if d == want {
					return
				}
			case <-timeout:
				t.Fatalf("the loop never slept for %v", want)
			}
		}
	}
	sleepsFor(10 * time.Minute)
	fake.Set(start.Add(-time.Hour))
	sleepsFor(time.Hour) // re-planned on the clock set back: 70 minutes, capped at an hour
	fake.Set(start.Add(11 * time.Minute))
	if r := b.server.Next(t); r.MessageID() != "<"+m.MessageID+">" {
		t.Errorf("sent %s, want %s", r.MessageID(), m.MessageID)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
func prepPolicy(t *testing.T, zone, rule, quiet string) plan.Policy {
	t.Helper()
	loc := mustZone(zone)
	r, on, err := when.ParsePrep(rule)
	if err != nil || !on {
		t.Fatalf("ParsePrep(%q): %v %v", rule, on, err)
	}
	q, err := when.ParseQuietHours(quiet)
	if err != nil {
		t.Fatal(err)
	}
	return plan.Policy{Location: loc, Quiet: q, Prep: r, PrepOn: on, Delays: map[onward.Kind]when.Delay{}}
}
