package main

// Bad input, through Main in process (the binary where $EDITOR is set). Every case starts from a real
// database file, runs one wrong command and checks the promise of the
// design: exit code 2, an error on stderr that starts with "onward: " and
// names what is wrong, and nothing written: the bytes of the database (and
// its -wal) and what messages, status and lessons show are as before.

import (
	"maps"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// seed is a database prepared once and copied into each case.
type seed struct {
	env  *env
	snap snapshot
	ids  map[string]int64 // kind → id of the first message of that kind
}

// newSeed records, in a fresh folder:
//
//	1 Acme     interviewing, interview two days ago: thank_you due, status_check later
//	2 Acorn    applied
//	3 Initech  rejected: feedback_request, stay_in_touch, learn, let_go scheduled
//
// and a lesson on Acme. With drafted, it also flushes: the thank_you
// becomes a draft and a draft_ready is sent.
func newSeed(t *testing.T, drafted bool) *seed {
	t.Helper()
	e := newEnv(t).inProcess()
	apply(t, e, "--company", "Acme", "--role", "Platform Engineer", "--recruiter", "Dana Reyes <dana@acme.example>")
	apply(t, e, "--company", "Acorn", "--role", "SRE")
	apply(t, e, "--company", "Initech", "--role", "Developer", "--recruiter", "bob@initech.example")
	must(t, e, "reject", "initech")
	must(t, e, "interview", "acme", "--at", ago(48*time.Hour))
	must(t, e, "log", "acme", "Bring two numbers to the design round")
	if drafted {
		must(t, e, "flush")
	}
	s := &seed{env: e, snap: snap(t, e), ids: map[string]int64{}}
	for _, m := range messages(t, e) {
		if _, ok := s.ids[m.Kind]; !ok {
			s.ids[m.Kind] = m.ID
		}
	}
	return s
}

// copyTo puts the seed's database into e.
func (s *seed) copyTo(t *testing.T, e *env) {
	t.Helper()
	for _, suffix := range []string{"", "-wal"} {
		b, err := os.ReadFile(s.env.db + suffix)
		if os.IsNotExist(err) && suffix != "" {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, e.db+suffix, string(b), 0o600)
	}
}

// expand replaces {dir} with the case's folder and {kind} with the id of
// the seed's message of that kind.
func (s *seed) expand(t *testing.T, e *env, args []string) []string {
	t.Helper()
	out := make([]string, len(args))
	for i, a := range args {
		a = strings.ReplaceAll(a, "{dir}", e.dir)
		for k, id := range s.ids {
			a = strings.ReplaceAll(a, "{"+k+"}", strconv.FormatInt(id, 10))
		}
		if strings.Contains(a, "{") && strings.Contains(a, "}") && !strings.Contains(a, "{{") {
			t.Fatalf("argument %q names a message the seed does not have (%v)", a, s.ids)
		}
		out[i] = a
	}
	return out
}

// badCase is one wrong command against the seeded database.
type badCase struct {
	name    string
	args    []string // after --config; {dir} and {kind} are expanded
	raw     bool     // args are the whole command line: no --config added
	drafted bool     // start from the seed whose thank_you is drafted
	// vars adds environment variables (an $EDITOR script) for the case.
	vars func(t *testing.T, e *env) []string
	want []string // substrings of stderr that name the problem
}

func TestBadInput(t *testing.T) {
	t.Parallel()
	seeds := map[bool]*seed{false: newSeed(t, false), true: newSeed(t, true)}

	long201 := strings.Repeat("x", 201)
	editor := func(name, body string) func(t *testing.T, e *env) []string {
		return func(t *testing.T, e *env) []string {
			return []string{"EDITOR=" + editorScript(t, e, name, body)}
		}
	}
	cases := []badCase{
		// What goes into a header must be one line of valid UTF-8.
		{name: "CRLF in --company", args: []string{"apply", "--company", "Ac\r\nBcc: evil@x.example", "--role", "R"}, want: []string{"company", "line break"}},
		{name: "LF in --company", args: []string{"apply", "--company", "Ac\nme", "--role", "R"}, want: []string{"company", "line break"}},
		{name: "CR in --role", args: []string{"apply", "--company", "Globex", "--role", "Dev\rOps"}, want: []string{"role", "line break"}},
		{name: "CRLF in --recruiter name", args: []string{"apply", "--company", "Globex", "--role", "R", "--recruiter", "Dana\r\nBcc: evil@x.example <dana@globex.example>"}, want: []string{"recruiter"}},
		{name: "LF in a bare --recruiter name", args: []string{"apply", "--company", "Globex", "--role", "R", "--recruiter", "Dana\nReyes"}, want: []string{"recruiter"}},
		{name: "encoded CRLF in --recruiter name", args: []string{"apply", "--company", "Globex", "--role", "R", "--recruiter", "=?UTF-8?q?Dana=0D=0ABcc=3A_evil=40x.example?= <dana@globex.example>"}, want: []string{"recruiter"}},
		{name: "escape character in --company", args: []string{"apply", "--company", "Acme\x1b[31m", "--role", "R"}, want: []string{"company", "control character"}},
		{name: "invalid UTF-8 in --company", args: []string{"apply", "--company", "Acme\xff\xfe", "--role", "R"}, want: []string{"company", "UTF-8"}},
		{name: "invalid UTF-8 in --role", args: []string{"apply", "--company", "Globex", "--role", "\xc3\x28"}, want: []string{"role", "UTF-8"}},
		{name: "invalid UTF-8 in --notes", args: []string{"apply", "--company", "Globex", "--role", "R", "--notes", "ok \xff"}, want: []string{"notes", "UTF-8"}},
		{name: "invalid UTF-8 in --recruiter", args: []string{"apply", "--company", "Globex", "--role", "R", "--recruiter", "Dana \xff"}, want: []string{"recruiter"}},
		{name: "invalid UTF-8 in reject --note", args: []string{"reject", "acorn", "--note", "\xff"}, want: []string{"note", "UTF-8"}},
		{name: "invalid UTF-8 in a lesson", args: []string{"log", "acme", "\xfe\xff"}, want: []string{"lesson", "UTF-8"}},
		{name: "empty --company", args: []string{"apply", "--company", "", "--role", "R"}, want: []string{"company", "empty"}},
		{name: "blank --company", args: []string{"apply", "--company", "   ", "--role", "R"}, want: []string{"company", "empty"}},
		{name: "201-character --company", args: []string{"apply", "--company", long201, "--role", "R"}, want: []string{"company", "200"}},
		{name: "201-character --role", args: []string{"apply", "--company", "Globex", "--role", long201}, want: []string{"role", "200"}},
		{name: "10001-character --notes", args: []string{"apply", "--company", "Globex", "--role", "R", "--notes", strings.Repeat("n", 10001)}, want: []string{"notes", "10000"}},
		{name: "LF in --url", args: []string{"apply", "--company", "Globex", "--role", "R", "--url", "https://x.example/\nBcc: y"}, want: []string{"url", "line break"}},

		// Recruiter addresses and zones.
		{name: "two recruiters", args: []string{"apply", "--company", "Globex", "--role", "R", "--recruiter", "a@b.example, c@d.example"}, want: []string{"recruiter", "a@b.example, c@d.example"}},
		{name: "recruiter <script>", args: []string{"apply", "--company", "Globex", "--role", "R", "--recruiter", "<script>"}, want: []string{"recruiter", "<script>"}},
		{name: "recruiter group syntax", args: []string{"apply", "--company", "Globex", "--role", "R", "--recruiter", "team: a@b.example, c@d.example;"}, want: []string{"recruiter"}},
		{name: "recruiter without a domain", args: []string{"apply", "--company", "Globex", "--role", "R", "--recruiter", "dana@"}, want: []string{"recruiter", "dana@"}},
		{name: "unknown --recruiter-tz", args: []string{"apply", "--company", "Globex", "--role", "R", "--recruiter-tz", "Mars/Olympus"}, want: []string{"recruiter-tz", "Mars/Olympus"}},
		{name: "--recruiter-tz Local", args: []string{"apply", "--company", "Globex", "--role", "R", "--recruiter-tz", "Local"}, want: []string{"recruiter-tz", "Local"}},
		{name: "edit to two recruiters", args: []string{"edit", "acme", "--recruiter", "a@b.example, c@d.example"}, want: []string{"recruiter"}},
		{name: "edit to an unknown zone", args: []string{"edit", "acme", "--recruiter-tz", "Mars/Olympus"}, want: []string{"recruiter-tz", "Mars/Olympus"}},
		{name: "edit to an empty company", args: []string{"edit", "acme", "--company", ""}, want: []string{"company", "empty"}},
		{name: "edit with a CRLF role", args: []string{"edit", "acme", "--role", "a\r\nb"}, want: []string{"role", "line break"}},

		// Times and durations.
		{name: "--at tomorrow", args: []string{"interview", "acme", "--at", "tomorrow"}, want: []string{"--at", "tomorrow"}},
		{name: "--at 1999-01-01", args: []string{"interview", "acme", "--at", "1999-01-01"}, want: []string{"--at", "1999-01-01", "plausible"}},
		{name: "--at 2101-01-01", args: []string{"apply", "--company", "Globex", "--role", "R", "--at", "2101-01-01"}, want: []string{"--at", "2101-01-01"}},
		{name: "--at February 30", args: []string{"interview", "acme", "--at", "2026-02-30 10:00"}, want: []string{"--at", "2026-02-30 10:00"}},
		{name: "--at 25 o'clock", args: []string{"reject", "acorn", "--at", "2026-03-02 25:00"}, want: []string{"--at", "25:00"}},
		{name: "--duration -1h", args: []string{"interview", "acme", "--duration", "-1h"}, want: []string{"--duration", "-1h"}},
		{name: "--duration 48h", args: []string{"interview", "acme", "--duration", "48h"}, want: []string{"--duration", "48h"}},
		{name: "--duration 0s", args: []string{"interview", "acme", "--duration", "0s"}, want: []string{"--duration"}},
		{name: "--duration 1s", args: []string{"interview", "acme", "--duration", "1s"}, want: []string{"--duration", "1s"}},
		{name: "--duration banana", args: []string{"interview", "acme", "--duration", "banana"}, want: []string{"--duration", "banana"}},
		{name: "--with a bad address", args: []string{"interview", "acme", "--with", "Tom Baker <tom@@acme>"}, want: []string{"with", "tom@@acme"}},
		{name: "--with an address and no name", args: []string{"interview", "acme", "--with", "tom@acme.example"}, want: []string{"with", "no name"}},
		{name: "--with a title without a comma", args: []string{"interview", "acme", "--with", "Tom <tom@acme.example> Manager"}, want: []string{"with", "comma"}},
		{name: "--with a line break", args: []string{"interview", "acme", "--with", "Tom\r\nBcc: x@evil.example"}, want: []string{"with"}},
		{name: "--kind unknown", args: []string{"interview", "acme", "--kind", "brunch"}, want: []string{"kind", "brunch", "phone_screen"}},
		{name: "--expect before the interview", args: []string{"interview", "acme", "--at", "2026-03-03 14:00", "--expect", "2026-03-02"}, want: []string{"expect", "before the interview"}},
		{name: "--expect banana", args: []string{"interview", "acme", "--expect", "banana"}, want: []string{"--expect", "banana"}},
		{name: "feedback without text", args: []string{"feedback", "acme"}, want: []string{"feedback needs", "--declined"}},
		{name: "feedback with text and --declined", args: []string{"feedback", "acme", "good", "--declined"}, want: []string{"not both"}},
		{name: "feedback with empty text", args: []string{"feedback", "acme", "  "}, want: []string{"feedback", "empty"}},
		{name: "--topic empty", args: []string{"interview", "acme", "--topic", " "}, want: []string{"topic", "empty"}},

		// How the command was called.
		{name: "unknown flag", args: []string{"apply", "--company", "Globex", "--role", "R", "--bogus"}, want: []string{"--bogus"}},
		{name: "unknown command", args: []string{"aply", "--company", "Globex"}, want: []string{"aply"}},
		{name: "missing required --role", args: []string{"apply", "--company", "Globex"}, want: []string{"role"}},
		{name: "too many args to apply", args: []string{"apply", "--company", "Globex", "--role", "R", "extra"}, want: []string{"no arguments", "got 1"}},
		{name: "two applications to interview", args: []string{"interview", "acme", "acorn"}, want: []string{"one application", "got 2"}},
		{name: "no application to reject", args: []string{"reject"}, want: []string{"one application", "got 0"}},
		{name: "argument to status", args: []string{"status", "acme"}, want: []string{"no arguments"}},
		{name: "unknown APP", args: []string{"interview", "globex"}, want: []string{`"globex"`}},
		{name: "unknown APP id", args: []string{"reject", "999"}, want: []string{"999"}},
		{name: "empty APP", args: []string{"reply", ""}, want: []string{"application", "empty"}},
		{name: "ambiguous APP", args: []string{"interview", "ac"}, want: []string{`"ac"`, "1  Acme", "2  Acorn"}},
		{name: "ambiguous APP in messages --app", args: []string{"messages", "--app", "AC"}, want: []string{`"AC"`, "1  Acme", "2  Acorn"}},
		{name: "unknown APP in lessons --app", args: []string{"lessons", "--app", "globex"}, want: []string{"globex"}},
		{name: "interview after a rejection", args: []string{"interview", "initech"}, want: []string{"Initech", "was rejected already"}},
		{name: "offer after a rejection", args: []string{"offer", "initech"}, want: []string{"Initech", "was rejected already"}},
		{name: "offer --deadline not a date", args: []string{"offer", "acorn", "--deadline", "next friday"}, want: []string{"--deadline", "next friday"}},
		{name: "offer --deadline passed", args: []string{"offer", "acorn", "--deadline", "2020-01-10"}, want: []string{"deadline", "2020-01-10", "has passed"}},
		{name: "offer --withdrawn with --deadline", args: []string{"offer", "acorn", "--withdrawn", "--deadline", "2099-01-10"}, want: []string{"--deadline and --withdrawn"}},
		{name: "offer --withdrawn without an offer", args: []string{"offer", "acorn", "--withdrawn"}, want: []string{"Acorn", "not an offer"}},
		{name: "decline without an offer", args: []string{"decline", "acme"}, want: []string{"Acme", "not an offer"}},
		{name: "accept after a rejection", args: []string{"accept", "initech"}, want: []string{"Initech", "was rejected already"}},
		{name: "accept with no APP", args: []string{"accept"}, want: []string{"one application", "got 0"}},
		{name: "close with no APP", args: []string{"close"}, want: []string{"one application", "got 0"}},
		{name: "close after a rejection", args: []string{"close", "initech"}, want: []string{"Initech", "was rejected already", "onward undo"}},
		{name: "close an unknown application", args: []string{"close", "nowhere"}, want: []string{"application", "nowhere"}},
		{name: "close --at tomorrow", args: []string{"close", "acorn", "--at", "tomorrow"}, want: []string{"--at", "tomorrow"}},
		{name: "close --at in the future", args: []string{"close", "acorn", "--at", "2099-01-10"}, want: []string{"2099-01-10", "future"}},
		{name: "messages --status bogus", args: []string{"messages", "--status", "bogus"}, want: []string{"--status", "bogus"}},
		{name: "edit with no flags", args: []string{"edit", "acme"}, want: []string{"nothing to change"}},
		{name: "log with no args", args: []string{"log"}, want: []string{"log needs"}},
		{name: "log APP with empty text", args: []string{"log", "acme", ""}, want: []string{"lesson", "empty"}},
		{name: "log blank text", args: []string{"log", "  \t "}, want: []string{"lesson", "empty"}},
		{name: "log with three args", args: []string{"log", "acme", "a", "b"}, want: []string{"log needs"}},
		{name: "log on an unknown APP", args: []string{"log", "globex", "a lesson"}, want: []string{"globex"}},
		{name: "log with a bad --tag", args: []string{"log", "acme", "a lesson", "--tag", "bad tag!"}, want: []string{"tag", "bad tag!"}},
		{name: "lessons --tag with a space", args: []string{"lessons", "--tag", "a b"}, want: []string{"--tag", "a b"}},
		{name: "patterns --since banana", args: []string{"patterns", "--since", "banana"}, want: []string{"--since", "banana"}},
		{name: "patterns --since negative", args: []string{"patterns", "--since", "-5d"}, want: []string{"--since", "-5d"}},
		{name: "patterns --since 2m", args: []string{"patterns", "--since", "2m"}, want: []string{"--since", `"2m"`, "under a day"}},
		{name: "status --stage bogus", args: []string{"status", "--stage", "bogus"}, want: []string{"--stage", `"bogus"`, "interviewing"}},
		{name: "plan --days 0", args: []string{"plan", "--days", "0"}, want: []string{"--days", "0"}},
		{name: "plan --days many", args: []string{"plan", "--days", "99999"}, want: []string{"--days", "99999"}},
		{name: "plan --days x", args: []string{"plan", "--days", "x"}, want: []string{"--days", "x"}},
		{name: "run --log-format xml", args: []string{"run", "--log-format", "xml"}, want: []string{"--log-format", "xml"}},

		// Drafts.
		{name: "drafts show abc", args: []string{"drafts", "show", "abc"}, want: []string{`"abc"`, "draft id"}},
		{name: "drafts show 0", args: []string{"drafts", "show", "0"}, want: []string{`"0"`}},
		{name: "drafts send 9999", args: []string{"drafts", "send", "9999"}, want: []string{"9999"}},
		{name: "drafts discard a check-in", args: []string{"drafts", "discard", "{learn}"}, want: []string{"is the learn check-in to you, not a recruiter draft"}},
		{name: "drafts send a check-in", args: []string{"drafts", "send", "{learn}"}, want: []string{"not a recruiter draft"}},
		{name: "drafts edit one not written yet", args: []string{"drafts", "edit", "{status_check}"}, want: []string{"scheduled", "waiting draft"}},
		{name: "drafts discard a sent draft_ready", drafted: true, args: []string{"drafts", "discard", "{draft_ready}"}, want: []string{"not a recruiter draft"}},
		{name: "drafts edit without the Subject line", drafted: true, args: []string{"drafts", "edit", "{thank_you}"},
			vars: editor("nosubject.sh", `sed -i '1d' "$1"`), want: []string{"Subject:", "unchanged"}},
		{name: "drafts edit with a CR in the subject", drafted: true, args: []string{"drafts", "edit", "{thank_you}"},
			vars: editor("cr.sh", `printf 'Subject: Hi\rBcc: evil@x.example\n\nHello\n' > "$1"`), want: []string{"subject", "line break"}},
		{name: "drafts edit with an empty subject", drafted: true, args: []string{"drafts", "edit", "{thank_you}"},
			vars: editor("nosubj.sh", `printf 'Subject:   \n\nHello\n' > "$1"`), want: []string{"subject", "empty"}},
		{name: "drafts edit with no text", drafted: true, args: []string{"drafts", "edit", "{thank_you}"},
			vars: editor("notext.sh", `printf 'Subject: Hi\n\n\n' > "$1"`), want: []string{"text", "empty"}},
		{name: "drafts edit with invalid UTF-8", drafted: true, args: []string{"drafts", "edit", "{thank_you}"},
			vars: editor("utf8.sh", `printf 'Subject: Hi\n\nHello \377\n' > "$1"`), want: []string{"text", "UTF-8"}},

		// Templates.
		{name: "templates show nope", args: []string{"templates", "show", "nope"}, want: []string{`"nope"`, "thank_you"}},
		{name: "templates preview nope", args: []string{"templates", "preview", "nope", "--app", "acme"}, want: []string{`"nope"`}},
		{name: "templates preview digest --app", args: []string{"templates", "preview", "digest", "--app", "acme"}, want: []string{"--app", "digest"}},

		// The config file itself.
		{name: "--config names a missing file", raw: true, args: []string{"--config", "{dir}/missing.toml", "apply", "--company", "Globex", "--role", "R"},
			want: []string{"missing.toml"}},
		{name: "--config names a folder", raw: true, args: []string{"--config", "{dir}", "apply", "--company", "Globex", "--role", "R"},
			want: []string{"config"}},
	}

	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s := seeds[c.drafted]
			e := newEnv(t)
			s.copyTo(t, e)
			args := s.expand(t, e, c.args)
			if c.vars != nil {
				e = e.with(c.vars(t, e)...) // $EDITOR: the binary
			} else {
				e = e.inProcess()
			}
			before := s.snap
			before.files = hashFiles(t, e.db, e.db+"-wal")
			if !maps.Equal(before.files, s.snap.files) {
				t.Fatalf("the copied database differs from the seed")
			}
			var out, errOut string
			var code int
			if c.raw {
				out, errOut, code = runRaw(t, e, args...)
			} else {
				out, errOut, code = run(t, e, args...)
			}
			after := snap(t, e)
			sameState(t, before, after)
			checkBad(t, args, out, errOut, code, c.want)
		})
	}
}

