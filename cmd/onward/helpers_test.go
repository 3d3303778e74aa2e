package main

// Helpers for the end-to-end tests in cli_test.go and badinput_test.go.
// They build the real binary once and run it as a user would, each test
// in a folder of its own with its own config, database and outbox, and a
// HOME and XDG folders inside that folder so nothing touches the real home.
// A test that checks one command's output and exit code can instead run
// Main in this process (env.inProcess): the same code without a build or
// a fork per command.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
	"time"
)

// binary is the onward binary built by TestMain.
var binary string

func TestMain(m *testing.M) {
	os.Exit(buildAndRun(m))
}

func buildAndRun(m *testing.M) int {
	dir, err := os.MkdirTemp("", "onward-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e: temp dir:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	// The build comes first: under the home below, go would find neither
	// the build cache nor the module cache and compile SQLite afresh.
	binary = filepath.Join(dir, "onward")
	build := exec.Command("go", "build", "-o", binary, ".")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: the onward binary does not build: %v\n%s", err, out)
		return 1
	}
	// Main run in this process reads this process's environment: a home
	// of its own, so no in-process run reaches the real one.
	for k, v := range map[string]string{"HOME": "home", "XDG_CONFIG_HOME": "xdg/config", "XDG_DATA_HOME": "xdg/data"} {
		os.Setenv(k, filepath.Join(dir, v))
	}
	os.Unsetenv("ONWARD_CONFIG")
	os.Unsetenv("VISUAL")
	os.Setenv("EDITOR", "false")
	return m.Run()
}

// cmdTimeout bounds one run of the binary; a command waiting on a
// terminal (an editor, a prompt) fails the test instead of hanging it.
const cmdTimeout = 30 * time.Second

// env is one test's world: a folder holding the config, the database, the
// outbox, the templates folder and a fake home.
type env struct {
	dir    string
	config string // the config file passed with --config
	db     string
	outbox string
	tpl    string // [templates] dir
	vars   []string
	// base counts the variables newEnv set; those after it came from with.
	base int
	// inProc runs Main in the test process instead of the binary.
	inProc bool
}

// conf is a config file as section → key → raw TOML value. Sections and
// keys are written sorted, so line numbers are predictable.
type conf map[string]map[string]string

func (c conf) set(section, key, raw string) conf {
	if c[section] == nil {
		c[section] = map[string]string{}
	}
	c[section][key] = raw
	return c
}

func (c conf) del(section, key string) conf {
	delete(c[section], key)
	return c
}

// String renders the config as TOML.
func (c conf) String() string {
	var b strings.Builder
	b.WriteString("# written by the onward e2e tests\n")
	sections := make([]string, 0, len(c))
	for s := range c {
		sections = append(sections, s)
	}
	slices.Sort(sections)
	for _, s := range sections {
		fmt.Fprintf(&b, "\n[%s]\n", s)
		keys := make([]string, 0, len(c[s]))
		for k := range c[s] {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			fmt.Fprintf(&b, "%s = %s\n", k, c[s][k])
		}
	}
	return b.String()
}

// q quotes s as a TOML basic string.
func q(s string) string {
	b, _ := json.Marshal(s) // JSON string escapes are valid TOML escapes here
	return string(b)
}

// newEnv makes a fresh world with a valid config. Send windows, quiet
// hours and the digest are off, so what is due does not depend on the
// hour at which the tests run; so is the check for silence after applying
// (followups.no_reply), so applying plans nothing unless a test asks.
func newEnv(t *testing.T) *env {
	t.Helper()
	dir := t.TempDir()
	e := &env{
		dir:    dir,
		config: filepath.Join(dir, "config.toml"),
		db:     filepath.Join(dir, "data", "onward.db"),
		outbox: filepath.Join(dir, "outbox"),
		tpl:    filepath.Join(dir, "templates"),
	}
	for _, d := range []string{"home", "xdg/config", "xdg/data", "tmp"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	e.vars = []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + filepath.Join(dir, "home"),
		"XDG_CONFIG_HOME=" + filepath.Join(dir, "xdg/config"),
		"XDG_DATA_HOME=" + filepath.Join(dir, "xdg/data"),
		"TMPDIR=" + filepath.Join(dir, "tmp"),
		"LANG=C.UTF-8",
		// An editor that never waits on a terminal; tests that edit set
		// their own.
		"EDITOR=false",
	}
	e.base = len(e.vars)
	e.writeConfig(t, e.config, e.baseConf(), 0o600)
	return e
}

