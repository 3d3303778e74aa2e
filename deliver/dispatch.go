// Package deliver is the daemon loop: it sleeps on an injected clock until
// the next message is due, claims it, renders it (compose), hands it to
// the mailer or to the user as a draft, and records the answer in the same
// store that planned it. It also sends a draft by hand under the same
// claim, and re-times pending messages when the policy changes (Retime).
//
// dispatch.go is over 500 lines because the loop, the claim and the three
// ways a draft leaves are one state machine; split, each half would need
// the other's invariants restated.
package deliver

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/compose"
	"github.com/onward-app/onward/internal/clock"
	"github.com/onward-app/onward/mailer"
	"github.com/onward-app/onward/plan"
	"github.com/onward-app/onward/store"
	"github.com/onward-app/onward/when"
)

// Mailer delivers one email. mailer.SMTP and mailer.Outbox satisfy it.
type Mailer interface {
	Send(ctx context.Context, m *mailer.Message) error
}

var (
	_ Mailer = (*mailer.SMTP)(nil)
	_ Mailer = (*mailer.Outbox)(nil)
)

// DraftBox files a draft in the user's mailbox; it must not file a second
// copy of a Message-ID it filed before (a retry after a crash).
// imapbox.Drafts satisfies it.
type DraftBox interface {
	AppendDraft(ctx context.Context, raw []byte, messageID string) (appended bool, err error)
}

// Drafts is where the daemon leaves a rendered recruiter draft: one of
// NotifyDrafts, MailboxDrafts and OutboxDrafts ([delivery] drafts =
// "email", "imap", "outbox").
type Drafts interface{ drafts() }

// NotifyDrafts keeps the draft in the database and emails the user a
// draft_ready notice with the draft attached, planned in the same
// transaction.
type NotifyDrafts struct{}

// MailboxDrafts files each draft in the Drafts folder of the user's
// mailbox.
type MailboxDrafts struct{ Box DraftBox }

// OutboxDrafts writes each draft as an .eml file through Outbox, and
// sends the user nothing.
type OutboxDrafts struct{ Outbox Mailer }

func (NotifyDrafts) drafts()  {}
func (MailboxDrafts) drafts() {}
func (OutboxDrafts) drafts()  {}

// Setup is everything the dispatcher reads from the config and the
// templates. A SIGHUP swaps it whole, so one delivery never sees half an
// old config and half a new one.
type Setup struct {
	Composer *compose.Composer
	// Mail delivers check-ins to the user, and draft_ready notices.
	Mail Mailer
	// Drafts is where recruiter drafts go for the user to send: nil (or
	// NotifyDrafts) announces each in a draft_ready email.
	Drafts Drafts
	// Send delivers a draft to the recruiter when the user says so; nil
	// when no SMTP server is configured.
	Send Mailer
	// SentCopy, when set (the mailbox is configured), keeps a copy of each
	// draft sent through Send in the user's Sent folder, as their mail
	// program would: SMTP alone leaves none.
	SentCopy SentCopier
	// SendTimeout is the longest one delivery through Mail or Send takes
	// once it starts (the SMTP send timeout); every claim lasts longer.
	SendTimeout time.Duration
	Stale       map[onward.Kind]when.Delay
	GiveUpAfter when.Delay
	Digest      when.Spec
	Location    *time.Location
	// Quiet hours also hold back the notices of drafts.
	Quiet when.QuietHours
	// Policy is the planning policy in force: its send window is checked
	// again when a recruiter draft is rendered, and a reload re-times
	// pending messages by it (see Retime). A zero Policy re-times nothing.
	Policy plan.Policy
}

// SentCopier files a copy of a sent message in the Sent folder, once per
// Message-ID; imapbox.Sent is the one in use.
type SentCopier interface {
	AppendSent(ctx context.Context, raw []byte, messageID string) (bool, error)
}

// ErrNoSentCopy is wrapped in SendDraft's error when the draft was sent
// and recorded, but its copy could not be filed in the Sent folder.
var ErrNoSentCopy = errors.New("the draft was sent, but no copy could be filed in the Sent folder")

// Delivery reports what became of one message, for logs and the demo.
type Delivery struct {
	Message store.Message
	Outcome onward.Status // sent, drafted, retry, held, failed, expired, cancelled
	Err     error
}

