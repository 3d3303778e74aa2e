package main

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/calendar"
	"github.com/onward-app/onward/store"
)

func (a *app) calendarCmd() *cobra.Command {
	var out string
	var followups bool
	c := &cobra.Command{
		Use:   "calendar [--out FILE] [--followups]",
		Short: "Write the interviews (and the follow-ups due) as an iCalendar file",
		Long: `Write an RFC 5545 calendar (.ics) of your interviews, in your time zone,
with the recruiter and, where recorded, the people and the place or link.
With --followups it also holds the follow-up drafts falling due. Each item
keeps its UID from one export to the next, so importing the file again
updates the items instead of adding them twice; an interview you moved is
the same item, moved.

To keep a file current for a calendar program to subscribe to, set
[calendar] file in the config: the daemon rewrites it after every change.`,
		Example: `  onward calendar --out ~/interviews.ics
  onward calendar --followups > hunt.ics`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if err := a.open(ctx); err != nil {
				return err
			}
			data, err := a.calendar(ctx, followups)
			if err != nil {
				return err
			}
			if out == "" {
				_, err := a.stdout.Write(data)
				return err
			}
			if err := writePrivate(out, data); err != nil {
				return err
			}
			fmt.Fprintf(a.stderr, "onward: wrote %s\n", out)
			return nil
		},
	}
	c.Flags().StringVar(&out, "out", "", "the file to write (default standard output)")
	c.Flags().BoolVar(&followups, "followups", false, "include the follow-up drafts falling due")
	return c
}

// calendar reads what the calendar shows and encodes it.
func (a *app) calendar(ctx context.Context, followups bool) ([]byte, error) {
	apps, err := a.st.Applications(ctx)
	if err != nil {
		return nil, err
	}
	ivs, err := a.st.InterviewRows(ctx)
	if err != nil {
		return nil, err
	}
	d := calendar.Data{Applications: apps, Interviews: ivs, Location: a.cfg.Location(), Domain: uidDomain(a.cfg.User.Email)}
	for _, app := range apps {
		if app.Stage != onward.StageOffer {
			continue
		}
		// Only an offer still waiting for its answer: accepting or
		// declining it is an event after it.
		events, err := a.st.Timeline(ctx, app.ID)
		if err != nil {
			return nil, err
		}
		if n := len(events); n > 0 && events[n-1].Kind == onward.Offer && !events[n-1].EndsAt.IsZero() {
			d.Deadlines = append(d.Deadlines, events[n-1])
		}
	}
	if followups {
		for _, st := range []onward.Status{onward.StatusScheduled, onward.StatusDrafted} {
			ms, err := a.st.Messages(ctx, store.MessageFilter{Status: st, Audience: onward.Recruiter, NoBodies: true})
			if err != nil {
				return nil, err
			}
			d.Followups = append(d.Followups, ms...)
		}
	}
	return calendar.Write(d)
}

// uidDomain ends the calendar's UIDs: the domain of the user's address.
func uidDomain(email string) string {
	if _, domain, ok := strings.Cut(email, "@"); ok && domain != "" {
		return "onward." + strings.ToLower(domain)
	}
	return "onward.invalid"
}

// calendarEvery is how often the daemon looks whether the calendar
// changed: a few small queries, and a write only when it did.
const calendarEvery = time.Second

// keepCalendar keeps the file at path current while the daemon runs. It
// rebuilds the calendar every calendarEvery and writes it (whole, by a
// rename) only when it changed: the daemon's own writes (a draft written,
// a follow-up sent) do not move the database's data version, so a
// version check alone would miss them.
func (a *app) keepCalendar(ctx context.Context, log *slog.Logger, path string, followups bool) {
	var last []byte
	failing := false
	t := time.NewTicker(calendarEvery)
	defer t.Stop()
	for {
		data, err := a.calendar(ctx, followups)
		if err == nil && !bytes.Equal(data, last) {
			if err = writePrivate(path, data); err == nil {
				last = data
				log.Info("calendar written", "file", path)
			}
		}
		switch {
		case err != nil && ctx.Err() == nil && !failing:
			log.Error("cannot write the calendar; trying again", "file", path, "err", err)
			failing = true
		case err == nil && failing:
			failing = false
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
