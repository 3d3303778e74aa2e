package tracker

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/plan"
	"github.com/onward-app/onward/store"
)

// Undone is what Undo changed.
type Undone struct {
	App store.Application
	// Event is the event removed.
	Event    store.Event
	From, To onward.Stage
	// Cancelled are the messages the event had planned that were still
	// waiting (and the notices about them), as they were.
	Cancelled []store.Message
	// Kept are the messages the event had planned that had already gone
	// out or ended: they stay in the history.
	Kept []store.Message
	// Replanned are messages an earlier event had planned, which the
	// undone event cancelled, planned again.
	Replanned []store.Message
	// Late are those that would have been planned again but are too late
	// to send now.
	Late []plan.Planned
	// Dropped are those a guard kept from being planned again (with
	// plan.Planned.Reason).
	Dropped []plan.Planned
	// Others are the other applications an undone acceptance had
	// withdrawn, each taken back with it.
	Others []Undone
}

// Undo reverts the application's last recorded event: what it planned
// and is still waiting is cancelled, the stage goes back to what the
// events before it make it, and what it cancelled of an earlier event's
// plan is planned again, where it is still timely. Sent messages stay.
// An application with nothing but its application recorded is not
// undone: that is a delete. Undoing an acceptance also takes back, in the
// same transaction, the withdrawals it made of the other applications
// (those whose last event is still that withdrawal).
func (t *Tracker) Undo(ctx context.Context, id int64) (Undone, error) {
	var u Undone
	err := t.store.Update(ctx, func(tx *store.Tx) error {
		var err error
		if u, err = t.undoTx(ctx, tx, id); err != nil {
			return err
		}
		if u.Event.Kind == onward.Accepted {
			u.Others, err = t.undoElsewhere(ctx, tx, u.Event.At)
		}
		return err
	})
	if err != nil {
		return u, fmt.Errorf("undo: %w", err)
	}
	return u, nil
}

// undoElsewhere takes back the withdrawals an acceptance at made of the
// other applications: each whose last event is that acceptance's
// withdrawal, so one the user changed since is left as it is.
func (t *Tracker) undoElsewhere(ctx context.Context, tx *store.Tx, at time.Time) ([]Undone, error) {
	apps, err := tx.Applications(ctx)
	if err != nil {
		return nil, err
	}
	var out []Undone
	for _, a := range apps {
		events, err := tx.Events(ctx, a.ID)
		if err != nil {
			return nil, err
		}
		n := len(events)
		if n < 2 || events[n-1].Kind != onward.AcceptedElsewhere || events[n-1].At.Before(at) {
			continue
		}
		u, err := t.undoTx(ctx, tx, a.ID)
		if err != nil {
			return nil, fmt.Errorf("%s (%d): %w", a.Company, a.ID, err)
		}
		out = append(out, u)
	}
	return out, nil
}

// undoTx is Undo of one application inside tx.
func (t *Tracker) undoTx(ctx context.Context, tx *store.Tx, id int64) (Undone, error) {
	a, err := tx.Application(ctx, id)
	if err != nil {
		return Undone{}, err
	}
	events, err := tx.Events(ctx, a.ID)
	if err != nil {
		return Undone{}, err
	}
	if len(events) <= 1 {
		return Undone{}, invalid("application", "%s (%d) has nothing recorded after the application itself; to remove the application: onward delete %d",
			a.Company, a.ID, a.ID)
	}
	last := events[len(events)-1]
	return t.undoLastTx(ctx, tx, a, events, "undone: the "+last.Kind.Noun()+" of "+last.At.In(t.policy.Location).Format("2 Jan 2006")+" was taken back")
}

// undoLastTx reverts the last of events, the application's events in
// recorded order (at least two), as Undo says; reason is given to what it
// cancels.
func (t *Tracker) undoLastTx(ctx context.Context, tx *store.Tx, a store.Application, events []store.Event, reason string) (Undone, error) {
	var u Undone
	err := func() error {
		last, earlier := events[len(events)-1], events[:len(events)-1]
		u.Event, u.From = last, a.Stage
		var err error
		if u.Cancelled, err = tx.CancelOfEvent(ctx, last.ID, reason); err != nil {
			return err
		}
		planned, err := tx.MessagesOfEvent(ctx, last.ID)
		if err != nil {
			return err
		}
		for _, m := range planned {
			if !slices.ContainsFunc(u.Cancelled, func(c store.Message) bool { return c.ID == m.ID }) && m.Status != onward.StatusCancelled {
				u.Kept = append(u.Kept, m)
			}
		}
		if err := tx.DeleteEvent(ctx, last.ID); err != nil {
			return err
		}
		kinds := make([]onward.EventKind, len(earlier))
		for i, e := range earlier {
			kinds[i] = e.Kind
		}
		a.Stage = plan.StageAfter(kinds)
		u.To = a.Stage
		if err := tx.UpdateApplication(ctx, &a); err != nil {
			return err
		}
		u.App = a
		return t.replan(ctx, tx, a, earlier, plan.Standing(kinds), &u)
	}()
	return u, err
}

