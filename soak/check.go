package main

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// violation is one broken promise, with the moment to print events around.
type violation struct {
	Invariant string
	What      string
	At        time.Time
}

// verdict is one invariant's line of the summary and its violations.
type verdict struct {
	Name       string
	Summary    string
	Violations []violation
}

func (v *verdict) fail(at time.Time, format string, args ...any) {
	v.Violations = append(v.Violations, violation{Invariant: v.Name, What: fmt.Sprintf(format, args...), At: at})
}

// final is what the database holds at the end.
type final struct {
	msgs      map[string]msg // by Message-ID
	eventAts  []eventAt
	lessons   []string
	feedback  []string
	integrity string
	// probes holds, per probe mark, what became of its check-in, and
	// its Message-ID.
	probes    map[string]string
	probeMIDs map[string]string
}

type eventAt struct {
	ID, App int64
	Kind    string
	At      int64
}

func readFinal(ctx context.Context, path string) (*final, error) {
	db, err := openReadOnly(path)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	f := &final{msgs: map[string]msg{}}
	s := &sampler{db: db, ev: &events{}, msgs: map[int64]*msg{}, byMessageID: map[string]*msg{}}
	if err := s.read(ctx); err != nil {
		return nil, err
	}
	for _, m := range s.byMessageID {
		f.msgs[m.MessageID] = *m
	}
	rows, err := db.QueryContext(ctx, `SELECT id, application_id, kind, at FROM events`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var e eventAt
		if err := rows.Scan(&e.ID, &e.App, &e.Kind, &e.At); err != nil {
			rows.Close()
			return nil, err
		}
		f.eventAts = append(f.eventAts, e)
	}
	rows.Close()
	for _, q := range []struct {
		sql string
		to  *[]string
	}{{`SELECT text FROM lessons`, &f.lessons}, {`SELECT text FROM feedback`, &f.feedback}} {
		rows, err := db.QueryContext(ctx, q.sql)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var t string
			if err := rows.Scan(&t); err != nil {
				rows.Close()
				return nil, err
			}
			*q.to = append(*q.to, t)
		}
		rows.Close()
	}
	f.probes, f.probeMIDs = map[string]string{}, map[string]string{}
	rows, err = db.QueryContext(ctx, `SELECT f.text, m.id, m.status, m.attempts, m.last_error, m.message_id FROM feedback f
		JOIN messages m ON m.event_id = f.event_id AND m.kind = 'feedback_received' WHERE f.text LIKE 'soak-probe-%'`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var text, status, lastErr, mid string
		var id int64
		var attempts int
		if err := rows.Scan(&text, &id, &status, &attempts, &lastErr, &mid); err != nil {
			rows.Close()
			return nil, err
		}
		mark, _, _ := strings.Cut(text, " ")
		f.probeMIDs[mark] = mid
		f.probes[mark] = fmt.Sprintf("message %d %s, attempts %d %q, Message-ID %s", id, status, attempts, lastErr, mid)
	}
	rows.Close()
	if err := db.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&f.integrity); err != nil {
		return nil, err
	}
	return f, nil
}

// bounds the daemon is held to.
type bounds struct {
	probeLatency time.Duration
	peakRSSkB    int64
}

// pair is a copy of a message that reached the server after an earlier
// one: a duplicate, allowed only with a kill of its sender in between.
type pair struct {
	from, to time.Time
	what     string
}

// excused matches duplicates to kills, each kill excusing one duplicate,
// and returns the duplicates left unexcused. Taking the pairs by their
// end and giving each the earliest free kill after its start is the
// matching that excuses the most.
func excused(pairs []pair, kills []time.Time) []pair {
	slices.SortFunc(pairs, func(a, b pair) int { return a.to.Compare(b.to) })
	kills = slices.Clone(kills)
	slices.SortFunc(kills, func(a, b time.Time) int { return a.Compare(b) })
	used := make([]bool, len(kills))
	var left []pair
	for _, p := range pairs {
		found := false
		for i, k := range kills {
			if !used[i] && !k.Before(p.from) && !k.After(p.to) {
				used[i], found = true, true
				break
			}
		}
		if !found {
			left = append(left, p)
		}
	}
	return left
}