// inProcess returns a copy of e whose commands run Main in the test
// process. That is the binary's code with the same args, stdin (empty),
// stdout and stderr, so it is equivalent for a command whose config is
// named with --config and names every path, and that needs no process of
// its own: no signal, no kill, no umask, no $EDITOR. Main reads the test
// process's environment, not e.vars: a variable added with e.with must
// already be set there (t.Setenv in a test that is not parallel).
func (e *env) inProcess() *env {
	c := *e
	c.inProc = true
	return &c
}

// baseConf is the valid config every test starts from.
func (e *env) baseConf() conf {
	c := conf{}
	c.set("user", "name", q("Alex Tester")).
		set("user", "email", q("alex@example.com")).
		set("user", "timezone", q("Europe/Berlin")).
		set("storage", "database", q(e.db)).
		set("delivery", "transport", q("outbox")).
		set("delivery", "outbox", q(e.outbox)).
		set("schedule", "send_window", q("")).
		set("schedule", "quiet_hours", q("")).
		set("digest", "schedule", q("")).
		set("followups", "no_reply", q("")).
		set("templates", "dir", q(e.tpl))
	return c
}

func (e *env) writeConfig(t *testing.T, path string, c conf, mode os.FileMode) {
	t.Helper()
	writeFile(t, path, c.String(), mode)
}

func writeFile(t *testing.T, path, content string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	// WriteFile keeps the mode of an existing file and obeys the umask.
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
}

// with returns a copy of the environment with extra variables.
func (e *env) with(vars ...string) *env {
	c := *e
	c.vars = append(slices.Clip(e.vars), vars...)
	return &c
}

// run runs onward with --config pointing at the test's config.
func run(t *testing.T, e *env, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	return runRaw(t, e, append([]string{"--config", e.config}, args...)...)
}

// runRaw runs onward with exactly args.
func runRaw(t *testing.T, e *env, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	stdout, stderr, code, err := runE(e, args...)
	if err != nil {
		t.Fatal(err)
	}
	return stdout, stderr, code
}

// runE runs onward with exactly args; err is set when it could not run or
// did not finish in time. Safe to call from any goroutine.
func runE(e *env, args ...string) (stdout, stderr string, code int, err error) {
	if e.inProc {
		return mainE(e, args...)
	}
	ctx, cancel := context.WithTimeout(context.Background(), cmdTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Dir = e.dir
	cmd.Env = e.vars
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee) && ctx.Err() == nil:
		code, err = ee.ExitCode(), nil
	default:
		err = fmt.Errorf("onward %s: %v (stderr: %s)", strings.Join(args, " "), err, errb.String())
	}
	return out.String(), errb.String(), code, err
}

// mainE is runE for an in-process env: Main in a goroutine, bounded by
// cmdTimeout like the binary, with a panic turned into an error so one
// case cannot take the whole test binary down.
func mainE(e *env, args ...string) (stdout, stderr string, code int, err error) {
	cmdline := strings.Join(args, " ")
	for _, kv := range e.vars[e.base:] {
		k, v, _ := strings.Cut(kv, "=")
		if os.Getenv(k) != v {
			return "", "", 0, fmt.Errorf("onward %s in process: Main would not see %s=%q; run the binary or t.Setenv it", cmdline, k, v)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), cmdTimeout)
	defer cancel()
	var out, errb bytes.Buffer
	type result struct {
		code  int
		panic string
	}
	done := make(chan result, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- result{panic: fmt.Sprintf("%v\n%s", r, debug.Stack())}
			}
		}()
		done <- result{code: Main(ctx, args, strings.NewReader(""), &out, &errb)}
	}()
	select {
	case r := <-done:
		if r.panic != "" {
			return "", "", 0, fmt.Errorf("onward %s in process: panic: %s", cmdline, r.panic)
		}
		return out.String(), errb.String(), r.code, nil
	case <-time.After(cmdTimeout + 5*time.Second):
		return "", "", 0, fmt.Errorf("onward %s in process: Main did not return within %v", cmdline, cmdTimeout)
	}
}

