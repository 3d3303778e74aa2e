// Package tracker is the one door through which the user's changes reach
// the database, whether they come from the CLI or, later, the inbox. Each
// operation is one transaction that records the event and applies the
// follow-up plan it causes, so the two are never out of step.
package tracker

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/mailer"
	"github.com/onward-app/onward/plan"
	"github.com/onward-app/onward/store"
)

// ErrInvalid marks errors caused by the user's input, as opposed to the
// machine's. Callers test it with errors.Is to choose an exit code.
var ErrInvalid = errors.New("invalid input")

// InputError names the field that is wrong and why.
type InputError struct {
	Field string
	Msg   string
}

func (e *InputError) Error() string { return e.Field + ": " + e.Msg }

// Is makes every InputError match ErrInvalid.
func (e *InputError) Is(target error) bool { return target == ErrInvalid }

func invalid(field, format string, args ...any) error {
	return &InputError{Field: field, Msg: fmt.Sprintf(format, args...)}
}

// Tracker applies the user's changes.
type Tracker struct {
	store  *store.Store
	policy plan.Policy
	user   mailer.Address
	// mail, when set, is the Message-ID of the email in the user's mailbox
	// that caused the change: it is marked handled in the same
	// transaction, and a change whose mail was handled already is skipped.
	mail string
}

// FromMail returns a tracker whose changes come from the email with the
// given Message-ID, so that reading the mailbox twice (a restart, a reset
// of the folder's UIDs) never records a reply or a lesson twice.
func (t *Tracker) FromMail(messageID string) *Tracker {
	c := *t
	c.mail = messageID
	return &c
}

// ErrHandled means the email behind a change was handled before.
var ErrHandled = errors.New("this email was handled before")

// claimMail marks the tracker's email handled in tx, or reports that it
// was handled already.
func (t *Tracker) claimMail(ctx context.Context, tx *store.Tx) error {
	if t.mail == "" {
		return nil
	}
	seen, err := tx.IsSeen(ctx, t.mail)
	if err != nil {
		return err
	}
	if seen {
		return ErrHandled
	}
	return tx.MarkSeen(ctx, t.mail)
}

// New returns a tracker that plans with policy and sends check-ins to user.
func New(st *store.Store, policy plan.Policy, user mailer.Address) *Tracker {
	return &Tracker{store: st, policy: policy, user: user}
}

// Result is what an operation did.
type Result struct {
	App       store.Application
	Scheduled []store.Message
	// Late are follow-ups not planned because they would already be too
	// late to send politely (the event was recorded days after it).
	Late []plan.Planned
	// Dropped are recruiter drafts not planned because their address
	// reads no mail (plan.Step.Dropped).
	Dropped   []plan.Planned
	Cancelled int
	// Unchanged is set when the operation had already been applied (a
	// second reject): nothing was written.
	Unchanged bool
}

// Limits keep one careless paste from filling an email or the database.
const (
	maxLine  = 200
	maxNotes = 10000
)

// checkLine rejects what must fit on one line of an email header.
func checkLine(field, v string, required bool) (string, error) {
	v = strings.TrimSpace(v)
	switch {
	case required && v == "":
		return "", invalid(field, "must not be empty")
	case !utf8.ValidString(v):
		return "", invalid(field, "is not valid UTF-8")
	case strings.ContainsAny(v, "\r\n"):
		return "", invalid(field, "must be one line (it contains a line break)")
	case strings.ContainsRune(v, 0) || hasControl(v):
		return "", invalid(field, "contains a control character")
	case utf8.RuneCountInString(v) > maxLine:
		return "", invalid(field, "is longer than %d characters", maxLine)
	}
	return v, nil
}

// checkText checks free text (notes, lessons): lines are fine, but not the
// control characters that would redraw a terminal when it is printed.
func checkText(field, v string, limit int) (string, error) {
	v = strings.TrimSpace(strings.ReplaceAll(v, "\r\n", "\n"))
	switch {
	case !utf8.ValidString(v):
		return "", invalid(field, "is not valid UTF-8")
	case strings.ContainsRune(v, 0):
		return "", invalid(field, "contains a NUL character")
	case hasControl(strings.ReplaceAll(v, "\n", " ")):
		return "", invalid(field, "contains a control character")
	case utf8.RuneCountInString(v) > limit:
		return "", invalid(field, "is longer than %d characters", limit)
	}
	return v, nil
}

// hasControl finds characters that change how text around them reads:
// control codes, line and paragraph separators, and bidirectional
// overrides (which can make a subject read backwards).
func hasControl(s string) bool {
	for _, r := range s {
		if r < 0x20 && r != '\t' || r >= 0x7f && r < 0xa0 || r == '\u2028' || r == '\u2029' || unicode.Is(unicode.Bidi_Control, r) {
			return true
		}
	}
	return false
}

// checkURL accepts an empty string or an http(s) link.
func checkURL(v string) (string, error) {
	v, err := checkLine("url", v, false)
	if err != nil || v == "" {
		return v, err
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", invalid("url", "%q is not a web address like https://example.com/jobs/42", v)
	}
	return v, nil
}