// checkBad asserts the shape of a refusal.
func checkBad(t *testing.T, args []string, out, errOut string, code int, want []string) {
	t.Helper()
	if code != 2 {
		t.Errorf("onward %q: exit %d, want 2\nstdout: %s\nstderr: %s", args, code, out, errOut)
	}
	if !strings.HasPrefix(errOut, "onward: ") {
		t.Errorf("onward %q: stderr does not start with \"onward: \": %q", args, errOut)
	}
	for _, w := range want {
		if !strings.Contains(errOut, w) {
			t.Errorf("onward %q: stderr does not name %q:\n%s", args, w, errOut)
		}
	}
	if strings.Contains(errOut, "panic") || strings.Contains(errOut, "goroutine ") {
		t.Errorf("onward %q panicked:\n%s", args, errOut)
	}
	if out != "" {
		t.Errorf("onward %q printed to stdout on a refusal: %q", args, out)
	}
}

// badConfigCase is a config file (or template override) that must be
// refused before anything is written.
type badConfigCase struct {
	name string
	// conf changes the valid base config; text, when set, replaces the file.
	conf func(e *env, c conf)
	text func(e *env) string
	mode os.FileMode // default 0600
	// files are written into the templates folder of the bad config.
	files map[string]string
	args  []string // default: apply a new application
	want  []string // substrings of stderr; {config} and {tpl} are expanded
	// at is the start of the line of the file (the config, or the first
	// of files) that the error must point at as FILE:LINE.
	at string
}

