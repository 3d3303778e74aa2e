package tracker_test

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/mailer"
	"github.com/onward-app/onward/plan"
	"github.com/onward-app/onward/store"
	"github.com/onward-app/onward/tracker"
	"github.com/onward-app/onward/when"
)

// trkNow is the fake clock's start: Monday 2 March 2026, 10:00 UTC.
var trkNow = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

var trkUser = mailer.Address{Name: "Alex Example", Email: "alex@example.com"}

type trkClock struct{ now time.Time }

func (c *trkClock) Now() time.Time { return c.now }

type trkEnv struct {
	tr     *tracker.Tracker
	st     *store.Store
	clock  *trkClock
	policy plan.Policy
}

// trkPolicy is the built-in default policy for a user in Berlin, with
// prep notes switched off unless prep is set.
func trkPolicy(t *testing.T, prep string) plan.Policy {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	window, err := when.ParseSpec("* 9-17 * * MON-FRI")
	if err != nil {
		t.Fatal(err)
	}
	quiet, err := when.ParseQuietHours("21:00-08:00")
	if err != nil {
		t.Fatal(err)
	}
	delays := map[onward.Kind]when.Delay{}
	for kind, s := range map[onward.Kind]string{
		onward.ThankYou: "3h", onward.StatusCheck: "7d", onward.FeedbackRequest: "1d",
		onward.StayInTouch: "45d", onward.Learn: "1d", onward.LetGo: "7d",
	} {
		if delays[kind], err = when.ParseDelay(s); err != nil {
			t.Fatal(err)
		}
	}
	rule, on, err := when.ParsePrep(prep)
	if err != nil {
		t.Fatal(err)
	}
	return plan.Policy{Location: loc, Window: window, Quiet: quiet, Delays: delays, Prep: rule, PrepOn: on}
}

func trkSetup(t *testing.T) *trkEnv {
	t.Helper()
	return trkSetupWith(t, trkPolicy(t, ""))
}

func trkSetupWith(t *testing.T, p plan.Policy) *trkEnv {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "onward.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	c := &trkClock{now: trkNow}
	st.Now = c.Now
	return &trkEnv{tr: tracker.New(st, p, trkUser), st: st, clock: c, policy: p}
}

func (e *trkEnv) apply(t *testing.T, company, recruiter string) store.Application {
	t.Helper()
	// Applied a week ago: the events the tests record come after it.
	a, err := e.tr.Apply(context.Background(), tracker.NewApplication{Company: company, Role: "Engineer", Recruiter: recruiter,
		At: trkNow.Add(-7 * 24 * time.Hour)})
	if err != nil {
		t.Fatalf("Apply(%s): %v", company, err)
	}
	return a
}

