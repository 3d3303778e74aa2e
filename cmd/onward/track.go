package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/plan"
	"github.com/onward-app/onward/store"
	"github.com/onward-app/onward/tracker"
)

// parseAt reads an --at flag in the user's zone; empty means now.
func (a *app) parseAt(v string) (time.Time, error) {
	if v == "" {
		return a.now().UTC(), nil
	}
	t, err := tracker.ParseTime(v, a.cfg.Location())
	if err != nil {
		return t, usagef("--at: %v", strings.TrimPrefix(err.Error(), "time: "))
	}
	return t, nil
}

// find resolves the APP argument after opening the database.
func (a *app) find(ctx context.Context, ref string) (store.Application, error) {
	if err := a.open(ctx); err != nil {
		return store.Application{}, err
	}
	return a.tr.Find(ctx, ref)
}

func (a *app) applyCmd() *cobra.Command {
	var n tracker.NewApplication
	var at string
	var asJSON bool
	c := &cobra.Command{
		Use:   "apply --company NAME --role TITLE [flags]",
		Short: "Record a new application and print its id",
		Long: `Record a new application and print its id. When the same company and role
(ignoring case) already has an open application, onward asks on a terminal
and otherwise refuses, naming it; --again records another anyway.`,
		Example: `  onward apply --company Acme --role "Platform Engineer" \
      --recruiter "Dana Reyes <dana@acme.example>" --recruiter-tz America/New_York`,
		Args: exactArgs(0, "no arguments (use --company and --role)"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if err := a.open(ctx); err != nil {
				return err
			}
			t, err := a.parseAt(at)
			if err != nil {
				return err
			}
			if at != "" {
				n.At = t
			}
			app, err := a.tr.Apply(ctx, n)
			if err != nil && a.duplicateOK(err) {
				n.Again = true
				app, err = a.tr.Apply(ctx, n)
			}
			if err != nil {
				return err
			}
			if asJSON {
				return a.writeJSON(appJSON(app, nil, nil))
			}
			fmt.Fprintln(a.stdout, app.ID)
			return nil
		},
	}
	f := c.Flags()
	f.StringVar(&n.Company, "company", "", "the company (required)")
	f.StringVar(&n.Role, "role", "", "the job title (required)")
	f.StringVar(&n.Recruiter, "recruiter", "", `the recruiter, as "Name <address>", an address or a name`)
	f.StringVar(&n.RecruiterTZ, "recruiter-tz", "", "the recruiter's time zone (IANA name); drafts fall due in their business hours")
	f.StringVar(&n.URL, "url", "", "the job posting")
	f.StringVar(&n.Notes, "notes", "", "anything worth remembering")
	f.StringVar(&at, "at", "", "when you applied (default now)")
	f.BoolVar(&asJSON, "json", false, "print the application as JSON")
	f.BoolVar(&n.Again, "again", false, "record it even if the same company and role has an open application")
	c.MarkFlagRequired("company")
	c.MarkFlagRequired("role")
	return c
}