// replan plans again each kind whose standing plan belongs to an earlier
// event and whose message of that event was cancelled (by the event now
// undone): not one that was sent, discarded or expired, and not a kind
// already pending.
func (t *Tracker) replan(ctx context.Context, tx *store.Tx, a store.Application, earlier []store.Event, standing map[onward.Kind]int, u *Undone) error {
	for _, kind := range onward.Kinds() {
		i, ok := standing[kind]
		if !ok {
			continue
		}
		ev := earlier[i]
		msgs, err := tx.MessagesOfEvent(ctx, ev.ID)
		if err != nil {
			return err
		}
		var cancelled, other int
		for _, m := range msgs {
			switch {
			case m.Kind != kind:
			case m.Status == onward.StatusCancelled:
				cancelled++
			default:
				other++
			}
		}
		if cancelled == 0 || other > 0 {
			continue
		}
		if n, err := tx.CountPendingOf(ctx, a.ID, kind); err != nil || n > 0 {
			if err != nil {
				return err
			}
			continue
		}
		if kind == onward.FeedbackRequest {
			if n, err := tx.CountAsked(ctx, a.ID, kind); err != nil || n > 0 {
				if err != nil {
					return err
				}
				continue
			}
		}
		details, err := tx.InterviewDetails(ctx, ev.ID)
		if err != nil {
			return err
		}
		pev, err := planEvent(ctx, tx, a, ev, details, "", false)
		if err != nil {
			return err
		}
		if err := t.guardInputs(ctx, tx, a.ID, ev.ID, &pev); err != nil {
			return err
		}
		step := t.policy.Plan(pev, tx.Now())
		for _, p := range step.Late {
			if p.Kind == kind {
				u.Late = append(u.Late, p)
			}
		}
		for _, p := range step.Dropped {
			if p.Kind == kind {
				u.Dropped = append(u.Dropped, p)
			}
		}
		for _, p := range step.Schedule {
			if p.Kind != kind {
				continue
			}
			m, err := t.insertPlanned(ctx, tx, a, ev.ID, p)
			if err != nil {
				return err
			}
			u.Replanned = append(u.Replanned, m)
		}
	}
	return nil
}

// insertPlanned writes one planned message of event eventID.
func (t *Tracker) insertPlanned(ctx context.Context, tx *store.Tx, a store.Application, eventID int64, p plan.Planned) (store.Message, error) {
	m := store.Message{
		ApplicationID: a.ID,
		EventID:       eventID,
		Kind:          p.Kind,
		Audience:      p.Kind.Audience(),
		DueAt:         p.DueAt,
		PlannedAt:     p.PlannedAt,
		MessageID:     store.NewMessageID(t.user.Email),
	}
	m.To = t.user.Display()
	if m.Audience == onward.Recruiter {
		m.To = RecruiterAddress(a)
	}
	return m, tx.InsertMessage(ctx, &m)
}

// Deleted is what Delete removed.
type Deleted struct {
	App store.Application
	store.Footprint
}

// Delete removes an application and everything of it: events, lessons,
// and messages, the sent ones too (the user asked for it to be gone).
func (t *Tracker) Delete(ctx context.Context, id int64) (Deleted, error) {
	var d Deleted
	err := t.store.Update(ctx, func(tx *store.Tx) error {
		var err error
		if d.App, err = tx.Application(ctx, id); err != nil {
			return err
		}
		d.Footprint, err = tx.DeleteApplication(ctx, id)
		if errors.Is(err, store.ErrSending) {
			return invalid("application", "%s (%d): one of its messages is being sent right now; try again in a minute", d.App.Company, id)
		}
		return err
	})
	if err != nil {
		return d, fmt.Errorf("delete: %w", err)
	}
	return d, nil
}

// EditLesson replaces a lesson's text; its tags are read again from the
// new text, plus extra.
func (t *Tracker) EditLesson(ctx context.Context, id int64, text string, extra ...string) (store.Lesson, error) {
	var l store.Lesson
	text, tags, err := lessonText(text, extra)
	if err != nil {
		return l, err
	}
	err = t.store.Update(ctx, func(tx *store.Tx) error {
		var err error
		if l, err = tx.Lesson(ctx, id); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return invalid("lesson", "no lesson with id %d (see `onward lessons`)", id)
			}
			return err
		}
		l.Text, l.Tags = text, tags
		return tx.UpdateLesson(ctx, l)
	})
	if err != nil {
		return l, fmt.Errorf("lessons edit: %w", err)
	}
	return l, nil
}

