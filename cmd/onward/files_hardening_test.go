package main

// Files onward creates hold a job hunt and private mail: the database
// (and SQLite's -wal and -shm beside it), the daemon lock, the outbox and
// the files in it, a config written by init, a draft opened in the
// editor. Each must be readable by the user alone (0600, folders 0700),
// even under a umask of 000, which would otherwise make them 0666/0777.

import (
	"bufio"
	"context"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// umask0 runs onward with args under umask 000.
func umask0(ctx context.Context, e *env, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, "/bin/sh", append([]string{"-c", `umask 000; exec "$0" "$@"`, binary}, args...)...)
	cmd.Dir = e.dir
	cmd.Env = e.vars
	return cmd
}

func mustUmask0(t *testing.T, e *env, args ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), cmdTimeout)
	defer cancel()
	if out, err := umask0(ctx, e, args...).CombinedOutput(); err != nil {
		t.Fatalf("onward %s under umask 000: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// private fails the test for anything under root that others may read.
func private(t *testing.T, root string, skip ...string) (files, dirs int) {
	t.Helper()
	err := filepath.WalkDir(root, func(path string, de fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		for _, s := range skip {
			if path == s {
				return nil
			}
		}
		fi, err := de.Info()
		if err != nil {
			return err
		}
		mode := fi.Mode().Perm()
		switch {
		case de.IsDir() && mode != 0o700:
			t.Errorf("folder %s is %04o, want 0700", path, mode)
		case !de.IsDir() && mode&0o077 != 0:
			t.Errorf("file %s is %04o, readable by others", path, mode)
		}
		if de.IsDir() {
			dirs++
		} else {
			files++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files, dirs
}

func TestFilesArePrivateUnderAnyUmask(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	// Fresh folders, none of them made by the test.
	e.db = filepath.Join(e.dir, "state", "deep", "onward.db")
	e.outbox = filepath.Join(e.dir, "mail", "outbox")
	e.writeConfig(t, e.config, e.baseConf().set("storage", "database", q(e.db)).set("delivery", "outbox", q(e.outbox)), 0o600)

	// A config written by init, in a folder init makes.
	mustUmask0(t, e, "init", "--config", filepath.Join(e.dir, "conf", "sub", "config.toml"))
	// The database, the outbox and its drafts.
	mustUmask0(t, e, "--config", e.config, "apply", "--company", "Acme", "--role", "R", "--recruiter", "dana@acme.example")
	mustUmask0(t, e, "--config", e.config, "interview", "acme", "--at", ago(5*time.Hour))
	mustUmask0(t, e, "--config", e.config, "flush")
	// Without a config: the folders under $XDG_DATA_HOME.
	mustUmask0(t, e, "apply", "--company", "Acme", "--role", "R")
	// A draft in the editor: the editor records the mode of its file.
	editor := editorScript(t, e, "stat.sh", `stat -c %a "$1" > "$(dirname "$0")/draft-mode"`)
	ed := e.with("EDITOR=" + editor)
	drafts := messages(t, e, "--status", "drafted")
	if len(drafts) != 1 {
		t.Fatalf("want one draft, have %+v", drafts)
	}
	ctx, cancel := context.WithTimeout(context.Background(), cmdTimeout)
	defer cancel()
	if out, err := umask0(ctx, ed, "--config", e.config, "drafts", "edit", itoa(drafts[0].ID)).CombinedOutput(); err != nil {
		t.Fatalf("drafts edit: %v\n%s", err, out)
	}
	if b, err := os.ReadFile(filepath.Join(e.dir, "draft-mode")); err != nil || strings.TrimSpace(string(b)) != "600" {
		t.Errorf("the draft handed to the editor was mode %q (%v), want 600", b, err)
	}

	// The daemon, while it runs: the -wal, the -shm and the lock exist.
	d := umask0(context.Background(), e, "--config", e.config, "run")
	stderr, err := d.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Process.Kill(); _ = d.Wait() })
	started := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		ok := false
		for sc.Scan() {
			if !ok && strings.Contains(sc.Text(), "onward daemon started") {
				ok = true
				started <- true
			}
		}
		if !ok {
			started <- false
		}
	}()
	select {
	case ok := <-started:
		if !ok {
			t.Fatal("the daemon exited before it started")
		}
	case <-time.After(cmdTimeout):
		t.Fatal("the daemon never started")
	}
	for _, p := range []string{e.db + "-wal", e.db + "-shm", e.db + ".daemon.lock"} {
		if !exists(p) {
			t.Errorf("%s does not exist while the daemon runs; the test cannot check its mode", p)
		}
	}
	files, dirs := private(t, e.dir, e.dir, filepath.Join(e.dir, "draft-mode")) // the root and the editor's note are the test's
	_ = d.Process.Signal(syscall.SIGTERM)
	emls, _ := filepath.Glob(filepath.Join(e.outbox, "*.eml"))
	if len(emls) == 0 || files < 8 || dirs < 8 {
		t.Errorf("checked %d files, %d folders, %d drafts in the outbox: too little", files, dirs, len(emls))
	}
}
