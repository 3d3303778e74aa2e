package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"sync/atomic"
	"time"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/deliver"
	"github.com/onward-app/onward/mailer"
	"github.com/onward-app/onward/store"
	"github.com/onward-app/onward/templates"
	"github.com/onward-app/onward/when"
)

// newSMTP is the client the daemon builds for a loopback server, without
// the rate limit the daemon's Relay adds: the figure is about onward, not
// about the provider's limit.
func newSMTP(sk *sink) (*mailer.SMTP, error) {
	return mailer.NewSMTP(mailer.SMTPConfig{Host: sk.Host, Port: sk.Port, Security: "none",
		Timeout: 30 * time.Second})
}

// throughput delivers N due check-ins through the real dispatcher and, as
// the baseline, the same N messages pre-rendered through mailer.SMTP alone,
// one connection each, to the same discarding SMTP server.
func throughput(ctx context.Context, o *options) (string, error) {
	tpl, loc, err := world()
	if err != nil {
		return "", err
	}
	sk, err := startSinkDelayed(false, o.sinkDelay)
	if err != nil {
		return "", err
	}
	defer sk.Close()

	var base, subj, commits []time.Duration
	var sendShare []float64
	for r := range o.rounds {
		path, err := newDB(o.dir, "throughput.db")
		if err != nil {
			return "", err
		}
		pre, err := prepareThroughput(ctx, path, o, tpl, loc, uint64(r))
		if err != nil {
			return "", err
		}
		baseline := func() error {
			d, err := sendPrebuilt(ctx, sk, pre)
			base = append(base, d)
			progress("throughput round %d: baseline %d messages in %s (%.0f/s)", r+1, len(pre), d.Round(time.Millisecond), rate(len(pre), d))
			return err
		}
		subject := func() error {
			d, share, err := dispatchAll(ctx, sk, path, o, tpl, loc, r == 0)
			subj = append(subj, d)
			if share > 0 {
				sendShare = append(sendShare, share)
			}
			progress("throughput round %d: subject %d messages in %s (%.0f/s)", r+1, o.n, d.Round(time.Millisecond), rate(o.n, d))
			return err
		}
		commit := func() error {
			d, err := durableCommit(ctx, path)
			commits = append(commits, d)
			return err
		}
		order := []func() error{baseline, subject}
		if r%2 == 1 {
			order = []func() error{subject, baseline}
		}
		for _, f := range append(order, commit) {
			runtime.GC()
			if err := f(); err != nil {
				return "", err
			}
		}
	}
	b, s, c := median(base), median(subj), median(commits)
	ratio := rate(o.n, s) / rate(o.n, b)
	// With one message in flight, each message costs at least its send
	// and the durable commit of its outcome, one after the other.
	ceiling := 1 / (b.Seconds()/float64(o.n) + c.Seconds())
	server := ""
	if o.sinkDelay > 0 {
		server = fmt.Sprintf(", server replies after %s", o.sinkDelay)
	}
	line := fmt.Sprintf("1 throughput   N=%d, 1 connection%s, %d rounds (medians): baseline go-mail pre-rendered %.0f msg/s; onward claim+render+send+record %.0f msg/s; ratio %.2f (target >= 0.8: %s); one durable commit %s, so one-in-flight allows at most %.0f msg/s (ratio %.2f)",
		o.n, server, o.rounds, rate(o.n, b), rate(o.n, s), ratio, verdict(ratio >= 0.8), ms(c), ceiling, ceiling/rate(o.n, b))
	if len(sendShare) > 0 {
		slices.Sort(sendShare)
		line += fmt.Sprintf("; SMTP send share of the subject's time %.0f%%", 100*sendShare[len(sendShare)/2])
	}
	return line, nil
}

func rate(n int, d time.Duration) float64 { return float64(n) / d.Seconds() }

// prepareThroughput seeds a fresh database with N check-ins due a minute
// ago and renders each one for the baseline. None of it is timed.
func prepareThroughput(ctx context.Context, path string, o *options, tpl *templates.Set, loc *time.Location, seed uint64) ([]*mailer.Message, error) {
	st, err := store.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	rng := rand.New(rand.NewPCG(seed, 1))
	apps, err := seedApps(ctx, st, o.apps, rng)
	if err != nil {
		return nil, err
	}
	due := time.Now().Add(-time.Minute)
	if _, err := seedMessages(ctx, st, apps, o.n, func(int) time.Time { return due }); err != nil {
		return nil, err
	}
	msgs, err := st.Messages(ctx, store.MessageFilter{Status: onward.StatusScheduled})
	if err != nil {
		return nil, err
	}
	c := composer(st, tpl, loc)
	pre := make([]*mailer.Message, 0, len(msgs))
	for _, m := range msgs {
		e, err := c.Compose(ctx, m, time.Now())
		if err != nil {
			return nil, err
		}
		pre = append(pre, e)
	}
	return pre, nil
}

