// Package store keeps onward's state in one SQLite file: applications,
// their events and lessons, and every message onward plans. It is the only
// package that talks to SQLite, and the database is the only source of
// truth: whatever else a process holds in memory is rebuilt from here.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/mattn/go-sqlite3"

	"github.com/onward-app/onward/internal/private"
)

//go:embed migrations/*.sql
var migrations embed.FS

// ErrNotFound is returned when a row asked for by id does not exist.
var ErrNotFound = errors.New("not found")

// ErrSchemaTooNew means the database was written by a newer onward.
var ErrSchemaTooNew = errors.New("database schema is newer than this onward")

// ErrNotOnward means the file is an SQLite database of another program:
// onward refuses to add its tables to it.
var ErrNotOnward = errors.New("the file is not an onward database")

// busyTimeout is how long a statement waits for another process's write
// lock before it fails with "database is locked".
const busyTimeout = 5 * time.Second

// ErrHardLinked means the database file has more than one name.
var ErrHardLinked = errors.New("the database file has more than one hard link")

// ErrReplaced means the file at the database's path is no longer the one
// onward opened: removed, renamed, or replaced by another.
var ErrReplaced = errors.New("the database file was removed or replaced while onward had it open")

// Store is an open database.
type Store struct {
	db   *sql.DB
	path string
	// file is the file opened, to tell when the path names another.
	file os.FileInfo
	// tightened is the folder Open made private, if it did.
	tightened string
	// Now is the clock; tests replace it.
	Now func() time.Time
}

// Open opens (creating if needed) the database at path and brings its
// schema up to date. The file is created 0600 in a 0700 folder: it holds
// the user's job hunt. A file with two names (hard links) is refused; a
// symbolic link is followed, and SQLite keeps the -wal and -shm beside
// the file it points to.
func Open(ctx context.Context, path string) (*Store, error) {
	file, tightened, err := prepareFile(path)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	// Settings go in the DSN so every connection the pool opens gets them.
	// _txlock=immediate takes the write lock at BEGIN, so two processes
	// never both read and then fail to upgrade; synchronous=FULL makes a
	// commit survive power loss, which "no message lost" depends on. WAL
	// is not among them: it is a property of the file, written into it,
	// so it is set once migrate has made sure the file is onward's.
	q := url.Values{}
	q.Set("_foreign_keys", "on")
	q.Set("_busy_timeout", strconv.Itoa(int(busyTimeout.Milliseconds())))
	q.Set("_txlock", "immediate")
	q.Set("_synchronous", "FULL")
	// Keep the prepared form of the queries this connection runs, so the
	// dispatcher's few hot statements and the CLI's per-application
	// lookups are parsed once, not on every call.
	q.Set("_stmt_cache_size", "64")
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
	db, err := sql.Open("sqlite3", dsn)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	// One connection: SQLite has one writer anyway, and PRAGMA
	// data_version is per connection, so watching it needs a single one.
	db.SetMaxOpenConns(1)
	db.SetConnMaxIdleTime(0)
	s := &Store{db: db, path: path, file: file, tightened: tightened, Now: time.Now}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, explain(err))
	}
	return s, nil
}

// prepareFile makes sure path is a file onward may use, creating it if
// needed, and returns what it is and the folder it made private, if any.
func prepareFile(path string) (os.FileInfo, string, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, "", err
	}
	// Refused before anything is written.
	if fi, err := os.Stat(path); err == nil {
		if err := oneName(path, fi); err != nil {
			return nil, "", err
		}
	}
	// The folder that matters is the one the file is in, where SQLite
	// puts the -wal and -shm, whatever link leads there.
	var tightened, checked string
	makePrivate := func() error {
		dir := filepath.Dir(realPath(path))
		if dir == checked {
			return nil
		}
		checked = dir
		changed, err := private.Dir(dir)
		if changed {
			tightened = dir
		}
		return err
	}
	if err := makePrivate(); err != nil {
		return nil, "", err
	}
	f, err := os.OpenFile(path, os.O_RDONLY|os.O_CREATE, 0o600)
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, "", err
	}
	if err := oneName(path, fi); err != nil {
		return nil, "", err
	}
	// A dangling symlink leads to a file created just now, perhaps in
	// another folder.
	if err := makePrivate(); err != nil {
		return nil, "", err
	}
	return fi, tightened, nil
}

