package tracker

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/store"
	"github.com/onward-app/onward/when"
)

// OfferBy records an offer, with the day the user must answer by (zero:
// none given): the user gets a reminder the evening before it. An offer
// already recorded is recorded again when a deadline comes with it, so a
// deadline learned later replaces the reminder of the first.
func (t *Tracker) OfferBy(ctx context.Context, id int64, at, deadline time.Time) (Result, error) {
	ev := store.Event{Kind: onward.Offer, At: at.UTC()}
	if !deadline.IsZero() {
		// The deadline is a day: the answer is due by its end.
		y, m, d := deadline.In(t.policy.Location).Date()
		ev.EndsAt = when.Wall(y, m, d, 23, 59, 0, 0, t.policy.Location).UTC()
		if now := t.store.Now(); !ev.EndsAt.After(now) {
			return Result{}, invalid("deadline", "%s has passed (it is %s now); give the day they want an answer by",
				deadline.In(t.policy.Location).Format("2006-01-02"), now.In(t.policy.Location).Format("2006-01-02 15:04 MST"))
		}
	}
	return t.event(ctx, id, ev, extra{}, func(a store.Application) (onward.Stage, bool, error) {
		switch a.Stage {
		case onward.StageOffer:
			return onward.StageOffer, ev.EndsAt.IsZero(), nil
		case onward.StageWithdrawn, onward.StageRejected:
			return "", false, closedErr(a)
		}
		return onward.StageOffer, false, nil
	})
}

// Accepted is what accepting an offer did: to the accepted application,
// and to each other one it closed.
type Accepted struct {
	Result
	// Others are the applications still open that the acceptance closed,
	// each with its withdrawal draft when a recruiter who may answer is
	// known.
	Others []Result
}

// Accept records that the user accepted the offer of application id: the
// hunt's end. The user gets a note of congratulations; every other open
// application is closed (everything pending for it cancelled), and where
// it has a recruiter who may answer, gets a withdrawal draft for the user
// to review. All of it is one transaction: a failure writes nothing.
func (t *Tracker) Accept(ctx context.Context, id int64, at time.Time) (Accepted, error) {
	var out Accepted
	err := t.store.Update(ctx, func(tx *store.Tx) error {
		if err := t.claimMail(ctx, tx); err != nil {
			return err
		}
		var err error
		out, err = t.acceptTx(ctx, tx, id, at)
		return err
	})
	if err != nil {
		return out, fmt.Errorf("accept: %w", err)
	}
	return out, nil
}

// errPreview rolls back a transaction that only looked.
var errPreview = errors.New("tracker: preview only")

// PreviewAccept returns what Accept would do now, and writes nothing: the
// same code runs in a transaction that is rolled back, so what it shows
// (which applications close, which get a withdrawal draft and to whom)
// is what accepting does, not a guess made beside it.
func (t *Tracker) PreviewAccept(ctx context.Context, id int64, at time.Time) (Accepted, error) {
	var out Accepted
	err := t.store.Update(ctx, func(tx *store.Tx) error {
		var err error
		if out, err = t.acceptTx(ctx, tx, id, at); err != nil {
			return err
		}
		return errPreview
	})
	if err != nil && !errors.Is(err, errPreview) {
		return out, fmt.Errorf("accept: %w", err)
	}
	return out, nil
}

func (t *Tracker) acceptTx(ctx context.Context, tx *store.Tx, id int64, at time.Time) (Accepted, error) {
	var out Accepted
	if at.IsZero() {
		at = tx.Now()
	}
	ev := store.Event{Kind: onward.Accepted, At: at.UTC()}
	res, err := t.eventTx(ctx, tx, id, ev, extra{}, func(a store.Application) (onward.Stage, bool, error) {
		switch a.Stage {
		case onward.StageWithdrawn, onward.StageRejected:
			return "", false, closedErr(a)
		}
		events, err := tx.Events(ctx, a.ID)
		if err != nil {
			return "", false, err
		}
		if n := len(events); n > 0 && events[n-1].Kind == onward.Accepted {
			return "", true, nil
		}
		return onward.StageOffer, false, nil
	})
	out.Result = res
	if err != nil || res.Unchanged {
		return out, err
	}
	apps, err := tx.Applications(ctx)
	if err != nil {
		return out, err
	}
	for _, a := range apps {
		// Still open: applied, in interviews, or an offer not taken.
		if a.ID == id || a.Stage == onward.StageRejected || a.Stage == onward.StageWithdrawn {
			continue
		}
		other := store.Event{Kind: onward.AcceptedElsewhere, At: ev.At}
		if other.At.Before(a.AppliedAt) {
			// Applied after the offer was accepted: closed as applied.
			other.At = a.AppliedAt
		}
		r, err := t.eventTx(ctx, tx, a.ID, other, extra{}, func(store.Application) (onward.Stage, bool, error) {
			return onward.StageWithdrawn, false, nil
		})
		if err != nil {
			return out, fmt.Errorf("close %s (%d): %w", a.Company, a.ID, err)
		}
		out.Others = append(out.Others, r)
	}
	return out, nil
}

// Decline records that the user declined the offer of application id and
// plans a draft to the recruiter that says so graciously and keeps the
// door open; everything else pending for it is cancelled.
func (t *Tracker) Decline(ctx context.Context, id int64, at time.Time) (Result, error) {
	ev := store.Event{Kind: onward.Declined, At: at.UTC()}
	return t.event(ctx, id, ev, extra{}, func(a store.Application) (onward.Stage, bool, error) {
		if a.Stage != onward.StageOffer {
			return "", false, noOfferErr(a, "decline")
		}
		return onward.StageWithdrawn, false, nil
	})
}

// WithdrawOffer records that the employer took the offer of application
// id back; the user gets a kind note and the application is closed as a
// rejection.
func (t *Tracker) WithdrawOffer(ctx context.Context, id int64, at time.Time) (Result, error) {
	ev := store.Event{Kind: onward.OfferWithdrawn, At: at.UTC()}
	return t.event(ctx, id, ev, extra{}, func(a store.Application) (onward.Stage, bool, error) {
		if a.Stage != onward.StageOffer {
			return "", false, noOfferErr(a, "offer --withdrawn")
		}
		return onward.StageRejected, false, nil
	})
}

func noOfferErr(a store.Application, cmd string) error {
	return invalid("application", "%s (%d) %s, not an offer; `onward %s` is for an offer (record one with: onward offer %d)",
		a.Company, a.ID, a.Stage.Phrase(), cmd, a.ID)
}

// Close records that the user let application id go, most often one gone
// quiet after its follow-ups: unlike a withdrawal note, nothing goes to
// the employer. Everything pending for it is cancelled and nothing more is
// planned; onward undo takes it back. An offer is answered with Decline,
// not closed.
func (t *Tracker) Close(ctx context.Context, id int64, at time.Time) (Result, error) {
	ev := store.Event{Kind: onward.Closed, At: at.UTC()}
	return t.event(ctx, id, ev, extra{}, func(a store.Application) (onward.Stage, bool, error) {
		switch a.Stage {
		case onward.StageApplied, onward.StageInterviewing:
			return onward.StageWithdrawn, false, nil
		case onward.StageOffer:
			return "", false, invalid("application", "%s (%d) has an offer; to say no to it: onward decline %d", a.Company, a.ID, a.ID)
		}
		return "", false, closedErr(a)
	})
}
