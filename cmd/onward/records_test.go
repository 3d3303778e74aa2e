package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"

	_ "github.com/mattn/go-sqlite3"
)

// Tests of the commands that take back what was recorded (undo, delete,
// lessons edit and delete), of apply's duplicate check, of the times that
// cannot be right, and of `onward show`.

// day is 24 hours.
const day = 24 * time.Hour

// days formats n days ago for --at.
func days(n int) string { return ago(time.Duration(n) * day) }

// lesson is a row of `lessons --json`.
type lesson struct {
	ID   int64    `json:"id"`
	Text string   `json:"text"`
	Tags []string `json:"tags"`
}

func lessons(t *testing.T, e *env, args ...string) []lesson {
	t.Helper()
	var ls []lesson
	mustJSON(t, e, &ls, append([]string{"lessons", "--json"}, args...)...)
	return ls
}

// statusOf returns the stage of application id from `status --json`.
func statusOf(t *testing.T, e *env, id string) string {
	t.Helper()
	var apps []struct {
		ID    int64  `json:"id"`
		Stage string `json:"stage"`
	}
	mustJSON(t, e, &apps, "status", "--json")
	for _, a := range apps {
		if fmt.Sprint(a.ID) == id {
			return a.Stage
		}
	}
	t.Fatalf("no application %s in status", id)
	return ""
}

// byStatus returns the kinds of the messages in status, in order.
func byStatus(ms []message, status string) []string {
	var out []string
	for _, m := range ms {
		if m.Status == status {
			out = append(out, m.Kind)
		}
	}
	return out
}

func TestUndoRejectionBringsTheInterviewPlanBack(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	id := apply(t, e, "--company", "Acme", "--role", "Platform Engineer", "--recruiter", "Dana Reyes <dana@acme.example>", "--at", days(10))
	must(t, e, "interview", id, "--at", days(2))
	// Rejected two days late: the learn check-in is due at once and
	// goes out, so the undo finds one message sent.
	must(t, e, "reject", id, "--at", ago(day+time.Hour))
	must(t, e, "flush")
	before := messages(t, e, "--app", id)
	if got := one(t, before, "learn"); got.Status != "sent" {
		t.Fatalf("learn after flush: %s, want sent", got.Status)
	}

	out := must(t, e, "undo", id)
	for _, want := range []string{"Undid the rejection", "stage: rejected → interviewing", "cancelled feedback_request",
		"kept      learn", "planned again thank_you", "planned again status_check"} {
		if !strings.Contains(out, want) {
			t.Errorf("undo output lacks %q:\n%s", want, out)
		}
	}
	if got := statusOf(t, e, id); got != "interviewing" {
		t.Errorf("stage after undo = %s, want interviewing", got)
	}
	after := messages(t, e, "--app", id)
	for _, m := range after {
		switch {
		case m.Kind == "learn":
			if m.Status != "sent" {
				t.Errorf("the sent learn check-in is now %s; sent messages stay", m.Status)
			}
		case m.Kind == "feedback_request", m.Kind == "stay_in_touch", m.Kind == "let_go":
			if m.Status != "cancelled" || !strings.Contains(m.LastError, "undone") {
				t.Errorf("%s after undo: %s (%q), want cancelled by the undo", m.Kind, m.Status, m.LastError)
			}
		}
	}
	// The rejection cancelled the interview's thank-you and status
	// check before the flush; both are planned again.
	if got := strings.Join(byStatus(after, "scheduled"), " "); got != "thank_you status_check" {
		t.Errorf("scheduled after undo: %v, want the interview's thank-you and status check again", got)
	}

	// The feedback request was never sent: a rejection recorded again
	// asks for feedback again (once per application ever counts requests
	// that reached anyone, not ones an undo cancelled).
	out = must(t, e, "reject", id, "--at", ago(time.Hour))
	if !strings.Contains(out, "planned feedback_request") {
		t.Errorf("reject after undo did not plan the feedback request:\n%s", out)
	}
}

func TestUndoOfTheOnlyEventSaysDelete(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	id := apply(t, e, "--company", "Acme", "--role", "Engineer")
	before := snap(t, e)
	_, errOut, code := run(t, e, "undo", id)
	if code != 2 || !strings.Contains(errOut, "onward delete "+id) {
		t.Errorf("undo of a bare application: exit %d, %s; want 2 and the delete command", code, errOut)
	}
	sameState(t, before, snap(t, e))
}

