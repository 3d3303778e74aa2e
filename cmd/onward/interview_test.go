package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/onward-app/onward/when"
)

// berlin is the zone of every test's user (baseConf).
func berlin(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip(err)
	}
	return loc
}

func parseDue(t *testing.T, m message) time.Time {
	t.Helper()
	if m.DueAt == nil {
		t.Fatalf("message %d (%s) has no due time", m.ID, m.Kind)
	}
	at, err := time.Parse(time.RFC3339, *m.DueAt)
	if err != nil {
		t.Fatal(err)
	}
	return at
}

// pending keeps the messages still to go out.
func pending(ms []message) []message {
	var out []message
	for _, m := range ms {
		if m.Status == "scheduled" || m.Status == "drafted" {
			out = append(out, m)
		}
	}
	return out
}

// recipients lists the To of each message of kind, sorted.
func recipients(ms []message, kind string) []string {
	var out []string
	for _, m := range byKind(ms, kind) {
		out = append(out, m.To)
	}
	slices.Sort(out)
	return out
}

// Two interviewers, one without an address, and a topic: one thank-you to
// the interviewer with an address, one to the recruiter (who passes thanks
// to the other), a status check five business days on, and the details in
// status --json and messages --json.
func TestInterviewTwoInterviewers(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	loc := berlin(t)
	apply(t, e, "--company", "Acme Robotics", "--role", "Backend Engineer", "--recruiter", "Dana Reyes <dana@acme.example>")
	start := time.Now().Add(-3 * time.Hour).Truncate(time.Minute)
	must(t, e, "interview", "acme", "--at", start.UTC().Format(time.RFC3339), "--duration", "1h",
		"--with", "Tom Baker <tom.baker@acme.example>, Engineering Manager", "--with", "Priya Shah",
		"--topic", "the caching layer", "--kind", "panel", "--where", "https://meet.example/abc")

	ms := pending(messages(t, e))
	if got, want := recipients(ms, "thank_you"), []string{"Dana Reyes <dana@acme.example>", "Tom Baker <tom.baker@acme.example>"}; !slices.Equal(got, want) {
		t.Errorf("thank-yous to %q, want %q", got, want)
	}
	sc := one(t, ms, "status_check")
	if sc.To != "Dana Reyes <dana@acme.example>" {
		t.Errorf("status check to %q, want the recruiter", sc.To)
	}
	end := start.Add(time.Hour)
	if want := (when.Delay{BusinessDays: 5}).After(end, loc); !parseDue(t, sc).Equal(want) {
		t.Errorf("status check due %s, want five business days after the interview, %s", parseDue(t, sc).In(loc), want.In(loc))
	}
	var full []struct {
		Interview *struct {
			Kind string `json:"kind"`
			With []struct {
				Name, Email, Title string
			} `json:"with"`
			Topics []string `json:"topics"`
		} `json:"interview"`
	}
	mustJSON(t, e, &full, "messages", "--json")
	for _, m := range full {
		if m.Interview == nil || len(m.Interview.With) != 2 || m.Interview.With[0].Title != "Engineering Manager" ||
			m.Interview.With[1].Email != "" || !slices.Equal(m.Interview.Topics, []string{"the caching layer"}) || m.Interview.Kind != "panel" {
			t.Errorf("messages --json does not show the interview as recorded: %+v", m.Interview)
		}
	}
	var apps []struct {
		Interview *struct {
			Kind  string                  `json:"kind"`
			Where string                  `json:"where"`
			With  []struct{ Name string } `json:"with"`
		} `json:"interview"`
	}
	mustJSON(t, e, &apps, "status", "--json")
	if len(apps) != 1 || apps[0].Interview == nil || apps[0].Interview.Where != "https://meet.example/abc" || len(apps[0].Interview.With) != 2 {
		t.Fatalf("status --json does not show the interview: %+v", apps)
	}

	// Recorded again for the same round with one interviewer: the details
	// and the plan are replaced, not added to.
	must(t, e, "interview", "acme", "--at", start.UTC().Format(time.RFC3339), "--with", "Sam Carter <sam@acme.example>")
	ms = pending(messages(t, e))
	if got, want := recipients(ms, "thank_you"), []string{"Dana Reyes <dana@acme.example>", "Sam Carter <sam@acme.example>"}; !slices.Equal(got, want) {
		t.Errorf("after recording the round again, thank-yous to %q, want %q", got, want)
	}
	mustJSON(t, e, &apps, "status", "--json")
	if w := apps[0].Interview.With; len(w) != 1 || w[0].Name != "Sam Carter" {
		t.Errorf("status --json after recording again shows %+v, want Sam Carter alone", w)
	}
}