// Dispatcher is the daemon loop: it sleeps until the next message is due,
// claims it, renders it, delivers it and records the answer. Make one with
// New; the fields may be changed before Run, Cycle or SendDraft is called.
type Dispatcher struct {
	Store *store.Store
	// Clock is the one time the dispatcher plans by and waits on.
	Clock clock.Clock
	Log   *slog.Logger
	// Lease is how long a claim holds before another run may take the
	// message again, at the least; a claim always outlasts one send by
	// LeaseMargin, so it lasts the setup's SendTimeout plus LeaseMargin
	// when that is longer.
	Lease time.Duration
	// LeaseMargin is how long a claim outlasts the longest send: time to
	// render the message before and to record the answer after.
	LeaseMargin time.Duration
	// Batch is how many due messages one claim takes.
	Batch int
	// Watch is how often the database is checked for other processes'
	// writes; a cheap PRAGMA read.
	Watch time.Duration
	// Drain is how long an in-flight send may go on after shutdown began.
	Drain time.Duration
	// OnDelivery, if set, is called after each message is recorded.
	OnDelivery func(Delivery)

	setup atomic.Pointer[Setup]
	wake  chan struct{}
	// retime asks the loop to re-time pending messages by the setup's
	// policy before its next cycle: set at start and by Reload.
	retime atomic.Bool
}

// WaitingForAddress begins the note of a recruiter draft held because its
// application has no recruiter address; the command to add it follows.
const WaitingForAddress = "waiting for the recruiter's address; add it with: onward edit"

// placeholderRecruiter stands in the To of a draft whose application has
// no recruiter address yet: a draft in a mailbox or an .eml needs one, the
// user fills in the real one, and .invalid (RFC 2606) can reach no one.
var placeholderRecruiter = mailer.Address{Name: "Recruiter (address missing)", Email: "recruiter@invalid"}

// DigestJob names the weekly digest in the jobs table.
const DigestJob = string(onward.Digest)

// Reload swaps in a new setup; deliveries already under way finish with
// the old one.
func (d *Dispatcher) Reload(s *Setup) {
	d.setup.Store(s)
	d.retime.Store(true)
	d.Wake()
}

