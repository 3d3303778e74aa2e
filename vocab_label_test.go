package onward

import "testing"

// Every event kind has its words: a kind added to EventKinds without a
// line in eventLabels would show its stored name on the page.
func TestEveryEventKindHasALabel(t *testing.T) {
	t.Parallel()
	seen := map[string]EventKind{}
	for _, e := range EventKinds() {
		l, ok := eventLabels[e]
		if !ok || l == "" {
			t.Errorf("event kind %q has no label", e)
			continue
		}
		if e.Label() != l {
			t.Errorf("%q.Label() = %q, want %q", e, e.Label(), l)
		}
		if other, ok := seen[l]; ok {
			t.Errorf("event kinds %q and %q share the label %q", other, e, l)
		}
		seen[l] = e
	}
	if len(eventLabels) != len(EventKinds()) {
		t.Errorf("%d labels for %d event kinds: one for each, no more", len(eventLabels), len(EventKinds()))
	}
}
