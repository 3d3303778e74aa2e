package templates

import (
	"net/url"
	"strings"
	"time"
)

// Sample returns plainly made-up data for kind, for a user called Alex
// Morgan: what Load executes every template on. See SampleFor.
func Sample(kind string) Data {
	return SampleFor(kind, Person{Name: "Alex Morgan", Email: "alex.morgan@example.com"})
}

// SampleFor returns data for kind that is plainly a sample (the company is
// "Northwind Labs", every address is at example.com) but written to user, so a
// preview without an application reads as the user's own note would. It is
// fixed (no time.Now), so previews and golden files do not change from run
// to run. Unknown kinds get the common part: a user and one application.
func SampleFor(kind string, user Person) Data {
	d := Data{
		User: user,
		App: App{
			ID:        7,
			Company:   "Northwind Labs",
			Role:      "Platform Engineer",
			Recruiter: Person{Name: "Dana Reyes", Email: "dana.reyes@northwind.example"},
			URL:       "https://northwind.example/careers/platform-engineer",
			Stage:     "interviewing",
			Interview: at(3, 14, 0), // Tuesday 3 March 2026
		},
		Interview: sampleInterview(),
	}
	rejected := at(12, 16, 20) // Thursday 12 March 2026
	reject := func() {
		d.App.Stage, d.App.Rejected = "rejected", rejected
	}
	switch kind {
	case ThankYou:
		d.Now = at(3, 17, 0)
	case StatusCheck:
		d.Now = at(10, 10, 0)
	case FeedbackRequest:
		reject()
		d.Now = at(13, 10, 0)
	case StayInTouch:
		reject()
		d.Now = at(40, 10, 0) // Thursday 9 April
	case Learn:
		reject()
		d.Now = at(13, 9, 0)
	case LetGo:
		reject()
		d.Lessons = sampleLessons()
		d.StayInTouchAt = at(40, 10, 0)
		d.Now = at(19, 9, 0)
	case FeedbackThanks, FeedbackReceived:
		reject()
		d.Feedback = sampleFeedback()
		d.Now = at(16, 10, 0)
	case Digest:
		d.App = App{}
		d.Interview = nil
		d.Lessons = sampleLessons()
		d.Now = at(16, 8, 0)
		d.Digest = sampleDigest()
	case DraftReady:
		d.Now = at(3, 17, 0)
		text := "Hi Dana,\n\n" +
			"Thank you for taking the time to arrange my interview for the Platform Engineer role at Northwind Labs. " +
			"I enjoyed learning more about the team and the work, and I came away even more interested.\n\n" +
			"I look forward to staying in touch.\n\n" +
			"Best regards,\n" + user.Name + "\n"
		subject := "Thank you — Platform Engineer interview"
		d.Draft = &Draft{
			ID:          12,
			Kind:        ThankYou,
			To:          "Dana Reyes <dana.reyes@northwind.example>",
			Subject:     subject,
			Text:        text,
			Mailto:      mailto("dana.reyes@northwind.example", subject, text),
			SendCommand: "onward drafts send 12",
		}
	case Prep:
		d.App.Interview = at(24, 17, 0) // Tuesday 24 March
		d.Interview = &Interview{
			At:          at(24, 17, 0),
			RecruiterAt: time.Date(2026, time.March, 24, 11, 0, 0, 0, sampleRecruiterZone),
			Kind:        "final",
			With:        []Interviewer{{Name: "Tom Baker", Email: "tom.baker@example.com", Title: "Engineering Manager"}},
			Topics:      []string{"the caching layer"},
			Where:       "https://meet.example.com/abc-defg-hij",
			Round:       2,
		}
		d.Feedback = &Feedback{Text: "We wanted more depth on trade-offs in the design round.", At: at(16, 10, 0), Company: "Sample Ltd"}
		d.Now = at(23, 18, 0)
		d.Lessons = []Lesson{
			{Text: "Practise the system design round out loud, with a timer. #system-design", Company: "Northwind Labs", At: at(13, 20, 15), Tags: []string{"system-design"}},
			{Text: "Ask about the on-call rota in the first call, not the last.", Company: "Sample Ltd", At: at(15, 11, 0)},
		}
	case RejectionNotice:
		d.Now = at(12, 16, 30)
		d.Notice = &Notice{Phrase: "decided to move forward with other candidates"}
	default:
		d.Now = at(3, 17, 0)
	}
	return d
}

