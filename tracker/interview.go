package tracker

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/mailer"
	"github.com/onward-app/onward/store"
)

// InterviewDetails is what the user tells about an interview, as typed.
// Every field is optional.
type InterviewDetails struct {
	// With is who interviewed the user, each as "Name <address>, Title":
	// the address and the title may be left out ("Priya Shah", "Tom
	// Baker <tom@acme.example>", "Priya Shah, Staff Engineer").
	With []string
	// Topics are what was discussed that the user wants to come back to.
	Topics []string
	// Expect is the day they said they would decide by (any time of that
	// day in the user's zone); zero when they did not say.
	Expect time.Time
	// Kind is one of onward.InterviewKinds, as typed ("phone screen").
	Kind string
	// Where is a video link or an address.
	Where string
}

// Limits on one interview's details: more is a paste gone wrong.
const (
	maxInterviewers = 20
	maxTopics       = 10
)

// check validates the details of an interview starting at at, in the
// user's zone loc, and returns them as stored.
func (in InterviewDetails) check(at time.Time, loc *time.Location) (store.InterviewDetails, error) {
	var d store.InterviewDetails
	if len(in.With) > maxInterviewers {
		return d, invalid("with", "%d interviewers is more than %d", len(in.With), maxInterviewers)
	}
	for _, raw := range in.With {
		w, err := parseInterviewer(raw)
		if err != nil {
			return d, err
		}
		d.With = append(d.With, w)
	}
	if len(in.Topics) > maxTopics {
		return d, invalid("topic", "%d topics is more than %d", len(in.Topics), maxTopics)
	}
	for _, raw := range in.Topics {
		topic, err := checkLine("topic", raw, true)
		if err != nil {
			return d, err
		}
		d.Topics = append(d.Topics, topic)
	}
	if strings.TrimSpace(in.Kind) != "" {
		k, err := onward.ParseInterviewKind(in.Kind)
		if err != nil {
			return d, invalid("kind", "%s", err.Error())
		}
		d.Kind = k
	}
	var err error
	if d.Where, err = checkLine("where", in.Where, false); err != nil {
		return d, err
	}
	if loc == nil {
		loc = time.UTC
	}
	if !in.Expect.IsZero() {
		y, m, day := in.Expect.In(loc).Date()
		d.Expect = time.Date(y, m, day, 0, 0, 0, 0, loc).UTC()
		iy, im, iday := at.In(loc).Date()
		if d.Expect.Before(time.Date(iy, im, iday, 0, 0, 0, 0, loc)) {
			return d, invalid("expect", "%s is before the interview on %s; give the day they said they would decide by",
				in.Expect.In(loc).Format("Monday 2 January 2006"), at.In(loc).Format("Monday 2 January 2006"))
		}
	}
	return d, nil
}

// parseInterviewer reads "Name <address>, Title", where the address and
// the title are optional; a bare address needs a name with it, since a
// thank-you greets the person.
func parseInterviewer(raw string) (store.Interviewer, error) {
	var w store.Interviewer
	v, err := checkLine("with", raw, true)
	if err != nil {
		return w, err
	}
	who, title := v, ""
	if i := strings.LastIndex(v, ">"); i >= 0 {
		who, title = v[:i+1], v[i+1:]
		title = strings.TrimSpace(title)
		if title != "" && !strings.HasPrefix(title, ",") {
			return w, invalid("with", "%q: put a comma between the address and the title, as in \"Tom Baker <tom@acme.example>, Engineering Manager\"", v)
		}
		title = strings.TrimSpace(strings.TrimPrefix(title, ","))
	} else if i := strings.Index(v, ","); i >= 0 {
		who, title = v[:i], strings.TrimSpace(v[i+1:])
	}
	who = strings.TrimSpace(who)
	w.Title = title
	if !strings.ContainsAny(who, "@<>") {
		if who == "" {
			return w, invalid("with", "%q has no name; write it as \"Tom Baker <tom@acme.example>, Engineering Manager\"", v)
		}
		w.Name = who
		return w, nil
	}
	a, err := mailer.ParseAddress(who)
	if err != nil {
		why := err.Error()
		if i := strings.LastIndex(why, ": "); i >= 0 {
			why = why[i+2:]
		}
		return w, invalid("with", "%q is not a name and address like \"Tom Baker <tom@acme.example>, Engineering Manager\" (%s)", v, why)
	}
	if strings.TrimSpace(a.Name) == "" {
		return w, invalid("with", "%q has an address but no name; write it as \"Tom Baker <%s>\"", v, a.Email)
	}
	w.Name, w.Email = a.Name, a.Email
	return w, nil
}

// Feedback records what a recruiter said about a rejection (text), or,
// with declined, that they replied they give none. It plans a check-in to
// the user soon after and, unless declined, a thank-you draft to the
// recruiter; a feedback request still pending is cancelled.
func (t *Tracker) Feedback(ctx context.Context, id int64, at time.Time, text string, declined bool) (Result, error) {
	text, err := checkText("feedback", text, maxNotes)
	if err != nil {
		return Result{}, err
	}
	if text == "" && !declined {
		return Result{}, invalid("feedback", "is empty; write what they said, or use --declined for a reply that gives none")
	}
	ev := store.Event{Kind: onward.Feedback, At: at.UTC()}
	return t.event(ctx, id, ev, extra{feedback: &store.Feedback{Text: text, Declined: declined}}, sameStage)
}

// RecordMailFeedback records a recruiter's reply in a feedback request's
// thread as the application's feedback, under the email's claim
// (FromMail), so reading the mailbox twice records it once.
func (t *Tracker) RecordMailFeedback(ctx context.Context, appID int64, at time.Time, text string, declined bool) (Result, error) {
	text, err := checkText("feedback", text, maxNotes)
	if err != nil {
		return Result{}, err
	}
	ev := store.Event{Kind: onward.Feedback, At: at.UTC()}
	res, err := t.event(ctx, appID, ev, extra{feedback: &store.Feedback{Text: text, Declined: declined}}, sameStage)
	if err != nil {
		return res, fmt.Errorf("mail: %w", err)
	}
	return res, nil
}
