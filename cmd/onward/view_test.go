package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/onward-app/onward/internal/smtptest"
)

// TestStatusByStage: --stage lists the applications at one stage; a stage
// that does not exist is refused with the ones that do.
func TestStatusByStage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	apply(t, e, "--company", "Acme", "--role", "SRE")
	apply(t, e, "--company", "Globex", "--role", "SRE")
	must(t, e, "reject", "globex")
	out := must(t, e, "status", "--stage", "rejected")
	if !strings.Contains(out, "Globex") || strings.Contains(out, "Acme") {
		t.Errorf("status --stage rejected:\n%s", out)
	}
	var apps []struct {
		Company string `json:"company"`
	}
	mustJSON(t, e, &apps, "status", "--json", "--stage", "applied")
	if len(apps) != 1 || apps[0].Company != "Acme" {
		t.Errorf("status --json --stage applied = %+v, want Acme alone", apps)
	}
	if out := must(t, e, "status", "--stage", "offer"); !strings.Contains(out, "No applications at stage offer") {
		t.Errorf("status --stage offer:\n%s", out)
	}
	_, errOut, code := run(t, e, "status", "--stage", "ghosted")
	if code != 2 || !strings.Contains(errOut, `--stage: "ghosted" is not a stage; one of applied, `) {
		t.Errorf("status --stage ghosted: exit %d, %s", code, errOut)
	}
}

// TestMessagesSayWhy: the table shows how many attempts a message had and
// why it waits for a retry, or why it was cancelled.
func TestMessagesSayWhy(t *testing.T) {
	t.Parallel()
	ts := smtptest.Start(t, smtptest.Script{User: "alex", Pass: secret, Reject: map[string]*smtp.SMTPError{
		"MAIL": {Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "greylisted, come back later"}}})
	e := newEnv(t)
	e.writeConfig(t, e.config, smtpConf(e, fmt.Sprint(ts.Port)).set("delivery", "drafts", q("outbox")), 0o600)
	apply(t, e, "--company", "Acme", "--role", "SRE", "--recruiter", "Dana <dana@acme.example>")
	must(t, e, "interview", "acme", "--at", ago(2*time.Hour))
	must(t, e, "reply", "acme") // cancels the status check
	apply(t, e, "--company", "Globex", "--role", "SRE")
	must(t, e, "reject", "globex", "--at", ago(36*time.Hour)) // the learn note is due
	run(t, e, "flush")

	learn := one(t, messages(t, e, "--app", "globex"), "learn")
	if learn.Status != "scheduled" || learn.Attempts != 1 || !strings.Contains(learn.LastError, "greylisted") {
		t.Fatalf("learn after a 451: %+v", learn)
	}
	out := must(t, e, "messages")
	header := lineOf(t, out, "ID ")
	lines := strings.Split(out, "\n")
	if !strings.Contains(lines[header-1], "TRIES") {
		t.Errorf("no TRIES column:\n%s", out)
	}
	var learnLine, checkLine string
	for _, l := range lines {
		switch {
		case strings.Contains(l, "learn"):
			learnLine = l
		case strings.Contains(l, "status_check"):
			checkLine = l
		}
	}
	if !strings.Contains(learnLine, " 1 ") || !strings.Contains(learnLine, "retry after attempt 1: ") || !strings.Contains(learnLine, "greylisted") {
		t.Errorf("the learn note's line does not say it waits for a retry, and why:\n%s", learnLine)
	}
	if !strings.Contains(checkLine, "cancelled") || !strings.Contains(checkLine, "reply") {
		t.Errorf("the status check's line does not say why it was cancelled:\n%s", checkLine)
	}
}

// TestSinceCountsDaysWeeksMonths: --since reads d, w and mo; a unit under
// a day is refused, so "2m" never means two minutes.
func TestSinceCountsDaysWeeksMonths(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	now := time.Now()
	for _, tt := range []struct {
		since    string
		min, max time.Duration // how far back, give or take a DST hour
	}{
		{"90d", 89 * 24 * time.Hour, 91 * 24 * time.Hour},
		{"2w", 13 * 24 * time.Hour, 15 * 24 * time.Hour},
		{"3mo", 88 * 24 * time.Hour, 93 * 24 * time.Hour},
		{"1mo2w", 41 * 24 * time.Hour, 46 * 24 * time.Hour},
	} {
		var out struct {
			Since string `json:"since"`
		}
		mustJSON(t, e, &out, "patterns", "--json", "--since", tt.since)
		from, err := time.Parse(time.RFC3339, out.Since)
		if err != nil {
			t.Fatalf("--since %s: since %q: %v", tt.since, out.Since, err)
		}
		if back := now.Sub(from); back < tt.min || back > tt.max {
			t.Errorf("--since %s goes back %s", tt.since, back)
		}
	}
	for _, bad := range []string{"2m", "12h", "30s", "2y", "", "d"} {
		_, errOut, code := run(t, e, "patterns", "--since", bad)
		if code != 2 || !strings.Contains(errOut, "--since: ") || !strings.Contains(errOut, "use d, w or mo") {
			t.Errorf("patterns --since %q: exit %d, %s; want 2 with the units", bad, code, errOut)
		}
	}
}

// TestJSONKeepsAngleBrackets: --json writes "<" and ">" as they are, not
// as \u003c and \u003e.
func TestJSONKeepsAngleBrackets(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	apply(t, e, "--company", "Acme", "--role", "SRE", "--recruiter", "Dana <dana@acme.example>")
	out := must(t, e, "status", "--json")
	if !strings.Contains(out, `"Dana <dana@acme.example>"`) || strings.Contains(out, `\u003c`) {
		t.Errorf("status --json:\n%s", out)
	}
	var v any
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Errorf("status --json is not JSON: %v", err)
	}
}
