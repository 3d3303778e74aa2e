package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/onward-app/onward"
)

// Lesson is something the user learned and wrote down.
type Lesson struct {
	ID            int64
	ApplicationID int64 // 0 when not tied to an application
	Company       string
	Stage         onward.Stage // the application's stage; empty when none
	Text          string
	Tags          []string // normalised, sorted
	CreatedAt     time.Time
}

// InsertLesson records a lesson with its tags and sets its ID; a zero
// CreatedAt is the transaction's now.
func (t *Tx) InsertLesson(ctx context.Context, l *Lesson) error {
	if l.CreatedAt.IsZero() {
		l.CreatedAt = t.now
	}
	app := sql.NullInt64{Int64: l.ApplicationID, Valid: l.ApplicationID != 0}
	res, err := t.tx.ExecContext(ctx, "INSERT INTO lessons (application_id, text, created_at) VALUES (?, ?, ?)",
		app, l.Text, ms(l.CreatedAt))
	if err != nil {
		return fmt.Errorf("store: insert lesson: %w", err)
	}
	if l.ID, err = res.LastInsertId(); err != nil {
		return err
	}
	for _, tag := range l.Tags {
		if _, err := t.tx.ExecContext(ctx, "INSERT OR IGNORE INTO lesson_tags (lesson_id, tag) VALUES (?, ?)", l.ID, tag); err != nil {
			return fmt.Errorf("store: tag lesson: %w", err)
		}
	}
	return nil
}

// LessonFilter narrows Lessons; zero fields match everything.
type LessonFilter struct {
	ApplicationID int64
	Since         time.Time
	Tag           string
}

// Lessons lists lessons with their tags, oldest first.
func (s *Store) Lessons(ctx context.Context, f LessonFilter) ([]Lesson, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT l.id, COALESCE(l.application_id, 0), COALESCE(a.company, ''),
			COALESCE(a.stage, ''), l.text, l.created_at,
			COALESCE((SELECT group_concat(tag, ' ') FROM (SELECT tag FROM lesson_tags WHERE lesson_id = l.id ORDER BY tag)), '')
		FROM lessons l LEFT JOIN applications a ON a.id = l.application_id
		WHERE (?1 = 0 OR l.application_id = ?1) AND l.created_at >= ?2
			AND (?3 = '' OR EXISTS (SELECT 1 FROM lesson_tags t WHERE t.lesson_id = l.id AND t.tag = ?3))
		ORDER BY l.created_at, l.id`, f.ApplicationID, ms(f.Since), f.Tag)
	if err != nil {
		return nil, fmt.Errorf("store: list lessons: %w", err)
	}
	defer rows.Close()
	var out []Lesson
	for rows.Next() {
		var l Lesson
		var created int64
		var tags string
		if err := rows.Scan(&l.ID, &l.ApplicationID, &l.Company, &l.Stage, &l.Text, &created, &tags); err != nil {
			return nil, fmt.Errorf("store: list lessons: %w", err)
		}
		l.CreatedAt = fromMS(created)
		l.Tags = strings.Fields(tags)
		out = append(out, l)
	}
	return out, rows.Err()
}
