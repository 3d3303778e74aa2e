package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/onward-app/onward"
)

// PendingTime is a scheduled message not yet due, with what its due time
// is computed from, for re-timing it under a new config.
type PendingTime struct {
	ID            int64
	ApplicationID int64
	Kind          onward.Kind
	Audience      onward.Audience
	DueAt         time.Time
	PlannedAt     time.Time
	Attempts      int
	RecruiterTZ   string
	// Address is the recipient's address in lower case (AddressOf).
	Address string
	// Event is the event that planned the message; nil when it is not
	// known (a notice, the digest, or a message planned before messages
	// kept their event).
	Event *Event
}

// PendingTimes lists the scheduled messages due after now, by due time.
func (s *Store) PendingTimes(ctx context.Context, now time.Time) ([]PendingTime, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT m.id, COALESCE(m.application_id, 0), m.kind, m.audience, m.due_at,
		m.planned_at, m.attempts, COALESCE(a.recruiter_tz, ''), m.recipient, e.id, e.kind, e.at, e.ends_at, e.created_at
		FROM messages m LEFT JOIN applications a ON a.id = m.application_id LEFT JOIN events e ON e.id = m.event_id
		WHERE m.status = 'scheduled' AND m.due_at > ? ORDER BY m.due_at, m.id`, ms(now))
	if err != nil {
		return nil, fmt.Errorf("store: pending times: %w", err)
	}
	defer rows.Close()
	var out []PendingTime
	for rows.Next() {
		var p PendingTime
		var due, planned int64
		var evID, evAt, evCreated, evEnds sql.NullInt64
		var evKind sql.NullString
		var to string
		if err := rows.Scan(&p.ID, &p.ApplicationID, &p.Kind, &p.Audience, &due, &planned, &p.Attempts, &p.RecruiterTZ, &to,
			&evID, &evKind, &evAt, &evEnds, &evCreated); err != nil {
			return nil, fmt.Errorf("store: pending times: %w", err)
		}
		p.DueAt, p.PlannedAt, p.Address = fromMS(due), fromMS(planned), AddressOf(to)
		p.Event = joinedEvent(p.ApplicationID, evID, evKind, evAt, evEnds, evCreated)
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: pending times: %w", err)
	}
	return out, nil
}

// joinedEvent is the event a LEFT JOIN of a message's event read: nil
// for none.
func joinedEvent(appID int64, id sql.NullInt64, kind sql.NullString, at, ends, created sql.NullInt64) *Event {
	if !id.Valid {
		return nil
	}
	return &Event{ID: id.Int64, ApplicationID: appID, Kind: onward.EventKind(kind.String), At: fromMS(at.Int64),
		EndsAt: fromNullMS(ends), CreatedAt: fromMS(created.Int64)}
}

// Retime moves a scheduled message to a new due time (and the planned
// time staleness counts from), keeping its id and Message-ID. It changes
// nothing and reports false when the message is no longer scheduled for
// was: it was claimed, cancelled or moved meanwhile.
func (t *Tx) Retime(ctx context.Context, id int64, was, due, planned time.Time) (bool, error) {
	res, err := t.tx.ExecContext(ctx, `UPDATE messages SET due_at = ?, planned_at = ?, updated_at = ?
		WHERE id = ? AND status = 'scheduled' AND due_at = ?`, ms(due), ms(planned), ms(t.now), id, ms(was))
	if err != nil {
		return false, fmt.Errorf("store: re-time message %d: %w", id, err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}
