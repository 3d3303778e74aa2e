package tracker

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/store"
)

// ImportApplication is one application read from a spreadsheet.
type ImportApplication struct {
	NewApplication
	// Line is where it was read, for the report.
	Line int
	// Stage is where the application stands; empty means applied.
	Stage onward.Stage
	// Undated is set when the sheet gave no date: At is then the time of
	// the import, and any application of the same company and role
	// counts as the same one.
	Undated bool
}

// Imported is what became of one ImportApplication.
type Imported struct {
	Line int
	App  store.Application
	// Duplicate is set when the application was there already (same
	// company and role, applied the same day): nothing was created.
	Duplicate bool
	// Err is why the row cannot be recorded (an *InputError).
	Err error
	// Scheduled and Late count the follow-ups its stage planned, and
	// those too late to plan at all.
	Scheduled, Late int
}

// ImportOptions say what to do with the rows.
type ImportOptions struct {
	// Write commits the result; otherwise everything is rolled back and
	// the outcomes say what would have happened.
	Write bool
	// SkipBad records the good rows even when some are bad; otherwise a
	// bad row stops everything.
	SkipBad bool
}

// errRollback ends a transaction that must leave nothing behind.
var errRollback = errors.New("rolled back")

// importKey is what makes two applications the same one.
func (t *Tracker) importKey(company, role string, applied time.Time) string {
	day := ""
	if !applied.IsZero() {
		day = applied.In(t.policy.Location).Format(time.DateOnly)
	}
	return strings.ToLower(strings.TrimSpace(company)) + "\x00" + strings.ToLower(strings.TrimSpace(role)) + "\x00" + day
}

// Import records applications read from a spreadsheet, in one
// transaction: all of them, or with any bad row none unless SkipBad.
// An application already recorded is left alone, so importing a file
// twice creates nothing new. A stage past applied is recorded as an
// event on the date applied (the sheet tells no other), and the planner
// plans only what is still timely from it: a history plans nothing in
// the past.
func (t *Tracker) Import(ctx context.Context, rows []ImportApplication, opt ImportOptions) ([]Imported, error) {
	var out []Imported
	err := t.store.Update(ctx, func(tx *store.Tx) error {
		out = out[:0]
		existing, err := tx.Applications(ctx)
		if err != nil {
			return err
		}
		seen := map[string]store.Application{}
		for _, a := range existing {
			seen[t.importKey(a.Company, a.Role, a.AppliedAt)] = a
			seen[t.importKey(a.Company, a.Role, time.Time{})] = a
		}
		bad := false
		for _, r := range rows {
			res := Imported{Line: r.Line}
			a, err := checkApplication(r.NewApplication)
			if err == nil && r.Stage != "" && !isStage(r.Stage) {
				err = invalid("stage", "%q is not a stage", r.Stage)
			}
			if err != nil {
				res.Err = err
				bad = true
				out = append(out, res)
				continue
			}
			when := r.At
			if r.Undated {
				when = time.Time{}
			}
			if dup, ok := seen[t.importKey(a.Company, a.Role, when)]; ok {
				res.App, res.Duplicate = dup, true
				out = append(out, res)
				continue
			}
			if a.AppliedAt.IsZero() {
				a.AppliedAt = tx.Now()
			}
			if err := tx.InsertApplication(ctx, &a); err != nil {
				return err
			}
			if err := tx.InsertEvent(ctx, &store.Event{ApplicationID: a.ID, Kind: onward.Applied, At: a.AppliedAt}); err != nil {
				return err
			}
			switch r.Stage {
			case "", onward.StageApplied:
			case onward.StageInterviewing:
				// No interview is made up: the sheet gives no time.
				a.Stage = onward.StageInterviewing
				if err := tx.UpdateApplication(ctx, &a); err != nil {
					return err
				}
			default:
				kind := map[onward.Stage]onward.EventKind{onward.StageRejected: onward.Rejected,
					onward.StageOffer: onward.Offer, onward.StageWithdrawn: onward.Withdrawn}[r.Stage]
				step, err := t.eventTx(ctx, tx, a.ID, store.Event{Kind: kind, At: a.AppliedAt}, extra{}, func(store.Application) (onward.Stage, bool, error) {
					return r.Stage, false, nil
				})
				if err != nil {
					return err
				}
				a = step.App
				res.Scheduled, res.Late = len(step.Scheduled), len(step.Late)
			}
			res.App = a
			seen[t.importKey(a.Company, a.Role, a.AppliedAt)] = a
			seen[t.importKey(a.Company, a.Role, time.Time{})] = a
			out = append(out, res)
		}
		if (bad && !opt.SkipBad) || !opt.Write {
			return errRollback
		}
		return nil
	})
	if errors.Is(err, errRollback) {
		return out, nil
	}
	if err != nil {
		return out, fmt.Errorf("import: %w", err)
	}
	return out, nil
}

func isStage(s onward.Stage) bool {
	for _, v := range onward.Stages() {
		if v == s {
			return true
		}
	}
	return false
}

