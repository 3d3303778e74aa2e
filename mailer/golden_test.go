package mailer_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/onward-app/onward"
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
	date := time.Date(2026, 3, 4, 9, 30, 0, 0, time.FixedZone("CET", 3600))
	for _, kind := range onward.Kinds() {
		t.Run(string(kind), func(t *testing.T) {
			d := templates.Sample(kind)
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
				MessageID: "onward.golden." + string(kind) + "@example.com",
				Date:      date,
			}
			switch kind {
			case onward.ThankYou, onward.StatusCheck, onward.FeedbackRequest, onward.StayInTouch:
				m.To = mailer.Address{Name: d.App.Recruiter.Name, Email: d.App.Recruiter.Email}
			default:
				m.AutoSubmitted = true
			}
			var b bytes.Buffer
			if _, err := m.WriteTo(&b); err != nil {
				t.Fatal(err)
			}
			got := normalize(b.Bytes())
			path := filepath.Join("testdata", string(kind)+".eml")
			if *update {
				if err := os.MkdirAll("testdata", 0o755); err != nil {
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
		})
	}
}
