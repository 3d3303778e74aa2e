package templates

import (
	"net/url"
	"strings"
	"time"

	"github.com/onward-app/onward"
)

// Sample returns plainly made-up data for kind, for a user called Alex
// Morgan: what Load executes every template on. See SampleFor.
func Sample(kind onward.Kind) Data {
	return SampleFor(kind, Person{Name: "Alex Morgan", Email: "alex.morgan@example.com"})
}

// SampleFor returns data for kind that is plainly a sample (the company is
// "Example Co", every address is at example.com) but written to user, so a
// preview without an application reads as the user's own note would. It is
// fixed (no time.Now), so previews and golden files do not change from run
// to run. Unknown kinds get the common part: a user and one application.
func SampleFor(kind onward.Kind, user Person) Data {
	d := Data{
		User: user,
		App: App{
			ID:        7,
			Company:   "Example Co",
			Role:      "Platform Engineer",
			Recruiter: Person{Name: "Dana Reyes", Email: "dana.reyes@example.com"},
			URL:       "https://example.com/careers/platform-engineer",
			Stage:     onward.StageInterviewing,
			Interview: at(3, 14, 0), // Tuesday 3 March 2026
		},
		Interview: sampleInterview(),
	}
	rejected := at(12, 16, 20) // Thursday 12 March 2026
	reject := func() {
		d.App.Stage, d.App.Rejected = onward.StageRejected, rejected
	}
	switch kind {
	case onward.ThankYou:
		d.Now = at(3, 17, 0)
	case onward.StatusCheck:
		d.Now = at(10, 10, 0)
	case onward.FeedbackRequest:
		reject()
		d.Now = at(13, 10, 0)
	case onward.StayInTouch:
		reject()
		d.Now = at(40, 10, 0) // Thursday 9 April
	case onward.Learn:
		reject()
		d.Now = at(13, 9, 0)
	case onward.LetGo:
		reject()
		d.Lessons = sampleLessons()
		d.StayInTouchAt = at(40, 10, 0)
		d.Now = at(19, 9, 0)
	case onward.OfferDeadline:
		d.App.Stage, d.Interview = onward.StageOffer, nil
		d.App.OfferDeadline = at(20, 23, 59)
		d.Now = at(19, 18, 0)
	case onward.Congratulations, onward.Decline, onward.OfferWithdrawnNote:
		d.App.Stage, d.Interview = onward.StageOffer, nil
		d.Now = at(20, 10, 0)
	case onward.Withdrawal:
		d.App.Stage = onward.StageWithdrawn
		d.Now = at(20, 10, 0)
	case onward.FeedbackThanks, onward.FeedbackReceived:
		reject()
		d.Feedback = sampleFeedback()
		d.Now = at(16, 10, 0)
	case onward.NoReply, onward.ApplicationFollowUp:
		d.App.Stage, d.App.Interview, d.Interview = onward.StageApplied, time.Time{}, nil
		d.Now = at(17, 10, 0)
	case onward.Digest:
		d.App = App{}
		d.Interview = nil
		d.Lessons = sampleLessons()
		d.Now = at(16, 8, 0)
		d.Digest = sampleDigest()
	case onward.DraftReady:
		d.Now = at(3, 17, 0)
		// The thank-you of Sample(onward.ThankYou), as the template writes it.
		text := "Hi Dana,\n\n" +
			"Thank you for arranging my panel interview for the Platform Engineer role at Example Co on Tuesday 3 March; " +
			"it was good to learn more about the team and its work.\n\n" +
			"I enjoyed meeting Tom Baker and Priya Shah, and hearing how the team approaches the caching layer. " +
			"That is where I would most like to contribute, and it made me keener still on the role.\n\n" +
			"If you have a moment, please pass my thanks on to Priya Shah, whose address I don't have. " +
			"I look forward to the next steps.\n\n" +
			"Best regards,\n" + user.Name + "\n"
		subject := "Thank you — Platform Engineer interview"
		d.Draft = &Draft{
			ID:          12,
			Kind:        onward.ThankYou,
			To:          "Dana Reyes <dana.reyes@example.com>",
			Subject:     subject,
			Text:        text,
			Mailto:      mailto("dana.reyes@example.com", subject, text),
			SendCommand: "onward drafts send 12",
			SentCommand: "onward drafts sent 12",
			Until:       at(6, 17, 0),
		}
	case onward.Prep:
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
			{Text: "Practise the system design round out loud, with a timer. #system-design", Company: "Example Co", At: at(13, 20, 15), Tags: []string{"system-design"}},
			{Text: "Ask about the on-call rota in the first call, not the last.", Company: "Sample Ltd", At: at(15, 11, 0)},
		}
	case onward.RejectionNotice:
		d.Now = at(12, 16, 30)
		d.Notice = &Notice{Phrase: "decided to move forward with other candidates"}
	case onward.InvitationNotice:
		d.Now = at(12, 16, 30)
		start := at(16, 14, 0)
		d.Invitation = &Invitation{Change: "new", Summary: "Interview: Backend Engineer", When: start, Yours: start,
			At: start.Format(time.RFC3339), Duration: "45m",
			With: []string{"Tom Baker <tom.baker@example.com>", "Priya Shah <priya.shah@example.com>"}, Where: "https://meet.example.com/abc-defg-hij"}
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
		Company: "Example Co",
	}
}