// Wake makes a sleeping Run look at the database again now.
func (d *Dispatcher) Wake() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// New returns a dispatcher over st that plans by and waits on clk (the
// system clock when nil) and logs to log (nowhere when nil), with the
// defaults: claims of five minutes outlasting a send by one, batches of
// 32, a look at the database for other processes' writes every half
// second, ten seconds for an in-flight send to finish at shutdown.
func New(st *store.Store, clk clock.Clock, log *slog.Logger) *Dispatcher {
	if clk == nil {
		clk = clock.System{}
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Dispatcher{
		Store: st, Clock: clk, Log: log,
		Lease: 5 * time.Minute, LeaseMargin: time.Minute, Batch: 32,
		Watch: 500 * time.Millisecond, Drain: 10 * time.Second,
		wake: make(chan struct{}, 1),
	}
}

// Run delivers until ctx is cancelled. It returns nil on cancellation:
// claims it had not started on are released, the one in flight finishes.
func (d *Dispatcher) Run(ctx context.Context, s *Setup) error {
	d.setup.Store(s)
	// The config may have changed while the daemon was down.
	d.retime.Store(true)
	if n, err := d.Store.ExpireDaemonClaims(ctx); err != nil {
		if ctx.Err() != nil {
			return nil // stopped while starting: nothing was taken yet
		}
		return err
	} else if n > 0 {
		d.Log.Info("resuming messages claimed by a daemon that stopped mid-send", "count", n)
	}
	version, err := d.Store.DataVersion(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return err
	}
	// Sends run on their own context: shutdown stops new claims at once
	// but lets the send on the wire finish, for at most Drain.
	work, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()
	go func() {
		select {
		case <-ctx.Done():
		case <-work.Done():
			return
		}
		t := time.NewTimer(d.Drain)
		defer t.Stop()
		select {
		case <-t.C:
			cancelWork()
		case <-work.Done():
		}
	}()
	// The watch ticks on real time whatever the clock: it is what notices
	// that the wall clock moved against the monotonic one the timer runs
	// on (the clock was set, the machine slept), which no timer can.
	watch := time.NewTicker(d.Watch)
	defer watch.Stop()
	timer := d.Clock.NewTimer(0)
	defer timer.Stop()
	wall0, mono0 := d.Clock.Now(), d.Clock.Elapsed()
	// walDirty is set while the write-ahead log may have grown since the
	// last checkpoint: it is checkpointed once per idle period.
	walDirty := true
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-d.wake:
		case <-timer.C():
		case <-watch.C:
			wall, mono := d.Clock.Now(), d.Clock.Elapsed()
			// Round(0) drops the monotonic reading, so Sub measures the
			// wall clock.
			drift := wall.Round(0).Sub(wall0.Round(0)) - (mono - mono0)
			wall0, mono0 = wall, mono
			stepped := drift > time.Second || drift < -time.Second
			if stepped {
				d.Log.Info("the wall clock moved against the monotonic clock; planning the wake-up again", "by", drift.Round(time.Second))
			}
			v, err := d.Store.DataVersion(ctx)
			if err != nil {
				if ctx.Err() != nil {
					return nil
				}
				d.Log.Error("watch database", "err", err)
				continue
			}
			if v == version && !stepped {
				continue
			}
			if v != version {
				walDirty = true
			}
			version = v
		}
		// Read before the cycle, never after: a commit from another
		// process that lands while the cycle runs must still look new to
		// the next watch, or its message waits for the old timer.
		if v, err := d.Store.DataVersion(ctx); err == nil {
			version = v
		}
		if d.retime.Swap(false) {
			if n, err := Retime(ctx, d.Store, d.setup.Load().Policy, d.Clock.Now()); err != nil {
				d.retime.Store(true) // try again at the next cycle
				d.Log.Error("re-time pending messages", "err", err)
			} else if n > 0 {
				d.Log.Info("pending messages re-timed by the config in force", "count", n)
			}
		}
		next, claimed, err := d.cycle(ctx, work)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			// A locked or briefly unwritable database should not end the
			// daemon: try again soon, and say so.
			d.Log.Error("deliver", "err", err)
			next = d.Clock.Now().Add(5 * time.Second)
		}
		if claimed > 0 {
			walDirty = true
		}
		if idle := next.IsZero() || next.Sub(d.Clock.Now()) > time.Second; err == nil && walDirty && idle {
			// Nothing is due for a while: give the disk back what the
			// log grew to while busy, once per idle spell.
			if err := d.Store.Checkpoint(ctx); err != nil {
				// A reader holding the log is no fault: the next idle
				// spell tries again.
				d.Log.Debug("checkpoint the write-ahead log", "err", err)
			} else {
				walDirty = false
				d.Log.Debug("write-ahead log checkpointed and truncated")
			}
		}
		wait := next.Sub(d.Clock.Now())
		if next.IsZero() || wait > time.Hour {
			wait = time.Hour
		}
		timer.Stop()
		timer.Reset(max(wait, 0))
	}
}

// Cycle delivers everything due now, runs recurring jobs that are due, and
// returns when it next has something to do.
func (d *Dispatcher) Cycle(ctx context.Context, s *Setup) (time.Time, error) {
	d.setup.Store(s)
	next, _, err := d.cycle(ctx, ctx)
	return next, err
}

// cycle stops claiming when ctx ends; sends run on work. claimed counts
// the messages it took.
func (d *Dispatcher) cycle(ctx, work context.Context) (next time.Time, claimed int, err error) {
	if err := d.runJobs(ctx); err != nil {
		return time.Time{}, 0, err
	}
	for ctx.Err() == nil {
		msgs, err := d.Store.ClaimDue(ctx, d.Clock.Now(), d.lease(d.setup.Load()), d.Batch)
		if err != nil {
			return time.Time{}, claimed, err
		}
		if len(msgs) == 0 {
			break
		}
		claimed += len(msgs)
		if stopped, err := d.deliverAll(ctx, work, msgs); stopped || err != nil {
			return time.Time{}, claimed, err
		}
	}
	next, err = d.nextWake(ctx)
	return next, claimed, err
}

func (d *Dispatcher) nextWake(ctx context.Context) (time.Time, error) {
	next, ok, err := d.Store.NextWake(ctx)
	if err != nil {
		return time.Time{}, err
	}
	job, jobOK, err := d.Store.JobNext(ctx, DigestJob)
	if err != nil {
		return time.Time{}, err
	}
	// A digest switched off leaves its last planned run in the table;
	// waking for it would wake at once, forever.
	jobOK = jobOK && !d.setup.Load().Digest.IsZero()
	switch {
	case ok && jobOK:
		if job.Before(next) {
			return job, nil
		}
		return next, nil
	case jobOK:
		return job, nil
	}
	return next, nil
}

