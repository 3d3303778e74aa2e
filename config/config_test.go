package config_test

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/onward-app/onward"

	"github.com/onward-app/onward/config"
)

// writeConfig writes body to a config file in a fresh folder with the
// given mode (0600 when zero) and returns its path.
func writeConfig(t *testing.T, body string, perm os.FileMode) string {
	t.Helper()
	if perm == 0 {
		perm = 0o600
	}
	path := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(path, []byte(body), perm); err != nil {
		t.Fatal(err)
	}
	// WriteFile's mode is filtered by the umask; set it exactly.
	if err := os.Chmod(path, perm); err != nil {
		t.Fatal(err)
	}
	return path
}

// configErrors flattens a joined error into its *config.Error parts.
func configErrors(err error) []*config.Error {
	var out []*config.Error
	var walk func(error)
	walk = func(e error) {
		if e == nil {
			return
		}
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			for _, x := range j.Unwrap() {
				walk(x)
			}
			return
		}
		var ce *config.Error
		if errors.As(e, &ce) {
			out = append(out, ce)
		}
	}
	walk(err)
	return out
}

type wantErr struct {
	line int    // 0: the error carries no line
	key  string // "" : the error names no key
	msg  string // a fragment of the message
}

func TestLoadBadFiles(t *testing.T) {
	t.Parallel()
	const smtp = "[delivery]\ntransport = \"smtp\"\n\n[smtp]\n" // [smtp] keys start on line 5
	tests := []struct {
		name string
		body string
		perm os.FileMode
		want []wantErr
	}{
		{"unknown top-level key", "# comment\nfoo = 1\n",
			0, []wantErr{{2, "foo", "unknown key"}}},
		{"unknown key in a table", "[user]\nname = \"A\"\nbogus = 1\n",
			0, []wantErr{{3, "user.bogus", "unknown key"}}},
		{"unknown table", "[user]\nname = \"A\"\n\n[bogus]\nx = 1\n",
			0, []wantErr{{4, "bogus", "unknown key"}}},
		{"unknown key in a sub-table", "[delivery.stale]\nthank_you = \"2d\"\n\n[digest]\nschedul = \"0 18 * * SUN\"\n",
			0, []wantErr{{5, "digest.schedul", "unknown key"}}},
		{"bad duration in followups", "[followups]\nthank_you = \"3h\"\nstatus_check = \"1 week\"\n",
			0, []wantErr{{3, "followups.status_check", `"1 week"`}}},
		{"negative duration in followups", "[followups]\nlet_go = \"-7d\"\n",
			0, []wantErr{{2, "followups.let_go", "negative"}}},
		{"too long a delay", "[followups]\n\nstay_in_touch = \"4000d\"\n",
			0, []wantErr{{3, "followups.stay_in_touch", "longer than a year"}}},
		{"bad give_up_after", "[delivery]\ngive_up_after = \"forever\"\n",
			0, []wantErr{{2, "delivery.give_up_after", `"forever"`}}},
		{"unknown time zone", "[user]\ntimezone = \"Mars/Olympus\"\n",
			0, []wantErr{{2, "user.timezone", `unknown time zone "Mars/Olympus"`}}},
		{"Local time zone", "[user]\ntimezone = \"Local\"\n",
			0, []wantErr{{2, "user.timezone", `"Local" is not a time zone`}}},
		{"bad cron in send_window", "[schedule]\nsend_window = \"* 9-17 * *\"\n",
			0, []wantErr{{2, "schedule.send_window", "five fields"}}},
		{"zone prefix in send_window", "[schedule]\nsend_window = \"CRON_TZ=UTC * 9-17 * * *\"\n",
			0, []wantErr{{2, "schedule.send_window", "zone prefix"}}},
		{"bad cron in digest.schedule", "[digest]\nschedule = \"@weekly\"\n",
			0, []wantErr{{2, "digest.schedule", "@weekly"}}},
		{"digest that never fires", "[digest]\nschedule = \"0 18 31 2 *\"\n",
			0, []wantErr{{2, "digest.schedule", "never matches"}}},
		{"bad quiet_hours", "[schedule]\nquiet_hours = \"21-8\"\n",
			0, []wantErr{{2, "schedule.quiet_hours", `"21-8"`}}},
		{"empty quiet_hours span", "[schedule]\nquiet_hours = \"08:00-08:00\"\n",
			0, []wantErr{{2, "schedule.quiet_hours", "the same"}}},
		{"malformed user.email", "[user]\nemail = \"alex.example.com\"\n",
			0, []wantErr{{2, "user.email", `"alex.example.com" is not a plain email address`}}},
		{"display name in user.email", "[user]\nemail = \"Alex <alex@example.com>\"\n",
			0, []wantErr{{2, "user.email", "not a plain email address"}}},
		{"two addresses in user.email", "[user]\nemail = \"a@example.com, b@example.com\"\n",
			0, []wantErr{{2, "user.email", "not a plain email address"}}},
		{"line break in user.email", "[user]\nemail = \"a@example.com\\r\\nBcc: x@evil.example\"\n",
			0, []wantErr{{2, "user.email", "line break"}}},
		{"CR/LF in user.name", "[user]\nname = \"Alex\\r\\nBcc: x@evil.example\"\n",
			0, []wantErr{{2, "user.name", "line break"}}},
		{"NUL in user.name", "[user]\nname = \"Alex\\u0000\"\n",
			0, []wantErr{{2, "user.name", "NUL"}}},
		{"blank user.name", "[user]\nname = \"  \"\n",
			0, []wantErr{{2, "user.name", "must not be empty"}}},
		{"empty storage.database", "[storage]\ndatabase = \"\"\n",
			0, []wantErr{{2, "storage.database", "must not be empty"}}},
		{"transport smtpp", "[delivery]\ntransport = \"smtpp\"\n",
			0, []wantErr{{2, "delivery.transport", `"smtpp" is not one of`}}},
		{"outbox transport without a folder", "[delivery]\ntransport = \"outbox\"\noutbox = \"\"\n",
			0, []wantErr{{3, "delivery.outbox", "must name a folder"}}},
		{"drafts imap (not supported yet)", "[delivery]\ndrafts = \"imap\"\n",
			0, []wantErr{{2, "delivery.drafts", `"imap"`}}},
		{"security none to a remote host", smtp + "host = \"smtp.example.com\"\nsecurity = \"none\"\n",
			0, []wantErr{{6, "smtp.security", `clear text; it is allowed only to a loopback host (localhost, 127.0.0.1, ::1), not "smtp.example.com"`}}},
		{"unknown security", smtp + "host = \"smtp.example.com\"\nsecurity = \"ssl\"\n",
			0, []wantErr{{6, "smtp.security", `"ssl" is not one of`}}},
		{"smtp without host points at the [smtp] table", smtp + "port = 587\n",
			0, []wantErr{{4, "smtp.host", "must be set"}}},
		{"port 0", smtp + "host = \"smtp.example.com\"\nport = 0\n",
			0, []wantErr{{6, "smtp.port", "0 is not a port"}}},
		{"port 70000", smtp + "host = \"smtp.example.com\"\nport = 70000\n",
			0, []wantErr{{6, "smtp.port", "70000 is not a port"}}},
		{"max_per_minute 0", smtp + "host = \"smtp.example.com\"\nmax_per_minute = 0\n",
			0, []wantErr{{6, "smtp.max_per_minute", "not between 1 and 10000"}}},
		{"bad smtp timeout", smtp + "host = \"smtp.example.com\"\ntimeout = \"1h\"\n",
			0, []wantErr{{6, "smtp.timeout", `"1h"`}}},
		{"bad smtp send_timeout", smtp + "host = \"smtp.example.com\"\nsend_timeout = \"forever\"\n",
			0, []wantErr{{6, "smtp.send_timeout", `"forever" is not a duration`}}},
		{"smtp send_timeout over an hour", smtp + "host = \"smtp.example.com\"\nsend_timeout = \"2h\"\n",
			0, []wantErr{{6, "smtp.send_timeout", `"2h"`}}},
		{"smtp send_timeout shorter than timeout", smtp + "host = \"smtp.example.com\"\ntimeout = \"1m\"\nsend_timeout = \"30s\"\n",
			0, []wantErr{{7, "smtp.send_timeout", "shorter than smtp.timeout (1m)"}}},
		{"inline password in a 0644 file", smtp + "host = \"smtp.example.com\"\nusername = \"a@example.com\"\npassword = \"hunter2\"\n",
			0o644, []wantErr{{7, "smtp.password", "chmod 600"}}},
		{"inline password in a 0640 file", smtp + "host = \"smtp.example.com\"\nusername = \"a@example.com\"\npassword = \"hunter2\"\n",
			0o640, []wantErr{{7, "smtp.password", "mode 0640"}}},
		{"unknown [delivery.stale] kind", "[delivery.stale]\nthank_you = \"2d\"\nthankyou = \"1d\"\n",
			0, []wantErr{{3, "delivery.stale.thankyou", `unknown message kind "thankyou"`}}},
		{"bad [delivery.stale] duration", "[delivery.stale]\nlearn = \"soon\"\n",
			0, []wantErr{{2, "delivery.stale.learn", `"soon"`}}},
		{"wrong TOML type", smtp + "host = \"smtp.example.com\"\nport = \"587\"\n",
			0, []wantErr{{6, "smtp.port", "cannot decode TOML string"}}},
		{"auto_interview not a bool", "[imap]\nauto_interview = \"yes\"\n",
			0, []wantErr{{2, "imap.auto_interview", "cannot decode TOML string"}}},
		{"auto_interview misspelt", "[imap]\nauto_interviews = true\n",
			0, []wantErr{{2, "imap.auto_interviews", "did you mean imap.auto_interview?"}}},
		{"wrong TOML type for a table", "user = \"alex\"\n",
			0, []wantErr{{1, "user", ""}}},
		{"TOML syntax error", "[user]\nname = \"Alex\nemail = \"a@example.com\"\n",
			0, []wantErr{{2, "", "new lines"}}},
		{"unclosed table header", "[user]\nname = \"A\"\n\n[smtp\nport = 1\n",
			0, []wantErr{{4, "", "]"}}},
		// go-toml names the key without its table here.
		{"duplicate key", "[user]\nname = \"A\"\nname = \"B\"\n",
			0, []wantErr{{3, "name", "already defined"}}},
		{"invalid UTF-8", "[user]\nname = \"\xff\xfe\"\n",
			0, []wantErr{{0, "", "not valid UTF-8"}}},
		{"several problems, all reported",
			"[user]\nemail = \"nope\"\ntimezone = \"Mars/Base\"\n\n[followups]\nlet_go = \"7x\"\n\n[schedule]\nquiet_hours = \"late\"\n",
			0, []wantErr{
				{2, "user.email", "nope"},
				{3, "user.timezone", "Mars/Base"},
				{6, "followups.let_go", "7x"},
				{9, "schedule.quiet_hours", "late"},
			}},
		{"several unknown keys, all reported", "[user]\nbogus = 1\n\n[smtp]\nbogus2 = 2\n",
			0, []wantErr{{2, "user.bogus", "unknown key"}, {5, "smtp.bogus2", "unknown key"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := writeConfig(t, tt.body, tt.perm)
			c, err := config.Load(path, true)
			if err == nil {
				t.Fatalf("Load succeeded (%+v), want an error", c)
			}
			if c != nil {
				t.Errorf("Load returned a config with its error")
			}
			parts := configErrors(err)
			if len(parts) != len(tt.want) {
				t.Errorf("got %d errors, want %d:\n%v", len(parts), len(tt.want), err)
			}
			for _, w := range tt.want {
				if !hasConfigError(parts, path, w) {
					t.Errorf("no error at line %d, key %q, mentioning %q; got:\n%v", w.line, w.key, w.msg, err)
				}
			}
			// The printed form names file, line and key, in that order.
			for _, w := range tt.want {
				prefix := "config: " + path
				if w.line > 0 {
					prefix += fmt.Sprintf(":%d", w.line)
				}
				prefix += ": "
				if w.key != "" {
					prefix += w.key + ": "
				}
				if !strings.Contains(err.Error(), prefix) {
					t.Errorf("error text does not contain %q:\n%v", prefix, err)
				}
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error shows the inline password:\n%v", err)
			}
		})
	}
}

func hasConfigError(parts []*config.Error, path string, w wantErr) bool {
	for _, p := range parts {
		if p.File == path && p.Line == w.line && p.Key == w.key && strings.Contains(p.Msg, w.msg) {
			return true
		}
	}
	return false
}

// Two errors about the password name a key that is not in the file, so
// they carry no line number, unlike every other problem in the file.
func TestLoadPasswordSourceErrorsPointAtALine(t *testing.T) {
	t.Parallel()
	const smtp = "[delivery]\ntransport = \"smtp\"\n\n[smtp]\nhost = \"smtp.example.com\"\n"
	tests := []struct {
		name string
		body string
	}{
		{"username without a password source", smtp + "username = \"a@example.com\"\n"},
		{"two password sources", smtp + "password_env = \"X\"\npassword_file = \"/run/secret\"\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeConfig(t, tt.body, 0)
			_, err := config.Load(path, true)
			parts := configErrors(err)
			if len(parts) != 1 {
				t.Fatalf("want one error, got %v", err)
			}
			if parts[0].Line < 6 {
				t.Errorf("error has line %d, want the line of a key that is in the file: %v", parts[0].Line, err)
			}
		})
	}
}

