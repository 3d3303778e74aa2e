package store

import (
	"context"
	"fmt"
	"strings"
)

// This file reads the lessons page: pages of lessons, the tags with their
// counts and newest lessons, the applications with their newest lessons.
// Each reads the rows it shows and counts the rest in SQL, so that the
// page of a hunt with thousands of lessons costs its fifty.

// lessonCols are a lesson's columns with its application's company and
// stage and its tags, for a query over lessons l joined to applications a.
const lessonCols = `l.id, COALESCE(l.application_id, 0), COALESCE(a.company, ''), COALESCE(a.stage, ''), l.text, l.created_at,
	COALESCE((SELECT group_concat(tag, ' ') FROM (SELECT tag FROM lesson_tags WHERE lesson_id = l.id ORDER BY tag)), '')`

func scanLesson(row interface{ Scan(...any) error }, extra ...any) (Lesson, error) {
	var l Lesson
	var created int64
	var tags string
	err := row.Scan(append([]any{&l.ID, &l.ApplicationID, &l.Company, &l.Stage, &l.Text, &created, &tags}, extra...)...)
	l.CreatedAt = fromMS(created)
	l.Tags = strings.Fields(tags)
	return l, err
}

// LessonPage is a page of lessons, newest first.
type LessonPage struct {
	Lessons []Lesson
	Total   int   // over every page
	Next    int64 // the before of the next page; 0 on the last one
}