// must runs onward and fails the test unless it exits 0.
func must(t *testing.T, e *env, args ...string) string {
	t.Helper()
	out, errOut, code := run(t, e, args...)
	if code != 0 {
		t.Fatalf("onward %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, out, errOut)
	}
	return out
}

// mustJSON runs onward and decodes its stdout into v.
func mustJSON(t *testing.T, e *env, v any, args ...string) {
	t.Helper()
	out := must(t, e, args...)
	if err := json.Unmarshal([]byte(out), v); err != nil {
		t.Fatalf("onward %s: stdout is not JSON: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// message is a row of `messages --json`.
type message struct {
	ID            int64   `json:"id"`
	ApplicationID *int64  `json:"application_id"`
	Kind          string  `json:"kind"`
	Audience      string  `json:"audience"`
	To            string  `json:"to"`
	Subject       string  `json:"subject"`
	Status        string  `json:"status"`
	DueAt         *string `json:"due_at"`
	SentAt        *string `json:"sent_at"`
	Attempts      int     `json:"attempts"`
	LastError     string  `json:"last_error"`
	MessageID     string  `json:"message_id"`
}

func messages(t *testing.T, e *env, args ...string) []message {
	t.Helper()
	var ms []message
	mustJSON(t, e, &ms, append([]string{"messages", "--json"}, args...)...)
	return ms
}

// byKind returns the messages of kind.
func byKind(ms []message, kind string) []message {
	var out []message
	for _, m := range ms {
		if m.Kind == kind {
			out = append(out, m)
		}
	}
	return out
}

// one returns the single message of kind, failing the test otherwise.
func one(t *testing.T, ms []message, kind string) message {
	t.Helper()
	got := byKind(ms, kind)
	if len(got) != 1 {
		t.Fatalf("want exactly one %s message, got %d: %+v", kind, len(got), ms)
	}
	return got[0]
}

// apply records an application and returns its id as printed.
func apply(t *testing.T, e *env, args ...string) string {
	t.Helper()
	return strings.TrimSpace(must(t, e, append([]string{"apply"}, args...)...))
}

// ago formats a time d before now as RFC 3339, for --at.
func ago(d time.Duration) string {
	return time.Now().Add(-d).UTC().Format(time.RFC3339)
}

// snapshot is what the user can see of the state, and the bytes behind it.
type snapshot struct {
	files    map[string]string // base name → sha256, for the db and its -wal
	messages string
	status   string
	lessons  string
}

// snap records the database files' hashes and the JSON views of them.
// The files are hashed first: the views only read.
func snap(t *testing.T, e *env) snapshot {
	t.Helper()
	s := snapshot{files: hashFiles(t, e.db, e.db+"-wal")}
	if _, ok := s.files[filepath.Base(e.db)]; !ok {
		return s // no database: nothing to show, and nothing to create
	}
	s.messages = must(t, e, "messages", "--json")
	s.status = must(t, e, "status", "--json")
	s.lessons = must(t, e, "lessons", "--json")
	return s
}

func hashFiles(t *testing.T, paths ...string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		out[filepath.Base(p)] = hex.EncodeToString(sum[:])
	}
	return out
}

// sameState fails the test if anything the user can see, or any byte of
// the database, changed between a and b.
func sameState(t *testing.T, before, after snapshot) {
	t.Helper()
	if !maps.Equal(before.files, after.files) {
		t.Errorf("database files changed:\nbefore %v\nafter  %v", before.files, after.files)
	}
	for _, c := range []struct{ what, a, b string }{
		{"messages --json", before.messages, after.messages},
		{"status --json", before.status, after.status},
		{"lessons --json", before.lessons, after.lessons},
	} {
		if c.a != c.b {
			t.Errorf("%s changed:\nbefore: %s\nafter:  %s", c.what, c.a, c.b)
		}
	}
}

// exists reports whether path exists.
func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// lineOf returns the 1-based line of the first line of text starting with
// prefix, or fails the test.
func lineOf(t *testing.T, text, prefix string) int {
	t.Helper()
	for i, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, prefix) {
			return i + 1
		}
	}
	t.Fatalf("no line starting with %q in:\n%s", prefix, text)
	return 0
}

// editorScript writes an executable shell script for $EDITOR; it is run as
// `script FILE`.
func editorScript(t *testing.T, e *env, name, body string) string {
	t.Helper()
	path := filepath.Join(e.dir, name)
	writeFile(t, path, "#!/bin/sh\n"+body+"\n", 0o700)
	return path
}