func TestLoadPasswordSourceErrors(t *testing.T) {
	t.Parallel()
	const smtp = "[delivery]\ntransport = \"smtp\"\n\n[smtp]\nhost = \"smtp.example.com\"\n"
	tests := []struct {
		name, body, key, msg string
	}{
		{"username without a password source", smtp + "username = \"a@example.com\"\n",
			"smtp.username", "is set but no password source is"},
		{"two password sources", smtp + "password_env = \"X\"\npassword_file = \"/run/secret\"\n",
			"smtp.password_file", "set only one of password_env, password_file"},
		{"inline password and a command", smtp + "password = \"hunter2\"\npassword_command = \"pass show x\"\n",
			"smtp.password_command", "set only one of password, password_command"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := writeConfig(t, tt.body, 0)
			_, err := config.Load(path, true)
			if err == nil {
				t.Fatal("Load succeeded, want an error")
			}
			parts := configErrors(err)
			if len(parts) != 1 || parts[0].File != path || parts[0].Key != tt.key || !strings.Contains(parts[0].Msg, tt.msg) {
				t.Errorf("got %v, want one error on %s mentioning %q", err, tt.key, tt.msg)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error shows the password: %v", err)
			}
		})
	}
}

func TestLoadGoodFiles(t *testing.T) {
	t.Parallel()
	const smtp = "[delivery]\ntransport = \"smtp\"\n\n[smtp]\n"
	tests := []struct {
		name  string
		body  string
		perm  os.FileMode
		check func(t *testing.T, c *config.Config)
	}{
		{"empty file: defaults", "", 0, func(t *testing.T, c *config.Config) {
			if c.Delivery.Transport != "outbox" || c.Delay("thank_you").Clock != 3*time.Hour {
				t.Errorf("empty file did not give defaults: %+v", c.Delivery)
			}
		}},
		{"security none to 127.0.0.1", smtp + "host = \"127.0.0.1\"\nport = 2525\nsecurity = \"none\"\n", 0, nil},
		{"security none to localhost", smtp + "host = \"localhost\"\nport = 2525\nsecurity = \"none\"\n", 0, nil},
		{"security none to [::1]", smtp + "host = \"[::1]\"\nport = 2525\nsecurity = \"none\"\n", 0, nil},
		{"inline password in a 0600 file", smtp + "host = \"smtp.example.com\"\nusername = \"a@example.com\"\npassword = \"hunter2\"\n", 0o600,
			func(t *testing.T, c *config.Config) {
				if c.SMTP.PasswordSource() != "inline in the config file" {
					t.Errorf("PasswordSource = %q", c.SMTP.PasswordSource())
				}
			}},
		{"inline password in a 0400 file", smtp + "host = \"smtp.example.com\"\npassword = \"hunter2\"\n", 0o400, nil},
		{"username with password_command", smtp + "host = \"smtp.example.com\"\nusername = \"a@example.com\"\npassword_command = \"pass show mail\"\n", 0, nil},
		{"empty send window and digest switch them off", "[schedule]\nsend_window = \"\"\nquiet_hours = \"\"\n[digest]\nschedule = \"\"\n", 0,
			func(t *testing.T, c *config.Config) {
				if !c.SendWindow().IsZero() || !c.DigestSpec().IsZero() || c.Quiet().String() != "" {
					t.Errorf("window %q, digest %q, quiet %q: want all off", c.SendWindow(), c.DigestSpec(), c.Quiet())
				}
			}},
		{"limits in business days", "[followups]\nno_reply = \"10bd\"\n[delivery]\ngive_up_after = \"2bd\"\n", 0,
			func(t *testing.T, c *config.Config) {
				if d := c.Delay("no_reply"); d.BusinessDays != 10 || d.Days != 0 {
					t.Errorf("no_reply = %+v, want 10 business days", d)
				}
			}},
		{"parsed values are reachable", "[user]\ntimezone = \"America/New_York\"\n[followups]\nthank_you = \"90m\"\nlet_go = \"2w\"\n[delivery.stale]\nlet_go = \"1d\"\n[schedule]\nsend_window = \"*/5 8-18 * * MON-FRI\"\nquiet_hours = \"22:30-07:15\"\n[smtp]\ntimeout = \"45s\"\n", 0,
			func(t *testing.T, c *config.Config) {
				if c.Location().String() != "America/New_York" {
					t.Errorf("Location = %v", c.Location())
				}
				if d := c.Delay("thank_you"); d.Clock != 90*time.Minute || d.Days != 0 {
					t.Errorf("thank_you = %+v", d)
				}
				if d := c.Delay("let_go"); d.Days != 14 {
					t.Errorf("let_go = %+v", d)
				}
				if d, ok := c.Stale("let_go"); !ok || d.Days != 1 {
					t.Errorf("Stale(let_go) = %+v, %v", d, ok)
				}
				if _, ok := c.Stale("status_check"); ok {
					t.Errorf("status_check should never be stale")
				}
				if c.SendWindow().String() != "*/5 8-18 * * MON-FRI" || c.Quiet().String() != "22:30-07:15" {
					t.Errorf("window %q quiet %q", c.SendWindow(), c.Quiet())
				}
				if c.SMTPTimeout() != 45*time.Second {
					t.Errorf("SMTPTimeout = %v", c.SMTPTimeout())
				}
				if d := c.Delays(); d[onward.LetGo].Days != 14 {
					t.Errorf("Delays does not carry the config: %+v", d)
				}
			}},
		// A header line in a TOML comment is just a comment.
		{"comments with odd content", "# name = \"\\r\\n\"\n[user] # the person\nname = \"Alex\" # trailing\n", 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := writeConfig(t, tt.body, tt.perm)
			c, err := config.Load(path, true)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if c.Path != path {
				t.Errorf("Path = %q, want %q", c.Path, path)
			}
			if tt.check != nil {
				tt.check(t, c)
			}
		})
	}
}