// LatestLessons returns the newest limit lessons (carrying tag, when set)
// logged before the lesson before (0: from the newest), and how many
// there are in all.
func (s *Store) LatestLessons(ctx context.Context, tag string, before int64, limit int) (LessonPage, error) {
	var p LessonPage
	from, count := "lessons l", "SELECT count(*) FROM lessons"
	var where []string
	var args []any
	if tag != "" {
		from = "lesson_tags t JOIN lessons l ON l.id = t.lesson_id"
		count = "SELECT count(*) FROM lesson_tags WHERE tag = ?"
		where = append(where, "t.tag = ?")
		args = append(args, tag)
	}
	if err := s.db.QueryRowContext(ctx, count, args...).Scan(&p.Total); err != nil {
		return p, fmt.Errorf("store: count lessons: %w", err)
	}
	if before > 0 {
		where = append(where, "(l.created_at, l.id) < (SELECT created_at, id FROM lessons WHERE id = ?)")
		args = append(args, before)
	}
	q := "SELECT " + lessonCols + " FROM " + from + " LEFT JOIN applications a ON a.id = l.application_id"
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY l.created_at DESC, l.id DESC LIMIT ?"
	rows, err := s.db.QueryContext(ctx, q, append(args, limit+1)...)
	if err != nil {
		return p, fmt.Errorf("store: latest lessons: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		l, err := scanLesson(rows)
		if err != nil {
			return p, fmt.Errorf("store: latest lessons: %w", err)
		}
		p.Lessons = append(p.Lessons, l)
	}
	if err := rows.Err(); err != nil {
		return p, fmt.Errorf("store: latest lessons: %w", err)
	}
	if len(p.Lessons) > limit {
		p.Lessons = p.Lessons[:limit]
		p.Next = p.Lessons[limit-1].ID
	}
	return p, nil
}

// TagGroup is a tag with how many lessons carry it and the newest of them.
type TagGroup struct {
	Tag     string
	Total   int
	Lessons []Lesson
}

// TagGroups returns every tag with its count, the tag of the newest
// lesson first, and for the first groups of them their newest perTag
// lessons; the others come without lessons.
func (s *Store) TagGroups(ctx context.Context, groups, perTag int) ([]TagGroup, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT t.tag, count(*) FROM lesson_tags t JOIN lessons l ON l.id = t.lesson_id
		GROUP BY t.tag ORDER BY max(l.created_at) DESC, t.tag`)
	if err != nil {
		return nil, fmt.Errorf("store: tag groups: %w", err)
	}
	var out []TagGroup
	index := map[string]int{}
	var shown []any
	for rows.Next() {
		var g TagGroup
		if err := rows.Scan(&g.Tag, &g.Total); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: tag groups: %w", err)
		}
		if len(out) < groups {
			index[g.Tag] = len(out)
			shown = append(shown, g.Tag)
		}
		out = append(out, g)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: tag groups: %w", err)
	}
	if len(shown) == 0 {
		return out, nil
	}
	rows, err = s.db.QueryContext(ctx, `SELECT `+lessonCols+`, tag FROM (
			SELECT l.*, t.tag, row_number() OVER (PARTITION BY t.tag ORDER BY l.created_at DESC, l.id DESC) AS rn
			FROM lesson_tags t JOIN lessons l ON l.id = t.lesson_id WHERE t.tag IN (`+placeholders(len(shown))+`)) AS l
		LEFT JOIN applications a ON a.id = l.application_id
		WHERE l.rn <= ? ORDER BY l.rn`, append(shown, perTag)...)
	if err != nil {
		return nil, fmt.Errorf("store: tag groups: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var tag string
		l, err := scanLesson(rows, &tag)
		if err != nil {
			return nil, fmt.Errorf("store: tag groups: %w", err)
		}
		g := &out[index[tag]]
		g.Lessons = append(g.Lessons, l)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: tag groups: %w", err)
	}
	return out, nil
}

// AppLessons is an application with its newest lessons.
type AppLessons struct {
	AppID   int64
	Company string
	Lessons []Lesson
}

// LessonsByApplication returns the apps applications with the newest
// lessons (carrying tag, when set), newest first, each with its newest
// perApp of them.
func (s *Store) LessonsByApplication(ctx context.Context, tag string, apps, perApp int) ([]AppLessons, error) {
	// Newest first down lessons_created until apps applications are
	// found: a page of a long hunt reads a few rows, not every lesson.
	q := `SELECT l.application_id FROM lessons l WHERE l.application_id IS NOT NULL`
	var args []any
	if tag != "" {
		q += " AND EXISTS (SELECT 1 FROM lesson_tags t WHERE t.lesson_id = l.id AND t.tag = ?)"
		args = append(args, tag)
	}
	rows, err := s.db.QueryContext(ctx, q+" ORDER BY l.created_at DESC, l.id DESC", args...)
	if err != nil {
		return nil, fmt.Errorf("store: lessons by application: %w", err)
	}
	var out []AppLessons
	index := map[int64]int{}
	var ids []any
	for len(out) < apps && rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: lessons by application: %w", err)
		}
		if _, ok := index[id]; !ok {
			index[id] = len(out)
			out = append(out, AppLessons{AppID: id})
			ids = append(ids, id)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: lessons by application: %w", err)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	tagged := ""
	args = ids
	if tag != "" {
		tagged = " AND EXISTS (SELECT 1 FROM lesson_tags t WHERE t.lesson_id = l.id AND t.tag = ?)"
		args = append(args, tag)
	}
	rows, err = s.db.QueryContext(ctx, `SELECT `+lessonCols+` FROM (
			SELECT l.*, row_number() OVER (PARTITION BY l.application_id ORDER BY l.created_at DESC, l.id DESC) AS rn
			FROM lessons l WHERE l.application_id IN (`+placeholders(len(ids))+`)`+tagged+`) AS l
		LEFT JOIN applications a ON a.id = l.application_id
		WHERE l.rn <= ? ORDER BY l.rn`, append(args, perApp)...)
	if err != nil {
		return nil, fmt.Errorf("store: lessons by application: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		l, err := scanLesson(rows)
		if err != nil {
			return nil, fmt.Errorf("store: lessons by application: %w", err)
		}
		g := &out[index[l.ApplicationID]]
		g.Company = l.Company
		g.Lessons = append(g.Lessons, l)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: lessons by application: %w", err)
	}
	return out, nil
}
