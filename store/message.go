// This file is the outbox table and its state machine (DESIGN.md draws
// it): every move of a message, claimed, finished, released, cancelled,
// is here with its SQL, over 500 lines because each transition and its
// guard belong side by side.

package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"syscall"
	"time"

	"github.com/onward-app/onward"
)

// ErrNotClaimable means a message is not in a state the caller may take.
var ErrNotClaimable = errors.New("message is not in a state that allows this")

// Message is one planned email, from planning to its end.
type Message struct {
	ID            int64
	ApplicationID int64 // 0 for messages about no application (the digest)
	DraftID       int64 // draft_ready: the recruiter draft it announces
	Kind          onward.Kind
	Audience      onward.Audience
	To            string
	Status        onward.Status
	DueAt         time.Time
	PlannedAt     time.Time // the first due time; retries move DueAt only
	LeaseUntil    time.Time
	Attempts      int
	LastError     string
	MessageID     string // fixed at creation so every retry carries the same one
	Subject       string
	Text          string
	HTML          string
	SentAt        time.Time
	CreatedAt     time.Time
	UpdatedAt     time.Time

	// EventID is the event that planned the message; written when it is
	// planned, read back by EventOf (listings leave it zero).
	EventID int64
}

// Pending reports whether the message may still go out.
func (m Message) Pending() bool {
	return m.Status.Pending()
}

const msgColumns = `id, COALESCE(application_id, 0), COALESCE(draft_id, 0), kind, audience, recipient, status, due_at,
	planned_at, lease_until, attempts, last_error, message_id, subject, body_text, body_html, sent_at, created_at, updated_at,
	COALESCE(event_id, 0)`

// msgHeadColumns are msgColumns with the bodies left empty, for listings
// that show a message's line, not its text.
const msgHeadColumns = `id, COALESCE(application_id, 0), COALESCE(draft_id, 0), kind, audience, recipient, status, due_at,
	planned_at, lease_until, attempts, last_error, message_id, subject, '', '', sent_at, created_at, updated_at,
	COALESCE(event_id, 0)`

func scanMessage(row interface{ Scan(...any) error }) (Message, error) {
	var m Message
	var due, planned, created, updated int64
	var lease, sent sql.NullInt64
	err := row.Scan(&m.ID, &m.ApplicationID, &m.DraftID, &m.Kind, &m.Audience, &m.To, &m.Status, &due,
		&planned, &lease, &m.Attempts, &m.LastError, &m.MessageID, &m.Subject, &m.Text, &m.HTML, &sent, &created, &updated, &m.EventID)
	m.DueAt, m.PlannedAt, m.LeaseUntil, m.SentAt = fromMS(due), fromMS(planned), fromNullMS(lease), fromNullMS(sent)
	m.CreatedAt, m.UpdatedAt = fromMS(created), fromMS(updated)
	return m, err
}

