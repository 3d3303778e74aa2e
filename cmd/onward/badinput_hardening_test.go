package main

// More hostile input, through Main in process (the binary where $EDITOR
// is set), with the promise of badinput_test.go: exit 2, an error that names the problem, and the
// database byte for byte as it was. These are the inputs an attacker or
// a bad paste would try: CR, LF and NUL where they can arrive (argv
// cannot carry a NUL, so a NUL comes through the config file, a template
// or a draft edited in $EDITOR), display-name tricks, quoted local parts,
// internationalised and look-alike domains, a megabyte of text, invalid
// UTF-8, zones that are paths, durations that are zero, negative or
// absurd, cron specs that make robfig/cron panic, templates that loop,
// call functions that do not exist or read keys that do not exist.

import (
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// runBadCases is TestBadInput's loop, for more cases.
func runBadCases(t *testing.T, seeds map[bool]*seed, cases []badCase) {
	t.Helper()
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
			out, errOut, code := run(t, e, args...)
			sameState(t, before, snap(t, e))
			checkBad(t, args, out, errOut, code, c.want)
		})
	}
}

// runBadConfigCases runs config and template cases through Main in process,
// each with and without an existing database: exit 2, the problem named
// (with file and line where given), no password shown, nothing written.
func runBadConfigCases(t *testing.T, s *seed, cases []badConfigCase) {
	t.Helper()
	for _, c := range cases {
		for _, withDB := range []bool{true, false} {
			name := c.name + "/no database"
			if withDB {
				name = c.name + "/database"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				e := newEnv(t).inProcess()
				if withDB {
					s.copyTo(t, e)
				}
				bad := filepath.Join(e.dir, "bad.toml")
				badTpl := filepath.Join(e.dir, "badtpl")
				cf := e.baseConf().set("templates", "dir", q(badTpl))
				text := ""
				if c.text != nil {
					text = c.text(e)
				} else {
					if c.conf != nil {
						c.conf(e, cf)
					}
					text = cf.String()
				}
				mode := c.mode
				if mode == 0 {
					mode = 0o600
				}
				writeFile(t, bad, text, mode)
				atFile, atText := bad, text
				for _, name := range slices.Sorted(maps.Keys(c.files)) {
					writeFile(t, filepath.Join(badTpl, name), c.files[name], 0o600)
					atFile, atText = filepath.Join(badTpl, name), c.files[name]
				}
				args := c.args
				if args == nil {
					args = []string{"apply", "--company", "Globex", "--role", "R"}
					if c.files != nil {
						args = []string{"flush"}
					}
				}
				want := slices.Clone(c.want)
				for i := range want {
					want[i] = strings.NewReplacer("{config}", bad, "{tpl}", badTpl).Replace(want[i])
				}
				if c.at != "" {
					want = append(want, atFile+":"+strconv.Itoa(lineOf(t, atText, c.at)))
				}
				before := snapshot{files: hashFiles(t, e.db, e.db+"-wal")}
				if withDB {
					before = s.snap
				}
				full := append([]string{"--config", bad}, args...)
				out, errOut, code := runRaw(t, e, full...)
				if strings.Contains(out+errOut, secret) {
					t.Errorf("the password appears in the output:\n%s%s", out, errOut)
				}
				sameState(t, before, snap(t, e))
				if !withDB {
					for _, p := range []string{e.db, e.outbox} {
						if exists(p) {
							t.Errorf("a refused config created %s", p)
						}
					}
				}
				checkBad(t, full, out, errOut, code, want)
			})
		}
	}
}

