// Package compose builds what a template needs from the store (the
// application, its recruiter, the lessons worth rereading, the digest's
// week) and renders a message into an email ready for the mailer. It
// decides nothing about when a message goes out: that is plan's and
// the daemon's.
package compose

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/mailer"
	"github.com/onward-app/onward/store"
	"github.com/onward-app/onward/templates"
	"github.com/onward-app/onward/when"
)

// Composer turns a stored message into an email: it gathers what the
// template needs from the database and renders it.
type Composer struct {
	Store     *store.Store
	Templates *templates.Set
	User      mailer.Address
	Location  *time.Location // the user's zone, for dates in check-ins
	// Command is how the user runs onward, for the commands a message
	// quotes ("onward drafts send 12").
	Command string
	// RepliesRead is set when the mailbox is read, so check-ins may
	// invite a reply.
	RepliesRead bool
	// Stale is how late each kind may still go out, so a draft notice can
	// say until when it is timely.
	Stale map[onward.Kind]when.Delay
	// NoSend is set where `onward drafts send` cannot work (no SMTP
	// server): a note then offers no `drafts send` command, and tells the
	// user to send from their mail program and record it with `onward
	// drafts sent`.
	NoSend bool
	// QuietAfter is how long a follow-up may go unanswered before the
	// digest lists its application as quiet; zero: never.
	QuietAfter when.Delay
}

// Data gathers the template data for m at now.
func (c *Composer) Data(ctx context.Context, m store.Message, now time.Time) (templates.Data, error) {
	d := templates.Data{
		User:        templates.Person{Name: c.User.Name, Email: c.User.Email},
		Now:         now.In(c.Location),
		RepliesRead: c.RepliesRead,
	}
	if m.ApplicationID != 0 {
		a, err := c.Store.Application(ctx, m.ApplicationID)
		if err != nil {
			return d, err
		}
		d.App, err = c.app(ctx, a, m)
		if err != nil {
			return d, err
		}
	}
	if m.ApplicationID != 0 {
		if err := c.about(ctx, &d, m); err != nil {
			return d, err
		}
	}
	switch m.Kind {
	case onward.RejectionNotice:
		note, err := c.Store.Note(ctx, m.ID)
		if err != nil {
			return d, err
		}
		d.Notice = &templates.Notice{Phrase: note}
	case onward.InvitationNotice:
		note, err := c.Store.Note(ctx, m.ID)
		if err != nil {
			return d, err
		}
		if d.Invitation, err = c.invitation(note); err != nil {
			return d, err
		}
	case onward.Prep:
		ls, err := c.Store.Lessons(ctx, store.LessonFilter{})
		if err != nil {
			return d, err
		}
		d.Lessons = c.lessons(RankLessons(ls, d.App.Company, prepLessons))
	case onward.LetGo, onward.Learn, onward.FeedbackReceived:
		ls, err := c.Store.Lessons(ctx, store.LessonFilter{ApplicationID: m.ApplicationID})
		if err != nil {
			return d, err
		}
		d.Lessons = c.lessons(ls)
		if m.Kind == onward.LetGo {
			if d.StayInTouchAt, err = c.stayInTouchAt(ctx, m.ApplicationID); err != nil {
				return d, err
			}
		}
	case onward.DraftReady:
		draft, err := c.Store.Message(ctx, m.DraftID)
		if err != nil {
			return d, err
		}
		d.Draft = c.draft(draft)
		// The notice names whom the draft is for: the interviewer a
		// thank-you thanks, and the interview it follows.
		inner := templates.Data{App: d.App}
		if err := c.about(ctx, &inner, draft); err != nil {
			return d, err
		}
		d.Interview, d.Recipient = inner.Interview, inner.Recipient
	case onward.Digest:
		dg, ls, err := c.digest(ctx, now)
		if err != nil {
			return d, err
		}
		d.Digest, d.Lessons = dg, ls
	}
	return d, nil
}

