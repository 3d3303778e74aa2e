package web

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/compose"
	"github.com/onward-app/onward/plan"
	"github.com/onward-app/onward/store"
	"github.com/onward-app/onward/tracker"
)

// goneQuiet makes a's follow-up to the application one the user sent at
// sentAt, in place of the one planned, with nothing of the kind still to
// go out: quiet once quiet_after (14 days here) has passed since sentAt
// with no answer.
func (f *fixture) goneQuiet(t testing.TB, a store.Application, sentAt time.Time) {
	t.Helper()
	ctx := context.Background()
	m := store.Message{ApplicationID: a.ID, Kind: onward.ApplicationFollowUp, Audience: onward.Recruiter, To: tracker.RecruiterAddress(a),
		Status: onward.StatusDrafted, DueAt: sentAt, MessageID: store.NewMessageID(f.cfg.User.Email), Subject: "Checking in", Text: "Any news?"}
	if err := f.st.Update(ctx, func(tx *store.Tx) error {
		if _, err := tx.CancelPending(ctx, a.ID, plan.ChaseKinds(), "replaced by the test's follow-up"); err != nil {
			return err
		}
		return tx.InsertMessage(ctx, &m)
	}); err != nil {
		t.Fatal(err)
	}
	if err := f.tr.MarkSentByUser(ctx, m.ID, sentAt); err != nil {
		t.Fatal(err)
	}
}

// cardOf is the board's card of application id, as HTML.
func cardOf(t testing.TB, board string, id int64) string {
	t.Helper()
	i := strings.Index(board, fmt.Sprintf(`<a href="/apps/%d">`, id))
	if i < 0 {
		t.Fatalf("application %d has no card on the board:\n%s", id, board)
	}
	card := board[i:]
	if j := strings.Index(card, "</article>"); j >= 0 {
		card = card[:j]
	}
	return card
}