func (e *trkEnv) messages(t *testing.T, f store.MessageFilter) []store.Message {
	t.Helper()
	ms, err := e.st.Messages(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

// pending returns the kinds of an application's scheduled messages, sorted.
func (e *trkEnv) pending(t *testing.T, appID int64) []string {
	t.Helper()
	var kinds []string
	for _, m := range e.messages(t, store.MessageFilter{ApplicationID: appID, Status: onward.StatusScheduled}) {
		kinds = append(kinds, string(m.Kind))
	}
	slices.Sort(kinds)
	return kinds
}

func kindsOf(ms []store.Message) []string {
	var out []string
	for _, m := range ms {
		out = append(out, string(m.Kind))
	}
	slices.Sort(out)
	return out
}

func sorted[T ~string](s ...T) []string {
	out := make([]string, len(s))
	for i, v := range s {
		out[i] = string(v)
	}
	slices.Sort(out)
	return out
}

func wantInvalid(t *testing.T, err error, field string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want invalid %s", field)
	}
	if !errors.Is(err, tracker.ErrInvalid) {
		t.Errorf("error %v does not match ErrInvalid", err)
	}
	var ie *tracker.InputError
	if !errors.As(err, &ie) {
		t.Fatalf("error %v is not an *InputError", err)
	}
	if ie.Field != field {
		t.Errorf("error names field %q, want %q: %v", ie.Field, field, err)
	}
}

func TestApplyRejectsBadInputAndWritesNothing(t *testing.T) {
	t.Parallel()
	ok := tracker.NewApplication{Company: "Acme", Role: "Engineer"}
	with := func(f func(*tracker.NewApplication)) tracker.NewApplication {
		n := ok
		f(&n)
		return n
	}
	tests := []struct {
		name  string
		in    tracker.NewApplication
		field string
	}{
		{"empty company", with(func(n *tracker.NewApplication) { n.Company = "" }), "company"},
		{"blank company", with(func(n *tracker.NewApplication) { n.Company = " \t " }), "company"},
		{"LF in company", with(func(n *tracker.NewApplication) { n.Company = "Acme\nBcc: x@evil.example" }), "company"},
		{"CR in role", with(func(n *tracker.NewApplication) { n.Role = "Engineer\rBcc: x@evil.example" }), "role"},
		{"empty role", with(func(n *tracker.NewApplication) { n.Role = "" }), "role"},
		{"NUL in company", with(func(n *tracker.NewApplication) { n.Company = "Ac\x00me" }), "company"},
		{"escape in company", with(func(n *tracker.NewApplication) { n.Company = "Acme\x1b[31m" }), "company"},
		{"invalid UTF-8 in role", with(func(n *tracker.NewApplication) { n.Role = "Eng\xffineer" }), "role"},
		{"201 characters", with(func(n *tracker.NewApplication) { n.Company = strings.Repeat("é", 201) }), "company"},
		{"two recruiters", with(func(n *tracker.NewApplication) { n.Recruiter = "a@b.example, c@d.example" }), "recruiter"},
		{"markup as recruiter", with(func(n *tracker.NewApplication) { n.Recruiter = "<script>" }), "recruiter"},
		{"header injection in recruiter", with(func(n *tracker.NewApplication) { n.Recruiter = "Dana <dana@acme.example>\r\nBcc: x@evil.example" }), "recruiter"},
		{"group syntax as recruiter", with(func(n *tracker.NewApplication) { n.Recruiter = "team: a@b.example, c@d.example;" }), "recruiter"},
		{"unknown recruiter-tz", with(func(n *tracker.NewApplication) { n.RecruiterTZ = "Mars/Olympus" }), "recruiter-tz"},
		{"Local recruiter-tz", with(func(n *tracker.NewApplication) { n.RecruiterTZ = "Local" }), "recruiter-tz"},
		{"LF in url", with(func(n *tracker.NewApplication) { n.URL = "https://acme.example/\njobs" }), "url"},
		{"NUL in notes", with(func(n *tracker.NewApplication) { n.Notes = "a\x00b" }), "notes"},
		{"notes too long", with(func(n *tracker.NewApplication) { n.Notes = strings.Repeat("x", 10001) }), "notes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := trkSetup(t)
			_, err := e.tr.Apply(context.Background(), tt.in)
			wantInvalid(t, err, tt.field)
			apps, err := e.st.Applications(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if len(apps) != 0 {
				t.Errorf("invalid input wrote %d applications", len(apps))
			}
			if ms := e.messages(t, store.MessageFilter{}); len(ms) != 0 {
				t.Errorf("invalid input wrote %d messages", len(ms))
			}
		})
	}
}

func TestApplyAccepts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                 string
		in                   tracker.NewApplication
		company, rname, mail string
		tz                   string
		appliedAt            time.Time
	}{
		{"name-only recruiter", tracker.NewApplication{Company: "Acme", Role: "Engineer", Recruiter: "Dana Reyes"},
			"Acme", "Dana Reyes", "", "", trkNow},
		{"bare address", tracker.NewApplication{Company: "Acme", Role: "Engineer", Recruiter: "dana@acme.example"},
			"Acme", "", "dana@acme.example", "", trkNow},
		{"name and address, zone", tracker.NewApplication{Company: "Acme", Role: "Engineer", Recruiter: "Dana Reyes <dana@acme.example>", RecruiterTZ: "America/New_York"},
			"Acme", "Dana Reyes", "dana@acme.example", "America/New_York", trkNow},
		{"space trimmed, given time kept", tracker.NewApplication{Company: "  Acme  ", Role: " Engineer ", At: time.Date(2026, 2, 20, 9, 0, 0, 0, time.UTC)},
			"Acme", "", "", "", time.Date(2026, 2, 20, 9, 0, 0, 0, time.UTC)},
		{"exactly 200 characters", tracker.NewApplication{Company: strings.Repeat("é", 200), Role: "Engineer"},
			strings.Repeat("é", 200), "", "", "", trkNow},
		{"a tab is not a control character here", tracker.NewApplication{Company: "Acme\tGmbH", Role: "Engineer"},
			"Acme\tGmbH", "", "", "", trkNow},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := trkSetup(t)
			a, err := e.tr.Apply(context.Background(), tt.in)
			if err != nil {
				t.Fatal(err)
			}
			got, err := e.st.Application(context.Background(), a.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Company != tt.company || got.RecruiterName != tt.rname || got.RecruiterEmail != tt.mail || got.RecruiterTZ != tt.tz {
				t.Errorf("stored %+v", got)
			}
			if got.Stage != onward.StageApplied || !got.AppliedAt.Equal(tt.appliedAt) {
				t.Errorf("stage %s applied %v, want applied at %v", got.Stage, got.AppliedAt, tt.appliedAt)
			}
			ev, err := e.st.LastEvent(context.Background(), a.ID)
			if err != nil || ev.Kind != onward.Applied || !ev.At.Equal(tt.appliedAt) {
				t.Errorf("event = %+v, %v", ev, err)
			}
			if ms := e.messages(t, store.MessageFilter{}); len(ms) != 0 {
				t.Errorf("applying planned %d messages", len(ms))
			}
		})
	}
}

