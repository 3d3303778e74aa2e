package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/onward-app/onward"
)

// BoardPage is one column of the board: a page of its applications,
// newest first, with how many the whole column holds.
type BoardPage struct {
	Apps  []Application
	Total int   // in the column, matching the search, over every page
	Next  int64 // the before of the next page; 0 on the last one
}

// Board reads the columns of the board, each a set of stages: of each,
// the newest limit applications with an id below before (0: from the
// newest), and how many it holds. search, when set, keeps only the
// applications whose company, role and recruiter contain it, ignoring
// case. It reads only the rows it returns (and, for a search, the ids and
// stages of the matches), so a column of thousands costs its one page.
func (s *Store) Board(ctx context.Context, columns [][]onward.Stage, search string, before int64, limit int) ([]BoardPage, error) {
	out := make([]BoardPage, len(columns))
	if search != "" {
		return out, s.boardSearch(ctx, out, columns, search, before, limit)
	}
	var all []onward.Stage
	for _, c := range columns {
		all = append(all, c...)
	}
	totals, err := s.stageCounts(ctx, all)
	if err != nil {
		return nil, err
	}
	for i, stages := range columns {
		// One walk down applications_stage per stage, each stopping after
		// limit+1 rows, merged here: "stage IN (...)" would make SQLite
		// sort every row of the column to find the newest.
		var apps []Application
		for _, st := range stages {
			out[i].Total += totals[st]
			page, err := s.appsOfStage(ctx, st, before, limit+1)
			if err != nil {
				return nil, err
			}
			apps = append(apps, page...)
		}
		slices.SortFunc(apps, func(a, b Application) int { return cmp.Compare(b.ID, a.ID) })
		if len(apps) > limit {
			apps = apps[:limit]
			out[i].Next = apps[limit-1].ID
		}
		out[i].Apps = apps
	}
	return out, nil
}

// stageCounts counts the applications of each of stages, in one
// statement of one walk down applications_stage per stage (a GROUP BY
// over the index costs more, and counts the stages not shown too).
func (s *Store) stageCounts(ctx context.Context, stages []onward.Stage) (map[onward.Stage]int, error) {
	out := map[onward.Stage]int{}
	if len(stages) == 0 {
		return out, nil
	}
	parts := make([]string, len(stages))
	args := make([]any, len(stages))
	dest := make([]any, len(stages))
	counts := make([]int, len(stages))
	for i, st := range stages {
		parts[i] = "(SELECT count(*) FROM applications WHERE stage = ?)"
		args[i], dest[i] = st, &counts[i]
	}
	if err := s.db.QueryRowContext(ctx, "SELECT "+strings.Join(parts, ", "), args...).Scan(dest...); err != nil {
		return nil, fmt.Errorf("store: board: %w", err)
	}
	for i, st := range stages {
		out[st] = counts[i]
	}
	return out, nil
}

func (s *Store) appsOfStage(ctx context.Context, st onward.Stage, before int64, limit int) ([]Application, error) {
	q := "SELECT " + appColumns + " FROM applications WHERE stage = ?"
	args := []any{st}
	if before > 0 {
		q += " AND id < ?"
		args = append(args, before)
	}
	q += " ORDER BY id DESC LIMIT ?"
	return s.appList(ctx, q, append(args, limit)...)
}

