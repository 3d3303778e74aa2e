// Package plan turns what happened to an application into the messages it
// should bring, and when: an event and a policy in, a Step out. It is pure
// (no database, no clock but the now it is given), so every rule is a
// table entry and a test. The rules for every event are in one table,
// rules, below.
package plan

import (
	"cmp"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/address"
	"github.com/onward-app/onward/when"
)

// Policy is the part of the config that turns events into due times.
type Policy struct {
	Location *time.Location  // the user's zone
	Window   when.Spec       // minutes in which recruiter drafts may fall due; zero: any
	Quiet    when.QuietHours // no check-ins to the user inside these
	Delays   map[onward.Kind]when.Delay
	// Prep plans a note before each future interview; PrepOn switches it on.
	Prep   when.PrepRule
	PrepOn bool
	// Stale is how late a kind may go out at all; a message that would be
	// later than that already when planned is not planned (Step.Late).
	Stale map[onward.Kind]when.Delay

	// The etiquette guards on recruiter drafts.
	//
	// MaxUnanswered is how many chasing drafts (Chases) an application
	// may have out with no answer since, ever; one more is not planned
	// (Step.Dropped). Zero: no limit.
	MaxUnanswered int
	// OneADay moves a recruiter draft that would fall due on a day
	// another draft to the same person is due (Event.Taken) to the next
	// business day, across all applications.
	OneADay bool
	// QuietAfter is how long a chasing draft that went out may go
	// unanswered before the application counts as quiet (QuietSince);
	// zero: never.
	QuietAfter when.Delay
}

// Event is something that happened to an application.
type Event struct {
	Kind onward.EventKind
	At   time.Time
	// End is when an interview ends; zero for other events.
	End time.Time
	// RecruiterLocation is the recruiter's zone when known, else nil.
	RecruiterLocation *time.Location
	// Recruiter is the application's recruiter; Email is empty when the
	// address is not known.
	Recruiter Person

	// With is who interviewed the user (an interview): each one with an
	// address gets a thank-you of their own.
	With []Person
	// Expect is the day they said they would decide by, at its start in
	// the user's zone (an interview); zero when they did not say.
	Expect time.Time

	// Interviewed is set on a rejection when an interview was recorded
	// before it; a rejection without one is at the CV stage.
	Interviewed bool
	// PersonKnown is set on a rejection that came from a person who may
	// answer: not a no-reply address or an applicant tracking system; and
	// when re-timing messages that exist, whose recipients are settled.
	PersonKnown bool

	// Declined is set on feedback that says they give none.
	Declined bool

	// Unanswered is how many chasing drafts of the application went out
	// (sent) with nothing heard from the employer since: no event of
	// theirs dated after it, this one included. Policy.MaxUnanswered
	// reads it.
	Unanswered int
	// Taken are the due times of the recruiter drafts already planned,
	// waiting or sent, by address in lower case: not those this event
	// cancels, nor its own (the step plans them again, one after the
	// other). A draft is due when the user is told it is ready, so these
	// are the days the recipient already has a note coming. Policy.OneADay
	// reads it.
	Taken map[string][]time.Time
}

// Addresses are the addresses in lower case that a step for ev may
// write to: the recruiter's and those of the people interviewed with.
// Event.Taken needs the days of these alone.
func (ev Event) Addresses() []string {
	var out []string
	for _, e := range append([]string{ev.Recruiter.Email}, emails(ev.With)...) {
		if e = strings.ToLower(strings.TrimSpace(e)); e != "" && !slices.Contains(out, e) {
			out = append(out, e)
		}
	}
	return out
}

func emails(people []Person) []string {
	out := make([]string, 0, len(people))
	for _, p := range people {
		out = append(out, p.Email)
	}
	return out
}

// Person is someone a recruiter draft may go to.
type Person struct {
	Name, Email string
}

