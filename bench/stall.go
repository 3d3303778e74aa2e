package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/onward-app/onward/imapbox"
	"github.com/onward-app/onward/internal/imaptest"
	"github.com/onward-app/onward/plan"
	"github.com/onward-app/onward/replies"
	"github.com/onward-app/onward/store"
	"github.com/onward-app/onward/tracker"
)

// stall runs one poll of the real watcher against a server that trickles
// (a byte of its greeting, or a line of an endless answer, every 50 ms:
// never quiet, never done) and times how long the poll takes to give up,
// against imap.timeout (the bound on one command) and, with a timeout too
// long to trip, against the poll's own bound.
func stall(ctx context.Context, o *options) (string, error) {
	_, db, err := figureDB(o, "stall")
	if err != nil {
		return "", err
	}
	st, err := store.Open(ctx, db)
	if err != nil {
		return "", err
	}
	defer st.Close()
	tr := tracker.New(st, plan.Policy{Location: time.UTC}, user)
	poll := func(at int, timeout, pollTimeout time.Duration) (time.Duration, error) {
		srv, err := imaptest.NewTrickler(at)
		if err != nil {
			return 0, err
		}
		defer srv.Close()
		cfg := imapbox.Config{Host: "127.0.0.1", Port: srv.Port, Username: imaptest.User, Password: imaptest.Password,
			Security: "none", Timeout: timeout}
		w := &replies.Watcher{Store: st, Tracker: tr, User: user.Email, Location: time.UTC, PollTimeout: pollTimeout,
			Dial: func(ctx context.Context) (replies.Mailbox, error) { return imapbox.Dial(ctx, cfg) },
			Log:  slog.New(slog.DiscardHandler)}
		start := time.Now()
		_, err = w.Poll(ctx)
		d := time.Since(start)
		if err == nil {
			return d, fmt.Errorf("a poll of a trickling server succeeded")
		}
		progress("stall: gave up after %s: %s", d.Round(time.Millisecond), strings.ReplaceAll(err.Error(), "\n", " "))
		return d, nil
	}
	const timeout = 3 * time.Second
	greeting, err := poll(imaptest.TrickleGreeting, timeout, 10*timeout)
	if err != nil {
		return "", err
	}
	command, err := poll(imaptest.TrickleAfterLogin, timeout, 10*timeout)
	if err != nil {
		return "", err
	}
	whole, err := poll(imaptest.TrickleAfterLogin, time.Hour, timeout)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("7 stall        a poll against a server trickling every 50 ms, timeout %s: gives up after %.2f s (trickled greeting), %.2f s (trickled answer after login); with a poll bound of %s and a 1 h timeout: %.2f s",
		timeout, greeting.Seconds(), command.Seconds(), timeout, whole.Seconds()), nil
}
