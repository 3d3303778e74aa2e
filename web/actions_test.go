package web

import (
	"context"
	"errors"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/mailer"
	"github.com/onward-app/onward/plan"
	"github.com/onward-app/onward/store"
	"github.com/onward-app/onward/tracker"
)

// A browser that follows the printed address from another site (a mail
// program's page, a chat) sends that first request cross-site: a
// redirect would stay in that navigation, and the new SameSite=Strict
// cookie would be left out of the request it leads to. The answer is a
// page of our own that refreshes to the address, which the browser then
// requests as same-site, with the cookie.
func TestLoginLinkFromAnotherSiteLandsOnThePage(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	bare := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, c := range []struct{ path, to string }{
		{"/drafts?token=" + f.srv.Token(), "/drafts"},
		{"/?stage=offer&token=" + f.srv.Token(), "/?stage=offer"},
		// Only ever a path of this page, never another host.
		{"//evil.example/?token=" + f.srv.Token(), "/"},
	} {
		req, _ := http.NewRequest(http.MethodGet, f.base+c.path, nil)
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		req.Header.Set("Sec-Fetch-Mode", "navigate")
		req.Header.Set("Referer", "https://mail.example/inbox/42")
		res, err := bare.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b := body(t, res)
		res.Body.Close()
		if res.StatusCode != http.StatusOK || res.Header.Get("Location") != "" {
			t.Errorf("%s from another site: %d to %q, want 200 and a page of our own (a redirect loses the Strict cookie)", c.path, res.StatusCode, res.Header.Get("Location"))
			continue
		}
		want := fmt.Sprintf(`<meta http-equiv="refresh" content="0; url=%s">`, strings.ReplaceAll(c.to, "&", "&amp;"))
		if !strings.Contains(b, want) || strings.Contains(b, f.srv.Token()) {
			t.Errorf("%s: the page does not refresh to %s without the token:\n%s", c.path, c.to, b)
		}
		cs := res.Cookies()
		if len(cs) != 1 || cs[0].SameSite != http.SameSiteStrictMode || cs[0].Value != f.srv.Token() || !cs[0].HttpOnly {
			t.Fatalf("%s: cookie %+v, want the token, HttpOnly, SameSite=Strict", c.path, cs)
		}
		if res.Header.Get("Cache-Control") != "no-store" || res.Header.Get("Referrer-Policy") != "no-referrer" {
			t.Errorf("%s: the login page may be kept or leak its address", c.path)
		}
		// The refresh: same-origin, with the cookie the page set.
		next, _ := http.NewRequest(http.MethodGet, f.base+c.to, nil)
		next.Header.Set("Sec-Fetch-Site", "same-origin")
		next.AddCookie(cs[0])
		res, err = bare.Do(next)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Errorf("%s after the refresh: %d", c.to, res.StatusCode)
		}
	}
}