func TestLoadMissingFile(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	path := filepath.Join(t.TempDir(), "nope", "config.toml")

	c, err := config.Load(path, false)
	if err != nil {
		t.Fatalf("Load(missing, explicit=false): %v", err)
	}
	if c.Path != "" {
		t.Errorf("defaults have Path %q, want empty", c.Path)
	}
	if c.Delivery.Transport != "outbox" || c.Delivery.Outbox == "" {
		t.Errorf("defaults do not write to an outbox: %+v", c.Delivery)
	}
	if c.Delay("status_check").BusinessDays != 5 || c.DigestSpec().IsZero() || c.SendWindow().IsZero() {
		t.Errorf("defaults are not parsed: status_check %+v, digest %q, window %q", c.Delay("status_check"), c.DigestSpec(), c.SendWindow())
	}

	_, err = config.Load(path, true)
	if err == nil {
		t.Fatal("Load(missing, explicit=true) succeeded, want an error")
	}
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), path) {
		t.Errorf("error %v should wrap fs.ErrNotExist and name %s", err, path)
	}
}

func TestLoadRefusesHugeFile(t *testing.T) {
	t.Parallel()
	body := "# " + strings.Repeat("x", 1<<20) + "\n"
	path := writeConfig(t, body, 0)
	_, err := config.Load(path, true)
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "1 MiB") {
		t.Errorf("Load(2 MiB file) = %v, want an error naming the file and the limit", err)
	}
}