// Planned is one message the plan wants, and when.
type Planned struct {
	Kind onward.Kind
	// To is who a recruiter draft goes to: zero for the application's
	// recruiter, else an interviewer being thanked.
	To    Person
	DueAt time.Time
	// PlannedAt is when it would have been due had the event been recorded
	// on time; staleness counts from here, so a thank-you for an interview
	// recorded a week late is expired, not sent.
	PlannedAt time.Time
	// Reason says why a message in Step.Dropped was not planned.
	Reason string
	// Guard is the move a guard made (one draft a day to a recruiter),
	// nil when none did; Explain reports it.
	Guard *Move
}

// Step is what an event does to the pending messages of its application:
// pending messages of the Cancel kinds are cancelled, then Schedule is
// added. Cancelling before scheduling makes a repeated event (a second
// interview) replace what the first one planned.
type Step struct {
	Cancel   []onward.Kind
	Schedule []Planned
	// Late are messages the event would have planned but that are past
	// their staleness limit already (an interview recorded days late).
	Late []Planned
	// Dropped are recruiter drafts the event would have planned to an
	// address no person reads (a no-reply address, an applicant tracking
	// system): a draft there would go nowhere, so none is planned.
	Dropped []Planned
}

// DroppedNoReply is the reason given for a draft in Step.Dropped.
const DroppedNoReply = "its address reads no mail (a no-reply address): no draft is planned to it"

// DroppedUnanswered is the reason given for a chasing draft in
// Step.Dropped when the application has as many unanswered ones as
// Policy.MaxUnanswered allows.
const DroppedUnanswered = "guard max_unanswered_followups: the application has had as many follow-ups without an answer as [guards] allows; no more are planned"

// MovedOneADay is the reason given when a recruiter draft moved because
// another draft to the same person is due that day.
const MovedOneADay = "guard one_draft_per_day: another draft to this recruiter is due that day, so it moved to the next business day"

// Paced reports whether the guard of one draft a day may move a draft of
// kind. A withdrawal and a decline are not moved: they tell the
// recruiter the user is no longer a candidate, and a day's wait means a
// day of their work on the user's behalf for nothing. They still take
// their day: what comes after them to the same person moves.
func Paced(kind onward.Kind) bool { return kind != onward.Withdrawal && kind != onward.Decline }

// Chases reports whether kind is a draft that asks the recruiter where
// things stand: a status check, a follow-up on an application. These are
// the notes that turn into pressure when repeated into silence, so only
// they count toward Policy.MaxUnanswered. A thank-you, a feedback request
// (once ever already), a stay-in-touch note, a feedback thank-you, a
// withdrawal or a decline answer something or close something: none asks
// again.
func Chases(kind onward.Kind) bool { return slices.Contains(ChaseKinds(), kind) }

// ChaseKinds returns the kinds Chases reports, for reading the store.
func ChaseKinds() []onward.Kind { return []onward.Kind{onward.StatusCheck, onward.ApplicationFollowUp} }

// Answers reports whether an event is the employer's word: a reply, an
// interview, an outcome, feedback. A chasing draft sent before such an
// event (by its date) was answered.
func Answers(e onward.EventKind) bool { return slices.Contains(AnswerKinds(), e) }

// AnswerKinds returns the event kinds Answers reports.
func AnswerKinds() []onward.EventKind {
	return []onward.EventKind{onward.Reply, onward.Interview, onward.Rejected, onward.Offer, onward.Feedback, onward.OfferWithdrawn}
}

// rule is what one kind of event does: the pending kinds it cancels, the
// kinds it plans (counted from the event, or from the interview's end),
// and whether it plans a prep note before itself.
type rule struct {
	cancel    []onward.Kind
	cancelAll bool // cancel every pending kind: the application is over
	plans     []onward.Kind
	fromEnd   bool // count from End (an interview's end), or At when End is zero
	prep      bool // plan a prep note before At (when the policy has PrepOn)
	// to says who gets a kind when it is not the recruiter once: one
	// message per person it returns.
	to map[onward.Kind]func(Event) []Person
	// unless drops a kind from the plan when the event does not call for
	// it.
	unless map[onward.Kind]func(Event) bool
	// optional are the kinds planned only when the policy gives them a
	// delay: the user switches them off with an empty one.
	optional []onward.Kind
	// afterExpect are the kinds due after the decision date the
	// interviewer gave (Event.Expect), when they gave one.
	afterExpect []onward.Kind
	// dayBefore are the kinds due the day before End (an offer's
	// deadline); dropped when there is no End or no time left before it.
	dayBefore []onward.Kind
}

