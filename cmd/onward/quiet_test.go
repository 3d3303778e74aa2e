package main

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"
)

// statusApp is what these tests read of a row of `status --json`.
type statusApp struct {
	ID        int64  `json:"id"`
	Company   string `json:"company"`
	Stage     string `json:"stage"`
	LastEvent *struct {
		Kind string `json:"kind"`
	} `json:"last_event"`
	Quiet *struct {
		Since *string `json:"since"`
		Close string  `json:"close"`
	} `json:"quiet"`
}

func quietStatus(t *testing.T, e *env, id int64) statusApp {
	t.Helper()
	var apps []statusApp
	mustJSON(t, e, &apps, "status", "--json")
	for _, a := range apps {
		if a.ID == id {
			return a
		}
	}
	t.Fatalf("application %d is not in status --json: %+v", id, apps)
	return statusApp{}
}

// TestQuietApplicationShowsAndCloses: an application whose check-in
// and follow-up came on time, and whose follow-up then went unanswered
// for quiet_after, shows as quiet ("no reply since", with the command to
// close it) in status, status --json and the digest, and nothing more is
// planned for it; close lets it go (nothing pending, stage withdrawn, last
// event closed), and undo of close brings it back, quiet again.
func TestQuietApplicationShowsAndCloses(t *testing.T) {
	t.Parallel()
	e := silentEnv(t)
	apply(t, e, "--company", "Acme", "--role", "Platform Engineer", "--recruiter", "Dana Reyes <dana@acme.example>", "--at", ago(40*24*time.Hour))
	out := must(t, e, "flush")
	if !strings.Contains(out, "no_reply") || !strings.Contains(out, "application_follow_up") {
		t.Fatalf("flush did not bring the check-in and the draft:\n%s", out)
	}
	draft := one(t, messages(t, e, "--app", "acme"), "application_follow_up")
	if draft.Status != "drafted" {
		t.Fatalf("follow-up %+v, want drafted", draft)
	}
	// Sent sixteen days ago, no word since: quiet (quiet_after 14d).
	sentAt := time.Now().Add(-16 * 24 * time.Hour)
	must(t, e, "drafts", "sent", strconv.FormatInt(draft.ID, 10), "--at", sentAt.UTC().Format(time.RFC3339))

	st := quietStatus(t, e, 1)
	if st.Quiet == nil || st.Quiet.Since == nil || st.Quiet.Close != "onward close 1" {
		t.Fatalf("status --json quiet = %+v, want since and \"onward close 1\"", st.Quiet)
	}
	if since, err := time.Parse(time.RFC3339, *st.Quiet.Since); err != nil || since.Sub(sentAt).Abs() > time.Second {
		t.Errorf("quiet since %s (%v), want the follow-up's sending, %v", *st.Quiet.Since, err, sentAt)
	}
	day := sentAt.In(mustZone(t, "Europe/Berlin")).Format("Mon 2 Jan 2006")
	if out := must(t, e, "status"); !strings.Contains(out, "no reply since "+day) || !strings.Contains(out, "onward close 1") {
		t.Errorf("status does not say the application is quiet since %s, with the command:\n%s", day, out)
	}
	if out := must(t, e, "digest"); !strings.Contains(out, "Gone quiet") || !strings.Contains(out, "Acme: no reply since") || !strings.Contains(out, "onward close 1") {
		t.Errorf("the digest does not list Acme as quiet:\n%s", out)
	}

	// Nothing more is planned for it, however often the daemon runs.
	nothingMoreAfterFlushes(t, e, "acme", "it went quiet")

	// close lets it go.
	var res struct {
		Application struct {
			Stage string `json:"stage"`
		} `json:"application"`
		Scheduled []json.RawMessage `json:"scheduled"`
	}
	mustJSON(t, e, &res, "close", "acme", "--json")
	if res.Application.Stage != "withdrawn" || len(res.Scheduled) != 0 {
		t.Errorf("close: stage %s, %d planned; want withdrawn and nothing planned", res.Application.Stage, len(res.Scheduled))
	}
	if st := quietStatus(t, e, 1); st.Quiet != nil || st.LastEvent == nil || st.LastEvent.Kind != "closed" {
		t.Errorf("after close: %+v, want not quiet, last event closed", st)
	}
	if out := must(t, e, "digest"); strings.Contains(out, "Gone quiet") {
		t.Errorf("the digest still lists a closed application as quiet:\n%s", out)
	}
	if _, errOut, code := run(t, e, "close", "acme"); code != 2 || !strings.Contains(errOut, "was withdrawn already") || !strings.Contains(errOut, "onward undo 1") {
		t.Errorf("close twice: exit %d, %q; want 2 and the way back", code, errOut)
	}

	// undo takes it back: open, and quiet again.
	out = must(t, e, "undo", "acme")
	if !strings.Contains(out, "closing") || !strings.Contains(out, "withdrawn → applied") {
		t.Errorf("undo of close says:\n%s", out)
	}
	if st := quietStatus(t, e, 1); st.Stage != "applied" || st.Quiet == nil {
		t.Errorf("after undo: %+v, want applied and quiet", st)
	}
	// An interview recorded late, from before the follow-up, is no answer
	// to it, but plans a status check: with that still to go out, the
	// application is not quiet.
	must(t, e, "interview", "acme", "--at", ago(20*24*time.Hour))
	if st := quietStatus(t, e, 1); st.Quiet != nil {
		t.Errorf("quiet with a status check still to go out: %+v", st.Quiet)
	}
}

