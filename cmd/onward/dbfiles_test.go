package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A database file with two names (a hard link) is refused by every
// command and by the daemon, under either name, with the reason and the
// way out, and nothing is written: SQLite keeps the -wal and -shm by
// name, so a process on the second name would not see the first's log.
func TestHardLinkedDatabaseIsRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	apply(t, e, "--company", "Acme", "--role", "Engineer", "--recruiter", "dana@acme.example")
	apply(t, e, "--company", "Acorn", "--role", "Engineer")
	second := filepath.Join(filepath.Dir(e.db), "second.db")
	if err := os.Link(e.db, second); err != nil {
		t.Fatal(err)
	}
	viaLink := *e
	viaLink.db = second
	viaLink.config = filepath.Join(e.dir, "second.toml")
	e.writeConfig(t, viaLink.config, e.baseConf().set("storage", "database", q(second)), 0o600)
	for _, env := range []*env{e, &viaLink} {
		for _, args := range append(writes(), []string{"status"}, []string{"messages"}, []string{"run"}) {
			dbFault(t, env, args, env.db, "more than one hard link", "2 names", "-wal", "corrupt", "symbolic link")
		}
	}
}

// An existing data folder that other users may read is made private by
// the first command that opens the database there, which says so; the
// next command has nothing to say.
func TestOpenDataFolderIsMadePrivateOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	dir := filepath.Dir(e.db)
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	_, errOut, code := run(t, e, "apply", "--company", "Acme", "--role", "Engineer")
	if code != 0 {
		t.Fatalf("apply: exit %d: %s", code, errOut)
	}
	if !strings.Contains(errOut, "made the data folder private") || !strings.Contains(errOut, dir) {
		t.Errorf("apply did not say it made %s private: %q", dir, errOut)
	}
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("data folder mode %v (%v), want 0700", fi.Mode().Perm(), err)
	}
	if _, errOut, _ := run(t, e, "status"); errOut != "" {
		t.Errorf("the next command said %q, want nothing", errOut)
	}
}