// rules is every event's effect on an application's messages. A new kind
// of message is planned by adding it to the plans of its event here; the
// events that end an application cancel it with the rest.
var rules = map[onward.EventKind]rule{
	onward.Applied: {plans: kinds(onward.NoReply, onward.ApplicationFollowUp), optional: kinds(onward.NoReply, onward.ApplicationFollowUp), unless: map[onward.Kind]func(Event) bool{onward.ApplicationFollowUp: noOneToWrite}},
	onward.Interview: {
		cancel: kinds(onward.ThankYou, onward.StatusCheck, onward.Prep, onward.NoReply, onward.ApplicationFollowUp), plans: kinds(onward.ThankYou, onward.StatusCheck),
		fromEnd: true, prep: true,
		to:          map[onward.Kind]func(Event) []Person{onward.ThankYou: thanked},
		afterExpect: kinds(onward.StatusCheck),
	},
	onward.Rejected: {
		cancelAll: true, plans: kinds(onward.FeedbackRequest, onward.StayInTouch, onward.Learn, onward.LetGo),
		unless: map[onward.Kind]func(Event) bool{onward.FeedbackRequest: noOneToAsk, onward.StayInTouch: noOneToAsk},
	},
	onward.Reply:     {cancel: kinds(onward.StatusCheck, onward.NoReply, onward.ApplicationFollowUp)},
	onward.Offer:     {cancel: kinds(onward.StatusCheck, onward.Prep, onward.OfferDeadline, onward.NoReply, onward.ApplicationFollowUp), plans: kinds(onward.OfferDeadline), dayBefore: kinds(onward.OfferDeadline)},
	onward.Withdrawn: {cancelAll: true},
	// Feedback that came makes the request for it moot; a reply that
	// declines to give any gets no thank-you draft, only the check-in.
	onward.Feedback: {
		cancel: kinds(onward.FeedbackRequest), plans: kinds(onward.FeedbackReceived, onward.FeedbackThanks),
		unless: map[onward.Kind]func(Event) bool{onward.FeedbackThanks: func(ev Event) bool { return ev.Declined }},
	},
	onward.Accepted:          {cancelAll: true, plans: kinds(onward.Congratulations)},
	onward.AcceptedElsewhere: {cancelAll: true, plans: kinds(onward.Withdrawal), unless: map[onward.Kind]func(Event) bool{onward.Withdrawal: noContact}},
	onward.Declined:          {cancelAll: true, plans: kinds(onward.Decline)},
	onward.OfferWithdrawn:    {cancelAll: true, plans: kinds(onward.OfferWithdrawnNote)},
	// Closing a quiet application is the user letting it go: nothing to
	// the employer, nothing more to the user.
	onward.Closed: {cancelAll: true},
}

// noContact is an application with no recruiter who may answer (no
// address, or a no-reply one): a withdrawal note would go nowhere.
func noContact(ev Event) bool { return !ev.PersonKnown }

// thanked is who gets a thank-you after an interview: every interviewer
// with an address, once each, and the recruiter too, who arranged it and
// can pass thanks to those without one. With no interviewer to write to,
// the recruiter alone, whose address may still be missing. Nobody gets
// two: an interviewer who is also the recruiter gets the interviewer's.
func thanked(ev Event) []Person {
	var out []Person
	seen := map[string]bool{}
	for _, w := range ev.With {
		key := strings.ToLower(strings.TrimSpace(w.Email))
		if key == "" || seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, w)
	}
	recruiter := strings.ToLower(strings.TrimSpace(ev.Recruiter.Email))
	if len(out) == 0 || (recruiter != "" && !seen[recruiter]) {
		out = append(out, Person{})
	}
	return out
}