// check runs every invariant and returns the verdicts in order.
func (k *soak) check(f *final, quietEnd time.Time, b bounds) []*verdict {
	copies := k.smtp.Copies()
	acked := map[string][]copy{}
	var unknown []copy
	for _, c := range copies {
		if !c.Acked {
			continue
		}
		acked[c.MessageID] = append(acked[c.MessageID], c)
	}
	refused := map[string]bool{}
	for _, r := range k.smtp.Refusals() {
		refused[r.MessageID] = true
	}
	lookup := func(id string) (msg, bool) {
		if m, ok := f.msgs[id]; ok {
			return m, true
		}
		return k.s.byMID(id)
	}
	k.l.mu.Lock()
	defer k.l.mu.Unlock()

	// 1. Recruiter drafts.
	drafts := &verdict{Name: "recruiter drafts: only by drafts send, at most once per sender killed"}
	sentDrafts, dups := 0, 0
	for id, cs := range acked {
		m, ok := lookup(id)
		toUser := slices.Contains(cs[0].To, userEmail) && len(cs[0].To) == 1
		if !ok {
			if !toUser {
				drafts.fail(cs[0].At, "a message onward has no record of reached %v (Message-ID %s)", cs[0].To, id)
			} else {
				unknown = append(unknown, cs[0])
			}
			continue
		}
		if m.Audience != "recruiter" {
			if !toUser {
				drafts.fail(cs[0].At, "%s message %d for the user reached %v", m.Kind, m.ID, cs[0].To)
			}
			continue
		}
		sentDrafts++
		sends := k.l.sends[id]
		if len(sends) == 0 || sends[0].After(cs[0].At) {
			drafts.fail(cs[0].At, "draft %d (%s) reached the recruiter %v with no drafts send for it", m.ID, m.Kind, cs[0].To)
			continue
		}
		kills := k.l.senderKills[id]
		var pairs []pair
		for i := 1; i < len(cs); i++ {
			dups++
			pairs = append(pairs, pair{from: cs[i-1].At, to: cs[i].At})
		}
		if left := excused(pairs, kills); len(left) > 0 {
			drafts.fail(left[0].to, "draft %d (%s) reached the recruiter %d times, with %d kills of its sender (Message-ID %s; copies: %s)",
				m.ID, m.Kind, len(cs), len(kills), id, describe(k.ev.start, copiesOf(copies, id)))
		}
	}
	markedSent := 0
	for _, m := range f.msgs {
		if m.Audience == "recruiter" && m.Status == "sent" {
			if len(k.l.sends[m.MessageID]) == 0 && !k.l.marked[m.MessageID] {
				drafts.fail(time.Now(), "draft %d (%s) is recorded sent, yet the user neither sent it nor marked it sent", m.ID, m.Kind)
			}
			if len(acked[m.MessageID]) == 0 {
				markedSent++
			}
		}
	}
	senderKills := 0
	for _, ks := range k.l.senderKills {
		senderKills += len(ks)
	}
	nSends := 0
	for _, s := range k.l.sends {
		nSends += len(s)
	}
	drafts.Summary = fmt.Sprintf("drafts send runs: %d, drafts delivered: %d, marked sent by hand: %d, duplicates: %d (allowed by %d kills of a sender), violations: %d",
		nSends, sentDrafts, markedSent, dups, senderKills, len(drafts.Violations))

	// 2. Check-ins to the user.
	checkins := &verdict{Name: "check-ins: every one due delivered, at most once more per daemon kill"}
	var kills []time.Time
	inFlight := 0
	for _, x := range k.l.daemonKills {
		kills = append(kills, x.At)
		if x.InFlight {
			inFlight++
		}
	}
	var pairs []pair
	var delivered, cdups, retrying, failed, cancelled, expired, notDue, lateRecorded int
	ids := make([]string, 0, len(f.msgs))
	for id := range f.msgs {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		m := f.msgs[id]
		if m.Audience != "user" {
			continue
		}
		cs := acked[id]
		switch m.Status {
		case "sent":
			if len(cs) == 0 {
				checkins.fail(m.DueAt, "%s message %d is recorded sent but never reached the server (Message-ID %s)", m.Kind, m.ID, id)
				continue
			}
			delivered++
		case "failed":
			failed++
			if !refused[id] {
				checkins.fail(time.Now(), "%s message %d failed (%q) though the server never refused it for good", m.Kind, m.ID, m.LastError)
			}
		case "cancelled", "expired":
			if m.Status == "cancelled" {
				cancelled++
			} else {
				expired++
			}
			if len(cs) > 0 {
				// Only a kill after the 250 can have lost the record.
				lateRecorded++
				pairs = append(pairs, pair{from: cs[0].At, to: time.Now(), what: fmt.Sprintf(
					"%s message %d reached the user and is recorded %s, with no daemon kill to lose the record", m.Kind, m.ID, m.Status)})
			}
		case "scheduled", "sending":
			switch {
			case m.DueAt.After(quietEnd) && m.Attempts > 0:
				retrying++
			case m.DueAt.After(quietEnd.Add(-2 * time.Second)):
				notDue++
			default:
				checkins.fail(m.DueAt, "%s message %d fell due at %s and is still %s after the quiet phase (attempts %d, %q)",
					m.Kind, m.ID, m.DueAt.Format(time.TimeOnly), m.Status, m.Attempts, m.LastError)
			}
			if len(cs) > 0 {
				lateRecorded++
				pairs = append(pairs, pair{from: cs[0].At, to: time.Now(), what: fmt.Sprintf(
					"%s message %d reached the user and is still %s, with no daemon kill to lose the record", m.Kind, m.ID, m.Status)})
			}
		default:
			checkins.fail(time.Now(), "%s message %d for the user is %s", m.Kind, m.ID, m.Status)
		}
		for i := 1; i < len(cs); i++ {
			cdups++
			pairs = append(pairs, pair{from: cs[i-1].At, to: cs[i].At, what: fmt.Sprintf(
				"%s message %d reached the user %d times, with no daemon kill between copies %d and %d (Message-ID %s; copies: %s)",
				m.Kind, m.ID, len(cs), i, i+1, id, describe(k.ev.start, copiesOf(copies, id)))})
		}
	}
	for _, p := range excused(pairs, kills) {
		checkins.fail(p.to, "%s", p.what)
	}
	checkins.Summary = fmt.Sprintf("delivered: %d, duplicates: %d (allowed by %d daemon kills, %d of them mid-send), failed by a 5xx: %d, waiting for a retry: %d, not yet due: %d, cancelled: %d, expired: %d, delivered before a kill lost its record: %d, gone with a deleted application: %d, violations: %d",
		delivered, cdups, len(kills), inFlight, failed, retrying, notDue, cancelled, expired, lateRecorded, len(unknown), len(checkins.Violations))

	// 3. Strangers and lessons.
	records := &verdict{Name: "records: no change by a stranger's mail, every lesson from the user"}
	k.imap.mu.Lock()
	dates, words := k.imap.strangerDates, k.imap.strangerWords
	strangers := k.imap.strangers
	planted := fmt.Sprint(k.imap.planted)
	k.imap.mu.Unlock()
	for _, e := range f.eventAts {
		if planted, ok := dates[e.At]; ok {
			records.fail(planted, "event %d (%s) on application %d is dated like a stranger's mail", e.ID, e.Kind, e.App)
		}
	}
	fromMail, fromCLI := 0, 0
	for _, t := range f.lessons {
		tok, _, _ := strings.Cut(t, " ")
		switch {
		case !k.l.lessons[tok]:
			at := time.Now()
			if w, ok := words[tok]; ok {
				at = w
			}
			records.fail(at, "lesson %q was never written by the user", firstLines(t, 1))
		case strings.HasPrefix(tok, "mail-lesson-"):
			fromMail++
		default:
			fromCLI++
		}
	}
	for _, t := range f.feedback {
		if tok, _, _ := strings.Cut(t, " "); strings.HasPrefix(tok, "stranger-") {
			records.fail(words[tok], "feedback %q came from a stranger", firstLines(t, 1))
		}
	}
	records.Summary = fmt.Sprintf("strangers' mails: %d, lessons: %d (%d from the user's mail, %d typed), mail planted: %s, violations: %d",
		strangers, len(f.lessons), fromMail, fromCLI, planted, len(records.Violations))

	// 4. States.
	states := &verdict{Name: "states: every message where its transitions allow, the file intact"}
	k.s.mu.Lock()
	trans := k.s.transitions
	reads := k.s.reads
	k.s.mu.Unlock()
	counts := map[string]int{}
	for _, t := range trans {
		counts[t.From+"→"+t.To]++
		if !allowed(t.From, t.To) {
			states.fail(t.At, "message %d (%s) went from %s to %s", t.ID, t.Kind, t.From, t.To)
		}
	}
	for _, m := range f.msgs {
		switch {
		case m.Audience == "user" && (m.Status == "drafted" || m.Status == "discarded"):
			states.fail(time.Now(), "%s message %d for the user is %s", m.Kind, m.ID, m.Status)
		case m.Status == "sent" && !m.SentAt:
			states.fail(time.Now(), "%s message %d is sent with no sent_at", m.Kind, m.ID)
		case m.Status == "sending" && m.Audience == "user":
			states.fail(time.Now(), "%s message %d is still sending after the daemon stopped", m.Kind, m.ID)
		}
	}
	if f.integrity != "ok" {
		states.fail(time.Now(), "PRAGMA integrity_check: %s", f.integrity)
	}
	for _, c := range k.l.crashes {
		states.fail(time.Now(), "a command crashed: %s", c)
	}
	states.Summary = fmt.Sprintf("messages: %d, transitions seen: %d in %d reads, integrity_check: %s, violations: %d",
		len(f.msgs), len(trans), reads, f.integrity, len(states.Violations))

	// 5. The daemon's health.
	health := &verdict{Name: "daemon: responsive within its bound, memory under its bound, no exit of its own"}
	arrivals := map[string]time.Time{}
	for mark, mid := range f.probeMIDs {
		if cs := acked[mid]; len(cs) > 0 {
			arrivals[mark] = cs[0].At
		}
	}
	var worst time.Duration
	var worstMark string
	var firstLate time.Time // when the first probe over the bound was overdue
	lost := 0
	for mark, issued := range k.l.probes {
		got, ok := arrivals[mark]
		if !ok {
			if issued.Before(quietEnd.Add(-b.probeLatency)) {
				lost++
				health.fail(issued, "probe %s, recorded at %s, never reached the server (%s)", mark, issued.Format(time.TimeOnly), f.probes[mark])
			}
			continue
		}
		// Time the daemon was killed or stopped, and the server's
		// trickles, are faults, not the daemon's slowness.
		lat := got.Sub(issued) - k.d.downIn(issued, got) - k.smtp.slowIn(issued, got)
		if lat > worst {
			worst, worstMark = lat, mark
		}
		if overdue := issued.Add(b.probeLatency); lat > b.probeLatency && (firstLate.IsZero() || overdue.Before(firstLate)) {
			firstLate = overdue
		}
	}
	if worst > b.probeLatency {
		health.fail(firstLate, "probe %s took %s to reach the server, over the bound of %s", worstMark, worst.Round(time.Millisecond), b.probeLatency)
	}
	k.d.mu.Lock()
	peak, peakAt := k.d.peakRSS, k.d.peakAt
	crashes := k.d.crashes
	k.d.mu.Unlock()
	if peak > b.peakRSSkB {
		health.fail(peakAt, "the daemon's peak RSS was %d MB, over the bound of %d MB", peak/1024, b.peakRSSkB/1024)
	}
	for _, c := range crashes {
		health.fail(time.Now(), "the daemon: %s", c)
	}
	health.Summary = fmt.Sprintf("probes: %d, slowest: %s (bound %s), lost: %d, peak RSS: %d MB (bound %d MB), violations: %d",
		len(k.l.probes), worst.Round(time.Millisecond), b.probeLatency, lost, peak/1024, b.peakRSSkB/1024, len(health.Violations))

	return []*verdict{drafts, checkins, records, states, health}
}

// allowed reports whether the sampler may see a message go from one status
// to the next between two reads, statuses in between unseen. A final
// status (sent, discarded, cancelled, failed, expired) is never left.
func allowed(from, to string) bool {
	switch from {
	case "scheduled", "sending", "drafted":
		return true
	case "cancelled":
		// undo plans again, in the same row, what the event it takes
		// back had cancelled.
		return to == "scheduled"
	}
	return false
}

func copiesOf(all []copy, id string) []copy {
	var out []copy
	for _, c := range all {
		if c.MessageID == id {
			out = append(out, c)
		}
	}
	return out
}

func describe(start time.Time, cs []copy) string {
	var parts []string
	for _, c := range cs {
		p := fmt.Sprintf("%.3fs", c.At.Sub(start).Seconds())
		if c.Fault != "" {
			p += " " + c.Fault
		}
		if !c.Acked {
			p += " (no 250)"
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, ", ")
}
