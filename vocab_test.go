package onward_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/onward-app/onward"
)

// The strings are stored in the database and typed by the user: a change
// to one is a migration, not a rename.
func TestStoredValues(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		got  []string
		want string
	}{
		{"kinds", names(onward.Kinds()), "thank_you status_check feedback_request stay_in_touch feedback_thanks withdrawal decline application_follow_up learn let_go digest draft_ready prep rejection_notice feedback_received invitation_notice offer_deadline congratulations offer_withdrawn_note no_reply"},
		{"events", names(onward.EventKinds()), "applied interview rejected reply offer withdrawn feedback accepted accepted_elsewhere declined offer_withdrawn closed"},
		{"stages", names(onward.Stages()), "applied interviewing rejected offer withdrawn"},
		{"statuses", names(onward.Statuses()), "scheduled sending drafted sent discarded cancelled failed expired"},
	} {
		if got := strings.Join(tc.got, " "); got != tc.want {
			t.Errorf("%s = %s, want %s", tc.name, got, tc.want)
		}
	}
}

func names[T ~string](vs []T) []string {
	var out []string
	for _, v := range vs {
		out = append(out, string(v))
	}
	return out
}

func TestKindAudience(t *testing.T) {
	t.Parallel()
	var recruiter []onward.Kind
	for _, k := range onward.Kinds() {
		if k.Audience() == onward.Recruiter {
			recruiter = append(recruiter, k)
		}
	}
	want := []onward.Kind{onward.ThankYou, onward.StatusCheck, onward.FeedbackRequest, onward.StayInTouch, onward.FeedbackThanks,
		onward.Withdrawal, onward.Decline, onward.ApplicationFollowUp}
	if !slices.Equal(recruiter, want) {
		t.Errorf("recruiter kinds = %v, want %v", recruiter, want)
	}
}

func TestParse(t *testing.T) {
	t.Parallel()
	if k, err := onward.ParseKind("learn"); err != nil || k != onward.Learn {
		t.Errorf("ParseKind(learn) = %q, %v", k, err)
	}
	if _, err := onward.ParseKind("thanks"); err == nil || !strings.Contains(err.Error(), "thank_you") {
		t.Errorf("ParseKind(thanks) = %v, want an error listing the kinds", err)
	}
	if _, err := onward.ParseStatus("done"); err == nil || !strings.Contains(err.Error(), "scheduled") {
		t.Errorf("ParseStatus(done) = %v, want an error listing the statuses", err)
	}
}

func TestStatusPendingAndFinal(t *testing.T) {
	t.Parallel()
	var pending []onward.Status
	for _, s := range onward.Statuses() {
		if s.Pending() == s.Final() {
			t.Errorf("%s is both or neither pending and final", s)
		}
		if s.Pending() {
			pending = append(pending, s)
		}
	}
	if want := []onward.Status{onward.StatusScheduled, onward.StatusSending, onward.StatusDrafted}; !slices.Equal(pending, want) {
		t.Errorf("pending = %v, want %v", pending, want)
	}
	if onward.Status("bogus").Final() {
		t.Error("an unknown status reads as final")
	}
}

func TestKindLabel(t *testing.T) {
	t.Parallel()
	for k, want := range map[onward.Kind]string{
		onward.ThankYou: "thank-you note", onward.RejectionNotice: "note on a reply", "new_kind": "new kind",
	} {
		if got := k.Label(); got != want {
			t.Errorf("%s.Label() = %q, want %q", k, got, want)
		}
	}
	for _, k := range onward.Kinds() {
		if strings.Contains(k.Label(), "_") {
			t.Errorf("%s has no label of its own", k)
		}
	}
}