// The recruiter who also interviewed gets one thank-you, not two.
func TestInterviewRecruiterAmongInterviewers(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	apply(t, e, "--company", "Acme", "--role", "Engineer", "--recruiter", "Dana Reyes <dana@acme.example>")
	must(t, e, "interview", "acme", "--at", ago(3*time.Hour), "--with", "Dana Reyes <Dana@Acme.example>, Recruiter", "--with", "Tom <tom@acme.example>")
	if got := recipients(pending(messages(t, e)), "thank_you"); len(got) != 2 {
		t.Errorf("thank-yous to %q, want one to Dana and one to Tom", got)
	}
}

// A decision date and no interviewer: one thank-you to the recruiter, and
// the status check on the first business day after that date.
func TestInterviewWithDecisionDate(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	loc := berlin(t)
	apply(t, e, "--company", "Globex", "--role", "Data Engineer", "--recruiter", "Sam Carter <sam@globex.example>")
	start := time.Now().Add(-2 * time.Hour).Truncate(time.Minute)
	expect := start.In(loc).AddDate(0, 0, 3)
	must(t, e, "interview", "globex", "--at", start.UTC().Format(time.RFC3339), "--kind", "technical",
		"--expect", expect.Format("2006-01-02"))
	ms := pending(messages(t, e))
	if got := recipients(ms, "thank_you"); !slices.Equal(got, []string{"Sam Carter <sam@globex.example>"}) {
		t.Errorf("thank-yous to %q, want the recruiter alone", got)
	}
	// No send window in these tests: the interview's clock time, on the
	// first business day after the date they gave.
	end := start.Add(time.Hour).In(loc)
	y, mo, d := expect.Date()
	want := when.AddBusinessDays(time.Date(y, mo, d, end.Hour(), end.Minute(), 0, 0, loc), 1, loc)
	sc := one(t, ms, "status_check")
	if got := parseDue(t, sc); !got.Equal(want) {
		t.Errorf("status check due %s, want %s", got.In(loc), want.In(loc))
	}
	if wd := parseDue(t, sc).In(loc).Weekday(); wd == time.Saturday || wd == time.Sunday {
		t.Errorf("status check falls on a %s", wd)
	}
}

// A CV-stage rejection from a no-reply address: no thank-you, no status
// check, no feedback request, no stay-in-touch note; the check-ins to the
// user only.
func TestRejectCVStageFromNoReply(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	apply(t, e, "--company", "Initech", "--role", "SRE", "--recruiter", "noreply@initech.example")
	must(t, e, "reject", "initech")
	var kinds []string
	for _, m := range pending(messages(t, e)) {
		kinds = append(kinds, m.Kind)
	}
	slices.Sort(kinds)
	if want := []string{"learn", "let_go"}; !slices.Equal(kinds, want) {
		t.Errorf("planned %v, want %v", kinds, want)
	}

	// From a person at the CV stage, the request goes out.
	apply(t, e, "--company", "Hooli", "--role", "SRE", "--recruiter", "Gavin <gavin@hooli.example>")
	must(t, e, "reject", "hooli")
	if got := byKind(pending(messages(t, e, "--app", "hooli")), "feedback_request"); len(got) != 1 {
		t.Errorf("a CV-stage rejection from a person planned %d feedback requests, want 1", len(got))
	}
}

// A rejection after three rounds with two lessons logged: the feedback
// request, the stay-in-touch note and the two check-ins, and nothing of
// the interviews is left pending.
func TestRejectAfterThreeRounds(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	apply(t, e, "--company", "Umbrella Health", "--role", "Platform Engineer", "--recruiter", "Ada Wong <ada@umbrella.example>")
	for _, d := range []time.Duration{30, 20, 10} {
		must(t, e, "interview", "umbrella", "--at", ago(d*24*time.Hour))
	}
	must(t, e, "log", "umbrella", "Lead with the incident story")
	must(t, e, "log", "umbrella", "Ask about on-call load earlier")
	must(t, e, "reject", "umbrella")
	var kinds []string
	for _, m := range pending(messages(t, e)) {
		kinds = append(kinds, m.Kind)
	}
	slices.Sort(kinds)
	if want := []string{"feedback_request", "learn", "let_go", "stay_in_touch"}; !slices.Equal(kinds, want) {
		t.Errorf("planned %v, want %v", kinds, want)
	}
}

