package e2e

import (
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/onward-app/onward/internal/smtptest"
)

// countRows is the number of rows of table in the SQLite file at path.
func countRows(t *testing.T, path, table string) int {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	integrity(t, db)
	var n int
	if err := db.QueryRow("SELECT count(*) FROM " + table).Scan(&n); err != nil {
		t.Fatalf("count %s in %s: %v", table, path, err)
	}
	return n
}

// TestBackupWhileTheDaemonDelivers takes a backup in the middle of a batch
// of deliveries: the copy is sound, private, and holds every planned
// message, some sent and some not yet; restore refuses while the daemon
// runs and, once it is stopped, puts the copy back and keeps the file it
// replaced.
func TestBackupWhileTheDaemonDelivers(t *testing.T) {
	t.Parallel()
	server := smtptest.Start(t, smtptest.Script{})
	e := newEnv(t, server, "")
	const total = 300
	seed(t, e, total)
	d := e.start(t)
	for range 50 {
		server.Next(t)
	}
	backup := filepath.Join(e.dir, "backup.db")
	out := e.mustRun(t, "backup", backup)
	if !strings.Contains(out, backup) {
		t.Errorf("backup said %q; want it to name %s", out, backup)
	}
	fi, err := os.Stat(backup)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("backup is %v, want 0600", fi.Mode().Perm())
	}
	if n := countRows(t, backup, "messages"); n != total {
		t.Errorf("backup holds %d messages, want %d", n, total)
	}
	if n := countRows(t, backup, "applications"); n != 1 {
		t.Errorf("backup holds %d applications, want 1", n)
	}
	// A second backup to the same name is refused, and leaves it alone.
	_, stderr, code := e.run(t, "backup", backup)
	if code != 2 || !strings.Contains(stderr, "--force") {
		t.Errorf("backup over an existing file: exit %d, %q; want exit 2 naming --force", code, stderr)
	}

	_, stderr, code = e.run(t, "restore", backup)
	if code != 1 || !strings.Contains(stderr, "another onward daemon is running") {
		t.Errorf("restore with the daemon running: exit %d, %q; want exit 1, refused", code, stderr)
	}
	for received := 50; received < total; received++ {
		server.Next(t)
	}
	d.signal(t, syscall.SIGTERM)
	if code := d.wait(t); code != 0 {
		t.Fatalf("daemon exited %d; log:\n%s", code, d.logText())
	}

	out = e.mustRun(t, "restore", backup)
	kept := ""
	for _, line := range strings.Split(out, "\n") {
		if i := strings.Index(line, "kept as "); i >= 0 {
			kept = strings.TrimSpace(line[i+len("kept as "):])
		}
	}
	if kept == "" || !strings.Contains(kept, ".before-restore-") {
		t.Fatalf("restore said %q; want the name of the file it kept", out)
	}
	var keptSent int
	kdb, err := sql.Open("sqlite3", "file:"+kept)
	if err != nil {
		t.Fatal(err)
	}
	if err := kdb.QueryRow("SELECT count(*) FROM messages WHERE status = 'sent'").Scan(&keptSent); err != nil {
		t.Fatal(err)
	}
	kdb.Close()
	if keptSent != total {
		t.Errorf("the kept database has %d sent, want all %d", keptSent, total)
	}
	var restoredSent int
	rdb := e.sqlDB(t)
	integrity(t, rdb)
	if err := rdb.QueryRow("SELECT count(*) FROM messages WHERE status IN ('sent', 'sending')").Scan(&restoredSent); err != nil {
		t.Fatal(err)
	}
	if restoredSent >= total {
		t.Errorf("the restored database has %d of %d sent; want the backup's state, taken mid-batch", restoredSent, total)
	}
}

// TestRestoreRefusesWhatIsNotAnOnwardDatabase leaves the database alone
// when the file is not a backup: text, an empty file, another program's
// SQLite file.
func TestRestoreRefusesWhatIsNotAnOnwardDatabase(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, "")
	e.mustRun(t, "apply", "--company", "Acme", "--role", "Engineer")
	other := filepath.Join(e.dir, "other.db")
	db, err := sql.Open("sqlite3", "file:"+other)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("CREATE TABLE notes (x TEXT)"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	text := filepath.Join(e.dir, "notes.txt")
	empty := filepath.Join(e.dir, "empty.db")
	os.WriteFile(text, []byte("hello\n"), 0o600)
	os.WriteFile(empty, nil, 0o600)
	for _, f := range []string{other, text, empty} {
		_, stderr, code := e.run(t, "restore", f)
		if code != 2 || !strings.Contains(stderr, "not an onward database") {
			t.Errorf("restore %s: exit %d, %q; want exit 2, not an onward database", filepath.Base(f), code, stderr)
		}
	}
	if n := countRows(t, e.db, "applications"); n != 1 {
		t.Errorf("the database holds %d applications after refused restores, want 1", n)
	}
	matches, _ := filepath.Glob(e.db + ".before-restore-*")
	if len(matches) != 0 {
		t.Errorf("a refused restore kept %v", matches)
	}
}
