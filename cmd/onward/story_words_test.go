package main

import (
	"strings"
	"testing"
	"time"
)

// `onward show` names each event in words, as the page's timeline does:
// an acceptance elsewhere is not printed as its stored name.
func TestShowNamesEventsInWords(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme := apply(t, e, "--company", "Acme", "--role", "Engineer", "--recruiter", "dana@acme.example", "--at", ago(9*24*time.Hour))
	apply(t, e, "--company", "Globex", "--role", "Engineer", "--recruiter", "sam@globex.example", "--at", ago(8*24*time.Hour))
	must(t, e, "offer", acme, "--at", ago(time.Hour))
	must(t, e, "accept", acme)
	for _, c := range []struct{ app, want, raw string }{
		{"acme", "offer accepted", "  accepted "},
		{"globex", "closed: an offer accepted elsewhere", "accepted_elsewhere"},
	} {
		out := must(t, e, "show", c.app)
		events := out
		if i, j := strings.Index(out, "\nEvents\n"), strings.Index(out, "\nMessages\n"); i >= 0 && j > i {
			events = out[i:j]
		}
		if !strings.Contains(events, "  "+c.want+" ") || strings.Contains(events, c.raw) {
			t.Errorf("show %s: events want %q, not %q:\n%s", c.app, c.want, c.raw, events)
		}
	}
}