func TestInterviewHelp(t *testing.T) {
	t.Parallel()
	out := must(t, newEnv(t), "interview", "--help")
	for _, want := range []string{"--with", `"Name <address>, Title"`, "--topic", "--expect", "--kind", "phone screen", "--where", "business days"} {
		if !strings.Contains(out, want) {
			t.Errorf("interview --help lacks %q:\n%s", want, out)
		}
	}
}

// outboxText is every .eml in the outbox, soft line breaks undone, so a
// phrase can be looked for in it.
func outboxText(t *testing.T, e *env) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(e.outbox, "*.eml"))
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(files)
	var out []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, strings.NewReplacer("=\r\n", "", "=\n", "", "\r\n", "\n").Replace(string(b)))
	}
	return out
}

// A recruiter draft with no address is not offered as ready: the notice
// says what is missing and how to add it, and once the address is there a
// new notice offers the draft, addressed.
func TestDraftWithoutAddressWaits(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	apply(t, e, "--company", "Acme", "--role", "Platform Engineer")
	must(t, e, "interview", "acme", "--at", ago(48*time.Hour))
	must(t, e, "flush")
	notes := outboxText(t, e)
	if len(notes) != 1 || !strings.Contains(notes[0], "the address is missing") || strings.Contains(notes[0], "ready for you to review") ||
		!strings.Contains(notes[0], "onward edit") {
		t.Fatalf("the notice of a draft with no address:\n%s", strings.Join(notes, "\n----\n"))
	}
	must(t, e, "edit", "acme", "--recruiter", "Dana Reyes <dana@acme.example>")
	must(t, e, "flush")
	notes = outboxText(t, e)
	if len(notes) != 2 {
		t.Fatalf("after adding the address, the outbox holds %d notes, want a second one", len(notes))
	}
	var ready string
	for _, n := range notes {
		if strings.Contains(n, "ready for you to review") {
			ready = n
		}
	}
	if ready == "" || !strings.Contains(ready, "dana@acme.example") {
		t.Errorf("no notice offers the draft with its address:\n%s", strings.Join(notes, "\n----\n"))
	}
	if ty := one(t, messages(t, e), "thank_you"); ty.To != "Dana Reyes <dana@acme.example>" {
		t.Errorf("the draft goes to %q after the edit", ty.To)
	}
}

// With drafts written to the outbox as .eml files, a draft with no
// address is not written (it would read as ready); it waits, saying why,
// and is written as soon as the address is added.
func TestOutboxDraftWaitsForAddress(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.writeConfig(t, e.config, e.baseConf().set("delivery", "drafts", q("outbox")), 0o600)
	apply(t, e, "--company", "Acme", "--role", "Platform Engineer")
	must(t, e, "interview", "acme", "--at", ago(48*time.Hour))
	must(t, e, "flush")
	if n := len(outboxText(t, e)); n != 0 {
		t.Fatalf("a draft with no address was written to the outbox (%d files)", n)
	}
	ty := one(t, messages(t, e), "thank_you")
	if ty.Status != "scheduled" || !strings.Contains(ty.LastError, "onward edit 1 --recruiter") {
		t.Fatalf("the waiting draft: %+v, want scheduled with a note on how to add the address", ty)
	}
	if out := must(t, e, "messages"); !strings.Contains(out, "waiting for the recruiter's address") {
		t.Errorf("messages does not say why the draft waits:\n%s", out)
	}
	must(t, e, "edit", "acme", "--recruiter", "Dana Reyes <dana@acme.example>")
	must(t, e, "flush")
	notes := outboxText(t, e)
	if len(notes) != 1 || !strings.Contains(notes[0], "<dana@acme.example>") {
		t.Fatalf("after adding the address the outbox holds:\n%s", strings.Join(notes, "\n----\n"))
	}
	if ty := one(t, messages(t, e), "thank_you"); ty.Status != "drafted" {
		t.Errorf("the draft is %s after the address came, want drafted", ty.Status)
	}
}