// noOneToAsk is a rejection before any interview that came from no person
// (a no-reply address, an applicant tracking system): a request for
// feedback or a note to stay in touch would go nowhere.
func noOneToAsk(ev Event) bool { return !ev.Interviewed && !ev.PersonKnown }

// noOneToWrite is an application whose recruiter has no address: only
// the check-in to the user is planned (a no-reply address is dropped,
// and said so, with every draft to one). PersonKnown settles it the other
// way: re-timing a draft that exists asks only for its time.
func noOneToWrite(ev Event) bool {
	return !ev.PersonKnown && strings.TrimSpace(ev.Recruiter.Email) == ""
}

// pendingAll is every kind an event plans, so every kind an application
// can have pending: read off rules, in the vocabulary's order.
var pendingAll = func() []onward.Kind {
	var out []onward.Kind
	for _, k := range onward.Kinds() {
		if _, ok := PlannedBy(k); ok {
			out = append(out, k)
		}
	}
	return out
}()

func kinds(k ...onward.Kind) []onward.Kind { return k }

// Pending returns every kind an application can have pending; the slice
// is the caller's.
func Pending() []onward.Kind { return slices.Clone(pendingAll) }

// PlannedBy says which kind of event plans messages of kind; ok is false
// for kinds no event plans (the digest, notices).
func PlannedBy(kind onward.Kind) (ev onward.EventKind, ok bool) {
	for _, e := range onward.EventKinds() {
		r := rules[e]
		if slices.Contains(r.plans, kind) || (r.prep && kind == onward.Prep) {
			return e, true
		}
	}
	return "", false
}

// Plan returns the step for ev. now clamps due times: a message whose
// planned time has already passed (an interview recorded late) falls due
// now, not in the past.
func (p Policy) Plan(ev Event, now time.Time) Step {
	return p.dropLate(p.Times(ev, now), now)
}

// dropLate moves the messages already too late to Late.
func (p Policy) dropLate(st Step, now time.Time) Step {
	keep := st.Schedule[:0:0]
	for _, m := range st.Schedule {
		if p.tooLate(m, now) {
			st.Late = append(st.Late, m)
			continue
		}
		keep = append(keep, m)
	}
	st.Schedule = keep
	return st
}

// tooLate reports whether m is past its staleness limit at now.
func (p Policy) tooLate(m Planned, now time.Time) bool {
	limit, ok := p.Stale[m.Kind]
	return ok && !now.Before(limit.After(m.PlannedAt, p.Location))
}

// Times is Plan without setting aside what is too late: the times the
// rules give, for recomputing the time of a message already planned.
func (p Policy) Times(ev Event, now time.Time) Step {
	r := rules[ev.Kind]
	base := ev.At
	if r.fromEnd && !ev.End.IsZero() {
		base = ev.End
	}
	step := Step{Cancel: slices.Clone(r.cancel)}
	if r.cancelAll {
		step.Cancel = Pending()
	}
	// What this step plans counts toward the guards as it goes: a second
	// draft to the same person in one step moves too.
	unanswered := ev.Unanswered
	taken := maps.Clone(ev.Taken)
	for _, k := range r.plans {
		if _, set := p.Delays[k]; !set && slices.Contains(r.optional, k) {
			continue
		}
		if drop := r.unless[k]; drop != nil && drop(ev) {
			continue
		}
		planned := p.plan(k, base, now, ev.RecruiterLocation)
		if slices.Contains(r.afterExpect, k) && !ev.Expect.IsZero() {
			planned = p.afterExpect(k, ev, base, now)
		}
		if slices.Contains(r.dayBefore, k) {
			var ok bool
			if planned, ok = p.dayBefore(k, ev.End, now); !ok {
				continue
			}
		}
		to := []Person{{}}
		if f := r.to[k]; f != nil {
			to = f(ev)
		}
		for _, who := range to {
			planned := planned
			planned.To = who
			addr := strings.ToLower(strings.TrimSpace(cmp.Or(who.Email, ev.Recruiter.Email)))
			if k.Audience() == onward.Recruiter && addr != "" && address.Automated(addr) {
				planned.Reason = DroppedNoReply
				step.Dropped = append(step.Dropped, planned)
				continue
			}
			if Chases(k) && p.MaxUnanswered > 0 && unanswered >= p.MaxUnanswered {
				planned.Reason = DroppedUnanswered
				step.Dropped = append(step.Dropped, planned)
				continue
			}
			// One too late to send is set aside by Plan: it takes no day.
			if k.Audience() == onward.Recruiter && p.OneADay && addr != "" && Paced(k) && !p.tooLate(planned, now) {
				loc := cmp.Or(ev.RecruiterLocation, p.Location)
				planned = p.oneADay(planned, taken[addr], loc)
				if taken == nil {
					taken = map[string][]time.Time{}
				}
				// A copy: the caller's map is not written to.
				taken[addr] = append(slices.Clip(taken[addr]), planned.DueAt)
			}
			step.Schedule = append(step.Schedule, planned)
			if Chases(k) {
				unanswered++
			}
		}
	}
	if r.prep {
		if due, ok := p.prepDue(ev.At, now, nil); ok {
			step.Schedule = append(step.Schedule, Planned{Kind: onward.Prep, DueAt: due, PlannedAt: due})
		}
	}
	return step
}

