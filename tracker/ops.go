package tracker

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/address"
	"github.com/onward-app/onward/plan"
	"github.com/onward-app/onward/store"
)

// NewApplication is what the user knows when they apply.
type NewApplication struct {
	Company     string
	Role        string
	Recruiter   string // "Name <addr>", a bare address, a name, or empty
	RecruiterTZ string
	URL         string
	Notes       string
	At          time.Time // zero: now
	// Again records the application even when one for the same company
	// and role is still open.
	Again bool
}

// Apply records a new application. One for a company and role that
// already has an open application is refused with a *DuplicateError
// unless n.Again: re-running apply by mistake would make every later
// command on the company ambiguous.
func (t *Tracker) Apply(ctx context.Context, n NewApplication) (store.Application, error) {
	a, err := checkApplication(n)
	if err != nil {
		return a, err
	}
	err = t.store.Update(ctx, func(tx *store.Tx) error {
		if a.AppliedAt.IsZero() {
			a.AppliedAt = tx.Now()
		}
		if a.AppliedAt.After(tx.Now().Add(Skew)) {
			return invalid("at", "%s is in the future (it is %s now); record an application once it is sent, with --at the time it was",
				a.AppliedAt.In(t.policy.Location).Format("2006-01-02 15:04 MST"), tx.Now().In(t.policy.Location).Format("2006-01-02 15:04 MST"))
		}
		if !n.Again {
			dup, ok, err := openDuplicate(ctx, tx, a.Company, a.Role)
			if err != nil {
				return err
			}
			if ok {
				return &DuplicateError{Existing: dup, Location: t.policy.Location}
			}
		}
		if err := tx.InsertApplication(ctx, &a); err != nil {
			return err
		}
		ev := store.Event{ApplicationID: a.ID, Kind: onward.Applied, At: a.AppliedAt}
		if err := tx.InsertEvent(ctx, &ev); err != nil {
			return err
		}
		// Applying plans the check for silence (followups.no_reply).
		pev, err := planEvent(ctx, tx, a, ev, store.InterviewDetails{}, "", false)
		if err != nil {
			return err
		}
		_, err = t.apply(ctx, tx, a, pev, ev.ID, nil)
		return err
	})
	if err != nil {
		return a, fmt.Errorf("apply: %w", err)
	}
	return a, nil
}

// Changes holds the fields to edit; nil means "leave as is".
type Changes struct {
	Company, Role, Recruiter, RecruiterTZ, URL, Notes *string
}