func (a *app) editCmd() *cobra.Command {
	var company, role, recruiter, tz, url, notes string
	c := &cobra.Command{
		Use:     "edit APP [flags]",
		Short:   "Change an application's details",
		Example: `  onward edit acme --recruiter "Dana Reyes <dana@acme.example>"`,
		Args:    exactArgs(1, "one application (an id or a company name)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			app, err := a.find(ctx, args[0])
			if err != nil {
				return err
			}
			var ch tracker.Changes
			f := cmd.Flags()
			for name, dst := range map[string]**string{"company": &ch.Company, "role": &ch.Role,
				"recruiter": &ch.Recruiter, "recruiter-tz": &ch.RecruiterTZ, "url": &ch.URL, "notes": &ch.Notes} {
				if f.Changed(name) {
					v, _ := f.GetString(name)
					*dst = &v
				}
			}
			if ch == (tracker.Changes{}) {
				return usagef("nothing to change: give at least one of --company, --role, --recruiter, --recruiter-tz, --url, --notes")
			}
			app, err = a.tr.Edit(ctx, app.ID, ch)
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "Updated %d: %s — %s\n", app.ID, app.Company, app.Role)
			if ch.Company == nil && ch.Role == nil && ch.Recruiter == nil {
				return nil
			}
			// Drafts already written keep their words: a greeting to the
			// old recruiter must not go to the new one unread.
			written, err := a.st.Messages(ctx, store.MessageFilter{ApplicationID: app.ID, Status: onward.StatusDrafted, NoBodies: true})
			if err != nil {
				return err
			}
			for _, m := range written {
				fmt.Fprintf(a.stdout, "  draft %d (%s) was written with the old details: read it before sending: onward drafts show %d\n", m.ID, m.Kind, m.ID)
			}
			return nil
		},
	}
	f := c.Flags()
	f.StringVar(&company, "company", "", "the company")
	f.StringVar(&role, "role", "", "the job title")
	f.StringVar(&recruiter, "recruiter", "", `the recruiter, as "Name <address>"; empty to forget`)
	f.StringVar(&tz, "recruiter-tz", "", "the recruiter's time zone (IANA name)")
	f.StringVar(&url, "url", "", "the job posting")
	f.StringVar(&notes, "notes", "", "notes (replaces the old ones)")
	return c
}

// eventCmd builds the commands that record one event on one application.
func (a *app) eventCmd(use, short, example string, flags func(*cobra.Command), do func(ctx context.Context, app store.Application, at time.Time) (tracker.Result, error)) *cobra.Command {
	var at string
	var asJSON bool
	c := &cobra.Command{
		Use:     use,
		Short:   short,
		Example: example,
		Args:    exactArgs(1, "one application (an id or a company name)"),
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
			res, err := do(ctx, app, t)
			if err != nil {
				return err
			}
			return a.printResult(res, asJSON)
		},
	}
	c.Flags().StringVar(&at, "at", "", `when it happened: "2026-03-02 14:00", "2026-03-02" or RFC 3339 (default now)`)
	c.Flags().BoolVar(&asJSON, "json", false, "print what was planned as JSON")
	if flags != nil {
		flags(c)
	}
	return c
}

func (a *app) interviewCmd() *cobra.Command {
	var duration time.Duration
	var in tracker.InterviewDetails
	var expect string
	c := a.eventCmd("interview APP [--at TIME] [--duration 1h] [--with PERSON]... [--topic TEXT]... [--expect DATE] [--kind KIND] [--where TEXT]",
		"Record an interview: plans the thank-you notes, a status check, and a prep note when it is still ahead",
		`  onward interview acme --at "2026-03-02 14:00" --duration 45m \
      --with "Tom Baker <tom@acme.example>, Engineering Manager" --with "Priya Shah" \
      --topic "the caching layer" --kind panel --expect 2026-03-06`,
		func(c *cobra.Command) {
			f := c.Flags()
			f.DurationVar(&duration, "duration", time.Hour, "how long the interview lasts")
			f.StringArrayVar(&in.With, "with", nil, `who interviewed you, as "Name <address>, Title" (repeat for each; the address and title are optional)`)
			f.StringArrayVar(&in.Topics, "topic", nil, `what you discussed and want to come back to, e.g. "the caching layer" (repeatable)`)
			f.StringVar(&expect, "expect", "", `the day they said they would decide by, e.g. 2026-03-06`)
			f.StringVar(&in.Kind, "kind", "", "the kind of interview: "+strings.ReplaceAll(onward.Join(onward.InterviewKinds()), "_", " "))
			f.StringVar(&in.Where, "where", "", "a video link or an address, for the prep note")
		},
		func(ctx context.Context, app store.Application, at time.Time) (tracker.Result, error) {
			if duration < time.Minute || duration > 24*time.Hour {
				return tracker.Result{}, usagef("--duration: %s is not between 1m and 24h", duration)
			}
			if expect != "" {
				t, err := tracker.ParseTime(expect, a.cfg.Location())
				if err != nil {
					return tracker.Result{}, usagef("--expect: %v", strings.TrimPrefix(err.Error(), "time: "))
				}
				in.Expect = t
			}
			return a.tr.InterviewWith(ctx, app.ID, at, duration, in)
		})
	c.Long = `Record an interview. onward plans a thank-you for each interviewer whose
address you give, naming them and a topic you discussed; the recruiter gets
one too when you have their address, asking them to pass your thanks to
those without one. With no interviewer given, one thank-you goes to the
recruiter. It plans a status check one to two business days after the day
they said they would decide by (--expect), or five business days after the
interview when they did not say, and a prep note before an interview that
is still ahead. Recording the same round again (a new --at, or more
details) replaces what the earlier one recorded and planned.

--with takes one person: "Tom Baker <tom@acme.example>, Engineering Manager".
The address and the title may be left out: "Priya Shah" or "Priya Shah,
Staff Engineer". Repeat --with for each interviewer, and --topic for each
topic.`
	return c
}