func TestDeleteAsksWhatGoesThenDeletes(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	a := f.apply(t, "Acme", "Dana Reyes <dana@acme.example>")
	if _, err := f.tr.Interview(ctx, a.ID, time.Now().Add(48*time.Hour), time.Hour); err != nil {
		t.Fatal(err)
	}
	if _, err := f.tr.Log(ctx, a.ID, "Ask about #on-call"); err != nil {
		t.Fatal(err)
	}
	other := f.apply(t, "Globex", "")
	if b := body(t, f.get(t, fmt.Sprintf("/apps/%d", a.ID))); !strings.Contains(b, fmt.Sprintf(`href="/apps/%d/delete"`, a.ID)) {
		t.Errorf("the application's page has no way to delete it")
	}
	res := f.get(t, fmt.Sprintf("/apps/%d/delete", a.ID))
	b := body(t, res)
	// What goes, counted as `onward delete` counts it.
	const words = "2 events, 1 lesson, 5 messages"
	if res.StatusCode != http.StatusOK || !strings.Contains(b, "Acme — Engineer (1), interviewing: "+words+".") ||
		!strings.Contains(b, fmt.Sprintf(`action="/apps/%d/delete"`, a.ID)) || !strings.Contains(b, `name="footprint" value="`+words+`"`) {
		t.Fatalf("the question: %d\n%s", res.StatusCode, b)
	}
	for name, c := range map[string]struct {
		form   []string
		status int
	}{
		"not confirmed":            {[]string{"footprint", words}, http.StatusBadRequest},
		"confirmed something else": {[]string{"confirm", "yes", "footprint", "1 event, 0 lessons, 0 messages"}, http.StatusConflict},
	} {
		res := f.post(t, fmt.Sprintf("/apps/%d/delete", a.ID), f.form(c.form...))
		if b := body(t, res); res.StatusCode != c.status || !strings.Contains(b, "Nothing was deleted") && !strings.Contains(b, "nothing was deleted") {
			t.Errorf("%s: %d, want %d saying nothing was deleted\n%s", name, res.StatusCode, c.status, b)
		}
		if _, err := f.st.Application(ctx, a.ID); err != nil {
			t.Fatalf("%s: deleted anyway: %v", name, err)
		}
	}
	res = f.post(t, fmt.Sprintf("/apps/%d/delete", a.ID), f.form("confirm", "yes", "footprint", words))
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/?done=deleted" {
		t.Fatalf("delete: %d to %q\n%s", res.StatusCode, res.Header.Get("Location"), body(t, res))
	}
	if _, err := f.st.Application(ctx, a.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("after delete: %v, want not found", err)
	}
	if ls, _ := f.st.Lessons(ctx, store.LessonFilter{ApplicationID: a.ID}); len(ls) != 0 {
		t.Errorf("its lessons stayed: %v", ls)
	}
	if _, err := f.st.Application(ctx, other.ID); err != nil {
		t.Errorf("another application went too: %v", err)
	}
	if b := body(t, f.get(t, "/?done=deleted")); !strings.Contains(b, "Application deleted") {
		t.Errorf("the board does not say it was deleted")
	}
	if res := f.get(t, fmt.Sprintf("/apps/%d/delete", a.ID)); res.StatusCode != http.StatusNotFound {
		t.Errorf("the question for a deleted application: %d", res.StatusCode)
	}
}

// acceptFixture is an offer at Acme beside three other applications: one
// with a recruiter who may answer, one behind a no-reply address, and one
// closed already.
func acceptFixture(t *testing.T) (f *fixture, acme, globex, initech, umbrella store.Application) {
	t.Helper()
	f = newFixture(t)
	ctx := context.Background()
	acme = f.apply(t, "Acme", "Dana Reyes <dana@acme.example>")
	globex = f.apply(t, "Globex", "Sam Lee <sam@globex.example>")
	initech = f.apply(t, "Initech", "Jobs <noreply@initech.example>")
	umbrella = f.apply(t, "Umbrella", "Ira <ira@umbrella.example>")
	if _, err := f.tr.Offer(ctx, acme.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := f.tr.Reject(ctx, umbrella.ID, time.Now(), ""); err != nil {
		t.Fatal(err)
	}
	return f, acme, globex, initech, umbrella
}

func TestAcceptShowsWhoGetsAWithdrawalBeforeItRecords(t *testing.T) {
	t.Parallel()
	f, acme, globex, initech, umbrella := acceptFixture(t)
	ctx := context.Background()
	before := len(f.events(t, acme.ID)) + len(f.events(t, globex.ID))
	b := body(t, f.get(t, fmt.Sprintf("/apps/%d", acme.ID)))
	if !strings.Contains(b, fmt.Sprintf(`action="/apps/%d/accept"`, acme.ID)) || !strings.Contains(b, fmt.Sprintf(`action="/apps/%d/decline"`, acme.ID)) {
		t.Fatalf("the offer's page lacks accept and decline")
	}
	res := f.get(t, fmt.Sprintf("/apps/%d/accept", acme.ID))
	b = body(t, res)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("the question: %d\n%s", res.StatusCode, b)
	}
	for _, want := range []string{
		"Acme — Engineer: the end of the hunt",
		fmt.Sprintf("Globex — Engineer (%d), applied</strong>: a withdrawal draft to Sam Lee &lt;sam@globex.example&gt;", globex.ID),
		fmt.Sprintf("Initech — Engineer (%d), applied</strong>: no withdrawal draft", initech.ID),
	} {
		if !strings.Contains(b, want) {
			t.Errorf("the question lacks %q:\n%s", want, b)
		}
	}
	if strings.Contains(b, "Umbrella") {
		t.Errorf("a closed application is listed as closing")
	}
	// Asking wrote nothing.
	if n := len(f.events(t, acme.ID)) + len(f.events(t, globex.ID)); n != before {
		t.Fatalf("the question wrote %d events", n-before)
	}
	if g, _ := f.st.Application(ctx, globex.ID); g.Stage != onward.StageApplied {
		t.Fatalf("the question closed Globex: %s", g.Stage)
	}
	sig := regexp.MustCompile(`name="others" value="([^"]*)"`).FindStringSubmatch(b)
	if sig == nil {
		t.Fatalf("no list of the others in the form:\n%s", b)
	}
	others := html.UnescapeString(sig[1])
	// A new application since the question was read is not closed unseen.
	late := f.apply(t, "Hooli", "Gavin <gavin@hooli.example>")
	res = f.post(t, fmt.Sprintf("/apps/%d/accept", acme.ID), f.form("confirm", "yes", "others", others))
	if b := body(t, res); res.StatusCode != http.StatusConflict || !strings.Contains(b, "Hooli") || !strings.Contains(b, "Nothing was recorded") {
		t.Fatalf("accept after the list changed: %d\n%s", res.StatusCode, b)
	}
	if _, err := f.tr.Delete(ctx, late.ID); err != nil {
		t.Fatal(err)
	}
	if res := f.post(t, fmt.Sprintf("/apps/%d/accept", acme.ID), f.form("others", others)); res.StatusCode != http.StatusBadRequest {
		t.Errorf("accept without the confirmation: %d", res.StatusCode)
	}
	res = f.post(t, fmt.Sprintf("/apps/%d/accept", acme.ID), f.form("confirm", "yes", "others", others))
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != fmt.Sprintf("/apps/%d?done=accepted", acme.ID) {
		t.Fatalf("accept: %d to %q\n%s", res.StatusCode, res.Header.Get("Location"), body(t, res))
	}
	for _, c := range []struct {
		app   store.Application
		stage onward.Stage
		draft bool
	}{{acme, onward.StageOffer, false}, {globex, onward.StageWithdrawn, true}, {initech, onward.StageWithdrawn, false}, {umbrella, onward.StageRejected, false}} {
		got, _ := f.st.Application(ctx, c.app.ID)
		msgs, _ := f.st.Messages(ctx, store.MessageFilter{ApplicationID: c.app.ID, Kind: onward.Withdrawal})
		if got.Stage != c.stage || (len(msgs) == 1) != c.draft {
			t.Errorf("%s: %s with %d withdrawal drafts, want %s and a draft %v", c.app.Company, got.Stage, len(msgs), c.stage, c.draft)
		}
	}
	b = body(t, f.get(t, fmt.Sprintf("/apps/%d?done=accepted", acme.ID)))
	if !strings.Contains(b, "Offer accepted") || strings.Contains(b, `action="/apps/1/accept"`) {
		t.Errorf("after accepting, the page still offers to accept, or does not say it was:\n%s", b)
	}
}