func (c *Composer) app(ctx context.Context, a store.Application, m store.Message) (templates.App, error) {
	audience := m.Audience
	out := templates.App{
		ID: a.ID, Company: a.Company, Role: a.Role, URL: a.URL, Stage: a.Stage,
		Recruiter: templates.Person{Name: a.RecruiterName, Email: a.RecruiterEmail},
	}
	// Times in a recruiter draft read best on the recruiter's clock.
	loc := c.Location
	if audience == onward.Recruiter && a.RecruiterTZ != "" {
		if l, err := time.LoadLocation(a.RecruiterTZ); err == nil {
			loc = l
		}
	}
	if e, err := EventFor(ctx, c.Store, m, onward.Interview); err == nil {
		out.Interview = e.At.In(loc)
	} else if !errors.Is(err, store.ErrNotFound) {
		return out, err
	}
	if e, err := EventFor(ctx, c.Store, m, onward.Rejected); err == nil {
		out.Rejected = e.At.In(loc)
	} else if !errors.Is(err, store.ErrNotFound) {
		return out, err
	}
	if m.Kind == onward.OfferDeadline {
		if e, err := EventFor(ctx, c.Store, m, onward.Offer); err == nil {
			out.OfferDeadline = e.EndsAt.In(loc)
		} else if !errors.Is(err, store.ErrNotFound) {
			return out, err
		}
	}
	return out, nil
}

// EventFor returns the event of kind a message is about: the one that
// planned it when it is of that kind, else the one of that kind recorded
// last. A prep note for an interview that was moved names the date it was
// planned for, never another interview's.
func EventFor(ctx context.Context, st *store.Store, m store.Message, kind onward.EventKind) (store.Event, error) {
	if m.ID != 0 {
		e, err := st.EventOf(ctx, m.ID)
		if err == nil && e.Kind == kind {
			return e, nil
		}
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return e, err
		}
	}
	return st.LastEventOf(ctx, m.ApplicationID, kind)
}

func (c *Composer) lessons(ls []store.Lesson) []templates.Lesson {
	out := make([]templates.Lesson, 0, len(ls))
	for _, l := range ls {
		out = append(out, templates.Lesson{Text: l.Text, Company: l.Company, At: l.CreatedAt.In(c.Location), Tags: l.Tags})
	}
	return out
}

func (c *Composer) draft(m store.Message) *templates.Draft {
	d := &templates.Draft{
		ID:          m.ID,
		Kind:        m.Kind,
		To:          m.To,
		Subject:     m.Subject,
		Text:        m.Text,
		Mailto:      Mailto(m.To, m.Subject, m.Text),
		Until:       c.until(m),
		SentCommand: fmt.Sprintf("%s drafts sent %d", c.command(), m.ID),
	}
	if !c.NoSend {
		d.SendCommand = fmt.Sprintf("%s drafts send %d", c.command(), m.ID)
	}
	return d
}

// until is when m stops being timely: its first due time plus the kind's
// staleness, in the user's zone; zero for a kind that does not go stale.
func (c *Composer) until(m store.Message) time.Time {
	limit, ok := c.Stale[m.Kind]
	if !ok {
		return time.Time{}
	}
	from := m.PlannedAt
	if from.IsZero() {
		from = m.DueAt
	}
	return limit.After(from, c.location()).In(c.location())
}

func (c *Composer) location() *time.Location {
	if c.Location == nil {
		return time.UTC
	}
	return c.Location
}

func (c *Composer) command() string {
	if c.Command == "" {
		return "onward"
	}
	return c.Command
}

// Mailto builds a mailto: URL that opens a pre-filled message.
func Mailto(to, subject, body string) string {
	addr := to
	if a, err := mailer.ParseAddress(to); err == nil {
		addr = a.Email
	}
	q := url.Values{}
	q.Set("subject", subject)
	q.Set("body", body)
	// mailto wants %20 for spaces, not "+" (RFC 6068).
	return "mailto:" + url.PathEscape(addr) + "?" + strings.ReplaceAll(q.Encode(), "+", "%20")
}

