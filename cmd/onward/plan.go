package main

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/plan"
	"github.com/onward-app/onward/store"
	"github.com/onward-app/onward/tracker"
)

func (a *app) planCmd() *cobra.Command {
	var days int
	var asJSON bool
	c := &cobra.Command{
		Use:   "plan [--days N]",
		Short: "Show what goes out in the coming days, and why",
		Long: `Lists every message planned to go out in the next --days days (and any
overdue, waiting for the daemon), one line each: when, in your zone; the
kind; to whom (recruiter messages become drafts for you to send); the
application; and why then: the event it was counted from, the delay, and
what moved it after (the send window, on the recruiter's clock when their
zone is known; quiet hours; an event recorded too late; a retry; the guard
of one draft a day to a recruiter, [guards] one_draft_per_day).

A follow-up the guard of unanswered follow-ups kept back ([guards]
max_unanswered_followups) is listed too, marked "(not planned)", with
the reason; in --json it has "dropped": true and "id": 0 (it is no message).`,
		Example: `  onward plan            # the next 14 days
  onward plan --days 3
  onward plan --json | jq '.[] | select(.audience == "recruiter")'`,
		Args: exactArgs(0, "no arguments (use --days)"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if days < 1 || days > 3660 {
				return usagef("--days: %d is not a number of days from 1 to 3660", days)
			}
			ctx := cmd.Context()
			if err := a.open(ctx); err != nil {
				return err
			}
			now := a.now()
			items, err := a.upcoming(ctx, now, now.AddDate(0, 0, days))
			if err != nil {
				return err
			}
			if asJSON {
				return a.writeJSON(items)
			}
			if len(items) == 0 {
				fmt.Fprintf(a.stdout, "Nothing planned in the next %d day%s.\n", days, plural(days))
				return nil
			}
			w := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "WHEN\tKIND\tTO\tAPP\tWHY")
			for _, it := range items {
				due, _ := time.Parse(time.RFC3339, it.DueAt)
				when := a.when(due)
				switch {
				case it.Dropped:
					when += " (not planned)"
				case due.Before(now):
					when += " (overdue)"
				}
				app := "—"
				if it.ApplicationID != nil {
					app = fmt.Sprintf("%s (%d)", clip(it.Company, 24), *it.ApplicationID)
				}
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", when, it.Kind, it.ToText, app, a.whyText(it))
			}
			return w.Flush()
		},
	}
	c.Flags().IntVar(&days, "days", 14, "how many days ahead to look")
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON for scripts")
	return c
}

// planItem is one line of `onward plan`, and its JSON.
type planItem struct {
	ID            int64           `json:"id"`
	ApplicationID *int64          `json:"application_id"`
	Company       string          `json:"company,omitempty"`
	Kind          onward.Kind     `json:"kind"`
	Audience      onward.Audience `json:"audience"`
	To            string          `json:"to"`
	ToText        string          `json:"-"`
	DueAt         string          `json:"due_at"`
	Event         *eventOut       `json:"event"`
	// CountedFrom, Base, Delay, Zone and Moves are the planner's reasons
	// (plan.Explain); empty for messages no event plans.
	CountedFrom string     `json:"counted_from,omitempty"`
	Base        *string    `json:"base,omitempty"`
	Delay       string     `json:"delay,omitempty"`
	Zone        string     `json:"recruiter_zone,omitempty"`
	Moves       []planMove `json:"moves"`
	// Note says what no rule of the planner explains: a retry, a draft
	// notice, the digest's schedule, a time moved after it was planned.
	Note string `json:"note,omitempty"`
	// Dropped is set on a draft a guard did not plan: DueAt is when it
	// would have been due, and Note the guard's reason. Its ID is 0: it is no message.
	Dropped bool `json:"dropped,omitempty"`
}

type planMove struct {
	Reason string `json:"reason"`
	To     string `json:"to"`
}

