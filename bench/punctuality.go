package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/onward-app/onward/deliver"
	"github.com/onward-app/onward/store"
	"github.com/onward-app/onward/when"
)

// punctuality runs the daemon loop (Dispatcher.Run) on its own database
// handle, then plans messages from a second handle, as the CLI would from
// its own process, due at random times over the spread starting two
// seconds later. Lateness is the arrival of the final dot at the SMTP
// server minus the stored due time.
func punctuality(ctx context.Context, o *options) (string, error) {
	tpl, loc, err := world()
	if err != nil {
		return "", err
	}
	sk, err := startSink(true)
	if err != nil {
		return "", err
	}
	defer sk.Close()
	path, err := newDB(o.dir, "punctuality.db")
	if err != nil {
		return "", err
	}
	cli, err := store.Open(ctx, path)
	if err != nil {
		return "", err
	}
	defer cli.Close()
	rng := rand.New(rand.NewPCG(3, 3))
	apps, err := seedApps(ctx, cli, 50, rng)
	if err != nil {
		return "", err
	}

	daemon, err := store.Open(ctx, path)
	if err != nil {
		return "", err
	}
	defer daemon.Close()
	smtp, err := newSMTP(sk)
	if err != nil {
		return "", err
	}
	defer smtp.Close()
	setup := &deliver.Setup{Composer: composer(daemon, tpl, loc), Mail: smtp, Send: smtp,
		GiveUpAfter: when.Delay{Days: 3}, Location: loc}
	d := deliver.New(daemon, nil, nil)
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- d.Run(runCtx, setup) }()
	defer func() {
		stop()
		<-done
	}()
	// Let the daemon finish its first cycle and go to sleep.
	time.Sleep(time.Second)

	start := time.Now().Add(2 * time.Second)
	planned, err := seedMessages(ctx, cli, apps, o.punctN, func(int) time.Time {
		return start.Add(time.Duration(rng.Int64N(int64(o.punctSpread))))
	})
	if err != nil {
		return "", err
	}
	deadline := start.Add(o.punctSpread + 30*time.Second)
	for sk.Received() < int64(o.punctN) {
		if time.Now().After(deadline) {
			return "", fmt.Errorf("%d of %d messages arrived by 30 s after the last was due", sk.Received(), o.punctN)
		}
		time.Sleep(50 * time.Millisecond)
	}
	arrivals := sk.Arrivals()
	late := make([]time.Duration, 0, len(planned))
	for id, due := range planned {
		at, ok := arrivals[id]
		if !ok {
			return "", fmt.Errorf("message %s never arrived", id)
		}
		late = append(late, at.Sub(due))
	}
	p50, p99, worst := quantile(late, 0.5), quantile(late, 0.99), quantile(late, 1)
	poll := 30 * time.Second
	return fmt.Sprintf("3 punctuality  %d messages due over %s: lateness p50 %s, p99 %s, max %s; a once-a-minute poll averages %s late (p50 ratio %.5f); p99 < 100 ms: %s",
		o.punctN, o.punctSpread, ms(p50), ms(p99), ms(worst), poll, float64(p50)/float64(poll), verdict(p99 < 100*time.Millisecond)), nil
}