func TestUndoInterviewRestoresAppliedAndCancelsItsPlan(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	id := apply(t, e, "--company", "Acme", "--role", "Engineer", "--recruiter", "dana@acme.example", "--at", days(5))
	must(t, e, "interview", id, "--at", days(1))
	var u struct {
		From      string    `json:"from_stage"`
		To        string    `json:"to_stage"`
		Cancelled []message `json:"cancelled"`
		Replanned []message `json:"planned_again"`
	}
	mustJSON(t, e, &u, "undo", id, "--json")
	if u.From != "interviewing" || u.To != "applied" || len(u.Cancelled) != 2 || len(u.Replanned) != 0 {
		t.Errorf("undo of the interview: %+v", u)
	}
	if got := byStatus(messages(t, e, "--app", id), "scheduled"); len(got) != 0 {
		t.Errorf("still scheduled after undo: %v", got)
	}
	var story struct {
		Events []struct{ Kind string } `json:"events"`
	}
	mustJSON(t, e, &story, "show", id, "--json")
	if len(story.Events) != 1 || story.Events[0].Kind != "applied" {
		t.Errorf("events after undo: %+v, want the application alone", story.Events)
	}
}

func TestDeleteRefusesWithoutTerminalOrYes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	id := apply(t, e, "--company", "Acme", "--role", "Engineer", "--at", days(3))
	must(t, e, "interview", id, "--at", days(1))
	must(t, e, "log", id, "a #lesson")
	keep := apply(t, e, "--company", "Globex", "--role", "Engineer")
	must(t, e, "log", keep, "kept")
	before := snap(t, e)
	for _, name := range []string{"delete", "rm", "remove"} {
		_, errOut, code := run(t, e, name, id)
		if code != 2 || !strings.Contains(errOut, "--yes") {
			t.Errorf("%s without a terminal: exit %d, %s; want 2 and a word about --yes", name, code, errOut)
		}
	}
	sameState(t, before, snap(t, e))

	out := must(t, e, "delete", "acme", "--yes")
	if !strings.Contains(out, "Deleted Acme") || !strings.Contains(out, "2 events, 1 lesson") {
		t.Errorf("delete printed %q", out)
	}
	if ms := messages(t, e, "--app", keep); len(ms) != 0 {
		t.Errorf("the other application has messages: %+v", ms)
	}
	if ms := messages(t, e); len(ms) != 0 {
		t.Errorf("messages left after delete: %+v", ms)
	}
	if ls := lessons(t, e); len(ls) != 1 || ls[0].Text != "kept" {
		t.Errorf("lessons after delete: %+v, want only the other application's", ls)
	}
	if _, errOut, code := run(t, e, "show", id); code != 2 || !strings.Contains(errOut, "no application") {
		t.Errorf("show of a deleted application: exit %d, %s", code, errOut)
	}
}

// openPTY opens a pseudo-terminal and returns its two ends.
func openPTY(t *testing.T) (master, tty *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal here: %v", err)
	}
	var unlock int32
	if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, m.Fd(), syscall.TIOCSPTLCK, uintptr(unsafe.Pointer(&unlock))); errno != 0 {
		m.Close()
		t.Skipf("unlock pseudo-terminal: %v", errno)
	}
	var n uint32
	if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, m.Fd(), syscall.TIOCGPTN, uintptr(unsafe.Pointer(&n))); errno != 0 {
		m.Close()
		t.Skipf("pseudo-terminal number: %v", errno)
	}
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		m.Close()
		t.Skipf("open pseudo-terminal: %v", err)
	}
	t.Cleanup(func() { m.Close(); s.Close() })
	return m, s
}

// runTTY runs onward with a terminal as its input, answering answer.
func runTTY(t *testing.T, e *env, answer string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	master, tty := openPTY(t)
	if _, err := master.Write([]byte(answer + "\n")); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), cmdTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, append([]string{"--config", e.config}, args...)...)
	cmd.Dir, cmd.Env, cmd.Stdin = e.dir, e.vars, tty
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok && ctx.Err() == nil {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("onward %s: %v", strings.Join(args, " "), err)
	}
	return out.String(), errb.String(), code
}