func (a *app) rejectCmd() *cobra.Command {
	var note string
	return a.eventCmd("reject APP [--at TIME] [--note TEXT]",
		"Record a rejection: plans a feedback request, a stay-in-touch note and two check-ins to you",
		`  onward reject acme --note "went with someone with more Kubernetes"`,
		func(c *cobra.Command) { c.Flags().StringVar(&note, "note", "", "what they said") },
		func(ctx context.Context, app store.Application, at time.Time) (tracker.Result, error) {
			return a.tr.Reject(ctx, app.ID, at, note)
		})
}

func (a *app) replyCmd() *cobra.Command {
	return a.eventCmd("reply APP [--at TIME]",
		"Record that the recruiter answered: cancels the pending status check",
		"  onward reply acme", nil,
		func(ctx context.Context, app store.Application, at time.Time) (tracker.Result, error) {
			return a.tr.Reply(ctx, app.ID, at)
		})
}

func (a *app) closeCmd() *cobra.Command {
	c := a.eventCmd("close APP [--at TIME]",
		"Let an application go (one gone quiet): cancels what is pending, sends nothing",
		`  onward close acme                     # no reply since your follow-ups: let it go
  onward close acme --at "2026-03-20"   # you let it go on that day
  onward undo acme                      # changed your mind: it is open again`,
		nil,
		func(ctx context.Context, app store.Application, at time.Time) (tracker.Result, error) {
			return a.tr.Close(ctx, app.ID, at)
		})
	c.Long = `Close an application you are letting go, most often one that has gone quiet:
your follow-ups went unanswered for [followups] quiet_after, and status and
the digest show it as "no reply since ...". Nothing is sent to the employer
(unlike a withdrawal note you would write yourself); everything still
pending for it is cancelled and nothing more is planned. It then counts as
withdrawn, its last event "closed". onward undo takes it back, with what it
cancelled planned again where still timely.

Only an application that is applied for or in interviews can be closed: an
offer is answered with onward decline, and one already rejected or withdrawn
is over.`
	return c
}

func (a *app) withdrawCmd() *cobra.Command {
	return a.eventCmd("withdraw APP [--at TIME]", "Record that you withdrew: cancels everything pending for it",
		"  onward withdraw acme", nil,
		func(ctx context.Context, app store.Application, at time.Time) (tracker.Result, error) {
			return a.tr.Withdraw(ctx, app.ID, at)
		})
}

