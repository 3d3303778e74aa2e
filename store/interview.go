package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/onward-app/onward"
)

// InterviewDetails is what the user recorded about one interview; every
// field may be empty.
type InterviewDetails struct {
	Kind   onward.InterviewKind
	Where  string
	Expect time.Time // the day they said they would decide by, at its start; zero: not said
	With   []Interviewer
	Topics []string
}

// IsZero reports whether nothing was recorded.
func (d InterviewDetails) IsZero() bool {
	return d.Kind == "" && d.Where == "" && d.Expect.IsZero() && len(d.With) == 0 && len(d.Topics) == 0
}

// Interviewer is a person who interviewed the user; Email and Title may be
// empty.
type Interviewer struct {
	Name  string `json:"name"`
	Email string `json:"email,omitempty"`
	Title string `json:"title,omitempty"`
}

// InsertInterviewDetails records the details of the interview eventID.
// Nothing is written when d is empty.
func (t *Tx) InsertInterviewDetails(ctx context.Context, eventID int64, d InterviewDetails) error {
	if d.IsZero() {
		return nil
	}
	if _, err := t.tx.ExecContext(ctx, `INSERT INTO interview_details (event_id, kind, place, expect_at) VALUES (?, ?, ?, ?)`,
		eventID, d.Kind, d.Where, nullMS(d.Expect)); err != nil {
		return fmt.Errorf("store: insert interview details: %w", err)
	}
	for i, w := range d.With {
		if _, err := t.tx.ExecContext(ctx, `INSERT INTO interviewers (event_id, position, name, email, title) VALUES (?, ?, ?, ?, ?)`,
			eventID, i, w.Name, w.Email, w.Title); err != nil {
			return fmt.Errorf("store: insert interviewer: %w", err)
		}
	}
	for i, topic := range d.Topics {
		if _, err := t.tx.ExecContext(ctx, `INSERT INTO interview_topics (event_id, position, text) VALUES (?, ?, ?)`,
			eventID, i, topic); err != nil {
			return fmt.Errorf("store: insert interview topic: %w", err)
		}
	}
	return nil
}

// InterviewDetails returns what was recorded about the interview eventID;
// the zero value when nothing was.
func (s *Store) InterviewDetails(ctx context.Context, eventID int64) (InterviewDetails, error) {
	return interviewDetails(ctx, s.db, eventID)
}

// InterviewDetails is Store.InterviewDetails inside a transaction.
func (t *Tx) InterviewDetails(ctx context.Context, eventID int64) (InterviewDetails, error) {
	return interviewDetails(ctx, t.tx, eventID)
}