func TestDeclineThroughTheForm(t *testing.T) {
	t.Parallel()
	f, acme, globex, _, _ := acceptFixture(t)
	ctx := context.Background()
	if res := f.post(t, fmt.Sprintf("/apps/%d/decline", globex.ID), f.form()); res.StatusCode != http.StatusBadRequest ||
		!strings.Contains(body(t, res), "not an offer") {
		t.Errorf("declining what is no offer: %d, want 400 with the tracker's words", res.StatusCode)
	}
	res := f.post(t, fmt.Sprintf("/apps/%d/decline", acme.ID), f.form())
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != fmt.Sprintf("/apps/%d?done=decline", acme.ID) {
		t.Fatalf("decline: %d to %q\n%s", res.StatusCode, res.Header.Get("Location"), body(t, res))
	}
	got, _ := f.st.Application(ctx, acme.ID)
	msgs, _ := f.st.Messages(ctx, store.MessageFilter{ApplicationID: acme.ID, Kind: onward.Decline})
	if got.Stage != onward.StageWithdrawn || len(msgs) != 1 || msgs[0].To != "Dana Reyes <dana@acme.example>" {
		t.Errorf("after decline: %s, decline drafts %+v", got.Stage, msgs)
	}
	if b := body(t, f.get(t, fmt.Sprintf("/apps/%d?done=decline", acme.ID))); !strings.Contains(b, "Offer declined") || strings.Contains(b, "/decline\"") {
		t.Errorf("after declining: no notice, or the form is still there")
	}
}

