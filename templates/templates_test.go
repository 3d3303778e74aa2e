package templates

import (
	"errors"
	"github.com/onward-app/onward"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func mustLoad(t *testing.T, dir string) *Set {
	t.Helper()
	s, err := Load(dir)
	if err != nil {
		t.Fatalf("Load(%q): %v", dir, err)
	}
	return s
}

// overrideDir writes files into a fresh folder and returns its path.
func overrideDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func render(t *testing.T, s *Set, kind onward.Kind, d Data) Rendered {
	t.Helper()
	r, err := s.Render(kind, d)
	if err != nil {
		t.Fatalf("Render(%s): %v", kind, err)
	}
	return r
}

// sentenceHole finds the marks an empty field leaves: two spaces between
// words, a space before punctuation, an unset value.
var sentenceHole = regexp.MustCompile(`[a-z,]  +[a-zA-Z]| [,.:;]|<no value>|\(\)`)

var recruiterKinds = []onward.Kind{onward.ThankYou, onward.StatusCheck, onward.FeedbackRequest, onward.StayInTouch, onward.FeedbackThanks,
	onward.Withdrawal, onward.Decline, onward.ApplicationFollowUp}

func TestKinds(t *testing.T) {
	got := onward.Kinds()
	want := []onward.Kind{"thank_you", "status_check", "feedback_request", "stay_in_touch", "feedback_thanks", "withdrawal", "decline", "application_follow_up",
		"learn", "let_go", "digest", "draft_ready", "prep", "rejection_notice", "feedback_received", "invitation_notice", "offer_deadline", "congratulations", "offer_withdrawn_note", "no_reply"}
	if !slices.Equal(got, want) {
		t.Fatalf("Kinds() = %v, want %v", got, want)
	}
	got[0] = "changed"
	if onward.Kinds()[0] != onward.ThankYou {
		t.Error("Kinds returns a shared slice; a caller changed it")
	}
}

func TestRenderSamples(t *testing.T) {
	s := mustLoad(t, "")
	withHTML := map[onward.Kind]bool{onward.Digest: true, onward.DraftReady: true}
	for _, kind := range onward.Kinds() {
		for _, tc := range []struct {
			name string
			data Data
		}{
			{"sample", Sample(kind)},
			{"sparse", sparse(Sample(kind))},
		} {
			t.Run(string(kind)+"/"+tc.name, func(t *testing.T) {
				r := render(t, s, kind, tc.data)
				if r.Subject == "" || strings.ContainsAny(r.Subject, "\r\n") || strings.TrimSpace(r.Subject) != r.Subject {
					t.Errorf("subject %q: want one trimmed, non-empty line", r.Subject)
				}
				if len(r.Subject) > 78 {
					t.Errorf("subject %q is %d bytes; keep it short", r.Subject, len(r.Subject))
				}
				if r.Text == "" || !strings.HasSuffix(r.Text, "\n") || strings.HasSuffix(r.Text, "\n\n") || strings.HasPrefix(r.Text, "\n") {
					t.Errorf("text must start with a non-blank line and end with exactly one newline:\n%q", r.Text)
				}
				// An empty optional field must not leave holes in a sentence.
				if hole := sentenceHole.FindString(r.Text); hole != "" {
					t.Errorf("text contains %q:\n%s", hole, r.Text)
				}
				if got := r.HTML != ""; got != withHTML[kind] {
					t.Errorf("HTML present = %v, want %v", got, withHTML[kind])
				}
			})
		}
	}
}

// TestRecruiterDrafts holds the promises of every draft that goes out in the
// user's name: short, addressed, signed, specific, no filler.
func TestRecruiterDrafts(t *testing.T) {
	s := mustLoad(t, "")
	for _, kind := range recruiterKinds {
		t.Run(string(kind), func(t *testing.T) {
			d := Sample(kind)
			r := render(t, s, kind, d)
			if n := len(strings.Fields(r.Text)); n >= 120 {
				t.Errorf("%d words; a recruiter draft stays under 120:\n%s", n, r.Text)
			}
			if !strings.HasPrefix(r.Text, "Hi Dana,\n") {
				t.Errorf("want the recruiter's first name in the greeting:\n%s", r.Text)
			}
			if !strings.HasSuffix(r.Text, "\nAlex Morgan\n") {
				t.Errorf("want the draft signed with the user's name:\n%s", r.Text)
			}
			if !strings.Contains(r.Subject+r.Text, "Platform Engineer") || !strings.Contains(r.Subject+r.Text, "Example Co") {
				t.Errorf("want the role and the company named:\n%s\n%s", r.Subject, r.Text)
			}
			lower := strings.ToLower(r.Text)
			for _, filler := range []string{"just checking", "just following", "just wanted", "touching base", "circling back", "sorry", "reconsider"} {
				if strings.Contains(lower, filler) {
					t.Errorf("contains %q:\n%s", filler, r.Text)
				}
			}

			// Without a recruiter name the greeting stays neutral.
			r = render(t, s, kind, sparse(d))
			if !strings.HasPrefix(r.Text, "Hello,\n") {
				t.Errorf("want a neutral greeting without a recruiter name:\n%s", r.Text)
			}
		})
	}
}

func TestFeedbackRequestIsOptional(t *testing.T) {
	r := render(t, mustLoad(t, ""), onward.FeedbackRequest, Sample(onward.FeedbackRequest))
	if strings.Count(strings.ToLower(r.Text), "feedback") != 1 {
		t.Errorf("ask for feedback exactly once:\n%s", r.Text)
	}
	if !strings.Contains(r.Text, "don't feel obliged") {
		t.Errorf("answering must be explicitly optional:\n%s", r.Text)
	}
}

func TestHTMLEscapesUserData(t *testing.T) {
	s := mustLoad(t, "")
	const evil = `<script>alert(1)</script>`
	for _, kind := range []onward.Kind{onward.Digest, onward.DraftReady} {
		t.Run(string(kind), func(t *testing.T) {
			d := Sample(kind)
			d.App.Company = evil
			if d.Digest != nil {
				d.Digest.Stages[0].Companies[0] = evil
				d.Digest.DraftsWaiting[0].Company = evil
			}
			r := render(t, s, kind, d)
			if strings.Contains(r.HTML, "<script>") {
				t.Errorf("HTML contains a raw <script>:\n%s", r.HTML)
			}
			if !strings.Contains(r.HTML, "&lt;script&gt;") {
				t.Errorf("HTML lacks the escaped company:\n%s", r.HTML)
			}
		})
	}
}

func TestSubjectRejectsLineBreaks(t *testing.T) {
	s := mustLoad(t, "")
	for _, company := range []string{"Acme\r\nBcc: victim@example.com", "Acme\nBcc: x"} {
		d := Sample(onward.StayInTouch)
		d.App.Company = company
		_, err := s.Render(onward.StayInTouch, d)
		if err == nil {
			t.Fatalf("company %q: Render succeeded; a line break in the subject must fail", company)
		}
		for _, want := range []string{"render stay_in_touch", "default/stay_in_touch.tmpl:", "line break"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q lacks %q", err, want)
			}
		}
	}
}