func TestDeleteAsksOnATerminal(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	id := apply(t, e, "--company", "Acme", "--role", "Engineer", "--at", days(3))
	must(t, e, "interview", id, "--at", days(1))
	before := snap(t, e)
	out, errOut, code := runTTY(t, e, "", "delete", id)
	if code != 0 || !strings.Contains(errOut, "2 events, 0 lessons, 2 messages") || !strings.Contains(errOut, "Delete it? [y/N]") ||
		!strings.Contains(out, "Nothing deleted") {
		t.Errorf("delete answered with Enter: exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	sameState(t, before, snap(t, e))
	out, errOut, code = runTTY(t, e, "y", "delete", id)
	if code != 0 || !strings.Contains(out, "Deleted Acme") {
		t.Errorf("delete answered y: exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	if ms := messages(t, e); len(ms) != 0 {
		t.Errorf("messages after delete: %+v", ms)
	}
}

func TestApplyTwiceForTheSameJob(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	id := apply(t, e, "--company", "Acme", "--role", "Platform Engineer")
	before := snap(t, e)
	_, errOut, code := run(t, e, "apply", "--company", "ACME", "--role", "platform engineer")
	if code != 2 || !strings.Contains(errOut, "already open as application "+id) || !strings.Contains(errOut, "--again") {
		t.Errorf("second apply: exit %d, %s; want 2, the existing id and --again", code, errOut)
	}
	sameState(t, before, snap(t, e))

	// On a terminal onward asks; "no" records nothing.
	_, errOut, code = runTTY(t, e, "n", "apply", "--company", "acme", "--role", "Platform Engineer")
	if code != 2 || !strings.Contains(errOut, "Record another application for it? [y/N]") {
		t.Errorf("apply on a terminal answered n: exit %d, %s", code, errOut)
	}
	sameState(t, before, snap(t, e))
	out, errOut, code := runTTY(t, e, "yes", "apply", "--company", "acme", "--role", "Platform Engineer")
	if code != 0 || strings.TrimSpace(out) != "2" {
		t.Errorf("apply on a terminal answered yes: exit %d, %q, %s", code, out, errOut)
	}
	if got := apply(t, e, "--company", "Acme", "--role", "Platform Engineer", "--again"); got != "3" {
		t.Errorf("apply --again printed %q, want 3", got)
	}
	// Another role, or a closed application, is no duplicate.
	apply(t, e, "--company", "Acme", "--role", "SRE")
	must(t, e, "withdraw", "1")
	must(t, e, "withdraw", "2")
	must(t, e, "withdraw", "3")
	apply(t, e, "--company", "Acme", "--role", "Platform Engineer")
}

func TestImpossibleTimesAreRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	id := apply(t, e, "--company", "Acme", "--role", "Engineer", "--recruiter", "dana@acme.example", "--at", days(10))
	must(t, e, "interview", id, "--at", days(3))
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"rejection next year", []string{"reject", id, "--at", "2099-12-31"}, "in the future"},
		{"reply ahead", []string{"reply", id, "--at", ago(-time.Hour)}, "in the future"},
		{"offer ahead", []string{"offer", id, "--at", ago(-time.Hour)}, "in the future"},
		{"interview before the application", []string{"interview", id, "--at", days(400)}, "before you applied"},
		{"reply before the application", []string{"reply", id, "--at", days(11)}, "before you applied"},
		{"rejection before the interview", []string{"reject", id, "--at", days(4)}, "before the interview it follows"},
		{"application ahead", []string{"apply", "--company", "Globex", "--role", "SRE", "--at", "2099-01-01"}, "in the future"},
		{"lesson ahead", []string{"log", id, "later", "--at", "2099-01-01"}, "in the future"},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := snap(t, e)
			_, errOut, code := run(t, e, c.args...)
			if code != 2 || !strings.Contains(errOut, c.want) || !strings.Contains(errOut, "--at") {
				t.Errorf("onward %s: exit %d, %s; want 2, %q and how to fix it", strings.Join(c.args, " "), code, errOut, c.want)
			}
			sameState(t, before, snap(t, e))
		})
	}
	// What can be right still is: an interview ahead, a few minutes of
	// clock skew, a lesson dated in the past.
	must(t, e, "interview", id, "--at", ago(-2*day))
	must(t, e, "reply", id, "--at", ago(-time.Minute))
	must(t, e, "log", id, "dated", "--at", days(2))
	if ls := lessons(t, e); len(ls) != 1 {
		t.Errorf("lessons: %+v", ls)
	}
}

func TestLessonsEditAndDelete(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	id := apply(t, e, "--company", "Acme", "--role", "Engineer")
	must(t, e, "log", id, "x #typo", "--tag", "old")
	must(t, e, "log", "keep this #one")
	ls := lessons(t, e)
	if len(ls) != 2 {
		t.Fatalf("lessons: %+v", ls)
	}
	first := fmt.Sprint(ls[0].ID)
	if out := must(t, e, "lessons"); !strings.Contains(out, first+"  ") {
		t.Errorf("lessons does not show the ids:\n%s", out)
	}
	out := must(t, e, "lessons", "edit", first, "Bring two numbers to the #system-design round")
	if !strings.Contains(out, "Lesson "+first+" updated (#system-design)") {
		t.Errorf("lessons edit printed %q", out)
	}
	ls = lessons(t, e)
	if ls[0].Text != "Bring two numbers to the #system-design round" || strings.Join(ls[0].Tags, ",") != "system-design" {
		t.Errorf("edited lesson: %+v, want the new text with its tags read again", ls[0])
	}
	if got := lessons(t, e, "--tag", "typo"); len(got) != 0 {
		t.Errorf("the old tag still finds %+v", got)
	}
	before := snap(t, e)
	for _, args := range [][]string{{"lessons", "edit", first, "  "}, {"lessons", "edit", "99", "text"}, {"lessons", "delete", "99"},
		{"lessons", "delete", "x"}, {"lessons", "edit", first}} {
		if _, errOut, code := run(t, e, args...); code != 2 || errOut == "" {
			t.Errorf("onward %s: exit %d, %q; want 2 and why", strings.Join(args, " "), code, errOut)
		}
	}
	sameState(t, before, snap(t, e))
	out = must(t, e, "lessons", "delete", first)
	if !strings.Contains(out, "Deleted lesson "+first) {
		t.Errorf("lessons delete printed %q", out)
	}
	if ls = lessons(t, e); len(ls) != 1 || ls[0].Text != "keep this #one" {
		t.Errorf("lessons after delete: %+v", ls)
	}
}