// TestCloseCancelsWhatIsPendingAndSendsNothing: closing an application
// with its check-in still ahead cancels it and the follow-up draft, and
// plans nothing for the employer or the user.
func TestCloseCancelsWhatIsPendingAndSendsNothing(t *testing.T) {
	t.Parallel()
	e := silentEnv(t)
	apply(t, e, "--company", "Acme", "--role", "SRE", "--recruiter", "dana@acme.example", "--at", ago(3*24*time.Hour))
	out := must(t, e, "close", "acme")
	if !strings.Contains(out, "withdrawn") || !strings.Contains(out, "cancelled 2 pending messages") || strings.Contains(out, "planned") {
		t.Errorf("close output:\n%s", out)
	}
	for _, m := range messages(t, e, "--app", "acme") {
		if m.Status != "cancelled" {
			t.Errorf("after close: %+v, want cancelled", m)
		}
	}
	// undo plans the check for silence again, still timely.
	must(t, e, "undo", "acme")
	ms := messages(t, e, "--app", "acme")
	if got := strings.Join(pendingKinds(ms), " "); got != "no_reply application_follow_up" && got != "application_follow_up no_reply" {
		t.Errorf("after undo of close, pending: %q, want the check-in and the draft again", got)
	}
}

// TestGuardsAcrossTwentyApplicationsToOneRecruiter: twenty applications
// to one recruiter, each with an interview: no two drafts to her fall due
// on one day, and `onward plan` says the guard moved them; and an
// application whose two follow-ups went unanswered gets no third, which
// the command that recorded the event and `onward plan` both name.
func TestGuardsAcrossTwentyApplicationsToOneRecruiter(t *testing.T) {
	t.Parallel()
	e := silentEnv(t)
	dana := "Dana Reyes <dana@agency.example>"
	// The first application's two follow-ups go out today, one after the
	// other, so the guard of one draft a day is off for it; it is on for
	// the nineteen after.
	conf := e.baseConf().set("followups", "no_reply", q("14d"))
	e.writeConfig(t, e.config, conf.set("guards", "one_draft_per_day", "false"), 0o600)

	// The first application: its follow-up and a status check go out and
	// get no answer.
	apply(t, e, "--company", "Company 01", "--role", "SRE", "--recruiter", dana, "--at", ago(40*24*time.Hour))
	must(t, e, "flush")
	sendDraft(t, e, "application_follow_up")
	// An interview recorded late, from before the follow-up went out: no
	// answer to it. Its status check is due at once.
	must(t, e, "interview", "1", "--at", ago(30*24*time.Hour))
	must(t, e, "flush")
	sendDraft(t, e, "status_check")
	// The same round recorded again (moved a day): a third follow-up
	// would go unanswered ones; the guard keeps it back.
	out := must(t, e, "interview", "1", "--at", ago(29*24*time.Hour))
	if !strings.Contains(out, "dropped status_check") || !strings.Contains(out, "max_unanswered_followups") {
		t.Errorf("the interview does not say the guard dropped the third follow-up:\n%s", out)
	}
	var res resultJSON
	mustJSON(t, e, &res, "interview", "1", "--at", ago(28*24*time.Hour), "--json")
	if len(res.Dropped) != 1 || res.Dropped[0].Kind != "status_check" || !strings.Contains(res.Dropped[0].Reason, "max_unanswered_followups") {
		t.Errorf("--json dropped = %+v, want the status check with the guard's reason", res.Dropped)
	}

	// Nineteen more to Dana, each interviewed two hours ago.
	e.writeConfig(t, e.config, conf.set("guards", "one_draft_per_day", "true"), 0o600)
	for i := 2; i <= 20; i++ {
		apply(t, e, "--company", fmt.Sprintf("Company %02d", i), "--role", "SRE", "--recruiter", dana, "--at", ago(10*24*time.Hour))
		must(t, e, "interview", strconv.Itoa(i), "--at", ago(2*time.Hour), "--duration", "1h")
	}
	berlin := mustZone(t, "Europe/Berlin")
	days := map[string]message{}
	drafts := 0
	for _, m := range messages(t, e) {
		if m.Audience != "recruiter" || m.Status == "cancelled" || m.Status == "discarded" || m.Status == "expired" {
			continue
		}
		drafts++
		due, err := time.Parse(time.RFC3339, *m.DueAt)
		if err != nil {
			t.Fatal(err)
		}
		day := due.In(berlin).Format("2006-01-02")
		if other, ok := days[day]; ok && (m.ApplicationID == nil || *m.ApplicationID != 1) {
			t.Errorf("two drafts to Dana fall due on %s: %d (%s) and %d (%s)", day, other.ID, other.Kind, m.ID, m.Kind)
		}
		days[day] = m
	}
	// Two sent for the first; a thank-you and a status check for each
	// of the other nineteen.
	if drafts != 2+2*19 {
		t.Errorf("%d drafts to Dana, want %d", drafts, 2+2*19)
	}
	for id := int64(1); id <= 20; id++ {
		sent, pending := 0, 0
		for _, m := range messages(t, e, "--app", strconv.FormatInt(id, 10)) {
			if m.Kind != "status_check" && m.Kind != "application_follow_up" {
				continue
			}
			switch m.Status {
			case "sent":
				sent++
			case "scheduled", "drafted":
				pending++
			}
		}
		if sent+pending > 2 {
			t.Errorf("application %d has %d follow-ups sent and %d pending: more than two without an answer", id, sent, pending)
		}
	}

	// The plan names both guards.
	var items []planItem
	mustJSON(t, e, &items, "plan", "--days", "3660", "--json")
	moved, dropped := 0, 0
	for _, it := range items {
		for _, mv := range it.Moves {
			if strings.Contains(mv.Reason, "one_draft_per_day") {
				moved++
			}
		}
		if it.Dropped && it.Kind == "status_check" && it.ApplicationID != nil && *it.ApplicationID == 1 && strings.Contains(it.Note, "max_unanswered_followups") {
			dropped++
		}
	}
	if moved < 30 || dropped != 1 {
		t.Errorf("plan --json: %d moves name one_draft_per_day (want most of the 38), %d dropped follow-ups of Company 01 (want 1)", moved, dropped)
	}
	out = must(t, e, "plan", "--days", "3660")
	if !strings.Contains(out, "(not planned)") || !strings.Contains(out, "guard max_unanswered_followups") || !strings.Contains(out, "guard one_draft_per_day") {
		t.Errorf("plan does not name the guards:\n%s", out)
	}
}