func interviewDetails(ctx context.Context, q querier, eventID int64) (InterviewDetails, error) {
	var d InterviewDetails
	var expect sql.NullInt64
	err := q.QueryRowContext(ctx, `SELECT kind, place, expect_at FROM interview_details WHERE event_id = ?`, eventID).
		Scan(&d.Kind, &d.Where, &expect)
	if errors.Is(err, sql.ErrNoRows) {
		return d, nil
	}
	if err != nil {
		return d, fmt.Errorf("store: interview details of event %d: %w", eventID, err)
	}
	d.Expect = fromNullMS(expect)
	rows, err := q.QueryContext(ctx, `SELECT name, email, title FROM interviewers WHERE event_id = ? ORDER BY position`, eventID)
	if err != nil {
		return d, fmt.Errorf("store: interviewers of event %d: %w", eventID, err)
	}
	for rows.Next() {
		var w Interviewer
		if err := rows.Scan(&w.Name, &w.Email, &w.Title); err != nil {
			rows.Close()
			return d, fmt.Errorf("store: interviewers of event %d: %w", eventID, err)
		}
		d.With = append(d.With, w)
	}
	if err := rows.Close(); err != nil {
		return d, err
	}
	rows, err = q.QueryContext(ctx, `SELECT text FROM interview_topics WHERE event_id = ? ORDER BY position`, eventID)
	if err != nil {
		return d, fmt.Errorf("store: topics of event %d: %w", eventID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var topic string
		if err := rows.Scan(&topic); err != nil {
			return d, fmt.Errorf("store: topics of event %d: %w", eventID, err)
		}
		d.Topics = append(d.Topics, topic)
	}
	return d, rows.Err()
}

// InterviewRound returns which interview of its application the event is:
// 1 for the first start time recorded, 2 for the second. An interview
// recorded again for the same start (to add details) is the same round.
func (s *Store) InterviewRound(ctx context.Context, e Event) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(DISTINCT at) FROM events
		WHERE application_id = ? AND kind = ? AND id <= ? AND at <= ?`, e.ApplicationID, onward.Interview, e.ID, ms(e.At)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: round of interview %d: %w", e.ID, err)
	}
	return n, nil
}

// Interviews returns an application's interview events, in the order
// recorded.
func (s *Store) Interviews(ctx context.Context, appID int64) ([]Event, error) {
	return s.events(ctx, appID, onward.Interview)
}

func (s *Store) events(ctx context.Context, appID int64, kind onward.EventKind) ([]Event, error) {
	return listEvents(ctx, s.db, appID, kind)
}

// Feedback is what a recruiter said about a rejection.
type Feedback struct {
	EventID       int64
	ApplicationID int64
	Text          string
	Declined      bool // they replied that they give no feedback
	At            time.Time
	Company       string // read back by LastFeedback
}

// InsertFeedback records the feedback of the feedback event f.EventID.
func (t *Tx) InsertFeedback(ctx context.Context, f Feedback) error {
	if _, err := t.tx.ExecContext(ctx, `INSERT INTO feedback (event_id, application_id, text, declined) VALUES (?, ?, ?, ?)`,
		f.EventID, f.ApplicationID, f.Text, f.Declined); err != nil {
		return fmt.Errorf("store: insert feedback: %w", err)
	}
	return nil
}

// LastFeedback returns the feedback on an application recorded last, or,
// with appID 0, the last on any application; ErrNotFound when there is
// none. Company is filled in.
func (s *Store) LastFeedback(ctx context.Context, appID int64) (Feedback, error) {
	var f Feedback
	var at int64
	err := s.db.QueryRowContext(ctx, `SELECT f.event_id, f.application_id, a.company, f.text, f.declined, e.at
		FROM feedback f JOIN events e ON e.id = f.event_id JOIN applications a ON a.id = f.application_id
		WHERE ? = 0 OR f.application_id = ? ORDER BY f.event_id DESC LIMIT 1`, appID, appID).
		Scan(&f.EventID, &f.ApplicationID, &f.Company, &f.Text, &f.Declined, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return f, ErrNotFound
	}
	if err != nil {
		return f, fmt.Errorf("store: feedback on application %d: %w", appID, err)
	}
	f.At = fromMS(at)
	return f, nil
}

// FeedbackOf returns the feedback recorded with the feedback event
// eventID; ErrNotFound when there is none.
func (s *Store) FeedbackOf(ctx context.Context, eventID int64) (Feedback, error) {
	f := Feedback{EventID: eventID}
	err := s.db.QueryRowContext(ctx, `SELECT application_id, text, declined FROM feedback WHERE event_id = ?`, eventID).
		Scan(&f.ApplicationID, &f.Text, &f.Declined)
	if errors.Is(err, sql.ErrNoRows) {
		return f, ErrNotFound
	}
	if err != nil {
		return f, fmt.Errorf("store: feedback of event %d: %w", eventID, err)
	}
	return f, nil
}

// FeedbackCounts returns, for feedback recorded since from, how many
// applications got feedback with words in it, and how many a reply that
// declined to give any.
func (s *Store) FeedbackCounts(ctx context.Context, from time.Time) (given, declined int, err error) {
	err = s.db.QueryRowContext(ctx, `SELECT
		COUNT(DISTINCT CASE WHEN f.declined = 0 THEN f.application_id END),
		COUNT(DISTINCT CASE WHEN f.declined = 1 THEN f.application_id END)
		FROM feedback f JOIN events e ON e.id = f.event_id WHERE e.at >= ?`, ms(from)).Scan(&given, &declined)
	if err != nil {
		return 0, 0, fmt.Errorf("store: count feedback: %w", err)
	}
	return given, declined, nil
}

// CountEvents returns how many events of kind an application has.
func (t *Tx) CountEvents(ctx context.Context, appID int64, kind onward.EventKind) (int, error) {
	var n int
	if err := t.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM events WHERE application_id = ? AND kind = ?`, appID, kind).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count %s events of application %d: %w", kind, appID, err)
	}
	return n, nil
}

// DraftsWithoutAddress returns the ids of an application's recruiter
// drafts written while it had no recruiter address.
func (t *Tx) DraftsWithoutAddress(ctx context.Context, appID int64) ([]int64, error) {
	rows, err := t.tx.QueryContext(ctx, `SELECT id FROM messages WHERE application_id = ? AND audience = ?
		AND status = ? AND recipient = '' ORDER BY id`, appID, onward.Recruiter, onward.StatusDrafted)
	if err != nil {
		return nil, fmt.Errorf("store: drafts without address of application %d: %w", appID, err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: drafts without address of application %d: %w", appID, err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
