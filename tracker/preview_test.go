package tracker_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/store"
)

// PreviewAccept runs Accept's own code and writes nothing: what it
// returns is what accepting then does.
func TestPreviewAcceptWritesNothingAndMatchesAccept(t *testing.T) {
	t.Parallel()
	e := trkSetup(t)
	ctx := context.Background()
	acme := e.apply(t, "Acme", "Dana <dana@acme.example>")
	globex := e.apply(t, "Globex", "Sam <sam@globex.example>")
	e.apply(t, "Initech", "Jobs <noreply@initech.example>")
	if _, err := e.tr.Offer(ctx, acme.ID, trkNow); err != nil {
		t.Fatal(err)
	}
	dump := func() string {
		d, err := e.st.Dump(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(d)
	}
	before := dump()
	p, err := e.tr.PreviewAccept(ctx, acme.ID, trkNow)
	if err != nil {
		t.Fatal(err)
	}
	if after := dump(); after != before {
		t.Fatalf("the preview wrote:\nbefore %s\nafter  %s", before, after)
	}
	if g, _ := e.st.Application(ctx, globex.ID); g.Stage != onward.StageApplied {
		t.Fatalf("the preview closed Globex: %s", g.Stage)
	}
	got, err := e.tr.Accept(ctx, acme.ID, trkNow)
	if err != nil {
		t.Fatal(err)
	}
	summary := func(a []store.Message) (out []string) {
		for _, m := range a {
			out = append(out, string(m.Kind)+" to "+m.To)
		}
		return out
	}
	if len(p.Others) != 2 || len(got.Others) != 2 {
		t.Fatalf("others: preview %d, accept %d, want 2", len(p.Others), len(got.Others))
	}
	for i := range got.Others {
		pw, gw := fmt.Sprint(p.Others[i].App.ID, summary(p.Others[i].Scheduled)), fmt.Sprint(got.Others[i].App.ID, summary(got.Others[i].Scheduled))
		if pw != gw {
			t.Errorf("other %d: preview %s, accept %s", i, pw, gw)
		}
	}
	if fmt.Sprint(summary(p.Scheduled)) != fmt.Sprint(summary(got.Scheduled)) {
		t.Errorf("the accepted application: preview %v, accept %v", summary(p.Scheduled), summary(got.Scheduled))
	}
	// A second preview, after the acceptance, finds it done.
	if again, err := e.tr.PreviewAccept(ctx, acme.ID, trkNow); err != nil || !again.Unchanged {
		t.Errorf("preview after accepting: %+v %v, want unchanged", again.Result, err)
	}
}
