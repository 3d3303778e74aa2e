package compose

import (
	"context"
	"time"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/plan"
	"github.com/onward-app/onward/store"
	"github.com/onward-app/onward/when"
)

// QuietApps returns, for each open application (applied for or in
// interviews) gone quiet after quietAfter (plan.Policy.QuietSince) with
// no follow-up still to go out, when its last follow-up went out. `onward status` and the digest show
// these, with the command that closes each.
func QuietApps(ctx context.Context, st *store.Store, apps []store.Application, loc *time.Location, quietAfter when.Delay, now time.Time) (map[int64]time.Time, error) {
	out := map[int64]time.Time{}
	if quietAfter.IsZero() {
		return out, nil
	}
	silences, err := st.Silences(ctx, plan.ChaseKinds(), plan.AnswerKinds())
	if err != nil {
		return nil, err
	}
	return Quiet(apps, silences, loc, quietAfter, now), nil
}

// Quiet is QuietApps on silences already read (store.Silences, or
// store.CardSilences for a page of cards).
func Quiet(apps []store.Application, silences map[int64]store.Silence, loc *time.Location, quietAfter when.Delay, now time.Time) map[int64]time.Time {
	out := map[int64]time.Time{}
	if quietAfter.IsZero() {
		return out
	}
	p := plan.Policy{Location: loc, QuietAfter: quietAfter}
	for _, a := range apps {
		if a.Stage != onward.StageApplied && a.Stage != onward.StageInterviewing {
			continue
		}
		s := silences[a.ID]
		if s.Pending > 0 {
			// A follow-up still to go out: it is not over yet.
			continue
		}
		if since, ok := p.QuietSince(s.LastChase(), s.LastAnswer, now); ok {
			out[a.ID] = since
		}
	}
	return out
}
