package compose_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/compose"
	"github.com/onward-app/onward/mailer"
	"github.com/onward-app/onward/plan"
	"github.com/onward-app/onward/store"
	"github.com/onward-app/onward/templates"
	"github.com/onward-app/onward/tracker"
	"github.com/onward-app/onward/when"
)

type world struct {
	ctx context.Context
	st  *store.Store
	tr  *tracker.Tracker
	c   *compose.Composer
	now time.Time
	loc *time.Location
}

func newWorld(t *testing.T) *world {
	t.Helper()
	ctx := context.Background()
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip(err)
	}
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "onward.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	w := &world{ctx: ctx, st: st, loc: loc, now: time.Date(2026, 3, 3, 17, 0, 0, 0, loc)}
	st.Now = func() time.Time { return w.now }
	delays := map[onward.Kind]when.Delay{}
	for k, v := range map[onward.Kind]string{onward.ThankYou: "3h", onward.StatusCheck: "5bd", onward.FeedbackRequest: "1d",
		onward.StayInTouch: "45d", onward.Learn: "1d", onward.LetGo: "7d"} {
		if delays[k], err = when.ParseDelay(v); err != nil {
			t.Fatal(err)
		}
	}
	user := mailer.Address{Name: "Alex Morgan", Email: "alex@example.com"}
	w.tr = tracker.New(st, plan.Policy{Location: loc, Delays: delays}, user)
	tpl, err := templates.Load("")
	if err != nil {
		t.Fatal(err)
	}
	w.c = &compose.Composer{Store: st, Templates: tpl, User: user, Location: loc,
		Stale: map[onward.Kind]when.Delay{onward.ThankYou: {Days: 2}}, NoSend: true}
	return w
}

func (w *world) pending(t *testing.T, appID int64, kind onward.Kind) []store.Message {
	t.Helper()
	ms, err := w.st.Messages(w.ctx, store.MessageFilter{ApplicationID: appID, Kind: kind})
	if err != nil {
		t.Fatal(err)
	}
	var out []store.Message
	for _, m := range ms {
		if m.Status.Pending() {
			out = append(out, m)
		}
	}
	return out
}