// sendDraft records the one drafted message of kind as sent by the user.
func sendDraft(t *testing.T, e *env, kind string) {
	t.Helper()
	drafted := byKind(messages(t, e, "--status", "drafted"), kind)
	if len(drafted) != 1 {
		t.Fatalf("want one drafted %s, have %+v", kind, drafted)
	}
	must(t, e, "drafts", "sent", strconv.FormatInt(drafted[0].ID, 10))
}

// TestEventJSONCarriesTheLastEventAndNext: the application an event
// command prints with --json has the event just recorded as last_event,
// and the next message, as status --json does (it had null for both).
func TestEventJSONCarriesTheLastEventAndNext(t *testing.T) {
	t.Parallel()
	e := silentEnv(t)
	apply(t, e, "--company", "Acme", "--role", "Platform Engineer", "--recruiter", "Dana Reyes <dana@acme.example>", "--at", ago(2*24*time.Hour))
	apply(t, e, "--company", "Beta", "--role", "SRE", "--at", ago(2*24*time.Hour))
	type app struct {
		LastEvent *struct {
			Kind string `json:"kind"`
		} `json:"last_event"`
		Next *struct {
			Kind string `json:"kind"`
		} `json:"next_message"`
	}
	var closed struct {
		Application app `json:"application"`
	}
	mustJSON(t, e, &closed, "close", "beta", "--json")
	if l := closed.Application.LastEvent; l == nil || l.Kind != "closed" {
		t.Errorf("close --json last_event = %+v, want closed", l)
	}
	var rej struct {
		Application app `json:"application"`
	}
	mustJSON(t, e, &rej, "reject", "acme", "--json")
	if l := rej.Application.LastEvent; l == nil || l.Kind != "rejected" {
		t.Errorf("reject --json last_event = %+v, want rejected", l)
	}
	if st := quietStatus(t, e, 1); rej.Application.Next == nil || st.LastEvent == nil {
		t.Errorf("reject --json next_message = %+v, want the first of what it planned", rej.Application.Next)
	}
}