// onward feedback records what the recruiter said: a check-in to the user
// and a thank-you draft are planned, the pending feedback request is
// cancelled, status --json shows it and patterns counts it. --declined
// plans the check-in alone.
func TestFeedbackCommand(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	apply(t, e, "--company", "Umbrella", "--role", "Platform Engineer", "--recruiter", "Ada Wong <ada@umbrella.example>")
	apply(t, e, "--company", "Initech", "--role", "SRE", "--recruiter", "Bob <bob@initech.example>")
	for _, app := range []string{"umbrella", "initech"} {
		must(t, e, "interview", app, "--at", ago(10*24*time.Hour))
		must(t, e, "reject", app)
	}
	out := must(t, e, "feedback", "umbrella", "More depth on distributed systems")
	if !strings.Contains(out, "feedback_received") || !strings.Contains(out, "feedback_thanks") {
		t.Errorf("feedback printed:\n%s", out)
	}
	ms := pending(messages(t, e, "--app", "umbrella"))
	one(t, ms, "feedback_received")
	if ft := one(t, ms, "feedback_thanks"); ft.To != "Ada Wong <ada@umbrella.example>" {
		t.Errorf("feedback thanks to %q", ft.To)
	}
	if n := len(byKind(ms, "feedback_request")); n != 0 {
		t.Errorf("the feedback request is still pending after the feedback came")
	}
	must(t, e, "feedback", "initech", "--declined")
	ms = pending(messages(t, e, "--app", "initech"))
	one(t, ms, "feedback_received")
	if n := len(byKind(ms, "feedback_thanks")); n != 0 {
		t.Errorf("a declined reply planned %d thank-you drafts", n)
	}
	var apps []struct {
		Company  string `json:"company"`
		Feedback *struct {
			Text     string `json:"text"`
			Declined bool   `json:"declined"`
		} `json:"feedback"`
	}
	mustJSON(t, e, &apps, "status", "--json")
	for _, a := range apps {
		switch {
		case a.Feedback == nil:
			t.Errorf("%s: status --json has no feedback", a.Company)
		case a.Company == "Umbrella" && a.Feedback.Text != "More depth on distributed systems":
			t.Errorf("Umbrella feedback %+v", a.Feedback)
		case a.Company == "Initech" && !a.Feedback.Declined:
			t.Errorf("Initech feedback %+v, want declined", a.Feedback)
		}
	}
	var p struct {
		Funnel map[string]any `json:"funnel"`
	}
	mustJSON(t, e, &p, "patterns", "--json")
	if p.Funnel["feedback_given"] != 1.0 || p.Funnel["feedback_declined"] != 1.0 {
		t.Errorf("patterns funnel %v, want one feedback given and one declined", p.Funnel)
	}
	if out := must(t, e, "patterns"); !strings.Contains(out, "feedback given") {
		t.Errorf("patterns does not count feedback:\n%s", out)
	}
}

// Previews show the truth: an application's own data with --app, a plain
// refusal for a kind that does not apply, the real digest when there is
// data, and a sample in the user's name otherwise.
func TestPreviewsShowTheTruth(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	if out := must(t, e, "templates", "preview", "thank_you"); !strings.Contains(out, "Example Co") || !strings.Contains(out, "Alex Tester") {
		t.Errorf("a preview without --app is not the sample in the user's name:\n%s", out)
	}
	if out := must(t, e, "templates", "preview", "digest"); !strings.Contains(out, "Example") {
		t.Errorf("the digest preview on an empty database is not the sample:\n%s", out)
	}
	apply(t, e, "--company", "Acme Robotics", "--role", "Backend Engineer", "--recruiter", "Dana Reyes <dana@acme.example>")
	_, errOut, code := run(t, e, "templates", "preview", "thank_you", "--app", "acme")
	if code != 2 || !strings.Contains(errOut, "no interview recorded") {
		t.Errorf("a thank-you preview with no interview: exit %d, %q; want exit 2 saying there is no interview", code, errOut)
	}
	for _, k := range []string{"learn", "feedback_thanks", "prep", "draft_ready"} {
		if _, errOut, code := run(t, e, "templates", "preview", k, "--app", "acme"); code != 2 || !strings.Contains(errOut, "Acme Robotics (1)") {
			t.Errorf("preview %s on an application it does not apply to: exit %d, %q", k, code, errOut)
		}
	}
	must(t, e, "interview", "acme", "--at", ago(3*time.Hour), "--with", "Tom Baker <tom@acme.example>", "--topic", "the caching layer")
	out := must(t, e, "templates", "preview", "thank_you", "--app", "acme")
	for _, want := range []string{"caching layer", "Acme Robotics", "Tom"} {
		if !strings.Contains(out, want) {
			t.Errorf("the thank-you preview with real data lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "Example Co") {
		t.Errorf("the preview with --app shows sample data:\n%s", out)
	}
	for _, args := range [][]string{{"templates", "preview", "digest"}, {"digest"}} {
		if out := must(t, e, args...); !strings.Contains(out, "Acme Robotics") || strings.Contains(out, "Example Co") {
			t.Errorf("%v does not show the real database:\n%s", args, out)
		}
	}
}