// runJobs plans the digest when its time has come. A run is recorded
// with the scheduled time it is for, and the next run is counted from
// the later of now and that time, so that no scheduled time runs twice:
// not after a restart, nor after the clock was set back. Several missed
// runs (the machine was off for a month, the clock jumped ahead) become
// one digest, recorded for the latest of them.
func (d *Dispatcher) runJobs(ctx context.Context) error {
	s := d.setup.Load()
	if s.Digest.IsZero() {
		return nil
	}
	now := d.Clock.Now()
	job, ok, err := d.Store.Job(ctx, DigestJob)
	if err != nil {
		return err
	}
	// from is where the next run is counted from: never before a run
	// already made.
	from := now
	if job.LastRunFor.After(from) {
		from = job.LastRunFor
	}
	if ok && now.Before(job.Next) {
		// A schedule changed by a reload to an earlier run counts from
		// now; one changed to a later run takes over after the run
		// already planned.
		if want := s.Digest.Next(from, s.Location); want.Before(job.Next) {
			return d.Store.Update(ctx, func(tx *store.Tx) error { return tx.SetJob(ctx, DigestJob, want, time.Time{}) })
		}
		return nil
	}
	return d.Store.Update(ctx, func(tx *store.Tx) error {
		if !ok || !job.Next.After(job.LastRunFor) && !job.LastRunFor.IsZero() {
			// Never planned, or planned for a time it already ran for.
			return tx.SetJob(ctx, DigestJob, s.Digest.Next(from, s.Location), time.Time{})
		}
		runFor := job.Next
		for range 10000 {
			n := s.Digest.Next(runFor, s.Location)
			if n.IsZero() || n.After(now) {
				break
			}
			runFor = n
		}
		m := store.Message{Kind: onward.Digest, Audience: onward.User, To: s.Composer.User.Display(),
			DueAt: now, MessageID: store.NewMessageID(s.Composer.User.Email)}
		if err := tx.InsertMessage(ctx, &m); err != nil {
			return err
		}
		d.Log.Info("digest planned", "message", m.ID, "was_due", job.Next.Format(time.RFC3339), "runs_for", runFor.Format(time.RFC3339))
		return tx.SetJob(ctx, DigestJob, s.Digest.Next(maxTime(now, runFor), s.Location), runFor)
	})
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// backoff is the wait before retry n (1-based) after a temporary failure.
func backoff(attempt int) time.Duration {
	steps := []time.Duration{time.Minute, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour}
	if attempt-1 < len(steps) {
		return steps[max(attempt-1, 0)]
	}
	return 6 * time.Hour
}

// deliverAll carries claimed messages to their end or their next try, one
// at a time and in order: each is sent and its answer recorded before the
// next one goes on the wire, so a crash repeats at most the one in flight.
// Rendering only reads, so the next message is rendered while the current
// one is on the wire and being recorded. stopped reports that ctx ended and
// the messages not started were handed back. An error means an outcome
// could not be recorded.
func (d *Dispatcher) deliverAll(ctx, work context.Context, msgs []store.Message) (stopped bool, err error) {
	next := d.prepareAsync(work, msgs[0])
	for i := range msgs {
		p := <-next
		if ctx.Err() != nil {
			// Shutting down: hand back what was not started.
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			return true, d.Store.Release(rctx, msgs[i:])
		}
		ahead := i+1 < len(msgs) && !readsOthers(msgs[i+1].Kind)
		if ahead {
			next = d.prepareAsync(work, msgs[i+1])
		}
		if err := d.complete(work, p); err != nil {
			if ahead {
				<-next
			}
			return false, err
		}
		if !ahead && i+1 < len(msgs) {
			next = d.prepareAsync(work, msgs[i+1])
		}
	}
	return false, nil
}

// readsOthers reports whether rendering a kind reads the state of other
// messages (the digest lists what was sent), so that it must wait until
// the message before it is recorded.
func readsOthers(kind onward.Kind) bool { return kind == onward.Digest }

// prepared is a claimed message rendered and ready to deliver, or with
// the outcome to record when there is nothing to deliver.
type prepared struct {
	m     store.Message
	s     *Setup // the setup it was rendered with; it is delivered with it too
	now   time.Time
	email *mailer.Message
	// final, when set, is recorded without delivering: expired, failed
	// to render, held for the end of quiet hours, or a draft notice whose
	// draft is gone. cause is the error behind it, if any. None of these
	// was an attempt to deliver, and none is counted as one.
	final *store.Outcome
	cause error
}

// holdUntil checks the rules about when once more at the moment of
// sending: a check-in found inside quiet hours (after downtime, a retry,
// a clock step), or a recruiter draft found outside the send window,
// waits for their end. It returns that time and why, or a zero time when
// now is fine.
func (d *Dispatcher) holdUntil(ctx context.Context, s *Setup, m store.Message, now time.Time) (time.Time, string) {
	if m.Audience == onward.User {
		at := s.Quiet.Skip(now, s.Location)
		if !at.After(now) {
			return time.Time{}, ""
		}
		return at, fmt.Sprintf("held: %s is inside quiet hours (%s); due %s",
			now.In(s.Location).Format("15:04"), s.Quiet, at.In(s.Location).Format("Mon 2 Jan 15:04"))
	}
	w := s.Policy.Window
	if w.IsZero() {
		return time.Time{}, ""
	}
	loc := s.Location
	if a, err := d.Store.Application(ctx, m.ApplicationID); err == nil && a.RecruiterTZ != "" {
		if l, err := time.LoadLocation(a.RecruiterTZ); err == nil {
			loc = l
		}
	}
	at := w.AtOrAfter(now, loc)
	if at.IsZero() || !at.After(now) {
		return time.Time{}, ""
	}
	return at, fmt.Sprintf("held: %s is outside the send window (%s); due %s",
		now.In(loc).Format("Mon 15:04"), w, at.In(loc).Format("Mon 2 Jan 15:04"))
}

func (d *Dispatcher) prepareAsync(ctx context.Context, m store.Message) <-chan prepared {
	ch := make(chan prepared, 1)
	go func() { ch <- d.prepare(ctx, m) }()
	return ch
}

// prepare checks whether a claimed message is still worth sending and
// renders it. It only reads, so it may run while the message before it is
// on the wire.
func (d *Dispatcher) prepare(ctx context.Context, m store.Message) prepared {
	s := d.setup.Load()
	now := d.Clock.Now()
	p := prepared{m: m, s: s, now: now}
	expire := func(reason string) prepared {
		p.final = &store.Outcome{Status: onward.StatusExpired, Error: reason, KeepBody: true}
		return p
	}
	if limit, ok := s.Stale[m.Kind]; ok && now.After(limit.After(m.PlannedAt, s.Location)) {
		return expire(fmt.Sprintf("expired: due %s, found %s late (a %s is not sent more than %s late)",
			m.PlannedAt.In(s.Location).Format("Mon 2 Jan 15:04"), humanDuration(now.Sub(m.PlannedAt)),
			strings.ReplaceAll(string(m.Kind), "_", " "), humanDuration(limit.After(m.PlannedAt, s.Location).Sub(m.PlannedAt))))
	}
	if m.Kind == onward.Prep {
		// A prep note is for before the interview it was planned for, or
		// not at all.
		if ev, err := compose.EventFor(ctx, d.Store, m, onward.Interview); err == nil && !now.Before(ev.At) {
			return expire("expired: the interview began " + ev.At.In(s.Location).Format("Mon 2 Jan 15:04") + ", before the prep note could go out")
		}
	}
	if why, gone := d.noticeOutlived(ctx, m); gone {
		p.final = &store.Outcome{Status: onward.StatusCancelled, Error: why, KeepBody: true}
		return p
	}
	if at, why := d.holdUntil(ctx, s, m, now); !at.IsZero() {
		p.final = &store.Outcome{Status: onward.StatusScheduled, At: at, Error: why, KeepBody: true}
		return p
	}
	email, err := s.Composer.Compose(ctx, m, now)
	if err == nil && m.Kind == onward.DraftReady {
		err = d.attachDraft(ctx, s, m, email, now)
	}
	switch {
	case err == nil:
		p.email = email
	case errors.Is(err, store.ErrNotFound) && m.Kind == onward.DraftReady:
		p.final = &store.Outcome{Status: onward.StatusCancelled, Error: "the draft no longer exists", KeepBody: true}
	default:
		p.final = &store.Outcome{Status: onward.StatusFailed, Error: err.Error(), KeepBody: true}
		p.cause = err
	}
	return p
}

// complete delivers a prepared message and records the answer. An error
// return means the outcome could not be recorded.
func (d *Dispatcher) complete(ctx context.Context, p prepared) error {
	m, s := p.m, p.s
	if p.final != nil {
		return d.finishUncounted(ctx, m, *p.final, p.cause)
	}
	if m.Audience == onward.Recruiter {
		return d.draft(ctx, s, m, p.now, p.email)
	}
	// Looked at again just before the send: the notice was prepared while
	// the message before it was on the wire, and the user may have sent or
	// discarded its draft meanwhile.
	if why, gone := d.noticeOutlived(ctx, m); gone {
		return d.finishUncounted(ctx, m, store.Outcome{Status: onward.StatusCancelled, Error: why, KeepBody: true}, nil)
	}
	email := p.email
	out := store.Outcome{To: email.To.Display(), Subject: email.Subject, Text: email.Text, HTML: email.HTML}
	// Sent through the setup in force now: a SIGHUP while this message was
	// rendered ahead has closed the old SMTP client.
	sendErr := d.setup.Load().Mail.Send(ctx, email)
	switch {
	case sendErr == nil:
		out.Status, out.At = onward.StatusSent, d.Clock.Now()
	case mailer.Temporary(sendErr) && d.Clock.Now().Before(s.GiveUpAfter.After(m.PlannedAt, s.Location)):
		out.Status, out.At, out.Error = onward.StatusScheduled, d.Clock.Now().Add(backoff(m.Attempts)), sendErr.Error()
		// A retry is a check-in like any other: not inside quiet hours.
		if at := s.Quiet.Skip(out.At, s.Location); at.After(out.At) {
			out.At = at
			out.Error += "; the retry waits for the end of quiet hours (" + s.Quiet.String() + ")"
		}
	case mailer.Temporary(sendErr):
		out.Status, out.Error = onward.StatusFailed, "gave up after "+s.GiveUpAfter.String()+": "+sendErr.Error()
	default:
		out.Status, out.Error = onward.StatusFailed, sendErr.Error()
	}
	return d.finish(ctx, m, out, sendErr)
}

// draft hands a rendered recruiter message to the user: filed in the
// mailbox, as a draft_ready email planned in the same transaction, or as an
// .eml in the outbox. It never goes to the recruiter from here.
func (d *Dispatcher) draft(ctx context.Context, s *Setup, m store.Message, now time.Time, email *mailer.Message) error {
	out := store.Outcome{Status: onward.StatusDrafted, To: m.To, Subject: email.Subject, Text: email.Text, HTML: email.HTML}
	if m.To == "" {
		switch s.Drafts.(type) {
		case MailboxDrafts, OutboxDrafts:
			// A draft in the mailbox or the outbox reads as ready to
			// send; without an address it is not. It waits for one,
			// looked at again daily (and at once when the address is
			// added), until it is too late.
			hold := store.Outcome{Status: onward.StatusScheduled, At: now.Add(24 * time.Hour), KeepBody: true,
				Error: fmt.Sprintf("%s %d --recruiter \"Name <address>\"", WaitingForAddress, m.ApplicationID)}
			return d.finishUncounted(ctx, m, hold, nil)
		}
	}
	switch mode := s.Drafts.(type) {
	case MailboxDrafts:
		if email.To.Email == "" {
			email.To = placeholderRecruiter
		}
		var raw bytes.Buffer
		if _, err := email.WriteTo(&raw); err != nil {
			return d.finish(ctx, m, store.Outcome{Status: onward.StatusFailed, Error: err.Error(), KeepBody: true}, err)
		}
		if _, err := mode.Box.AppendDraft(ctx, raw.Bytes(), email.MessageID); err != nil {
			// The mailbox may be down or the password wrong: try again
			// later; the watcher's status says why meanwhile.
			out = store.Outcome{Status: onward.StatusScheduled, At: now.Add(backoff(m.Attempts)), Error: "file the draft in the mailbox: " + err.Error(), KeepBody: true}
			return d.finish(ctx, m, out, err)
		}
		// Marked before the outcome: a crash in between files nothing twice
		// (AppendDraft looks for the Message-ID first) and the next try
		// records it.
		if err := d.Store.MarkFiled(ctx, m.ID); err != nil {
			return err
		}
		return d.finishUncounted(ctx, m, out, nil)
	case OutboxDrafts:
		if email.To.Email == "" {
			// An .eml needs a To; the user fills in the real one.
			email.To = placeholderRecruiter
		}
		// Opened from the folder, it is a draft to edit and send.
		email.Unsent = true
		if err := mode.Outbox.Send(ctx, email); err != nil {
			out = store.Outcome{Status: onward.StatusScheduled, At: now.Add(backoff(m.Attempts)), Error: err.Error(), KeepBody: true}
			return d.finish(ctx, m, out, err)
		}
		return d.finishUncounted(ctx, m, out, nil)
	}
	var delivery Delivery
	err := d.Store.Update(ctx, func(tx *store.Tx) error {
		if err := tx.Finish(ctx, m, out); err != nil {
			return err
		}
		// A draft waiting for the user was not an attempt to send it.
		if err := tx.UncountAttempt(ctx, m.ID); err != nil {
			return err
		}
		m.Attempts = max(m.Attempts-1, 0)
		notice := store.Message{ApplicationID: m.ApplicationID, DraftID: m.ID, Kind: onward.DraftReady,
			Audience: onward.User, To: s.Composer.User.Display(), DueAt: s.Quiet.Skip(now, s.Location),
			MessageID: store.NewMessageID(s.Composer.User.Email)}
		return tx.InsertMessage(ctx, &notice)
	})
	if err != nil {
		return err
	}
	m.Status, m.Subject = onward.StatusDrafted, out.Subject
	delivery = Delivery{Message: m, Outcome: onward.StatusDrafted}
	d.report(delivery)
	return nil
}

// noticeOutlived reports whether m is a draft_ready notice whose draft no
// longer waits (sent, being sent, discarded, cancelled, gone), and why. The
// store cancels such notices when their draft moves; this is the check at
// the moment of sending, for a notice claimed before the draft moved.
func (d *Dispatcher) noticeOutlived(ctx context.Context, m store.Message) (string, bool) {
	if m.Kind != onward.DraftReady || m.DraftID == 0 {
		return "", false
	}
	draft, err := d.Store.Message(ctx, m.DraftID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return "the draft no longer exists", true
	case err != nil:
		// Unknown: let the send decide (it reads the draft again to
		// attach it, and fails there if the database does).
		return "", false
	case draft.Status != onward.StatusDrafted:
		return fmt.Sprintf("cancelled: draft %d was %s before this notice went out", draft.ID, draft.Status), true
	}
	return "", false
}

func (d *Dispatcher) attachDraft(ctx context.Context, s *Setup, notice store.Message, email *mailer.Message, now time.Time) error {
	draft, err := d.Store.Message(ctx, notice.DraftID)
	if err != nil {
		return err
	}
	de, err := s.Composer.DraftEmail(draft, now)
	if err != nil {
		return err
	}
	if de.To.Email == "" {
		de.To = placeholderRecruiter
	}
	return compose.Attach(email, de)
}

func (d *Dispatcher) finish(ctx context.Context, m store.Message, o store.Outcome, cause error) error {
	// Record the answer even while shutting down: the server has spoken.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := d.Store.Finish(rctx, m, o); err != nil {
		return err
	}
	outcome := o.Status
	if o.Status == onward.StatusScheduled {
		outcome = "retry"
	}
	m.Status = o.Status
	m.LastError = o.Error
	if !o.KeepBody {
		m.Subject = o.Subject
	}
	d.report(Delivery{Message: m, Outcome: outcome, Err: cause})
	return nil
}

