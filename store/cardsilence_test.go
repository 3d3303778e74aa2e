package store_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/store"
)

// CardSilences reads, for the applications asked for and no other, what
// Silences reads for the whole hunt: the sent chases oldest first, the
// ones still to go out, and the latest answer.
func TestCardSilencesIsSilencesForTheCardsAlone(t *testing.T) {
	t.Parallel()
	s, _ := openStore(t)
	ctx := context.Background()
	chasing := []onward.Kind{onward.StatusCheck, onward.ApplicationFollowUp}
	answering := []onward.EventKind{onward.Reply, onward.Interview}
	acme, globex, initech, umbrella := insertApp(t, s, "Acme"), insertApp(t, s, "Globex"), insertApp(t, s, "Initech"), insertApp(t, s, "Umbrella")
	sent := func(app store.Application, kind onward.Kind, at time.Time) {
		m := &store.Message{ApplicationID: app.ID, Kind: kind, Audience: onward.Recruiter, To: "r@example.com", Status: onward.StatusDrafted, DueAt: at}
		insert(t, s, m)
		if err := s.Update(ctx, func(tx *store.Tx) error { return tx.MarkSentByUser(ctx, m.ID, at) }); err != nil {
			t.Fatal(err)
		}
	}
	// Acme: two chases sent (the later one first in id), answered between.
	sent(acme, onward.ApplicationFollowUp, t0.Add(-5*24*time.Hour))
	sent(acme, onward.StatusCheck, t0.Add(-20*24*time.Hour))
	// Globex: one sent, one planned, one drafted, a thank-you (no chase).
	sent(globex, onward.StatusCheck, t0.Add(-10*24*time.Hour))
	sent(globex, onward.ThankYou, t0.Add(-9*24*time.Hour))
	insert(t, s, &store.Message{ApplicationID: globex.ID, Kind: onward.ApplicationFollowUp, Audience: onward.Recruiter, DueAt: t0.Add(24 * time.Hour)},
		&store.Message{ApplicationID: globex.ID, Kind: onward.StatusCheck, Audience: onward.Recruiter, Status: onward.StatusDrafted, DueAt: t0})
	// Initech: an answer and nothing else; Umbrella, not asked for.
	sent(umbrella, onward.StatusCheck, t0.Add(-30*24*time.Hour))
	if err := s.Update(ctx, func(tx *store.Tx) error {
		for _, e := range []store.Event{
			{ApplicationID: acme.ID, Kind: onward.Reply, At: t0.Add(-12 * 24 * time.Hour)},
			{ApplicationID: acme.ID, Kind: onward.Interview, At: t0.Add(-8 * 24 * time.Hour)},
			{ApplicationID: acme.ID, Kind: onward.Rejected, At: t0.Add(-1 * 24 * time.Hour)},
			{ApplicationID: initech.ID, Kind: onward.Reply, At: t0.Add(-3 * 24 * time.Hour)},
		} {
			if err := tx.InsertEvent(ctx, &e); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}

	ids := []int64{acme.ID, globex.ID, initech.ID}
	got, err := s.CardSilences(ctx, ids, chasing, answering)
	if err != nil {
		t.Fatal(err)
	}
	all, err := s.Silences(ctx, chasing, answering)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := got[umbrella.ID]; ok {
		t.Errorf("Umbrella, not asked for, was read: %+v", got[umbrella.ID])
	}
	want := map[int64]store.Silence{
		acme.ID:   {Chases: []time.Time{t0.Add(-20 * 24 * time.Hour), t0.Add(-5 * 24 * time.Hour)}, LastAnswer: t0.Add(-8 * 24 * time.Hour)},
		globex.ID: {Chases: []time.Time{t0.Add(-10 * 24 * time.Hour)}, Pending: 2},
		// Silences leaves out an answer with no chase; it changes nothing.
		initech.ID: {LastAnswer: t0.Add(-3 * 24 * time.Hour)},
	}
	for _, id := range ids {
		w := want[id]
		g := got[id]
		if !reflect.DeepEqual(g.Chases, w.Chases) || !g.LastAnswer.Equal(w.LastAnswer) || g.Pending != w.Pending {
			t.Errorf("application %d: %+v, want %+v", id, g, w)
		}
		// What Silences makes of it agrees.
		a := all[id]
		if g.LastChase() != a.LastChase() || g.Unanswered() != a.Unanswered() || g.Pending != a.Pending {
			t.Errorf("application %d: %+v, Silences has %+v", id, g, a)
		}
	}
}
