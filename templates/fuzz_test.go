package templates

import (
	"strings"
	"testing"

	"github.com/onward-app/onward"
)

// FuzzRenderHostileData renders every kind with whatever a user could type
// into a company, a role, a name or a lesson: rendering may refuse, but it
// never panics, a subject never spans lines, and HTML never carries the raw
// markup.
func FuzzRenderHostileData(f *testing.F) {
	for _, s := range []string{"Acme", "<script>alert(1)</script>", "{{.User.Email}}", "a\r\nBcc: x@y", "Zoë & Co", "\x00", strings.Repeat("é", 300)} {
		f.Add(s, s)
	}
	set, err := Load("")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, company, text string) {
		for _, kind := range onward.Kinds() {
			d := Sample(kind)
			d.App.Company, d.App.Role, d.App.Recruiter.Name = company, company, company
			for i := range d.Lessons {
				d.Lessons[i].Text = text
			}
			r, err := set.Render(kind, d)
			if err != nil {
				continue
			}
			if strings.ContainsAny(r.Subject, "\r\n") {
				t.Fatalf("%s: subject spans lines: %q", kind, r.Subject)
			}
			if r.HTML != "" && strings.Contains(company, "<script>") && strings.Contains(r.HTML, "<script>") {
				t.Fatalf("%s: HTML carries raw markup", kind)
			}
		}
	})
}
