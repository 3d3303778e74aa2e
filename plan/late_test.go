package plan_test

import (
	"testing"
	"time"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/plan"
	"github.com/onward-app/onward/when"
)

// An interview recorded days late gets no thank-you (it would only
// expire); the status check, which is never too late, is planned.
func TestPlanSkipsWhatIsAlreadyTooLate(t *testing.T) {
	t.Parallel()
	p := plan.Policy{Location: time.UTC, Delays: map[onward.Kind]when.Delay{
		onward.ThankYou: {Clock: 3 * time.Hour}, onward.StatusCheck: {Days: 7},
	}, Stale: map[onward.Kind]when.Delay{onward.ThankYou: {Days: 2}}}
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		ago      time.Duration
		thankYou bool
	}{
		{4 * 24 * time.Hour, false},
		{36 * time.Hour, true},
		{2 * time.Hour, true},
	} {
		at := now.Add(-tc.ago)
		step := p.Plan(plan.Event{Kind: onward.Interview, At: at, End: at.Add(time.Hour)}, now)
		has := map[onward.Kind]bool{}
		for _, m := range step.Schedule {
			has[m.Kind] = true
		}
		if has[onward.ThankYou] != tc.thankYou || !has[onward.StatusCheck] {
			t.Errorf("interview %v ago: planned %v, want thank_you %v and a status check", tc.ago, has, tc.thankYou)
		}
		if !tc.thankYou && (len(step.Late) != 1 || step.Late[0].Kind != onward.ThankYou) {
			t.Errorf("interview %v ago: Late = %+v, want the thank-you", tc.ago, step.Late)
		}
	}
}
