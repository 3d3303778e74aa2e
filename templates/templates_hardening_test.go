package templates

import (
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/onward-app/onward"
)

// override writes a learn.tmpl override whose text part is body and loads
// the set.
func loadText(t *testing.T, body string) error {
	t.Helper()
	dir := t.TempDir()
	src := "{{define \"subject\"}}Hello{{end}}\n{{define \"text\"}}\n" + body + "\n{{end}}\n"
	if err := os.WriteFile(filepath.Join(dir, "learn.tmpl"), []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Load(dir)
	return err
}

// Templates that would loop for hours without writing a byte are refused
// at load, with the file and the line, by counting steps, not by a clock;
// so are templates that write without end, or write a NUL byte that the
// mailer would refuse in every message of the kind.
func TestRunawayAndJunkTemplatesAreRefused(t *testing.T) {
	t.Parallel()
	// Forty templates each calling the next twice: 2^40 calls.
	var chain strings.Builder
	chain.WriteString("{{template \"l0\" .}}\n{{end}}\n")
	for i := range 40 {
		chain.WriteString("{{define \"l" + strconv.Itoa(i) + "\"}}{{template \"l" + strconv.Itoa(i+1) + "\" .}}{{template \"l" + strconv.Itoa(i+1) + "\" .}}{{end}}\n")
	}
	chain.WriteString("{{define \"l40\"}}{{end}}\n{{define \"unused\"}}")
	for _, tc := range []struct{ name, body, want string }{
		{"range over a huge number", "x{{range 1000000000000}}{{end}}", "loops more than"},
		{"nested ranges", "{{range 1000}}{{range 1000}}{{range 1000}}{{end}}{{end}}{{end}}", "loops more than"},
		{"range over a number in a variable", "{{$n := 99999999999}}{{range $n}}{{end}}", "loops more than"},
		{"range over a number as dot", "{{with 99999999999}}{{range .}}{{end}}{{end}}", "loops more than"},
		{"a template that calls itself", "{{template \"text\" .}}", "depth"},
		{"templates that call each other twice, forty deep", chain.String(), "loops more than"},
		{"output without end", "{{range 100000}}{{printf \"%0999999d\" 0}}{{end}}", "writes more than"},
		{"a NUL byte in the text", "Hello\x00there", "NUL"},
		{"a NUL byte printed", "Hello {{printf \"%c\" 0}}", "NUL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := loadText(t, tc.body)
			if err == nil {
				t.Fatal("the template was accepted")
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "learn.tmpl") {
				t.Errorf("error %q does not name the file and %q", err, tc.want)
			}
		})
	}
}

// Ranges over real data still work, and the guard leaves their values
// alone: index, element, else branch, a range over a small number.
func TestGuardedRangesRenderAsBefore(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	src := `{{define "subject"}}Lessons{{end}}
{{define "text"}}{{range $i, $l := .Lessons}}{{if $i}},{{end}}{{$i}}{{end}}
{{range .Lessons}}- {{.Text}}
{{else}}none
{{end}}{{range 3}}{{.}}{{end}}{{template "part" .User}}{{end}}
{{define "part"}} {{.Name}}{{end}}
{{define "html"}}{{range .Lessons}}<li>{{.Text}}</li>{{end}}{{template "hpart" .User}}{{end}}
{{define "hpart"}}<b>{{.Name}}</b>{{end}}
`
	if err := os.WriteFile(filepath.Join(dir, "learn.tmpl"), []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	d := Sample(onward.Learn)
	d.Lessons = []Lesson{{Text: "one"}, {Text: "<two>"}}
	d.User.Name = "Alex"
	r, err := s.Render(onward.Learn, d)
	if err != nil {
		t.Fatal(err)
	}
	if r.Text != "0,1\n- one\n- <two>\n012 Alex\n" || r.HTML != "<li>one</li><li>&lt;two&gt;</li><b>Alex</b>\n" {
		t.Errorf("rendered %q / %q / %q", r.Subject, r.Text, r.HTML)
	}
}

// Every render runs on its own clone with its own budget: renders at the
// same time neither race (go test -race) nor share a budget.
func TestConcurrentRenders(t *testing.T) {
	t.Parallel()
	s, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, k := range onward.Kinds() {
				if _, err := s.Render(k, Sample(k)); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// poison sets every string reachable from v to s, and every string that
// names a link to a javascript: URL, so no field a user fills escapes the
// check below.
func poison(v reflect.Value, s string) {
	switch v.Kind() {
	case reflect.String:
		if v.CanSet() {
			v.SetString(s)
		}
	case reflect.Pointer:
		if !v.IsNil() {
			poison(v.Elem(), s)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			f := v.Field(i)
			if name := v.Type().Field(i).Name; f.Kind() == reflect.String && f.CanSet() && (strings.Contains(name, "URL") || strings.Contains(name, "Mailto")) {
				f.SetString("javascript:alert(1)")
				continue
			}
			poison(f, s)
		}
	case reflect.Slice:
		for i := range v.Len() {
			poison(v.Index(i), s)
		}
	}
}

// The HTML parts are html/template: markup typed into any field, and a
// javascript: link, come out inert.
func TestHTMLPartsEscapeEverythingTyped(t *testing.T) {
	t.Parallel()
	s, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	const markup = `<script>alert("x")</script><img src=x onerror=alert(1)>`
	withHTML := 0
	for _, kind := range onward.Kinds() {
		d := Sample(kind)
		poison(reflect.ValueOf(&d).Elem(), markup)
		r, err := s.Render(kind, d)
		if err != nil {
			// A subject may refuse what it cannot say on one line; the
			// HTML is what is checked here.
			t.Logf("%s: %v", kind, err)
			continue
		}
		if r.HTML == "" {
			continue
		}
		withHTML++
		low := strings.ToLower(r.HTML)
		for _, bad := range []string{"<script", "<img", `href="javascript:`} {
			if strings.Contains(low, bad) {
				t.Errorf("%s: the HTML part carries %q:\n%s", kind, bad, r.HTML)
			}
		}
		if !strings.Contains(r.HTML, "&lt;script&gt;") {
			t.Errorf("%s: the typed markup does not show as text:\n%s", kind, r.HTML)
		}
	}
	if withHTML < 2 {
		t.Fatalf("only %d kinds rendered an HTML part; digest and draft_ready have one", withHTML)
	}
}
