package plan

import (
	"github.com/onward-app/onward"
)

// Standing replays the rules over events, in the order they were
// recorded, and returns for each kind of message the index of the event
// whose plan of it still stands: planned by that event and cancelled by
// none after it. Undoing the last event asks this of the events before
// it, to know what the undone event had cancelled that should come back.
func Standing(events []onward.EventKind) map[onward.Kind]int {
	owner := map[onward.Kind]int{}
	for i, e := range events {
		r := rules[e]
		cancel := r.cancel
		if r.cancelAll {
			cancel = pendingAll
		}
		for _, k := range cancel {
			delete(owner, k)
		}
		for _, k := range r.plans {
			owner[k] = i
		}
		if r.prep {
			owner[onward.Prep] = i
		}
	}
	return owner
}

// StageAfter is the stage events leave an application in: the stage of
// the last event that moves it (a reply moves nothing).
func StageAfter(events []onward.EventKind) onward.Stage {
	stage := onward.StageApplied
	for _, e := range events {
		if s, ok := stageOf[e]; ok {
			stage = s
		}
	}
	return stage
}

// stageOf is the stage each event moves an application to.
var stageOf = map[onward.EventKind]onward.Stage{
	onward.Applied:   onward.StageApplied,
	onward.Interview: onward.StageInterviewing,
	onward.Rejected:  onward.StageRejected,
	onward.Offer:     onward.StageOffer,
	onward.Withdrawn: onward.StageWithdrawn,
	// An accepted offer stays an offer; the others step back.
	onward.Accepted:          onward.StageOffer,
	onward.AcceptedElsewhere: onward.StageWithdrawn,
	onward.Declined:          onward.StageWithdrawn,
	onward.OfferWithdrawn:    onward.StageRejected,
	// A closed application is over from the user's side, like a
	// withdrawal; its last event says it was closed.
	onward.Closed: onward.StageWithdrawn,
}