func (s *Store) appList(ctx context.Context, query string, args ...any) ([]Application, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: board: %w", err)
	}
	defer rows.Close()
	var out []Application
	for rows.Next() {
		a, err := scanApplication(rows)
		if err != nil {
			return nil, fmt.Errorf("store: board: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// boardText is what a search looks in, one string as the board matches it.
const boardText = "company || ' ' || role || ' ' || recruiter_name || ' ' || recruiter_email"

// boardSearch fills out with the matches of search, newest first. An
// ASCII search is matched by SQLite's LIKE, which ignores the case of
// ASCII letters only; a search with any other letter is matched here,
// with Unicode's case folding, over the four fields of every application.
func (s *Store) boardSearch(ctx context.Context, out []BoardPage, columns [][]onward.Stage, search string, before int64, limit int) error {
	type hit struct {
		id    int64
		stage onward.Stage
	}
	var hits []hit
	if isASCII(search) {
		r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
		rows, err := s.db.QueryContext(ctx, "SELECT id, stage FROM applications WHERE "+boardText+` LIKE ? ESCAPE '\' ORDER BY id DESC`,
			"%"+r.Replace(search)+"%")
		if err != nil {
			return fmt.Errorf("store: board search: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var h hit
			if err := rows.Scan(&h.id, &h.stage); err != nil {
				return fmt.Errorf("store: board search: %w", err)
			}
			hits = append(hits, h)
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("store: board search: %w", err)
		}
	} else {
		rows, err := s.db.QueryContext(ctx, "SELECT id, stage, "+boardText+" FROM applications ORDER BY id DESC")
		if err != nil {
			return fmt.Errorf("store: board search: %w", err)
		}
		defer rows.Close()
		folded := strings.ToLower(search)
		for rows.Next() {
			var h hit
			var text string
			if err := rows.Scan(&h.id, &h.stage, &text); err != nil {
				return fmt.Errorf("store: board search: %w", err)
			}
			if strings.Contains(strings.ToLower(text), folded) {
				hits = append(hits, h)
			}
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("store: board search: %w", err)
		}
	}
	for i, stages := range columns {
		var ids []any
		for _, h := range hits {
			if !slices.Contains(stages, h.stage) {
				continue
			}
			out[i].Total++
			if before > 0 && h.id >= before {
				continue
			}
			if len(ids) == limit {
				out[i].Next = ids[limit-1].(int64)
				continue
			}
			ids = append(ids, h.id)
		}
		if len(ids) == 0 {
			continue
		}
		apps, err := s.appList(ctx, "SELECT "+appColumns+" FROM applications WHERE id IN ("+placeholders(len(ids))+") ORDER BY id DESC", ids...)
		if err != nil {
			return err
		}
		out[i].Apps = apps
	}
	return nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// CardMessages returns, for each application of ids, its messages that a
// board card shows (scheduled, drafted or failed) by due time, with only
// what a card says of them: kind, audience, recipient, status, due time
// and last error. One statement for the whole board.
func (s *Store) CardMessages(ctx context.Context, ids []int64) (map[int64][]Message, error) {
	out := make(map[int64][]Message, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	// "+status": the few rows of each application come from
	// messages_application; messages_due would walk every draft.
	rows, err := s.db.QueryContext(ctx, `SELECT id, application_id, kind, audience, recipient, status, due_at, last_error
		FROM messages WHERE application_id IN (`+placeholders(len(ids))+`) AND +status IN ('scheduled', 'drafted', 'failed')
		ORDER BY due_at, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: board messages: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var m Message
		var due int64
		if err := rows.Scan(&m.ID, &m.ApplicationID, &m.Kind, &m.Audience, &m.To, &m.Status, &due, &m.LastError); err != nil {
			return nil, fmt.Errorf("store: board messages: %w", err)
		}
		m.DueAt = fromMS(due)
		out[m.ApplicationID] = append(out[m.ApplicationID], m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: board messages: %w", err)
	}
	return out, nil
}

// CardSilences is Silences for the applications of ids alone, in one
// statement: what a page of cards needs to say which have gone quiet,
// without reading the follow-ups of the whole hunt.
func (s *Store) CardSilences(ctx context.Context, ids []int64, chasing []onward.Kind, answering []onward.EventKind) (map[int64]Silence, error) {
	out := make(map[int64]Silence, len(ids))
	if len(ids) == 0 || len(chasing) == 0 {
		return out, nil
	}
	var args []any
	for _, id := range ids {
		args = append(args, id)
	}
	for _, k := range chasing {
		args = append(args, k)
	}
	q := `SELECT application_id, 0, status, sent_at FROM messages
		WHERE application_id IN (` + placeholders(len(ids)) + `) AND kind IN (` + placeholders(len(chasing)) + `)
		AND status IN ('sent', 'scheduled', 'sending', 'drafted')`
	if len(answering) > 0 {
		for _, id := range ids {
			args = append(args, id)
		}
		for _, k := range answering {
			args = append(args, k)
		}
		// The answers ride in the same statement, marked 1, their
		// latest date in the time column.
		q += ` UNION ALL SELECT application_id, 1, '', MAX(at) FROM events
		WHERE application_id IN (` + placeholders(len(ids)) + `) AND kind IN (` + placeholders(len(answering)) + `)
		GROUP BY application_id`
	}
	rows, err := s.db.QueryContext(ctx, q+" ORDER BY 4", args...)
	if err != nil {
		return nil, fmt.Errorf("store: card follow-ups: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var answer bool
		var status onward.Status
		var at sql.NullInt64
		if err := rows.Scan(&id, &answer, &status, &at); err != nil {
			return nil, fmt.Errorf("store: card follow-ups: %w", err)
		}
		sl := out[id]
		switch {
		case answer:
			sl.LastAnswer = fromNullMS(at)
		case status != onward.StatusSent:
			sl.Pending++
		case at.Valid:
			sl.Chases = append(sl.Chases, fromMS(at.Int64))
		}
		out[id] = sl
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: card follow-ups: %w", err)
	}
	return out, nil
}

// CountDrafts counts the drafts waiting for the user, up to upTo (0: all
// of them), for the page's menu.
func (s *Store) CountDrafts(ctx context.Context, upTo int) (int, error) {
	q := "SELECT count(*) FROM messages WHERE status = 'drafted'"
	var args []any
	if upTo > 0 {
		q = "SELECT count(*) FROM (SELECT 1 FROM messages WHERE status = 'drafted' LIMIT ?)"
		args = append(args, upTo)
	}
	var n int
	if err := s.db.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count drafts: %w", err)
	}
	return n, nil
}

// Companies returns the company of each application of ids that exists,
// in one statement, for a page that lists messages of many applications.
func (s *Store) Companies(ctx context.Context, ids []int64) (map[int64]string, error) {
	out := make(map[int64]string, len(ids))
	var args []any
	for _, id := range ids {
		if _, ok := out[id]; !ok && id != 0 {
			out[id] = ""
			args = append(args, id)
		}
	}
	clear(out)
	if len(args) == 0 {
		return out, nil
	}
	rows, err := s.db.QueryContext(ctx, "SELECT id, company FROM applications WHERE id IN ("+placeholders(len(args))+")", args...)
	if err != nil {
		return nil, fmt.Errorf("store: companies: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var c string
		if err := rows.Scan(&id, &c); err != nil {
			return nil, fmt.Errorf("store: companies: %w", err)
		}
		out[id] = c
	}
	return out, rows.Err()
}
