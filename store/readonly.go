package store

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"strconv"
	"time"
)

// OpenReadOnly opens an existing database for reading only: nothing is
// created, migrated, made private or written, and a write fails. It is
// for readers that must never change the file, such as shell completion,
// which runs at every press of Tab, perhaps while the daemon writes. A
// missing file is an error; so is a schema other than the binary's.
func OpenReadOnly(ctx context.Context, path string) (*Store, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("store: open %s read-only: %w", path, err)
	}
	q := url.Values{}
	q.Set("mode", "ro")
	// Short: a reader that waits on the writer is one the user waits on.
	q.Set("_busy_timeout", strconv.Itoa(int((500 * time.Millisecond).Milliseconds())))
	q.Set("_query_only", "1")
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
	db, err := sql.Open("sqlite3", dsn)
	if err != nil {
		return nil, fmt.Errorf("store: open %s read-only: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	s := &Store{db: db, path: path, file: fi, Now: time.Now}
	version, err := schemaVersion(ctx, db)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("store: open %s read-only: %w", path, err)
	}
	latest, err := latestMigration()
	if err != nil {
		db.Close()
		return nil, err
	}
	if version != latest {
		db.Close()
		return nil, fmt.Errorf("store: open %s read-only: the file is at schema version %d, this onward writes %d", path, version, latest)
	}
	return s, nil
}

// latestMigration is the number of the newest embedded migration.
func latestMigration() (int, error) {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return 0, fmt.Errorf("migrate: %w", err)
	}
	latest := 0
	for _, name := range names {
		v, err := migrationVersion(name)
		if err != nil {
			return 0, err
		}
		latest = max(latest, v)
	}
	return latest, nil
}