// Edit changes an application's details. Pending recruiter messages get
// the new address, so a draft never goes to an address the user replaced.
func (t *Tracker) Edit(ctx context.Context, id int64, c Changes) (store.Application, error) {
	var a store.Application
	err := t.store.Update(ctx, func(tx *store.Tx) error {
		var err error
		if a, err = tx.Application(ctx, id); err != nil {
			return err
		}
		old := RecruiterAddress(a)
		if c.Company != nil {
			if a.Company, err = checkLine("company", *c.Company, true); err != nil {
				return err
			}
		}
		if c.Role != nil {
			if a.Role, err = checkLine("role", *c.Role, true); err != nil {
				return err
			}
		}
		if c.Recruiter != nil {
			if a.RecruiterName, a.RecruiterEmail, err = parseRecruiter(*c.Recruiter); err != nil {
				return err
			}
		}
		if c.RecruiterTZ != nil {
			if a.RecruiterTZ, err = checkZone(*c.RecruiterTZ); err != nil {
				return err
			}
		}
		if c.URL != nil {
			if a.URL, err = checkURL(*c.URL); err != nil {
				return err
			}
		}
		if c.Notes != nil {
			if a.Notes, err = checkText("notes", *c.Notes, maxNotes); err != nil {
				return err
			}
		}
		if err := tx.UpdateApplication(ctx, &a); err != nil {
			return err
		}
		waiting, err := tx.DraftsWithoutAddress(ctx, a.ID)
		if err != nil {
			return err
		}
		if err := tx.SetRecipient(ctx, a.ID, onward.Recruiter, old, RecruiterAddress(a)); err != nil {
			return err
		}
		if a.RecruiterEmail == "" {
			return nil
		}
		// A draft the user was told could not go out can now: say so
		// again, with the address.
		for _, id := range waiting {
			n := store.Message{ApplicationID: a.ID, DraftID: id, Kind: onward.DraftReady, Audience: onward.User,
				To: t.user.Display(), DueAt: t.policy.Quiet.Skip(tx.Now(), t.policy.Location).UTC(),
				MessageID: store.NewMessageID(t.user.Email)}
			if err := tx.InsertMessage(ctx, &n); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return a, fmt.Errorf("edit: %w", err)
	}
	return a, nil
}

// event runs one event through a transaction: load the application, check
// the transition, move the stage, record the event, apply the plan.
func (t *Tracker) event(ctx context.Context, id int64, ev store.Event, x extra, next func(a store.Application) (stage onward.Stage, unchanged bool, err error)) (Result, error) {
	var res Result
	err := t.store.Update(ctx, func(tx *store.Tx) error {
		if err := t.claimMail(ctx, tx); err != nil {
			return err
		}
		var err error
		res, err = t.eventTx(ctx, tx, id, ev, x, next)
		return err
	})
	if err != nil {
		return res, fmt.Errorf("%s: %w", ev.Kind, err)
	}
	return res, nil
}

// extra is what an event brings beyond its kind and time.
type extra struct {
	// details of an interview.
	details store.InterviewDetails
	// from is the address a rejection read in the mailbox came from; ""
	// when the user recorded it.
	from string
	// feedback, for a feedback event.
	feedback *store.Feedback
}

// eventTx is event inside tx. When next refuses the transition it returns
// before writing anything, so a caller may go on with tx.
func (t *Tracker) eventTx(ctx context.Context, tx *store.Tx, id int64, ev store.Event, x extra, next func(a store.Application) (stage onward.Stage, unchanged bool, err error)) (Result, error) {
	a, err := tx.Application(ctx, id)
	if err != nil {
		return Result{}, err
	}
	stage, unchanged, err := next(a)
	if err != nil || unchanged {
		return Result{App: a, Unchanged: unchanged}, err
	}
	if ev.At.IsZero() {
		ev.At = tx.Now()
	}
	// What the user types is checked; what the mailbox reports is dated
	// by the sender's clock, and refusing it would lose the reply.
	if t.mail == "" {
		events, err := tx.Events(ctx, a.ID)
		if err != nil {
			return Result{}, err
		}
		if err := checkTime(a, events, ev, tx.Now(), t.policy.Location); err != nil {
			return Result{App: a}, err
		}
	}
	ev.ApplicationID = a.ID
	if err := tx.InsertEvent(ctx, &ev); err != nil {
		return Result{}, err
	}
	moved := false
	if ev.At.Before(a.AppliedAt) && AppliedDateUnknown(a) {
		// The application was at least as early as what followed it.
		if err := tx.SetApplied(ctx, a.ID, ev.At); err != nil {
			return Result{}, err
		}
		a.AppliedAt, moved = ev.At, true
	}
	if err := tx.InsertInterviewDetails(ctx, ev.ID, x.details); err != nil {
		return Result{}, err
	}
	declined := false
	if x.feedback != nil {
		f := *x.feedback
		f.EventID, f.ApplicationID = ev.ID, a.ID
		if err := tx.InsertFeedback(ctx, f); err != nil {
			return Result{}, err
		}
		declined = f.Declined
	}
	pev, err := planEvent(ctx, tx, a, ev, x.details, x.from, declined)
	if err != nil {
		return Result{}, err
	}
	if stage != a.Stage || moved {
		a.Stage = stage
		if err := tx.UpdateApplication(ctx, &a); err != nil {
			return Result{}, err
		}
	}
	skip := map[onward.Kind]bool{}
	if ev.Kind == onward.Rejected {
		// One request for feedback per application, ever: asking
		// twice turns a courtesy into pressure. One cancelled (by an
		// undo, a withdrawal) never asked anything.
		n, err := tx.CountAsked(ctx, a.ID, onward.FeedbackRequest)
		if err != nil {
			return Result{}, err
		}
		skip[onward.FeedbackRequest] = n > 0
	}
	return t.apply(ctx, tx, a, pev, ev.ID, skip)
}

// personKnown reports whether a rejection came from someone who may
// answer a request for feedback: the sender of the email it was read
// from, or, when the user recorded it, the recruiter on file.
// planEvent is what the planner needs to know of a recorded event: its
// time, the people and the decision date of an interview, and for a
// rejection whether an interview came before it and a person sent it.
// Recording an event and replaying one after an undo use it alike, so
// both plan the same messages.
func planEvent(ctx context.Context, tx *store.Tx, a store.Application, ev store.Event, d store.InterviewDetails, from string, declined bool) (plan.Event, error) {
	pev := plan.Event{
		Kind: ev.Kind, At: ev.At, End: ev.EndsAt, RecruiterLocation: recruiterLocation(a),
		Recruiter: plan.Person{Name: a.RecruiterName, Email: a.RecruiterEmail},
		Expect:    d.Expect,
		Declined:  declined,
	}
	for _, w := range d.With {
		pev.With = append(pev.With, plan.Person{Name: w.Name, Email: w.Email})
	}
	if ev.Kind == onward.Rejected {
		n, err := tx.CountEvents(ctx, a.ID, onward.Interview)
		if err != nil {
			return plan.Event{}, err
		}
		pev.Interviewed = n > 0
	}
	pev.PersonKnown = personKnown(a, from)
	return pev, nil
}

func personKnown(a store.Application, from string) bool {
	if from == "" {
		from = a.RecruiterEmail
	}
	return from != "" && !address.Automated(from)
}

// closedErr refuses an event on an application that reached an outcome,
// with the way back if the outcome was recorded by mistake.
func closedErr(a store.Application) error {
	return invalid("application", "%s (%d) %s already; if that was recorded by mistake, take it back with: onward undo %d",
		a.Company, a.ID, a.Stage.Phrase(), a.ID)
}

// Interview records an interview from at for duration (zero: one hour)
// and plans the thank-you and the status check. A later interview
// replaces what the earlier one planned.
func (t *Tracker) Interview(ctx context.Context, id int64, at time.Time, duration time.Duration) (Result, error) {
	return t.InterviewWith(ctx, id, at, duration, InterviewDetails{})
}

// InterviewWith is Interview with what the user knows about it: who
// interviewed them (each one with an address gets a thank-you), what was
// discussed, when they will decide, what kind of interview and where.
func (t *Tracker) InterviewWith(ctx context.Context, id int64, at time.Time, duration time.Duration, in InterviewDetails) (Result, error) {
	if duration != 0 && (duration < time.Minute || duration > 24*time.Hour) {
		return Result{}, invalid("duration", "%s is not between 1m and 24h", duration)
	}
	if duration == 0 {
		duration = time.Hour
	}
	if at.IsZero() {
		at = t.store.Now()
	}
	ev := store.Event{Kind: onward.Interview, At: at.UTC(), EndsAt: at.Add(duration).UTC()}
	details, err := in.check(at, t.policy.Location)
	if err != nil {
		return Result{}, err
	}
	return t.event(ctx, id, ev, extra{details: details}, toInterviewing)
}

func toInterviewing(a store.Application) (onward.Stage, bool, error) {
	if a.Closed() {
		return "", false, closedErr(a)
	}
	return onward.StageInterviewing, false, nil
}

// Reject records a rejection and plans the feedback request, the
// stay-in-touch note and the two check-ins to the user. Rejecting twice
// changes nothing.
func (t *Tracker) Reject(ctx context.Context, id int64, at time.Time, note string) (Result, error) {
	note, err := checkText("note", note, maxNotes)
	if err != nil {
		return Result{}, err
	}
	ev := store.Event{Kind: onward.Rejected, At: at.UTC(), Note: note}
	return t.event(ctx, id, ev, extra{}, toRejected)
}

func toRejected(a store.Application) (onward.Stage, bool, error) {
	switch a.Stage {
	case onward.StageRejected:
		return "", true, nil
	case onward.StageWithdrawn, onward.StageOffer:
		return "", false, closedErr(a)
	}
	return onward.StageRejected, false, nil
}

// Reply records that the recruiter answered, which makes the status
// check unnecessary.
func (t *Tracker) Reply(ctx context.Context, id int64, at time.Time) (Result, error) {
	ev := store.Event{Kind: onward.Reply, At: at.UTC()}
	return t.event(ctx, id, ev, extra{}, sameStage)
}

func sameStage(a store.Application) (onward.Stage, bool, error) { return a.Stage, false, nil }

// Offer records an offer.
func (t *Tracker) Offer(ctx context.Context, id int64, at time.Time) (Result, error) {
	return t.OfferBy(ctx, id, at, time.Time{})
}

// Withdraw records that the user stepped back, and cancels everything
// still pending for the application.
func (t *Tracker) Withdraw(ctx context.Context, id int64, at time.Time) (Result, error) {
	ev := store.Event{Kind: onward.Withdrawn, At: at.UTC()}
	return t.event(ctx, id, ev, extra{}, func(a store.Application) (onward.Stage, bool, error) {
		if a.Stage == onward.StageWithdrawn {
			return "", true, nil
		}
		return onward.StageWithdrawn, false, nil
	})
}

// Log records a lesson, on an application or (appID 0) on none. Its tags
// are the #words in the text plus extra, so a lesson logged by replying to
// a check-in is tagged the same way as one logged with --tag.
func (t *Tracker) Log(ctx context.Context, appID int64, text string, extra ...string) (store.Lesson, error) {
	return t.LogAt(ctx, appID, time.Time{}, text, extra...)
}

// LogAt is Log with the time the lesson was learned (zero: now), which
// may not be in the future.
func (t *Tracker) LogAt(ctx context.Context, appID int64, at time.Time, text string, extra ...string) (store.Lesson, error) {
	l := store.Lesson{ApplicationID: appID, CreatedAt: at.UTC()}
	var err error
	if l.Text, l.Tags, err = lessonText(text, extra); err != nil {
		return l, err
	}
	err = t.store.Update(ctx, func(tx *store.Tx) error {
		if err := t.claimMail(ctx, tx); err != nil {
			return err
		}
		if l.CreatedAt.After(tx.Now().Add(Skew)) {
			return invalid("at", "%s is in the future (it is %s now); log a lesson when it is learned, with --at the time it was",
				l.CreatedAt.In(t.policy.Location).Format("2006-01-02 15:04 MST"), tx.Now().In(t.policy.Location).Format("2006-01-02 15:04 MST"))
		}
		if appID != 0 {
			a, err := tx.Application(ctx, appID)
			if err != nil {
				return err
			}
			l.Company = a.Company
		}
		return tx.InsertLesson(ctx, &l)
	})
	if err != nil {
		return l, fmt.Errorf("log: %w", err)
	}
	return l, nil
}

// EditDraft replaces a waiting draft's subject and text with the user's.
func (t *Tracker) EditDraft(ctx context.Context, id int64, subject, text string) error {
	subject, err := checkLine("subject", subject, true)
	if err != nil {
		return err
	}
	if text, err = checkText("text", text, maxNotes); err != nil {
		return err
	}
	if text == "" {
		return invalid("text", "is empty")
	}
	err = t.store.Update(ctx, func(tx *store.Tx) error { return tx.SetDraft(ctx, id, subject, text+"\n") })
	if errors.Is(err, store.ErrNotClaimable) {
		return invalid("draft", "%d is not a waiting draft any more", id)
	}
	return err
}

// DiscardDraft throws a recruiter draft away, written or still planned.
func (t *Tracker) DiscardDraft(ctx context.Context, id int64) error {
	err := t.store.Update(ctx, func(tx *store.Tx) error { return tx.Discard(ctx, id) })
	if errors.Is(err, store.ErrNotClaimable) {
		m, merr := t.store.Message(ctx, id)
		if merr != nil {
			return merr
		}
		return invalid("draft", "%d is %s; only a planned or waiting draft can be discarded", id, m.Status)
	}
	return err
}

// Notify plans a notice to the user about an application, due now: what
// onward noticed in the mailbox and the command that acts on it. note is
// kept with the message for the template.
func (t *Tracker) Notify(ctx context.Context, appID int64, kind onward.Kind, note string) (store.Message, error) {
	var m store.Message
	err := t.store.Update(ctx, func(tx *store.Tx) error {
		var err error
		m, err = t.notifyTx(ctx, tx, appID, kind, note)
		return err
	})
	if err != nil {
		return m, fmt.Errorf("notify: %w", err)
	}
	return m, nil
}

func (t *Tracker) notifyTx(ctx context.Context, tx *store.Tx, appID int64, kind onward.Kind, note string) (store.Message, error) {
	m := store.Message{ApplicationID: appID, Kind: kind, Audience: onward.User, To: t.user.Display(),
		MessageID: store.NewMessageID(t.user.Email)}
	m.DueAt = t.policy.Quiet.Skip(tx.Now(), t.policy.Location).UTC()
	if err := tx.InsertMessage(ctx, &m); err != nil {
		return m, err
	}
	return m, tx.SetNote(ctx, m.ID, note)
}

// MarkSentByUser records that the user sent a draft from their own mail
// program.
func (t *Tracker) MarkSentByUser(ctx context.Context, id int64, at time.Time) error {
	return t.store.Update(ctx, func(tx *store.Tx) error { return tx.MarkSentByUser(ctx, id, at) })
}

// DraftSender sends a drafted recruiter message by hand under the same
// claim the daemon takes; the delivery's SendDraft, bound to its setup, is
// the one in use.
type DraftSender func(ctx context.Context, id int64) (store.Message, error)

// SendDraft sends draft id to its recruiter through send, so that the most
// consequential write a user makes goes through the same door as every
// other. The claim, the one-send-ever rule and the recording of the answer
// are the delivery's, shared with the daemon; store.ErrNotClaimable says
// the draft was not there to send, with its status in the message.
func (t *Tracker) SendDraft(ctx context.Context, id int64, send DraftSender) (store.Message, error) {
	return send(ctx, id)
}
