package plan_test

import (
	"testing"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/plan"
)

// Every kind an application can have pending is planned by exactly the
// event that re-times it after a restart; the kinds no event plans say so.
func TestPlannedBy(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		kind onward.Kind
		ev   onward.EventKind
		ok   bool
	}{
		{onward.ThankYou, onward.Interview, true},
		{onward.StatusCheck, onward.Interview, true},
		{onward.Prep, onward.Interview, true},
		{onward.FeedbackRequest, onward.Rejected, true},
		{onward.StayInTouch, onward.Rejected, true},
		{onward.Learn, onward.Rejected, true},
		{onward.LetGo, onward.Rejected, true},
		{onward.Digest, "", false},
		{onward.DraftReady, "", false},
		{onward.RejectionNotice, "", false},
		{onward.InvitationNotice, "", false},
		{onward.FeedbackThanks, onward.Feedback, true},
		{onward.FeedbackReceived, onward.Feedback, true},
		{onward.NoReply, onward.Applied, true},
		{onward.ApplicationFollowUp, onward.Applied, true},
	} {
		if ev, ok := plan.PlannedBy(tc.kind); ev != tc.ev || ok != tc.ok {
			t.Errorf("PlannedBy(%s) = %q, %v; want %q, %v", tc.kind, ev, ok, tc.ev, tc.ok)
		}
	}
	for _, k := range plan.Pending() {
		if _, ok := plan.PlannedBy(k); !ok {
			t.Errorf("%s can be pending but no event plans it", k)
		}
	}
}