// upcoming lists the scheduled messages due until until (overdue ones
// too), with the planner's reasons for each time, and the next digest.
func (a *app) upcoming(ctx context.Context, now, until time.Time) ([]planItem, error) {
	items, _, err := a.upcomingPage(ctx, now, until, 0, 0)
	return items, err
}

// upcomingPage is limit items of upcoming from the offset-th (limit 0:
// all of them), and how many there are in all. It reads only the
// messages of the page, with their events in one more statement: the web
// page's two weeks cost the rows it shows.
func (a *app) upcomingPage(ctx context.Context, now, until time.Time, offset, limit int) ([]planItem, int, error) {
	fetch := limit
	if limit > 0 {
		fetch = limit + 1 // the first of the next page, to place the digest
	}
	rows, total, err := a.st.Upcoming(ctx, until, offset, fetch)
	if err != nil {
		return nil, 0, err
	}
	var next time.Time
	if limit > 0 && len(rows) > limit {
		next = rows[limit].DueAt
		rows = rows[:limit]
	}
	last, err := a.lastEvents(ctx, rows)
	if err != nil {
		return nil, 0, err
	}
	p := policyOf(a.cfg)
	items := []planItem{}
	// A hunt has a few recruiter zones and thousands of messages: each
	// zone is read from the system's database once, not once a message.
	zones := map[string]*time.Location{}
	for _, r := range rows {
		pt := r.PendingTime
		m := store.Message{ID: r.ID, ApplicationID: r.ApplicationID, DraftID: r.DraftID, Kind: r.Kind, Audience: r.Audience,
			To: r.To, LastError: r.LastError}
		it := planItem{ID: pt.ID, Kind: pt.Kind, Audience: pt.Audience, To: m.To, DueAt: *rfc3339(pt.DueAt), Moves: []planMove{}}
		it.ToText = "you"
		if pt.Audience == onward.Recruiter {
			it.ToText = "draft for " + recipient(m)
		}
		if pt.ApplicationID != 0 {
			id := pt.ApplicationID
			it.ApplicationID = &id
			it.Company = r.Company
		}
		ev := eventOf(pt, last)
		var taken func() (map[string][]time.Time, error)
		if p.OneADay && pt.Audience == onward.Recruiter && pt.Address != "" && ev != nil {
			// The days its recipient's other drafts take, as the guard
			// of one a day saw them; its event's own are planned again.
			// Read only for a draft the guard moved: most were not.
			taken = func() (map[string][]time.Time, error) {
				drafts, err := a.st.RecruiterDraftsTo(ctx, now.Add(-48*time.Hour), []string{pt.Address})
				return store.TakenBy(drafts, pt.ID, ev.ID), err
			}
		}
		if err := a.explain(&it, p, pt, m, ev, taken, now, zones); err != nil {
			return nil, 0, err
		}
		items = append(items, it)
	}
	if limit == 0 {
		// Follow-ups a guard kept back are no messages: `onward plan`
		// lists them with the reason, the page (which lists what goes
		// out, a page at a time) does not.
		held, err := a.heldBack(ctx, p, until)
		if err != nil {
			return nil, 0, err
		}
		items = append(items, held...)
		total += len(held)
	}
	if spec := a.cfg.DigestSpec(); !spec.IsZero() {
		planned, err := a.st.ScheduledUntil(ctx, onward.Digest, until)
		if err != nil {
			return nil, 0, err
		}
		if due := spec.Next(now, a.cfg.Location()); !planned && !due.IsZero() && !due.After(until) {
			total++
			// On the page whose rows its time falls among.
			if (offset == 0 || len(rows) > 0 && !due.Before(rows[0].DueAt)) && (next.IsZero() || due.Before(next)) {
				items = append(items, planItem{Kind: onward.Digest, Audience: onward.User, To: a.cfg.User.Email, ToText: "you",
					DueAt: *rfc3339(due), Moves: []planMove{}, Note: "the digest's schedule, [digest] schedule = " + spec.String()})
			}
		}
	}
	slices.SortStableFunc(items, func(x, y planItem) int { return strings.Compare(x.DueAt, y.DueAt) })
	return items, total, nil
}