func TestLessonsAreEditedAndDeletedFromTheApplication(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	a := f.apply(t, "Acme", "")
	l, err := f.tr.Log(ctx, a.ID, "Ask about #on-call", "prep")
	if err != nil {
		t.Fatal(err)
	}
	page := fmt.Sprintf("/apps/%d", a.ID)
	b := body(t, f.get(t, page))
	if !strings.Contains(b, fmt.Sprintf(`action="/lessons/%d/edit"`, l.ID)) || !strings.Contains(b, `name="tags" value="prep"`) {
		t.Fatalf("the lesson has no edit form with its extra tag:\n%s", b)
	}
	edit := fmt.Sprintf("/lessons/%d/edit", l.ID)
	res := f.post(t, edit, f.form("app", fmt.Sprint(a.ID), "text", "  ", "tags", "kept"))
	b = body(t, res)
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(b, "lesson: is empty") || strings.Count(b, `value="kept"`) != 1 ||
		!strings.Contains(b, fmt.Sprintf(`<details open><summary>Edit or delete this lesson</summary>
<form method="post" action="/lessons/%d/edit">`, l.ID)) {
		t.Errorf("an empty lesson: %d\n%s", res.StatusCode, b)
	}
	res = f.post(t, edit, f.form("app", fmt.Sprint(a.ID), "text", "Bring two numbers to the #system-design round", "tags", ""))
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != page+"?done=revised" {
		t.Fatalf("edit: %d to %q\n%s", res.StatusCode, res.Header.Get("Location"), body(t, res))
	}
	ls, _ := f.st.Lessons(ctx, store.LessonFilter{ApplicationID: a.ID})
	if len(ls) != 1 || ls[0].Text != "Bring two numbers to the #system-design round" || strings.Join(ls[0].Tags, " ") != "system-design" {
		t.Errorf("after edit: %+v", ls)
	}
	if res := f.post(t, "/lessons/999/delete", f.form("app", fmt.Sprint(a.ID))); res.StatusCode != http.StatusBadRequest || !strings.Contains(body(t, res), "no lesson with id 999") {
		t.Errorf("deleting an unknown lesson: %d", res.StatusCode)
	}
	res = f.post(t, fmt.Sprintf("/lessons/%d/delete", l.ID), f.form("app", fmt.Sprint(a.ID)))
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != page+"?done=forgotten" {
		t.Fatalf("delete: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	if ls, _ := f.st.Lessons(ctx, store.LessonFilter{ApplicationID: a.ID}); len(ls) != 0 {
		t.Errorf("after delete: %+v", ls)
	}
	if res := f.get(t, fmt.Sprintf("/lessons/%d/delete", l.ID)); res.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET of the delete: %d, want 405", res.StatusCode)
	}
}

