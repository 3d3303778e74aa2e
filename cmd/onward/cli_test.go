package main

// The happy paths of the CLI, run through the real binary against a real
// database file in each test's own folder.

import (
	"encoding/json"
	"fmt"
	"net/mail"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestApplyPrintsTheNewID(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	if id := apply(t, e, "--company", "Acme", "--role", "Platform Engineer"); id != "1" {
		t.Fatalf("first apply printed %q, want 1", id)
	}
	if id := apply(t, e, "--company", "Initech", "--role", "SRE"); id != "2" {
		t.Fatalf("second apply printed %q, want 2", id)
	}

	var got map[string]any
	mustJSON(t, e, &got, "apply", "--json", "--company", "  Globex  ", "--role", "Backend Engineer",
		"--recruiter", "Dana Reyes <dana@globex.example>", "--recruiter-tz", "America/New_York",
		"--url", "https://globex.example/jobs/1", "--notes", "referred by Sam", "--at", "2026-03-02")
	for _, k := range []string{"id", "company", "role", "recruiter", "recruiter_tz", "url", "notes", "stage",
		"applied_at", "updated_at", "last_event", "next_message"} {
		if _, ok := got[k]; !ok {
			t.Errorf("apply --json has no %q: %v", k, got)
		}
	}
	want := map[string]any{
		"id": 3.0, "company": "Globex", "role": "Backend Engineer", "recruiter_tz": "America/New_York",
		"url": "https://globex.example/jobs/1", "notes": "referred by Sam", "stage": "applied",
		// A date alone is 09:00 on the user's clock: Berlin is UTC+1 in March.
		"applied_at": "2026-03-02T08:00:00Z",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("apply --json %s = %#v, want %#v", k, got[k], v)
		}
	}
	if r, _ := got["recruiter"].(string); !strings.Contains(r, "dana@globex.example") || !strings.Contains(r, "Dana Reyes") {
		t.Errorf("apply --json recruiter = %q, want Dana Reyes <dana@globex.example>", r)
	}

	// The boundary of the length check: 200 characters are fine.
	long := strings.Repeat("é", 200)
	if id := apply(t, e, "--company", long, "--role", "R"); id != "4" {
		t.Fatalf("200-character company: printed %q, want 4", id)
	}
}

func TestInterviewPlansThankYouAndStatusCheck(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	apply(t, e, "--company", "Acme", "--role", "Platform Engineer", "--recruiter", "Dana Reyes <dana@acme.example>")
	// Recorded two hours late: in time for a thank-you.
	must(t, e, "interview", "acme", "--at", ago(2*time.Hour), "--duration", "45m")

	var raw []map[string]any
	mustJSON(t, e, &raw, "messages", "--json")
	if len(raw) != 2 {
		t.Fatalf("want 2 messages, got %d: %v", len(raw), raw)
	}
	for _, m := range raw {
		for _, k := range []string{"id", "application_id", "kind", "audience", "to", "subject", "status",
			"due_at", "sent_at", "attempts", "last_error", "message_id"} {
			if _, ok := m[k]; !ok {
				t.Errorf("message has no %q: %v", k, m)
			}
		}
	}

	ms := messages(t, e)
	kinds := []string{ms[0].Kind, ms[1].Kind}
	slices.Sort(kinds)
	if !slices.Equal(kinds, []string{"status_check", "thank_you"}) {
		t.Fatalf("kinds = %v, want thank_you and status_check", kinds)
	}
	seen := map[string]bool{}
	for _, m := range ms {
		if m.Audience != "recruiter" || m.Status != "scheduled" {
			t.Errorf("%s: audience %q status %q, want recruiter scheduled", m.Kind, m.Audience, m.Status)
		}
		if m.ApplicationID == nil || *m.ApplicationID != 1 {
			t.Errorf("%s: application_id = %v, want 1", m.Kind, m.ApplicationID)
		}
		if !strings.Contains(m.To, "dana@acme.example") {
			t.Errorf("%s: to = %q, want the recruiter", m.Kind, m.To)
		}
		if m.DueAt == nil {
			t.Fatalf("%s: no due_at", m.Kind)
		}
		due, err := time.Parse(time.RFC3339, *m.DueAt)
		if err != nil || !strings.HasSuffix(*m.DueAt, "Z") {
			t.Errorf("%s: due_at %q is not RFC 3339 in UTC (%v)", m.Kind, *m.DueAt, err)
		}
		// Due no earlier than planned (later if the plan is in the past):
		// 14:00 Berlin is 13:00 UTC, +45m, then 3h or 7 days.
		earliest := map[string]string{"thank_you": "2026-03-02T16:45:00Z", "status_check": "2026-03-09T13:45:00Z"}[m.Kind]
		if e, _ := time.Parse(time.RFC3339, earliest); due.Before(e) {
			t.Errorf("%s: due %s, before %s", m.Kind, *m.DueAt, earliest)
		}
		if m.SentAt != nil || m.Attempts != 0 || m.LastError != "" {
			t.Errorf("%s: sent_at %v attempts %d last_error %q on a new message", m.Kind, m.SentAt, m.Attempts, m.LastError)
		}
		if m.MessageID == "" || seen[m.MessageID] {
			t.Errorf("%s: message_id %q is empty or repeated", m.Kind, m.MessageID)
		}
		seen[m.MessageID] = true
	}
}