func TestShowTellsTheWholeStory(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	id := apply(t, e, "--company", "Acme", "--role", "Platform Engineer", "--recruiter", "Dana Reyes <dana@acme.example>",
		"--notes", "Referred by Sam", "--url", "https://acme.example/jobs/42", "--at", days(9))
	must(t, e, "interview", id, "--at", ago(5*time.Hour))
	must(t, e, "reply", id, "--at", ago(time.Hour))
	must(t, e, "log", id, "Ask about #oncall early")
	// A schema with interview details (a newer version's column) is
	// shown without this version knowing the column.
	db, err := sql.Open("sqlite3", "file:"+e.db+"?_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("ALTER TABLE events ADD COLUMN interviewer TEXT NOT NULL DEFAULT ''"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("UPDATE events SET interviewer = 'Priya, the team lead' WHERE kind = 'interview'"); err != nil {
		t.Fatal(err)
	}
	db.Close()

	out := must(t, e, "show", "acme")
	for _, want := range []string{"Acme — Platform Engineer (application " + id + ")", "Referred by Sam", "https://acme.example/jobs/42",
		"Dana Reyes <dana@acme.example>", "applied", "interview", "reply", "interviewer: Priya, the team lead",
		"status_check", "cancelled", "cancelled by the reply", "thank_you", "Ask about #oncall early", "Next"} {
		if !strings.Contains(out, want) {
			t.Errorf("show lacks %q:\n%s", want, out)
		}
	}
	var story struct {
		Application struct {
			Notes string `json:"notes"`
		} `json:"application"`
		Events []struct {
			Kind    string            `json:"kind"`
			Details map[string]string `json:"details"`
		} `json:"events"`
		Messages []message `json:"messages"`
		Lessons  []lesson  `json:"lessons"`
		Next     *message  `json:"next_message"`
	}
	mustJSON(t, e, &story, "show", id, "--json")
	if story.Application.Notes != "Referred by Sam" || len(story.Events) != 3 || story.Events[1].Details["interviewer"] != "Priya, the team lead" ||
		len(story.Messages) != 2 || len(story.Lessons) != 1 || story.Next == nil || story.Next.Kind != "thank_you" {
		t.Errorf("show --json: %+v", story)
	}
	if _, errOut, code := run(t, e, "show"); code != 2 || !strings.Contains(errOut, "(got 0 arguments)") {
		t.Errorf("show without APP: exit %d, %s", code, errOut)
	}
}

func TestPapercutsInTheRecordsWords(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	id := apply(t, e, "--company", "Acme", "--role", "Engineer", "--at", days(2))
	must(t, e, "offer", id)
	if out := must(t, e, "offer", id); !strings.Contains(out, "Acme (1) has an offer already; nothing changed.") {
		t.Errorf("second offer: %q", out)
	}
	_, errOut, code := run(t, e, "reject", id)
	if code != 2 || !strings.Contains(errOut, "has an offer already") || !strings.Contains(errOut, "onward undo 1") {
		t.Errorf("reject after an offer: exit %d, %s", code, errOut)
	}
	if _, errOut, _ := run(t, e, "status", "x"); !strings.Contains(errOut, "(got 1 argument)") {
		t.Errorf("status x: %s, want the singular", errOut)
	}
	if _, errOut, _ := run(t, e, "rm"); strings.Contains(errOut, "run") || !strings.Contains(errOut, "delete") {
		t.Errorf("onward rm: %s, want delete's usage, not a suggestion of run", errOut)
	}
	if out := must(t, e, "--help"); !strings.Contains(out, "Correct a mistake:") || !regexp.MustCompile(`(?s)Correct a mistake:.*delete.*undo`).MatchString(out) {
		t.Errorf("--help does not group undo and delete:\n%s", out)
	}
}