func (p Policy) plan(kind onward.Kind, base, now time.Time, recruiterLoc *time.Location) Planned {
	return Planned{Kind: kind, DueAt: p.Due(kind, base, now, recruiterLoc),
		PlannedAt: p.Due(kind, base, time.Time{}, recruiterLoc)}
}

// Due returns when a message of kind, counted from base, falls due, but
// not before now (a zero now clamps nothing). Recruiter drafts fall in the send window of the recruiter's zone (the
// user's when unknown); check-ins to the user skip the quiet hours.
func (p Policy) Due(kind onward.Kind, base, now time.Time, recruiterLoc *time.Location) time.Time {
	return p.due(kind, base, now, recruiterLoc, nil)
}

// due is Due, noting in why (when not nil) each rule that moved the time.
// Due and Explain share it, so the reason given is the rule applied.
func (p Policy) due(kind onward.Kind, base, now time.Time, recruiterLoc *time.Location, why *Why) time.Time {
	move := why.add
	t := p.Delays[kind].After(base, p.Location)
	if why != nil {
		why.Delay = p.Delays[kind].String()
	}
	if kind.Audience() == onward.Recruiter {
		loc := p.Location
		if recruiterLoc != nil {
			loc = recruiterLoc
			t = p.Delays[kind].After(base, loc)
			if why != nil {
				why.Zone = loc.String()
			}
		}
		if t.Before(now) {
			move(MovedLate, t, now)
			t = now
		}
		if !p.Window.IsZero() {
			if w := p.Window.AtOrAfter(t, loc); !w.IsZero() {
				reason := "send window " + p.Window.String() + " (your zone, " + loc.String() + ")"
				if recruiterLoc != nil {
					reason = "send window " + p.Window.String() + " on the recruiter's clock (" + loc.String() + ")"
				}
				move(reason, t, w)
				t = w
			}
		}
		return t.UTC()
	}
	if t.Before(now) {
		move(MovedLate, t, now)
		t = now
	}
	q := p.Quiet.Skip(t, p.Location)
	move("quiet hours "+p.Quiet.String()+" ("+p.Location.String()+")", t, q)
	return q.UTC()
}

// MovedLate is the reason given when a message's time had passed when it
// was planned (an event recorded late), so it fell due at once.
const MovedLate = "its time had passed when the event was recorded: due at once"

// Why is how a message's due time came about: the time it was counted
// from, the delay, and each rule that moved it after, in order.
type Why struct {
	// From says what Base is: "the event", "the interview's end", "the
	// interview's start" (a prep note, counted back by the prep rule).
	From string
	Base time.Time
	// Delay is the delay or rule applied to Base, as the config writes it.
	Delay string
	// Zone is the recruiter's zone the delay and window were counted in;
	// empty when it was the user's.
	Zone  string
	Moves []Move
	DueAt time.Time
}

// Move is one rule that moved a due time, and where to.
type Move struct {
	Reason string
	To     time.Time
	from   time.Time // where a guard's move started
}