func TestDefaultValidates(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	c := config.Default()
	if err := c.Validate(); err != nil {
		t.Fatalf("Default().Validate(): %v", err)
	}
	if !strings.HasPrefix(c.Storage.Database, os.Getenv("XDG_DATA_HOME")) {
		t.Errorf("database %q is not under $XDG_DATA_HOME", c.Storage.Database)
	}
}

// config.example.toml is the reference for every key; it must load, and
// its values must be the built-in defaults it claims to show.
func TestExampleConfigLoadsAndShowsTheDefaults(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", "")
	t.Setenv("XDG_DATA_HOME", "")
	path := filepath.Join("..", "config.example.toml")
	c, err := config.Load(path, true)
	if err != nil {
		t.Fatalf("config.example.toml: %v", err)
	}
	if c.Location().String() != "Europe/Berlin" {
		t.Errorf("example zone = %v", c.Location())
	}
	d := config.Default()
	if err := d.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, kind := range onward.FollowupKinds() {
		if c.Delay(kind) != d.Delay(kind) {
			t.Errorf("example followups.%s = %v, default %v", kind, c.Delay(kind), d.Delay(kind))
		}
	}
	for kind, v := range d.StaleLimits() {
		if got, ok := c.Stale(kind); !ok || got != v {
			t.Errorf("example delivery.stale.%s = %v (%v), default %v", kind, got, ok, v)
		}
	}
	if len(c.StaleLimits()) != len(d.StaleLimits()) {
		t.Errorf("example stale kinds %v, defaults %v", c.StaleLimits(), d.StaleLimits())
	}
	checks := []struct{ name, example, def string }{
		{"send_window", c.SendWindow().String(), d.SendWindow().String()},
		{"quiet_hours", c.Quiet().String(), d.Quiet().String()},
		{"digest.schedule", c.DigestSpec().String(), d.DigestSpec().String()},
		{"give_up_after", c.GiveUpAfter().String(), d.GiveUpAfter().String()},
		{"transport", c.Delivery.Transport, d.Delivery.Transport},
		{"drafts", c.Delivery.Drafts, d.Delivery.Drafts},
		{"database", c.Storage.Database, d.Storage.Database},
		{"outbox", c.Delivery.Outbox, d.Delivery.Outbox},
		{"templates.dir", c.Templates.Dir, d.Templates.Dir},
		{"smtp.port", fmt.Sprint(c.SMTP.Port), fmt.Sprint(d.SMTP.Port)},
		{"smtp.security", c.SMTP.Security, d.SMTP.Security},
		{"smtp.max_per_minute", fmt.Sprint(c.SMTP.MaxPerMinute), fmt.Sprint(d.SMTP.MaxPerMinute)},
		{"smtp.timeout", c.SMTP.Timeout, d.SMTP.Timeout},
		{"smtp.send_timeout", c.SMTPSendTimeout().String(), d.SMTPSendTimeout().String()},
		{"followups.prep", fmt.Sprint(c.Prep()), fmt.Sprint(d.Prep())},
		{"followups.quiet_after", c.QuietAfter().String(), d.QuietAfter().String()},
		{"guards.max_unanswered_followups", fmt.Sprint(c.Guards.MaxUnansweredFollowups), fmt.Sprint(d.Guards.MaxUnansweredFollowups)},
		{"guards.one_draft_per_day", fmt.Sprint(c.Guards.OneDraftPerDay), fmt.Sprint(d.Guards.OneDraftPerDay)},
	}
	for _, ch := range checks {
		if ch.example != ch.def {
			t.Errorf("example %s = %q, built-in default %q", ch.name, ch.example, ch.def)
		}
	}
	if !strings.HasPrefix(c.Storage.Database, home) {
		t.Errorf("~ in storage.database was not expanded: %q", c.Storage.Database)
	}
	// The example's SMTP section must itself be valid if the user switches
	// transport to smtp.
	body, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	smtp := strings.Replace(string(body), `transport = "outbox"`, `transport = "smtp"`, 1)
	if smtp == string(body) {
		t.Fatal(`the example no longer has transport = "outbox"`)
	}
	if _, err := config.Load(writeConfig(t, smtp, 0o600), true); err != nil {
		t.Errorf("the example with transport = \"smtp\": %v", err)
	}
}