// TestInterviewDueTimes pins the plan of an interview far in the future,
// where "now" cannot clamp it: the user's zone and calendar days.
func TestInterviewDueTimes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	apply(t, e, "--company", "Acme", "--role", "R")
	var res struct {
		Application struct {
			Stage string `json:"stage"`
		} `json:"application"`
		Scheduled []message `json:"scheduled"`
		Cancelled int       `json:"cancelled"`
		Unchanged bool      `json:"unchanged"`
	}
	// 2099-03-02 is a Monday; Berlin keeps CET (UTC+1) until late March.
	mustJSON(t, e, &res, "interview", "1", "--at", "2099-03-02 14:00", "--duration", "45m", "--json")
	if res.Application.Stage != "interviewing" || res.Unchanged || res.Cancelled != 0 {
		t.Errorf("interview --json: %+v", res)
	}
	want := map[string]string{
		"thank_you":    "2099-03-02T16:45:00Z",
		"status_check": "2099-03-09T13:45:00Z",
		// A prep note, where the build plans one: 18:00 the day before.
		"prep": "2099-03-01T17:00:00Z",
	}
	var kinds []string
	for _, m := range res.Scheduled {
		kinds = append(kinds, m.Kind)
		w, ok := want[m.Kind]
		if !ok {
			t.Errorf("interview planned an unexpected %s", m.Kind)
			continue
		}
		if m.DueAt == nil || *m.DueAt != w {
			t.Errorf("%s due %v, want %s", m.Kind, m.DueAt, w)
		}
		if wantAud := map[bool]string{true: "user", false: "recruiter"}[m.Kind == "prep"]; m.Audience != wantAud {
			t.Errorf("%s audience %s, want %s", m.Kind, m.Audience, wantAud)
		}
	}
	if !slices.Contains(kinds, "thank_you") || !slices.Contains(kinds, "status_check") {
		t.Errorf("interview planned %v, want thank_you and status_check", kinds)
	}
	// A second interview replaces what the first planned.
	mustJSON(t, e, &res, "interview", "1", "--at", "2099-03-05 10:00", "--json")
	if res.Cancelled != len(kinds) {
		t.Errorf("second interview cancelled %d, want %d", res.Cancelled, len(kinds))
	}
	ms := messages(t, e, "--status", "scheduled")
	if len(ms) != len(kinds) || *one(t, ms, "thank_you").DueAt != "2099-03-05T13:00:00Z" {
		t.Errorf("after the second interview: %+v", ms)
	}
}

func TestAppResolution(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	apply(t, e, "--company", "Acme", "--role", "Platform Engineer")
	apply(t, e, "--company", "Acorn", "--role", "SRE")
	apply(t, e, "--company", "Éclair", "--role", "Baker")
	apply(t, e, "--company", "7", "--role", "Numbers")
	apply(t, e, "--company", "Acme Labs", "--role", "Research")

	// edit prints the application it changed.
	resolves := func(t *testing.T, ref, want string) {
		t.Helper()
		out, errOut, code := run(t, e, "edit", ref, "--notes", "resolved by "+ref)
		if code != 0 || !strings.HasPrefix(out, "Updated "+want+":") {
			t.Errorf("edit %q: exit %d, stdout %q, stderr %q; want application %s", ref, code, out, errOut, want)
		}
	}
	t.Run("id", func(t *testing.T) { resolves(t, "2", "2") })
	t.Run("company ignoring case", func(t *testing.T) { resolves(t, "ACME", "1") })
	t.Run("unique prefix", func(t *testing.T) { resolves(t, "aco", "2") })
	t.Run("surrounding space", func(t *testing.T) { resolves(t, "  acorn ", "2") })
	t.Run("company named like a missing id", func(t *testing.T) { resolves(t, "7", "4") })
	t.Run("exact name before a longer prefix match", func(t *testing.T) { resolves(t, "acme", "1") })
	t.Run("prefix with a space", func(t *testing.T) { resolves(t, "acme l", "5") })
	t.Run("exact non-ASCII", func(t *testing.T) { resolves(t, "Éclair", "3") })
	t.Run("ambiguous prefix", func(t *testing.T) {
		out, errOut, code := run(t, e, "edit", "ac", "--notes", "x")
		if code != 2 {
			t.Fatalf("exit %d, want 2 (stdout %q)", code, out)
		}
		for _, want := range []string{"onward: ", `"ac"`, "1  Acme", "2  Acorn", "5  Acme Labs"} {
			if !strings.Contains(errOut, want) {
				t.Errorf("stderr %q lacks %q", errOut, want)
			}
		}
	})
	t.Run("non-ASCII ignoring case", func(t *testing.T) {
		out, errOut, code := run(t, e, "edit", "éclair", "--notes", "x")
		if code != 0 || !strings.HasPrefix(out, "Updated 3:") {
			t.Errorf("exit %d, stdout %q, stderr %q", code, out, errOut)
		}
	})
}

func TestRejectTwiceChangesNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	apply(t, e, "--company", "Acme", "--role", "R", "--recruiter", "dana@acme.example")
	must(t, e, "interview", "acme", "--at", ago(2*time.Hour))
	out := must(t, e, "reject", "acme", "--note", "went with someone with more Kubernetes")
	if !strings.Contains(out, "rejected") || !strings.Contains(out, "cancelled 2 pending messages") {
		t.Errorf("first reject printed %q", out)
	}
	before := messages(t, e)
	for _, k := range []string{"feedback_request", "stay_in_touch", "learn", "let_go"} {
		if m := one(t, before, k); m.Status != "scheduled" {
			t.Errorf("%s is %s, want scheduled", k, m.Status)
		}
	}
	for _, k := range []string{"learn", "let_go"} {
		if m := one(t, before, k); m.Audience != "user" || !strings.Contains(m.To, "alex@example.com") {
			t.Errorf("%s goes to %s %q, want the user", k, m.Audience, m.To)
		}
	}

	out = must(t, e, "reject", "acme")
	if !strings.Contains(out, "nothing changed") {
		t.Errorf("second reject printed %q, want it to say nothing changed", out)
	}
	var res struct {
		Unchanged bool  `json:"unchanged"`
		Scheduled []any `json:"scheduled"`
	}
	mustJSON(t, e, &res, "reject", "1", "--json")
	if !res.Unchanged || len(res.Scheduled) != 0 {
		t.Errorf("third reject --json: %+v, want unchanged and nothing scheduled", res)
	}
	after := messages(t, e)
	if len(after) != len(before) {
		t.Errorf("rejecting again added messages: %d before, %d after", len(before), len(after))
	}
	if n := len(byKind(after, "feedback_request")); n != 1 {
		t.Errorf("%d feedback requests, want exactly 1", n)
	}
}

func TestReplyOfferWithdraw(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	apply(t, e, "--company", "Acme", "--role", "R", "--recruiter", "dana@acme.example")
	apply(t, e, "--company", "Initech", "--role", "R")
	apply(t, e, "--company", "Globex", "--role", "R")

	t.Run("reply cancels the status check", func(t *testing.T) {
		must(t, e, "interview", "acme", "--at", ago(time.Hour))
		out := must(t, e, "reply", "acme")
		if !strings.Contains(out, "cancelled 1 pending message") {
			t.Errorf("reply printed %q", out)
		}
		ms := messages(t, e, "--app", "acme")
		if m := one(t, ms, "status_check"); m.Status != "cancelled" || !strings.Contains(m.LastError, "reply") {
			t.Errorf("status_check %s (%q), want cancelled by the reply", m.Status, m.LastError)
		}
		if m := one(t, ms, "thank_you"); m.Status != "scheduled" {
			t.Errorf("thank_you %s, want still scheduled", m.Status)
		}
	})
	t.Run("offer", func(t *testing.T) {
		must(t, e, "interview", "initech", "--at", ago(time.Hour))
		out := must(t, e, "offer", "initech")
		if !strings.Contains(out, "offer") {
			t.Errorf("offer printed %q", out)
		}
		ms := messages(t, e, "--app", "initech")
		if m := one(t, ms, "status_check"); m.Status != "cancelled" {
			t.Errorf("status_check %s after an offer, want cancelled", m.Status)
		}
		var apps []struct {
			Company, Stage string
		}
		mustJSON(t, e, &apps, "status", "--json")
		if apps[1].Company != "Initech" || apps[1].Stage != "offer" {
			t.Errorf("status: %+v", apps)
		}
		if _, errOut, code := run(t, e, "reject", "initech"); code != 2 || !strings.Contains(errOut, "has an offer already") {
			t.Errorf("reject after an offer: exit %d, %q", code, errOut)
		}
	})
	t.Run("withdraw cancels everything pending", func(t *testing.T) {
		must(t, e, "interview", "globex", "--at", ago(time.Hour))
		must(t, e, "reject", "globex")
		var res struct {
			Cancelled int `json:"cancelled"`
		}
		mustJSON(t, e, &res, "withdraw", "globex", "--json")
		if res.Cancelled != 4 {
			t.Errorf("withdraw cancelled %d, want 4 (feedback_request, stay_in_touch, learn, let_go)", res.Cancelled)
		}
		for _, m := range messages(t, e, "--app", "globex") {
			if m.Status != "cancelled" {
				t.Errorf("%s is %s after withdraw, want cancelled", m.Kind, m.Status)
			}
		}
		if out := must(t, e, "withdraw", "globex"); !strings.Contains(out, "nothing changed") {
			t.Errorf("second withdraw printed %q", out)
		}
	})
}

func TestLessons(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	apply(t, e, "--company", "Acme", "--role", "R")
	apply(t, e, "--company", "Initech", "--role", "R")
	if out := must(t, e, "log", "acme", "Bring two numbers to the design round"); !strings.Contains(out, "on Acme") {
		t.Errorf("log APP printed %q", out)
	}
	if out := must(t, e, "log", "Ask about on-call early"); !strings.HasPrefix(out, "Logged lesson 2") {
		t.Errorf("log printed %q", out)
	}
	must(t, e, "log", "initech", "Line one\nline two")

	type lesson struct {
		ID            int64   `json:"id"`
		ApplicationID *int64  `json:"application_id"`
		Company       string  `json:"company"`
		Text          string  `json:"text"`
		CreatedAt     *string `json:"created_at"`
	}
	var ls []lesson
	mustJSON(t, e, &ls, "lessons", "--json")
	if len(ls) != 3 {
		t.Fatalf("lessons --json: %d lessons, want 3: %+v", len(ls), ls)
	}
	if ls[0].ApplicationID == nil || *ls[0].ApplicationID != 1 || ls[0].Company != "Acme" || ls[0].Text != "Bring two numbers to the design round" {
		t.Errorf("first lesson: %+v", ls[0])
	}
	if ls[1].ApplicationID != nil || ls[1].Company != "" || ls[1].Text != "Ask about on-call early" {
		t.Errorf("lesson without an application: %+v", ls[1])
	}
	for _, l := range ls {
		if l.CreatedAt == nil {
			t.Errorf("lesson %d has no created_at", l.ID)
		} else if _, err := time.Parse(time.RFC3339, *l.CreatedAt); err != nil {
			t.Errorf("lesson %d: created_at %q: %v", l.ID, *l.CreatedAt, err)
		}
	}

	out := must(t, e, "lessons", "--app", "acme")
	if !strings.Contains(out, "Bring two numbers") || strings.Contains(out, "on-call") || strings.Contains(out, "Line one") {
		t.Errorf("lessons --app acme:\n%s", out)
	}
	mustJSON(t, e, &ls, "lessons", "--app", "initech", "--json")
	if len(ls) != 1 || ls[0].Text != "Line one\nline two" {
		t.Errorf("lessons --app initech --json: %+v", ls)
	}
	if out := must(t, e, "lessons"); !strings.Contains(out, "Line one\n  line two") {
		t.Errorf("a lesson of two lines is not indented:\n%s", out)
	}
}