// checkApplication checks a new application as Apply and a row read from
// a file alike.
func checkApplication(n NewApplication) (store.Application, error) {
	var a store.Application
	var err error
	if a.Company, err = checkLine("company", n.Company, true); err != nil {
		return a, err
	}
	if a.Role, err = checkLine("role", n.Role, true); err != nil {
		return a, err
	}
	if a.RecruiterName, a.RecruiterEmail, err = parseRecruiter(n.Recruiter); err != nil {
		return a, err
	}
	if a.RecruiterTZ, err = checkZone(n.RecruiterTZ); err != nil {
		return a, err
	}
	if a.URL, err = checkURL(n.URL); err != nil {
		return a, err
	}
	if a.Notes, err = checkText("notes", n.Notes, maxNotes); err != nil {
		return a, err
	}
	a.AppliedAt = n.At.UTC()
	return a, nil
}

// DumpCounts counts, per table, the rows a dump import created and those
// it found there already.
type DumpCounts struct {
	Created, Existing map[string]int
}

// ImportDump reads an export (store.Dump) back, in one transaction. An
// application already recorded (same company and role, applied the same
// day) is skipped with its events and messages; a message whose
// Message-ID is known, or a lesson of the same text and time, too. Ids
// are kept where they are free, so a dump read into an empty database
// comes out again the same; elsewhere the rows get new ids and the
// references between them follow. With write unset, nothing is kept.
func (t *Tracker) ImportDump(ctx context.Context, d store.Dump, write bool) (DumpCounts, error) {
	var c DumpCounts
	err := t.store.Update(ctx, func(tx *store.Tx) error {
		c = DumpCounts{Created: map[string]int{}, Existing: map[string]int{}}
		existing, err := tx.Applications(ctx)
		if err != nil {
			return err
		}
		seen := map[string]int64{}
		for _, a := range existing {
			seen[t.importKey(a.Company, a.Role, a.AppliedAt)] = a.ID
		}
		apps, events, msgs := map[int64]int64{}, map[int64]int64{}, map[int64]int64{}
		skipApp := map[int64]bool{}
		cols := map[string][]string{}
		for _, table := range store.DumpTables {
			if cols[table], err = tx.Columns(ctx, table); err != nil {
				return err
			}
		}
		remap := func(r store.Row, col string, ids map[int64]int64) {
			if v, ok := r[col].(int64); ok {
				if n, ok := ids[v]; ok {
					r[col] = n
				}
			}
		}
		for _, r := range d.Tables["applications"] {
			old, _ := r["id"].(int64)
			company, _ := r["company"].(string)
			role, _ := r["role"].(string)
			applied, _ := r["applied_at"].(int64)
			key := t.importKey(company, role, time.UnixMilli(applied))
			if id, ok := seen[key]; ok {
				apps[old], skipApp[old] = id, true
				c.Existing["applications"]++
				continue
			}
			id, err := tx.InsertRow(ctx, "applications", cols["applications"], r)
			if err != nil {
				return err
			}
			apps[old], seen[key] = id, id
			c.Created["applications"]++
		}
		skipEvent := map[int64]bool{}
		for _, r := range d.Tables["events"] {
			old, _ := r["id"].(int64)
			if app, _ := r["application_id"].(int64); skipApp[app] {
				skipEvent[old] = true
				c.Existing["events"]++
				continue
			}
			remap(r, "application_id", apps)
			id, err := tx.InsertRow(ctx, "events", cols["events"], r)
			if err != nil {
				return err
			}
			events[old] = id
			c.Created["events"]++
		}
		// The details of events: they come and go with their event.
		for _, table := range []string{"interview_details", "interviewers", "interview_topics", "feedback"} {
			for _, r := range d.Tables[table] {
				ev, _ := r["event_id"].(int64)
				app, _ := r["application_id"].(int64)
				if skipEvent[ev] || skipApp[app] {
					c.Existing[table]++
					continue
				}
				remap(r, "event_id", events)
				remap(r, "application_id", apps)
				if _, err := tx.InsertRow(ctx, table, cols[table], r); err != nil {
					return err
				}
				c.Created[table]++
			}
		}
		for _, r := range d.Tables["lessons"] {
			text, _ := r["text"].(string)
			created, _ := r["created_at"].(int64)
			if has, err := tx.HasLesson(ctx, text, created); err != nil {
				return err
			} else if has {
				c.Existing["lessons"]++
				continue
			}
			remap(r, "application_id", apps)
			id, err := tx.InsertRow(ctx, "lessons", cols["lessons"], r)
			if err != nil {
				return err
			}
			var tags []string
			if v, ok := r["tags"].([]string); ok {
				for _, tag := range v {
					if n, ok := NormalizeTag(tag); ok {
						tags = append(tags, n)
					}
				}
			}
			if err := tx.InsertTags(ctx, id, tags); err != nil {
				return err
			}
			c.Created["lessons"]++
		}
		for _, r := range d.Tables["messages"] {
			old, _ := r["id"].(int64)
			mid, _ := r["message_id"].(string)
			app, _ := r["application_id"].(int64)
			has, err := tx.HasMessageID(ctx, mid)
			if err != nil {
				return err
			}
			if has || skipApp[app] {
				c.Existing["messages"]++
				continue
			}
			remap(r, "application_id", apps)
			remap(r, "event_id", events)
			remap(r, "draft_id", msgs)
			id, err := tx.InsertRow(ctx, "messages", cols["messages"], r)
			if err != nil {
				return err
			}
			msgs[old] = id
			c.Created["messages"]++
		}
		if !write {
			return errRollback
		}
		return nil
	})
	if errors.Is(err, errRollback) {
		return c, nil
	}
	if err != nil {
		return c, fmt.Errorf("import: %w", err)
	}
	return c, nil
}