// TestOneADayCountsASentDraftOnTheDayItWasSent: a draft recorded as sent
// weeks ago takes that day, not the day it fell due here; the guard of
// one draft a day held the thank-you of today's interview back a day for
// a follow-up the recruiter got in another month.
func TestOneADayCountsASentDraftOnTheDayItWasSent(t *testing.T) {
	t.Parallel()
	e := silentEnv(t)
	apply(t, e, "--company", "Acme", "--role", "Platform Engineer", "--recruiter", "Dana Reyes <dana@acme.example>", "--at", ago(40*24*time.Hour))
	must(t, e, "flush")
	draft := one(t, messages(t, e, "--app", "acme"), "application_follow_up")
	if draft.Status != "drafted" {
		t.Fatalf("follow-up %+v, want drafted", draft)
	}
	must(t, e, "drafts", "sent", strconv.FormatInt(draft.ID, 10), "--at", time.Now().Add(-16*24*time.Hour).UTC().Format(time.RFC3339))
	out := must(t, e, "interview", "acme", "--at", time.Now().Add(-6*time.Hour).UTC().Format(time.RFC3339), "--duration", "30m")
	if !strings.Contains(out, "thank_you") {
		t.Fatalf("the interview planned no thank-you:\n%s", out)
	}
	if plan := must(t, e, "plan"); strings.Contains(plan, "one_draft_per_day") {
		t.Errorf("the guard moved a draft for a follow-up sent 16 days ago:\n%s", plan)
	}
}