func TestMasked(t *testing.T) {
	t.Parallel()
	c := config.Default()
	c.SMTP.Password = "hunter2"
	m := c.Masked()
	if m.SMTP.Password == "hunter2" || m.SMTP.Password == "" {
		t.Errorf("Masked password = %q", m.SMTP.Password)
	}
	for _, format := range []string{"%v", "%+v", "%#v"} {
		if s := fmt.Sprintf(format, m); strings.Contains(s, "hunter2") {
			t.Errorf("%s of the masked config shows the password", format)
		}
	}
	if c.SMTP.Password != "hunter2" {
		t.Errorf("Masked changed the original: %q", c.SMTP.Password)
	}
	if m.SMTP.Host != c.SMTP.Host || !reflect.DeepEqual(m.User, c.User) {
		t.Errorf("Masked changed other fields")
	}

	none := config.Default()
	none.SMTP.PasswordEnv = "ONWARD_SMTP_PASSWORD"
	if got := none.Masked(); got.SMTP.Password != "" || got.SMTP.PasswordEnv != "ONWARD_SMTP_PASSWORD" {
		t.Errorf("Masked without an inline password = %+v", got.SMTP)
	}
}

func TestFind(t *testing.T) {
	home := t.TempDir()
	xdg := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", xdg)
	tests := []struct {
		name, flag, env string
		want            string
		explicit        bool
	}{
		{"flag wins over the environment", "/etc/onward.toml", "/env/onward.toml", "/etc/onward.toml", true},
		{"flag with ~", "~/my.toml", "", filepath.Join(home, "my.toml"), true},
		{"environment", "", "/env/onward.toml", "/env/onward.toml", true},
		{"environment with ~", "", "~/env.toml", filepath.Join(home, "env.toml"), true},
		{"default under XDG_CONFIG_HOME", "", "", filepath.Join(xdg, "onward", "config.toml"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("ONWARD_CONFIG", tt.env)
			path, explicit := config.Find(tt.flag)
			if path != tt.want || explicit != tt.explicit {
				t.Errorf("Find(%q) with ONWARD_CONFIG=%q = %q, %v; want %q, %v", tt.flag, tt.env, path, explicit, tt.want, tt.explicit)
			}
		})
	}
	t.Run("default under ~/.config without XDG_CONFIG_HOME", func(t *testing.T) {
		t.Setenv("XDG_CONFIG_HOME", "")
		t.Setenv("ONWARD_CONFIG", "")
		path, explicit := config.Find("")
		if want := filepath.Join(home, ".config", "onward", "config.toml"); path != want || explicit {
			t.Errorf("Find = %q, %v; want %q, false", path, explicit, want)
		}
		if path != config.DefaultPath() {
			t.Errorf("Find = %q, DefaultPath = %q", path, config.DefaultPath())
		}
	})
}

