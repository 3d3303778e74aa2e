package main

import (
	"errors"
	"fmt"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/onward-app/onward/when"
)

func (a *app) patternsCmd() *cobra.Command {
	var since string
	var asJSON bool
	c := &cobra.Command{
		Use:   "patterns [--since 90d]",
		Short: "Count the tags of your lessons across rejections, and the funnel",
		Long: `Shows, for each tag on your lessons, how many lessons carry it and across
how many rejected applications; then the funnel: applications, interviews,
offers, rejections and replies to feedback requests, with rates, and how
many applications got feedback (onward feedback, or a reply read from the
mailbox) or a reply declining to give any.`,
		Example: `  onward patterns
  onward patterns --since 6mo --json`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			back, err := parseSince(since)
			if err != nil {
				return usagef("--since: %v", err)
			}
			if err := a.open(ctx); err != nil {
				return err
			}
			now := a.now()
			from := back(now, a.cfg.Location())
			tags, err := a.st.TagCounts(ctx, from)
			if err != nil {
				return err
			}
			f, err := a.st.FunnelBetween(ctx, from, now.Add(1))
			if err != nil {
				return err
			}
			given, declined, err := a.st.FeedbackCounts(ctx, from)
			if err != nil {
				return err
			}
			if asJSON {
				type tagOut struct {
					Tag          string `json:"tag"`
					Lessons      int    `json:"lessons"`
					Applications int    `json:"rejected_applications"`
				}
				out := struct {
					Since  *string  `json:"since"`
					Tags   []tagOut `json:"tags"`
					Funnel any      `json:"funnel"`
				}{Since: rfc3339(from), Tags: []tagOut{}, Funnel: map[string]any{
					"applications": f.Applications, "interviews": f.Interviews, "offers": f.Offers,
					"rejections": f.Rejections, "feedback_requests": f.FeedbackRequested,
					"feedback_replies": f.FeedbackReplies, "feedback_given": given, "feedback_declined": declined,
					"interview_rate": rate(f.Interviews, f.Applications), "offer_rate": rate(f.Offers, f.Interviews),
					"rejection_rate": rate(f.Rejections, f.Applications), "feedback_reply_rate": rate(f.FeedbackReplies, f.FeedbackRequested),
				}}
				for _, t := range tags {
					out.Tags = append(out.Tags, tagOut{t.Tag, t.Lessons, t.Applications})
				}
				return a.writeJSON(out)
			}
			fmt.Fprintf(a.stdout, "Since %s\n\n", a.day(from))
			w := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
			if len(tags) == 0 {
				fmt.Fprintln(a.stdout, "No tagged lessons yet. Add #words to a lesson, or --tag: onward log APP \"...\" --tag system-design")
			} else {
				fmt.Fprintln(w, "TAG\tLESSONS\tREJECTED APPLICATIONS")
				for _, t := range tags {
					fmt.Fprintf(w, "#%s\t%d\t%d\n", t.Tag, t.Lessons, t.Applications)
				}
			}
			fmt.Fprintln(w, "\t\t")
			fmt.Fprintf(w, "applications\t%d\t\n", f.Applications)
			fmt.Fprintf(w, "interviews\t%d\t%s of applications\n", f.Interviews, percent(f.Interviews, f.Applications))
			fmt.Fprintf(w, "offers\t%d\t%s of interviews\n", f.Offers, percent(f.Offers, f.Interviews))
			fmt.Fprintf(w, "rejections\t%d\t%s of applications\n", f.Rejections, percent(f.Rejections, f.Applications))
			fmt.Fprintf(w, "feedback replies\t%d\t%s of %d requests sent\n", f.FeedbackReplies, percent(f.FeedbackReplies, f.FeedbackRequested), f.FeedbackRequested)
			fmt.Fprintf(w, "feedback given\t%d\tand %d replies declining to give any\n", given, declined)
			return w.Flush()
		},
	}
	c.Flags().StringVar(&since, "since", "90d", "how far back to look, in days, weeks or months: 90d, 6w, 3mo")
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON for scripts")
	return c
}

// rate is part/whole, or nil when there is nothing to divide by.
func rate(part, whole int) *float64 {
	if whole == 0 {
		return nil
	}
	r := float64(part) / float64(whole)
	return &r
}

func percent(part, whole int) string {
	if whole == 0 {
		return "—"
	}
	return fmt.Sprintf("%.0f%%", 100*float64(part)/float64(whole))
}

// parseSince reads a span back in whole days, weeks or months ("90d",
// "2w", "3mo", "1mo2w"), counted on the calendar of the user's zone. A
// unit under a day is refused: "2m" reads as two months to a person and
// as two minutes to a duration parser, and neither makes sense to guess.
func parseSince(s string) (func(now time.Time, loc *time.Location) time.Time, error) {
	const hint = "use d, w or mo, for example 90d, 6w or 3mo"
	if s == "" {
		return nil, errors.New("empty; " + hint)
	}
	var days, months int
	rest := s
	for rest != "" {
		i := 0
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		if i == 0 || i > 5 {
			return nil, fmt.Errorf("%q is not a span of days: %s", s, hint)
		}
		n, _ := strconv.Atoi(rest[:i])
		rest = rest[i:]
		j := 0
		for j < len(rest) && (rest[j] < '0' || rest[j] > '9') {
			j++
		}
		switch unit := rest[:j]; unit {
		case "d":
			days += n
		case "w":
			days += 7 * n
		case "mo":
			months += n
		case "s", "m", "h", "ms", "min":
			return nil, fmt.Errorf("%q counts in %s, which is under a day; %s", s, unit, hint)
		default:
			return nil, fmt.Errorf("%q has the unknown unit %q; %s", s, unit, hint)
		}
		rest = rest[j:]
	}
	if days+30*months > 366 {
		return nil, fmt.Errorf("%q is longer than a year; a job hunt's patterns fit in one", s)
	}
	d := when.Delay{Days: days}
	return func(now time.Time, loc *time.Location) time.Time {
		t := d.Before(now, loc).In(loc)
		return when.Wall(t.Year(), t.Month()-time.Month(months), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), loc)
	}, nil
}
