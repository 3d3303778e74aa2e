package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"time"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/deliver"
	"github.com/onward-app/onward/mailer"
	"github.com/onward-app/onward/store"
	"github.com/onward-app/onward/when"
)

// backlogFigure measures, with a small and then a large number of future
// messages in the database, (a) finding and claiming the next due batch
// and (b) the daemon's start-up: open with the migration check, take over
// stale claims, and one cycle that finds nothing due and computes the next
// wake. The large backlog is the small one grown, so both see the same
// rows plus more.
func backlogFigure(ctx context.Context, o *options) (string, error) {
	tpl, loc, err := world()
	if err != nil {
		return "", err
	}
	digest, err := when.ParseSpec("0 18 * * SUN")
	if err != nil {
		return "", err
	}
	path, err := newDB(o.dir, "backlog.db")
	if err != nil {
		return "", err
	}
	st, err := store.Open(ctx, path)
	if err != nil {
		return "", err
	}
	rng := rand.New(rand.NewPCG(7, 7))
	apps, err := seedApps(ctx, st, o.apps, rng)
	if err != nil {
		st.Close()
		return "", err
	}
	// The batch that is due: on an application of its own, so that it can
	// be cancelled before the start-up runs (a start-up that finds mail due
	// would time its sending).
	due, err := seedApps(ctx, st, 1, rng)
	if err != nil {
		st.Close()
		return "", err
	}
	st.Close()

	setupFor := func(st *store.Store) *deliver.Setup {
		return &deliver.Setup{Composer: composer(st, tpl, loc),
			Mail: &mailer.Outbox{Dir: filepath.Join(o.dir, "backlog-outbox")}, GiveUpAfter: when.Delay{Days: 3},
			Digest: digest, Location: loc}
	}
	type result struct{ claim, start time.Duration }
	var res []result
	have := 0
	for _, size := range o.backlog {
		st, err := store.Open(ctx, path)
		if err != nil {
			return "", err
		}
		progress("backlog: seeding %d future messages (up to %d)", size-have, size)
		t := time.Now()
		if _, err := seedMessages(ctx, st, apps, size-have, future(time.Now(), rng)); err != nil {
			st.Close()
			return "", err
		}
		have = size
		progress("backlog: seeded in %s", time.Since(t).Round(time.Second))
		claim, err := timeClaims(ctx, st, due[0], o.claims)
		st.Close()
		if err != nil {
			return "", err
		}
		start, next, err := timeStarts(ctx, path, setupFor, o.starts)
		if err != nil {
			return "", err
		}
		progress("backlog %d: claim of a 32-message batch %s (median of %d); start-up %s (median of %d), next wake %s",
			size, ms(claim), o.claims, ms(start), o.starts, next.Format(time.RFC3339))
		res = append(res, result{claim, start})
	}
	small, large := res[0], res[1]
	claimRatio := float64(large.claim) / float64(small.claim)
	startRatio := float64(large.start) / float64(small.start)
	return fmt.Sprintf("2 backlog      %d vs %d future messages (medians): claim next due batch of 32 %s vs %s, ratio %.2f (target <= 1.5: %s); start-up (open+migrate check+next due) %s vs %s, ratio %.2f; start-up at %d %s (target < 1 s: %s)",
		o.backlog[0], o.backlog[1], ms(small.claim), ms(large.claim), claimRatio, verdict(claimRatio <= 1.5),
		ms(small.start), ms(large.start), startRatio, o.backlog[1], ms(large.start), verdict(large.start < time.Second)), nil
}

// timeClaims plans a batch of 32 check-ins due now and times claims of it:
// each ClaimDue is the dispatcher's own call, with its durable commit, and
// each is followed (untimed) by the Release a stopping daemon would do.
// The batch is cancelled at the end.
func timeClaims(ctx context.Context, st *store.Store, app int64, n int) (time.Duration, error) {
	const batch = 32
	if _, err := seedMessages(ctx, st, []int64{app}, batch, func(int) time.Time { return time.Now().Add(-time.Minute) }); err != nil {
		return 0, err
	}
	var ds []time.Duration
	for range n {
		t := time.Now()
		msgs, err := st.ClaimDue(ctx, time.Now(), 5*time.Minute, batch)
		d := time.Since(t)
		if err != nil {
			return 0, err
		}
		if len(msgs) != batch {
			return 0, fmt.Errorf("claimed %d messages, want %d", len(msgs), batch)
		}
		ds = append(ds, d)
		if err := st.Release(ctx, msgs); err != nil {
			return 0, err
		}
	}
	err := st.Update(ctx, func(tx *store.Tx) error {
		_, err := tx.CancelPending(ctx, app, []onward.Kind{onward.Learn, onward.LetGo}, "benchmark batch")
		return err
	})
	return median(ds), err
}

// timeStarts times what the daemon does before it sleeps for the first
// time: store.Open (with the migration check), taking over stale claims,
// reading the data version, and a first cycle that finds nothing due and
// returns the next wake.
func timeStarts(ctx context.Context, path string, setupFor func(*store.Store) *deliver.Setup, n int) (time.Duration, time.Time, error) {
	var ds []time.Duration
	var next time.Time
	for range n {
		t := time.Now()
		st, err := store.Open(ctx, path)
		if err != nil {
			return 0, next, err
		}
		d := deliver.New(st, nil, nil)
		if _, err := st.ExpireDaemonClaims(ctx); err != nil {
			st.Close()
			return 0, next, err
		}
		if _, err := st.DataVersion(ctx); err != nil {
			st.Close()
			return 0, next, err
		}
		next, err = d.Cycle(ctx, setupFor(st))
		el := time.Since(t)
		st.Close()
		if err != nil {
			return 0, next, err
		}
		if next.IsZero() || next.Before(time.Now()) {
			return 0, next, fmt.Errorf("start-up found the next wake at %v; want one in the future", next)
		}
		ds = append(ds, el)
	}
	return median(ds), next, nil
}
