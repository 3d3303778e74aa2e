package templates

import (
	"strings"
	"testing"

	"github.com/onward-app/onward"
)

// FuzzRenderHostileData renders every kind with whatever a user could type
// into a company, a role, a name or a lesson: it never panics, a subject
// never spans lines, and HTML never carries the raw markup. Rendering may
// refuse only what the input explains: a line break bound for the subject
// (and then the same input on one line renders) or a NUL byte. A test that
// skipped every refusal could not tell that guard from one that refuses
// everything, and its subject check would only restate the guard.
func FuzzRenderHostileData(f *testing.F) {
	for _, s := range []string{"Acme", "<script>alert(1)</script>", "{{.User.Email}}", "a\r\nBcc: x@y", "Zoë & Co", "\x00", strings.Repeat("é", 300), "Acme\n"} {
		f.Add(s, s)
	}
	set, err := Load("")
	if err != nil {
		f.Fatal(err)
	}
	hostile := func(kind onward.Kind, company, text string) Data {
		d := Sample(kind)
		d.App.Company, d.App.Role, d.App.Recruiter.Name = company, company, company
		for i := range d.Lessons {
			d.Lessons[i].Text = text
		}
		return d
	}
	oneLine := strings.NewReplacer("\r", " ", "\n", " ")
	f.Fuzz(func(t *testing.T, company, text string) {
		hasNUL := strings.ContainsRune(company+text, 0)
		for _, kind := range onward.Kinds() {
			r, err := set.Render(kind, hostile(kind, company, text))
			switch {
			case err == nil:
				if strings.ContainsAny(r.Subject, "\r\n") {
					t.Fatalf("%s: subject spans lines: %q", kind, r.Subject)
				}
				if r.HTML != "" && strings.Contains(company, "<script>") && strings.Contains(r.HTML, "<script>") {
					t.Fatalf("%s: HTML carries raw markup", kind)
				}
			case hasNUL && strings.Contains(err.Error(), "NUL byte"):
				// No email may carry one.
			case strings.ContainsAny(company, "\r\n") && strings.Contains(err.Error(), `"subject" contains a line break`):
				flat := oneLine.Replace(company)
				if _, err := set.Render(kind, hostile(kind, flat, text)); err != nil && !hasNUL {
					t.Fatalf("%s: refused %q for a line break, and %q on one line too: %v", kind, company, flat, err)
				}
			default:
				t.Fatalf("%s: refused company %q, text %q: %v", kind, company, text, err)
			}
		}
	})
}
