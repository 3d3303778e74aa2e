package templates

import (
	"net/url"
	"strings"
	"time"

	"github.com/onward-app/onward"
)

// Sample returns realistic data for kind: what a preview shows and what Load
// executes every template on. It is fixed (no time.Now), so previews and
// golden files do not change from run to run. Unknown kinds get the common
// part: a user and one application.
func Sample(kind onward.Kind) Data {
	d := Data{
		User: Person{Name: "Alex Morgan", Email: "alex.morgan@example.com"},
		App: App{
			ID:        7,
			Company:   "Northwind Labs",
			Role:      "Platform Engineer",
			Recruiter: Person{Name: "Dana Reyes", Email: "dana.reyes@northwind.example"},
			URL:       "https://northwind.example/careers/platform-engineer",
			Stage:     onward.StageInterviewing,
			Interview: at(3, 14, 0), // Tuesday 3 March 2026
		},
	}
	rejected := at(12, 16, 20) // Thursday 12 March 2026
	switch kind {
	case onward.ThankYou:
		d.Now = at(3, 17, 0)
	case onward.StatusCheck:
		d.Now = at(10, 10, 0)
	case onward.FeedbackRequest:
		d.App.Stage, d.App.Rejected = onward.StageRejected, rejected
		d.Now = at(13, 10, 0)
	case onward.StayInTouch:
		d.App.Stage, d.App.Rejected = onward.StageRejected, rejected
		d.Now = at(40, 10, 0) // Thursday 9 April
	case onward.Learn:
		d.App.Stage, d.App.Rejected = onward.StageRejected, rejected
		d.Now = at(13, 9, 0)
	case onward.LetGo:
		d.App.Stage, d.App.Rejected = onward.StageRejected, rejected
		d.Lessons = sampleLessons()
		d.Now = at(19, 9, 0)
	case onward.Digest:
		d.App = App{}
		d.Lessons = sampleLessons()
		d.Now = at(16, 8, 0)
		d.Digest = sampleDigest()
	case onward.DraftReady:
		d.Now = at(3, 17, 0)
		text := "Hi Dana,\n\n" +
			"Thank you for taking the time to arrange my interview for the Platform Engineer role at Northwind Labs. " +
			"I enjoyed learning more about the team and the work, and I came away even more interested.\n\n" +
			"I look forward to staying in touch.\n\n" +
			"Best regards,\nAlex Morgan\n"
		subject := "Thank you — Platform Engineer interview"
		d.Draft = &Draft{
			ID:          12,
			Kind:        onward.ThankYou,
			To:          "Dana Reyes <dana.reyes@northwind.example>",
			Subject:     subject,
			Text:        text,
			Mailto:      mailto("dana.reyes@northwind.example", subject, text),
			SendCommand: "onward drafts send 12",
			SentCommand: "onward drafts sent 12",
		}
	case onward.Prep:
		d.App.Interview = at(24, 10, 0) // Tuesday 24 March
		d.Now = at(23, 18, 0)
		d.Lessons = []Lesson{
			{Text: "Practise the system design round out loud, with a timer. #system-design", Company: "Northwind Labs", At: at(13, 20, 15), Tags: []string{"system-design"}},
			{Text: "Ask about the on-call rota in the first call, not the last.", Company: "Contoso", At: at(15, 11, 0)},
		}
	case onward.RejectionNotice:
		d.Now = at(12, 16, 30)
		d.Notice = &Notice{Phrase: "decided to move forward with other candidates"}
	default:
		d.Now = at(3, 17, 0)
	}
	return d
}

// at is a time in March 2026 (day 40 is 9 April). UTC keeps the samples the
// same on every machine; templates only format times, never convert them.
func at(day, hour, minute int) time.Time {
	return time.Date(2026, time.March, day, hour, minute, 0, 0, time.UTC)
}

func sampleLessons() []Lesson {
	return []Lesson{
		{Text: "Practise the system design round out loud, with a timer.", Company: "Northwind Labs", At: at(13, 20, 15)},
		{Text: "Ask about the on-call rota in the first call, not the last.", Company: "Northwind Labs", At: at(15, 11, 0)},
	}
}

func sampleDigest() *DigestData {
	return &DigestData{
		Since:   at(9, 8, 0),
		Until:   at(16, 8, 0),
		CanSend: true,
		Stages: []StageCount{
			{Stage: onward.StageApplied, Count: 2, Companies: []string{"Contoso", "Fabrikam"}},
			{Stage: onward.StageInterviewing, Count: 2, Companies: []string{"Adventure Works", "Tailspin Toys"}},
			{Stage: onward.StageRejected, Count: 1, Companies: []string{"Northwind Labs"}},
		},
		DraftsWaiting: []MessageLine{
			{ID: 12, Kind: onward.FeedbackRequest, Company: "Northwind Labs", Subject: "Feedback on my application for the Platform Engineer role", At: at(13, 10, 0)},
			{ID: 15, Kind: onward.ThankYou, Company: "Adventure Works", Subject: "Thank you — Site Reliability Engineer interview", At: at(13, 17, 0)},
		},
		Sent: []MessageLine{
			{ID: 8, Kind: onward.StatusCheck, Company: "Northwind Labs", Subject: "Next steps for the Platform Engineer role", At: at(10, 11, 5)},
			{ID: 11, Kind: onward.Learn, Company: "Northwind Labs", Subject: "Northwind Labs: what did you learn?", At: at(13, 9, 0)},
		},
		Failed: []MessageLine{
			{ID: 5, Kind: onward.ThankYou, Company: "Tailspin Toys", At: at(11, 9, 0), Error: "expired: due Saturday 7 March, too late to send when onward started again"},
		},
		DueNextWeek: []MessageLine{
			{ID: 13, Kind: onward.LetGo, Company: "Northwind Labs", At: at(19, 9, 0)},
			{ID: 16, Kind: onward.StatusCheck, Company: "Adventure Works", At: at(20, 10, 0)},
		},
		Patterns: &Patterns{
			Enough: true,
			TopTags: []TagCount{
				{Tag: "system-design", Lessons: 3, Applications: 2},
				{Tag: "salary", Lessons: 2, Applications: 1},
			},
			ThisWeek: Funnel{Applications: 3, Interviews: 2, Rejections: 1},
			LastWeek: Funnel{Applications: 2, Interviews: 1},
		},
	}
}

// mailto builds the link a mail app opens pre-filled. Spaces must be %20,
// not the + of form encoding, which mail apps show literally.
func mailto(to, subject, body string) string {
	q := func(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "+", "%20") }
	return "mailto:" + to + "?subject=" + q(subject) + "&body=" + q(body)
}

// sparse is d with every optional field empty: no role, no recruiter, no
// dates, no lessons, no recipient address, an empty digest. Load renders it
// too, so a template that only works when everything is known fails at
// start rather than on the first real application that lacks something.
func sparse(d Data) Data {
	d.App.Role = ""
	d.App.Recruiter = Person{}
	d.App.URL = ""
	d.App.Interview = time.Time{}
	d.App.Rejected = time.Time{}
	d.Lessons = nil
	if d.Draft != nil {
		dr := *d.Draft
		dr.To = ""
		dr.Mailto = mailto("", dr.Subject, dr.Text)
		d.Draft = &dr
	}
	if d.Digest != nil {
		d.Digest = &DigestData{Since: d.Digest.Since, Until: d.Digest.Until, Patterns: &Patterns{}}
	}
	return d
}