func (a *app) logCmd() *cobra.Command {
	var tags []string
	var at string
	c := &cobra.Command{
		Use:   "log [APP] TEXT [--tag NAME]... [--at TIME]",
		Short: "Write down a lesson, on an application or on none",
		Long: `Learn, Log, Let Go: write the lesson down so it leaves your head. It
stays in the log to look back on ('onward lessons'), and the let-go check-in
shows it back to you, and the prep note before your next interview brings
back the ones that matter for it.

Tags group lessons across applications: write #words in the text, or add
--tag. 'onward patterns' counts them.`,
		Example: `  onward log acme "Bring two concrete numbers to the #system-design round"
  onward log "Ask about the team's on-call before the final round" --tag questions`,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			var appID int64
			var text string
			switch len(args) {
			case 1:
				text = args[0]
				if err := a.open(ctx); err != nil {
					return err
				}
				// "onward log acme" is a forgotten lesson, not a lesson
				// that reads "acme".
				apps, err := a.st.FindApplications(ctx, text)
				if err != nil {
					return err
				}
				for _, app := range apps {
					if strings.EqualFold(app.Company, strings.TrimSpace(text)) {
						return usagef("%q is an application; write the lesson after it: onward log %q \"what I learned\"", text, app.Company)
					}
				}
			case 2:
				app, err := a.find(ctx, args[0])
				if err != nil {
					return err
				}
				appID, text = app.ID, args[1]
			default:
				return usagef("log needs the lesson, optionally after an application: onward log [APP] TEXT (quote the text)")
			}
			when, err := a.parseAt(at)
			if err != nil {
				return err
			}
			if at == "" {
				when = time.Time{}
			}
			l, err := a.tr.LogAt(ctx, appID, when, text, tags...)
			if err != nil {
				return err
			}
			where := ""
			if l.Company != "" {
				where = " on " + l.Company
			}
			if len(l.Tags) > 0 {
				where += " (#" + strings.Join(l.Tags, " #") + ")"
			}
			fmt.Fprintf(a.stdout, "Logged lesson %d%s.\n", l.ID, where)
			return nil
		},
	}
	c.Flags().StringArrayVar(&tags, "tag", nil, "a tag for the lesson (repeatable)")
	c.Flags().StringVar(&at, "at", "", `when you learned it: "2026-03-02 14:00", "2026-03-02" or RFC 3339 (default now)`)
	return c
}

// printResult shows what an event planned and cancelled.
func (a *app) printResult(res tracker.Result, asJSON bool) error {
	if asJSON {
		out, err := a.resultOut(context.Background(), res)
		if err != nil {
			return err
		}
		return a.writeJSON(out)
	}
	if res.Unchanged {
		fmt.Fprintf(a.stdout, "%s (%d) %s already; nothing changed.\n", res.App.Company, res.App.ID, res.App.Stage.Phrase())
		return nil
	}
	fmt.Fprintf(a.stdout, "%s — %s: %s\n", res.App.Company, res.App.Role, res.App.Stage)
	if res.Cancelled > 0 {
		fmt.Fprintf(a.stdout, "  cancelled %d pending message%s\n", res.Cancelled, plural(res.Cancelled))
	}
	for _, m := range res.Scheduled {
		fmt.Fprintf(a.stdout, "  planned %-16s %s  %s\n", m.Kind, a.when(m.DueAt), describeAudience(m, res.App))
	}
	for _, p := range res.Late {
		fmt.Fprintf(a.stdout, "  skipped %-16s it would have been due %s: too late to send now\n", p.Kind, a.when(p.PlannedAt))
	}
	for _, p := range res.Dropped {
		fmt.Fprintf(a.stdout, "  dropped %-16s to %s: %s\n", p.Kind, cmp.Or(p.To.Email, res.App.RecruiterEmail, "the recruiter"), cmp.Or(p.Reason, plan.DroppedNoReply))
	}
	return nil
}

// resultJSON is what an event planned and cancelled, for --json: the
// shape every command that records an event prints.
type resultJSON struct {
	Application any   `json:"application"`
	Scheduled   []any `json:"scheduled"`
	Cancelled   int   `json:"cancelled"`
	Unchanged   bool  `json:"unchanged"`
	// Dropped are the drafts a guard did not plan, and why.
	Dropped []droppedJSON `json:"dropped"`
}