func TestInterviewPlansTwoAndASecondInterviewReplacesThem(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := trkSetup(t)
	a := e.apply(t, "Acme", "Dana Reyes <dana@acme.example>")
	// Tuesday 3 March, 14:00 CET, for an hour.
	first := time.Date(2026, 3, 3, 13, 0, 0, 0, time.UTC)
	res, err := e.tr.Interview(ctx, a.ID, first, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if res.Cancelled != 0 || !slices.Equal(kindsOf(res.Scheduled), sorted(onward.ThankYou, onward.StatusCheck)) {
		t.Fatalf("first interview: cancelled %d, scheduled %v", res.Cancelled, kindsOf(res.Scheduled))
	}
	want := e.policy.Plan(plan.Event{Kind: onward.Interview, At: first, End: first.Add(time.Hour)}, trkNow)
	for i, m := range res.Scheduled {
		if m.Kind != want.Schedule[i].Kind || !m.DueAt.Equal(want.Schedule[i].DueAt) {
			t.Errorf("scheduled %s at %v, the planner says %s at %v", m.Kind, m.DueAt, want.Schedule[i].Kind, want.Schedule[i].DueAt)
		}
		if m.Audience != onward.Recruiter || m.To != "Dana Reyes <dana@acme.example>" || m.MessageID == "" {
			t.Errorf("message %s: audience %s, to %q, Message-ID %q", m.Kind, m.Audience, m.To, m.MessageID)
		}
	}
	if got, _ := e.st.Application(ctx, a.ID); got.Stage != onward.StageInterviewing {
		t.Errorf("stage = %s", got.Stage)
	}

	second := time.Date(2026, 3, 10, 13, 0, 0, 0, time.UTC)
	res2, err := e.tr.Interview(ctx, a.ID, second, 90*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if res2.Cancelled != 2 || len(res2.Scheduled) != 2 {
		t.Fatalf("second interview: cancelled %d, scheduled %d; want 2 and 2", res2.Cancelled, len(res2.Scheduled))
	}
	all := e.messages(t, store.MessageFilter{ApplicationID: a.ID})
	if len(all) != 4 {
		t.Fatalf("%d messages in all, want 4", len(all))
	}
	for _, m := range all {
		old := m.ID == res.Scheduled[0].ID || m.ID == res.Scheduled[1].ID
		switch {
		case old && (m.Status != onward.StatusCancelled || !strings.Contains(m.LastError, "interview")):
			t.Errorf("first interview's %s: %s (%q), want cancelled by the interview", m.Kind, m.Status, m.LastError)
		case !old && m.Status != onward.StatusScheduled:
			t.Errorf("second interview's %s: %s", m.Kind, m.Status)
		case !old && m.Kind == onward.StatusCheck && !m.DueAt.After(second):
			t.Errorf("new status check due %v, not after the second interview", m.DueAt)
		}
	}
	ev, err := e.st.LastEvent(ctx, a.ID)
	if err != nil || ev.Kind != onward.Interview || !ev.At.Equal(second) || !ev.EndsAt.Equal(second.Add(90*time.Minute)) {
		t.Errorf("last event %+v, %v", ev, err)
	}
}

func TestInterviewWithPrepPlansThreeAndReplacesThree(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := trkSetupWith(t, trkPolicy(t, "18:00 the day before"))
	a := e.apply(t, "Acme", "")
	res, err := e.tr.Interview(ctx, a.ID, time.Date(2026, 3, 5, 13, 0, 0, 0, time.UTC), 0)
	if err != nil {
		t.Fatal(err)
	}
	if got := kindsOf(res.Scheduled); !slices.Equal(got, sorted(onward.ThankYou, onward.StatusCheck, onward.Prep)) {
		t.Fatalf("future interview with prep on scheduled %v", got)
	}
	res, err = e.tr.Interview(ctx, a.ID, time.Date(2026, 3, 6, 13, 0, 0, 0, time.UTC), 0)
	if err != nil {
		t.Fatal(err)
	}
	if res.Cancelled != 3 || len(res.Scheduled) != 3 {
		t.Errorf("rescheduled interview: cancelled %d, scheduled %d; want 3 and 3", res.Cancelled, len(res.Scheduled))
	}
	if got := e.pending(t, a.ID); len(got) != 3 {
		t.Errorf("pending %v, want one of each", got)
	}
}

func TestInterviewRejectsBadDurationAndClosedApplications(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := trkSetup(t)
	a := e.apply(t, "Acme", "")
	for _, d := range []time.Duration{-time.Minute, 24*time.Hour + time.Second} {
		_, err := e.tr.Interview(ctx, a.ID, trkNow, d)
		wantInvalid(t, err, "duration")
	}
	if ms := e.messages(t, store.MessageFilter{}); len(ms) != 0 {
		t.Errorf("bad durations planned %d messages", len(ms))
	}
	if _, err := e.tr.Reject(ctx, a.ID, trkNow, ""); err != nil {
		t.Fatal(err)
	}
	before := len(e.messages(t, store.MessageFilter{}))
	_, err := e.tr.Interview(ctx, a.ID, trkNow, time.Hour)
	wantInvalid(t, err, "application")
	if err != nil && !strings.Contains(err.Error(), "was rejected already") {
		t.Errorf("error %q should say the application is already rejected", err)
	}
	if after := len(e.messages(t, store.MessageFilter{})); after != before {
		t.Errorf("an interview on a rejected application wrote %d messages", after-before)
	}
	if _, err := e.tr.Interview(ctx, 9999, trkNow, time.Hour); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Interview on a missing application = %v, want ErrNotFound", err)
	}
}

func TestRejectCancelsAndPlansOnceOnly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := trkSetup(t)
	a := e.apply(t, "Acme", "dana@acme.example")
	if _, err := e.tr.Interview(ctx, a.ID, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), time.Hour); err != nil {
		t.Fatal(err)
	}
	res, err := e.tr.Reject(ctx, a.ID, time.Time{}, "  The role went to an internal candidate.  ")
	if err != nil {
		t.Fatal(err)
	}
	if res.Cancelled != 2 {
		t.Errorf("reject cancelled %d, want the pending thank-you and status check", res.Cancelled)
	}
	wantKinds := sorted(onward.FeedbackRequest, onward.StayInTouch, onward.Learn, onward.LetGo)
	if got := kindsOf(res.Scheduled); !slices.Equal(got, wantKinds) {
		t.Errorf("reject scheduled %v, want %v", got, wantKinds)
	}
	for _, m := range res.Scheduled {
		wantTo := "dana@acme.example"
		if m.Kind.Audience() == onward.User {
			wantTo = trkUser.Display()
		}
		if m.To != wantTo {
			t.Errorf("%s goes to %q, want %q", m.Kind, m.To, wantTo)
		}
	}
	ev, err := e.st.LastEvent(ctx, a.ID)
	if err != nil || ev.Kind != onward.Rejected || !ev.At.Equal(trkNow) || ev.Note != "The role went to an internal candidate." {
		t.Errorf("reject event %+v, %v (zero time means now, note trimmed)", ev, err)
	}
	if got, _ := e.st.Application(ctx, a.ID); got.Stage != onward.StageRejected {
		t.Errorf("stage = %s", got.Stage)
	}

	countAll := len(e.messages(t, store.MessageFilter{}))
	e.clock.now = e.clock.now.Add(time.Hour)
	again, err := e.tr.Reject(ctx, a.ID, time.Time{}, "")
	if err != nil {
		t.Fatal(err)
	}
	if !again.Unchanged || len(again.Scheduled) != 0 || again.Cancelled != 0 {
		t.Errorf("second reject: %+v, want Unchanged and nothing done", again)
	}
	if n := len(e.messages(t, store.MessageFilter{})); n != countAll {
		t.Errorf("second reject wrote messages: %d → %d", countAll, n)
	}
	if ev2, _ := e.st.LastEvent(ctx, a.ID); ev2.ID != ev.ID {
		t.Errorf("second reject recorded an event: %+v", ev2)
	}
	if n := len(e.messages(t, store.MessageFilter{ApplicationID: a.ID, Kind: onward.FeedbackRequest})); n != 1 {
		t.Errorf("%d feedback requests after two rejects, want 1", n)
	}
}