func TestBadConfig(t *testing.T) {
	t.Parallel()
	s := newSeed(t, false)
	smtp := func(e *env, c conf) {
		c.set("delivery", "transport", q("smtp")).set("smtp", "host", q("127.0.0.1")).
			set("smtp", "port", "2525").set("smtp", "security", q("none"))
	}
	tpl := func(src string) map[string]string { return map[string]string{"thank_you.tmpl": src} }
	cases := []badConfigCase{
		{name: "unknown key", conf: func(e *env, c conf) { c.set("schedule", "sendwindow", q("* 9-17 * * *")) },
			at: "sendwindow", want: []string{"schedule.sendwindow", "unknown key"}},
		{name: "unknown section", conf: func(e *env, c conf) { c.set("smpt", "host", q("smtp.example.com")) },
			at: "[smpt]", want: []string{"smpt", "unknown key"}},
		{name: "bad duration", conf: func(e *env, c conf) { c.set("followups", "thank_you", q("3 hours")) },
			at: "thank_you", want: []string{"followups.thank_you", "3 hours"}},
		{name: "negative duration", conf: func(e *env, c conf) { c.set("followups", "let_go", q("-7d")) },
			at: "let_go", want: []string{"followups.let_go", "-7d"}},
		{name: "duration of a century", conf: func(e *env, c conf) { c.set("followups", "stay_in_touch", q("36500d")) },
			at: "stay_in_touch", want: []string{"followups.stay_in_touch"}},
		{name: "bad prep rule", conf: func(e *env, c conf) { c.set("followups", "prep", q("whenever")) },
			at: "prep", want: []string{"followups.prep", "whenever"}},
		{name: "bad quiet_after", conf: func(e *env, c conf) { c.set("followups", "quiet_after", q("soon")) },
			at: "quiet_after", want: []string{"followups.quiet_after", "soon"}},
		{name: "zero quiet_after", conf: func(e *env, c conf) { c.set("followups", "quiet_after", q("0d")) },
			at: "quiet_after", want: []string{"followups.quiet_after", "zero", `""`}},
		{name: "negative max_unanswered_followups", conf: func(e *env, c conf) { c.set("guards", "max_unanswered_followups", "-1") },
			at: "max_unanswered_followups", want: []string{"guards.max_unanswered_followups", "-1", "0 (no limit)"}},
		{name: "max_unanswered_followups as a string", conf: func(e *env, c conf) { c.set("guards", "max_unanswered_followups", q("2")) },
			at: "max_unanswered_followups", want: []string{"guards.max_unanswered_followups"}},
		{name: "one_draft_per_day not a boolean", conf: func(e *env, c conf) { c.set("guards", "one_draft_per_day", q("yes")) },
			at: "one_draft_per_day", want: []string{"guards.one_draft_per_day"}},
		{name: "misspelt guard", conf: func(e *env, c conf) { c.set("guards", "one_draft_a_day", "true") },
			at: "one_draft_a_day", want: []string{"guards.one_draft_a_day", "unknown key", "one_draft_per_day"}},
		{name: "bad give_up_after", conf: func(e *env, c conf) { c.set("delivery", "give_up_after", q("soon")) },
			at: "give_up_after", want: []string{"delivery.give_up_after", "soon"}},
		{name: "unknown stale kind", conf: func(e *env, c conf) { c.set("delivery.stale", "thankyou", q("2d")) },
			at: "thankyou", want: []string{"delivery.stale.thankyou", "thankyou"}},
		{name: "unknown time zone", conf: func(e *env, c conf) { c.set("user", "timezone", q("Mars/Olympus")) },
			at: "timezone", want: []string{"user.timezone", "Mars/Olympus"}},
		{name: "time zone Local", conf: func(e *env, c conf) { c.set("user", "timezone", q("Local")) },
			at: "timezone", want: []string{"user.timezone", "Local"}},
		{name: "security none to a remote host", conf: func(e *env, c conf) {
			smtp(e, c)
			c.set("smtp", "host", q("smtp.example.com"))
		}, at: "security", want: []string{"smtp.security", "smtp.example.com"}},
		{name: "security none to a host named like localhost", conf: func(e *env, c conf) {
			smtp(e, c)
			c.set("smtp", "host", q("localhost.evil.example"))
		}, at: "security", want: []string{"smtp.security", "localhost.evil.example"}},
		{name: "unknown security", conf: func(e *env, c conf) {
			smtp(e, c)
			c.set("smtp", "security", q("ssl"))
		}, at: "security", want: []string{"smtp.security", "ssl"}},
		{name: "smtp without a host", conf: func(e *env, c conf) {
			smtp(e, c)
			c.del("smtp", "host")
		}, want: []string{"smtp.host"}},
		{name: "port out of range", conf: func(e *env, c conf) {
			smtp(e, c)
			c.set("smtp", "port", "70000")
		}, at: "port", want: []string{"smtp.port", "70000"}},
		{name: "port as a string", conf: func(e *env, c conf) { c.set("smtp", "port", q("587")) },
			at: "port", want: []string{"smtp.port"}},
		{name: "two password sources", conf: func(e *env, c conf) {
			smtp(e, c)
			c.set("smtp", "password_env", q("PW")).set("smtp", "password_command", q("echo x"))
		}, want: []string{"smtp.password", "only one"}},
		{name: "username without a password source", conf: func(e *env, c conf) {
			smtp(e, c)
			c.set("smtp", "username", q("alex"))
		}, want: []string{"smtp.username", "password_env"}},
		{name: "inline password in a 0644 file", mode: 0o644, conf: func(e *env, c conf) {
			smtp(e, c)
			c.set("smtp", "username", q("alex")).set("smtp", "password", q(secret))
		}, at: "password", want: []string{"smtp.password", "0644", "chmod 600"}},
		{name: "smtp timeout of zero", conf: func(e *env, c conf) { c.set("smtp", "timeout", q("0s")) },
			at: "timeout", want: []string{"smtp.timeout", "0s"}},
		{name: "bad cron hour", conf: func(e *env, c conf) { c.set("schedule", "send_window", q("* 25 * * *")) },
			at: "send_window", want: []string{"schedule.send_window", "* 25 * * *"}},
		{name: "cron that never matches", conf: func(e *env, c conf) { c.set("schedule", "send_window", q("0 9 30 2 *")) },
			at: "send_window", want: []string{"schedule.send_window", "never"}},
		{name: "cron with one field", conf: func(e *env, c conf) { c.set("digest", "schedule", q("weekly")) },
			at: "schedule", want: []string{"digest.schedule", "weekly"}},
		{name: "cron descriptor", conf: func(e *env, c conf) { c.set("digest", "schedule", q("@weekly")) },
			at: "schedule", want: []string{"digest.schedule", "@weekly"}},
		{name: "cron with a zone prefix", conf: func(e *env, c conf) { c.set("digest", "schedule", q("CRON_TZ=UTC 0 18 * * SUN")) },
			at: "schedule", want: []string{"digest.schedule", "zone"}},
		{name: "bad quiet hours", conf: func(e *env, c conf) { c.set("schedule", "quiet_hours", q("25:00-08:00")) },
			at: "quiet_hours", want: []string{"schedule.quiet_hours", "25:00"}},
		{name: "email with a display name", conf: func(e *env, c conf) { c.set("user", "email", q("Alex <alex@example.com>")) },
			at: "email", want: []string{"user.email"}},
		{name: "email with CRLF", conf: func(e *env, c conf) { c.set("user", "email", q("alex@example.com\r\nBcc: evil@x.example")) },
			at: "email", want: []string{"user.email", "line break"}},
		{name: "empty name", conf: func(e *env, c conf) { c.set("user", "name", q(" ")) },
			at: "name", want: []string{"user.name", "empty"}},
		{name: "unknown transport", conf: func(e *env, c conf) { c.set("delivery", "transport", q("pigeon")) },
			at: "transport", want: []string{"delivery.transport", "pigeon"}},
		{name: "unknown drafts mode", conf: func(e *env, c conf) { c.set("delivery", "drafts", q("fax")) },
			at: "drafts", want: []string{"delivery.drafts", "fax"}},
		{name: "TOML syntax error", text: func(e *env) string { return "[user\nname = \"A\"\n" },
			at: "[user", want: []string{"{config}:1"}},
		{name: "duplicate key", text: func(e *env) string {
			return e.baseConf().String() + "[storage]\ndatabase = \"/elsewhere.db\"\n"
		}, want: []string{"storage"}},
		{name: "not UTF-8", text: func(e *env) string { return "[user]\nname = \"\xff\"\n" },
			want: []string{"{config}", "UTF-8"}},

		// Template overrides, checked before anything is delivered.
		{name: "template syntax error", files: tpl("{{define \"subject\"}}Hi{{end}}\n{{define \"text\"}}\nHello {{.App.Company}} {{ nosuchfunc }}\n{{end}}\n"),
			at: "Hello", want: []string{"nosuchfunc"}},
		{name: "template unclosed action", files: tpl("{{define \"subject\"}}Hi{{end}}\n{{define \"text\"}}\nHello {{.App.Company\n{{end}}\n"),
			want: []string{"{tpl}/thank_you.tmpl:"}},
		{name: "template missing key", files: tpl("{{define \"subject\"}}Hi{{end}}\n{{define \"text\"}}\nDear {{.App.Recruiter.Title}}\n{{end}}\n"),
			at: "Dear", want: []string{"Title"}},
		{name: "template missing text", files: tpl("{{define \"subject\"}}Hi{{end}}\n"),
			want: []string{"{tpl}/thank_you.tmpl", `"text"`}},
		{name: "template text outside define", files: tpl("{{define \"subject\"}}Hi{{end}}\n{{define \"text\"}}x{{end}}\nDear Dana,\n"),
			at: "Dear", want: []string{"outside"}},
		{name: "template subject with a line break", files: tpl("{{define \"subject\"}}Hi\nBcc: evil@x.example{{end}}\n{{define \"text\"}}x{{end}}\n"),
			want: []string{"{tpl}/thank_you.tmpl", "subject", "line break"}},
		{name: "template file with a misspelt name", files: map[string]string{"thankyou.tmpl": "{{define \"subject\"}}x{{end}}"},
			want: []string{"{tpl}/thankyou.tmpl", "unknown template file"}},
	}

	// The config is loaded before the database is opened, so the refusal
	// must leave an existing database as it was and must not create a
	// missing one. Template cases run flush, which would otherwise draft
	// the seed's due thank-you.
	runBadConfigCases(t, s, cases)
}
