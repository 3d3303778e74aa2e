package main

import (
	"strings"
	"testing"
	"time"
)

// TestPatternsOnASeededDatabase: tags counted per lesson and per rejected
// application, the funnel and its rates, as JSON and as a table, and the
// --tag filter of lessons.
func TestPatternsOnASeededDatabase(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, c := range []string{"Acme", "Globex", "Initech", "Hooli"} {
		apply(t, e, "--company", c, "--role", "SRE", "--at", ago(30*24*time.Hour))
	}
	must(t, e, "interview", "acme", "--at", ago(20*24*time.Hour))
	must(t, e, "interview", "globex", "--at", ago(19*24*time.Hour))
	must(t, e, "interview", "initech", "--at", ago(18*24*time.Hour))
	must(t, e, "reject", "acme", "--at", ago(10*24*time.Hour))
	must(t, e, "reject", "globex", "--at", ago(9*24*time.Hour))
	must(t, e, "offer", "initech", "--at", ago(5*24*time.Hour))
	must(t, e, "log", "acme", "Practise the #System-Design round out loud.")
	must(t, e, "log", "globex", "Draw the #system-design diagram first; ask about #salary early.")
	must(t, e, "log", "globex", "Prepare two questions", "--tag", "questions")
	must(t, e, "log", "Read https://example.com/guide#section before the next one")

	var out struct {
		Tags []struct {
			Tag                  string `json:"tag"`
			Lessons              int    `json:"lessons"`
			RejectedApplications int    `json:"rejected_applications"`
		} `json:"tags"`
		Funnel map[string]any `json:"funnel"`
	}
	mustJSON(t, e, &out, "patterns", "--json")
	want := map[string][2]int{"system-design": {2, 2}, "salary": {1, 1}, "questions": {1, 1}}
	if len(out.Tags) != len(want) {
		t.Fatalf("tags %+v, want %v (no tag from a URL's #fragment)", out.Tags, want)
	}
	if out.Tags[0].Tag != "system-design" {
		t.Errorf("the most used tag is %q, want system-design first", out.Tags[0].Tag)
	}
	for _, tag := range out.Tags {
		if w := want[tag.Tag]; tag.Lessons != w[0] || tag.RejectedApplications != w[1] {
			t.Errorf("#%s: %d lessons across %d rejected applications, want %v", tag.Tag, tag.Lessons, tag.RejectedApplications, w)
		}
	}
	for key, v := range map[string]float64{"applications": 4, "interviews": 3, "offers": 1, "rejections": 2,
		"interview_rate": 0.75, "rejection_rate": 0.5} {
		if got, _ := out.Funnel[key].(float64); got != v {
			t.Errorf("funnel %s = %v, want %v", key, out.Funnel[key], v)
		}
	}
	if out.Funnel["feedback_reply_rate"] != nil {
		t.Errorf("feedback_reply_rate %v with no feedback request sent, want null", out.Funnel["feedback_reply_rate"])
	}

	table := must(t, e, "patterns")
	for _, line := range []string{"#system-design", "interviews        3", "75% of applications"} {
		if !strings.Contains(table, line) {
			t.Errorf("patterns table lacks %q:\n%s", line, table)
		}
	}
	// A shorter window leaves the older events out.
	mustJSON(t, e, &out, "patterns", "--json", "--since", "7d")
	if got, _ := out.Funnel["applications"].(float64); got != 0 {
		t.Errorf("--since 7d counts %v applications made 30 days ago", got)
	}
	if got, _ := out.Funnel["offers"].(float64); got != 1 {
		t.Errorf("--since 7d: offers %v, want the one 5 days ago", got)
	}

	lessons := must(t, e, "lessons", "--tag", "SYSTEM-design")
	if !strings.Contains(lessons, "Practise the") || !strings.Contains(lessons, "Draw the") || strings.Contains(lessons, "Prepare two") {
		t.Errorf("lessons --tag system-design:\n%s", lessons)
	}
}