// The API has no way back from "rejected", so the "one feedback request
// per application, ever" rule is exercised by a request that already
// exists in the database (say, one the user discarded) before the reject.
func TestRejectNeverAsksForFeedbackTwice(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := trkSetup(t)
	a := e.apply(t, "Acme", "dana@acme.example")
	err := e.st.Update(ctx, func(tx *store.Tx) error {
		return tx.InsertMessage(ctx, &store.Message{
			ApplicationID: a.ID, Kind: onward.FeedbackRequest, Audience: onward.Recruiter,
			Status: onward.StatusDiscarded, DueAt: trkNow.Add(-24 * time.Hour), MessageID: store.NewMessageID(trkUser.Email),
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.tr.Reject(ctx, a.ID, trkNow, "")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := kindsOf(res.Scheduled), sorted(onward.StayInTouch, onward.Learn, onward.LetGo); !slices.Equal(got, want) {
		t.Errorf("scheduled %v, want %v (no second feedback request)", got, want)
	}
	if n := len(e.messages(t, store.MessageFilter{ApplicationID: a.ID, Kind: onward.FeedbackRequest})); n != 1 {
		t.Errorf("%d feedback requests, want the one from before", n)
	}
}

func TestReplyCancelsTheStatusCheckOnly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := trkSetup(t)
	a := e.apply(t, "Acme", "dana@acme.example")
	if _, err := e.tr.Interview(ctx, a.ID, trkNow, time.Hour); err != nil {
		t.Fatal(err)
	}
	e.clock.now = trkNow.Add(2 * time.Hour)
	res, err := e.tr.Reply(ctx, a.ID, trkNow.Add(2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if res.Cancelled != 1 || len(res.Scheduled) != 0 {
		t.Errorf("reply: cancelled %d, scheduled %d", res.Cancelled, len(res.Scheduled))
	}
	if got := e.pending(t, a.ID); !slices.Equal(got, []string{string(onward.ThankYou)}) {
		t.Errorf("pending after reply = %v, want the thank-you only", got)
	}
	sc := e.messages(t, store.MessageFilter{ApplicationID: a.ID, Kind: onward.StatusCheck})
	if len(sc) != 1 || sc[0].Status != onward.StatusCancelled || !strings.Contains(sc[0].LastError, "reply") {
		t.Errorf("status check after reply: %+v", sc)
	}
	if got, _ := e.st.Application(ctx, a.ID); got.Stage != onward.StageInterviewing {
		t.Errorf("a reply moved the stage to %s", got.Stage)
	}
}

func TestOfferCancelsTheStatusCheckAndClosesTheApplication(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := trkSetup(t)
	a := e.apply(t, "Acme", "dana@acme.example")
	if _, err := e.tr.Interview(ctx, a.ID, trkNow, time.Hour); err != nil {
		t.Fatal(err)
	}
	e.clock.now = trkNow.Add(24 * time.Hour)
	res, err := e.tr.Offer(ctx, a.ID, trkNow.Add(24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if res.Cancelled != 1 {
		t.Errorf("offer cancelled %d, want the status check", res.Cancelled)
	}
	if got := e.pending(t, a.ID); !slices.Equal(got, []string{string(onward.ThankYou)}) {
		t.Errorf("pending after offer = %v, want the thank-you only", got)
	}
	if again, err := e.tr.Offer(ctx, a.ID, time.Time{}); err != nil || !again.Unchanged {
		t.Errorf("second offer = %+v, %v; want Unchanged", again, err)
	}
	_, err = e.tr.Reject(ctx, a.ID, time.Time{}, "")
	wantInvalid(t, err, "application")
	if got, _ := e.st.Application(ctx, a.ID); got.Stage != onward.StageOffer {
		t.Errorf("stage = %s, want offer", got.Stage)
	}
}

func TestWithdrawCancelsEverythingAndCloses(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := trkSetup(t)
	a := e.apply(t, "Acme", "dana@acme.example")
	if _, err := e.tr.Interview(ctx, a.ID, trkNow, time.Hour); err != nil {
		t.Fatal(err)
	}
	e.clock.now = trkNow.Add(time.Hour)
	if _, err := e.tr.Reject(ctx, a.ID, trkNow.Add(time.Hour), ""); err != nil {
		t.Fatal(err)
	}
	// One of the drafts has already reached the user.
	draft := e.messages(t, store.MessageFilter{ApplicationID: a.ID, Kind: onward.FeedbackRequest})[0]
	claimed, err := e.st.ClaimDue(ctx, draft.DueAt, time.Minute, 1)
	if err != nil || len(claimed) != 1 || claimed[0].ID != draft.ID {
		t.Fatalf("claim the feedback request: %v, %v", claimed, err)
	}
	if err := e.st.Finish(ctx, claimed[0], store.Outcome{Status: onward.StatusDrafted, KeepBody: true}); err != nil {
		t.Fatal(err)
	}

	res, err := e.tr.Withdraw(ctx, a.ID, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Cancelled != 4 || len(res.Scheduled) != 0 {
		t.Errorf("withdraw: cancelled %d, scheduled %d; want 4 (3 scheduled, 1 drafted) and 0", res.Cancelled, len(res.Scheduled))
	}
	for _, m := range e.messages(t, store.MessageFilter{ApplicationID: a.ID}) {
		if m.Pending() {
			t.Errorf("%s still %s after withdraw", m.Kind, m.Status)
		}
	}
	if again, err := e.tr.Withdraw(ctx, a.ID, time.Time{}); err != nil || !again.Unchanged {
		t.Errorf("second withdraw = %+v, %v; want Unchanged", again, err)
	}
	before := len(e.messages(t, store.MessageFilter{}))
	_, err = e.tr.Offer(ctx, a.ID, time.Time{})
	wantInvalid(t, err, "application")
	if err != nil && !strings.Contains(err.Error(), "withdrawn") {
		t.Errorf("error %q should say the application is withdrawn", err)
	}
	if got, _ := e.st.Application(ctx, a.ID); got.Stage != onward.StageWithdrawn {
		t.Errorf("stage = %s", got.Stage)
	}
	if after := len(e.messages(t, store.MessageFilter{})); after != before {
		t.Errorf("a refused offer wrote %d messages", after-before)
	}
}

func TestFind(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := trkSetup(t)
	acme := e.apply(t, "Acme", "")
	robotics := e.apply(t, "Acme Robotics", "")
	globex := e.apply(t, "Globex", "")
	numbered := e.apply(t, "1999 Labs", "")
	pct := e.apply(t, "100% Remote", "")
	tests := []struct {
		ref     string
		want    int64
		wantErr []string
	}{
		{ref: "1", want: acme.ID},
		{ref: " 3 ", want: globex.ID},
		{ref: "acme", want: acme.ID},              // exact beats prefix
		{ref: "ACME ROBOTICS", want: robotics.ID}, // exact, any case
		{ref: "glob", want: globex.ID},            // unique prefix
		{ref: "acme r", want: robotics.ID},
		{ref: "1999", want: numbered.ID}, // no id 1999: the name
		{ref: "100%", want: pct.ID},
		{ref: "ac", wantErr: []string{`"ac" matches 2 applications`, "1  Acme", "2  Acme Robotics"}},
		{ref: "Umbrella", wantErr: []string{`no application matches "Umbrella"`}},
		{ref: "%", wantErr: []string{"no application matches"}},
		{ref: "_cme", wantErr: []string{"no application matches"}},
		{ref: "99", wantErr: []string{"no application with id 99"}},
		{ref: "", wantErr: []string{"is empty"}},
		{ref: "   ", wantErr: []string{"is empty"}},
	}
	for _, tt := range tests {
		t.Run(tt.ref, func(t *testing.T) {
			t.Parallel()
			a, err := e.tr.Find(ctx, tt.ref)
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("Find(%q): %v", tt.ref, err)
				}
				if a.ID != tt.want {
					t.Errorf("Find(%q) = %d (%s), want %d", tt.ref, a.ID, a.Company, tt.want)
				}
				return
			}
			wantInvalid(t, err, "application")
			for _, frag := range tt.wantErr {
				if err != nil && !strings.Contains(err.Error(), frag) {
					t.Errorf("Find(%q) error %q does not mention %q", tt.ref, err, frag)
				}
			}
		})
	}
}

// SQLite's lower() folds ASCII only, so "ignoring case" stops at the first
// accented letter: common in company names outside the US.
func TestFindIgnoresCaseBeyondASCII(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := trkSetup(t)
	a := e.apply(t, "Über GmbH", "")
	for _, ref := range []string{"über gmbh", "über", "ÜBER GMBH"} {
		got, err := e.tr.Find(ctx, ref)
		if err != nil || got.ID != a.ID {
			t.Errorf("Find(%q) = %d, %v; want %d", ref, got.ID, err, a.ID)
		}
	}
}

func TestEditUpdatesPendingRecruiterMessages(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := trkSetup(t)
	a := e.apply(t, "Acme", "Dana Reyes <dana@acme.example>")
	other := e.apply(t, "Globex", "Pat <pat@globex.example>")
	for _, id := range []int64{a.ID, a.ID, other.ID} { // the second interview cancels the first plan
		if _, err := e.tr.Interview(ctx, id, trkNow, time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	sam, tz := "Sam Lee <sam@acme.example>", "America/New_York"
	got, err := e.tr.Edit(ctx, a.ID, tracker.Changes{Recruiter: &sam, RecruiterTZ: &tz})
	if err != nil {
		t.Fatal(err)
	}
	if got.RecruiterName != "Sam Lee" || got.RecruiterEmail != "sam@acme.example" || got.RecruiterTZ != tz || got.Company != "Acme" {
		t.Errorf("edited application %+v", got)
	}
	for _, m := range e.messages(t, store.MessageFilter{ApplicationID: a.ID}) {
		want := "Sam Lee <sam@acme.example>"
		if m.Status == onward.StatusCancelled {
			want = "Dana Reyes <dana@acme.example>"
		}
		if m.To != want {
			t.Errorf("%s (%s) goes to %q, want %q", m.Kind, m.Status, m.To, want)
		}
	}
	for _, m := range e.messages(t, store.MessageFilter{ApplicationID: other.ID}) {
		if m.To != "Pat <pat@globex.example>" {
			t.Errorf("another application's %s now goes to %q", m.Kind, m.To)
		}
	}

	// Removing the recruiter leaves the drafts without an address.
	none := ""
	if _, err := e.tr.Edit(ctx, a.ID, tracker.Changes{Recruiter: &none}); err != nil {
		t.Fatal(err)
	}
	for _, m := range e.messages(t, store.MessageFilter{ApplicationID: a.ID, Status: onward.StatusScheduled}) {
		if m.To != "" {
			t.Errorf("%s still goes to %q", m.Kind, m.To)
		}
	}

	// A bad edit changes nothing at all.
	bad, role := "a@b.example, c@d.example", "Staff Engineer"
	_, err = e.tr.Edit(ctx, a.ID, tracker.Changes{Role: &role, Recruiter: &bad})
	wantInvalid(t, err, "recruiter")
	if after, _ := e.st.Application(ctx, a.ID); after.Role != "Engineer" {
		t.Errorf("a refused edit changed the role to %q", after.Role)
	}
	badTZ := "Local"
	_, err = e.tr.Edit(ctx, a.ID, tracker.Changes{RecruiterTZ: &badTZ})
	wantInvalid(t, err, "recruiter-tz")
}

func TestParseTime(t *testing.T) {
	t.Parallel()
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	newYork, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		in      string
		loc     *time.Location
		want    time.Time
		wantErr string
	}{
		{in: "2026-03-02T14:00:00Z", loc: berlin, want: time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)},
		{in: "2026-03-02T14:00:00+09:00", loc: berlin, want: time.Date(2026, 3, 2, 5, 0, 0, 0, time.UTC)},
		{in: "2026-03-02 14:00", loc: berlin, want: time.Date(2026, 3, 2, 13, 0, 0, 0, time.UTC)},
		{in: "2026-03-02 14:00", loc: newYork, want: time.Date(2026, 3, 2, 19, 0, 0, 0, time.UTC)},
		{in: "2026-07-02 14:00", loc: berlin, want: time.Date(2026, 7, 2, 12, 0, 0, 0, time.UTC)},
		{in: "2026-03-02T14:00", loc: berlin, want: time.Date(2026, 3, 2, 13, 0, 0, 0, time.UTC)},
		{in: "  2026-03-02 14:00  ", loc: berlin, want: time.Date(2026, 3, 2, 13, 0, 0, 0, time.UTC)},
		{in: "2026-03-02", loc: berlin, want: time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)},   // 09:00 CET
		{in: "2026-03-09", loc: newYork, want: time.Date(2026, 3, 9, 13, 0, 0, 0, time.UTC)}, // 09:00 EDT
		{in: "2000-01-01", loc: time.UTC, want: time.Date(2000, 1, 1, 9, 0, 0, 0, time.UTC)},
		{in: "2100-12-31 23:59", loc: time.UTC, want: time.Date(2100, 12, 31, 23, 59, 0, 0, time.UTC)},
		{in: "tomorrow", loc: berlin, wantErr: `"tomorrow" is not a time`},
		{in: "", loc: berlin, wantErr: "is not a time"},
		{in: "2026-02-30", loc: berlin, wantErr: "is not a time"},
		{in: "2026-03-02 25:00", loc: berlin, wantErr: "is not a time"},
		{in: "02/03/2026", loc: berlin, wantErr: "is not a time"},
		{in: "1999-12-31", loc: berlin, wantErr: `"1999-12-31" is not a plausible date`},
		{in: "2101-01-01 10:00", loc: berlin, wantErr: "not a plausible date"},
		{in: "0001-01-01T00:00:00Z", loc: berlin, wantErr: "not a plausible date"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := tracker.ParseTime(tt.in, tt.loc)
			if tt.wantErr != "" {
				wantInvalid(t, err, "time")
				if err != nil && !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("ParseTime(%q) error %q does not mention %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseTime(%q): %v", tt.in, err)
			}
			if !got.Equal(tt.want) || got.Location() != time.UTC {
				t.Errorf("ParseTime(%q, %v) = %v, want %v in UTC", tt.in, tt.loc, got, tt.want)
			}
		})
	}
}

func TestLog(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := trkSetup(t)
	a := e.apply(t, "Acme", "")
	for _, text := range []string{"", "   \n\t"} {
		_, err := e.tr.Log(ctx, a.ID, text)
		wantInvalid(t, err, "lesson")
	}
	_, err := e.tr.Log(ctx, 0, "a\x00b")
	wantInvalid(t, err, "lesson")

	l, err := e.tr.Log(ctx, a.ID, "  Ask about the team's on-call early.  ")
	if err != nil {
		t.Fatal(err)
	}
	if l.Company != "Acme" || l.ApplicationID != a.ID || l.Text != "Ask about the team's on-call early." || !l.CreatedAt.Equal(trkNow) {
		t.Errorf("lesson %+v", l)
	}
	free, err := e.tr.Log(ctx, 0, "Sleep before an interview.")
	if err != nil {
		t.Fatal(err)
	}
	if free.Company != "" || free.ApplicationID != 0 {
		t.Errorf("lesson without an application: %+v", free)
	}
	if _, err := e.tr.Log(ctx, 9999, "lost"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Log on a missing application = %v, want ErrNotFound", err)
	}
	ls, err := e.st.Lessons(ctx, store.LessonFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ls) != 2 || ls[0].Company != "Acme" || ls[1].Company != "" {
		t.Errorf("stored lessons %+v, want the two good ones", ls)
	}
}

func TestEditAndDiscardDraft(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := trkSetup(t)
	a := e.apply(t, "Acme", "dana@acme.example")
	var draft, sent store.Message
	err := e.st.Update(ctx, func(tx *store.Tx) error {
		draft = store.Message{ApplicationID: a.ID, Kind: onward.ThankYou, Audience: onward.Recruiter, Status: onward.StatusDrafted,
			DueAt: trkNow, MessageID: store.NewMessageID(trkUser.Email), Subject: "Thank you", Text: "Hi"}
		sent = store.Message{ApplicationID: a.ID, Kind: onward.StatusCheck, Audience: onward.Recruiter, Status: onward.StatusSent,
			DueAt: trkNow, MessageID: store.NewMessageID(trkUser.Email)}
		if err := tx.InsertMessage(ctx, &draft); err != nil {
			return err
		}
		return tx.InsertMessage(ctx, &sent)
	})
	if err != nil {
		t.Fatal(err)
	}
	wantInvalid(t, e.tr.EditDraft(ctx, draft.ID, "Thanks\r\nBcc: x@evil.example", "text"), "subject")
	wantInvalid(t, e.tr.EditDraft(ctx, draft.ID, "Thanks", "  "), "text")
	wantInvalid(t, e.tr.EditDraft(ctx, sent.ID, "Thanks", "text"), "draft")
	if err := e.tr.EditDraft(ctx, draft.ID, "Thanks for today", "Dear Dana,\n\nthank you."); err != nil {
		t.Fatal(err)
	}
	got, err := e.st.Message(ctx, draft.ID)
	if err != nil || got.Subject != "Thanks for today" || got.Text != "Dear Dana,\n\nthank you.\n" {
		t.Errorf("edited draft: %q / %q, %v", got.Subject, got.Text, err)
	}
	wantInvalid(t, e.tr.DiscardDraft(ctx, sent.ID), "draft")
	if err := e.tr.DiscardDraft(ctx, draft.ID); err != nil {
		t.Fatal(err)
	}
	wantInvalid(t, e.tr.DiscardDraft(ctx, draft.ID), "draft")
	if got, _ := e.st.Message(ctx, draft.ID); got.Status != onward.StatusDiscarded {
		t.Errorf("discarded draft is %s", got.Status)
	}
}
