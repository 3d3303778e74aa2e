package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/onward-app/onward/store"
	"github.com/onward-app/onward/tracker"
)

func (a *app) offerCmd() *cobra.Command {
	var deadline string
	var withdrawn bool
	c := a.eventCmd("offer APP [--at TIME] [--deadline DATE] [--withdrawn]",
		"Record an offer (with the day to answer by), or that the employer withdrew it",
		`  onward offer acme --deadline 2026-03-20
  onward offer acme --withdrawn`,
		func(c *cobra.Command) {
			c.Flags().StringVar(&deadline, "deadline", "", "the day they want an answer by, e.g. 2026-03-20: you get a reminder the evening before")
			c.Flags().BoolVar(&withdrawn, "withdrawn", false, "the employer took the offer back: closes it and sends you a note")
		},
		func(ctx context.Context, app store.Application, at time.Time) (tracker.Result, error) {
			if withdrawn {
				if deadline != "" {
					return tracker.Result{}, usagef("--deadline and --withdrawn: give one or the other")
				}
				return a.tr.WithdrawOffer(ctx, app.ID, at)
			}
			var d time.Time
			if deadline != "" {
				var err error
				if d, err = tracker.ParseTime(deadline, a.cfg.Location()); err != nil {
					return tracker.Result{}, usagef("--deadline: %v", strings.TrimPrefix(err.Error(), "time: "))
				}
			}
			return a.tr.OfferBy(ctx, app.ID, at, d)
		})
	c.Long = `Record an offer. The pending status check and prep note are cancelled.

With --deadline, the day they want an answer by, you get a reminder the
evening before it (18:00 in your zone, or after your quiet hours). Giving
a deadline for an offer already recorded replaces the reminder.

With --withdrawn, the employer took the offer back: the application is
closed as a rejection, everything pending for it is cancelled and you get
a short note. onward undo takes either back.`
	return c
}

func (a *app) declineCmd() *cobra.Command {
	c := a.eventCmd("decline APP [--at TIME]",
		"Decline an offer: plans a gracious draft to the recruiter that keeps the door open",
		"  onward decline acme", nil,
		func(ctx context.Context, app store.Application, at time.Time) (tracker.Result, error) {
			return a.tr.Decline(ctx, app.ID, at)
		})
	c.Long = `Record that you declined an offer. Everything pending for the
application is cancelled, and a short decline draft to the recruiter is
planned for you to review and send: thanks, a clear no, and the door left
open. Nothing reaches the recruiter until you send it.`
	return c
}

func (a *app) acceptCmd() *cobra.Command {
	var at string
	var asJSON bool
	c := &cobra.Command{
		Use:   "accept APP [--at TIME]",
		Short: "Accept an offer: the hunt's end, with withdrawal drafts for the other applications",
		Long: `Record that you accepted an offer: the end of the hunt. You get a short
note of congratulations. Every other application still open (applied, in
interviews, or an offer you did not take) is closed as withdrawn, and
everything pending for it is cancelled; each one with a recruiter who may
answer (an address that is not a no-reply one) gets a polite withdrawal
draft for you to review and send. Nothing reaches a recruiter until you
send it. It is written at once or not at all, and onward undo APP takes
all of it back: the acceptance, and the withdrawal of every application
it closed that has not changed since (its earlier plan returns where it
is still timely).`,
		Example: `  onward accept acme
  onward drafts`,
		Args: exactArgs(1, "one application (an id or a company name)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			app, err := a.find(ctx, args[0])
			if err != nil {
				return err
			}
			t, err := a.parseAt(at)
			if err != nil {
				return err
			}
			res, err := a.tr.Accept(ctx, app.ID, t)
			if err != nil {
				return err
			}
			if asJSON {
				accepted, err := a.resultOut(ctx, res.Result)
				if err != nil {
					return err
				}
				out := struct {
					resultJSON
					Closed []resultJSON `json:"closed"`
				}{resultJSON: accepted, Closed: []resultJSON{}}
				for _, o := range res.Others {
					c, err := a.resultOut(ctx, o)
					if err != nil {
						return err
					}
					out.Closed = append(out.Closed, c)
				}
				return a.writeJSON(out)
			}
			if res.Unchanged {
				// Its stage is offer; "has an offer already" read as if
				// the acceptance had not been recorded.
				fmt.Fprintf(a.stdout, "%s (%d): you accepted its offer already; nothing changed.\n", res.App.Company, res.App.ID)
				return nil
			}
			if err := a.printResult(res.Result, false); err != nil {
				return err
			}
			for _, o := range res.Others {
				if err := a.printResult(o, false); err != nil {
					return err
				}
				if len(o.Scheduled) == 0 {
					fmt.Fprintf(a.stdout, "  no withdrawal draft: no recruiter who may answer is known\n")
				}
			}
			fmt.Fprintln(a.stdout, "Congratulations.")
			return nil
		},
	}
	c.Flags().StringVar(&at, "at", "", `when you accepted: "2026-03-02 14:00", "2026-03-02" or RFC 3339 (default now)`)
	c.Flags().BoolVar(&asJSON, "json", false, "print what was planned and closed as JSON")
	return c
}
