package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/onward-app/onward"
)

// This file holds the writes that take back what the user recorded: an
// event undone, an application deleted, a lesson edited or deleted.

const eventColumns = `id, application_id, kind, at, ends_at, note, created_at`

func scanEvent(row interface{ Scan(...any) error }) (Event, error) {
	var e Event
	var at, created int64
	var ends sql.NullInt64
	err := row.Scan(&e.ID, &e.ApplicationID, &e.Kind, &at, &ends, &e.Note, &created)
	e.At, e.EndsAt, e.CreatedAt = fromMS(at), fromNullMS(ends), fromMS(created)
	return e, err
}

// Events lists an application's events in the order they were recorded.
func (t *Tx) Events(ctx context.Context, appID int64) ([]Event, error) {
	return listEvents(ctx, t.tx, appID, "")
}

// listEvents lists an application's events of kind ("": every kind) in
// the order they were recorded.
func listEvents(ctx context.Context, q querier, appID int64, kind onward.EventKind) ([]Event, error) {
	query, args, what := "SELECT "+eventColumns+" FROM events WHERE application_id = ?", []any{appID}, "events"
	if kind != "" {
		query, args, what = query+" AND kind = ?", append(args, kind), string(kind)+" events"
	}
	rows, err := q.QueryContext(ctx, query+" ORDER BY id", args...)
	if err != nil {
		return nil, fmt.Errorf("store: %s of application %d: %w", what, appID, err)
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, fmt.Errorf("store: %s of application %d: %w", what, appID, err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// EventDetail is one event with every other column its row has (details
// a newer schema keeps, such as an interview's), as text, empty ones left
// out: a reader shows what there is without knowing each column.
type EventDetail struct {
	Event
	Extra []Field
}

// Field is a column's name and its value as text.
type Field struct{ Name, Value string }

// EventDetails lists an application's events, recorded order, with the
// columns beyond the ones Event holds.
func (s *Store) EventDetails(ctx context.Context, appID int64) ([]EventDetail, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT * FROM events WHERE application_id = ? ORDER BY id", appID)
	if err != nil {
		return nil, fmt.Errorf("store: events of application %d: %w", appID, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, fmt.Errorf("store: events of application %d: %w", appID, err)
	}
	var out []EventDetail
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, fmt.Errorf("store: events of application %d: %w", appID, err)
		}
		var d EventDetail
		for i, c := range cols {
			v := vals[i]
			switch c {
			case "id":
				d.ID = asInt(v)
			case "application_id":
				d.ApplicationID = asInt(v)
			case "kind":
				d.Kind = onward.EventKind(asText(v))
			case "at":
				d.At = fromMS(asInt(v))
			case "ends_at":
				if v != nil {
					d.EndsAt = fromMS(asInt(v))
				}
			case "note":
				d.Note = asText(v)
			case "created_at":
				d.CreatedAt = fromMS(asInt(v))
			default:
				if text := strings.TrimSpace(asText(v)); text != "" {
					d.Extra = append(d.Extra, Field{Name: c, Value: text})
				}
			}
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

func asInt(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case float64:
		return int64(x)
	}
	return 0
}

func asText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case []byte:
		return string(x)
	default:
		return fmt.Sprint(x)
	}
}

// DeleteEvent removes one event. Its messages stay (sent ones are
// history) and lose their link to it.
func (t *Tx) DeleteEvent(ctx context.Context, id int64) error {
	res, err := t.tx.ExecContext(ctx, "DELETE FROM events WHERE id = ?", id)
	if err != nil {
		return fmt.Errorf("store: delete event %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: delete event %d: %w", id, ErrNotFound)
	}
	return nil
}

// MessagesOfEvent lists the messages an event planned, bodies left out.
func (t *Tx) MessagesOfEvent(ctx context.Context, eventID int64) ([]Message, error) {
	rows, err := t.tx.QueryContext(ctx, "SELECT "+msgHeadColumns+" FROM messages WHERE event_id = ? ORDER BY id", eventID)
	if err != nil {
		return nil, fmt.Errorf("store: messages of event %d: %w", eventID, err)
	}
	out, err := scanMessages(rows)
	if err != nil {
		return nil, fmt.Errorf("store: messages of event %d: %w", eventID, err)
	}
	return out, nil
}

// CancelOfEvent cancels the scheduled and drafted messages an event
// planned, and the notices announcing those drafts, and returns the
// messages it cancelled (as they were before).
func (t *Tx) CancelOfEvent(ctx context.Context, eventID int64, reason string) ([]Message, error) {
	rows, err := t.tx.QueryContext(ctx, "SELECT "+msgHeadColumns+` FROM messages
		WHERE status IN ('scheduled', 'drafted') AND (event_id = ?1
			OR draft_id IN (SELECT id FROM messages WHERE event_id = ?1)) ORDER BY id`, eventID)
	if err != nil {
		return nil, fmt.Errorf("store: cancel messages of event %d: %w", eventID, err)
	}
	msgs, err := scanMessages(rows)
	if err != nil {
		return nil, fmt.Errorf("store: cancel messages of event %d: %w", eventID, err)
	}
	for _, m := range msgs {
		if _, err := t.tx.ExecContext(ctx, `UPDATE messages SET status = 'cancelled', last_error = ?, lease_until = NULL,
			updated_at = ? WHERE id = ?`, reason, ms(t.now), m.ID); err != nil {
			return nil, fmt.Errorf("store: cancel message %d: %w", m.ID, err)
		}
	}
	return msgs, nil
}

// CountAsked counts an application's messages of one kind that were not
// cancelled: sent, waiting, or decided on by the user (discarded).
// A cancelled one never reached anyone.
func (t *Tx) CountAsked(ctx context.Context, appID int64, kind onward.Kind) (int, error) {
	var n int
	err := t.tx.QueryRowContext(ctx, "SELECT count(*) FROM messages WHERE application_id = ? AND kind = ? AND status <> 'cancelled'",
		appID, kind).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: count %s messages: %w", kind, err)
	}
	return n, nil
}

// CountPendingOf counts an application's pending messages of one kind.
func (t *Tx) CountPendingOf(ctx context.Context, appID int64, kind onward.Kind) (int, error) {
	var n int
	err := t.tx.QueryRowContext(ctx, `SELECT count(*) FROM messages WHERE application_id = ? AND kind = ?
		AND status IN ('scheduled', 'sending', 'drafted')`, appID, kind).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: count pending %s messages: %w", kind, err)
	}
	return n, nil
}

