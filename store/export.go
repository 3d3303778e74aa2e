package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
)

// Row is one row of a table as column name → value: int64, float64,
// string, []byte or nil, as SQLite holds it. Export and import move rows
// whole, so a column added by a later migration travels without a change
// here.
type Row map[string]any

// Dump is the job hunt, every row of the tables that hold the user's
// records. The mailbox's cursors and the jobs' next runs are state of
// this installation, not of the job hunt, and stay out.
type Dump struct {
	// Version is the schema version the rows were read from.
	Version int
	// Tables holds the rows of each of DumpTables the database has.
	// Lessons carry their tags under "tags", a sorted []string.
	Tables map[string][]Row
}

// DumpTables are the tables a Dump holds, in the order their rows can be
// inserted (each refers only to those before it). The details of events
// (interviews, feedback) follow the events.
var DumpTables = []string{"applications", "events", "interview_details", "interviewers", "interview_topics",
	"feedback", "lessons", "messages"}

// TimeColumn reports whether a column of the dumped tables holds a time
// (Unix milliseconds, UTC).
func TimeColumn(name string) bool {
	return name == "at" || strings.HasSuffix(name, "_at") || strings.HasSuffix(name, "_until")
}

// Dump reads every row of the job hunt in one transaction, so the rows
// agree with each other while the daemon goes on writing.
func (s *Store) Dump(ctx context.Context) (Dump, error) {
	d := Dump{Tables: map[string][]Row{}}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var err error
		if d.Version, err = schemaVersion(ctx, tx); err != nil {
			return err
		}
		for _, name := range DumpTables {
			var exists bool
			if err := tx.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?)", name).Scan(&exists); err != nil {
				return err
			}
			if !exists {
				continue
			}
			rows, err := readRows(ctx, tx, "SELECT * FROM "+name+" ORDER BY rowid")
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			if rows == nil {
				rows = []Row{}
			}
			d.Tables[name] = rows
		}
		tags, err := readRows(ctx, tx, "SELECT lesson_id, tag FROM lesson_tags ORDER BY lesson_id, tag")
		if err != nil {
			return fmt.Errorf("lesson_tags: %w", err)
		}
		byLesson := map[int64][]string{}
		for _, r := range tags {
			id, _ := r["lesson_id"].(int64)
			tag, _ := r["tag"].(string)
			byLesson[id] = append(byLesson[id], tag)
		}
		for _, l := range d.Tables["lessons"] {
			id, _ := l["id"].(int64)
			l["tags"] = append([]string{}, byLesson[id]...)
		}
		return nil
	})
	if err != nil {
		return d, fmt.Errorf("store: dump: %w", err)
	}
	return d, nil
}

func readRows(ctx context.Context, q querier, query string, args ...any) ([]Row, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out []Row
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		r := make(Row, len(cols))
		for i, c := range cols {
			r[c] = vals[i]
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Columns lists the columns of one of DumpTables.
func (t *Tx) Columns(ctx context.Context, table string) ([]string, error) {
	if !slices.Contains(DumpTables, table) && table != "lesson_tags" {
		return nil, fmt.Errorf("store: columns: %q is not a table of the job hunt", table)
	}
	rows, err := readRows(ctx, t.tx, "SELECT name FROM pragma_table_info(?)", table)
	if err != nil {
		return nil, fmt.Errorf("store: columns of %s: %w", table, err)
	}
	out := make([]string, 0, len(rows))
	for _, r := range rows {
		name, _ := r["name"].(string)
		out = append(out, name)
	}
	return out, nil
}

// InsertRow inserts r into table, one of DumpTables, writing the columns
// of r that the table has (cols, from Columns). The id in r is kept when
// no row has it yet, so a dump read into an empty database keeps its ids;
// otherwise SQLite chooses one. It returns the row's id.
func (t *Tx) InsertRow(ctx context.Context, table string, cols []string, r Row) (int64, error) {
	if !slices.Contains(DumpTables, table) {
		return 0, fmt.Errorf("store: insert: %q is not a table of the job hunt", table)
	}
	if id, ok := r["id"].(int64); ok {
		var taken bool
		if err := t.tx.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM "+table+" WHERE id = ?)", id).Scan(&taken); err != nil {
			return 0, fmt.Errorf("store: insert into %s: %w", table, err)
		}
		if taken {
			r = maps(r)
			delete(r, "id")
		}
	}
	var names, marks []string
	var args []any
	for _, c := range cols {
		v, ok := r[c]
		if !ok {
			continue
		}
		names = append(names, `"`+c+`"`)
		marks = append(marks, "?")
		args = append(args, v)
	}
	res, err := t.tx.ExecContext(ctx, "INSERT INTO "+table+" ("+strings.Join(names, ", ")+") VALUES ("+strings.Join(marks, ", ")+")", args...)
	if err != nil {
		return 0, fmt.Errorf("store: insert into %s: %w", table, err)
	}
	return res.LastInsertId()
}

// InsertTags records a lesson's tags, already normalised.
func (t *Tx) InsertTags(ctx context.Context, lessonID int64, tags []string) error {
	for _, tag := range tags {
		if _, err := t.tx.ExecContext(ctx, "INSERT OR IGNORE INTO lesson_tags (lesson_id, tag) VALUES (?, ?)", lessonID, tag); err != nil {
			return fmt.Errorf("store: insert tags: %w", err)
		}
	}
	return nil
}

// HasMessageID reports whether a message with that Message-ID exists.
func (t *Tx) HasMessageID(ctx context.Context, messageID string) (bool, error) {
	var ok bool
	err := t.tx.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM messages WHERE message_id = ?)", messageID).Scan(&ok)
	return ok, err
}

// HasLesson reports whether a lesson with that text was logged at that
// time (Unix milliseconds).
func (t *Tx) HasLesson(ctx context.Context, text string, createdAt int64) (bool, error) {
	var ok bool
	err := t.tx.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM lessons WHERE text = ? AND created_at = ?)", text, createdAt).Scan(&ok)
	return ok, err
}

func maps(r Row) Row {
	c := make(Row, len(r))
	for k, v := range r {
		c[k] = v
	}
	return c
}
