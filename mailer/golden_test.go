package mailer_test

import (
	"bytes"
	"flag"
	"github.com/onward-app/onward"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/onward-app/onward/mailer"
	"github.com/onward-app/onward/templates"
)

var update = flag.Bool("update", false, "rewrite the golden .eml files")

// boundary matches MIME boundaries, which go-mail draws at random; the
// golden files hold them as fixed names so a diff shows only real changes.
var boundary = regexp.MustCompile(`[0-9a-f]{60,}`)

func normalize(b []byte) []byte {
	seen := map[string]string{}
	return boundary.ReplaceAllFunc(b, func(m []byte) []byte {
		name, ok := seen[string(m)]
		if !ok {
			name = "BOUNDARY" + string(rune('A'+len(seen)))
			seen[string(m)] = name
		}
		return []byte(name)
	})
}

// TestGoldenEML renders every kind's sample into a complete email with a
// fixed date and Message-ID and compares it with testdata/<kind>.eml.
// Regenerate with: go test ./mailer -update
func TestGoldenEML(t *testing.T) {
	set, err := templates.Load("")
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range onward.Kinds() {
		t.Run(string(kind), func(t *testing.T) {
			golden(t, set, kind, templates.Sample(kind), "onward.golden."+string(kind)+"@example.com", filepath.Join("testdata", string(kind)+".eml"))
		})
	}
}

// TestGoldenScenarioEML does the same for every note of the scenarios the
// words are judged in, into testdata/scenarios/<situation>/<note>.eml.
func TestGoldenScenarioEML(t *testing.T) {
	set, err := templates.Load("")
	if err != nil {
		t.Fatal(err)
	}
	for _, sc := range templates.Scenarios() {
		t.Run(sc.Name, func(t *testing.T) {
			d := sc.Data
			if d.Draft != nil && d.Draft.Text == "" {
				// The draft a draft_ready shows is the one the
				// template of its kind writes.
				inner := d
				inner.Draft = nil
				r, err := set.Render(d.Draft.Kind, inner)
				if err != nil {
					t.Fatal(err)
				}
				dr := *d.Draft
				dr.Subject, dr.Text = r.Subject, r.Text
				to, err := mailer.ParseAddress(dr.To)
				if err != nil {
					t.Fatal(err)
				}
				q := func(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "+", "%20") }
				dr.Mailto = "mailto:" + to.Email + "?subject=" + q(dr.Subject) + "&body=" + q(dr.Text)
				d.Draft = &dr
			}
			id := "onward.golden." + strings.ReplaceAll(sc.Name, "/", ".") + "@example.com"
			golden(t, set, sc.Kind, d, id, filepath.Join("testdata", "scenarios", filepath.FromSlash(sc.Name)+".eml"))
		})
	}
}

// golden renders kind with d into an email and compares it with path.
func golden(t *testing.T, set *templates.Set, kind onward.Kind, d templates.Data, messageID, path string) {
	t.Helper()
	r, err := set.Render(kind, d)
	if err != nil {
		t.Fatal(err)
	}
	m := &mailer.Message{
		From:      mailer.Address{Name: d.User.Name, Email: d.User.Email},
		To:        mailer.Address{Name: d.User.Name, Email: d.User.Email},
		Subject:   r.Subject,
		Text:      r.Text,
		HTML:      r.HTML,
		MessageID: messageID,
		Date:      time.Date(2026, 3, 4, 9, 30, 0, 0, time.FixedZone("CET", 3600)),
	}
	switch kind {
	case onward.ThankYou, onward.StatusCheck, onward.FeedbackRequest, onward.StayInTouch, onward.FeedbackThanks:
		m.To = mailer.Address{Name: d.App.Recruiter.Name, Email: d.App.Recruiter.Email}
		if p := d.Recipient; p != nil {
			m.To = mailer.Address{Name: p.Name, Email: p.Email}
		}
	default:
		m.AutoSubmitted = true
	}
	var b bytes.Buffer
	if _, err := m.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	got := normalize(b.Bytes())
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./mailer -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the rendered email; if the change is intended, run go test ./mailer -update\n--- got:\n%s", path, got)
	}
}