// Applications lists every application inside the transaction.
func (t *Tx) Applications(ctx context.Context) ([]Application, error) {
	return applications(ctx, t.tx)
}

// Footprint is what an application holds: what deleting it removes.
type Footprint struct {
	Events, Lessons, Messages, Sent, Sending int
}

// Footprint counts what application id holds.
func (s *Store) Footprint(ctx context.Context, id int64) (Footprint, error) {
	return footprint(ctx, s.db, id)
}

func footprint(ctx context.Context, q querier, id int64) (Footprint, error) {
	var f Footprint
	err := q.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM events WHERE application_id = ?1),
		(SELECT count(*) FROM lessons WHERE application_id = ?1),
		(SELECT count(*) FROM messages WHERE application_id = ?1),
		(SELECT count(*) FROM messages WHERE application_id = ?1 AND status = 'sent'),
		(SELECT count(*) FROM messages WHERE application_id = ?1 AND status = 'sending')`, id).
		Scan(&f.Events, &f.Lessons, &f.Messages, &f.Sent, &f.Sending)
	if err != nil {
		return f, fmt.Errorf("store: count what application %d holds: %w", id, err)
	}
	return f, nil
}

// ErrSending means a message of the application is on the wire.
var ErrSending = errors.New("a message of it is being sent right now")

// DeleteApplication removes an application with its events, lessons and
// messages, sent ones included, and returns what it removed. It refuses
// while one of its messages is being sent: the sender would record the
// answer on a row that is gone.
func (t *Tx) DeleteApplication(ctx context.Context, id int64) (Footprint, error) {
	f, err := footprint(ctx, t.tx, id)
	if err != nil {
		return f, err
	}
	if f.Sending > 0 {
		return f, fmt.Errorf("store: delete application %d: %w", id, ErrSending)
	}
	// Lessons outlive their application by default (ON DELETE SET NULL);
	// deleting the application takes them along, tags by cascade. Notices
	// about its drafts go with the drafts (draft_id cascades).
	for _, q := range []string{
		"DELETE FROM lessons WHERE application_id = ?",
		"DELETE FROM messages WHERE application_id = ? AND draft_id IS NOT NULL",
		"DELETE FROM messages WHERE application_id = ?",
		"DELETE FROM events WHERE application_id = ?",
	} {
		if _, err := t.tx.ExecContext(ctx, q, id); err != nil {
			return f, fmt.Errorf("store: delete application %d: %w", id, err)
		}
	}
	res, err := t.tx.ExecContext(ctx, "DELETE FROM applications WHERE id = ?", id)
	if err != nil {
		return f, fmt.Errorf("store: delete application %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return f, fmt.Errorf("store: delete application %d: %w", id, ErrNotFound)
	}
	return f, nil
}

// Lesson reads one lesson with its tags inside the transaction.
func (t *Tx) Lesson(ctx context.Context, id int64) (Lesson, error) {
	var l Lesson
	var created int64
	var tags string
	err := t.tx.QueryRowContext(ctx, `SELECT l.id, COALESCE(l.application_id, 0), COALESCE(a.company, ''),
			COALESCE(a.stage, ''), l.text, l.created_at,
			COALESCE((SELECT group_concat(tag, ' ') FROM (SELECT tag FROM lesson_tags WHERE lesson_id = l.id ORDER BY tag)), '')
		FROM lessons l LEFT JOIN applications a ON a.id = l.application_id WHERE l.id = ?`, id).
		Scan(&l.ID, &l.ApplicationID, &l.Company, &l.Stage, &l.Text, &created, &tags)
	if errors.Is(err, sql.ErrNoRows) {
		return l, fmt.Errorf("store: lesson %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return l, fmt.Errorf("store: lesson %d: %w", id, err)
	}
	l.CreatedAt = fromMS(created)
	l.Tags = strings.Fields(tags)
	return l, nil
}

// UpdateLesson writes a lesson's text and replaces its tags.
func (t *Tx) UpdateLesson(ctx context.Context, l Lesson) error {
	res, err := t.tx.ExecContext(ctx, "UPDATE lessons SET text = ? WHERE id = ?", l.Text, l.ID)
	if err != nil {
		return fmt.Errorf("store: update lesson %d: %w", l.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: update lesson %d: %w", l.ID, ErrNotFound)
	}
	if _, err := t.tx.ExecContext(ctx, "DELETE FROM lesson_tags WHERE lesson_id = ?", l.ID); err != nil {
		return fmt.Errorf("store: retag lesson %d: %w", l.ID, err)
	}
	for _, tag := range l.Tags {
		if _, err := t.tx.ExecContext(ctx, "INSERT OR IGNORE INTO lesson_tags (lesson_id, tag) VALUES (?, ?)", l.ID, tag); err != nil {
			return fmt.Errorf("store: retag lesson %d: %w", l.ID, err)
		}
	}
	return nil
}

// DeleteLesson removes a lesson and its tags.
func (t *Tx) DeleteLesson(ctx context.Context, id int64) error {
	res, err := t.tx.ExecContext(ctx, "DELETE FROM lessons WHERE id = ?", id)
	if err != nil {
		return fmt.Errorf("store: delete lesson %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: delete lesson %d: %w", id, ErrNotFound)
	}
	return nil
}

// SetApplied moves an application's date.
func (t *Tx) SetApplied(ctx context.Context, id int64, at time.Time) error {
	if _, err := t.tx.ExecContext(ctx, "UPDATE applications SET applied_at = ?, updated_at = ? WHERE id = ?", ms(at), ms(t.now), id); err != nil {
		return fmt.Errorf("store: set the date of application %d: %w", id, err)
	}
	return nil
}
