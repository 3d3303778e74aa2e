package main

import (
	"maps"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
)

// completions runs the binary's completion for args and returns the
// candidates, failing unless the last line is the directive directive.
func completions(t *testing.T, e *env, directive string, args ...string) []string {
	t.Helper()
	out, errOut, code := run(t, e, append([]string{"__complete"}, args...)...)
	if code != 0 {
		t.Fatalf("__complete %q: exit %d: %s", args, code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if last := lines[len(lines)-1]; last != directive {
		t.Errorf("__complete %q: directive %q, want %q (no file names)\n%s", args, last, directive, out)
	}
	return lines[:len(lines)-1]
}

func hasCandidate(got []string, want string) bool {
	for _, g := range got {
		if g == want || strings.HasPrefix(g, want+"\t") {
			return true
		}
	}
	return false
}

// TestCompletion: Tab completes applications (ids and companies), draft
// ids, kinds, statuses, stages, tags and zones from the database, read
// only: not a byte of it changes.
func TestCompletion(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme := apply(t, e, "--company", "Acme", "--role", "SRE", "--recruiter", "Dana <dana@acme.example>")
	must(t, e, "interview", "acme", "--at", ago(2*time.Hour))
	apply(t, e, "--company", "Globex", "--role", "Platform Engineer", "--recruiter", "Ray <ray@globex.example>")
	must(t, e, "reject", "globex", "--at", ago(48*time.Hour))
	must(t, e, "log", "globex", "explain the caching layer better", "--tag", "system-design")
	must(t, e, "flush")
	var draft int64
	for _, m := range messages(t, e, "--status", "drafted") {
		draft = m.ID
	}
	if draft == 0 {
		t.Fatal("no draft to complete")
	}
	before := hashFiles(t, e.db, e.db+"-wal")
	// A reader of a WAL database may create an empty -wal beside it, as
	// any SQLite reader does; what it holds must not change.
	if _, ok := before["onward.db-wal"]; !ok {
		before["onward.db-wal"] = emptySHA256
	}

	const noFiles = ":4"
	apps := completions(t, e, noFiles, "interview", "")
	for _, want := range []string{acme + "\tAcme — SRE (interviewing)", "Acme", "Globex"} {
		if !hasCandidate(apps, want) {
			t.Errorf("interview <TAB> does not offer %q: %q", want, apps)
		}
	}
	for _, cmd := range []string{"show", "undo", "delete", "edit", "log"} {
		if got := completions(t, e, noFiles, cmd, ""); !hasCandidate(got, "Acme") {
			t.Errorf("%s <TAB> = %q, want Acme", cmd, got)
		}
	}
	if got := completions(t, e, noFiles, "lessons", "delete", ""); len(got) != 1 || !strings.Contains(got[0], "\texplain the caching layer") {
		t.Errorf("lessons delete <TAB> = %q, want the one lesson", got)
	}
	if got := completions(t, e, noFiles, "reject", "glo"); !hasCandidate(got, "Globex") || hasCandidate(got, "Acme") {
		t.Errorf("reject glo<TAB> = %q", got)
	}
	if got := completions(t, e, noFiles, "interview", "acme", ""); len(got) != 0 {
		t.Errorf("a second argument is offered %q", got)
	}
	if got := completions(t, e, noFiles, "messages", "--app", ""); !hasCandidate(got, "Acme") {
		t.Errorf("messages --app <TAB> = %q", got)
	}
	if got := completions(t, e, noFiles, "drafts", "send", ""); !hasCandidate(got, strconv.FormatInt(draft, 10)) {
		t.Errorf("drafts send <TAB> = %q, want draft %d", got, draft)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"templates", "show", ""}, "thank_you"},
		{[]string{"templates", "preview", "rej"}, "rejection_notice"},
		{[]string{"messages", "--status", ""}, "drafted"},
		{[]string{"status", "--stage", ""}, "interviewing"},
		{[]string{"lessons", "--tag", ""}, "system-design"},
	} {
		if got := completions(t, e, noFiles, tc.args...); !hasCandidate(got, tc.want) {
			t.Errorf("%q <TAB> = %q, want %q", tc.args, got, tc.want)
		}
	}
	if _, err := os.Stat("/usr/share/zoneinfo/America/New_York"); err == nil {
		if got := completions(t, e, noFiles, "apply", "--recruiter-tz", "America/New_Y"); !hasCandidate(got, "America/New_York") {
			t.Errorf("apply --recruiter-tz America/New_Y<TAB> = %q", got)
		}
	}
	if got := completions(t, e, noFiles, "status", ""); len(got) != 0 {
		t.Errorf("status takes no argument, yet <TAB> offers %q", got)
	}
	after := hashFiles(t, e.db, e.db+"-wal")
	if _, ok := after["onward.db-wal"]; !ok {
		after["onward.db-wal"] = emptySHA256
	}
	if !maps.Equal(before, after) {
		t.Errorf("completion changed the database:\nbefore %v\nafter  %v", before, after)
	}
}

// TestCompletionFailsSilently: with no database yet, or a config that does
// not load, completion offers nothing, says nothing and creates nothing.
func TestCompletionFailsSilently(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	if got := completions(t, e, ":4", "interview", ""); len(got) != 0 {
		t.Errorf("offered %q without a database", got)
	}
	if exists(e.db) {
		t.Error("completion created the database")
	}
	writeFile(t, e.config, "[user]\nnmae = 1\n", 0o600)
	out, errOut, code := run(t, e, "__complete", "drafts", "show", "")
	if code != 0 || strings.TrimSpace(out) != ":4" || strings.Contains(errOut, "nmae") {
		t.Errorf("a broken config: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if exists(filepath.Dir(e.db)) && exists(e.db) {
		t.Error("completion created the database")
	}
}

// TestCompletionOfCommandsAddedLater: a command added under lessons or
// drafts with an ID argument, or anywhere with APP, gets its completion
// from its Use line, with no code of its own.
func TestCompletionOfCommandsAddedLater(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	apply(t, e, "--company", "Acme", "--role", "SRE")
	must(t, e, "log", "acme", "Bring two numbers to the design round")
	var ls []struct {
		ID int64 `json:"id"`
	}
	mustJSON(t, e, &ls, "lessons", "--json")
	if len(ls) != 1 {
		t.Fatalf("lessons: %+v", ls)
	}
	a := &app{now: time.Now}
	defer a.close()
	root := a.rootCommand()
	a.configFlag = e.config // after rootCommand, whose --config flag sets it to ""
	later := map[string]*cobra.Command{}
	for _, c := range root.Commands() {
		switch c.Name() {
		case "lessons":
			later["lessons"] = &cobra.Command{Use: "forget ID", Run: func(*cobra.Command, []string) {}}
			c.AddCommand(later["lessons"])
		}
	}
	later["root"] = &cobra.Command{Use: "story APP", Run: func(*cobra.Command, []string) {}}
	root.AddCommand(later["root"])
	a.addCompletions(root)
	for name, want := range map[string]string{"lessons": strconv.FormatInt(ls[0].ID, 10) + "\tBring two numbers", "root": "Acme"} {
		c := later[name]
		if c.ValidArgsFunction == nil {
			t.Fatalf("%s: no completion", c.Use)
		}
		got, dir := c.ValidArgsFunction(c, nil, "")
		found := false
		for _, g := range got {
			found = found || strings.HasPrefix(g, want)
		}
		if !found || dir != cobra.ShellCompDirectiveNoFileComp {
			t.Errorf("%s <TAB> = %q (%d), want %q", c.Use, got, dir, want)
		}
	}
}