func TestStatus(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	if out := must(t, e, "status"); !strings.Contains(out, "No applications yet") {
		t.Errorf("status on an empty database: %q", out)
	}
	apply(t, e, "--company", "Acme", "--role", "Platform Engineer", "--recruiter", "dana@acme.example", "--at", ago(72*time.Hour))
	apply(t, e, "--company", "Initech", "--role", "SRE", "--at", ago(72*time.Hour))
	must(t, e, "interview", "acme", "--at", ago(time.Hour), "--duration", "30m")

	out := must(t, e, "status")
	lines := strings.Split(out, "\n")
	if !regexp.MustCompile(`^ID\s+COMPANY\s+ROLE\s+STAGE\s+LAST EVENT\s+NEXT`).MatchString(lines[0]) {
		t.Errorf("status header: %q", lines[0])
	}
	if !regexp.MustCompile(`^1\s+Acme\s+Platform Engineer\s+interviewing\s+interview .*\s+thank_you `).MatchString(lines[1]) {
		t.Errorf("status line of Acme: %q", lines[1])
	}
	if !regexp.MustCompile(`^2\s+Initech\s+SRE\s+applied\s+applied .*—\s*$`).MatchString(lines[2]) {
		t.Errorf("status line of Initech: %q", lines[2])
	}

	var apps []struct {
		ID        int64  `json:"id"`
		Company   string `json:"company"`
		Stage     string `json:"stage"`
		Recruiter string `json:"recruiter"`
		LastEvent *struct {
			Kind string  `json:"kind"`
			At   *string `json:"at"`
		} `json:"last_event"`
		Next *message `json:"next_message"`
	}
	mustJSON(t, e, &apps, "status", "--json")
	if len(apps) != 2 {
		t.Fatalf("status --json: %d applications, want 2", len(apps))
	}
	a := apps[0]
	if a.ID != 1 || a.Stage != "interviewing" || a.Recruiter != "dana@acme.example" {
		t.Errorf("status --json Acme: %+v", a)
	}
	if a.LastEvent == nil || a.LastEvent.Kind != "interview" || a.LastEvent.At == nil {
		t.Errorf("status --json Acme last_event: %+v", a.LastEvent)
	}
	if a.Next == nil || a.Next.Kind != "thank_you" || a.Next.Status != "scheduled" {
		t.Errorf("status --json Acme next_message: %+v", a.Next)
	}
	b := apps[1]
	if b.Stage != "applied" || b.LastEvent == nil || b.LastEvent.Kind != "applied" || b.Next != nil {
		t.Errorf("status --json Initech: %+v", b)
	}
}

func TestTemplates(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	apply(t, e, "--company", "Acme Rockets", "--role", "R")

	out := must(t, e, "templates", "list")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	listed := map[string]string{} // kind → origin
	for _, l := range lines {
		f := strings.Fields(l)
		if len(f) != 3 || (f[1] != "recruiter" && f[1] != "user") {
			t.Errorf("templates list line %q, want KIND AUDIENCE ORIGIN", l)
			continue
		}
		listed[f[0]] = f[2]
	}
	for _, k := range []string{"thank_you", "status_check", "feedback_request", "stay_in_touch", "learn", "let_go", "digest", "draft_ready"} {
		if listed[k] != "built-in" {
			t.Errorf("templates list: %s is %q, want built-in:\n%s", k, listed[k], out)
		}
	}
	kinds := len(listed)

	out = must(t, e, "templates", "show", "thank_you")
	if !strings.Contains(out, "thank_you: built-in") || !strings.Contains(out, `{{define "subject"}}`) || !strings.Contains(out, `{{define "text"}}`) {
		t.Errorf("templates show thank_you:\n%s", out)
	}
	// Previews with --app show what applies: an interview and a rejection
	// recorded make both a thank-you and a learn note true.
	must(t, e, "interview", "acme", "--at", ago(72*time.Hour))
	must(t, e, "reject", "acme")
	out = must(t, e, "templates", "preview", "learn", "--app", "acme")
	if !strings.HasPrefix(out, "Subject: ") || !strings.Contains(out, "Acme Rockets") {
		t.Errorf("templates preview learn --app acme:\n%s", out)
	}
	if out := must(t, e, "templates", "preview", "digest"); !strings.HasPrefix(out, "Subject: ") {
		t.Errorf("templates preview digest (sample data):\n%s", out)
	}

	override := filepath.Join(e.tpl, "thank_you.tmpl")
	writeFile(t, override, `{{define "subject"}}Thanks from {{.User.Name}}{{end}}
{{define "text"}}
Dear {{with .App.Recruiter.Name}}{{.}}{{else}}team{{end}} at {{.App.Company}}, thank you.
{{end}}
`, 0o600)
	out = must(t, e, "templates", "list")
	if !strings.Contains(out, override) {
		t.Errorf("templates list does not show the override %s:\n%s", override, out)
	}
	if n := strings.Count(out, "built-in"); n != kinds-1 {
		t.Errorf("templates list: %d built-in, want %d:\n%s", n, kinds-1, out)
	}
	if out := must(t, e, "templates", "show", "thank_you"); !strings.Contains(out, override) || !strings.Contains(out, "Thanks from") {
		t.Errorf("templates show thank_you with an override:\n%s", out)
	}
	out = must(t, e, "templates", "preview", "thank_you", "--app", "1")
	if !strings.HasPrefix(out, "Subject: Thanks from Alex Tester\n") || !strings.Contains(out, "Dear team at Acme Rockets, thank you.") {
		t.Errorf("templates preview with an override:\n%s", out)
	}
	// Hidden files (editor swap files) in the folder are ignored.
	writeFile(t, filepath.Join(e.tpl, ".thank_you.tmpl.swp"), "junk", 0o600)
	must(t, e, "templates", "list")
}

