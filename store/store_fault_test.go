package store_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onward-app/onward/store"
)

// folderBytes reads every file of a folder, so a test can tell that
// nothing in it was written, created or removed.
func folderBytes(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = b
	}
	return out
}

func sameFolder(t *testing.T, before, after map[string][]byte) {
	t.Helper()
	for name, b := range before {
		if a, ok := after[name]; !ok {
			t.Errorf("%s was removed", name)
		} else if !bytes.Equal(a, b) {
			t.Errorf("%s changed (%d bytes before, %d after)", name, len(b), len(a))
		}
	}
	for name := range after {
		if _, ok := before[name]; !ok {
			t.Errorf("%s was created", name)
		}
	}
}

// A storage.database that names another program's SQLite file is refused
// before a byte of it changes: no WAL switch, no onward tables.
func TestOpenRefusesAnotherProgramsDatabase(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "notes.db")
	db := rawDB(t, path)
	for _, q := range []string{"CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)", "CREATE VIEW recent AS SELECT * FROM notes",
		"INSERT INTO notes (body) VALUES ('mine')"} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	before := folderBytes(t, dir)

	s, err := store.Open(context.Background(), path)
	if err == nil {
		s.Close()
		t.Fatal("Open took another program's database")
	}
	if !errors.Is(err, store.ErrNotOnward) {
		t.Errorf("error %v does not wrap ErrNotOnward", err)
	}
	for _, frag := range []string{path, "notes", "recent", "storage.database"} {
		if !strings.Contains(err.Error(), frag) {
			t.Errorf("error %q does not mention %q", err, frag)
		}
	}
	sameFolder(t, before, folderBytes(t, dir))
}

// A database written by a newer onward is refused, and reading it to find
// out writes nothing either.
func TestOpenRefusesANewerSchemaWithoutWriting(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "onward.db")
	s, _ := openStoreAt(t, path)
	insertApp(t, s, "Acme")
	s.Close()
	db := rawDB(t, path)
	if _, err := db.Exec("INSERT INTO schema_migrations (version, applied_at) VALUES (99, 0)"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	before := folderBytes(t, dir)
	for range 2 {
		s, err := store.Open(context.Background(), path)
		if err == nil {
			s.Close()
			t.Fatal("Open succeeded on a schema at version 99")
		}
		if !errors.Is(err, store.ErrSchemaTooNew) {
			t.Fatalf("Open: %v, want ErrSchemaTooNew", err)
		}
	}
	sameFolder(t, before, folderBytes(t, dir))
}

// An empty file, as a user might create with touch, is a new database.
func TestOpenTakesAnEmptyFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "onward.db")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	s, _ := openStoreAt(t, path)
	insertApp(t, s, "Acme")
	apps, err := s.Applications(context.Background())
	if err != nil || len(apps) != 1 {
		t.Fatalf("Applications = %v, %v", apps, err)
	}
	var mode string
	db := rawDB(t, path)
	if err := db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal mode %q (%v), want wal", mode, err)
	}
}