// An application whose follow-up went unanswered for quiet_after says so
// on its card and its page, and its page lets it go: nothing to the
// employer, nothing pending, the stage withdrawn, its timeline saying "let
// go"; undo takes it back, quiet again. One still waiting on a follow-up
// says nothing of the kind.
func TestQuietApplicationIsLetGoFromThePage(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	acme := f.apply(t, "Acme", "Dana Reyes <dana@acme.example>")
	globex := f.apply(t, "Globex", "Sam Lee <sam@globex.example>")
	sentAt := time.Now().Add(-20 * 24 * time.Hour)
	f.goneQuiet(t, acme, sentAt)
	day := sentAt.In(f.cfg.Location()).Format("Mon 2 Jan 2006")

	board := body(t, f.get(t, "/"))
	if c := cardOf(t, board, acme.ID); !strings.Contains(c, "quiet since "+day) {
		t.Errorf("Acme's card does not say it is quiet since %s:\n%s", day, c)
	}
	if c := cardOf(t, board, globex.ID); strings.Contains(c, "quiet since") {
		t.Errorf("Globex, its follow-up still to go out, is called quiet:\n%s", c)
	}
	if b := body(t, f.get(t, fmt.Sprintf("/apps/%d", globex.ID))); strings.Contains(b, "/close") || strings.Contains(b, "no reply since") {
		t.Errorf("Globex's page offers to let it go")
	}

	page := body(t, f.get(t, fmt.Sprintf("/apps/%d", acme.ID)))
	for _, want := range []string{
		"no reply since " + day,
		fmt.Sprintf(`<form method="post" action="/apps/%d/close"`, acme.ID),
		"sends nothing to the employer and cancels what is pending",
		"Let it go</button>",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("Acme's page lacks %q:\n%s", want, page)
		}
	}
	before, err := f.st.Messages(ctx, store.MessageFilter{ApplicationID: acme.ID, NoBodies: true})
	if err != nil {
		t.Fatal(err)
	}

	// Without the CSRF token nothing is written.
	if res := f.post(t, fmt.Sprintf("/apps/%d/close", acme.ID), nil); res.StatusCode != http.StatusForbidden {
		t.Errorf("close without the CSRF token: %d, want 403", res.StatusCode)
	}
	if got, _ := f.st.Application(ctx, acme.ID); got.Stage != onward.StageApplied {
		t.Fatalf("close without the CSRF token wrote: %s", got.Stage)
	}

	res := f.post(t, fmt.Sprintf("/apps/%d/close", acme.ID), f.form())
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != fmt.Sprintf("/apps/%d?done=close", acme.ID) {
		t.Fatalf("close: %d to %q\n%s", res.StatusCode, res.Header.Get("Location"), body(t, res))
	}
	got, _ := f.st.Application(ctx, acme.ID)
	evs := f.events(t, acme.ID)
	if got.Stage != onward.StageWithdrawn || evs[len(evs)-1].Kind != onward.Closed {
		t.Errorf("after close: %s, last event %s; want withdrawn, closed", got.Stage, evs[len(evs)-1].Kind)
	}
	after, err := f.st.Messages(ctx, store.MessageFilter{ApplicationID: acme.ID, NoBodies: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != len(before) {
		t.Errorf("close planned %d messages, want none (nothing goes to the employer): %+v", len(after)-len(before), after)
	}
	for _, m := range after {
		if m.Status.Pending() {
			t.Errorf("after close, %s %d is still %s", m.Kind, m.ID, m.Status)
		}
	}
	page = body(t, f.get(t, fmt.Sprintf("/apps/%d?done=close", acme.ID)))
	if !strings.Contains(page, "Let go: nothing was sent to them") || !strings.Contains(page, "<strong>let go</strong>") ||
		strings.Contains(page, "Let it go</button>") || strings.Contains(page, "<strong>closed</strong>") {
		t.Errorf("after close, the page does not say it was let go, or still offers to:\n%s", page)
	}
	if c := cardOf(t, body(t, f.get(t, "/")), acme.ID); strings.Contains(c, "quiet since") {
		t.Errorf("a closed application's card says quiet:\n%s", c)
	}

	// Undo takes it back: open again, and the page says it is quiet
	// exactly when status does (undo may plan its follow-up again, and a
	// follow-up still to go out keeps it from being quiet).
	if res := f.post(t, fmt.Sprintf("/apps/%d/undo", acme.ID), f.form()); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("undo: %d\n%s", res.StatusCode, body(t, res))
	}
	got, _ = f.st.Application(ctx, acme.ID)
	if got.Stage != onward.StageApplied {
		t.Errorf("after undo: %s, want applied", got.Stage)
	}
	quiet, err := compose.QuietApps(ctx, f.st, []store.Application{got}, f.cfg.Location(), f.cfg.QuietAfter(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	_, wantQuiet := quiet[acme.ID]
	if b := body(t, f.get(t, fmt.Sprintf("/apps/%d", acme.ID))); strings.Contains(b, "Let it go</button>") != wantQuiet {
		t.Errorf("after undo the page offers to let it go: %v; status calls it quiet: %v", !wantQuiet, wantQuiet)
	}
}

// Closing is for an application still open: an offer is declined, not
// closed, and the page shows the tracker's words by the form.
func TestLetGoOfAnOfferShowsTheTrackersError(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a := f.apply(t, "Acme", "Dana Reyes <dana@acme.example>")
	if _, err := f.tr.Offer(context.Background(), a.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	res := f.post(t, fmt.Sprintf("/apps/%d/close", a.ID), f.form())
	b := body(t, res)
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(b, fmt.Sprintf("onward decline %d", a.ID)) {
		t.Errorf("close of an offer: %d\n%s", res.StatusCode, b)
	}
	if got, _ := f.st.Application(context.Background(), a.ID); got.Stage != onward.StageOffer {
		t.Errorf("close of an offer wrote: %s", got.Stage)
	}
}

// The timeline names every event in words, never by its stored name.
func TestTimelineNamesEventsInWords(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	acme := f.apply(t, "Acme", "Dana Reyes <dana@acme.example>")
	globex := f.apply(t, "Globex", "Sam Lee <sam@globex.example>")
	if _, err := f.tr.Offer(ctx, acme.ID, time.Now().Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := f.tr.Accept(ctx, acme.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		app       store.Application
		want, raw string
	}{
		{acme, "<strong>offer accepted</strong>", "<strong>accepted</strong>"},
		{globex, "<strong>closed: an offer accepted elsewhere</strong>", "accepted_elsewhere"},
	} {
		b := body(t, f.get(t, fmt.Sprintf("/apps/%d", c.app.ID)))
		if i, j := strings.Index(b, `class="timeline"`), strings.Index(b, `id="messages"`); i >= 0 && j > i {
			b = b[i:j]
		}
		if !strings.Contains(b, c.want) || strings.Contains(b, c.raw) {
			t.Errorf("%s's timeline: want %q, not %q:\n%s", c.app.Company, c.want, c.raw, b)
		}
	}
}

// An error names the form once and says nothing of the packages behind
// it: "close: ...", not "close: closed: ...", and "application 999: not
// found", not "store: application 999: not found".
func TestErrorsNameTheFormOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a := f.apply(t, "Acme", "Dana Reyes <dana@acme.example>")
	form := f.form()
	form.Set("at", time.Now().AddDate(0, 0, 3).Format("2006-01-02 15:04")) // not yet
	res := f.post(t, fmt.Sprintf("/apps/%d/close", a.ID), form)
	b := html.UnescapeString(body(t, res))
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(b, "close: ") || strings.Contains(b, "closed: ") {
		t.Errorf("a bad time to close: %d\n%s", res.StatusCode, b)
	}
	res = f.get(t, "/apps/999")
	b = html.UnescapeString(body(t, res))
	if res.StatusCode != http.StatusNotFound || !strings.Contains(b, "application 999") || strings.Contains(b, "store:") {
		t.Errorf("an application that is not there: %d\n%s", res.StatusCode, b)
	}
}