// oneName refuses a database file with more than one name: SQLite finds
// the -wal and -shm by name, so a process that opens the file by another
// name would not see the writes still in the first name's -wal, and one
// checkpoint can overwrite the other's pages.
func oneName(path string, fi os.FileInfo) error {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok || st.Nlink <= 1 {
		return nil
	}
	return fmt.Errorf("%w: it has %d names, and SQLite finds its -wal and -shm files by the name it was opened with, "+
		"so a process on another name misses the writes in the first one's -wal and can corrupt the file; "+
		"keep one name (list the others with: find / -xdev -samefile %s) and use a symbolic link where another path is needed",
		ErrHardLinked, st.Nlink, path)
}

// realPath is path with every symbolic link resolved, or as far as it
// resolves when the file does not exist yet.
func realPath(path string) string {
	if p, err := filepath.EvalSymlinks(path); err == nil {
		return p
	}
	if dir, err := filepath.EvalSymlinks(filepath.Dir(path)); err == nil {
		return filepath.Join(dir, filepath.Base(path))
	}
	return path
}

// CheckIdentity reports, as ErrReplaced, that the database's path no
// longer names the file Open opened: it was removed, renamed, or replaced
// (a backup restored over it). The open file still works, but nobody
// else sees it any more: the CLI's next command opens the new file.
func (s *Store) CheckIdentity() error {
	fi, err := os.Stat(s.path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("store: %w: %s is gone", ErrReplaced, s.path)
	case err != nil:
		return fmt.Errorf("store: check %s: %w", s.path, err)
	case !os.SameFile(fi, s.file):
		return fmt.Errorf("store: %w: %s is now another file", ErrReplaced, s.path)
	}
	return nil
}

// Private is the folder Open made private because other users could
// read or write it, or "" when it was private already. It is tightened
// once, so the caller can say so once.
func (s *Store) Private() string { return s.tightened }

// explain turns SQLite's terse errors into ones a user can act on.
func explain(err error) error {
	var se sqlite3.Error
	if errors.As(err, &se) {
		switch {
		case se.Code == sqlite3.ErrNotADB:
			return fmt.Errorf("the file is not an onward database (%w)", err)
		case se.Code == sqlite3.ErrBusy, se.Code == sqlite3.ErrLocked:
			return fmt.Errorf("the database is locked by another process (%w)", err)
		case se.Code == sqlite3.ErrReadonly:
			return fmt.Errorf("the database is read-only (%w)", err)
		case se.Code == sqlite3.ErrFull, se.Code == sqlite3.ErrIoErr && errors.Is(se.SystemErrno, syscall.ENOSPC):
			// SQLite reports a full disk as SQLITE_FULL when it runs out
			// writing pages, and as an I/O error with ENOSPC when it
			// runs out growing its shared-memory file.
			return fmt.Errorf("the disk is full (%w)", err)
		}
	}
	return err
}

// Path is the database file.
func (s *Store) Path() string { return s.path }

// Close closes the database.
func (s *Store) Close() error {
	// SQLite skips the checkpoint on close when the file was removed or
	// renamed while open, and leaves its -wal at the old name, where a
	// new file at the path would take those pages for its own. So the
	// pages go into the file they belong to (renamed, it keeps them) and
	// the log at the path is emptied.
	if errors.Is(s.CheckIdentity(), ErrReplaced) {
		_, _ = s.db.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
	}
	return s.db.Close()
}

// DataVersion changes whenever another connection commits to the file. It
// is how the daemon notices the CLI's writes without polling tables.
func (s *Store) DataVersion(ctx context.Context) (int64, error) {
	var v int64
	if err := s.db.QueryRowContext(ctx, "PRAGMA data_version").Scan(&v); err != nil {
		return 0, fmt.Errorf("store: data version: %w", err)
	}
	return v, nil
}