// finishUncounted is finish for a claim that ended without an attempt to
// deliver (held, expired, rendered into a draft): the attempt the claim
// counted is taken back in the same transaction.
func (d *Dispatcher) finishUncounted(ctx context.Context, m store.Message, o store.Outcome, cause error) error {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	err := d.Store.Update(rctx, func(tx *store.Tx) error {
		if err := tx.Finish(rctx, m, o); err != nil {
			return err
		}
		return tx.UncountAttempt(rctx, m.ID)
	})
	if err != nil {
		return err
	}
	outcome := o.Status
	if o.Status == onward.StatusScheduled {
		outcome = "held"
	}
	m.Status, m.LastError, m.Attempts = o.Status, o.Error, max(m.Attempts-1, 0)
	if !o.KeepBody {
		m.Subject = o.Subject
	}
	d.report(Delivery{Message: m, Outcome: outcome, Err: cause})
	return nil
}

func (d *Dispatcher) report(v Delivery) {
	attrs := []any{"message", v.Message.ID, "kind", v.Message.Kind, "outcome", v.Outcome, "attempt", v.Message.Attempts}
	if v.Message.ApplicationID != 0 {
		attrs = append(attrs, "application", v.Message.ApplicationID)
	}
	switch v.Outcome {
	case "retry", "held", onward.StatusFailed, onward.StatusExpired:
		attrs = append(attrs, "reason", v.Message.LastError)
		d.Log.Warn("delivery", attrs...)
	default:
		d.Log.Info("delivery", attrs...)
	}
	if d.OnDelivery != nil {
		d.OnDelivery(v)
	}
}