// scanMessages reads rows into full chunks and copies each once at the
// end: a Message is some 300 bytes, and growing one slice row by row
// copies a long listing four or five times over (append grows large
// slices by a quarter).
func scanMessages(rows *sql.Rows) ([]Message, error) {
	defer rows.Close()
	var full [][]Message
	cur := make([]Message, 0, 16)
	n := 0
	for rows.Next() {
		m, err := scanMessage(rows)
		if err != nil {
			return nil, err
		}
		if len(cur) == cap(cur) {
			full = append(full, cur)
			cur = make([]Message, 0, min(2*cap(cur), 4096))
		}
		cur = append(cur, m)
		n++
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(full) == 0 {
		if n == 0 {
			return nil, nil
		}
		return cur, nil
	}
	out := make([]Message, 0, n)
	for _, c := range full {
		out = append(out, c...)
	}
	return append(out, cur...), nil
}

// NewMessageID returns a fresh, globally unique Message-ID (without angle
// brackets) in the domain of the user's address.
func NewMessageID(fromAddr string) string {
	domain := "onward.invalid"
	if _, d, ok := strings.Cut(fromAddr, "@"); ok && d != "" && !strings.ContainsAny(d, " <>\r\n") {
		domain = d
	}
	var b [12]byte
	rand.Read(b[:])
	return "onward." + hex.EncodeToString(b[:]) + "@" + domain
}

// InsertMessage plans a message and sets its ID. Status defaults to
// scheduled.
func (t *Tx) InsertMessage(ctx context.Context, m *Message) error {
	if m.Status == "" {
		m.Status = onward.StatusScheduled
	}
	m.CreatedAt, m.UpdatedAt = t.now, t.now
	if m.PlannedAt.IsZero() {
		m.PlannedAt = m.DueAt
	}
	app := sql.NullInt64{Int64: m.ApplicationID, Valid: m.ApplicationID != 0}
	draft := sql.NullInt64{Int64: m.DraftID, Valid: m.DraftID != 0}
	event := sql.NullInt64{Int64: m.EventID, Valid: m.EventID != 0}
	res, err := t.tx.ExecContext(ctx, `INSERT INTO messages (application_id, draft_id, event_id, kind, audience, recipient,
		status, due_at, planned_at, message_id, subject, body_text, body_html, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		app, draft, event, m.Kind, m.Audience, m.To, m.Status, ms(m.DueAt), ms(m.PlannedAt), m.MessageID, m.Subject, m.Text, m.HTML,
		ms(m.CreatedAt), ms(m.UpdatedAt))
	if err != nil {
		return fmt.Errorf("store: insert %s message: %w", m.Kind, err)
	}
	m.ID, err = res.LastInsertId()
	return err
}

// CancelPending cancels the scheduled and drafted messages of an
// application whose kind is one of kinds, and returns how many it
// cancelled. A message being sent right now is left alone: it is already
// on the wire.
func (t *Tx) CancelPending(ctx context.Context, appID int64, kinds []onward.Kind, reason string) (int, error) {
	if len(kinds) == 0 {
		return 0, nil
	}
	args := []any{reason, ms(t.now), appID}
	for _, k := range kinds {
		args = append(args, k)
	}
	res, err := t.tx.ExecContext(ctx, `UPDATE messages SET status = 'cancelled', last_error = ?, lease_until = NULL, updated_at = ?
		WHERE application_id = ? AND status IN ('scheduled', 'drafted') AND kind IN (`+placeholders(len(kinds))+`)`, args...)
	if err != nil {
		return 0, fmt.Errorf("store: cancel messages of application %d: %w", appID, err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// CountMessages counts an application's messages of one kind in any status.
func (t *Tx) CountMessages(ctx context.Context, appID int64, kind onward.Kind) (int, error) {
	var n int
	err := t.tx.QueryRowContext(ctx, "SELECT count(*) FROM messages WHERE application_id = ? AND kind = ?", appID, kind).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: count %s messages: %w", kind, err)
	}
	return n, nil
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// MessageFilter narrows Messages; zero fields match everything.
type MessageFilter struct {
	ApplicationID int64
	Status        onward.Status
	Kind          onward.Kind
	Audience      onward.Audience
	Limit         int
	// From, a message id, starts the list at that message in due order
	// (due_at, id): a page that begins with it.
	From int64
	// NoBodies leaves Text and HTML empty: a listing of thousands of
	// messages need not read their text.
	NoBodies bool
}

// Messages lists messages by due time.
func (s *Store) Messages(ctx context.Context, f MessageFilter) ([]Message, error) {
	// Only the conditions that filter go into the query, so that SQLite
	// can use an index for them: "(? = '' OR status = ?)" hides the
	// column from the planner and every listing scans the table.
	statusCol := "status"
	if f.ApplicationID != 0 {
		// An application's few rows beat messages_due; "+status" tells
		// SQLite not to seek by status (see NextPending).
		statusCol = "+status"
	}
	var where []string
	var args []any
	for _, c := range []struct {
		col string
		set bool
		v   any
	}{
		{"application_id", f.ApplicationID != 0, f.ApplicationID},
		{statusCol, f.Status != "", f.Status},
		{"kind", f.Kind != "", f.Kind},
		{"audience", f.Audience != "", f.Audience},
	} {
		if c.set {
			where = append(where, c.col+" = ?")
			args = append(args, c.v)
		}
	}
	if f.From != 0 {
		where = append(where, "(due_at, id) >= (SELECT due_at, id FROM messages WHERE id = ?)")
		args = append(args, f.From)
	}
	cols := msgColumns
	if f.NoBodies {
		cols = msgHeadColumns
	}
	query := "SELECT " + cols + " FROM messages"
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	query += " ORDER BY due_at, id"
	if f.Limit > 0 {
		query += " LIMIT ?"
		args = append(args, f.Limit)
	}
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: list messages: %w", err)
	}
	out, err := scanMessages(rows)
	if err != nil {
		return nil, fmt.Errorf("store: list messages: %w", err)
	}
	return out, nil
}

// Message reads one message.
func (s *Store) Message(ctx context.Context, id int64) (Message, error) {
	return message(ctx, s.db, id)
}

// Message reads one message inside the transaction.
func (t *Tx) Message(ctx context.Context, id int64) (Message, error) {
	return message(ctx, t.tx, id)
}

func message(ctx context.Context, q querier, id int64) (Message, error) {
	m, err := scanMessage(q.QueryRowContext(ctx, "SELECT "+msgColumns+" FROM messages WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return m, fmt.Errorf("store: message %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return m, fmt.Errorf("store: message %d: %w", id, err)
	}
	return m, nil
}

// NextPending returns the earliest scheduled message of an application.
func (s *Store) NextPending(ctx context.Context, appID int64) (Message, error) {
	// "+status" keeps SQLite off messages_due: walking every scheduled
	// message in due order until one of this application turns up costs
	// a scan per call, and `onward status` calls this per application.
	// messages_application narrows to the application's few rows at once.
	m, err := scanMessage(s.db.QueryRowContext(ctx, "SELECT "+msgColumns+` FROM messages
		WHERE application_id = ? AND +status = 'scheduled' ORDER BY due_at, id LIMIT 1`, appID))
	if errors.Is(err, sql.ErrNoRows) {
		return m, ErrNotFound
	}
	if err != nil {
		return m, fmt.Errorf("store: next message of application %d: %w", appID, err)
	}
	return m, nil
}

// NextWake returns the earliest time at which a message becomes due or a
// claim expires; ok is false when nothing is pending. A claim that has
// expired already counts a second from now: it is a hand send still
// running past its lease (see ClaimDue), to be looked at again soon, not
// in a loop.
func (s *Store) NextWake(ctx context.Context) (t time.Time, ok bool, err error) {
	// Two index lookups on (status, due_at) / (status, lease_until)
	// rather than one MIN over an OR, which would scan.
	var due, lease sql.NullInt64
	err = s.db.QueryRowContext(ctx, `SELECT
		(SELECT due_at FROM messages WHERE status = 'scheduled' ORDER BY due_at LIMIT 1),
		(SELECT MAX(MIN(lease_until), ?) FROM messages WHERE status = 'sending')`, ms(s.Now().Add(time.Second))).Scan(&due, &lease)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("store: next wake: %w", err)
	}
	switch {
	case due.Valid && lease.Valid:
		return fromMS(min(due.Int64, lease.Int64)), true, nil
	case due.Valid:
		return fromMS(due.Int64), true, nil
	case lease.Valid:
		return fromMS(lease.Int64), true, nil
	}
	return time.Time{}, false, nil
}

// ClaimDue claims up to limit messages that are due at now, or whose
// earlier claim by the dispatcher has expired, by marking them sending
// with a lease until now+lease. Claiming happens before any network call,
// so two dispatchers never take the same message, and a crash leaves a
// lease that expires. A hand claim (drafts send) that expired goes back to
// drafted, once no hand send is running (see handsend.go): only the user
// may send a draft to a recruiter.
func (s *Store) ClaimDue(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]Message, error) {
	var out []Message
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if err := s.takeBackHandClaims(ctx, tx, now); err != nil {
			return err
		}
		// Each branch takes at most limit rows in due order before the
		// union is sorted: the first walks messages_due and stops after
		// limit entries, so a claim costs the same whether ten or a
		// hundred thousand messages are due. Without the inner LIMITs
		// SQLite sorts every due message on every claim.
		rows, err := tx.QueryContext(ctx, "SELECT "+msgColumns+` FROM messages WHERE id IN (
			SELECT id FROM (
				SELECT * FROM (SELECT id, due_at FROM messages WHERE status = 'scheduled' AND due_at <= ?1
					ORDER BY due_at LIMIT ?2)
				UNION ALL
				SELECT * FROM (SELECT id, due_at FROM messages WHERE status = 'sending' AND claimed_by = 'daemon'
					AND lease_until <= ?1 ORDER BY due_at LIMIT ?2)
			) ORDER BY due_at LIMIT ?2) ORDER BY due_at, id`, ms(now), limit)
		if err != nil {
			return err
		}
		out, err = scanMessages(rows)
		if err != nil || len(out) == 0 {
			return err
		}
		args := make([]any, 0, len(out)+2)
		args = append(args, ms(now.Add(lease)), ms(now))
		for _, m := range out {
			args = append(args, m.ID)
		}
		_, err = tx.ExecContext(ctx, `UPDATE messages SET status = 'sending', claimed_by = 'daemon', lease_until = ?,
			updated_at = ?, attempts = attempts + 1 WHERE id IN (`+placeholders(len(out))+`)`, args...)
		for i := range out {
			out[i].Status = onward.StatusSending
			out[i].LeaseUntil = now.Add(lease)
			out[i].Attempts++
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: claim due messages: %w", explain(err))
	}
	return out, nil
}

// takeBackHandClaims hands expired hand claims back to drafted, unless a
// hand send is still running: then the process that claimed one may be
// alive, suspended or behind a stepped clock, with its send still able to
// reach the server.
func (s *Store) takeBackHandClaims(ctx context.Context, tx *sql.Tx, now time.Time) error {
	var stale bool
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM messages WHERE status = 'sending'
		AND lease_until <= ? AND claimed_by = 'hand')`, ms(now)).Scan(&stale); err != nil || !stale {
		return err
	}
	running, hold, err := s.handSendsRunning()
	if err != nil || running {
		// A lock that cannot be taken is no proof that the sender is
		// gone: leave the claim for a later round.
		return nil
	}
	defer hold.Close()
	_, err = tx.ExecContext(ctx, `UPDATE messages SET status = 'drafted', lease_until = NULL, claimed_by = '',
		last_error = 'sending was interrupted; nothing was confirmed sent, send it again', updated_at = ?1
		WHERE status = 'sending' AND claimed_by = 'hand' AND lease_until <= ?1`, ms(now))
	return err
}

// ExpireDaemonClaims makes every dispatcher claim claimable now. Only one
// daemon runs per database, so at its start any such claim belongs to a
// process that died mid-send.
func (s *Store) ExpireDaemonClaims(ctx context.Context) (int, error) {
	now := ms(s.Now())
	res, err := s.db.ExecContext(ctx, `UPDATE messages SET lease_until = ? WHERE status = 'sending'
		AND claimed_by = 'daemon' AND lease_until > ?`, now, now)
	if err != nil {
		return 0, fmt.Errorf("store: expire claims: %w", explain(err))
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// ClaimDraft claims a drafted message for sending now by the user's hand.
// It fails with ErrNotClaimable if the message is not a draft any more
// (sent, discarded, or being sent by another process). On success the
// caller holds the hand-send lock until it calls release, after the
// outcome is recorded; on error release is a no-op.
func (s *Store) ClaimDraft(ctx context.Context, id int64, lease time.Duration) (m Message, release func(), err error) {
	release = func() {}
	// Whether another hand send runs is asked before taking our own
	// shared hold, which would count.
	others, hold, err := s.handSendsRunning()
	if err != nil {
		return m, release, fmt.Errorf("store: claim draft %d: %w", id, err)
	}
	if hold != nil {
		// From exclusive to shared: the other hand sends may start.
		for {
			err = syscall.Flock(int(hold.Fd()), syscall.LOCK_SH)
			if !errors.Is(err, syscall.EINTR) {
				break
			}
		}
	} else {
		hold, _, err = s.lockHandSends(false)
	}
	if err != nil {
		if hold != nil {
			hold.Close()
		}
		return m, release, fmt.Errorf("store: claim draft %d: hand-send lock: %w", id, err)
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		var err error
		if m, err = message(ctx, tx, id); err != nil {
			return err
		}
		now := s.Now().UTC()
		// A hand claim whose lease ran out, while no other hand send runs,
		// belongs to a `drafts send` that died mid-send; the user may send
		// again without waiting for a daemon to hand the draft back.
		var claimedBy string
		if err := tx.QueryRowContext(ctx, "SELECT claimed_by FROM messages WHERE id = ?", id).Scan(&claimedBy); err != nil {
			return err
		}
		abandoned := m.Status == onward.StatusSending && claimedBy == "hand" && !m.LeaseUntil.After(now) && !others
		if m.Status != onward.StatusDrafted && !abandoned {
			return fmt.Errorf("message %d is %s: %w", id, m.Status, ErrNotClaimable)
		}
		m.Status, m.LeaseUntil = onward.StatusSending, now.Add(lease)
		m.Attempts++
		_, err = tx.ExecContext(ctx, `UPDATE messages SET status = 'sending', claimed_by = 'hand', lease_until = ?,
			attempts = attempts + 1, updated_at = ? WHERE id = ?`, ms(m.LeaseUntil), ms(now), id)
		return err
	})
	if err != nil {
		hold.Close()
		return m, release, fmt.Errorf("store: claim draft %d: %w", id, err)
	}
	return m, func() { hold.Close() }, nil
}

// Outcome is what became of a claimed message.
type Outcome struct {
	Status   onward.Status // sent, drafted, scheduled (retry), failed, expired, or drafted again after a failed hand send
	At       time.Time     // sent_at for sent; the new due time for a retry
	Error    string        // kept in last_error
	To       string
	Subject  string
	Text     string
	HTML     string
	KeepBody bool // leave subject and bodies as stored
}

// Finish records the outcome of a claimed message, but only while the
// claim is still ours: a message whose lease ran out and was claimed
// again is left to the new owner. A message the server accepted is the
// exception: sent is the truth whoever holds the claim and whatever the
// message's state, and recording it twice keeps the first time.
func (s *Store) Finish(ctx context.Context, m Message, o Outcome) error {
	return s.Update(ctx, func(tx *Tx) error { return tx.Finish(ctx, m, o) })
}

// Finish is Store.Finish inside a transaction, for callers that record
// more in the same step (a draft_ready notice with its draft).
func (t *Tx) Finish(ctx context.Context, m Message, o Outcome) error {
	due := ms(m.DueAt)
	if o.Status == onward.StatusScheduled {
		due = ms(o.At)
	}
	sent := sql.NullInt64{}
	if o.Status == onward.StatusSent {
		sent = nullMS(o.At)
	}
	body := "subject = ?, body_text = ?, body_html = ?, recipient = ?,"
	args := []any{o.Subject, o.Text, o.HTML, o.To}
	if o.KeepBody {
		body, args = "", nil
	}
	args = append(args, o.Status, due, o.Error, sent, ms(t.now), m.ID)
	query := `UPDATE messages SET ` + body + ` status = ?, due_at = ?, last_error = ?,
		sent_at = COALESCE(?, sent_at), lease_until = NULL, claimed_by = '', updated_at = ?
		WHERE id = ? AND status = 'sending' AND lease_until = ?`
	if o.Status == onward.StatusSent {
		// The first sent_at stays: the message reached the server then.
		query = `UPDATE messages SET ` + body + ` status = ?, due_at = ?, last_error = ?,
			sent_at = COALESCE(sent_at, ?), lease_until = NULL, claimed_by = '', updated_at = ?
			WHERE id = ?`
	} else {
		args = append(args, ms(m.LeaseUntil))
	}
	res, err := t.tx.ExecContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("store: record %s for message %d: %w", o.Status, m.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: record %s for message %d: the claim was lost: %w", o.Status, m.ID, ErrNotClaimable)
	}
	return nil
}

// UncountAttempt takes back the attempt a claim counted, for a claim that
// ended without trying to deliver: held for the end of quiet hours,
// expired, cancelled, or rendered into a draft that waits for the user.
func (t *Tx) UncountAttempt(ctx context.Context, id int64) error {
	if _, err := t.tx.ExecContext(ctx, "UPDATE messages SET attempts = MAX(attempts - 1, 0) WHERE id = ?", id); err != nil {
		return fmt.Errorf("store: message %d: uncount attempt: %w", id, err)
	}
	return nil
}

// Release hands claimed messages back unsent, due as before, for a
// daemon that is shutting down before it got to them.
func (s *Store) Release(ctx context.Context, msgs []Message) error {
	return s.Update(ctx, func(tx *Tx) error {
		for _, m := range msgs {
			_, err := tx.tx.ExecContext(ctx, `UPDATE messages SET status = 'scheduled', lease_until = NULL, claimed_by = '',
				attempts = MAX(attempts - 1, 0), updated_at = ? WHERE id = ? AND status = 'sending' AND lease_until = ?`,
				ms(tx.now), m.ID, ms(m.LeaseUntil))
			if err != nil {
				return fmt.Errorf("store: release message %d: %w", m.ID, err)
			}
		}
		return nil
	})
}

// SetDraft changes a draft's subject and text, for `drafts edit`.
func (t *Tx) SetDraft(ctx context.Context, id int64, subject, text string) error {
	res, err := t.tx.ExecContext(ctx, `UPDATE messages SET subject = ?, body_text = ?, body_html = '', updated_at = ?
		WHERE id = ? AND status = 'drafted'`, subject, text, ms(t.now), id)
	if err != nil {
		return fmt.Errorf("store: edit draft %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: edit draft %d: %w", id, ErrNotClaimable)
	}
	return nil
}

// Discard marks a recruiter draft discarded, whether it is written and
// waiting or still planned: the user may decide early that a note is not
// one to send.
func (t *Tx) Discard(ctx context.Context, id int64) error {
	res, err := t.tx.ExecContext(ctx, `UPDATE messages SET status = 'discarded', lease_until = NULL, updated_at = ?
		WHERE id = ? AND audience = 'recruiter' AND status IN ('drafted', 'scheduled')`, ms(t.now), id)
	if err != nil {
		return fmt.Errorf("store: discard draft %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: discard draft %d: %w", id, ErrNotClaimable)
	}
	return nil
}

// CountByStatus counts messages per status.
func (s *Store) CountByStatus(ctx context.Context) (map[onward.Status]int, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT status, count(*) FROM messages GROUP BY status")
	if err != nil {
		return nil, fmt.Errorf("store: count messages: %w", err)
	}
	defer rows.Close()
	out := map[onward.Status]int{}
	for rows.Next() {
		var st onward.Status
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, fmt.Errorf("store: count messages: %w", err)
		}
		out[st] = n
	}
	return out, rows.Err()
}

// MessagesBetween lists messages of a status whose time (sent_at for sent,
// updated_at for failed and expired, due_at otherwise) lies in [from, to).
func (s *Store) MessagesBetween(ctx context.Context, status onward.Status, from, to time.Time) ([]Message, error) {
	col := "due_at"
	switch status {
	case onward.StatusSent:
		col = "sent_at"
	case onward.StatusFailed, onward.StatusExpired:
		col = "updated_at"
	}
	rows, err := s.db.QueryContext(ctx, "SELECT "+msgColumns+" FROM messages WHERE status = ? AND "+col+" >= ? AND "+col+" < ? ORDER BY "+col+", id",
		status, ms(from), ms(to))
	if err != nil {
		return nil, fmt.Errorf("store: list %s messages: %w", status, err)
	}
	out, err := scanMessages(rows)
	if err != nil {
		return nil, fmt.Errorf("store: list %s messages: %w", status, err)
	}
	return out, nil
}

// SetRecipient points an application's pending messages for one audience
// that went to from (or to nobody yet) at a new address; messages to
// someone else (a thank-you to an interviewer) keep theirs.
func (t *Tx) SetRecipient(ctx context.Context, appID int64, audience onward.Audience, from, to string) error {
	// A draft that waited for an address (its time has come) is looked at
	// again now that it has one.
	_, err := t.tx.ExecContext(ctx, `UPDATE messages SET recipient = ?, updated_at = ?,
		due_at = CASE WHEN recipient = '' AND ? != '' AND status = 'scheduled' AND planned_at <= ? AND due_at > ? THEN ? ELSE due_at END
		WHERE application_id = ? AND audience = ? AND status IN ('scheduled', 'drafted') AND recipient IN (?, '')`,
		to, ms(t.now), to, ms(t.now), ms(t.now), ms(t.now), appID, audience, from)
	if err != nil {
		return fmt.Errorf("store: set recipient of application %d: %w", appID, err)
	}
	return nil
}