func (w *world) data(t *testing.T, m store.Message) templates.Data {
	t.Helper()
	d, err := w.c.Data(w.ctx, m, w.now)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// The template data carry what the store recorded: the interview with its
// people and topics, the interviewer a thank-you is for, the stay-in-touch
// date for let-go, the lessons for learn, the feedback, and until when a
// draft is timely.
func TestDataFromTheStore(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	app, err := w.tr.Apply(w.ctx, tracker.NewApplication{Company: "Acme Robotics", Role: "Backend Engineer",
		Recruiter: "Dana Reyes <dana@acme.example>", RecruiterTZ: "America/Chicago"})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 3, 3, 14, 0, 0, 0, w.loc)
	if _, err := w.tr.InterviewWith(w.ctx, app.ID, start, time.Hour, tracker.InterviewDetails{
		With:   []string{"Tom Baker <tom@acme.example>, Engineering Manager", "Priya Shah"},
		Topics: []string{"the caching layer"}, Kind: "panel", Expect: time.Date(2026, 3, 6, 12, 0, 0, 0, w.loc),
	}); err != nil {
		t.Fatal(err)
	}
	thanks := w.pending(t, app.ID, onward.ThankYou)
	if len(thanks) != 2 {
		t.Fatalf("%d thank-yous, want 2", len(thanks))
	}
	for _, m := range thanks {
		d := w.data(t, m)
		if d.Interview == nil || d.Interview.Kind != "panel" || d.Interview.Topic() != "the caching layer" || len(d.Interview.With) != 2 || d.Interview.Round != 1 {
			t.Fatalf("thank-you %s: interview %+v", m.To, d.Interview)
		}
		if got := d.Interview.RecruiterAt.Format("15:04 MST"); got != "07:00 CST" {
			t.Errorf("RecruiterAt = %s, want 07:00 CST", got)
		}
		if d.Interview.Expect.Format("2006-01-02") != "2026-03-06" {
			t.Errorf("Expect = %v", d.Interview.Expect)
		}
		switch {
		case strings.Contains(m.To, "tom@"):
			if d.Recipient == nil || d.Recipient.Name != "Tom Baker" || d.Recipient.Title != "Engineering Manager" {
				t.Errorf("the thank-you to Tom has Recipient %+v", d.Recipient)
			}
		default:
			if d.Recipient != nil {
				t.Errorf("the recruiter's thank-you has Recipient %+v, want none", d.Recipient)
			}
			if un := d.Interview.Unaddressed(); len(un) != 1 || un[0].Name != "Priya Shah" {
				t.Errorf("Unaddressed = %+v, want Priya", un)
			}
		}
		// Each renders, naming the topic.
		r, err := w.c.Templates.Render(onward.ThankYou, d)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(r.Text, "caching layer") {
			t.Errorf("the thank-you to %s does not name the topic:\n%s", m.To, r.Text)
		}
	}
	// A draft notice: until when it is timely, and no send command without
	// SMTP.
	dr := w.data(t, store.Message{ApplicationID: app.ID, Kind: onward.DraftReady, Audience: onward.User, DraftID: thanks[0].ID})
	if dr.Draft == nil || dr.Draft.SendCommand != "" {
		t.Fatalf("draft_ready draft %+v, want one without a send command", dr.Draft)
	}
	if want := thanks[0].PlannedAt.Add(48 * time.Hour); !dr.Draft.Until.Equal(want) {
		t.Errorf("Until = %v, want %v", dr.Draft.Until, want)
	}

	// Two lessons, a rejection, feedback.
	w.now = w.now.Add(7 * 24 * time.Hour)
	for _, l := range []string{"Lead with the incident story", "Ask about on-call load"} {
		if _, err := w.tr.Log(w.ctx, app.ID, l); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w.tr.Reject(w.ctx, app.ID, w.now, ""); err != nil {
		t.Fatal(err)
	}
	learn := w.pending(t, app.ID, onward.Learn)[0]
	if d := w.data(t, learn); len(d.Lessons) != 2 || d.Interview == nil || d.CVStage() {
		t.Errorf("learn: %d lessons, interview %v, CV stage %v; want the two lessons and the interview", len(d.Lessons), d.Interview, d.CVStage())
	}
	letGo := w.pending(t, app.ID, onward.LetGo)[0]
	stay := w.pending(t, app.ID, onward.StayInTouch)[0]
	if d := w.data(t, letGo); !d.StayInTouchAt.Equal(stay.DueAt) {
		t.Errorf("let_go StayInTouchAt = %v, want the stay-in-touch draft's %v", d.StayInTouchAt, stay.DueAt)
	}
	if _, err := w.tr.Feedback(w.ctx, app.ID, w.now, "More depth on distributed systems.", false); err != nil {
		t.Fatal(err)
	}
	for _, k := range []onward.Kind{onward.FeedbackReceived, onward.FeedbackThanks} {
		ms := w.pending(t, app.ID, k)
		if len(ms) != 1 {
			t.Fatalf("%d %s planned after feedback, want 1", len(ms), k)
		}
		if d := w.data(t, ms[0]); d.Feedback == nil || d.Feedback.Text != "More depth on distributed systems." {
			t.Errorf("%s: Feedback = %+v", k, d.Feedback)
		}
	}
	if d := w.data(t, letGo); d.Feedback == nil {
		t.Error("let_go does not quote the feedback")
	}
	if n := len(w.pending(t, app.ID, onward.FeedbackRequest)); n != 0 {
		t.Errorf("the feedback request is still pending after the feedback came (%d)", n)
	}
}

// A rejection with no interview recorded: no interview in the data, so
// the learn note is the CV stage's.
func TestDataCVStage(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	app, err := w.tr.Apply(w.ctx, tracker.NewApplication{Company: "Initech", Role: "SRE", Recruiter: "noreply@initech.example"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.tr.Reject(w.ctx, app.ID, w.now, ""); err != nil {
		t.Fatal(err)
	}
	d := w.data(t, w.pending(t, app.ID, onward.Learn)[0])
	if d.Interview != nil || !d.CVStage() {
		t.Errorf("learn after a CV-stage no: interview %+v, CVStage %v", d.Interview, d.CVStage())
	}
}