// resultOut is newResultJSON with the application's last event and next
// message read back, as status --json gives them: without, a script saw
// "last_event": null just after recording one.
func (a *app) resultOut(ctx context.Context, res tracker.Result) (resultJSON, error) {
	out := newResultJSON(res)
	var last *store.Event
	if e, err := a.st.LastEvent(ctx, res.App.ID); err == nil {
		last = &e
	} else if !errors.Is(err, store.ErrNotFound) {
		return out, err
	}
	var next *store.Message
	if m, err := a.st.NextPending(ctx, res.App.ID); err == nil {
		next = &m
	} else if !errors.Is(err, store.ErrNotFound) {
		return out, err
	}
	out.Application = appJSON(res.App, last, next)
	return out, nil
}

func newResultJSON(res tracker.Result) resultJSON {
	out := resultJSON{Application: appJSON(res.App, nil, nil), Scheduled: []any{}, Cancelled: res.Cancelled, Unchanged: res.Unchanged, Dropped: []droppedJSON{}}
	for _, m := range res.Scheduled {
		out.Scheduled = append(out.Scheduled, messageJSON(m))
	}
	for _, p := range res.Dropped {
		out.Dropped = append(out.Dropped, droppedJSON{Kind: p.Kind, To: cmp.Or(p.To.Email, res.App.RecruiterEmail), Reason: cmp.Or(p.Reason, plan.DroppedNoReply)})
	}
	return out
}

// droppedJSON is a draft a guard did not plan.
type droppedJSON struct {
	Kind   onward.Kind `json:"kind"`
	To     string      `json:"to"`
	Reason string      `json:"reason"`
}

func describeAudience(m store.Message, app store.Application) string {
	if m.Audience == onward.Recruiter {
		if m.To == "" {
			return fmt.Sprintf("draft for you to send; add the recruiter: onward edit %q --recruiter \"Name <address>\"", app.Company)
		}
		return "draft for you to send to " + m.To
	}
	return "to you"
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// when formats a time in the user's zone.
func (a *app) when(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(a.cfg.Location()).Format("Mon 2 Jan 2006 15:04 MST")
}

func (a *app) feedbackCmd() *cobra.Command {
	var declined bool
	var text string
	c := a.eventCmd(`feedback APP "TEXT" [--declined] [--at TIME]`,
		"Record the recruiter's feedback on a rejection: plans a check-in to you and a thank-you draft",
		`  onward feedback umbrella "More depth on distributed systems; the design round ran short"
  onward feedback initech --declined`,
		func(c *cobra.Command) {
			c.Flags().BoolVar(&declined, "declined", false, "they replied that they give no feedback")
		},
		func(ctx context.Context, app store.Application, at time.Time) (tracker.Result, error) {
			return a.tr.Feedback(ctx, app.ID, at, text, declined)
		})
	c.Long = `Record feedback given by phone or in a reply onward did not read. It is
kept with the application (status --json), quoted in its let-go check-in and
in your next prep note, and counted by patterns. onward plans a check-in to
you soon after, outside quiet hours, and a short thank-you draft to the
recruiter: thanks for the honesty, no defence. With --declined (a reply that
says they give no feedback) there is no draft; the check-in says that is
normal. A feedback request still waiting is cancelled either way.`
	c.Args = func(cmd *cobra.Command, args []string) error {
		switch {
		case len(args) == 2 && !declined:
			return nil
		case len(args) == 1 && declined:
			return nil
		case len(args) == 2 && declined:
			return usagef("feedback: give the text or --declined, not both")
		case len(args) == 1:
			return usagef("feedback needs what they said: onward feedback %s \"TEXT\" (or --declined)", args[0])
		}
		return usagef("feedback needs an application and the text, got %d arguments", len(args))
	}
	run := c.RunE
	c.RunE = func(cmd *cobra.Command, args []string) error {
		if len(args) == 2 {
			text = args[1]
		}
		return run(cmd, args[:1])
	}
	return c
}
