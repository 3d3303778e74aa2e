package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// InboxCursor is where one mailbox was read up to.
type InboxCursor struct {
	Mailbox     string
	UIDValidity uint32
	LastUID     uint32
}

// Cursor returns the cursor of a mailbox; ok is false if it was never read.
func (s *Store) Cursor(ctx context.Context, mailbox string) (c InboxCursor, ok bool, err error) {
	c.Mailbox = mailbox
	err = s.db.QueryRowContext(ctx, "SELECT uid_validity, last_uid FROM inbox_cursors WHERE mailbox = ?", mailbox).
		Scan(&c.UIDValidity, &c.LastUID)
	if errors.Is(err, sql.ErrNoRows) {
		return c, false, nil
	}
	if err != nil {
		return c, false, fmt.Errorf("store: cursor of %s: %w", mailbox, err)
	}
	return c, true, nil
}

// SetCursor records where a mailbox was read up to.
func (t *Tx) SetCursor(ctx context.Context, c InboxCursor) error {
	_, err := t.tx.ExecContext(ctx, `INSERT INTO inbox_cursors (mailbox, uid_validity, last_uid) VALUES (?, ?, ?)
		ON CONFLICT (mailbox) DO UPDATE SET uid_validity = excluded.uid_validity, last_uid = excluded.last_uid`,
		c.Mailbox, c.UIDValidity, c.LastUID)
	if err != nil {
		return fmt.Errorf("store: set cursor of %s: %w", c.Mailbox, err)
	}
	return nil
}

// Seen reports whether a message from the mailbox was handled already.
func (s *Store) Seen(ctx context.Context, messageID string) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM inbox_seen WHERE message_id = ?", messageID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("store: seen %s: %w", messageID, err)
	}
	return n > 0, nil
}

// MarkSeen records that a message from the mailbox was handled.
func (t *Tx) MarkSeen(ctx context.Context, messageID string) error {
	_, err := t.tx.ExecContext(ctx, "INSERT OR IGNORE INTO inbox_seen (message_id, seen_at) VALUES (?, ?)", messageID, ms(t.now))
	if err != nil {
		return fmt.Errorf("store: mark %s seen: %w", messageID, err)
	}
	return nil
}

// SetStatus records a named piece of daemon state for `onward status`
// (the outcome of the last mailbox poll).
func (s *Store) SetStatus(ctx context.Context, name, value string) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO status (name, value, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`, name, value, ms(s.Now()))
	if err != nil {
		return fmt.Errorf("store: set status %s: %w", name, explain(err))
	}
	return nil
}

// Status reads a named piece of daemon state; ok is false if never set.
func (s *Store) Status(ctx context.Context, name string) (value string, at time.Time, ok bool, err error) {
	var v int64
	err = s.db.QueryRowContext(ctx, "SELECT value, updated_at FROM status WHERE name = ?", name).Scan(&value, &v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", time.Time{}, false, nil
	}
	if err != nil {
		return "", time.Time{}, false, fmt.Errorf("store: status %s: %w", name, err)
	}
	return value, fromMS(v), true, nil
}

// MessageByMessageID finds a message onward created by its Message-ID.
func (s *Store) MessageByMessageID(ctx context.Context, messageID string) (Message, error) {
	m, err := scanMessage(s.db.QueryRowContext(ctx, "SELECT "+msgColumns+" FROM messages WHERE message_id = ?", messageID))
	if errors.Is(err, sql.ErrNoRows) {
		return m, ErrNotFound
	}
	if err != nil {
		return m, fmt.Errorf("store: message %s: %w", messageID, err)
	}
	return m, nil
}

// ApplicationsByRecruiter returns the applications, not withdrawn, whose
// recruiter has the address email or, with domain set, any address at the
// same domain.
func (s *Store) ApplicationsByRecruiter(ctx context.Context, email string, domain bool) ([]Application, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	_, dom, _ := strings.Cut(email, "@")
	rows, err := s.db.QueryContext(ctx, "SELECT "+appColumns+` FROM applications
		WHERE stage != 'withdrawn' AND recruiter_email != '' AND (lower(recruiter_email) = ?1
			OR (?2 AND ?3 != '' AND lower(recruiter_email) LIKE '%@' || ?3))
		ORDER BY updated_at DESC, id DESC`, email, domain, dom)
	if err != nil {
		return nil, fmt.Errorf("store: applications of recruiter %s: %w", email, err)
	}
	defer rows.Close()
	var out []Application
	for rows.Next() {
		a, err := scanApplication(rows)
		if err != nil {
			return nil, fmt.Errorf("store: applications of recruiter %s: %w", email, err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// MarkSentByUser records that the user sent a draft from their own mail
// program (onward saw it in the Sent folder).
func (t *Tx) MarkSentByUser(ctx context.Context, id int64, at time.Time) error {
	res, err := t.tx.ExecContext(ctx, `UPDATE messages SET status = 'sent', sent_at = ?, last_error = '', updated_at = ?
		WHERE id = ? AND status = 'drafted'`, ms(at), ms(t.now), id)
	if err != nil {
		return fmt.Errorf("store: mark draft %d sent: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: mark draft %d sent: %w", id, ErrNotClaimable)
	}
	return nil
}

// IsSeen is Seen inside a transaction.
func (t *Tx) IsSeen(ctx context.Context, messageID string) (bool, error) {
	var n int
	err := t.tx.QueryRowContext(ctx, "SELECT count(*) FROM inbox_seen WHERE message_id = ?", messageID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("store: seen %s: %w", messageID, err)
	}
	return n > 0, nil
}

// SetNote attaches a note to a message.
func (t *Tx) SetNote(ctx context.Context, id int64, note string) error {
	if _, err := t.tx.ExecContext(ctx, "UPDATE messages SET note = ? WHERE id = ?", note, id); err != nil {
		return fmt.Errorf("store: note on message %d: %w", id, err)
	}
	return nil
}

// Note reads the note attached to a message.
func (s *Store) Note(ctx context.Context, id int64) (string, error) {
	var note string
	if err := s.db.QueryRowContext(ctx, "SELECT note FROM messages WHERE id = ?", id).Scan(&note); err != nil {
		return "", fmt.Errorf("store: note on message %d: %w", id, err)
	}
	return note, nil
}

// MarkFiled records that a draft was filed in the user's mailbox.
func (s *Store) MarkFiled(ctx context.Context, id int64) error {
	if _, err := s.db.ExecContext(ctx, "UPDATE messages SET filed_at = ? WHERE id = ?", ms(s.Now()), id); err != nil {
		return fmt.Errorf("store: mark draft %d filed: %w", id, explain(err))
	}
	return nil
}

// FiledDrafts lists the drafts waiting in the user's mailbox.
func (s *Store) FiledDrafts(ctx context.Context) ([]Message, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT "+msgHeadColumns+` FROM messages
		WHERE status = 'drafted' AND audience = 'recruiter' AND filed_at IS NOT NULL ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("store: filed drafts: %w", err)
	}
	out, err := scanMessages(rows)
	if err != nil {
		return nil, fmt.Errorf("store: filed drafts: %w", err)
	}
	return out, nil
}
