package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/compose"
	"github.com/onward-app/onward/store"
	"github.com/onward-app/onward/templates"
	"github.com/onward-app/onward/tracker"
)

// composer is the daemon's composer for this config, for previews.
func (a *app) composer(tpl *templates.Set) *compose.Composer {
	return &compose.Composer{Store: a.st, Templates: tpl, User: a.userAddress(), Location: a.cfg.Location(),
		Command: commandName(), Stale: a.cfg.StaleLimits(), NoSend: !canSend(a.cfg),
		RepliesRead: a.cfg.IMAPEnabled(), QuietAfter: a.cfg.QuietAfter()}
}

// notApplicable says why a preview has nothing true to show.
func notApplicable(format string, args ...any) error { return badInput{fmt.Errorf(format, args...)} }

// previewData is the data a preview renders: the application's own with
// ref, the real database's for digest and draft_ready when it has
// something, else the sample written to the user. real says which.
func (a *app) previewData(ctx context.Context, tpl *templates.Set, kind onward.Kind, ref string) (templates.Data, bool, error) {
	c := a.composer(tpl)
	now := a.now()
	sample := func() (templates.Data, bool, error) {
		return templates.SampleFor(kind, templates.Person{Name: a.cfg.User.Name, Email: a.cfg.User.Email}), false, nil
	}
	if ref == "" {
		switch kind {
		case onward.Digest:
			apps, err := a.st.Applications(ctx)
			if err != nil {
				return templates.Data{}, false, err
			}
			if len(apps) == 0 {
				return sample()
			}
			d, err := c.Data(ctx, store.Message{Kind: onward.Digest, Audience: onward.User}, now)
			return d, true, err
		case onward.DraftReady:
			drafts, err := a.st.Messages(ctx, store.MessageFilter{Status: onward.StatusDrafted, NoBodies: true})
			if err != nil {
				return templates.Data{}, false, err
			}
			if len(drafts) == 0 {
				return sample()
			}
			dr := drafts[len(drafts)-1]
			d, err := c.Data(ctx, store.Message{ApplicationID: dr.ApplicationID, Kind: onward.DraftReady, Audience: onward.User, DraftID: dr.ID}, now)
			return d, true, err
		}
		return sample()
	}
	app, err := a.find(ctx, ref)
	if err != nil {
		return templates.Data{}, false, err
	}
	name := fmt.Sprintf("%s (%d)", app.Company, app.ID)
	if kind == onward.DraftReady {
		drafts, err := a.st.Messages(ctx, store.MessageFilter{ApplicationID: app.ID, Status: onward.StatusDrafted, NoBodies: true})
		if err != nil {
			return templates.Data{}, false, err
		}
		if len(drafts) == 0 {
			return templates.Data{}, false, notApplicable("%s has no draft waiting, so there is no draft notice to show", name)
		}
		dr := drafts[len(drafts)-1]
		d, err := c.Data(ctx, store.Message{ApplicationID: app.ID, Kind: onward.DraftReady, Audience: onward.User, DraftID: dr.ID}, now)
		return d, true, err
	}
	if err := a.applies(ctx, app, kind, now); err != nil {
		return templates.Data{}, false, err
	}
	// The message onward planned for it, when there is one, so the
	// preview is addressed as the real one (a thank-you to one
	// interviewer); else one to the recruiter.
	m := store.Message{ApplicationID: app.ID, Kind: kind, Audience: kind.Audience()}
	if kind.Audience() == onward.Recruiter {
		m.To = tracker.RecruiterAddress(app)
	}
	planned, err := a.st.Messages(ctx, store.MessageFilter{ApplicationID: app.ID, Kind: kind, NoBodies: true})
	if err != nil {
		return templates.Data{}, false, err
	}
	if len(planned) > 0 {
		m = planned[len(planned)-1]
	}
	d, err := c.Data(ctx, m, now)
	return d, true, err
}

// applies checks that kind has something true to say about app: a
// thank-you needs an interview, a let-go note a rejection.
func (a *app) applies(ctx context.Context, app store.Application, kind onward.Kind, now time.Time) error {
	name := fmt.Sprintf("%s (%d)", app.Company, app.ID)
	interview, err := a.st.LastEventOf(ctx, app.ID, onward.Interview)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	hasInterview := err == nil
	switch kind {
	case onward.ThankYou, onward.StatusCheck:
		if !hasInterview {
			return notApplicable("%s has no interview recorded, so a %s has nothing true to say; record one with: onward interview %d --at TIME", name, kind.Label(), app.ID)
		}
	case onward.Prep:
		if !hasInterview || !interview.At.After(now) {
			return notApplicable("%s has no interview ahead, so there is no prep note to show; record one with: onward interview %d --at TIME", name, app.ID)
		}
	case onward.FeedbackRequest, onward.StayInTouch, onward.Learn, onward.LetGo:
		if app.Stage != onward.StageRejected {
			return notApplicable("%s is %s, not rejected, so a %s does not apply", name, app.Stage, kind.Label())
		}
	case onward.FeedbackThanks, onward.FeedbackReceived:
		f, err := a.st.LastFeedback(ctx, app.ID)
		if errors.Is(err, store.ErrNotFound) {
			return notApplicable("%s has no feedback recorded, so a %s does not apply; record it with: onward feedback %d \"TEXT\"", name, kind.Label(), app.ID)
		}
		if err != nil {
			return err
		}
		if kind == onward.FeedbackThanks && f.Declined {
			return notApplicable("%s declined to give feedback, so there is nothing to thank them for", name)
		}
	}
	return nil
}

func (a *app) digestCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "digest",
		Short: "Print this week's digest now, from the database",
		Long: `Print the weekly digest as it would go out now: the pipeline, the drafts
waiting for you (the soonest to go stale first), what was sent, what failed
and what is due in the coming week. Nothing is sent.`,
		Example: "  onward digest",
		Args:    exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if err := a.open(ctx); err != nil {
				return err
			}
			tpl, err := a.templates()
			if err != nil {
				return err
			}
			d, err := a.composer(tpl).Data(ctx, store.Message{Kind: onward.Digest, Audience: onward.User}, a.now())
			if err != nil {
				return err
			}
			r, err := tpl.Render(onward.Digest, d)
			if err != nil {
				return badInput{err}
			}
			fmt.Fprintf(a.stdout, "Subject: %s\n\n%s", r.Subject, r.Text)
			return nil
		},
	}
}