// lease is how long a claim made under s holds.
func (d *Dispatcher) lease(s *Setup) time.Duration {
	return max(d.Lease, s.SendTimeout+d.LeaseMargin)
}

// SendDraft sends a recruiter draft now, by the user's hand, through the
// same claim the daemon uses, so it can never go out twice. It works
// whether or not the daemon runs. The send is cut off halfway through the
// claim's margin at the latest, so the claim outlives it; and while this
// process lives, nothing takes the claim back even if the clock jumps
// past it (see store.ClaimDraft). If the server accepted the draft, it is
// recorded sent, whatever happened to the claim meanwhile.
func (d *Dispatcher) SendDraft(ctx context.Context, s *Setup, id int64) (store.Message, error) {
	if s.Send == nil {
		return store.Message{}, fmt.Errorf("no SMTP server is configured ([delivery] transport = \"smtp\" and [smtp]); send it from your mail program, then record it with: onward drafts sent %d", id)
	}
	m, err := d.Store.Message(ctx, id)
	if err != nil {
		return m, err
	}
	if m.Audience != onward.Recruiter {
		return m, fmt.Errorf("message %d is a %s to you, not a draft", id, m.Kind)
	}
	if m.Status == onward.StatusDrafted && m.To == "" {
		return m, fmt.Errorf("draft %d has no recipient: add the recruiter's address with: onward edit %d --recruiter \"Name <address>\"", id, m.ApplicationID)
	}
	lease := d.lease(s)
	m, release, err := d.Store.ClaimDraft(ctx, id, lease)
	if err != nil {
		return m, err
	}
	defer release()
	email, err := s.Composer.DraftEmail(m, d.Clock.Now())
	if err != nil {
		d.finish(ctx, m, store.Outcome{Status: onward.StatusDrafted, Error: err.Error(), KeepBody: true}, err)
		return m, err
	}
	sendCtx, cancel := context.WithTimeout(ctx, lease-d.LeaseMargin/2)
	err = s.Send.Send(sendCtx, email)
	cancel()
	if err != nil {
		d.finish(ctx, m, store.Outcome{Status: onward.StatusDrafted, Error: err.Error(), KeepBody: true}, err)
		return m, fmt.Errorf("send draft %d: %w", id, err)
	}
	if err := d.finish(ctx, m, store.Outcome{Status: onward.StatusSent, At: d.Clock.Now(), KeepBody: true}, nil); err != nil {
		return m, fmt.Errorf("draft %d reached the server, but recording it as sent failed (do not send it again): %w", id, err)
	}
	m.Status = onward.StatusSent
	if s.SentCopy != nil {
		var raw bytes.Buffer
		if _, err := email.WriteTo(&raw); err != nil {
			return m, fmt.Errorf("%w: %w", ErrNoSentCopy, err)
		}
		if _, err := s.SentCopy.AppendSent(context.WithoutCancel(ctx), raw.Bytes(), email.MessageID); err != nil {
			return m, fmt.Errorf("%w: %w", ErrNoSentCopy, err)
		}
	}
	return m, nil
}

// humanDuration says a span the way a person would: "3 days", "5 hours",
// "12 minutes".
func humanDuration(d time.Duration) string {
	unit := func(n int64, one string) string {
		if n == 1 {
			return "1 " + one
		}
		return fmt.Sprintf("%d %ss", n, one)
	}
	switch {
	case d >= 48*time.Hour:
		return unit(int64(d/(24*time.Hour)), "day")
	case d >= 2*time.Hour:
		return unit(int64(d/time.Hour), "hour")
	}
	return unit(int64(d/time.Minute), "minute")
}