func (c *Composer) digest(ctx context.Context, now time.Time) (*templates.DigestData, []templates.Lesson, error) {
	since := now.AddDate(0, 0, -7)
	d := &templates.DigestData{Since: since.In(c.Location), Until: now.In(c.Location)}
	apps, err := c.Store.Applications(ctx)
	if err != nil {
		return nil, nil, err
	}
	names := map[int64]string{}
	byStage := map[onward.Stage]*templates.StageCount{}
	for _, a := range apps {
		names[a.ID] = a.Company
		sc := byStage[a.Stage]
		if sc == nil {
			sc = &templates.StageCount{Stage: a.Stage}
			byStage[a.Stage] = sc
		}
		sc.Count++
		sc.Companies = append(sc.Companies, a.Company)
	}
	for _, st := range []onward.Stage{onward.StageApplied, onward.StageInterviewing, onward.StageOffer, onward.StageRejected, onward.StageWithdrawn} {
		if sc := byStage[st]; sc != nil {
			d.Stages = append(d.Stages, *sc)
		}
	}
	line := func(m store.Message, at time.Time) templates.MessageLine {
		return templates.MessageLine{ID: m.ID, Kind: m.Kind, Company: names[m.ApplicationID], Subject: m.Subject,
			At: at.In(c.Location), Error: m.LastError}
	}
	drafts, err := c.Store.Messages(ctx, store.MessageFilter{Status: onward.StatusDrafted})
	if err != nil {
		return nil, nil, err
	}
	for _, m := range drafts {
		l := line(m, m.DueAt)
		l.Until = c.until(m)
		d.DraftsWaiting = append(d.DraftsWaiting, l)
	}
	d.CanSend = !c.NoSend
	// The soonest to go stale first; those that never do, last.
	slices.SortStableFunc(d.DraftsWaiting, func(a, b templates.MessageLine) int {
		switch {
		case a.Until.IsZero() != b.Until.IsZero():
			if a.Until.IsZero() {
				return 1
			}
			return -1
		}
		return a.Until.Compare(b.Until)
	})
	sent, err := c.Store.MessagesBetween(ctx, onward.StatusSent, since, now)
	if err != nil {
		return nil, nil, err
	}
	for _, m := range sent {
		if m.Kind != onward.Digest && m.Kind != onward.DraftReady {
			d.Sent = append(d.Sent, line(m, m.SentAt))
		}
	}
	for _, st := range []onward.Status{onward.StatusFailed, onward.StatusExpired} {
		bad, err := c.Store.MessagesBetween(ctx, st, since, now)
		if err != nil {
			return nil, nil, err
		}
		for _, m := range bad {
			l := line(m, m.UpdatedAt)
			l.State = string(m.Status)
			d.Failed = append(d.Failed, l)
		}
	}
	next, err := c.Store.MessagesBetween(ctx, onward.StatusScheduled, now, now.AddDate(0, 0, 7))
	if err != nil {
		return nil, nil, err
	}
	for _, m := range next {
		if m.Kind != onward.Digest {
			d.DueNextWeek = append(d.DueNextWeek, line(m, m.DueAt))
		}
	}
	quiet, err := QuietApps(ctx, c.Store, apps, c.Location, c.QuietAfter, now)
	if err != nil {
		return nil, nil, err
	}
	for _, a := range apps {
		if since, ok := quiet[a.ID]; ok {
			d.Quiet = append(d.Quiet, templates.QuietApp{ID: a.ID, Company: a.Company, Role: a.Role, Since: since.In(c.Location)})
		}
	}
	ls, err := c.Store.Lessons(ctx, store.LessonFilter{Since: since})
	if err != nil {
		return nil, nil, err
	}
	if d.Patterns, err = c.patterns(ctx, now); err != nil {
		return nil, nil, err
	}
	return d, c.lessons(ls), nil
}

// Thresholds below which the digest says "not enough data" rather than
// show numbers that mean nothing.
const (
	patternWindowDays  = 90
	patternMinLessons  = 3
	patternTopTags     = 3
	patternMinTagCount = 2
)