// at is a time in March 2026 (day 40 is 9 April) in the sample user's zone.
// Templates only format times, never convert them.
func at(day, hour, minute int) time.Time {
	return time.Date(2026, time.March, day, hour, minute, 0, 0, sampleZone)
}

func sampleLessons() []Lesson {
	return []Lesson{
		{Text: "Practise the system design round out loud, with a timer.", Company: "Example Co", At: at(13, 20, 15)},
		{Text: "Ask about the on-call rota in the first call, not the last.", Company: "Example Co", At: at(15, 11, 0)},
	}
}

func sampleDigest() *DigestData {
	return &DigestData{
		Since:   at(9, 8, 0),
		Until:   at(16, 8, 0),
		CanSend: true,
		Stages: []StageCount{
			{Stage: onward.StageApplied, Count: 2, Companies: []string{"Sample Ltd", "Demo Corp"}},
			{Stage: onward.StageInterviewing, Count: 2, Companies: []string{"Example Industries", "Sample Works"}},
			{Stage: onward.StageRejected, Count: 1, Companies: []string{"Example Co"}},
		},
		DraftsWaiting: []MessageLine{
			{ID: 15, Kind: onward.ThankYou, Company: "Example Industries", Subject: "Thank you — Site Reliability Engineer interview", At: at(13, 17, 0), Until: at(16, 17, 0)},
			{ID: 12, Kind: onward.FeedbackRequest, Company: "Example Co", Subject: "Feedback on my application for the Platform Engineer role", At: at(13, 10, 0), Until: at(27, 10, 0)},
		},
		Sent: []MessageLine{
			{ID: 8, Kind: onward.StatusCheck, Company: "Example Co", Subject: "Platform Engineer interview: next steps", At: at(10, 11, 5)},
			{ID: 11, Kind: onward.Learn, Company: "Example Co", Subject: "About Example Co", At: at(13, 9, 0)},
		},
		Failed: []MessageLine{
			{ID: 5, Kind: onward.ThankYou, Company: "Sample Works", At: at(11, 9, 0), State: "expired", Error: "expired: due Saturday 7 March, too late to send when onward started again"},
		},
		DueNextWeek: []MessageLine{
			{ID: 13, Kind: onward.LetGo, Company: "Example Co", At: at(19, 9, 0)},
			{ID: 16, Kind: onward.StatusCheck, Company: "Example Industries", At: at(20, 10, 0)},
		},
		Quiet: []QuietApp{{ID: 4, Company: "Demo Corp", Role: "Platform Engineer", Since: at(1, 10, 0)}},
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

// Scenario is one note in one situation: a kind and the data it is
// rendered with. Name is "situation/note" and doubles as a file name.
type Scenario struct {
	Name string
	Kind onward.Kind
	Data Data
}

// Scenarios returns the situations the words are judged in, each with the
// notes onward would write in it:
//
//   - "two-interviewers": a panel with two interviewers, one recorded
//     without an address, and a topic;
//   - "decision-date": a technical interview with a stated decision date,
//     no interviewer recorded, the recruiter in another zone;
//   - "cv-stage": a rejection before any interview, from a no-reply
//     address, with nothing logged;
//   - "three-rounds": a rejection after three rounds, with two lessons
//     logged and feedback given.
//
// Like Sample, the data is fixed and made up. Load renders every template
// on it too. A draft_ready's Draft.Text is left empty: the caller may put
// the rendered draft there.
func Scenarios() []Scenario {
	user := Person{Name: "Alex Morgan", Email: "alex.morgan@example.com"}
	var out []Scenario
	add := func(name string, kind onward.Kind, d Data) {
		d.User = user
		out = append(out, Scenario{Name: name, Kind: kind, Data: d})
	}

	// Two interviewers, one without an address, and a topic.
	acme := App{
		ID: 21, Company: "Acme Robotics", Role: "Backend Engineer", Stage: onward.StageInterviewing,
		Recruiter: Person{Name: "Maria Lopez", Email: "maria.lopez@acme.example"},
		Interview: at(3, 14, 0),
	}
	panel := func() *Interview {
		return &Interview{
			At:   at(3, 14, 0),
			Kind: "panel",
			With: []Interviewer{
				{Name: "Tom Baker", Email: "tom.baker@acme.example", Title: "Engineering Manager"},
				{Name: "Priya Shah", Title: "Staff Engineer"},
			},
			Topics: []string{"the caching layer"},
			Where:  "Acme Robotics, 12 Harbour Street, Hamburg",
			Round:  1,
		}
	}
	iv := panel()
	add("two-interviewers/thank_you-interviewer", onward.ThankYou, Data{App: acme, Interview: iv, Recipient: &iv.With[0], Now: at(3, 17, 0)})
	add("two-interviewers/thank_you-recruiter", onward.ThankYou, Data{App: acme, Interview: panel(), Now: at(3, 17, 0)})
	add("two-interviewers/status_check", onward.StatusCheck, Data{App: acme, Interview: panel(), Now: at(10, 10, 0)})
	add("two-interviewers/prep", onward.Prep, Data{App: acme, Interview: panel(), Now: at(2, 18, 0)})
	iv = panel()
	add("two-interviewers/draft_ready", onward.DraftReady, Data{App: acme, Interview: iv, Recipient: &iv.With[0], Now: at(3, 17, 0),
		Draft: &Draft{ID: 31, Kind: onward.ThankYou, To: "Tom Baker <tom.baker@acme.example>", Subject: "Thank you — Backend Engineer interview",
			Mailto: mailto("tom.baker@acme.example", "Thank you — Backend Engineer interview", ""), SendCommand: "onward drafts send 31", SentCommand: "onward drafts sent 31",
			Until: at(6, 17, 0)}})

	// The end of the hunt: an offer with a deadline, accepted, declined,
	// taken back, and another application withdrawn; one with no role
	// and no recruiter's name.
	offer := App{ID: 25, Company: "Initech", Role: "Site Reliability Engineer", Stage: onward.StageOffer,
		Recruiter: Person{Name: "Lena Ford", Email: "lena.ford@initech.example"}, OfferDeadline: at(20, 23, 59)}
	add("offer/offer_deadline", onward.OfferDeadline, Data{App: offer, Now: at(19, 18, 0)})
	add("offer/congratulations", onward.Congratulations, Data{App: offer, Now: at(20, 10, 0)})
	add("offer/decline", onward.Decline, Data{App: offer, Now: at(20, 10, 0)})
	add("offer/offer_withdrawn_note", onward.OfferWithdrawnNote, Data{App: offer, Now: at(20, 10, 0)})
	bare := App{ID: 26, Company: "Umbrella", Stage: onward.StageWithdrawn, Recruiter: Person{Email: "jobs@umbrella.example"}}
	add("offer/withdrawal", onward.Withdrawal, Data{App: acme, Interview: panel(), Now: at(20, 10, 0)})
	add("offer/withdrawal-bare", onward.Withdrawal, Data{App: bare, Now: at(20, 10, 0)})
	add("offer/decline-bare", onward.Decline, Data{App: bare, Now: at(20, 10, 0)})

	// A stated decision date, no interviewer, the recruiter in Chicago.
	globex := App{
		ID: 22, Company: "Globex", Role: "Data Engineer", Stage: onward.StageInterviewing,
		Recruiter: Person{Name: "Sam Carter", Email: "sam.carter@globex.example"},
		Interview: at(24, 16, 0),
	}
	technical := func() *Interview {
		return &Interview{
			At:          at(24, 16, 0),
			RecruiterAt: time.Date(2026, time.March, 24, 10, 0, 0, 0, sampleRecruiterZone),
			Kind:        "technical",
			Topics:      []string{"moving the nightly batch jobs to streaming"},
			Where:       "https://meet.example.com/globex-data",
			Expect:      at(27, 17, 0),
			Round:       2,
		}
	}
	add("decision-date/thank_you", onward.ThankYou, Data{App: globex, Interview: technical(), Now: at(24, 19, 0)})
	add("decision-date/status_check", onward.StatusCheck, Data{App: globex, Interview: technical(), Now: at(31, 16, 0)})
	add("decision-date/prep", onward.Prep, Data{App: globex, Interview: technical(), Now: at(23, 18, 0),
		Lessons: []Lesson{{Text: "Say the trade-off out loud before choosing.", Company: "Initech", At: at(8, 20, 0)}}})
	add("decision-date/draft_ready", onward.DraftReady, Data{App: globex, Interview: technical(), Now: at(31, 16, 0),
		Draft: &Draft{ID: 32, Kind: onward.StatusCheck, To: "Sam Carter <sam.carter@globex.example>", Subject: "Data Engineer interview: next steps",
			Mailto: mailto("sam.carter@globex.example", "Data Engineer interview: next steps", ""), SendCommand: "onward drafts send 32", SentCommand: "onward drafts sent 32",
			Until: at(35, 17, 0)}})

	// A no before any interview, from a no-reply address.
	initech := App{
		ID: 23, Company: "Initech", Role: "Site Reliability Engineer", Stage: onward.StageRejected,
		Recruiter: Person{Email: "no-reply@initech.example"},
		Rejected:  at(6, 9, 12),
	}
	add("cv-stage/rejection_notice", onward.RejectionNotice, Data{App: initech, Now: at(6, 9, 20),
		Notice: &Notice{Phrase: "we will not be moving forward with your application"}})
	// A recruiter's calendar invitation: noticed, moved (auto_interview),
	// cancelled.
	berlin := time.FixedZone("CET", 3600)
	invStart := at(20, 13, 0).In(berlin)
	invite := func(change string, recorded bool) *Invitation {
		return &Invitation{Change: change, Summary: "Backend Engineer: technical interview", When: invStart, Yours: invStart.In(at(0, 0, 0).Location()),
			At: invStart.Format(time.RFC3339), Duration: "45m", With: []string{"Tom Baker <tom.baker@acme.example>"},
			Where: "https://meet.acme.example/xyz", Recorded: recorded}
	}
	acmeNew := App{ID: 21, Company: "Acme", Role: "Backend Engineer", Stage: onward.StageApplied,
		Recruiter: Person{Name: "Tom Baker", Email: "tom.baker@acme.example"}}
	add("invitation/invitation_notice-new", onward.InvitationNotice, Data{App: acmeNew, Now: at(14, 10, 0), Invitation: invite("new", false)})
	acmeMoved := acmeNew
	acmeMoved.Stage = onward.StageInterviewing
	add("invitation/invitation_notice-moved", onward.InvitationNotice, Data{App: acmeMoved, Now: at(15, 10, 0), Invitation: invite("moved", true)})
	add("invitation/invitation_notice-cancelled", onward.InvitationNotice, Data{App: acmeNew, Now: at(16, 10, 0), Invitation: invite("cancelled", false)})
	add("cv-stage/learn", onward.Learn, Data{App: initech, Now: at(7, 9, 0)})
	add("cv-stage/let_go", onward.LetGo, Data{App: initech, Now: at(13, 9, 0)})

	// A no after three rounds, two lessons logged, feedback given.
	umbrella := App{
		ID: 24, Company: "Umbrella Health", Role: "Platform Engineer", Stage: onward.StageRejected,
		Recruiter: Person{Name: "Jordan Lee", Email: "jordan.lee@umbrella.example"},
		Interview: at(17, 10, 0),
		Rejected:  at(19, 15, 0),
	}
	final := func() *Interview {
		return &Interview{
			At:     at(17, 10, 0),
			Kind:   "final",
			With:   []Interviewer{{Name: "Chris Novak", Email: "chris.novak@umbrella.example", Title: "VP Engineering"}},
			Topics: []string{"on-call load"},
			Round:  3,
		}
	}
	lessons := []Lesson{
		{Text: "Bring one number to every project story.", Company: "Umbrella Health", At: at(19, 20, 0)},
		{Text: "Ask about the on-call rota in the first call, not the last.", Company: "Umbrella Health", At: at(20, 9, 40)},
	}
	feedback := &Feedback{Text: "The panel wanted more evidence of leading incidents end to end.", At: at(23, 11, 0), Company: "Umbrella Health"}
	add("three-rounds/feedback_request", onward.FeedbackRequest, Data{App: umbrella, Interview: final(), Now: at(20, 10, 0)})
	add("three-rounds/learn", onward.Learn, Data{App: umbrella, Interview: final(), Lessons: lessons, Now: at(20, 12, 0)})
	add("three-rounds/feedback_received", onward.FeedbackReceived, Data{App: umbrella, Interview: final(), Feedback: feedback, Lessons: lessons, Now: at(23, 11, 30)})
	add("three-rounds/feedback_received-declined", onward.FeedbackReceived, Data{App: umbrella, Interview: final(), Lessons: lessons,
		Feedback: &Feedback{At: at(23, 11, 0), Declined: true, Company: "Umbrella Health"}, Now: at(23, 11, 30)})
	add("three-rounds/feedback_thanks", onward.FeedbackThanks, Data{App: umbrella, Interview: final(), Feedback: feedback, Now: at(23, 11, 30)})
	add("three-rounds/let_go", onward.LetGo, Data{App: umbrella, Interview: final(), Lessons: lessons, Feedback: feedback,
		StayInTouchAt: at(47, 10, 0), Now: at(26, 9, 0)})
	add("three-rounds/stay_in_touch", onward.StayInTouch, Data{App: umbrella, Interview: final(), Now: at(47, 10, 0)})

	// Applications with no word since they were sent: a recruiter with a
	// name, one known only by address, one at a no-reply address, none.
	silent := func(id int64, company, role string, r Person) App {
		return App{ID: id, Company: company, Role: role, Stage: onward.StageApplied, Recruiter: r}
	}
	add("silence/application_follow_up", onward.ApplicationFollowUp, Data{App: silent(41, "Hooli", "Site Reliability Engineer",
		Person{Name: "Gavin Hart", Email: "gavin.hart@hooli.example"}), Now: at(17, 10, 0)})
	add("silence/application_follow_up-no-name", onward.ApplicationFollowUp, Data{App: silent(42, "Pied Piper", "",
		Person{Email: "jobs@piedpiper.example"}), Now: at(17, 10, 0)})
	add("silence/no_reply", onward.NoReply, Data{App: silent(41, "Hooli", "Site Reliability Engineer",
		Person{Name: "Gavin Hart", Email: "gavin.hart@hooli.example"}), Now: at(17, 10, 0)})
	add("silence/no_reply-no-reply-address", onward.NoReply, Data{App: silent(43, "Vandelay", "Importer",
		Person{Email: "no-reply@vandelay.example"}), Now: at(17, 10, 0)})
	add("silence/no_reply-no-recruiter", onward.NoReply, Data{App: silent(44, "Wonka", "Platform Engineer", Person{}), Now: at(17, 10, 0)})

	// The week across all four.
	weekLessons := []Lesson{{Text: "Write up one incident I led, end to end, as a story with a number in it. #incidents", Company: "Umbrella Health", At: at(23, 12, 10), Tags: []string{"incidents"}}}
	add("week/digest", onward.Digest, Data{Now: at(27, 8, 0), Lessons: weekLessons, Digest: &DigestData{
		Since: at(20, 8, 0), Until: at(27, 8, 0), CanSend: true,
		Stages: []StageCount{
			{Stage: onward.StageInterviewing, Count: 2, Companies: []string{"Acme Robotics", "Globex"}},
			{Stage: onward.StageRejected, Count: 2, Companies: []string{"Initech", "Umbrella Health"}},
		},
		DraftsWaiting: []MessageLine{
			{ID: 33, Kind: onward.FeedbackThanks, Company: "Umbrella Health", Subject: "Thank you for the feedback on the Platform Engineer role", At: at(23, 12, 0), Until: at(30, 12, 0)},
		},
		Sent: []MessageLine{
			{ID: 29, Kind: onward.FeedbackRequest, Company: "Umbrella Health", Subject: "Feedback on my application for the Platform Engineer role", At: at(20, 10, 5)},
			{ID: 34, Kind: onward.FeedbackReceived, Company: "Umbrella Health", At: at(23, 11, 30)},
		},
		Failed: []MessageLine{
			{ID: 27, Kind: onward.ThankYou, Company: "Globex", At: at(25, 9, 0), State: "expired", Error: "expired: due Tuesday 24 March, too late to send when onward started again"},
			{ID: 35, Kind: onward.LetGo, Company: "Umbrella Health", At: at(26, 9, 0), State: "failed", Error: "550 5.1.1 mailbox unavailable"},
		},
		DueNextWeek: []MessageLine{
			{ID: 36, Kind: onward.StatusCheck, Company: "Globex", At: at(31, 16, 0)},
		},
		Quiet: []QuietApp{{ID: 31, Company: "Hooli", Role: "Site Reliability Engineer", Since: at(6, 10, 0)}},
		Patterns: &Patterns{
			Enough:   true,
			TopTags:  []TagCount{{Tag: "incidents", Lessons: 2, Applications: 2}},
			ThisWeek: Funnel{Interviews: 1},
			LastWeek: Funnel{Interviews: 1, Rejections: 1},
		},
	}})
	return out
}
