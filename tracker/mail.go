package tracker

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/store"
)

// MailReply is what a recruiter's reply read in the mailbox leads to.
type MailReply struct {
	At time.Time
	// From is the sender's address: a rejection from an address nobody
	// answers (a no-reply address, an applicant tracking system) plans no
	// request for feedback at the CV stage.
	From string
	// Reject records a rejection too, with RejectNote (auto_reject on a
	// clear no). An application already closed (an offer, withdrawn)
	// keeps its stage; the reply and the notice are still recorded.
	Reject     bool
	RejectNote string
	// Notice, when set, plans a rejection_notice to the user with this
	// note (the phrase that read as a no).
	Notice string
}

// MailResult is what RecordMailReply did.
type MailResult struct {
	Reply    Result
	Rejected bool // the rejection was recorded
}

// RecordMailReply records a recruiter's reply read in the mailbox, and
// what follows from it, in one transaction under the email's claim
// (FromMail): the reply, the rejection and the notice are all there, or
// none and the email is not marked handled, so a crash between them
// cannot leave a reply whose notice is lost for good.
func (t *Tracker) RecordMailReply(ctx context.Context, appID int64, r MailReply) (MailResult, error) {
	var res MailResult
	err := t.store.Update(ctx, func(tx *store.Tx) error {
		res = MailResult{}
		if err := t.claimMail(ctx, tx); err != nil {
			return err
		}
		var err error
		res.Reply, err = t.eventTx(ctx, tx, appID, store.Event{Kind: onward.Reply, At: r.At.UTC()}, extra{}, sameStage)
		if err != nil {
			return err
		}
		if r.Reject {
			note, err := checkText("note", r.RejectNote, maxNotes)
			if err != nil {
				return err
			}
			rej, err := t.eventTx(ctx, tx, appID, store.Event{Kind: onward.Rejected, At: r.At.UTC(), Note: note}, extra{from: r.From}, toRejected)
			// A closed application refuses before anything is written.
			if err != nil && !errors.Is(err, ErrInvalid) {
				return err
			}
			res.Rejected = err == nil && !rej.Unchanged
		}
		if r.Notice != "" {
			if _, err := t.notifyTx(ctx, tx, appID, onward.RejectionNotice, r.Notice); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return res, fmt.Errorf("reply: %w", err)
	}
	return res, nil
}