// lastEvents reads, for the rows that do not name the event that
// planned them, the event of their kind recorded last (as the daemon's
// re-timing reads it): messages planned before messages named theirs.
func (a *app) lastEvents(ctx context.Context, rows []store.PlanRow) (map[store.AppEvent]store.Event, error) {
	var keys []store.AppEvent
	for _, r := range rows {
		if r.Event != nil || r.ApplicationID == 0 {
			continue
		}
		if kind, ok := plan.PlannedBy(r.Kind); ok {
			keys = append(keys, store.AppEvent{ApplicationID: r.ApplicationID, Kind: kind})
		}
	}
	return a.st.LastEvents(ctx, keys)
}

// eventOf is the event that planned a message: the one it names, or the
// one lastEvents found.
func eventOf(pt store.PendingTime, last map[store.AppEvent]store.Event) *store.Event {
	if pt.Event != nil || pt.ApplicationID == 0 {
		return pt.Event
	}
	kind, ok := plan.PlannedBy(pt.Kind)
	if !ok {
		return nil
	}
	if e, ok := last[store.AppEvent{ApplicationID: pt.ApplicationID, Kind: kind}]; ok {
		return &e
	}
	return nil
}

// explain fills in why a message is due when it is: the planner's reasons
// as of when its event was recorded (or as of now, for a time re-timed by
// a reload since), and a note for what the planner does not decide.
func (a *app) explain(it *planItem, p plan.Policy, pt store.PendingTime, m store.Message, ev *store.Event, taken func() (map[string][]time.Time, error), now time.Time, zones map[string]*time.Location) error {
	if ev != nil {
		it.Event = &eventOut{Kind: ev.Kind, At: rfc3339(ev.At)}
		var loc *time.Location
		if pt.RecruiterTZ != "" {
			l, ok := zones[pt.RecruiterTZ]
			if !ok {
				l, _ = time.LoadLocation(pt.RecruiterTZ) // nil, as before, when it is unknown
				zones[pt.RecruiterTZ] = l
			}
			loc = l
		}
		pev := plan.Event{Kind: ev.Kind, At: ev.At, End: ev.EndsAt, RecruiterLocation: loc}
		if pt.Audience == onward.Recruiter {
			pev.Recruiter = plan.Person{Email: pt.Address}
		}
		found := func() bool {
			for _, at := range []time.Time{ev.CreatedAt, now} {
				why, ok := p.ExplainTo(pev, pt.Kind, pt.Address, at)
				if !ok || !why.DueAt.Equal(pt.PlannedAt) && !why.DueAt.Equal(pt.DueAt) {
					continue
				}
				it.CountedFrom, it.Base, it.Delay, it.Zone = why.From, rfc3339(why.Base), why.Delay, why.Zone
				for _, mv := range why.Moves {
					it.Moves = append(it.Moves, planMove{Reason: mv.Reason, To: *rfc3339(mv.To)})
				}
				return true
			}
			return false
		}
		// Without the other drafts' days first: a time the guard of one
		// draft a day did not move is explained without them.
		if !found() && taken != nil {
			var err error
			if pev.Taken, err = taken(); err != nil {
				return err
			}
			found()
		}
	}
	switch {
	case pt.Attempts > 0:
		it.Note = fmt.Sprintf("retry after %d attempt%s: %s", pt.Attempts, plural(pt.Attempts), m.LastError)
	case m.LastError != "":
		it.Note = m.LastError
	case pt.Kind == onward.DraftReady:
		it.Note = fmt.Sprintf("draft %d is ready for you to send", m.DraftID)
	case pt.Kind == onward.RejectionNotice:
		it.Note = "a reply read as a no"
	case pt.Kind == onward.InvitationNotice:
		it.Note = "a calendar invitation came"
	case it.CountedFrom == "" && ev != nil:
		it.Note = "moved since it was planned"
	}
	return nil
}

