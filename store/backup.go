package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// ErrExists means a backup would overwrite a file that is already there.
var ErrExists = errors.New("the file exists")

// Backup writes a consistent copy of the database to path, 0600, while
// other processes (the daemon) go on writing: VACUUM INTO reads one
// snapshot of the file, the -wal included, in a read transaction. The copy
// is written beside path under a temporary name and put in place whole,
// so a crash never leaves half a backup under the name; an existing file
// is replaced only with force.
func (s *Store) Backup(ctx context.Context, path string, force bool) error {
	if !force {
		if _, err := os.Lstat(path); err == nil {
			return fmt.Errorf("store: backup: %s: %w (give --force to replace it)", path, ErrExists)
		}
	}
	tmp, err := emptyPrivate(filepath.Dir(path), filepath.Base(path))
	if err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	defer os.Remove(tmp)
	// SQLite writes into an empty file it is given, keeping its mode;
	// a file it created would get the umask's.
	if _, err := s.db.ExecContext(ctx, "VACUUM INTO ?", tmp); err != nil {
		return fmt.Errorf("store: backup to %s: %w", path, explain(err))
	}
	if err := syncFile(tmp); err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	if force {
		err = os.Rename(tmp, path)
	} else {
		// A link fails where a file appeared meanwhile; a rename
		// would replace it.
		err = os.Link(tmp, path)
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("store: backup: %s: %w (give --force to replace it)", path, ErrExists)
		}
	}
	if err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	return syncDir(filepath.Dir(path))
}

// emptyPrivate creates an empty file, 0600, with a fresh name in dir.
func emptyPrivate(dir, base string) (string, error) {
	f, err := os.CreateTemp(dir, "."+base+"-*.tmp")
	if err != nil {
		return "", err
	}
	name := f.Name()
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		os.Remove(name)
		return "", err
	}
	return name, f.Close()
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// Restored is what Restore did.
type Restored struct {
	// Kept is where the database it replaced now is; "" when there was
	// none.
	Kept string
	// Version is the schema version of the restored file, after any
	// migration this binary applied to it.
	Version int
	// Applications counts the applications in it.
	Applications int
}

// Restore puts the backup at from in place of the database at dbPath.
// It takes the daemon lock for its whole run, so it refuses while a
// daemon serves the file. The backup is checked on a copy before the
// database is touched: an SQLite file with onward's tables, of a version
// this binary knows (an older one is migrated), that SQLite finds sound.
// The database it replaces is kept beside it, named
// <db>.before-restore-<time>, its -wal folded into it first.
func Restore(ctx context.Context, from, dbPath string, now time.Time) (Restored, error) {
	var res Restored
	lock, err := LockDaemon(dbPath)
	if err != nil {
		return res, err
	}
	defer lock.Unlock()
	if err := looksLikeSQLite(from); err != nil {
		return res, fmt.Errorf("store: restore %s: %w", from, err)
	}
	real := realPath(dbPath)
	if err := os.MkdirAll(filepath.Dir(real), 0o700); err != nil {
		return res, fmt.Errorf("store: restore: %w", err)
	}
	tmp, err := emptyPrivate(filepath.Dir(real), filepath.Base(real))
	if err != nil {
		return res, fmt.Errorf("store: restore: %w", err)
	}
	defer func() {
		for _, suffix := range []string{"", "-wal", "-shm"} {
			os.Remove(tmp + suffix)
		}
	}()
	if err := copyFile(from, tmp); err != nil {
		return res, fmt.Errorf("store: restore %s: %w", from, err)
	}
	if res, err = checkBackup(ctx, tmp); err != nil {
		return res, fmt.Errorf("store: restore %s: %w", from, err)
	}
	if _, err := os.Stat(real); err == nil {
		// Fold the -wal into the file, so the kept copy is whole
		// under one name.
		cur, err := Open(ctx, real)
		if err != nil {
			return res, fmt.Errorf("store: restore: the database in place: %w", err)
		}
		_, err = cur.db.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)")
		cur.db.Close()
		if err != nil {
			return res, fmt.Errorf("store: restore: checkpoint %s: %w", real, explain(err))
		}
		res.Kept = real + ".before-restore-" + now.UTC().Format("20060102T150405Z")
		if _, err := os.Lstat(res.Kept); err == nil {
			res.Kept += "-" + strconv.Itoa(os.Getpid())
		}
		if err := os.Rename(real, res.Kept); err != nil {
			return res, fmt.Errorf("store: restore: keep %s: %w", real, err)
		}
		for _, suffix := range []string{"-wal", "-shm"} {
			os.Remove(real + suffix)
		}
	}
	if err := os.Rename(tmp, real); err != nil {
		return res, fmt.Errorf("store: restore: %w", err)
	}
	return res, syncDir(filepath.Dir(real))
}

// looksLikeSQLite refuses, before anything is written, what is not an
// SQLite file at all: Open would take an empty file for a new database.
func looksLikeSQLite(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	head := make([]byte, 16)
	if _, err := io.ReadFull(f, head); err != nil || string(head) != "SQLite format 3\x00" {
		return ErrNotOnward
	}
	return nil
}

// checkBackup opens the copy at path as onward would, and checks it.
func checkBackup(ctx context.Context, path string) (Restored, error) {
	var res Restored
	var ours bool
	raw, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		return res, err
	}
	err = raw.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM sqlite_master
		WHERE type = 'table' AND name = 'schema_migrations')`).Scan(&ours)
	raw.Close()
	if err != nil {
		return res, explain(err)
	}
	if !ours {
		return res, ErrNotOnward
	}
	st, err := Open(ctx, path)
	if err != nil {
		return res, err
	}
	defer st.db.Close()
	var check string
	if err := st.db.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&check); err != nil {
		return res, explain(err)
	}
	if check != "ok" {
		return res, fmt.Errorf("the file is damaged: %s", check)
	}
	if res.Version, err = schemaVersion(ctx, st.db); err != nil {
		return res, err
	}
	if err := st.db.QueryRowContext(ctx, "SELECT count(*) FROM applications").Scan(&res.Applications); err != nil {
		return res, err
	}
	// Leave one file behind, no -wal.
	_, err = st.db.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)")
	return res, err
}

func copyFile(from, to string) error {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return err
	}
	if err := dst.Sync(); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
}