const secret = "hunter2-distinctive"

// smtpConf is the base config with an inline password and SMTP on a
// loopback address without TLS.
func smtpConf(e *env, port string) conf {
	return e.baseConf().
		set("delivery", "transport", q("smtp")).
		set("smtp", "host", q("127.0.0.1")).
		set("smtp", "port", port).
		set("smtp", "username", q("alex")).
		set("smtp", "password", q(secret)).
		set("smtp", "security", q("none")).
		set("smtp", "timeout", q("5s"))
}

func TestConfigCheckNeverPrintsThePassword(t *testing.T) {
	t.Parallel()
	e := newEnv(t).inProcess()
	e.writeConfig(t, e.config, smtpConf(e, "2525"), 0o600)
	out, errOut, code := run(t, e, "config", "check")
	if code != 0 {
		t.Fatalf("config check: exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "the config is valid") {
		t.Errorf("config check does not say the config is valid:\n%s", out)
	}
	if strings.Contains(out+errOut, secret) {
		t.Errorf("config check printed the password:\n%s%s", out, errOut)
	}
	if !strings.Contains(out, "********") || !strings.Contains(out, "inline") {
		t.Errorf("config check does not show the password masked and its source:\n%s", out)
	}
	if exists(e.db) {
		t.Errorf("config check created the database %s", e.db)
	}
}

// TestSMTPFailureNeverPrintsThePassword sends to a loopback port nobody
// listens on: the failure is shown and kept, the password is not.
func TestSMTPFailureNeverPrintsThePassword(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.writeConfig(t, e.config, smtpConf(e, "1"), 0o600)
	apply(t, e, "--company", "Acme", "--role", "R", "--recruiter", "dana@acme.example")
	must(t, e, "interview", "acme", "--at", ago(48*time.Hour))
	out, errOut, code := run(t, e, "flush")
	if code != 0 {
		t.Errorf("flush: exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "draft_ready") {
		t.Errorf("flush did not report the draft_ready attempt:\n%s", out)
	}
	all := out + errOut
	ms := messages(t, e)
	id := one(t, ms, "thank_you").ID
	o2, e2, code := run(t, e, "drafts", "send", "--yes", itoa(id))
	if code != 1 {
		t.Errorf("drafts send to a closed port: exit %d, want 1 (%s)", code, e2)
	}
	all += o2 + e2
	b, _ := json.Marshal(messages(t, e))
	all += string(b)
	if strings.Contains(all, secret) {
		t.Errorf("the password appears in output or in messages:\n%s", all)
	}
	db, err := os.ReadFile(e.db)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(db), secret) {
		t.Errorf("the password is stored in the database")
	}
	if one(t, messages(t, e), "thank_you").Status != "drafted" {
		t.Errorf("a failed send changed the draft's status: %+v", messages(t, e))
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestInit(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	path := filepath.Join(e.dir, "fresh", "onward.toml")
	out, errOut, code := runRaw(t, e, "init", "--config", path)
	if code != 0 || !strings.Contains(out, path) {
		t.Fatalf("init: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("init wrote mode %04o, want 0600", fi.Mode().Perm())
	}
	orig, _ := os.ReadFile(path)
	writeFile(t, path, string(orig)+"# my edits\n", 0o644)

	_, errOut, code = runRaw(t, e, "init", "--config", path)
	if code != 2 || !strings.Contains(errOut, "already exists") || !strings.Contains(errOut, "--force") {
		t.Errorf("init over an existing file: exit %d, stderr %q; want 2 naming --force", code, errOut)
	}
	if b, _ := os.ReadFile(path); !strings.HasSuffix(string(b), "# my edits\n") {
		t.Errorf("init without --force changed the existing file")
	}

	if _, errOut, code := runRaw(t, e, "init", "--force", "--config", path); code != 0 {
		t.Fatalf("init --force: exit %d: %s", code, errOut)
	}
	if b, _ := os.ReadFile(path); string(b) != string(orig) {
		t.Errorf("init --force did not rewrite the file")
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("init --force left mode %04o, want 0600", fi.Mode().Perm())
	}

	out, errOut, code = runRaw(t, e, "config", "check", "--config", path)
	if code != 0 || !strings.Contains(out, "the config is valid") {
		t.Errorf("config check of the written file: exit %d\n%s%s", code, out, errOut)
	}

	// Without --config, init writes to $XDG_CONFIG_HOME/onward/config.toml.
	if _, errOut, code := runRaw(t, e, "init"); code != 0 {
		t.Fatalf("init at the default path: exit %d: %s", code, errOut)
	}
	if !exists(filepath.Join(e.dir, "xdg/config/onward/config.toml")) {
		t.Errorf("init did not write $XDG_CONFIG_HOME/onward/config.toml")
	}
}

// TestInitKeepsTheDatabase: a user who tried onward without a config and
// then runs init must find their job hunt again.
func TestInitKeepsTheDatabase(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	if out, errOut, code := runRaw(t, e, "apply", "--company", "Acme", "--role", "R"); code != 0 {
		t.Fatalf("apply without a config: exit %d: %s%s", code, out, errOut)
	}
	if !exists(filepath.Join(e.dir, "xdg/data/onward/onward.db")) {
		t.Fatalf("without a config the database is not under $XDG_DATA_HOME")
	}
	if _, errOut, code := runRaw(t, e, "init"); code != 0 {
		t.Fatalf("init: exit %d: %s", code, errOut)
	}
	out, errOut, code := runRaw(t, e, "status")
	if code == 0 && strings.Contains(out, "No applications yet") {
		t.Fatalf("after `onward init` the database moved away from $XDG_DATA_HOME/onward/onward.db: %q", out)
	}
	if code != 0 || !strings.Contains(out, "Acme") {
		t.Errorf("status after init: exit %d\n%s%s", code, out, errOut)
	}
}

// flushed sets up an application whose thank-you is due and flushes it.
func flushed(t *testing.T) (*env, []message) {
	t.Helper()
	e := newEnv(t)
	apply(t, e, "--company", "Acme", "--role", "Platform Engineer", "--recruiter", "Dana Reyes <dana@acme.example>")
	must(t, e, "interview", "acme", "--at", ago(48*time.Hour))
	out := must(t, e, "flush")
	if !regexp.MustCompile(`(?m)^drafted\s+thank_you\s+message \d+`).MatchString(out) ||
		!regexp.MustCompile(`(?m)^sent\s+draft_ready\s+message \d+ → `+regexp.QuoteMeta(e.outbox)).MatchString(out) {
		t.Errorf("flush printed:\n%s", out)
	}
	return e, messages(t, e)
}

func TestFlushWritesTheOutbox(t *testing.T) {
	t.Parallel()
	e, ms := flushed(t)
	ty := one(t, ms, "thank_you")
	if ty.Status != "drafted" || ty.Subject == "" {
		t.Errorf("thank_you after flush: %+v, want drafted with a subject", ty)
	}
	if st := one(t, ms, "status_check"); st.Status != "scheduled" {
		t.Errorf("status_check after flush: %s, want scheduled", st.Status)
	}
	dr := one(t, ms, "draft_ready")
	if dr.Status != "sent" || dr.Audience != "user" || dr.SentAt == nil || !strings.Contains(dr.To, "alex@example.com") {
		t.Errorf("draft_ready after flush: %+v, want sent to the user", dr)
	}

	files, err := filepath.Glob(filepath.Join(e.outbox, "*.eml"))
	if err != nil || len(files) != 1 {
		t.Fatalf("outbox holds %v (%v), want one .eml", files, err)
	}
	f, err := os.Open(files[0])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	msg, err := mail.ReadMessage(f)
	if err != nil {
		t.Fatalf("%s does not parse: %v", files[0], err)
	}
	for _, h := range []string{"Message-Id", "Date", "From", "To", "Subject"} {
		if msg.Header.Get(h) == "" {
			t.Errorf("%s has no %s header", files[0], h)
		}
	}
	if got := msg.Header.Get("Message-Id"); got != "<"+dr.MessageID+">" {
		t.Errorf("Message-ID %q, want <%s> as in messages --json", got, dr.MessageID)
	}
	if _, err := msg.Header.Date(); err != nil {
		t.Errorf("Date: %v", err)
	}
	for _, h := range []string{"From", "To"} {
		a, err := mail.ParseAddress(msg.Header.Get(h))
		if err != nil || a.Address != "alex@example.com" {
			t.Errorf("%s: %v %v, want alex@example.com", h, a, err)
		}
	}
	if fi, _ := os.Stat(files[0]); fi.Mode().Perm()&0o077 != 0 {
		t.Errorf("%s is readable by others: %04o", files[0], fi.Mode().Perm())
	}

	if out := must(t, e, "flush"); !strings.Contains(out, "Nothing is due") {
		t.Errorf("second flush printed %q", out)
	}
	if again, _ := filepath.Glob(filepath.Join(e.outbox, "*.eml")); len(again) != 1 {
		t.Errorf("second flush wrote more files: %v", again)
	}
	if out := must(t, e, "status"); !strings.Contains(out, "1 draft waiting for you") {
		t.Errorf("status does not mention the waiting draft:\n%s", out)
	}
}

func TestDrafts(t *testing.T) {
	t.Parallel()
	e, ms := flushed(t)
	id := itoa(one(t, ms, "thank_you").ID)

	out := must(t, e, "drafts")
	if !regexp.MustCompile(`(?m)^` + id + `\s+thank_you\s+.*dana@acme.example.*Thank you`).MatchString(out) {
		t.Errorf("drafts:\n%s", out)
	}
	var list []message
	mustJSON(t, e, &list, "drafts", "--json")
	if len(list) != 1 || itoa(list[0].ID) != id {
		t.Errorf("drafts --json: %+v", list)
	}

	out = must(t, e, "drafts", "show", id)
	for _, want := range []string{"To: Dana Reyes <dana@acme.example>", "Subject: Thank you", "Status: drafted",
		"Hi Dana,", "Platform Engineer", "Alex Tester", "onward drafts sent " + id} {
		if !strings.Contains(out, want) {
			t.Errorf("drafts show lacks %q:\n%s", want, out)
		}
	}

	// An editor that saves nothing leaves the draft alone.
	empty := editorScript(t, e, "empty.sh", `: > "$1"`)
	if out := must(t, e.with("EDITOR="+empty), "drafts", "edit", id); !strings.Contains(out, "unchanged") {
		t.Errorf("drafts edit with an empty file: %q", out)
	}
	ed := editorScript(t, e, "edit.sh", `sed -i 's/Thank you/Many thanks/' "$1"`)
	if out := must(t, e.with("EDITOR="+ed), "drafts", "edit", id); !strings.Contains(out, "updated") {
		t.Errorf("drafts edit printed %q", out)
	}
	got := one(t, messages(t, e), "thank_you")
	if !strings.HasPrefix(got.Subject, "Many thanks") || got.Status != "drafted" {
		t.Errorf("after drafts edit: subject %q status %s", got.Subject, got.Status)
	}
	if out := must(t, e, "drafts", "show", id); !strings.Contains(out, "Many thanks for arranging my interview") {
		t.Errorf("the edited text is not stored:\n%s", out)
	}
	// $VISUAL wins over $EDITOR.
	vis := editorScript(t, e, "visual.sh", `sed -i 's/Many thanks/Warm thanks/' "$1"`)
	must(t, e.with("EDITOR=false", "VISUAL="+vis), "drafts", "edit", id)
	if s := one(t, messages(t, e), "thank_you").Subject; !strings.HasPrefix(s, "Warm thanks") {
		t.Errorf("$VISUAL was not used: subject %q", s)
	}

	_, errOut, code := run(t, e, "drafts", "send", "--yes", id)
	if code != 1 || !strings.Contains(errOut, "no SMTP server is configured") {
		t.Errorf("drafts send with the outbox transport: exit %d, stderr %q", code, errOut)
	}
	if m := one(t, messages(t, e), "thank_you"); m.Status != "drafted" || m.SentAt != nil {
		t.Errorf("after a refused send the draft is %s (sent_at %v), want drafted", m.Status, m.SentAt)
	}

	if out := must(t, e, "drafts", "discard", id); !strings.Contains(out, "Discarded draft "+id) {
		t.Errorf("drafts discard printed %q", out)
	}
	if m := one(t, messages(t, e), "thank_you"); m.Status != "discarded" {
		t.Errorf("after discard the draft is %s", m.Status)
	}
	if _, errOut, code := run(t, e, "drafts", "discard", id); code != 2 || !strings.HasPrefix(errOut, "onward: ") {
		t.Errorf("discarding twice: exit %d, stderr %q; want 2", code, errOut)
	}
	if out := must(t, e, "drafts"); !strings.Contains(out, "No drafts waiting") {
		t.Errorf("drafts after discard:\n%s", out)
	}
}

func TestHelpAndVersion(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	out, _, code := runRaw(t, e, "--help")
	if code != 0 {
		t.Errorf("--help: exit %d", code)
	}
	for _, want := range []string{"--config", "--version", "apply", "interview", "reject", "drafts", "flush", "run", "init"} {
		if !strings.Contains(out, want) {
			t.Errorf("--help lacks %q", want)
		}
	}
	out, _, code = runRaw(t, e, "apply", "--help")
	if code != 0 {
		t.Errorf("apply --help: exit %d", code)
	}
	for _, want := range []string{"--company", "--role", "--recruiter", "--recruiter-tz", "--url", "--notes", "--at", "--json", "--config"} {
		if !strings.Contains(out, want) {
			t.Errorf("apply --help lacks %q", want)
		}
	}
	out, _, code = runRaw(t, e, "--version")
	if code != 0 || !regexp.MustCompile(`^onward version \S+\n$`).MatchString(out) {
		t.Errorf("--version: exit %d, %q", code, out)
	}
	if exists(filepath.Join(e.dir, "xdg/data/onward")) {
		t.Errorf("--help or --version created the data folder")
	}
}

// TestPlanZonesWindowsAndDST pins due times far in the future, where "now"
// cannot clamp them: the recruiter's zone for the send window, quiet hours
// on the user's clock, and calendar days across a DST change.
func TestPlanZonesWindowsAndDST(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.writeConfig(t, e.config, e.baseConf().
		set("schedule", "send_window", q("* 9-17 * * MON-FRI")).
		set("schedule", "quiet_hours", q("21:00-08:00")), 0o600)
	apply(t, e, "--company", "Acme", "--role", "R", "--recruiter", "dana@acme.example", "--recruiter-tz", "America/New_York")
	apply(t, e, "--company", "Initech", "--role", "R", "--recruiter", "bob@initech.example")
	apply(t, e, "--company", "Globex", "--role", "R")
	apply(t, e, "--company", "Umbrella", "--role", "R")

	due := func(app, kind string) string {
		t.Helper()
		m := one(t, messages(t, e, "--app", app, "--status", "scheduled"), kind)
		if m.DueAt == nil {
			t.Fatalf("%s %s has no due_at", app, kind)
		}
		return *m.DueAt
	}
	// Monday 2 March 2099, 16:00-17:00 in Berlin (CET): the thank-you is
	// due three hours after the end, 19:00 UTC. That is 14:00 in New York,
	// inside the window; 20:00 in Berlin, outside, so Tuesday 09:00 CET.
	must(t, e, "interview", "acme", "--at", "2099-03-02 16:00")
	must(t, e, "interview", "initech", "--at", "2099-03-02 16:00")
	for _, c := range []struct{ app, kind, want string }{
		{"acme", "thank_you", "2099-03-02T19:00:00Z"},
		{"initech", "thank_you", "2099-03-03T08:00:00Z"},
	} {
		if got := due(c.app, c.kind); got != c.want {
			t.Errorf("%s %s due %s, want %s", c.app, c.kind, got, c.want)
		}
	}

	// A rejection cannot be dated ahead, so the quiet hours and a
	// calendar week across DST for check-ins are the planner's table
	// tests; here a recruiter draft crosses it. Berlin moves to CEST on
	// Sunday 29 March 2099: seven days after an interview ending Friday
	// 27 March 11:00 CET is Friday 3 April 11:00 CEST, 09:00 UTC, not 10:00.
	must(t, e, "interview", "umbrella", "--at", "2099-03-27 10:00")
	if got, want := due("umbrella", "status_check"), "2099-04-03T09:00:00Z"; got != want {
		t.Errorf("status_check due %s, want %s (a calendar week across the DST change)", got, want)
	}
}

// TestConcurrentWriters runs CLI writers at once on one database, as
// scripts and a shell loop would: each must succeed, none may be lost.
func TestConcurrentWriters(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	apply(t, e, "--company", "Seed", "--role", "R") // the schema exists before the race
	const n = 8
	errs := make(chan string, 2*n)
	done := make(chan struct{})
	for i := range n {
		go func() {
			defer func() { done <- struct{}{} }()
			for _, args := range [][]string{
				{"apply", "--company", "Company " + strconv.Itoa(i), "--role", "R"},
				{"log", "lesson " + strconv.Itoa(i)},
			} {
				out, errOut, code, err := runE(e, append([]string{"--config", e.config}, args...)...)
				if err != nil || code != 0 {
					errs <- fmt.Sprintf("%s: exit %d, %v: %s%s", strings.Join(args, " "), code, err, out, errOut)
				}
			}
		}()
	}
	for range n {
		<-done
	}
	close(errs)
	for err := range errs {
		t.Errorf("concurrent writer failed: %s", err)
	}
	var apps []struct {
		ID int64 `json:"id"`
	}
	mustJSON(t, e, &apps, "status", "--json")
	var lessons []struct{}
	mustJSON(t, e, &lessons, "lessons", "--json")
	if len(apps) != n+1 || len(lessons) != n {
		t.Errorf("%d applications and %d lessons, want %d and %d", len(apps), len(lessons), n+1, n)
	}
}

// TestNonASCIIRecruiterIsReadable: a draft shown to the user names the
// recruiter as typed, not in the encoded form of a mail header.
func TestNonASCIIRecruiterIsReadable(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	apply(t, e, "--company", "Acme", "--role", "R", "--recruiter", "José Müller <jose@acme.example>")
	must(t, e, "interview", "acme", "--at", ago(48*time.Hour))
	must(t, e, "flush")
	id := itoa(one(t, messages(t, e), "thank_you").ID)
	out := must(t, e, "drafts", "show", id)
	if !strings.Contains(out, "Hi José,") {
		t.Errorf("drafts show does not greet the recruiter by name:\n%s", out)
	}
	to, _, _ := strings.Cut(out, "\n")
	if strings.Contains(to, "=?") {
		t.Errorf("`onward drafts show %s` prints the recruiter as an RFC 2047 encoded word: %q", id, to)
	}
	if !strings.Contains(to, "José Müller") {
		t.Errorf("drafts show To line: %q, want José Müller", to)
	}
}

// A planned recruiter note can be discarded before it is written: the user
// may decide early that it is not one to send. Discarding it twice, or a
// check-in, is refused.
func TestDiscardAPlannedDraft(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	apply(t, e, "--company", "Acme", "--role", "SRE", "--recruiter", "Dana Reyes <dana@acme.example>")
	must(t, e, "interview", "acme", "--at", ago(30*time.Minute))
	sc := one(t, messages(t, e), "status_check")
	id := fmt.Sprint(sc.ID)
	if out := must(t, e, "drafts", "discard", id); !strings.Contains(out, "Discarded draft "+id) {
		t.Fatalf("discard: %q", out)
	}
	if got := one(t, messages(t, e), "status_check"); got.Status != "discarded" {
		t.Errorf("status_check is %s, want discarded", got.Status)
	}
	if _, errOut, code := run(t, e, "drafts", "discard", id); code != 2 || !strings.Contains(errOut, "is discarded") {
		t.Errorf("second discard: exit %d, %q", code, errOut)
	}
}