func (s *Store) migrate(ctx context.Context) error {
	// Look before writing anything: another program's database is
	// refused untouched, not converted to WAL and given onward's tables.
	var ours bool
	var others sql.NullString
	if err := s.db.QueryRowContext(ctx, `SELECT
		EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'),
		(SELECT group_concat(name, ', ') FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%')`).Scan(&ours, &others); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if !ours && others.Valid {
		return fmt.Errorf("%w: it is an SQLite database with the tables %s, and onward writes only into its own; check storage.database", ErrNotOnward, others.String)
	}
	if err := s.setWAL(ctx); err != nil {
		return fmt.Errorf("migrate: set WAL: %w", err)
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	sort.Strings(names)
	latest := 0
	for _, name := range names {
		v, err := migrationVersion(name)
		if err != nil {
			return err
		}
		latest = max(latest, v)
	}
	// An up-to-date file, the common case, is only read: a read-only
	// database still opens for reading, and a newer one is refused
	// without a write lock taken.
	current, err := schemaVersion(ctx, s.db)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if current > latest {
		return schemaTooNew(current, latest)
	}
	// Each pending migration is one immediate transaction that reads the
	// version after taking the write lock: of two processes opening a
	// fresh file at once (the daemon and the user's first command), the
	// second waits for the first's commit (busy timeout) and finds the
	// migration done. Deciding on the version read above would let both
	// apply it.
	for current < latest {
		var name string
		err := s.tx(ctx, func(tx *sql.Tx) error {
			var err error
			if current, err = schemaVersion(ctx, tx); err != nil || current >= latest {
				return err
			}
			for _, n := range names {
				v, err := migrationVersion(n)
				if err != nil || v <= current {
					continue
				}
				name = n
				body, err := migrations.ReadFile(n)
				if err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
					version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)`); err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, string(body)); err != nil {
					return err
				}
				_, err = tx.ExecContext(ctx, "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)", v, ms(s.Now()))
				current = v
				return err
			}
			return nil
		})
		if err != nil && name == "" {
			return fmt.Errorf("migrate: %w", err)
		}
		if err != nil {
			return fmt.Errorf("migrate %s: %w", name, err)
		}
	}
	if current > latest {
		return schemaTooNew(current, latest)
	}
	return nil
}

// setWAL switches the file to WAL, outside any transaction: SQLite
// refuses to switch inside one. The switch upgrades a read lock to a
// write lock, and SQLite answers a process that loses that race with
// SQLITE_BUSY at once, without waiting (both waiting would deadlock): two
// processes opening a fresh file together meet it. The loser lets go of
// its read lock and tries again, for as long as the busy timeout.
func (s *Store) setWAL(ctx context.Context) error {
	deadline := time.Now().Add(busyTimeout)
	for attempt := 1; ; attempt++ {
		var mode string
		err := s.db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode)
		if err == nil && strings.EqualFold(mode, "wal") {
			return nil
		}
		if err == nil {
			err = s.db.QueryRowContext(ctx, "PRAGMA journal_mode = WAL").Scan(&mode)
		}
		var se sqlite3.Error
		if err == nil || !errors.As(err, &se) || se.Code != sqlite3.ErrBusy || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(min(attempt, 10)) * 5 * time.Millisecond):
		}
	}
}

// schemaVersion is the last migration recorded in the file, 0 for a file
// onward has not written to yet.
func schemaVersion(ctx context.Context, q querier) (int, error) {
	// Two statements: SQLite resolves every table a statement names when
	// it compiles it, so one with a CASE would fail on a fresh file.
	var exists bool
	if err := q.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM sqlite_master
		WHERE type = 'table' AND name = 'schema_migrations')`).Scan(&exists); err != nil || !exists {
		return 0, err
	}
	var current int
	err := q.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&current)
	return current, err
}

func schemaTooNew(current, latest int) error {
	return fmt.Errorf("%w: the file is at version %d, this binary knows up to %d; upgrade onward", ErrSchemaTooNew, current, latest)
}

func migrationVersion(name string) (int, error) {
	base := filepath.Base(name)
	num, _, _ := strings.Cut(base, "_")
	v, err := strconv.Atoi(num)
	if err != nil {
		return 0, fmt.Errorf("migrate: bad migration name %s", base)
	}
	return v, nil
}

// tx runs fn in one transaction.
func (s *Store) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return explain(err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return explain(err)
	}
	return explain(tx.Commit())
}

// Tx is a write transaction. Every change a user makes is one Tx, so that
// an event and the plan it causes are recorded together or not at all.
type Tx struct {
	tx  *sql.Tx
	now time.Time
}

// Now is the time stamped on everything the transaction writes.
func (t *Tx) Now() time.Time { return t.now }

// Update runs fn in a write transaction, stamped with one "now".
func (s *Store) Update(ctx context.Context, fn func(*Tx) error) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		return fn(&Tx{tx: tx, now: s.Now().UTC()})
	})
}

// querier is what reads need; both *sql.DB and *sql.Tx have it.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func ms(t time.Time) int64 { return t.UnixMilli() }

func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

func nullMS(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: ms(t), Valid: true}
}

func fromNullMS(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return fromMS(v.Int64)
}