// whyText is the WHY column: "3h after the interview's end (Tue 3 Mar
// 15:00 CET); send window … → Wed 4 Mar 09:00 CET".
func (a *app) whyText(it planItem) string {
	var parts []string
	if it.CountedFrom != "" {
		base, _ := time.Parse(time.RFC3339, *it.Base)
		from := it.CountedFrom
		if from == "the event" && it.Event != nil {
			from = "the " + it.Event.Kind.Noun()
		}
		s := fmt.Sprintf("%s after %s (%s)", it.Delay, from, a.when(base))
		if strings.HasPrefix(it.Delay, "prep ") {
			s = fmt.Sprintf("%s, before %s (%s)", it.Delay, from, a.when(base))
		}
		if it.Zone != "" && !slices.ContainsFunc(it.Moves, func(m planMove) bool { return strings.Contains(m.Reason, it.Zone) }) {
			s += ", on the recruiter's clock (" + it.Zone + ")"
		}
		parts = append(parts, s)
		for _, mv := range it.Moves {
			to, _ := time.Parse(time.RFC3339, mv.To)
			parts = append(parts, mv.Reason+" → "+a.when(to))
		}
	}
	if it.Note != "" {
		parts = append(parts, it.Note)
	}
	if len(parts) == 0 {
		return "—"
	}
	return strings.Join(parts, "; ")
}

// heldBack lists the follow-ups the guard of unanswered follow-ups kept
// from being planned, for the open applications: the planner's step for
// the last event that plans follow-ups, as the guard saw it when that
// event was recorded (the follow-ups sent before it and not answered).
func (a *app) heldBack(ctx context.Context, p plan.Policy, until time.Time) ([]planItem, error) {
	if p.MaxUnanswered == 0 {
		return nil, nil
	}
	silences, err := a.st.Silences(ctx, plan.ChaseKinds(), plan.AnswerKinds())
	if err != nil || len(silences) == 0 {
		return nil, err
	}
	apps, err := a.st.Applications(ctx)
	if err != nil {
		return nil, err
	}
	var out []planItem
	for _, ap := range apps {
		s, ok := silences[ap.ID]
		if !ok || (ap.Stage != onward.StageApplied && ap.Stage != onward.StageInterviewing) {
			continue
		}
		ev, err := a.st.LastEventOf(ctx, ap.ID, "")
		if err != nil {
			return nil, err
		}
		if ev.Kind != onward.Interview && ev.Kind != onward.Applied {
			continue
		}
		unanswered := 0
		for _, c := range s.Chases {
			if c.After(s.LastAnswer) && c.Before(ev.CreatedAt) {
				unanswered++
			}
		}
		pev := plan.Event{Kind: ev.Kind, At: ev.At, End: ev.EndsAt, Recruiter: plan.Person{Name: ap.RecruiterName, Email: ap.RecruiterEmail},
			PersonKnown: true, Unanswered: unanswered}
		if ap.RecruiterTZ != "" {
			if l, err := time.LoadLocation(ap.RecruiterTZ); err == nil {
				pev.RecruiterLocation = l
			}
		}
		for _, d := range p.Plan(pev, ev.CreatedAt).Dropped {
			if d.Reason != plan.DroppedUnanswered || d.DueAt.After(until) {
				continue
			}
			id := ap.ID
			out = append(out, planItem{ApplicationID: &id, Company: ap.Company, Kind: d.Kind, Audience: d.Kind.Audience(),
				To: tracker.RecruiterAddress(ap), ToText: "not planned, for " + cmp.Or(tracker.RecruiterAddress(ap), "the recruiter"),
				DueAt: *rfc3339(d.DueAt), Event: &eventOut{Kind: ev.Kind, At: rfc3339(ev.At)}, Moves: []planMove{},
				Note: fmt.Sprintf("%d follow-up%s unanswered: %s", unanswered, plural(unanswered), d.Reason), Dropped: true})
		}
	}
	return out, nil
}
