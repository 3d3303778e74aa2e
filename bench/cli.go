package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime/pprof"
	"time"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/store"
)

// cli times `onward status` and `onward messages --json` on a database of
// cli-apps applications, each with its events, a lesson and the six
// messages a rejection after an interview plans, against `onward
// --version`, which starts the same binary and does nothing else.
func cli(ctx context.Context, o *options) (string, error) {
	bin, err := onwardBinary(ctx, o)
	if err != nil {
		return "", err
	}
	sk, err := startSink(false)
	if err != nil {
		return "", err
	}
	defer sk.Close()
	dir, db, err := figureDB(o, "cli")
	if err != nil {
		return "", err
	}
	nMsgs, err := seedCLI(ctx, db, o.cliApps)
	if err != nil {
		return "", err
	}
	cfg, err := writeConfig(dir, db, sk)
	if err != nil {
		return "", err
	}
	cmds := []struct {
		name string
		args []string
		ds   []time.Duration
		out  int
	}{
		{name: "--version", args: []string{"--version"}},
		{name: "status", args: []string{"status"}},
		{name: "messages --json", args: []string{"messages", "--json"}},
	}
	for run := range o.cliRuns + 1 {
		for i := range cmds {
			c := &cmds[i]
			var out bytes.Buffer
			cmd := command(ctx, bin, dir, cfg, c.args...)
			cmd.Stdout = &out
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			t := time.Now()
			err := cmd.Run()
			d := time.Since(t)
			if err != nil {
				return "", fmt.Errorf("onward %s: %v: %s", c.name, err, stderr.String())
			}
			c.out = out.Len()
			if run > 0 { // the first run warms the page cache
				c.ds = append(c.ds, d)
			}
		}
	}
	if o.cpuprofile != "" {
		if err := profileStatus(ctx, db, o.cpuprofile+".status"); err != nil {
			return "", err
		}
	}
	base := median(cmds[0].ds)
	st, ms1 := median(cmds[1].ds), median(cmds[2].ds)
	rs, rm := float64(st)/float64(base), float64(ms1)/float64(base)
	progress("cli: output sizes: status %d bytes, messages --json %d bytes", cmds[1].out, cmds[2].out)
	return fmt.Sprintf("5 cli          %d applications, %d messages (medians of %d): --version %s; status %s, ratio %.1f (target < 3: %s); messages --json %s, ratio %.1f (target < 3: %s)",
		o.cliApps, nMsgs, o.cliRuns, ms(base), ms(st), rs, verdict(rs < 3), ms(ms1), rm, verdict(rm < 3)), nil
}

// seedCLI fills a database with n applications as a real job hunt leaves
// them: each rejected after an interview, with a lesson, a thank-you and a
// feedback request drafted, a status check cancelled by the rejection, the
// learn check-in sent, let_go and stay_in_touch still to come.
func seedCLI(ctx context.Context, db string, n int) (int, error) {
	st, err := store.Open(ctx, db)
	if err != nil {
		return 0, err
	}
	defer st.Close()
	rng := rand.New(rand.NewPCG(11, 11))
	apps, err := seedApps(ctx, st, n, rng)
	if err != nil {
		return 0, err
	}
	count := 0
	err = st.Update(ctx, func(tx *store.Tx) error {
		now := tx.Now()
		for _, app := range apps {
			for _, p := range []struct {
				kind   onward.Kind
				status onward.Status
				due    time.Time
			}{
				{onward.ThankYou, onward.StatusDrafted, now.AddDate(0, 0, -10)},
				{onward.StatusCheck, onward.StatusCancelled, now.AddDate(0, 0, -3)},
				{onward.FeedbackRequest, onward.StatusDrafted, now.AddDate(0, 0, -1)},
				{onward.Learn, onward.StatusSent, now.AddDate(0, 0, -1)},
				{onward.LetGo, onward.StatusScheduled, now.AddDate(0, 0, 5)},
				{onward.StayInTouch, onward.StatusScheduled, now.AddDate(0, 0, 43)},
			} {
				to := user.String()
				subject, text := "", ""
				if p.kind.Audience() == onward.Recruiter {
					to = fmt.Sprintf("Recruiter %d <recruiter%d@company%d.example>", app, app, app)
				}
				if p.status != onward.StatusScheduled && p.status != onward.StatusCancelled {
					subject = "Thank you — Platform Engineer interview"
					text = "Hi,\n\nThank you for the conversation today. I enjoyed learning about the team.\n\nBest,\nAlex\n"
				}
				m := store.Message{ApplicationID: app, Kind: p.kind, Audience: p.kind.Audience(), To: to,
					Status: p.status, DueAt: p.due.Add(time.Duration(rng.IntN(3600)) * time.Second),
					MessageID: store.NewMessageID(user.Email), Subject: subject, Text: text}
				if err := tx.InsertMessage(ctx, &m); err != nil {
					return err
				}
				count++
			}
		}
		return nil
	})
	return count, err
}

// profileStatus writes a CPU profile of the store calls `onward status`
// makes, run in-process (a profile of the binary would need a flag in it):
// the applications, then each one's last event and next message.
func profileStatus(ctx context.Context, db, path string) error {
	st, err := store.Open(ctx, db)
	if err != nil {
		return err
	}
	defer st.Close()
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := pprof.StartCPUProfile(f); err != nil {
		return err
	}
	defer pprof.StopCPUProfile()
	t := time.Now()
	apps, err := st.Applications(ctx)
	if err != nil {
		return err
	}
	for _, a := range apps {
		if _, err := st.LastEvent(ctx, a.ID); err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if _, err := st.NextPending(ctx, a.ID); err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
	}
	progress("cli: in-process status queries for %d applications took %s; profile in %s", len(apps), time.Since(t).Round(time.Millisecond), path)
	var ds []time.Duration
	n := 0
	for range 7 {
		t = time.Now()
		msgs, err := st.Messages(ctx, store.MessageFilter{})
		if err != nil {
			return err
		}
		ds = append(ds, time.Since(t))
		n = len(msgs)
	}
	progress("cli: in-process Messages (all %d, as messages --json reads them) took %s (median of 7)", n, ms(median(ds)))
	return nil
}
