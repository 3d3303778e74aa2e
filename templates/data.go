package templates

import (
	"time"

	"github.com/onward-app/onward"
)

// Data is everything a template can refer to. The caller fills it from the
// database and the config; times are already in the zone the reader lives
// in, so templates only format them.
type Data struct {
	// User is the person onward works for; drafts go out in their name.
	User Person
	// App is the application the message is about. It is the zero value
	// for the digest, which is about every application.
	App App
	// Lessons are the lessons logged for App, oldest first (learn, let_go,
	// feedback_received: learn thanks for them instead of asking again),
	// the lessons that apply to the interview (prep), or the lessons logged
	// this week (digest).
	Lessons []Lesson
	// Draft is set for draft_ready: the recruiter draft that became due.
	Draft *Draft
	// Digest is set for digest.
	Digest *DigestData
	// Now is when the message is rendered, in the reader's zone.
	Now time.Time
	// RepliesRead is set when onward reads the user's mailbox: a reply to
	// a check-in then becomes a lesson.
	RepliesRead bool
	// Notice is set for rejection_notice.
	Notice *Notice
	// Invitation is set for invitation_notice.
	Invitation *Invitation

	// Interview is the interview the message is about: the one just held
	// (thank_you, status_check), the one coming up (prep), or, for the
	// kinds that follow a rejection (feedback_request, stay_in_touch,
	// learn, let_go, feedback_thanks, feedback_received), the last one
	// held before the rejection. It is nil when no interview was recorded,
	// and the templates then say nothing about one: no note claims an
	// interview onward does not know of.
	Interview *Interview
	// Recipient is set for a thank_you addressed to one interviewer: that
	// person, who is also in Interview.With. It is nil when the draft goes
	// to the recruiter (App.Recruiter), who is thanked for arranging the
	// interview and asked to pass thanks to Interview.Unaddressed. It is
	// also set for the draft_ready of such a thank-you, to name the person.
	Recipient *Interviewer
	// Feedback is the feedback recorded for App, if any: quoted by let_go,
	// feedback_thanks and feedback_received. For prep it is the latest
	// feedback recorded on any application (Feedback.Company says which),
	// so the next interview can use it. Nil when none was recorded.
	Feedback *Feedback
	// StayInTouchAt is when the stay_in_touch draft for App is planned, so
	// let_go can say there is nothing to watch for until then. Zero when
	// none is planned.
	StayInTouchAt time.Time
}

// InterviewKnown is Interview, or, when only App.Interview is known, an
// Interview with just that start, so a note names the date of an interview
// recorded without details. It is nil when no interview is known at all.
// Templates use it rather than Interview.
func (d Data) InterviewKnown() *Interview {
	if d.Interview != nil {
		return d.Interview
	}
	if !d.App.Interview.IsZero() {
		return &Interview{At: d.App.Interview}
	}
	return nil
}

// CVStage reports whether App was rejected before any interview was
// recorded: the learn note then asks about the CV and the fit of the role,
// not about interview answers.
func (d Data) CVStage() bool {
	return d.App.Stage == "rejected" && d.Interview == nil && d.App.Interview.IsZero()
}

// Interview is one interview as a template sees it. Every field but At is
// optional: the user records what they know.
type Interview struct {
	// At is the start, in the user's zone.
	At time.Time
	// RecruiterAt is the same instant in the recruiter's zone. It is zero
	// when the recruiter's zone is unknown or gives the same clock and
	// offset as the user's, so a note names a second zone only when it
	// differs.
	RecruiterAt time.Time
	// Kind is one of "phone screen", "technical", "panel", "onsite",
	// "final", or "" when not recorded.
	Kind string
	// With is who interviewed the user, in the order recorded. Email and
	// Title may be empty.
	With []Interviewer
	// Topics are what was discussed that the user wants to come back to,
	// as typed ("the caching layer"), in the order recorded.
	Topics []string
	// Where is a video link or an address; empty when not recorded.
	Where string
	// Expect is when they said they would decide, in the user's zone;
	// zero when they did not say.
	Expect time.Time
	// Round is 1 for the first interview recorded for the application, 2
	// for the second, and so on; 0 when unknown.
	Round int
}

// Interviewer is a person who interviewed the user.
type Interviewer struct {
	Name  string
	Email string // empty when the user recorded only the name
	Title string // e.g. "Engineering Manager"; may be empty
}

// Unaddressed returns the interviewers recorded without an address, whom
// the recruiter's thank-you asks to pass thanks to. It is nil for a nil
// Interview.
func (iv *Interview) Unaddressed() []Interviewer {
	if iv == nil {
		return nil
	}
	var out []Interviewer
	for _, p := range iv.With {
		if p.Email == "" && p.Name != "" {
			out = append(out, p)
		}
	}
	return out
}

// RecruiterTime is the start on the recruiter's clock when it differs from
// the user's, else on the user's: the time a recruiter draft names.
func (iv *Interview) RecruiterTime() time.Time {
	if iv == nil {
		return time.Time{}
	}
	if !iv.RecruiterAt.IsZero() {
		return iv.RecruiterAt
	}
	return iv.At
}

// Topic returns the first topic recorded, or "" when there is none: the
// one a short note names.
func (iv *Interview) Topic() string {
	if iv == nil || len(iv.Topics) == 0 {
		return ""
	}
	return iv.Topics[0]
}