// TestRenderConcurrently backs the promise that a Set may be shared by the
// dispatcher's workers; run with -race.
func TestRenderConcurrently(t *testing.T) {
	s := mustLoad(t, "")
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for _, kind := range onward.Kinds() {
				if _, err := s.Render(kind, Sample(kind)); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
}

func TestRenderUnknownKind(t *testing.T) {
	s := mustLoad(t, "")
	if _, err := s.Render("thanks", Sample(onward.ThankYou)); err == nil || !strings.Contains(err.Error(), "thank_you") {
		t.Errorf("Render(thanks) error = %v, want one listing the valid kinds", err)
	}
	if _, _, err := s.Source("thanks"); err == nil {
		t.Error("Source(thanks) succeeded")
	}
}

func TestRenderErrorWrapsKind(t *testing.T) {
	s := mustLoad(t, "")
	d := Sample(onward.DraftReady)
	d.Draft = nil // a caller bug: draft_ready without its draft
	_, err := s.Render(onward.DraftReady, d)
	if err == nil {
		t.Fatal("Render succeeded without a Draft")
	}
	if !strings.HasPrefix(err.Error(), "templates: render draft_ready: default/draft_ready.tmpl:") {
		t.Errorf("error %q: want it to name the kind, then the file and line", err)
	}
	var fe *fileError
	if !errors.As(err, &fe) || errors.Unwrap(fe) == nil {
		t.Errorf("error %q does not keep the template error underneath", err)
	}
}

const goodSubject = `{{define "subject"}}Thanks{{end}}` + "\n"

func TestLoadErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files map[string]string
		want  []string // substrings; "DIR" stands for the override folder
	}{
		{
			name: "missing field",
			files: map[string]string{"thank_you.tmpl": goodSubject +
				"{{define \"text\"}}\nHi,\n{{.App.Nope}}\n{{end}}\n"},
			want: []string{"templates: DIR/thank_you.tmpl:4:", "Nope"},
		},
		{
			name: "unknown function",
			files: map[string]string{"thank_you.tmpl": "{{/* a comment */}}\n\n" +
				`{{define "subject"}}{{nope .App.Company}}{{end}}` + "\n"},
			want: []string{`templates: DIR/thank_you.tmpl:3: function "nope" not defined`},
		},
		{
			name: "syntax error",
			files: map[string]string{"learn.tmpl": goodSubject +
				"{{define \"text\"}}\n{{if .App.Role}}\n{{end}}\n"},
			want: []string{"templates: DIR/learn.tmpl:", "unexpected"},
		},
		{
			name:  "unknown file name",
			files: map[string]string{"thanks.tmpl": goodSubject},
			want:  []string{"DIR/thanks.tmpl", "unknown template file", "thank_you.tmpl", "draft_ready.tmpl"},
		},
		{
			name:  "no text",
			files: map[string]string{"thank_you.tmpl": goodSubject},
			want:  []string{"DIR/thank_you.tmpl", `no {{define "text"}}`},
		},
		{
			name: "text outside define",
			files: map[string]string{"thank_you.tmpl": goodSubject +
				"{{define \"text\"}}Hi{{end}}\nDear {{.App.Recruiter.Name}}\n"},
			want: []string{"DIR/thank_you.tmpl:3:", "outside {{define}}"},
		},
		{
			name: "subject with a line break",
			files: map[string]string{"thank_you.tmpl": "{{define \"subject\"}}Thanks\nagain{{end}}\n" +
				"{{define \"text\"}}Hi{{end}}\n"},
			want: []string{"DIR/thank_you.tmpl:1:", "line break"},
		},
		{
			name: "html that ends inside a tag",
			files: map[string]string{"digest.tmpl": goodSubject +
				"{{define \"text\"}}Hi{{end}}\n{{define \"html\"}}<a href=\"{{.App.URL}}{{end}}\n"},
			want: []string{"templates: DIR/digest.tmpl", "non-text context"},
		},
		{
			name: "works only when lessons exist",
			files: map[string]string{"let_go.tmpl": goodSubject +
				"{{define \"text\"}}{{(index .Lessons 0).Text}}{{end}}\n"},
			want: []string{"DIR/let_go.tmpl:2:", "index", "lessons and address empty"},
		},
		{
			name: "draft field outside draft_ready",
			files: map[string]string{"thank_you.tmpl": goodSubject +
				"{{define \"text\"}}{{.Draft.Subject}}{{end}}\n"},
			want: []string{"DIR/thank_you.tmpl:2:", "nil pointer"},
		},
		{
			name: "runaway recursion",
			files: map[string]string{"thank_you.tmpl": goodSubject +
				`{{define "text"}}{{template "loop" .}}{{end}}` +
				`{{define "loop"}}{{.App.Company}} writes a line each time it calls itself{{template "loop" .}}{{template "loop" .}}{{end}}`},
			want: []string{"DIR/thank_you.tmpl", `"text" writes more than`},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := overrideDir(t, tc.files)
			s, err := Load(dir)
			if err == nil {
				t.Fatalf("Load succeeded; want an error")
			}
			if s != nil {
				t.Error("Load returned a Set with its error")
			}
			t.Log(err)
			for _, w := range tc.want {
				w = strings.ReplaceAll(w, "DIR", dir)
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestLoadDirIsAFile(t *testing.T) {
	f := filepath.Join(t.TempDir(), "templates")
	if err := os.WriteFile(f, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(f); err == nil || !strings.Contains(err.Error(), f) {
		t.Errorf("Load(file) error = %v, want one naming %s", err, f)
	}
}

func TestLoadMissingDirIsFine(t *testing.T) {
	for _, dir := range []string{"", filepath.Join(t.TempDir(), "does-not-exist")} {
		s := mustLoad(t, dir)
		for _, kind := range onward.Kinds() {
			if _, origin, err := s.Source(kind); err != nil || origin != "built-in" {
				t.Errorf("Source(%s) = %q, %v; want built-in", kind, origin, err)
			}
		}
	}
}

func TestOverrideOneKind(t *testing.T) {
	src := `{{define "subject"}}Thanks, {{first .App.Recruiter.Name}}{{end}}
{{define "text"}}
Thank you, {{first .App.Recruiter.Name}}.
{{.User.Name}}
{{end}}
`
	dir := overrideDir(t, map[string]string{
		"thank_you.tmpl":     src,
		".thank_you.tmpl.sw": "editor swap file, ignored",
	})
	if err := os.Mkdir(filepath.Join(dir, "old"), 0o755); err != nil {
		t.Fatal(err)
	}
	s := mustLoad(t, dir)
	for _, kind := range onward.Kinds() {
		got, origin, err := s.Source(kind)
		if err != nil {
			t.Fatal(err)
		}
		if kind == onward.ThankYou {
			if origin != filepath.Join(dir, "thank_you.tmpl") || got != src {
				t.Errorf("Source(thank_you) = %q from %q; want the override", got, origin)
			}
			continue
		}
		builtin, _ := defaults.ReadFile("default/" + string(kind) + ".tmpl")
		if origin != "built-in" || got != string(builtin) {
			t.Errorf("Source(%s) origin = %q; want the built-in", kind, origin)
		}
	}
	r := render(t, s, onward.ThankYou, Sample(onward.ThankYou))
	if r.Subject != "Thanks, Dana" || r.Text != "Thank you, Dana.\nAlex Morgan\n" {
		t.Errorf("override rendered %q / %q", r.Subject, r.Text)
	}
}

func TestLearn(t *testing.T) {
	s := mustLoad(t, "")
	r := render(t, s, onward.Learn, Sample(onward.Learn))
	for _, want := range []string{
		"Hi Alex,",
		`onward log "Example Co" "what I learned"`,
		"outside your control", "skip it",
	} {
		if !strings.Contains(r.Text, want) {
			t.Errorf("learn lacks %q:\n%s", want, r.Text)
		}
	}

	// A company name must make a command that still works when pasted.
	d := Sample(onward.Learn)
	d.App.Company = `Smith "$HOME" & Sons`
	r = render(t, s, onward.Learn, d)
	if want := `onward log "Smith \"\$HOME\" & Sons" "what I learned"`; !strings.Contains(r.Text, want) {
		t.Errorf("learn lacks %s:\n%s", want, r.Text)
	}
}

func TestLetGo(t *testing.T) {
	s := mustLoad(t, "")
	t.Run("with lessons", func(t *testing.T) {
		r := render(t, s, onward.LetGo, Sample(onward.LetGo))
		for _, l := range Sample(onward.LetGo).Lessons {
			if want := "- " + l.Text + "\n"; strings.Count(r.Text, want) != 1 {
				t.Errorf("let_go lacks %q:\n%s", want, r.Text)
			}
		}
		if strings.Contains(r.Text, "onward log") {
			t.Errorf("let_go asks for a lesson although some are logged:\n%s", r.Text)
		}
		if !strings.Contains(r.Text, "next interview") {
			t.Errorf("let_go does not turn to the next interview:\n%s", r.Text)
		}
	})
	t.Run("without lessons", func(t *testing.T) {
		d := Sample(onward.LetGo)
		d.Lessons = nil
		r := render(t, s, onward.LetGo, d)
		for _, want := range []string{"You logged nothing for Example Co, and that's fine", "no hurry"} {
			if !strings.Contains(r.Text, want) {
				t.Errorf("let_go lacks %q:\n%s", want, r.Text)
			}
		}
	})
}

func TestDigest(t *testing.T) {
	s := mustLoad(t, "")
	t.Run("full week", func(t *testing.T) {
		r := render(t, s, onward.Digest, Sample(onward.Digest))
		if r.Subject != "Your week in the job hunt: 2 drafts waiting" {
			t.Errorf("subject %q", r.Subject)
		}
		for _, want := range []string{
			"interviewing (2): Example Industries, Sample Works",
			"onward drafts show 12", "onward drafts send 15",
			"Sent this week", "a thank-you this late would do more harm than good", "Lessons this week", "Coming up",
		} {
			for part, body := range map[string]string{"text": r.Text, "html": r.HTML} {
				if !strings.Contains(body, want) {
					t.Errorf("%s lacks %q:\n%s", part, want, body)
				}
			}
		}
	})
	t.Run("quiet week", func(t *testing.T) {
		r := render(t, s, onward.Digest, sparse(Sample(onward.Digest)))
		for _, unwanted := range []string{"Drafts waiting", "Sent this week", "Not sent", "Lessons", "Coming up"} {
			if strings.Contains(r.Text, unwanted) || strings.Contains(r.HTML, unwanted) {
				t.Errorf("empty section %q shown:\n%s\n%s", unwanted, r.Text, r.HTML)
			}
		}
		if !strings.Contains(r.Text, "A quiet week") {
			t.Errorf("quiet week not said:\n%s", r.Text)
		}
	})
}

func TestDraftReady(t *testing.T) {
	s := mustLoad(t, "")
	t.Run("with address", func(t *testing.T) {
		d := Sample(onward.DraftReady)
		r := render(t, s, onward.DraftReady, d)
		for _, want := range []string{
			"To:      Dana Reyes <dana.reyes@example.com>",
			"still timely until Friday 6 March, 17:00 CET",
			"Subject: " + d.Draft.Subject,
			"    Best regards,\n    Alex Morgan\n",
			d.Draft.Mailto,
			d.Draft.SendCommand,
			"Nothing goes to Dana until you send it.",
		} {
			if !strings.Contains(r.Text, want) {
				t.Errorf("text lacks %q:\n%s", want, r.Text)
			}
		}
		if strings.Contains(r.Text, "missing") {
			t.Errorf("text says something is missing:\n%s", r.Text)
		}
	})
	t.Run("address missing", func(t *testing.T) {
		d := Sample(onward.DraftReady)
		d.Draft.To = ""
		r := render(t, s, onward.DraftReady, d)
		for part, body := range map[string]string{"text": r.Text, "html": r.HTML} {
			for _, want := range []string{"address is missing", `onward edit `, `--recruiter "Dana Reyes `, "address", d.Draft.SendCommand} {
				if !strings.Contains(body, want) {
					t.Errorf("%s lacks %q:\n%s", part, want, body)
				}
			}
		}
		if !strings.Contains(r.Text, `onward edit "Example Co" --recruiter "Dana Reyes <address>"`) {
			t.Errorf("text lacks the edit command:\n%s", r.Text)
		}
	})
}

// TestSampleDraftMatchesThankYou keeps the draft_ready preview honest: the
// draft it shows is what the thank_you template really writes.
func TestSampleDraftMatchesThankYou(t *testing.T) {
	r := render(t, mustLoad(t, ""), onward.ThankYou, Sample(onward.ThankYou))
	dr := Sample(onward.DraftReady).Draft
	if dr.Subject != r.Subject || dr.Text != r.Text {
		t.Errorf("Sample(draft_ready).Draft is out of date with thank_you.tmpl\ngot:  %q\n%q\nwant: %q\n%q", dr.Subject, dr.Text, r.Subject, r.Text)
	}
}

func TestSampleIsDeterministic(t *testing.T) {
	for _, kind := range onward.Kinds() {
		a, b := Sample(kind), Sample(kind)
		if a.Now.IsZero() || !a.Now.Equal(b.Now) || a.Now.Year() != 2026 {
			t.Errorf("Sample(%s).Now = %v, %v; want a fixed time in 2026", kind, a.Now, b.Now)
		}
	}
}

func TestFuncs(t *testing.T) {
	call := func(name string, args ...any) string {
		switch f := funcs[name].(type) {
		case func(time.Time) string:
			return f(args[0].(time.Time))
		case func(string) string:
			return f(args[0].(string))
		case func(onward.Kind) string:
			if k, ok := args[0].(onward.Kind); ok {
				return f(k)
			}
			return f(onward.Kind(args[0].(string)))
		case func(string, string) string:
			return f(args[0].(string), args[1].(string))
		case func(string, []string) string:
			return f(args[0].(string), args[1].([]string))
		case func(int, string, string) string:
			return f(args[0].(int), args[1].(string), args[2].(string))
		case func(time.Time, time.Time) string:
			return f(args[0].(time.Time), args[1].(time.Time))
		case func([]Interviewer) string:
			return f(args[0].([]Interviewer))
		}
		t.Fatalf("func %s has an unexpected type %T", name, funcs[name])
		return ""
	}
	tue := time.Date(2026, time.March, 3, 14, 0, 0, 0, time.UTC)
	chicago := time.FixedZone("CST", -6*3600)
	tokyo := time.FixedZone("JST", 9*3600)
	for _, tc := range []struct {
		name string
		args []any
		want string
	}{
		{"date", []any{tue}, "Tuesday 3 March"},
		{"date", []any{time.Time{}}, ""},
		{"datetime", []any{tue}, "Tuesday 3 March, 14:00"},
		{"datetime", []any{time.Time{}}, ""},
		{"first", []any{"Dana Reyes"}, "Dana"},
		{"first", []any{"  Dana  "}, "Dana"},
		{"first", []any{""}, ""},
		{"join", []any{", ", []string{"a", "b"}}, "a, b"},
		{"indent", []any{"> ", "a\n\nb\n"}, "> a\n>\n> b"},
		{"plural", []any{1, "draft", "drafts"}, "1 draft"},
		{"plural", []any{0, "draft", "drafts"}, "0 drafts"},
		{"quote", []any{`a "b" $c \d` + "`e`"}, `"a \"b\" \$c \\d` + "\\`e\\`" + `"`},
		{"label", []any{onward.StatusCheck}, "status check"},
		{"label", []any{"new_kind"}, "new kind"},
		{"when", []any{tue}, "Tuesday 3 March, 14:00 UTC"},
		{"when", []any{tue.In(time.FixedZone("", 5*3600+1800))}, "Tuesday 3 March, 19:30 UTC+05:30"},
		{"when", []any{tue.In(time.FixedZone("", -3*3600))}, "Tuesday 3 March, 11:00 UTC-03"},
		{"when", []any{time.Time{}}, ""},
		{"clock", []any{tue, tue.In(chicago)}, "08:00 CST"},
		{"clock", []any{tue, tue.In(tokyo)}, "23:00 JST"},
		{"clock", []any{tue, tue.Add(12 * time.Hour).In(tokyo)}, "Wednesday 4 March, 11:00 JST"},
		{"clock", []any{tue, time.Time{}}, ""},
		{"on", []any{tue.Add(3 * time.Hour), tue}, "today"},
		{"on", []any{tue.Add(24 * time.Hour), tue}, "yesterday"},
		{"on", []any{tue.Add(-20 * time.Hour), tue}, "tomorrow"},
		{"on", []any{tue.Add(72 * time.Hour), tue}, "on Tuesday 3 March"},
		{"on", []any{time.Time{}, tue}, "on Tuesday 3 March"},
		{"on", []any{tue, time.Time{}}, ""},
		// 23:30 in Chicago is already the next day in UTC: the day is the
		// reader's (now's zone).
		{"on", []any{time.Date(2026, 3, 3, 23, 30, 0, 0, chicago), time.Date(2026, 3, 4, 5, 0, 0, 0, time.UTC)}, "today"},
		{"names", []any{[]Interviewer{{Name: "Tom"}}}, "Tom"},
		{"names", []any{[]Interviewer{{Name: "Tom"}, {Name: " "}, {Name: "Priya"}}}, "Tom and Priya"},
		{"names", []any{[]Interviewer{{Name: "Tom"}, {Name: "Priya"}, {Name: "Sam"}}}, "Tom, Priya and Sam"},
		{"names", []any{[]Interviewer(nil)}, ""},
	} {
		if got := call(tc.name, tc.args...); got != tc.want {
			t.Errorf("%s%q = %q, want %q", tc.name, tc.args, got, tc.want)
		}
	}
}

func TestTidyText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"\n\n  \nHi,\n\n\n\nBye  \n\n", "Hi,\n\nBye\n"},
		{"a\r\nb", "a\nb\n"},
		{"    indented\n", "    indented\n"},
		{" \n\t\n", ""},
	} {
		if got := tidyText(tc.in); got != tc.want {
			t.Errorf("tidyText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