func TestTimelineShowsInterviewDetailsAndFeedback(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	a := f.apply(t, "Acme", "Dana Reyes <dana@acme.example>")
	at := time.Now().Add(-48 * time.Hour)
	expect := at.Add(7 * 24 * time.Hour)
	if _, err := f.tr.InterviewWith(ctx, a.ID, at, time.Hour, tracker.InterviewDetails{
		With:   []string{"Tom Baker <tom@acme.example>, Engineering Manager", "Priya Shah"},
		Topics: []string{"the caching layer", "on-call load"}, Kind: "technical", Where: "https://meet.example/abc", Expect: expect,
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.tr.Reject(ctx, a.ID, time.Now().Add(-time.Hour), ""); err != nil {
		t.Fatal(err)
	}
	if _, err := f.tr.Feedback(ctx, a.ID, time.Now(), "More depth on #kubernetes\nA clearer story on failover", false); err != nil {
		t.Fatal(err)
	}
	b := body(t, f.get(t, fmt.Sprintf("/apps/%d", a.ID)))
	i := strings.Index(b, `class="timeline"`)
	if i < 0 {
		t.Fatalf("no timeline:\n%s", b)
	}
	b = b[i:]
	for _, want := range []string{
		"<dt>Kind</dt><dd>technical</dd>",
		"<dt>With</dt><dd>Tom Baker &lt;tom@acme.example&gt;, Engineering Manager<br>Priya Shah</dd>",
		"<dt>Where</dt><dd>https://meet.example/abc</dd>",
		"<dt>Topics</dt><dd>the caching layer<br>on-call load</dd>",
		"<dt>They decide by</dt><dd>" + expect.In(f.cfg.Location()).Format("Mon 2 Jan 2006") + "</dd>",
		"<dt>Feedback</dt><dd>More depth on #kubernetes<br>A clearer story on failover</dd>",
	} {
		if !strings.Contains(b, want) {
			t.Errorf("the timeline lacks %q:\n%s", want, b)
		}
	}
	// A reply that gives none says so.
	g := f.apply(t, "Globex", "Sam <sam@globex.example>")
	f.tr.Reject(ctx, g.ID, time.Now().Add(-time.Hour), "")
	if _, err := f.tr.Feedback(ctx, g.ID, time.Now(), "", true); err != nil {
		t.Fatal(err)
	}
	if b := body(t, f.get(t, fmt.Sprintf("/apps/%d", g.ID))); !strings.Contains(b, "They replied that they give no feedback.</dd>") {
		t.Errorf("declined feedback is not shown")
	}
}

// The daemon hands the page the config a SIGHUP read: from then on the
// page shows, and a send uses, the new name.
func TestReloadPutsTheNewConfigInForce(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a := f.apply(t, "Acme", "Dana Reyes <dana@acme.example>")
	f.draft(t, a, "Thank you", "Hi Dana,\n\nThank you.")
	if b := body(t, f.get(t, "/drafts")); !strings.Contains(b, "Alex Tester") {
		t.Fatalf("drafts page before: no From with the name:\n%s", b)
	}
	next := *f.cfg
	next.User.Name = "Alexandra Tester"
	prep, on := next.Prep()
	tr := tracker.New(f.st, plan.Policy{Location: next.Location(), Delays: next.Delays(), Prep: prep, PrepOn: on, Stale: next.StaleLimits()},
		mailer.Address{Name: next.User.Name, Email: next.User.Email})
	if err := f.srv.Reload(Options{Store: f.st, Tracker: tr, Config: &next}); err != nil {
		t.Fatal(err)
	}
	b := body(t, f.get(t, "/drafts"))
	if !strings.Contains(b, "Alexandra Tester") || strings.Contains(b, "Alex Tester") {
		t.Errorf("drafts page after the reload still has the old name:\n%s", b)
	}
	if b := body(t, f.get(t, "/settings")); !strings.Contains(b, "Alexandra Tester") {
		t.Errorf("settings after the reload lack the new name")
	}
	// The login and the forms go on: the token and the CSRF token stay.
	if res := f.post(t, fmt.Sprintf("/apps/%d/reply", a.ID), f.form()); res.StatusCode != http.StatusSeeOther {
		t.Errorf("a form after the reload: %d", res.StatusCode)
	}
	if err := f.srv.Reload(Options{}); err == nil {
		t.Errorf("a reload without a store was taken")
	}
}

func TestOfferWithADeadlineAndAnOfferWithdrawn(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	a := f.apply(t, "Acme", "Dana Reyes <dana@acme.example>")
	day := time.Now().Add(5 * 24 * time.Hour).In(f.cfg.Location()).Format("2006-01-02")
	if res := f.post(t, fmt.Sprintf("/apps/%d/offer", a.ID), f.form("deadline", "soonish")); res.StatusCode != http.StatusBadRequest ||
		!strings.Contains(body(t, res), "deadline: ") {
		t.Errorf("an offer with a deadline that is no day: %d", res.StatusCode)
	}
	res := f.post(t, fmt.Sprintf("/apps/%d/offer", a.ID), f.form("deadline", day))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("offer: %d\n%s", res.StatusCode, body(t, res))
	}
	msgs, _ := f.st.Messages(ctx, store.MessageFilter{ApplicationID: a.ID, Kind: onward.OfferDeadline})
	if len(msgs) != 1 || msgs[0].Status != onward.StatusScheduled {
		t.Fatalf("the deadline's reminder: %+v", msgs)
	}
	res = f.post(t, fmt.Sprintf("/apps/%d/offer-withdrawn", a.ID), f.form())
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != fmt.Sprintf("/apps/%d?done=retracted", a.ID) {
		t.Fatalf("offer withdrawn: %d to %q\n%s", res.StatusCode, res.Header.Get("Location"), body(t, res))
	}
	got, _ := f.st.Application(ctx, a.ID)
	msgs, _ = f.st.Messages(ctx, store.MessageFilter{ApplicationID: a.ID, Kind: onward.OfferDeadline})
	if got.Stage != onward.StageRejected || len(msgs) != 1 || msgs[0].Status != onward.StatusCancelled {
		t.Errorf("after the offer was withdrawn: %s, reminder %+v", got.Stage, msgs)
	}
	if b := body(t, f.get(t, fmt.Sprintf("/apps/%d?done=retracted", a.ID))); !strings.Contains(b, "they withdrew the offer") {
		t.Errorf("no notice")
	}
}
