package deliver_test

import (
	"strings"
	"testing"
	"time"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/internal/smtptest"
	"github.com/onward-app/onward/store"
)

// The digest's patterns part says there is too little data until there
// is some, then shows the top tags and the week's funnel.
func TestDigestPatterns(t *testing.T) {
	t.Parallel()
	b := setup(t, smtptest.Script{})
	app := b.apply(t, "")
	if _, err := b.tracker.Reject(b.ctx, app.ID, b.clock.Now(), ""); err != nil {
		t.Fatal(err)
	}
	digest := func() string {
		t.Helper()
		m := store.Message{Kind: onward.Digest, Audience: onward.User, MessageID: "digest@example.com"}
		email, err := b.setup.Composer.Compose(b.ctx, m, b.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		return email.Text
	}
	if _, err := b.tracker.Log(b.ctx, app.ID, "One lesson about #system-design"); err != nil {
		t.Fatal(err)
	}
	if text := digest(); !strings.Contains(text, "Not enough yet to see a pattern") || strings.Contains(text, "#system-design: ") {
		t.Errorf("with one tagged lesson the digest should say there is too little data:\n%s", text)
	}
	for _, l := range []string{"Again the #system-design round", "And #system-design a third time, plus #salary"} {
		if _, err := b.tracker.Log(b.ctx, app.ID, l); err != nil {
			t.Fatal(err)
		}
	}
	b.clock.Add(time.Hour)
	text := digest()
	for _, want := range []string{"#system-design: 3 lessons, across 1 rejection", "this week: 1 application", "1 rejection"} {
		if !strings.Contains(text, want) {
			t.Errorf("digest lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "- #salary:") {
		t.Errorf("a tag used once is not a pattern yet:\n%s", text)
	}
}
