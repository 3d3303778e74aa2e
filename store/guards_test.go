package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/store"
)

// TestRecruiterDraftsToReadsOnlyThoseAddresses: the days an event's guard
// needs are those of its own recipients, found however the recipient was
// written, and never those of an address that merely contains theirs.
func TestRecruiterDraftsToReadsOnlyThoseAddresses(t *testing.T) {
	t.Parallel()
	s, _ := openStore(t)
	ctx := context.Background()
	app := insertApp(t, s, "Acme")
	at := t0.Add(24 * time.Hour)
	draft := func(to string, status onward.Status, due time.Time) *store.Message {
		return &store.Message{ApplicationID: app.ID, Kind: onward.StatusCheck, Audience: onward.Recruiter, To: to, Status: status, DueAt: due}
	}
	msgs := []*store.Message{
		draft("Ann Lee <Ann@Example.com>", onward.StatusScheduled, at),
		draft("ann@example.com", onward.StatusDrafted, at.Add(time.Hour)),
		draft("Jo Ann <joann@example.com>", onward.StatusScheduled, at),    // contains "ann@example.com"
		draft("Bo <bo@example.com>", onward.StatusScheduled, at),           // another person
		draft("ann@example.com", onward.StatusCancelled, at),               // reached nobody
		draft("ann@example.com", onward.StatusSent, t0.Add(-72*time.Hour)), // before since
	}
	insert(t, s, msgs...)
	got, err := s.RecruiterDraftsTo(ctx, t0.Add(-48*time.Hour), []string{"ANN@example.com "})
	if err != nil {
		t.Fatal(err)
	}
	var gotIDs []int64
	for _, d := range got {
		gotIDs = append(gotIDs, d.ID)
		if d.Address != "ann@example.com" {
			t.Errorf("draft %d: address %q", d.ID, d.Address)
		}
	}
	if want := []int64{msgs[0].ID, msgs[1].ID}; !slices.Equal(gotIDs, want) {
		t.Errorf("drafts to ann@example.com: %v, want %v", gotIDs, want)
	}
	all, err := s.RecruiterDrafts(ctx, t0.Add(-48*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 4 {
		t.Errorf("every draft that takes a day: %d, want 4", len(all))
	}
	none, err := s.RecruiterDraftsTo(ctx, t0.Add(-48*time.Hour), nil)
	if err != nil || len(none) != 0 {
		t.Errorf("no address: %v, %v; want none", none, err)
	}
}
