package deliver

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/plan"
	"github.com/onward-app/onward/store"
)

// Retime computes again, by policy p, the due time of every scheduled
// message that is not yet due, and moves those whose time changed. It is
// run when the daemon starts and on every reload, so a change of time
// zone, quiet hours, send window or delay applies to what is already
// planned, not only to what is planned next. Each message keeps its id
// and Message-ID. It returns how many messages moved.
//
// A message planned by an event (an interview, a rejection) is planned
// again from that event, as Plan would now plan it; a notice or digest
// is only moved out of the quiet hours. A message already due, or
// waiting for a retry, keeps its time: the checks at the moment of
// sending still apply to it. A zero policy re-times nothing.
func Retime(ctx context.Context, st *store.Store, p plan.Policy, now time.Time) (int, error) {
	if p.Location == nil {
		return 0, nil
	}
	pending, err := st.PendingTimes(ctx, now)
	if err != nil {
		return 0, err
	}
	type move struct {
		id                int64
		was, due, planned time.Time
	}
	// The guard of one draft a day to a recruiter holds through a
	// re-time: each draft is timed against the days of the drafts that
	// keep their time (waiting, sent, due already) and of those timed
	// before it here, earliest first, so two never move onto one day.
	// By address: each draft is timed against its own recipient's days
	// alone, so a long hunt's thousands of drafts cost one pass.
	fixed, decided := map[string][]store.DraftDue{}, map[string][]store.DraftDue{}
	byID := map[int64]store.DraftDue{}
	if p.OneADay {
		drafts, err := st.RecruiterDrafts(ctx, now.Add(-48*time.Hour))
		if err != nil {
			return 0, err
		}
		retimed := map[int64]bool{}
		for _, m := range pending {
			retimed[m.ID] = m.Attempts == 0
		}
		for _, d := range drafts {
			byID[d.ID] = d
			if !retimed[d.ID] {
				fixed[d.Address] = append(fixed[d.Address], d)
			}
		}
	}
	var moves []move
	for _, m := range pending {
		if m.Attempts > 0 {
			continue
		}
		d, guarded := byID[m.ID]
		var taken map[string][]time.Time
		if guarded {
			// Only its own recipient's days: the guard is per person.
			var event int64
			if m.Event != nil {
				event = m.Event.ID
			}
			own := store.TakenBy(append(slices.Clip(fixed[d.Address]), decided[d.Address]...), m.ID, event)
			taken = map[string][]time.Time{d.Address: own[d.Address]}
		}
		due, planned, ok := retime(ctx, p, st, m, taken, now)
		if guarded {
			d.DueAt = m.DueAt
			if ok {
				d.DueAt = due
			}
			decided[d.Address] = append(decided[d.Address], d)
		}
		if !ok || due.Equal(m.DueAt) && planned.Equal(m.PlannedAt) {
			continue
		}
		moves = append(moves, move{m.ID, m.DueAt, due, planned})
	}
	if len(moves) == 0 {
		return 0, nil
	}
	n := 0
	err = st.Update(ctx, func(tx *store.Tx) error {
		n = 0
		for _, mv := range moves {
			moved, err := tx.Retime(ctx, mv.id, mv.was, mv.due, mv.planned)
			if err != nil {
				return err
			}
			if moved {
				n++
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// retime returns the due and planned times of m under p; ok is false when
// p has no time for it (prep notes switched off, or no time left before
// the interview), in which case it keeps its time.
func retime(ctx context.Context, p plan.Policy, st *store.Store, m store.PendingTime, taken map[string][]time.Time, now time.Time) (due, planned time.Time, ok bool) {
	ev := m.Event
	if ev == nil && slices.Contains(plan.Pending(), m.Kind) && m.ApplicationID != 0 {
		// Planned before messages kept their event: the event of its
		// kind recorded last is the one that planned it.
		kind, _ := plan.PlannedBy(m.Kind)
		e, err := st.LastEventOf(ctx, m.ApplicationID, kind)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return time.Time{}, time.Time{}, false
		}
		if err == nil {
			ev = &e
		}
	}
	if ev == nil {
		if m.Audience != onward.User {
			return time.Time{}, time.Time{}, false
		}
		due = p.Quiet.Skip(m.DueAt, p.Location).UTC()
		return due, m.PlannedAt, true
	}
	var recruiterLoc *time.Location
	if m.RecruiterTZ != "" {
		if l, err := time.LoadLocation(m.RecruiterTZ); err == nil {
			recruiterLoc = l
		}
	}
	// The message exists, so the event called for it: whom it goes to and
	// whether a person was known are settled; only the times are asked.
	pev := plan.Event{Kind: ev.Kind, At: ev.At, End: ev.EndsAt, RecruiterLocation: recruiterLoc, Interviewed: true, PersonKnown: true, Taken: taken}
	if m.Audience == onward.Recruiter {
		// Its recipient, as the one person the step plans it to (no
		// interviewers are given), so the guard counts that person's days.
		pev.Recruiter = plan.Person{Email: m.Address}
	}
	if ev.Kind == onward.Interview {
		det, err := st.InterviewDetails(ctx, ev.ID)
		if err != nil {
			return time.Time{}, time.Time{}, false
		}
		pev.Expect = det.Expect
	}
	step := p.Times(pev, now)
	for _, s := range step.Schedule {
		if s.Kind == m.Kind {
			return s.DueAt.UTC(), s.PlannedAt.UTC(), true
		}
	}
	return time.Time{}, time.Time{}, false
}
