package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Lesson is something the user learned and wrote down.
type Lesson struct {
	ID            int64
	ApplicationID int64 // 0 when not tied to an application
	Company       string
	Text          string
	CreatedAt     time.Time
}

// InsertLesson records a lesson and sets its ID.
func (t *Tx) InsertLesson(ctx context.Context, l *Lesson) error {
	l.CreatedAt = t.now
	app := sql.NullInt64{Int64: l.ApplicationID, Valid: l.ApplicationID != 0}
	res, err := t.tx.ExecContext(ctx, "INSERT INTO lessons (application_id, text, created_at) VALUES (?, ?, ?)",
		app, l.Text, ms(l.CreatedAt))
	if err != nil {
		return fmt.Errorf("store: insert lesson: %w", err)
	}
	l.ID, err = res.LastInsertId()
	return err
}

// LessonFilter narrows Lessons; zero fields match everything.
type LessonFilter struct {
	ApplicationID int64
	Since         time.Time
}

// Lessons lists lessons, oldest first.
func (s *Store) Lessons(ctx context.Context, f LessonFilter) ([]Lesson, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT l.id, COALESCE(l.application_id, 0), COALESCE(a.company, ''), l.text, l.created_at
		FROM lessons l LEFT JOIN applications a ON a.id = l.application_id
		WHERE (? = 0 OR l.application_id = ?) AND l.created_at >= ?
		ORDER BY l.created_at, l.id`, f.ApplicationID, f.ApplicationID, ms(f.Since))
	if err != nil {
		return nil, fmt.Errorf("store: list lessons: %w", err)
	}
	defer rows.Close()
	var out []Lesson
	for rows.Next() {
		var l Lesson
		var created int64
		if err := rows.Scan(&l.ID, &l.ApplicationID, &l.Company, &l.Text, &created); err != nil {
			return nil, fmt.Errorf("store: list lessons: %w", err)
		}
		l.CreatedAt = fromMS(created)
		out = append(out, l)
	}
	return out, rows.Err()
}