// sendPrebuilt is the baseline: go-mail through mailer.SMTP, no database.
func sendPrebuilt(ctx context.Context, sk *sink, pre []*mailer.Message) (time.Duration, error) {
	smtp, err := newSMTP(sk)
	if err != nil {
		return 0, err
	}
	defer smtp.Close()
	before := sk.Received()
	t := time.Now()
	for _, m := range pre {
		if err := smtp.Send(ctx, m); err != nil {
			return 0, err
		}
	}
	d := time.Since(t)
	if got := sk.Received() - before; got != int64(len(pre)) {
		return d, fmt.Errorf("baseline: the server got %d of %d messages", got, len(pre))
	}
	return d, nil
}

// timedMailer measures how long the subject spends in SMTP sends, for
// -breakdown only.
type timedMailer struct {
	m    deliver.Mailer
	busy atomic.Int64
}

func (t *timedMailer) Send(ctx context.Context, m *mailer.Message) error {
	start := time.Now()
	err := t.m.Send(ctx, m)
	t.busy.Add(int64(time.Since(start)))
	return err
}

// dispatchAll is the subject: the daemon's own dispatcher, on the database
// file as the daemon opens it (WAL, synchronous=FULL), logging each
// delivery as the daemon does, delivering everything due in one Cycle.
func dispatchAll(ctx context.Context, sk *sink, path string, o *options, tpl *templates.Set, loc *time.Location, first bool) (time.Duration, float64, error) {
	st, err := store.Open(ctx, path)
	if err != nil {
		return 0, 0, err
	}
	defer st.Close()
	smtp, err := newSMTP(sk)
	if err != nil {
		return 0, 0, err
	}
	defer smtp.Close()
	var mail deliver.Mailer = smtp
	var timed *timedMailer
	if o.breakdown {
		timed = &timedMailer{m: smtp}
		mail = timed
	}
	setup := &deliver.Setup{Composer: composer(st, tpl, loc), Mail: mail, Send: mail,
		GiveUpAfter: when.Delay{Days: 3}, Location: loc}
	var sent, other int
	d := deliver.New(st, nil, nil)
	d.OnDelivery = func(v deliver.Delivery) {
		if v.Outcome == onward.StatusSent {
			sent++
		} else {
			other++
		}
	}
	before := sk.Received()
	if first && o.cpuprofile != "" {
		f, err := os.Create(o.cpuprofile)
		if err != nil {
			return 0, 0, err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return 0, 0, err
		}
		defer pprof.StopCPUProfile()
	}
	t := time.Now()
	if _, err := d.Cycle(ctx, setup); err != nil {
		return 0, 0, err
	}
	el := time.Since(t)
	if sent != o.n || other != 0 {
		return el, 0, fmt.Errorf("subject: %d sent and %d otherwise of %d", sent, other, o.n)
	}
	if got := sk.Received() - before; got != int64(o.n) {
		return el, 0, fmt.Errorf("subject: the server got %d of %d messages", got, o.n)
	}
	counts, err := st.CountByStatus(ctx)
	if err != nil {
		return el, 0, err
	}
	if counts[onward.StatusSent] != o.n {
		return el, 0, fmt.Errorf("subject: %d recorded sent of %d", counts[onward.StatusSent], o.n)
	}
	share := 0.0
	if timed != nil {
		share = float64(timed.busy.Load()) / float64(el)
	}
	return el, share, nil
}

// durableCommit times the smallest durable write the store makes, a
// one-row upsert in its own transaction, on the subject's database: the
// fsync every recorded outcome waits for. Median of 200.
func durableCommit(ctx context.Context, path string) (time.Duration, error) {
	st, err := store.Open(ctx, path)
	if err != nil {
		return 0, err
	}
	defer st.Close()
	var ds []time.Duration
	base := time.Now()
	for i := range 200 {
		// A new value each time: a write that changes nothing commits
		// without writing, and without an fsync.
		next := base.Add(time.Duration(i+1) * time.Second)
		t := time.Now()
		err := st.Update(ctx, func(tx *store.Tx) error { return tx.SetJobNext(ctx, "bench-commit", next) })
		if err != nil {
			return 0, err
		}
		ds = append(ds, time.Since(t))
	}
	return median(ds), nil
}
