package plan

import (
	"maps"
	"testing"

	"github.com/onward-app/onward"
)

func TestStandingAndStageAfter(t *testing.T) {
	t.Parallel()
	ev := func(k ...onward.EventKind) []onward.EventKind { return k }
	for _, c := range []struct {
		name   string
		events []onward.EventKind
		want   map[onward.Kind]int
		stage  onward.Stage
	}{
		{"applied only: the check for silence", ev(onward.Applied),
			map[onward.Kind]int{onward.NoReply: 0, onward.ApplicationFollowUp: 0}, onward.StageApplied},
		{"a reply ends the check for silence", ev(onward.Applied, onward.Reply), map[onward.Kind]int{}, onward.StageApplied},
		{"an interview plans its three", ev(onward.Applied, onward.Interview),
			map[onward.Kind]int{onward.ThankYou: 1, onward.StatusCheck: 1, onward.Prep: 1}, onward.StageInterviewing},
		{"a later interview takes them over", ev(onward.Applied, onward.Interview, onward.Interview),
			map[onward.Kind]int{onward.ThankYou: 2, onward.StatusCheck: 2, onward.Prep: 2}, onward.StageInterviewing},
		{"a reply takes the status check and keeps the stage", ev(onward.Applied, onward.Interview, onward.Reply),
			map[onward.Kind]int{onward.ThankYou: 1, onward.Prep: 1}, onward.StageInterviewing},
		{"an offer keeps the thank-you and plans its deadline's reminder", ev(onward.Applied, onward.Interview, onward.Offer),
			map[onward.Kind]int{onward.ThankYou: 1, onward.OfferDeadline: 2}, onward.StageOffer},
		{"a rejection replaces everything", ev(onward.Applied, onward.Interview, onward.Rejected),
			map[onward.Kind]int{onward.FeedbackRequest: 2, onward.StayInTouch: 2, onward.Learn: 2, onward.LetGo: 2}, onward.StageRejected},
		{"a withdrawal leaves nothing", ev(onward.Applied, onward.Interview, onward.Rejected, onward.Withdrawn),
			map[onward.Kind]int{}, onward.StageWithdrawn},
		{"a reply after an offer keeps the offer", ev(onward.Applied, onward.Offer, onward.Reply),
			map[onward.Kind]int{onward.OfferDeadline: 1}, onward.StageOffer},
		{"an acceptance ends everything and stays an offer", ev(onward.Applied, onward.Offer, onward.Accepted),
			map[onward.Kind]int{onward.Congratulations: 2}, onward.StageOffer},
		{"an application closed by an acceptance elsewhere is withdrawn", ev(onward.Applied, onward.Interview, onward.AcceptedElsewhere),
			map[onward.Kind]int{onward.Withdrawal: 2}, onward.StageWithdrawn},
		{"a declined offer is withdrawn", ev(onward.Applied, onward.Offer, onward.Declined),
			map[onward.Kind]int{onward.Decline: 2}, onward.StageWithdrawn},
		{"an offer taken back is a rejection", ev(onward.Applied, onward.Offer, onward.OfferWithdrawn),
			map[onward.Kind]int{onward.OfferWithdrawnNote: 2}, onward.StageRejected},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := Standing(c.events); !maps.Equal(got, c.want) {
				t.Errorf("Standing = %v, want %v", got, c.want)
			}
			if got := StageAfter(c.events); got != c.stage {
				t.Errorf("StageAfter = %s, want %s", got, c.stage)
			}
		})
	}
}
