package tracker_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/store"
	"github.com/onward-app/onward/tracker"
)

func TestUndo(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	future := trkNow.Add(3 * 24 * time.Hour)
	for _, c := range []struct {
		name string
		// record is what happens before the undo; it returns the
		// application's id.
		record  func(t *testing.T, e *trkEnv) int64
		stage   onward.Stage
		pending []string // kinds scheduled after the undo
	}{
		{"a reply: the status check comes back", func(t *testing.T, e *trkEnv) int64 {
			a := e.apply(t, "Acme", "dana@acme.example")
			mustDo(t)(e.tr.Interview(ctx, a.ID, trkNow.Add(-2*time.Hour), time.Hour))
			mustDo(t)(e.tr.Reply(ctx, a.ID, trkNow))
			return a.ID
		}, onward.StageInterviewing, sorted(onward.ThankYou, onward.StatusCheck)},
		{"a second interview: the first one's plan comes back", func(t *testing.T, e *trkEnv) int64 {
			a := e.apply(t, "Acme", "dana@acme.example")
			mustDo(t)(e.tr.Interview(ctx, a.ID, trkNow.Add(-2*time.Hour), time.Hour))
			mustDo(t)(e.tr.Interview(ctx, a.ID, future, time.Hour))
			return a.ID
		}, onward.StageInterviewing, sorted(onward.ThankYou, onward.StatusCheck)},
		{"an offer on an interview ahead: the prep note comes back", func(t *testing.T, e *trkEnv) int64 {
			a := e.apply(t, "Acme", "dana@acme.example")
			mustDo(t)(e.tr.Interview(ctx, a.ID, future, time.Hour))
			mustDo(t)(e.tr.Offer(ctx, a.ID, trkNow))
			return a.ID
		}, onward.StageInterviewing, sorted(onward.ThankYou, onward.StatusCheck, onward.Prep)},
		{"a withdrawal after a rejection: the rejection's plan comes back", func(t *testing.T, e *trkEnv) int64 {
			a := e.apply(t, "Acme", "dana@acme.example")
			mustDo(t)(e.tr.Reject(ctx, a.ID, trkNow.Add(-time.Hour), ""))
			mustDo(t)(e.tr.Withdraw(ctx, a.ID, trkNow))
			return a.ID
		}, onward.StageRejected, sorted(onward.FeedbackRequest, onward.StayInTouch, onward.Learn, onward.LetGo)},
		{"a discarded draft stays discarded", func(t *testing.T, e *trkEnv) int64 {
			a := e.apply(t, "Acme", "dana@acme.example")
			res := mustDo(t)(e.tr.Interview(ctx, a.ID, trkNow.Add(-2*time.Hour), time.Hour))
			for _, m := range res.Scheduled {
				if m.Kind == onward.StatusCheck {
					if err := e.tr.DiscardDraft(ctx, m.ID); err != nil {
						t.Fatal(err)
					}
				}
			}
			mustDo(t)(e.tr.Offer(ctx, a.ID, trkNow))
			return a.ID
		}, onward.StageInterviewing, sorted(onward.ThankYou)},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			e := trkSetupWith(t, trkPolicy(t, "18:00 the day before"))
			id := c.record(t, e)
			e.clock.now = trkNow.Add(time.Minute)
			u, err := e.tr.Undo(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if u.To != c.stage || u.App.Stage != c.stage {
				t.Errorf("stage after undo = %s (%s), want %s", u.To, u.App.Stage, c.stage)
			}
			if got := e.pending(t, id); !slices.Equal(got, c.pending) {
				t.Errorf("pending after undo = %v, want %v", got, c.pending)
			}
			for _, m := range u.Replanned {
				if m.EventID == 0 || m.EventID == u.Event.ID {
					t.Errorf("%s planned again for event %d; want the earlier event's", m.Kind, m.EventID)
				}
			}
		})
	}
}

func TestUndoThenRejectAsksForFeedbackAgain(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := trkSetup(t)
	a := e.apply(t, "Acme", "dana@acme.example")
	mustDo(t)(e.tr.Reject(ctx, a.ID, trkNow, ""))
	if _, err := e.tr.Undo(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	res := mustDo(t)(e.tr.Reject(ctx, a.ID, trkNow, ""))
	if !slices.Contains(kindsOf(res.Scheduled), string(onward.FeedbackRequest)) {
		t.Errorf("reject after an undone reject planned %v, want a feedback request: the first was never sent", kindsOf(res.Scheduled))
	}
	// Undone once more and rejected again: still one request waiting.
	if _, err := e.tr.Undo(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	mustDo(t)(e.tr.Reject(ctx, a.ID, trkNow, ""))
	waiting := e.messages(t, store.MessageFilter{ApplicationID: a.ID, Kind: onward.FeedbackRequest, Status: onward.StatusScheduled})
	if len(waiting) != 1 {
		t.Errorf("%d feedback requests waiting, want 1", len(waiting))
	}
}

func TestUndoRefusesTheApplicationItself(t *testing.T) {
	t.Parallel()
	e := trkSetup(t)
	a := e.apply(t, "Acme", "")
	_, err := e.tr.Undo(context.Background(), a.ID)
	wantInvalid(t, err, "application")
}

func TestAnApplicationWithoutADateGivesWayToAnEarlierEvent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := trkSetup(t)
	a, err := e.tr.Apply(ctx, tracker.NewApplication{Company: "Acme", Role: "Engineer"})
	if err != nil {
		t.Fatal(err)
	}
	before := trkNow.Add(-48 * time.Hour)
	mustDo(t)(e.tr.Interview(ctx, a.ID, before, time.Hour))
	got, _ := e.st.Application(ctx, a.ID)
	if !got.AppliedAt.Equal(before) {
		t.Errorf("applied %s, want moved back to the interview, %s", got.AppliedAt, before)
	}
	// Now the date is known: an event before it is refused.
	_, err = e.tr.Reply(ctx, a.ID, before.Add(-time.Hour))
	wantInvalid(t, err, "at")
}

func mustDo(t *testing.T) func(tracker.Result, error) tracker.Result {
	return func(r tracker.Result, err error) tracker.Result {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
}

func TestDeleteWaitsForAMessageOnTheWire(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := trkSetup(t)
	a := e.apply(t, "Acme", "dana@acme.example")
	mustDo(t)(e.tr.Reject(ctx, a.ID, trkNow, ""))
	claimed, err := e.st.ClaimDue(ctx, trkNow.Add(2*24*time.Hour), time.Minute, 1)
	if err != nil || len(claimed) != 1 {
		t.Fatalf("claim: %v, %v", claimed, err)
	}
	_, err = e.tr.Delete(ctx, a.ID)
	wantInvalid(t, err, "application")
	if _, err := e.st.Application(ctx, a.ID); err != nil {
		t.Errorf("the application is gone although its message is on the wire: %v", err)
	}
	if err := e.st.Release(ctx, claimed); err != nil {
		t.Fatal(err)
	}
	d, err := e.tr.Delete(ctx, a.ID)
	if err != nil || d.Events != 2 || d.Messages != 4 {
		t.Errorf("delete after the send: %+v, %v; want 2 events and 4 messages gone", d, err)
	}
}