// parseRecruiter reads "Name <addr>" or a bare address; the empty string
// means "unknown".
func parseRecruiter(v string) (name, email string, err error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", "", nil
	}
	if strings.ContainsAny(v, "\r\n\x00") {
		return "", "", invalid("recruiter", "must be one line (it contains a line break or NUL)")
	}
	if strings.HasSuffix(v, "@") || strings.HasSuffix(v, "@>") {
		return "", "", invalid("recruiter", "%q has nothing after the @; write the whole address, like dana@acme.example", v)
	}
	a, err := mailer.ParseAddress(v)
	if err != nil {
		// A name without an address is common early in a hunt.
		if !strings.ContainsAny(v, "@<>,;\"") {
			n, err := checkLine("recruiter", v, true)
			return n, "", err
		}
		why := err.Error()
		if i := strings.LastIndex(why, ": "); i >= 0 {
			why = why[i+2:]
		}
		return "", "", invalid("recruiter", "%q is not an address like \"Dana Reyes <dana@acme.example>\" (%s)", v, why)
	}
	if _, err := checkLine("recruiter", a.Name, false); err != nil {
		return "", "", err
	}
	return a.Name, a.Email, nil
}

func checkZone(v string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", nil
	}
	if v == "Local" || strings.ContainsAny(v, "\r\n\x00") {
		return "", invalid("recruiter-tz", "%q is not a time zone; use an IANA name such as America/New_York", v)
	}
	if _, err := time.LoadLocation(v); err != nil {
		return "", invalid("recruiter-tz", "unknown time zone %q; use an IANA name such as America/New_York", v)
	}
	return v, nil
}

// Find resolves what the user typed for an application: its id, or a
// company name or unique prefix, ignoring case.
func (t *Tracker) Find(ctx context.Context, ref string) (store.Application, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return store.Application{}, invalid("application", "is empty; give an id or a company name")
	}
	if id, err := strconv.ParseInt(ref, 10, 64); err == nil {
		a, err := t.store.Application(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			// A company may be called "42": fall through to names.
			if apps, _ := t.store.FindApplications(ctx, ref); len(apps) == 1 {
				return apps[0], nil
			}
			return a, invalid("application", "no application with id %d (see `onward status`)", id)
		}
		return a, err
	}
	apps, err := t.store.FindApplications(ctx, ref)
	if err != nil {
		return store.Application{}, err
	}
	switch len(apps) {
	case 0:
		return store.Application{}, invalid("application", "no application matches %q (see `onward status`)", ref)
	case 1:
		return apps[0], nil
	}
	var b strings.Builder
	for _, a := range apps {
		fmt.Fprintf(&b, "\n  %d  %s — %s", a.ID, a.Company, a.Role)
	}
	return store.Application{}, invalid("application", "%q matches %d applications; use an id:%s", ref, len(apps), b.String())
}

// recruiterLocation is the recruiter's zone, or nil when unknown.
func recruiterLocation(a store.Application) *time.Location {
	if a.RecruiterTZ == "" {
		return nil
	}
	loc, err := time.LoadLocation(a.RecruiterTZ)
	if err != nil {
		return nil
	}
	return loc
}

// RecruiterAddress formats an application's recruiter for a To header, or
// "" when the address is not known.
func RecruiterAddress(a store.Application) string {
	if a.RecruiterEmail == "" {
		return ""
	}
	return mailer.Address{Name: a.RecruiterName, Email: a.RecruiterEmail}.Display()
}

// apply carries out the plan step of ev, recorded as eventID, in tx. Each
// message it plans keeps eventID: it belongs to that event.
func (t *Tracker) apply(ctx context.Context, tx *store.Tx, app store.Application, ev plan.Event, eventID int64, skip map[onward.Kind]bool) (Result, error) {
	res := Result{App: app}
	reason := "cancelled by the " + ev.Kind.Noun() + " on " + ev.At.In(t.policy.Location).Format("2 Jan 2006")
	// What the event cancels does not hang on the guards; what it plans
	// does, and is read once the cancelled drafts take no day.
	n, err := tx.CancelPending(ctx, app.ID, t.policy.Plan(ev, tx.Now()).Cancel, reason)
	if err != nil {
		return res, err
	}
	res.Cancelled = n
	if err := t.guardInputs(ctx, tx, app.ID, eventID, &ev); err != nil {
		return res, err
	}
	step := t.policy.Plan(ev, tx.Now())
	res.Late, res.Dropped = step.Late, step.Dropped
	for _, p := range step.Schedule {
		if skip[p.Kind] {
			continue
		}
		m := store.Message{
			ApplicationID: app.ID,
			EventID:       eventID,
			Kind:          p.Kind,
			Audience:      p.Kind.Audience(),
			DueAt:         p.DueAt,
			PlannedAt:     p.PlannedAt,
			MessageID:     store.NewMessageID(t.user.Email),
		}
		m.To = t.user.Display()
		if m.Audience == onward.Recruiter {
			m.To = RecruiterAddress(app)
			if p.To.Email != "" {
				m.To = mailer.Address{Name: p.To.Name, Email: p.To.Email}.Display()
			}
		}
		if err := tx.InsertMessage(ctx, &m); err != nil {
			return res, err
		}
		res.Scheduled = append(res.Scheduled, m)
	}
	return res, nil
}

// guardInputs fills in what the etiquette guards need to know of the
// store: how many chasing drafts application appID sent unanswered, and
// the days other recruiter drafts already take (not those of eventID,
// the event being planned).
func (t *Tracker) guardInputs(ctx context.Context, tx *store.Tx, appID, eventID int64, ev *plan.Event) error {
	if t.policy.MaxUnanswered > 0 {
		s, err := tx.Silence(ctx, appID, plan.ChaseKinds(), plan.AnswerKinds())
		if err != nil {
			return err
		}
		ev.Unanswered = s.Unanswered()
	}
	if t.policy.OneADay {
		// A day ago and more is no day a new draft can fall on; two
		// days back cover every zone's today.
		drafts, err := tx.RecruiterDraftsTo(ctx, tx.Now().Add(-48*time.Hour), ev.Addresses())
		if err != nil {
			return err
		}
		ev.Taken = store.TakenBy(drafts, 0, eventID)
	}
	return nil
}