func TestLoadLocation(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{"", "Local", "Mars/Olympus", "Europe/Berlin\n", "../../etc/passwd"} {
		if _, err := config.LoadLocation(bad); err == nil {
			t.Errorf("LoadLocation(%q) succeeded", bad)
		} else if !strings.Contains(err.Error(), "IANA") {
			t.Errorf("LoadLocation(%q) error %q does not say what to use", bad, err)
		}
	}
	if loc, err := config.LoadLocation("Europe/Berlin"); err != nil || loc.String() != "Europe/Berlin" {
		t.Errorf("LoadLocation(Europe/Berlin) = %v, %v", loc, err)
	}

}

// A TOML mistake on the password line must not echo the password back.
func TestLoadErrorsNeverShowTheInlinePassword(t *testing.T) {
	t.Parallel()
	for _, body := range []string{
		"[smtp]\npassword = hunter2\n",
		"[smtp]\npassword = \"hunter2\n",
		"[smtp]\npassword = \"hunter2\\q\"\n",
		"[smtp]\npassword = 'hunter2\n",
		"[smtp]\npassword = [\"hunter2\"]\n",
		"[smtp]\npassword = \"hunter2\"\npassword = \"hunter2\"\n",
		"[smtp]\npassword \"hunter2\"\n",
		"[smtp]\npassword = \"hunter2\" \"x\"\n",
	} {
		path := writeConfig(t, body, 0o600)
		_, err := config.Load(path, true)
		if err == nil {
			t.Errorf("Load(%q) succeeded", body)
			continue
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("Load(%q) error shows the password: %v", body, err)
		}
		if !strings.Contains(err.Error(), path+":2") && !strings.Contains(err.Error(), path+":3") {
			t.Errorf("Load(%q) error does not point at the line: %v", body, err)
		}
	}
}

