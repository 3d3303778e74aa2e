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

// Application is one job applied for.
type Application struct {
	ID             int64
	Company        string
	Role           string
	RecruiterName  string
	RecruiterEmail string
	RecruiterTZ    string
	URL            string
	Notes          string
	Stage          onward.Stage
	AppliedAt      time.Time
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Closed reports whether the application has reached an outcome.
func (a Application) Closed() bool {
	return a.Stage == onward.StageRejected || a.Stage == onward.StageOffer || a.Stage == onward.StageWithdrawn
}

const appColumns = `id, company, role, recruiter_name, recruiter_email, recruiter_tz, url, notes, stage, applied_at, created_at, updated_at`

func scanApplication(row interface{ Scan(...any) error }) (Application, error) {
	var a Application
	var applied, created, updated int64
	err := row.Scan(&a.ID, &a.Company, &a.Role, &a.RecruiterName, &a.RecruiterEmail, &a.RecruiterTZ,
		&a.URL, &a.Notes, &a.Stage, &applied, &created, &updated)
	a.AppliedAt, a.CreatedAt, a.UpdatedAt = fromMS(applied), fromMS(created), fromMS(updated)
	return a, err
}

// InsertApplication records a new application and sets its ID.
func (t *Tx) InsertApplication(ctx context.Context, a *Application) error {
	if a.Stage == "" {
		a.Stage = onward.StageApplied
	}
	if a.AppliedAt.IsZero() {
		a.AppliedAt = t.now
	}
	a.CreatedAt, a.UpdatedAt = t.now, t.now
	res, err := t.tx.ExecContext(ctx, `INSERT INTO applications
		(company, role, recruiter_name, recruiter_email, recruiter_tz, url, notes, stage, applied_at, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.Company, a.Role, a.RecruiterName, a.RecruiterEmail, a.RecruiterTZ, a.URL, a.Notes, a.Stage,
		ms(a.AppliedAt), ms(a.CreatedAt), ms(a.UpdatedAt))
	if err != nil {
		return fmt.Errorf("store: insert application: %w", err)
	}
	a.ID, err = res.LastInsertId()
	return err
}

// UpdateApplication writes every field of a back.
func (t *Tx) UpdateApplication(ctx context.Context, a *Application) error {
	a.UpdatedAt = t.now
	res, err := t.tx.ExecContext(ctx, `UPDATE applications SET company = ?, role = ?, recruiter_name = ?,
		recruiter_email = ?, recruiter_tz = ?, url = ?, notes = ?, stage = ?, updated_at = ? WHERE id = ?`,
		a.Company, a.Role, a.RecruiterName, a.RecruiterEmail, a.RecruiterTZ, a.URL, a.Notes, a.Stage,
		ms(a.UpdatedAt), a.ID)
	if err != nil {
		return fmt.Errorf("store: update application %d: %w", a.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: update application %d: %w", a.ID, ErrNotFound)
	}
	return nil
}

// Application reads one application inside the transaction.
func (t *Tx) Application(ctx context.Context, id int64) (Application, error) {
	return application(ctx, t.tx, id)
}

// Application reads one application.
func (s *Store) Application(ctx context.Context, id int64) (Application, error) {
	return application(ctx, s.db, id)
}

func application(ctx context.Context, q querier, id int64) (Application, error) {
	a, err := scanApplication(q.QueryRowContext(ctx, "SELECT "+appColumns+" FROM applications WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return a, fmt.Errorf("store: application %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return a, fmt.Errorf("store: application %d: %w", id, err)
	}
	return a, nil
}

// Applications lists every application, oldest first.
func (s *Store) Applications(ctx context.Context) ([]Application, error) {
	return applications(ctx, s.db)
}

func applications(ctx context.Context, q querier) ([]Application, error) {
	rows, err := q.QueryContext(ctx, "SELECT "+appColumns+" FROM applications ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("store: list applications: %w", err)
	}
	defer rows.Close()
	var out []Application
	for rows.Next() {
		a, err := scanApplication(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list applications: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// FindApplications returns the applications whose company equals ref, or
// failing that those whose company starts with it, ignoring case in every
// script (SQLite's lower() folds only ASCII, so "Über" would not match
// "über"). A job hunt has hundreds of applications, not millions: reading
// them all is cheaper than an index.
func (s *Store) FindApplications(ctx context.Context, ref string) ([]Application, error) {
	ref = strings.TrimSpace(ref)
	all, err := s.Applications(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: find application %q: %w", ref, err)
	}
	var exact, prefix []Application
	folded := strings.ToLower(ref)
	for _, a := range all {
		name := strings.ToLower(a.Company)
		switch {
		case strings.EqualFold(a.Company, ref):
			exact = append(exact, a)
		case strings.HasPrefix(name, folded):
			prefix = append(prefix, a)
		}
	}
	if len(exact) > 0 {
		return exact, nil
	}
	return prefix, nil
}