func TestHostileInput(t *testing.T) {
	t.Parallel()
	seeds := map[bool]*seed{false: newSeed(t, false), true: newSeed(t, true)}
	editor := func(name, body string) func(t *testing.T, e *env) []string {
		return func(t *testing.T, e *env) []string {
			return []string{"EDITOR=" + editorScript(t, e, name, body)}
		}
	}
	applyWith := func(flag, value string) []string {
		return []string{"apply", "--company", "Globex", "--role", "R", flag, value}
	}
	huge := strings.Repeat("n", 120_000) // argv takes at most 128 KiB in one argument
	cases := []badCase{
		// CR, LF, NUL and other control characters.
		{name: "CR in --notes", args: applyWith("--notes", "fine\rBcc: evil@x.example"), want: []string{"notes", "control character"}},
		{name: "CR in reject --note", args: []string{"reject", "acorn", "--note", "went\rwith another"}, want: []string{"note", "control character"}},
		{name: "CR in a lesson", args: []string{"log", "acme", "a\rb"}, want: []string{"lesson", "control character"}},
		{name: "LF in --recruiter-tz", args: applyWith("--recruiter-tz", "Europe/Berlin\nX"), want: []string{"recruiter-tz", `"Europe/Berlin\nX"`}},
		{name: "CR in edit --company", args: []string{"edit", "acme", "--company", "Ac\rme"}, want: []string{"company", "line break"}},
		{name: "CRLF in edit --recruiter", args: []string{"edit", "acme", "--recruiter", "Dana\r\nBcc: evil@x.example <dana@acme.example>"}, want: []string{"recruiter"}},
		{name: "CRLF in a --tag", args: []string{"log", "acme", "a lesson", "--tag", "a\r\nb"}, want: []string{"tag"}},
		{name: "CRLF in a quoted local part", args: applyWith("--recruiter", "\"dana\r\nBcc: evil\"@acme.example"), want: []string{"recruiter", "line"}},
		{name: "DEL in --role", args: []string{"apply", "--company", "Globex", "--role", "Dev\x7f"}, want: []string{"role", "control character"}},
		{name: "terminal escape in a lesson", args: []string{"log", "acme", "\x1b[2J\x1b[Hwiped"}, want: []string{"lesson", "control character"}},
		{name: "NUL in an edited draft", drafted: true, args: []string{"drafts", "edit", "{thank_you}"},
			vars: editor("nul.sh", `printf 'Subject: Hi\n\nHello\000world\n' > "$1"`), want: []string{"text", "NUL"}},
		{name: "NUL in an edited draft's subject", drafted: true, args: []string{"drafts", "edit", "{thank_you}"},
			vars: editor("nulsubj.sh", `printf 'Subject: Hi\000Bcc: evil@x.example\n\nHello\n' > "$1"`), want: []string{"subject", "control character"}},

		// Display-name tricks: the name shows one address, the mail goes to another.
		{name: "display name that is another address", args: applyWith("--recruiter", `"dana@acme.example" <evil@x.example>`), want: []string{"recruiter", "evil@x.example"}},
		{name: "comment that is another address", args: applyWith("--recruiter", "dana@acme.example (evil@x.example)"), want: []string{"recruiter"}},
		{name: "encoded word that is another address", args: applyWith("--recruiter", "=?utf-8?q?dana=40acme.example?= <evil@x.example>"), want: []string{"recruiter"}},
		{name: "quoted name hiding an angle address", args: applyWith("--recruiter", `"Dana\" <dana@acme.example>" <evil@x.example>`), want: []string{"recruiter"}},
		{name: "right-to-left override in the name", args: applyWith("--recruiter", "Dana\u202eReyes <dana@acme.example>"), want: []string{"recruiter"}},
		{name: "zero-width space in the name", args: applyWith("--recruiter", "Dana\u200b <dana@acme.example>"), want: []string{"recruiter"}},
		{name: "two angle addresses", args: applyWith("--recruiter", "Dana <dana@acme.example> <evil@x.example>"), want: []string{"recruiter"}},
		{name: "edit to a name showing another address", args: []string{"edit", "acme", "--recruiter", `"boss@acme.example" <evil@x.example>`}, want: []string{"recruiter"}},

		// Quoted local parts.
		{name: "quoted local part hiding a second address", args: applyWith("--recruiter", `"evil@x.example"@acme.example`), want: []string{"recruiter"}},
		{name: "unterminated quoted local part", args: applyWith("--recruiter", `"dana@acme.example`), want: []string{"recruiter"}},

		// Internationalised, look-alike and malformed domains.
		{name: "domain mixing Latin and Cyrillic", args: applyWith("--recruiter", "dana@\u0430cme.example"), want: []string{"recruiter"}},
		{name: "IDN label starting with a hyphen", args: applyWith("--recruiter", "dana@-b\u00fccher.example"), want: []string{"recruiter"}},
		{name: "IDN domain with an empty label", args: applyWith("--recruiter", "dana@b\u00fccher..example"), want: []string{"recruiter"}},
		{name: "line separator in a domain", args: applyWith("--recruiter", "dana@a\u2028b.example"), want: []string{"recruiter"}},
		{name: "line separator in a company", args: applyWith("--company", "Acme\u2028Bcc: evil@x.example"), want: []string{"company", "control character"}},
		{name: "right-to-left override in a role", args: applyWith("--role", "SRE\u202egnp.exe"), want: []string{"role", "control character"}},
		{name: "domain label of 64 bytes", args: applyWith("--recruiter", "dana@"+strings.Repeat("a", 64)+".example"), want: []string{"recruiter"}},
		{name: "space in a domain", args: applyWith("--recruiter", "dana@b\u00fc cher.example"), want: []string{"recruiter"}},

		// A megabyte of text (argv stops at 128 KiB; the editor does not).
		{name: "120 KB of --notes", args: applyWith("--notes", huge), want: []string{"notes", "10000"}},
		{name: "120 KB lesson", args: []string{"log", "acme", huge}, want: []string{"lesson", "10000"}},
		{name: "1 MB edited draft", drafted: true, args: []string{"drafts", "edit", "{thank_you}"},
			vars: editor("huge.sh", `{ printf 'Subject: Hi\n\n'; head -c 1048576 /dev/zero | tr '\000' x; } > "$1"`), want: []string{"text", "10000"}},

		// Invalid UTF-8.
		{name: "invalid UTF-8 in --url", args: applyWith("--url", "https://x.example/\xff"), want: []string{"url", "UTF-8"}},
		{name: "invalid UTF-8 in edit --notes", args: []string{"edit", "acme", "--notes", "\xff\xfe"}, want: []string{"notes", "UTF-8"}},
		{name: "invalid UTF-8 in --recruiter-tz", args: applyWith("--recruiter-tz", "\xff"), want: []string{"recruiter-tz"}},
		{name: "invalid UTF-8 in a --tag", args: []string{"log", "acme", "a lesson", "--tag", "\xff"}, want: []string{"tag"}},
		{name: "invalid UTF-8 in an edited subject", drafted: true, args: []string{"drafts", "edit", "{thank_you}"},
			vars: editor("badsubj.sh", `printf 'Subject: Hi \377\n\nHello\n' > "$1"`), want: []string{"subject", "UTF-8"}},

		// Zones that are not IANA names.
		{name: "zone that is a relative path", args: applyWith("--recruiter-tz", "../../../etc/passwd"), want: []string{"recruiter-tz", "../../../etc/passwd"}},
		{name: "zone that is an absolute path", args: applyWith("--recruiter-tz", "/etc/localtime"), want: []string{"recruiter-tz", "/etc/localtime"}},
		{name: "zone in the wrong case", args: applyWith("--recruiter-tz", "europe/berlin"), want: []string{"recruiter-tz", "europe/berlin"}},
		{name: "zone as an offset", args: applyWith("--recruiter-tz", "UTC+2"), want: []string{"recruiter-tz", "UTC+2"}},
		{name: "zone past the last offset", args: applyWith("--recruiter-tz", "Etc/GMT+25"), want: []string{"recruiter-tz", "Etc/GMT+25"}},

		// Durations.
		{name: "--duration that overflows", args: []string{"interview", "acme", "--duration", "9999999999h"}, want: []string{"--duration", "9999999999h"}},
		{name: "--duration NaN", args: []string{"interview", "acme", "--duration", "NaN"}, want: []string{"--duration", "NaN"}},
		{name: "--duration in exponent form", args: []string{"interview", "acme", "--duration", "1e3h"}, want: []string{"--duration", "1e3h"}},
		{name: "--duration of -30m", args: []string{"interview", "acme", "--duration", "-30m"}, want: []string{"--duration", "-30m"}},
		{name: "patterns --since 99999d", args: []string{"patterns", "--since", "99999d"}, want: []string{"--since", "longer than a year"}},

		// Links that are not web pages.
		{name: "javascript: URL", args: applyWith("--url", "javascript:alert(1)"), want: []string{"url", "javascript:alert(1)"}},
		{name: "file: URL", args: applyWith("--url", "file:///etc/passwd"), want: []string{"url", "file:///etc/passwd"}},
		{name: "URL without a host", args: applyWith("--url", "https://"), want: []string{"url"}},
	}
	runBadCases(t, seeds, cases)
}

