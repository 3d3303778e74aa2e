package tracker

import (
	"context"
	"fmt"
	"time"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/store"
)

// MailInvitation is a recruiter's calendar invitation read in the
// mailbox: a request (new or updated) or a cancellation.
type MailInvitation struct {
	// At is when the email came (a reply from the recruiter).
	At time.Time
	// UID and Sequence name the meeting and its version.
	UID      string
	Sequence int
	Cancel   bool
	Start    time.Time
	Duration time.Duration
	Details  InterviewDetails
	// Record changes the records (auto_interview): a request records the
	// interview or moves the one recorded from an earlier version, a
	// cancellation removes it when nothing was recorded after it.
	Record bool
	// Note is the notice's content; RecordMailInvitation sets its
	// Change, Recorded and Left.
	Note store.InvitationNote
}

// InvitationResult is what RecordMailInvitation did.
type InvitationResult struct {
	// Stale: the invitation is a version already recorded, or older;
	// nothing changed and no notice was planned.
	Stale bool
	// Recorded, Moved and Removed say what became of the interview.
	Recorded, Moved, Removed bool
	Notice                   store.Message
}

// RecordMailInvitation records what a recruiter's calendar invitation
// leads to, in one transaction under the email's claim (FromMail): the
// reply (the recruiter answered, so a pending status check is cancelled),
// with Record the interview recorded, moved or removed, and the
// invitation_notice to the user. An interview recorded from an invitation
// carries its UID and SEQUENCE in its note (store.InvitationMark), so a
// later version finds it and an earlier or repeated one changes nothing.
func (t *Tracker) RecordMailInvitation(ctx context.Context, appID int64, in MailInvitation) (InvitationResult, error) {
	var res InvitationResult
	err := t.store.Update(ctx, func(tx *store.Tx) error {
		res = InvitationResult{}
		if err := t.claimMail(ctx, tx); err != nil {
			return err
		}
		a, err := tx.Application(ctx, appID)
		if err != nil {
			return err
		}
		events, err := tx.Events(ctx, a.ID)
		if err != nil {
			return err
		}
		prev, prevSeq := -1, 0
		for i, e := range events {
			if uid, seq, ok := store.ParseInvitationMark(e.Note); ok && e.Kind == onward.Interview && uid == in.UID {
				prev, prevSeq = i, seq
			}
		}
		if prev >= 0 && in.Sequence <= prevSeq {
			// A copy of a version already recorded, or an older one
			// arriving late: the records hold a newer one.
			res.Stale = true
			return nil
		}
		note := in.Note
		switch {
		case in.Cancel:
			note.Change = "cancelled"
		case prev >= 0 || (in.Sequence > 0 && !in.Record):
			// Without Record, a later version may move what the user
			// recorded by hand; with it, only the interview recorded from
			// an earlier version is moved, else this one is new.
			note.Change = "moved"
		default:
			note.Change = "new"
		}
		if !in.Cancel {
			if _, err := t.eventTx(ctx, tx, a.ID, store.Event{Kind: onward.Reply, At: in.At.UTC()}, extra{}, sameStage); err != nil {
				return err
			}
		}
		if in.Record {
			if err := t.applyInvitation(ctx, tx, a, events, prev, in, &note, &res); err != nil {
				return err
			}
		}
		res.Notice, err = t.notifyTx(ctx, tx, a.ID, onward.InvitationNotice, note.Encode())
		return err
	})
	if err != nil {
		return res, fmt.Errorf("invitation: %w", err)
	}
	return res, nil
}

// applyInvitation changes the records for in (auto_interview); prev is the
// index in events of the interview an earlier version recorded, or -1.
// What it cannot do is said in note.Left, and the notice tells the user.
func (t *Tracker) applyInvitation(ctx context.Context, tx *store.Tx, a store.Application, events []store.Event, prev int, in MailInvitation, note *store.InvitationNote, res *InvitationResult) error {
	if in.Cancel {
		switch {
		case prev < 0:
			note.Left = "no interview was recorded from this invitation"
		case prev != len(events)-1:
			note.Left = "more was recorded after the interview, so it stays recorded"
		default:
			if _, err := t.undoLastTx(ctx, tx, a, events, "the interview was cancelled by the organizer"); err != nil {
				return err
			}
			res.Removed, note.Recorded = true, true
		}
		return nil
	}
	if a.Closed() {
		note.Left = fmt.Sprintf("the application is recorded as %s", a.Stage)
		return nil
	}
	details, err := in.Details.check(in.Start, t.policy.Location)
	if err != nil {
		note.Left = "the invitation's details could not be recorded: " + err.Error()
		return nil
	}
	duration := in.Duration
	if duration < time.Minute || duration > 24*time.Hour {
		duration = time.Hour
	}
	if prev >= 0 {
		old := events[prev]
		if _, err := tx.CancelOfEvent(ctx, old.ID, "the interview was moved by an updated invitation"); err != nil {
			return err
		}
		if err := tx.DeleteEvent(ctx, old.ID); err != nil {
			return err
		}
		res.Moved = true
	}
	ev := store.Event{Kind: onward.Interview, At: in.Start.UTC(), EndsAt: in.Start.Add(duration).UTC(), Note: store.InvitationMark(in.UID, in.Sequence)}
	if _, err := t.eventTx(ctx, tx, a.ID, ev, extra{details: details}, toInterviewing); err != nil {
		return err
	}
	res.Recorded, note.Recorded = !res.Moved, true
	return nil
}