// Explain says why ev, recorded at now, planned its message of kind for
// the time it did, by the same rules as Times. ok is false when ev plans
// no message of kind (or no time fits, for a prep note).
func (p Policy) Explain(ev Event, kind onward.Kind, now time.Time) (why Why, ok bool) {
	return p.ExplainTo(ev, kind, "", now)
}

// ExplainTo is Explain of the message of kind to the address to (one of
// several thank-yous); "" takes the first of kind.
func (p Policy) ExplainTo(ev Event, kind onward.Kind, to string, now time.Time) (why Why, ok bool) {
	r := rules[ev.Kind]
	if kind == onward.Prep && r.prep {
		why = Why{From: "the interview's start", Base: ev.At.UTC(), Delay: "prep " + p.Prep.String()}
		due, ok := p.prepDue(ev.At, now, &why)
		if !ok {
			return Why{}, false
		}
		why.DueAt = due
		return why, true
	}
	if !slices.Contains(r.plans, kind) {
		return Why{}, false
	}
	why = Why{From: "the event", Base: ev.At.UTC()}
	base := ev.At
	if r.fromEnd && !ev.End.IsZero() {
		base = ev.End
		why.From, why.Base = "the interview's end", ev.End.UTC()
	}
	why.DueAt = p.due(kind, base, now, ev.RecruiterLocation, &why)
	// A rule of the event's own may put the message elsewhere (a status
	// check after the decision date the interviewer gave): the time is
	// then Times', and the reason says so rather than tell a story the
	// planner did not follow. A guard's move is named as the guard's.
	for _, m := range p.Times(ev, now).Schedule {
		if m.Kind != kind || (to != "" && !strings.EqualFold(cmp.Or(m.To.Email, ev.Recruiter.Email), to)) {
			continue
		}
		unguarded := m.DueAt
		if m.Guard != nil {
			unguarded = m.Guard.from
		}
		if !unguarded.Equal(why.DueAt) {
			why.Moves = append(why.Moves, Move{Reason: MovedByEvent, To: unguarded.UTC()})
		}
		if m.Guard != nil {
			why.Moves = append(why.Moves, Move{Reason: m.Guard.Reason, To: m.Guard.To})
		}
		why.DueAt = m.DueAt.UTC()
		break
	}
	return why, true
}

// oneADay moves m, a recruiter draft, off every day in loc on which a
// draft in taken is due: to the next business day, at the start of the
// send window when there is one, else at the same time of day. Its
// planned time moves as far, so the guard's delay never makes it stale.
func (p Policy) oneADay(m Planned, taken []time.Time, loc *time.Location) Planned {
	busy := map[civilDay]bool{}
	for _, t := range taken {
		busy[dayOf(t, loc)] = true
	}
	from := m.DueAt
	t := m.DueAt
	// A year of taken days is far more than any hunt has; the bound only
	// keeps a corrupt input from looping.
	for i := 0; i < 366 && busy[dayOf(t, loc)]; i++ {
		next := when.AddBusinessDays(t, 1, loc)
		if !p.Window.IsZero() {
			y, mo, d := next.In(loc).Date()
			if w := p.Window.AtOrAfter(when.Wall(y, mo, d, 0, 0, 0, 0, loc), loc); !w.IsZero() {
				next = w
			}
		}
		t = next
	}
	if t.Equal(from) {
		return m
	}
	m.DueAt = t.UTC()
	m.PlannedAt = m.PlannedAt.Add(t.Sub(from)).UTC()
	m.Guard = &Move{Reason: MovedOneADay, To: m.DueAt, from: from.UTC()}
	return m
}

type civilDay struct {
	y int
	m time.Month
	d int
}

func dayOf(t time.Time, loc *time.Location) civilDay {
	y, m, d := t.In(loc).Date()
	return civilDay{y, m, d}
}