// DeleteLesson removes a lesson and returns it as it was.
func (t *Tracker) DeleteLesson(ctx context.Context, id int64) (store.Lesson, error) {
	var l store.Lesson
	err := t.store.Update(ctx, func(tx *store.Tx) error {
		var err error
		if l, err = tx.Lesson(ctx, id); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return invalid("lesson", "no lesson with id %d (see `onward lessons`)", id)
			}
			return err
		}
		return tx.DeleteLesson(ctx, id)
	})
	if err != nil {
		return l, fmt.Errorf("lessons delete: %w", err)
	}
	return l, nil
}

// lessonText checks a lesson's text and gathers its tags: the #words in
// it plus extra.
func lessonText(text string, extra []string) (string, []string, error) {
	text, err := checkText("lesson", text, maxNotes)
	if err != nil {
		return "", nil, err
	}
	if text == "" {
		return "", nil, invalid("lesson", "is empty; write what you learned")
	}
	tags := Tags(text)
	for _, raw := range extra {
		tag, ok := NormalizeTag(raw)
		if !ok {
			return "", nil, invalid("tag", "%q is not a tag: use letters, digits, - and _ (at most %d)", raw, maxTag)
		}
		tags = append(tags, tag)
	}
	slices.Sort(tags)
	return text, slices.Compact(tags), nil
}

// DuplicateError says an application for the same company and role is
// still open; NewApplication.Again records another anyway.
type DuplicateError struct {
	Existing store.Application
	// Location is the user's zone, for the date in the message.
	Location *time.Location
}

func (e *DuplicateError) Error() string {
	a, loc := e.Existing, e.Location
	if loc == nil {
		loc = time.UTC
	}
	return fmt.Sprintf("%s — %s is already open as application %d (applied %s); to record another anyway, add --again",
		a.Company, a.Role, a.ID, a.AppliedAt.In(loc).Format("2 Jan 2006"))
}

// Is makes a DuplicateError an input error.
func (e *DuplicateError) Is(target error) bool { return target == ErrInvalid }

// openDuplicate finds an open application for company and role, both
// compared ignoring case.
func openDuplicate(ctx context.Context, tx *store.Tx, company, role string) (store.Application, bool, error) {
	apps, err := tx.Applications(ctx)
	if err != nil {
		return store.Application{}, false, err
	}
	for _, a := range apps {
		if !a.Closed() && strings.EqualFold(a.Company, company) && strings.EqualFold(a.Role, role) {
			return a, true, nil
		}
	}
	return store.Application{}, false, nil
}

// AppliedDateUnknown reports whether the application was recorded
// without a date (apply without --at), so that the time it was recorded
// stands in for it: both stamps are then the same transaction's now.
// Such a date gives way to an earlier event (a hunt backfilled from
// today), where a date the user gave is a fact an event may not precede.
func AppliedDateUnknown(a store.Application) bool { return a.AppliedAt.Equal(a.CreatedAt) }

// Skew is how far ahead of the clock an event may be dated: clocks of
// two machines (the phone the time was read from, this one) disagree.
const Skew = 5 * time.Minute

// checkTime refuses times that cannot be right for ev on a: ahead of now
// (but an interview, which is scheduled ahead), before the application,
// a rejection before the interview it follows.
func checkTime(a store.Application, events []store.Event, ev store.Event, now time.Time, loc *time.Location) error {
	if loc == nil {
		loc = time.UTC
	}
	local := func(t time.Time) string { return t.In(loc).Format("2006-01-02 15:04 MST") }
	if ev.Kind != onward.Interview && ev.At.After(now.Add(Skew)) {
		return invalid("at", "%s is in the future (it is %s now); record the %s once it has happened, with --at the time it did",
			local(ev.At), local(now), ev.Kind.Noun())
	}
	if ev.At.Before(a.AppliedAt) && !AppliedDateUnknown(a) {
		return invalid("at", "%s is before you applied to %s (%s); give the time it happened with --at, or, if the application's date is the wrong one, delete it and apply again with --at",
			local(ev.At), a.Company, local(a.AppliedAt))
	}
	if ev.Kind == onward.Rejected {
		for i := len(events) - 1; i >= 0; i-- {
			if events[i].Kind != onward.Interview {
				continue
			}
			if ev.At.Before(events[i].At) {
				return invalid("at", "%s is before the interview it follows (%s); give the time of the rejection with --at, or, if the interview's time is the wrong one, record the interview again at its right time",
					local(ev.At), local(events[i].At))
			}
			break
		}
	}
	return nil
}