// Feedback is what the employer said about the application, recorded from
// a reply in the feedback request's thread or typed in by the user.
type Feedback struct {
	// Text is the feedback in the employer's words; empty when Declined.
	Text string
	// At is when it was recorded, in the user's zone.
	At time.Time
	// Declined is set when the reply said no feedback can be given.
	Declined bool
	// Company is the application's company. It matters for prep, where the
	// feedback may come from another application; elsewhere it is
	// App.Company.
	Company string
}

// Notice is what onward noticed in the mailbox.
type Notice struct {
	// Phrase is the words in the recruiter's reply that read as a rejection.
	Phrase string
}

// Invitation is a recruiter's calendar invitation read in the mailbox,
// and what onward did about it.
type Invitation struct {
	// Change is "new", "moved" or "cancelled".
	Change  string
	Summary string
	// When is the start in the invitation's own zone; Yours is the same
	// moment in the user's zone.
	When, Yours time.Time
	// At is When as the --at flag takes it (RFC 3339); Duration as the
	// --duration flag takes it ("45m").
	At, Duration string
	// With are the people, "Name <address>", for --with.
	With []string
	// Where is the place or the link, for --where.
	Where string
	// Recorded: the records were changed (auto_interview). Left: why
	// nothing was changed although auto_interview is on.
	Recorded bool
	Left     string
}

// Person is a name and an email address.
type Person struct {
	Name  string
	Email string
}

// App is one job application as a template sees it.
type App struct {
	ID        int64
	Company   string
	Role      string
	Recruiter Person // Email is empty when the user has not recorded it
	URL       string
	Stage     onward.Stage // applied, interviewing, rejected, offer, withdrawn
	// Interview is the start of the latest interview; zero if none.
	Interview time.Time
	// Rejected is when the rejection was recorded; zero if not rejected.
	Rejected time.Time
	// OfferDeadline is the end of the day the employer wants an answer to
	// their offer by (offer_deadline); zero when none was given.
	OfferDeadline time.Time
}

// Lesson is one thing the user learned and wrote down.
type Lesson struct {
	Text    string
	Company string // the application it was logged on; empty if none
	At      time.Time
	Tags    []string
}

// Draft describes a recruiter draft waiting for the user.
type Draft struct {
	ID      int64       // the message id, for `onward drafts send ID`
	Kind    onward.Kind // thank_you, status_check, feedback_request, stay_in_touch, feedback_thanks
	To      string      // formatted recipient, or empty when the address is missing
	Subject string
	Text    string
	Mailto  string // a mailto: URL that opens the draft pre-filled
	// SendCommand is the command that sends it, e.g. "onward drafts send
	// 12"; empty where this setup cannot send mail (no SMTP server), so
	// the note offers only what works.
	SendCommand string
	// SentCommand tells onward the user sent it from their mail program,
	// e.g. "onward drafts sent 12".
	SentCommand string
	// Until is when the draft stops being timely (its due time plus the
	// kind's staleness), in the user's zone; zero when it does not go stale.
	Until time.Time
}

// DigestData is the weekly look at the whole job hunt. It is not called
// Digest because that name is the kind constant, which callers use more.
type DigestData struct {
	Since, Until  time.Time     // the week it covers
	Stages        []StageCount  // the pipeline, by stage, only stages with applications
	DraftsWaiting []MessageLine // recruiter drafts the user has not sent or discarded, the soonest to go stale first
	// CanSend is set where `onward drafts send` works (an SMTP server is
	// configured); elsewhere the user sends from their mail program and
	// records it with `onward drafts sent`.
	CanSend     bool
	Sent        []MessageLine // sent during the week
	Failed      []MessageLine // failed or expired during the week, with Error
	DueNextWeek []MessageLine // scheduled for the coming week
	// Quiet are the open applications whose last follow-up has gone
	// unanswered for [followups] quiet_after: nothing more is planned
	// for them, and the user may let them go.
	Quiet    []QuietApp
	Patterns *Patterns // what the last weeks show; nil to leave the part out
}

// QuietApp is an application gone quiet.
type QuietApp struct {
	ID      int64
	Company string
	Role    string
	// Since is when its last follow-up went out, unanswered since.
	Since time.Time
}

// StageCount is how many applications are in one stage.
type StageCount struct {
	Stage     onward.Stage
	Count     int
	Companies []string
}

// MessageLine is one message as a line in the digest.
type MessageLine struct {
	ID      int64
	Kind    onward.Kind
	Company string
	Subject string
	At      time.Time // due, sent or failed time, whichever the list is about
	// Until is, for a draft waiting, when it stops being timely; zero when
	// it does not go stale or for the other lists.
	Until time.Time
	// State is the message's state: "expired" (too late to be worth
	// sending, said in plain words by the digest) or "failed" (the mail
	// server refused it; Error says why), for the Failed list.
	State string
	Error string
}

// Patterns is the digest's short look across rejections.
type Patterns struct {
	// Enough is false when there is too little data to mean anything; the
	// digest then says so instead of showing numbers.
	Enough   bool
	TopTags  []TagCount // the most used tags of the last 90 days
	ThisWeek Funnel
	LastWeek Funnel
}

// TagCount is one tag and how often it came up.
type TagCount struct {
	Tag          string
	Lessons      int
	Applications int // rejected applications whose lessons carry it
}

// Funnel counts applications by what happened to them in a week.
type Funnel struct {
	Applications, Interviews, Offers, Rejections int
}