func (c *Composer) patterns(ctx context.Context, now time.Time) (*templates.Patterns, error) {
	tags, err := c.Store.TagCounts(ctx, now.AddDate(0, 0, -patternWindowDays))
	if err != nil {
		return nil, err
	}
	p := &templates.Patterns{}
	total := 0
	for _, t := range tags {
		total += t.Lessons
	}
	for _, t := range tags[:min(len(tags), patternTopTags)] {
		if t.Lessons >= patternMinTagCount {
			p.TopTags = append(p.TopTags, templates.TagCount{Tag: t.Tag, Lessons: t.Lessons, Applications: t.Applications})
		}
	}
	p.Enough = total >= patternMinLessons && len(p.TopTags) > 0
	week := func(from, to time.Time) (templates.Funnel, error) {
		f, err := c.Store.FunnelBetween(ctx, from, to)
		return templates.Funnel{Applications: f.Applications, Interviews: f.Interviews, Offers: f.Offers, Rejections: f.Rejections}, err
	}
	if p.ThisWeek, err = week(now.AddDate(0, 0, -7), now); err != nil {
		return nil, err
	}
	if p.LastWeek, err = week(now.AddDate(0, 0, -14), now.AddDate(0, 0, -7)); err != nil {
		return nil, err
	}
	return p, nil
}

// Compose renders m into an email dated now. The Message-ID is the one
// fixed when m was planned, so a retry is the same email.
func (c *Composer) Compose(ctx context.Context, m store.Message, now time.Time) (*mailer.Message, error) {
	d, err := c.Data(ctx, m, now)
	if err != nil {
		return nil, fmt.Errorf("compose %s %d: %w", m.Kind, m.ID, err)
	}
	r, err := c.Templates.Render(m.Kind, d)
	if err != nil {
		return nil, fmt.Errorf("compose %s %d: %w", m.Kind, m.ID, err)
	}
	out := &mailer.Message{
		From:      c.User,
		Subject:   r.Subject,
		Text:      r.Text,
		HTML:      r.HTML,
		MessageID: m.MessageID,
		// The Date reads on the user's clock, as their own mail would.
		Date: now.In(c.location()),
	}
	if m.Audience == onward.User {
		out.To = c.User
		// Check-ins are written by a program; saying so keeps them out
		// of vacation auto-replies and tells mail filters what they are.
		out.AutoSubmitted = true
	} else if m.To != "" {
		to, err := mailer.ParseAddress(m.To)
		if err != nil {
			return nil, fmt.Errorf("compose %s %d: recipient: %w", m.Kind, m.ID, err)
		}
		out.To = to
	}
	return out, nil
}

// DraftEmail rebuilds the email of a recruiter draft from what is stored,
// so what the user reviewed (and perhaps edited) is exactly what is sent.
func (c *Composer) DraftEmail(m store.Message, now time.Time) (*mailer.Message, error) {
	out := &mailer.Message{From: c.User, Subject: m.Subject, Text: m.Text, HTML: m.HTML, MessageID: m.MessageID, Date: now.In(c.location())}
	if m.To != "" {
		to, err := mailer.ParseAddress(m.To)
		if err != nil {
			return nil, fmt.Errorf("draft %d: recipient: %w", m.ID, err)
		}
		out.To = to
	}
	return out, nil
}

// Attach adds a draft to a message as an .eml file the user can open,
// edit and send from their mail program.
func Attach(to *mailer.Message, draft *mailer.Message) error {
	var b bytes.Buffer
	d := *draft
	d.Unsent = true
	if _, err := d.WriteTo(&b); err != nil {
		return fmt.Errorf("attach draft: %w", err)
	}
	to.Attachments = append(to.Attachments, mailer.Attachment{
		Name: "draft.eml", ContentType: "message/rfc822", Data: b.Bytes(),
	})
	return nil
}

// invitation reads an invitation_notice's note into what its template
// shows: the time in the invitation's zone and in the user's.
func (c *Composer) invitation(note string) (*templates.Invitation, error) {
	n, err := store.DecodeInvitationNote(note)
	if err != nil {
		return nil, err
	}
	when, err := time.Parse(time.RFC3339, n.When)
	if err != nil {
		return nil, fmt.Errorf("compose: invitation note: %w", err)
	}
	if loc, err := time.LoadLocation(n.Zone); err == nil {
		when = when.In(loc)
	}
	dur := strings.TrimSuffix(strings.TrimSuffix(n.Duration, "0s"), "0m")
	return &templates.Invitation{Change: n.Change, Summary: n.Summary, When: when, Yours: when.In(c.Location),
		At: n.When, Duration: dur, With: n.With, Where: n.Where, Recorded: n.Recorded, Left: n.Left}, nil
}
