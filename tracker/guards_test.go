package tracker_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/store"
	"github.com/onward-app/onward/tracker"
)

// TestOneDraftADayAcrossApplications: a draft the event itself cancels
// (an interview recorded again) takes no day from the one that replaces
// it, and the withdrawals an accept drafts to one recruiter are not
// spread over days.
func TestOneDraftADayAcrossApplications(t *testing.T) {
	t.Parallel()
	p := trkPolicy(t, "")
	p.OneADay = true
	e := trkSetupWith(t, p)
	ctx := context.Background()
	berlin := p.Location
	a := e.apply(t, "Acme", "Dana Reyes <dana@agency.example>")
	if _, err := e.tr.Interview(ctx, a.ID, trkNow.Add(-3*time.Hour), time.Hour); err != nil {
		t.Fatal(err)
	}
	// The same round recorded again, an hour later: its thank-you
	// replaces the first one's on the same Monday.
	res, err := e.tr.Interview(ctx, a.ID, trkNow.Add(-2*time.Hour), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range res.Scheduled {
		if m.Kind == onward.ThankYou && m.DueAt.In(berlin).Weekday() != time.Monday {
			t.Errorf("the new thank-you moved to %v for the one it replaced", m.DueAt.In(berlin))
		}
	}
	// Two more applications to Dana, closed by an accepted offer from a
	// third: the withdrawals are not held back a day each (a recruiter
	// told late works on for nothing), so all three fall on one day.
	b := e.apply(t, "Globex", "dana@agency.example")
	c := e.apply(t, "Initech", "DANA@agency.example")
	offer := e.apply(t, "Hooli", "Gavin <gavin@hooli.example>")
	if _, err := e.tr.Offer(ctx, offer.ID, trkNow); err != nil {
		t.Fatal(err)
	}
	if _, err := e.tr.Accept(ctx, offer.ID, trkNow); err != nil {
		t.Fatal(err)
	}
	days := map[string][]int64{}
	for _, m := range e.messages(t, store.MessageFilter{}) {
		if m.Audience != onward.Recruiter || !m.Status.Pending() || !strings.Contains(strings.ToLower(m.To), "dana@agency.example") {
			continue
		}
		if m.Kind != onward.Withdrawal {
			t.Errorf("a %s to Dana is pending after the accept", m.Kind)
		}
		day := m.DueAt.In(berlin).Format("Mon 2006-01-02")
		days[day] = append(days[day], m.ApplicationID)
	}
	// Acme's withdrawal cancelled its thank-you; the three withdrawals
	// remain, on one day.
	if len(days) != 1 {
		t.Errorf("Dana's withdrawals fall on %v, want one day for applications %d, %d, %d", days, a.ID, b.ID, c.ID)
	}
	for _, apps := range days {
		if len(apps) != 3 {
			t.Errorf("withdrawals to Dana for applications %v, want %d, %d, %d", apps, a.ID, b.ID, c.ID)
		}
	}
}

// TestCloseLetsAnApplicationGo: close cancels what is pending and plans
// nothing; an offer is answered with decline instead, and a closed one
// cannot be closed again.
func TestCloseLetsAnApplicationGo(t *testing.T) {
	t.Parallel()
	e := trkSetup(t)
	ctx := context.Background()
	a := e.apply(t, "Acme", "dana@acme.example")
	if _, err := e.tr.Interview(ctx, a.ID, trkNow.Add(-2*time.Hour), time.Hour); err != nil {
		t.Fatal(err)
	}
	res, err := e.tr.Close(ctx, a.ID, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if res.App.Stage != onward.StageWithdrawn || len(res.Scheduled) != 0 || res.Cancelled != 2 {
		t.Errorf("close: stage %s, planned %v, cancelled %d; want withdrawn, nothing, the thank-you and the status check",
			res.App.Stage, kindsOf(res.Scheduled), res.Cancelled)
	}
	if _, err := e.tr.Close(ctx, a.ID, time.Time{}); !errors.Is(err, tracker.ErrInvalid) || !strings.Contains(err.Error(), "onward undo") {
		t.Errorf("close twice: %v, want refused with the way back", err)
	}
	o := e.apply(t, "Globex", "")
	if _, err := e.tr.Offer(ctx, o.ID, trkNow); err != nil {
		t.Fatal(err)
	}
	if _, err := e.tr.Close(ctx, o.ID, time.Time{}); !errors.Is(err, tracker.ErrInvalid) || !strings.Contains(err.Error(), "onward decline") {
		t.Errorf("close an offer: %v, want refused, pointing at decline", err)
	}
}