// QuietSince says whether an application has gone quiet: its last
// chasing draft went out at lastChase, nothing of the employer's is
// dated after it (lastAnswer is the date of their latest event, zero for
// none), and QuietAfter has passed since. since is lastChase; ok is false
// when it is not quiet, or the guard is off.
func (p Policy) QuietSince(lastChase, lastAnswer, now time.Time) (since time.Time, ok bool) {
	if p.QuietAfter.IsZero() || lastChase.IsZero() || lastAnswer.After(lastChase) {
		return time.Time{}, false
	}
	if now.Before(p.QuietAfter.After(lastChase, p.Location)) {
		return time.Time{}, false
	}
	return lastChase, true
}

// MovedByEvent is the reason given when the event itself sets a message's
// time, beyond its delay and the rules of when mail may go (a decision
// date the interviewer gave).
const MovedByEvent = "set by what was recorded with the event (such as a decision date they gave)"

// afterExpect plans a kind for the first business day after the decision
// date the interviewer gave, on the recruiter's clock: at the start of the
// send window that day (or the next window after it), or at the
// interview's time of day when there is no window. So it falls one to two
// business days after the date, never on a weekend.
func (p Policy) afterExpect(kind onward.Kind, ev Event, base, now time.Time) Planned {
	loc := p.Location
	if ev.RecruiterLocation != nil {
		loc = ev.RecruiterLocation
	}
	y, m, d := ev.Expect.In(p.Location).Date()
	clock := base.In(loc)
	t := when.Wall(y, m, d, clock.Hour(), clock.Minute(), 0, 0, loc)
	if !p.Window.IsZero() {
		t = when.Wall(y, m, d, 0, 0, 0, 0, loc)
	}
	t = when.AddBusinessDays(t, 1, loc)
	at := func(t time.Time) time.Time {
		if !p.Window.IsZero() {
			if w := p.Window.AtOrAfter(t, loc); !w.IsZero() {
				t = w
			}
		}
		return t.UTC()
	}
	planned := at(t)
	due := planned
	if due.Before(now) {
		due = at(now)
	}
	return Planned{Kind: kind, DueAt: due, PlannedAt: planned}
}

// DayBeforeHour is the hour, in the user's zone, of a reminder the day
// before a deadline: the evening before, like the prep note, with a night
// to think it over.
const DayBeforeHour = 18

// dayBefore plans a reminder of kind for DayBeforeHour the day before
// deadline in the user's zone, never in the past, never in quiet hours;
// ok is false when there is no deadline or the reminder would not come
// before it.
func (p Policy) dayBefore(kind onward.Kind, deadline, now time.Time) (Planned, bool) {
	if deadline.IsZero() {
		return Planned{}, false
	}
	y, m, d := deadline.In(p.Location).Date()
	planned := when.Wall(y, m, d-1, DayBeforeHour, 0, 0, 0, p.Location)
	due := planned
	if due.Before(now) {
		due = now
	}
	due = p.Quiet.Skip(due, p.Location)
	if !due.Before(deadline) {
		return Planned{}, false
	}
	return Planned{Kind: kind, DueAt: due.UTC(), PlannedAt: planned.UTC()}, true
}

// prepDue returns when the prep note for an interview starting at start
// falls due: by the rule, never in the past, never inside quiet hours, and
// never once the interview has begun. ok is false when there is no time
// left that fits (the interview is past, or only quiet hours remain).
func (p Policy) prepDue(start, now time.Time, why *Why) (time.Time, bool) {
	if !p.PrepOn || !start.After(now) {
		return time.Time{}, false
	}
	due := p.Prep.At(start, p.Location)
	if due.Before(now) {
		why.add(MovedLate, due, now)
		due = now
	}
	q := p.Quiet.Skip(due, p.Location)
	why.add("quiet hours "+p.Quiet.String()+" ("+p.Location.String()+")", due, q)
	due = q
	if !due.Before(start) {
		return time.Time{}, false
	}
	return due.UTC(), true
}

// add notes a move from one time to another, if it moved; a nil Why (a
// plan, not an explanation) notes nothing.
func (w *Why) add(reason string, from, to time.Time) {
	if w != nil && !to.Equal(from) {
		w.Moves = append(w.Moves, Move{Reason: reason, To: to.UTC()})
	}
}
