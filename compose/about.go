package compose

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/mailer"
	"github.com/onward-app/onward/store"
	"github.com/onward-app/onward/templates"
)

// about fills what a message says about its application beyond the
// application itself: the interview it follows or prepares (with what the
// user recorded), the interviewer a thank-you is for, and the feedback
// that came. Nothing is filled that was not recorded.
func (c *Composer) about(ctx context.Context, d *templates.Data, m store.Message) error {
	a, err := c.Store.Application(ctx, m.ApplicationID)
	if err != nil {
		return err
	}
	var ev store.Event
	switch m.Kind {
	case onward.ThankYou, onward.StatusCheck, onward.Prep:
		// The interview that planned it: just held, or coming up.
		ev, err = EventFor(ctx, c.Store, m, onward.Interview)
	case onward.DraftReady, onward.Digest:
		return nil
	default:
		// After a rejection, the last interview before it; interviews
		// cannot be recorded on a closed application, so the last one
		// recorded is before it.
		ev, err = c.Store.LastEventOf(ctx, m.ApplicationID, onward.Interview)
	}
	switch {
	case errors.Is(err, store.ErrNotFound):
		d.Interview = nil
	case err != nil:
		return err
	default:
		if d.Interview, err = c.interview(ctx, a, ev); err != nil {
			return err
		}
	}
	if m.Kind == onward.ThankYou && d.Interview != nil && m.To != "" {
		if to, err := mailer.ParseAddress(m.To); err == nil {
			for i, w := range d.Interview.With {
				if w.Email != "" && strings.EqualFold(w.Email, to.Email) {
					d.Recipient = &d.Interview.With[i]
					break
				}
			}
		}
	}
	switch m.Kind {
	case onward.LetGo, onward.FeedbackThanks, onward.FeedbackReceived, onward.Prep:
		appID := m.ApplicationID
		if m.Kind == onward.Prep {
			appID = 0 // the latest feedback anywhere helps the next interview
		}
		f, err := c.Store.LastFeedback(ctx, appID)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		d.Feedback = &templates.Feedback{Text: f.Text, At: f.At.In(c.location()), Declined: f.Declined, Company: f.Company}
	}
	return nil
}

// interview is an interview event with its details, as a template sees it.
func (c *Composer) interview(ctx context.Context, a store.Application, ev store.Event) (*templates.Interview, error) {
	det, err := c.Store.InterviewDetails(ctx, ev.ID)
	if err != nil {
		return nil, err
	}
	round, err := c.Store.InterviewRound(ctx, ev)
	if err != nil {
		return nil, err
	}
	loc := c.location()
	iv := &templates.Interview{At: ev.At.In(loc), Where: det.Where, Topics: det.Topics, Round: round}
	if det.Kind != "" {
		iv.Kind = det.Kind.Label()
	}
	if !det.Expect.IsZero() {
		iv.Expect = det.Expect.In(loc)
	}
	for _, w := range det.With {
		iv.With = append(iv.With, templates.Interviewer{Name: w.Name, Email: w.Email, Title: w.Title})
	}
	if a.RecruiterTZ != "" {
		if rl, err := time.LoadLocation(a.RecruiterTZ); err == nil {
			r := ev.At.In(rl)
			_, uo := iv.At.Zone()
			_, ro := r.Zone()
			if uo != ro {
				iv.RecruiterAt = r
			}
		}
	}
	return iv, nil
}

// stayInTouchAt is when the application's stay-in-touch draft is planned,
// in the user's zone; zero when none is pending.
func (c *Composer) stayInTouchAt(ctx context.Context, appID int64) (time.Time, error) {
	ms, err := c.Store.Messages(ctx, store.MessageFilter{ApplicationID: appID, Kind: onward.StayInTouch, NoBodies: true})
	if err != nil {
		return time.Time{}, err
	}
	for _, m := range ms {
		if m.Status.Pending() {
			return m.DueAt.In(c.location()), nil
		}
	}
	return time.Time{}, nil
}