func TestHostileConfig(t *testing.T) {
	t.Parallel()
	s := newSeed(t, false)
	smtpNone := func(host string) func(e *env, c conf) {
		return func(e *env, c conf) {
			c.set("delivery", "transport", q("smtp")).set("smtp", "host", q(host)).set("smtp", "port", "2525").set("smtp", "security", q("none"))
		}
	}
	smtpWith := func(key, raw string) func(e *env, c conf) {
		return func(e *env, c conf) {
			smtpNone("127.0.0.1")(e, c)
			c.set("smtp", key, raw)
		}
	}
	tpl := func(src string) map[string]string { return map[string]string{"learn.tmpl": src} }
	text := func(body string) string {
		return "{{define \"subject\"}}Hi{{end}}\n{{define \"text\"}}\n" + body + "\n{{end}}\n"
	}
	var chain strings.Builder
	for i := range 40 {
		chain.WriteString("{{define \"l" + strconv.Itoa(i) + "\"}}{{template \"l" + strconv.Itoa(i+1) + "\" .}}{{template \"l" + strconv.Itoa(i+1) + "\" .}}{{end}}\n")
	}
	chain.WriteString("{{define \"l40\"}}{{end}}\n")
	cases := []badConfigCase{
		// Cron specs: the first three make robfig/cron panic.
		{name: "cron CRON_TZ= without a space", conf: func(e *env, c conf) { c.set("digest", "schedule", q("CRON_TZ=UTC")) },
			at: "schedule", want: []string{"digest.schedule", "zone"}},
		{name: "cron TZ= without a space", conf: func(e *env, c conf) { c.set("schedule", "send_window", q("TZ=Europe/Berlin")) },
			at: "send_window", want: []string{"schedule.send_window", "zone"}},
		{name: "cron TZ= alone", conf: func(e *env, c conf) { c.set("digest", "schedule", q("TZ=")) },
			at: "schedule", want: []string{"digest.schedule"}},
		{name: "cron step of zero", conf: func(e *env, c conf) { c.set("digest", "schedule", q("*/0 * * * *")) },
			at: "schedule", want: []string{"digest.schedule", "*/0"}},
		{name: "cron step past int64", conf: func(e *env, c conf) { c.set("digest", "schedule", q("0 0 1-31/100000000000000000000 * *")) },
			at: "schedule", want: []string{"digest.schedule"}},
		{name: "cron minute 60", conf: func(e *env, c conf) { c.set("digest", "schedule", q("60 * * * *")) },
			at: "schedule", want: []string{"digest.schedule", "60"}},
		{name: "cron with six fields", conf: func(e *env, c conf) { c.set("schedule", "send_window", q("* * * * * *")) },
			at: "send_window", want: []string{"schedule.send_window", "5 fields"}},
		{name: "cron @every", conf: func(e *env, c conf) { c.set("digest", "schedule", q("@every 1s")) },
			at: "schedule", want: []string{"digest.schedule", "@every 1s"}},

		// Zones.
		{name: "zone that is a path", conf: func(e *env, c conf) { c.set("user", "timezone", q("../../../etc/passwd")) },
			at: "timezone", want: []string{"user.timezone", "../../../etc/passwd"}},
		{name: "zone that is an absolute path", conf: func(e *env, c conf) { c.set("user", "timezone", q("/etc/localtime")) },
			at: "timezone", want: []string{"user.timezone"}},
		{name: "zone with a line break", conf: func(e *env, c conf) { c.set("user", "timezone", q("Europe/Berlin\n")) },
			at: "timezone", want: []string{"user.timezone"}},

		// Durations: zero, negative, absurd.
		{name: "delay of 99999999h", conf: func(e *env, c conf) { c.set("followups", "thank_you", q("99999999h")) },
			at: "thank_you", want: []string{"followups.thank_you", "too long"}},
		{name: "delay with a fraction", conf: func(e *env, c conf) { c.set("followups", "learn", q("1.5d")) },
			at: "learn", want: []string{"followups.learn", "1.5d"}},
		{name: "delay with a minus inside", conf: func(e *env, c conf) { c.set("followups", "let_go", q("1d-1h")) },
			at: "let_go", want: []string{"followups.let_go", "1d-1h"}},
		{name: "stale limit of zero", conf: func(e *env, c conf) { c.set("delivery.stale", "thank_you", q("0d")) },
			at: "thank_you", want: []string{"delivery.stale.thank_you", "zero"}},
		{name: "negative stale limit", conf: func(e *env, c conf) { c.set("delivery.stale", "learn", q("-3d")) },
			at: "learn", want: []string{"delivery.stale.learn", "negative"}},
		{name: "give_up_after of zero", conf: func(e *env, c conf) { c.set("delivery", "give_up_after", q("0s")) },
			at: "give_up_after", want: []string{"delivery.give_up_after", "zero"}},
		{name: "negative smtp timeout", conf: func(e *env, c conf) { c.set("smtp", "timeout", q("-5s")) },
			at: "timeout", want: []string{"smtp.timeout", "-5s"}},
		{name: "smtp timeout of 1000h", conf: func(e *env, c conf) { c.set("smtp", "timeout", q("1000h")) },
			at: "timeout", want: []string{"smtp.timeout", "1000h"}},
		{name: "smtp send_timeout of zero", conf: func(e *env, c conf) { c.set("smtp", "send_timeout", q("0s")) },
			at: "send_timeout", want: []string{"smtp.send_timeout", "0s"}},
		{name: "smtp send_timeout shorter than timeout", conf: func(e *env, c conf) {
			c.set("smtp", "timeout", q("1m"))
			c.set("smtp", "send_timeout", q("10s"))
		}, at: "send_timeout", want: []string{"smtp.send_timeout", "shorter than smtp.timeout"}},
		{name: "max_per_minute of zero", conf: smtpWith("max_per_minute", "0"), at: "max_per_minute", want: []string{"smtp.max_per_minute"}},
		{name: "negative max_per_minute", conf: smtpWith("max_per_minute", "-1"), at: "max_per_minute", want: []string{"smtp.max_per_minute"}},
		{name: "absurd max_per_minute", conf: smtpWith("max_per_minute", "10001"), at: "max_per_minute", want: []string{"smtp.max_per_minute"}},

		// NUL and tricks in the user's own name and address.
		{name: "NUL in user.name", conf: func(e *env, c conf) { c.set("user", "name", q("Alex\x00Bcc: evil@x.example")) },
			at: "name", want: []string{"user.name", "NUL"}},
		{name: "NUL in user.email", conf: func(e *env, c conf) { c.set("user", "email", q("alex@example.com\x00")) },
			at: "email", want: []string{"user.email", "NUL"}},
		{name: "user.name showing another address", conf: func(e *env, c conf) { c.set("user", "name", q("Alex <boss@example.com>")) },
			at: "name", want: []string{"user.name", "boss@example.com"}},
		{name: "right-to-left override in user.name", conf: func(e *env, c conf) { c.set("user", "name", q("Alex\u202eEvil")) },
			at: "name", want: []string{"user.name", "U+202E"}},
		{name: "look-alike user.email", conf: func(e *env, c conf) { c.set("user", "email", q("alex@ex\u0430mple.com")) },
			at: "email", want: []string{"user.email", "mixes"}},
		{name: "NUL in storage.database", conf: func(e *env, c conf) { c.set("storage", "database", q(e.db+"\x00.other")) },
			at: "database", want: []string{"storage.database", "NUL"}},
		{name: "NUL in templates.dir", conf: func(e *env, c conf) { c.set("templates", "dir", q(e.tpl+"\x00")) },
			at: "dir", want: []string{"templates.dir", "NUL"}},

		// TLS cannot be weakened by accident.
		{name: "insecure_skip_verify", conf: smtpWith("insecure_skip_verify", "true"), at: "insecure_skip_verify", want: []string{"smtp.insecure_skip_verify", "unknown key"}},
		{name: "a [smtp.tls] table", conf: func(e *env, c conf) {
			smtpNone("127.0.0.1")(e, c)
			c.set("smtp.tls", "verify", "false")
		}, at: "[smtp.tls]", want: []string{"smtp.tls", "unknown key"}},
		{name: "security none to a private address", conf: smtpNone("10.0.0.1"), at: "security", want: []string{"smtp.security", "10.0.0.1"}},
		{name: "security none to 0.0.0.0", conf: smtpNone("0.0.0.0"), at: "security", want: []string{"smtp.security", "0.0.0.0"}},
		{name: "security none to localhost.", conf: smtpNone("localhost."), at: "security", want: []string{"smtp.security", "localhost."}},
		{name: "security none to an IPv4-mapped address", conf: smtpNone("::ffff:192.0.2.1"), at: "security", want: []string{"smtp.security", "192.0.2.1"}},
		{name: "security NONE in capitals", conf: func(e *env, c conf) { smtpNone("127.0.0.1")(e, c); c.set("smtp", "security", q("NONE")) },
			at: "security", want: []string{"smtp.security", "NONE"}},

		// A file too big to be a config.
		{name: "config of more than 1 MiB", text: func(e *env) string {
			return e.baseConf().String() + "# " + strings.Repeat("x", 1<<20) + "\n"
		}, want: []string{"{config}", "1 MiB"}},

		// Templates that loop, call what does not exist, read what is not there.
		{name: "template ranging over 1e12", files: tpl(text("{{range 1000000000000}}{{end}}x")), want: []string{"{tpl}/learn.tmpl", "loops more than"}},
		{name: "template calling itself", files: tpl(text("{{template \"text\" .}}")), want: []string{"{tpl}/learn.tmpl", "depth"}},
		{name: "templates doubling forty deep", files: tpl(text("{{template \"l0\" .}}") + chain.String()), want: []string{"{tpl}/learn.tmpl", "loops more than"}},
		{name: "template writing without end", files: tpl(text("{{range 100000}}{{printf \"%0999999d\" 0}}{{end}}")), want: []string{"{tpl}/learn.tmpl", "writes more than"}},
		{name: "template calling a missing function", files: tpl(text("Hello {{upper .App.Company}}")), at: "Hello", want: []string{"upper", "not defined"}},
		{name: "template reading a missing key in a range", files: map[string]string{"let_go.tmpl": text("x{{range .Lessons}}{{.Title}}{{end}}")},
			want: []string{"{tpl}/let_go.tmpl", "Title"}},
		{name: "template indexing past the end", files: tpl(text("{{index .Lessons 99}}")), want: []string{"{tpl}/learn.tmpl", "index"}},
		{name: "template with a NUL byte", files: tpl(text("Hello\x00there")), want: []string{"{tpl}/learn.tmpl", "NUL"}},
		{name: "HTML part ending inside an attribute", files: tpl(text("x") + "{{define \"html\"}}<a href='{{.App.URL}}{{end}}\n"),
			want: []string{"{tpl}/learn.tmpl"}},
	}
	runBadConfigCases(t, s, cases)
}