// sampleZone and sampleRecruiterZone are fixed zones, so the samples are
// the same on every machine, with names a note can print: the user is in
// Berlin, the recruiter in Chicago.
var (
	sampleZone          = time.FixedZone("CET", 1*60*60)
	sampleRecruiterZone = time.FixedZone("CDT", -5*60*60)
)

func sampleInterview() *Interview {
	return &Interview{
		At:   at(3, 14, 0),
		Kind: "panel",
		With: []Interviewer{
			{Name: "Tom Baker", Email: "tom.baker@example.com", Title: "Engineering Manager"},
			{Name: "Priya Shah", Title: "Staff Engineer"},
		},
		Topics: []string{"the caching layer", "on-call load"},
		Round:  1,
	}
}

func sampleFeedback() *Feedback {
	return &Feedback{
		Text:    "Strong on the caching design; we wanted more depth on how you would roll it out safely.",
		At:      at(16, 9, 30),
		Company: "Northwind Labs",
	}
}

// at is a time in March 2026 (day 40 is 9 April) in the sample user's zone.
// Templates only format times, never convert them.
func at(day, hour, minute int) time.Time {
	return time.Date(2026, time.March, day, hour, minute, 0, 0, sampleZone)
}

func sampleLessons() []Lesson {
	return []Lesson{
		{Text: "Practise the system design round out loud, with a timer.", Company: "Northwind Labs", At: at(13, 20, 15)},
		{Text: "Ask about the on-call rota in the first call, not the last.", Company: "Northwind Labs", At: at(15, 11, 0)},
	}
}

func sampleDigest() *DigestData {
	return &DigestData{
		Since: at(9, 8, 0),
		Until: at(16, 8, 0),
		Stages: []StageCount{
			{Stage: "applied", Count: 2, Companies: []string{"Contoso", "Fabrikam"}},
			{Stage: "interviewing", Count: 2, Companies: []string{"Adventure Works", "Tailspin Toys"}},
			{Stage: "rejected", Count: 1, Companies: []string{"Northwind Labs"}},
		},
		DraftsWaiting: []MessageLine{
			{ID: 12, Kind: FeedbackRequest, Company: "Northwind Labs", Subject: "Feedback on my application for the Platform Engineer role", At: at(13, 10, 0)},
			{ID: 15, Kind: ThankYou, Company: "Adventure Works", Subject: "Thank you — Site Reliability Engineer interview", At: at(13, 17, 0)},
		},
		Sent: []MessageLine{
			{ID: 8, Kind: StatusCheck, Company: "Northwind Labs", Subject: "Next steps for the Platform Engineer role", At: at(10, 11, 5)},
			{ID: 11, Kind: Learn, Company: "Northwind Labs", Subject: "Northwind Labs: what did you learn?", At: at(13, 9, 0)},
		},
		Failed: []MessageLine{
			{ID: 5, Kind: ThankYou, Company: "Tailspin Toys", At: at(11, 9, 0), Error: "expired: due Saturday 7 March, too late to send when onward started again"},
		},
		DueNextWeek: []MessageLine{
			{ID: 13, Kind: LetGo, Company: "Northwind Labs", At: at(19, 9, 0)},
			{ID: 16, Kind: StatusCheck, Company: "Adventure Works", At: at(20, 10, 0)},
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
	d.Interview = nil
	d.Recipient = nil
	d.Feedback = nil
	d.StayInTouchAt = time.Time{}
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