// The permission check on an inline password only runs when transport is
// "smtp"; with the default outbox transport a world-readable file holding
// a password loads without a word, although config.example.toml says an
// inline password "works only if this file is readable by you alone".
func TestLoadRefusesWorldReadableInlinePasswordWhateverTheTransport(t *testing.T) {
	t.Parallel()
	path := writeConfig(t, "[smtp]\nhost = \"smtp.example.com\"\npassword = \"hunter2\"\n", 0o644)
	_, err := config.Load(path, true)
	if err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("Load(0644 file with an inline password) = %v, want the chmod 600 error", err)
	}
}

// An unknown key stops Load before validation, so the other problems of
// the same file only show up on the next run.
func TestLoadReportsUnknownKeysAndBadValuesTogether(t *testing.T) {
	t.Parallel()
	path := writeConfig(t, "[user]\ntimezone = \"Mars/Base\"\nnmae = \"A\"\n", 0)
	_, err := config.Load(path, true)
	parts := configErrors(err)
	if !hasConfigError(parts, path, wantErr{3, "user.nmae", "unknown key"}) || !hasConfigError(parts, path, wantErr{2, "user.timezone", "Mars/Base"}) {
		t.Errorf("want both the unknown key and the bad zone reported, got:\n%v", err)
	}
}

// TestUnknownKeySuggestsTheClosest: a misspelt key, or one in the wrong
// table, is answered with the key that was meant.
func TestUnknownKeySuggestsTheClosest(t *testing.T) {
	t.Parallel()
	tests := []struct{ file, key, want string }{
		{"[smtp]\npasword_env = \"X\"\n", "smtp.pasword_env", "did you mean smtp.password_env?"},
		{"[schedule]\ntimezone = \"Europe/Berlin\"\n", "schedule.timezone", "did you mean user.timezone?"},
		{"[schedule]\nquiet_hour = \"22:00-07:00\"\n", "schedule.quiet_hour", "did you mean schedule.quiet_hours?"},
		{"[followups]\nthankyou = \"2h\"\n", "followups.thankyou", "did you mean followups.thank_you?"},
		{"[imap]\nsent_mailbox = \"Sent\"\ncolour = \"red\"\n", "imap.colour", "see config.example.toml"},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "config.toml")
			if err := os.WriteFile(path, []byte(tt.file), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := config.Load(path, true)
			if err == nil {
				t.Fatal("loaded a config with an unknown key")
			}
			if !strings.Contains(err.Error(), tt.key+": ") || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not name %s with %q", err, tt.key, tt.want)
			}
		})
	}
}
