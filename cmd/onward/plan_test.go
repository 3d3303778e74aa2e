package main

import (
	"strings"
	"testing"
	"time"
)

// planLine is a row of `plan --json`.
type planLine struct {
	ID            int64  `json:"id"`
	ApplicationID *int64 `json:"application_id"`
	Company       string `json:"company"`
	Kind          string `json:"kind"`
	Audience      string `json:"audience"`
	To            string `json:"to"`
	DueAt         string `json:"due_at"`
	Event         *struct {
		Kind string `json:"kind"`
	} `json:"event"`
	CountedFrom string `json:"counted_from"`
	Delay       string `json:"delay"`
	Zone        string `json:"recruiter_zone"`
	Moves       []struct {
		Reason string `json:"reason"`
		To     string `json:"to"`
	} `json:"moves"`
	Note string `json:"note"`
}

func planOf(t *testing.T, lines []planLine, company, kind string) planLine {
	t.Helper()
	for _, l := range lines {
		if l.Company == company && l.Kind == kind {
			return l
		}
	}
	t.Fatalf("no %s for %s in the plan: %+v", kind, company, lines)
	return planLine{}
}

// TestPlanSaysWhy: `onward plan` lists what goes out in the coming days
// with the event, the delay and each rule that moved the time: the send
// window (in the user's zone, or on the recruiter's clock) and quiet
// hours; --days bounds it.
func TestPlanSaysWhy(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().In(berlin)
	// Quiet hours around the learn note's time (a day after a rejection an
	// hour ago), whatever the hour the test runs at.
	quiet := now.Add(22*time.Hour).Format("15:04") + "-" + now.Add(25*time.Hour).Format("15:04")
	c := e.baseConf().set("schedule", "send_window", q("* 9-16 * * MON-FRI")).set("schedule", "quiet_hours", q(quiet))
	e.writeConfig(t, e.config, c, 0o600)

	// An interview next week's Tuesday 14:00-15:00 Berlin: the thank-you's
	// 18:00 is after the window, so it moves to Wednesday 09:00.
	d := now.AddDate(0, 0, 7)
	for d.Weekday() != time.Tuesday {
		d = d.AddDate(0, 0, 1)
	}
	iv := time.Date(d.Year(), d.Month(), d.Day(), 14, 0, 0, 0, berlin)
	apply(t, e, "--company", "Acme", "--role", "SRE", "--recruiter", "Dana <dana@acme.example>")
	must(t, e, "interview", "acme", "--at", iv.Format(time.RFC3339))
	// The same interview with a recruiter in New York: 18:00 Berlin is
	// 12:00 there, inside the window on their clock.
	apply(t, e, "--company", "Globex", "--role", "SRE", "--recruiter", "Ray <ray@globex.example>", "--recruiter-tz", "America/New_York")
	must(t, e, "interview", "globex", "--at", iv.Format(time.RFC3339))
	apply(t, e, "--company", "Initech", "--role", "Dev", "--recruiter", "Pat <pat@initech.example>")
	must(t, e, "reject", "initech", "--at", ago(time.Hour))

	var lines []planLine
	mustJSON(t, e, &lines, "plan", "--json", "--days", "30")
	ty := planOf(t, lines, "Acme", "thank_you")
	if ty.CountedFrom != "the interview's end" || ty.Delay != "3h" || ty.Event == nil || ty.Event.Kind != "interview" {
		t.Errorf("acme thank-you: counted from %q, delay %q, event %+v", ty.CountedFrom, ty.Delay, ty.Event)
	}
	wantDue := time.Date(iv.Year(), iv.Month(), iv.Day()+1, 9, 0, 0, 0, berlin).UTC().Format(time.RFC3339)
	if len(ty.Moves) != 1 || !strings.Contains(ty.Moves[0].Reason, "send window * 9-16 * * MON-FRI (your zone") || ty.DueAt != wantDue || ty.Moves[0].To != wantDue {
		t.Errorf("acme thank-you: due %s, moves %+v; want one move by the send window to %s", ty.DueAt, ty.Moves, wantDue)
	}
	gty := planOf(t, lines, "Globex", "thank_you")
	if gty.Zone != "America/New_York" || len(gty.Moves) != 0 {
		t.Errorf("globex thank-you: zone %q, moves %+v; want the recruiter's zone and no move", gty.Zone, gty.Moves)
	}
	learn := planOf(t, lines, "Initech", "learn")
	if len(learn.Moves) != 1 || !strings.Contains(learn.Moves[0].Reason, "quiet hours "+quiet) || learn.Audience != "user" {
		t.Errorf("initech learn: %+v; want one move by the quiet hours %s", learn, quiet)
	}

	// The table: one line each, with the reasons in words.
	out := must(t, e, "plan", "--days", "30")
	for _, want := range []string{"WHEN", "3h after the interview's end", "send window * 9-16 * * MON-FRI (your zone, Europe/Berlin)",
		"draft for Dana <dana@acme.example>", "1d after the rejection", "quiet hours " + quiet, "Globex (2)"} {
		if !strings.Contains(out, want) {
			t.Errorf("plan does not say %q:\n%s", want, out)
		}
	}
	// --days bounds it: the stay-in-touch note is 45 days out.
	if short := must(t, e, "plan", "--days", "3"); strings.Contains(short, "stay_in_touch") || strings.Contains(short, "status_check") {
		t.Errorf("plan --days 3 lists what is weeks away:\n%s", short)
	}
	if long := must(t, e, "plan", "--days", "60"); !strings.Contains(long, "stay_in_touch") {
		t.Errorf("plan --days 60 leaves out the stay-in-touch note:\n%s", long)
	}
	if _, errOut, code := run(t, e, "plan", "--days", "0"); code != 2 || !strings.Contains(errOut, "--days") {
		t.Errorf("plan --days 0: exit %d, %q; want 2 naming --days", code, errOut)
	}
}
