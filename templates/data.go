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
	// Lessons are the lessons logged for App, oldest first (let_go), or the
	// lessons logged this week (digest).
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
}

// Notice is what onward noticed in the mailbox.
type Notice struct {
	// Phrase is the words in the recruiter's reply that read as a rejection.
	Phrase string
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
	Kind    onward.Kind // thank_you, status_check, feedback_request, stay_in_touch
	To      string      // formatted recipient, or empty when the address is missing
	Subject string
	Text    string
	Mailto  string // a mailto: URL that opens the draft pre-filled
	// SendCommand is the command that sends it, e.g. "onward drafts send
	// 12"; empty where onward cannot send (no SMTP server configured).
	SendCommand string
	// SentCommand tells onward the user sent it from their mail program,
	// e.g. "onward drafts sent 12".
	SentCommand string
}

// DigestData is the weekly look at the whole job hunt. It is not called
// Digest because that name is the kind constant, which callers use more.
type DigestData struct {
	Since, Until  time.Time     // the week it covers
	Stages        []StageCount  // the pipeline, by stage, only stages with applications
	DraftsWaiting []MessageLine // recruiter drafts the user has not sent or discarded
	// CanSend is set where `onward drafts send` works (an SMTP server is
	// configured); elsewhere the user sends from their mail program and
	// records it with `onward drafts sent`.
	CanSend     bool
	Sent        []MessageLine // sent during the week
	Failed      []MessageLine // failed or expired during the week, with Error
	DueNextWeek []MessageLine // scheduled for the coming week
	Patterns    *Patterns     // what the last weeks show; nil to leave the part out
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
	Error   string
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
