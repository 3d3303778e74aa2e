package onward

import (
	"fmt"
	"slices"
	"strings"
)

// Kind is a kind of message. Each is also the base name of its template file.
type Kind string

// The kinds of message, in the order Kinds returns them.
const (
	ThankYou        Kind = "thank_you"
	StatusCheck     Kind = "status_check"
	FeedbackRequest Kind = "feedback_request"
	StayInTouch     Kind = "stay_in_touch"
	Learn           Kind = "learn"
	LetGo           Kind = "let_go"
	Digest          Kind = "digest"
	DraftReady      Kind = "draft_ready"
	Prep            Kind = "prep"
	// RejectionNotice tells the user that a recruiter's reply reads as a
	// rejection.
	RejectionNotice Kind = "rejection_notice"
	// FeedbackThanks is a draft to the recruiter after feedback came:
	// thanks for the honesty, no defence.
	FeedbackThanks Kind = "feedback_thanks"
	// FeedbackReceived tells the user that feedback was recorded (or
	// declined), soon after it came.
	FeedbackReceived Kind = "feedback_received"
	// InvitationNotice tells the user that a recruiter's calendar
	// invitation came, was moved or was cancelled, with the command that
	// records it (or what was recorded, with auto_interview).
	InvitationNotice Kind = "invitation_notice"
	// Withdrawal is a draft to the recruiter of an application still open
	// when the user accepted another offer.
	Withdrawal Kind = "withdrawal"
	// Decline is a draft to the recruiter declining their offer, with the
	// door left open.
	Decline Kind = "decline"
	// OfferDeadline reminds the user, the day before, that an offer's
	// deadline is near.
	OfferDeadline Kind = "offer_deadline"
	// Congratulations is the note to the user when they accept an offer.
	Congratulations Kind = "congratulations"
	// OfferWithdrawnNote is the note to the user when an employer takes an
	// offer back.
	OfferWithdrawnNote Kind = "offer_withdrawn_note"
	// NoReply tells the user that an application has had no word since
	// it was sent, and how to follow up or let it go.
	NoReply Kind = "no_reply"
	// ApplicationFollowUp is a draft to the recruiter when an application
	// has had no word: one question, no pressure.
	ApplicationFollowUp Kind = "application_follow_up"
)

// kinds is every kind of message, recruiter drafts first, with who it is
// for and its name in words. A new kind is a constant above and a line
// here.
var kinds = []struct {
	kind     Kind
	audience Audience
	label    string
}{
	{ThankYou, Recruiter, "thank-you note"},
	{StatusCheck, Recruiter, "status check"},
	{FeedbackRequest, Recruiter, "feedback request"},
	{StayInTouch, Recruiter, "stay-in-touch note"},
	{FeedbackThanks, Recruiter, "feedback thank-you"},
	{Withdrawal, Recruiter, "withdrawal note"},
	{Decline, Recruiter, "decline note"},
	{ApplicationFollowUp, Recruiter, "application follow-up"},
	{Learn, User, "learn check-in"},
	{LetGo, User, "let-go check-in"},
	{Digest, User, "weekly digest"},
	{DraftReady, User, "draft notice"},
	{Prep, User, "prep note"},
	{RejectionNotice, User, "note on a reply"},
	{FeedbackReceived, User, "feedback check-in"},
	{InvitationNotice, User, "note on an invitation"},
	{OfferDeadline, User, "offer deadline reminder"},
	{Congratulations, User, "congratulations"},
	{OfferWithdrawnNote, User, "note on a withdrawn offer"},
	{NoReply, User, "no-reply check-in"},
}

// Kinds returns every kind of message, recruiter drafts first. The slice is
// new on each call, so callers may modify it.
func Kinds() []Kind {
	out := make([]Kind, len(kinds))
	for i, k := range kinds {
		out[i] = k.kind
	}
	return out
}

// FollowupKinds returns the kinds whose delay after their event the user
// sets under [followups] (prep has a rule of its own, not a delay).
func FollowupKinds() []Kind {
	return []Kind{ThankYou, StatusCheck, FeedbackRequest, StayInTouch, Learn, LetGo}
}

// Audience says who a kind of message is for: drafts go to the recruiter
// (the user sends them), everything else, and an unknown kind, to the user.
func (k Kind) Audience() Audience {
	for _, e := range kinds {
		if e.kind == k {
			return e.audience
		}
	}
	return User
}

// Label names the kind in words, for lists and sentences: "thank-you
// note". An unknown kind reads as its name with spaces.
func (k Kind) Label() string {
	for _, e := range kinds {
		if e.kind == k {
			return e.label
		}
	}
	return strings.ReplaceAll(string(k), "_", " ")
}

// Valid reports whether k is one of Kinds.
func (k Kind) Valid() bool { return slices.Contains(Kinds(), k) }

func (k Kind) String() string { return string(k) }

// ParseKind reads a kind typed by the user or written in the config.
func ParseKind(s string) (Kind, error) {
	k := Kind(s)
	if !k.Valid() {
		return "", fmt.Errorf("%q is not a kind of message; want one of %s", s, Join(Kinds()))
	}
	return k, nil
}

// Audience is who a message is for.
type Audience string

// The audiences: the user gets check-ins sent by onward, a recruiter only
// ever gets drafts the user sends.
const (
	User      Audience = "user"
	Recruiter Audience = "recruiter"
)

func (a Audience) String() string { return string(a) }

// EventKind is something that happens to an application and changes its
// plan.
type EventKind string

// The events.
const (
	Applied   EventKind = "applied"
	Interview EventKind = "interview"
	Rejected  EventKind = "rejected"
	Reply     EventKind = "reply"
	Offer     EventKind = "offer"
	Withdrawn EventKind = "withdrawn"
	// Feedback is the recruiter's feedback on a rejection (or their
	// reply that they give none).
	Feedback EventKind = "feedback"
	// Accepted is the user accepting an offer: the hunt's end.
	Accepted EventKind = "accepted"
	// AcceptedElsewhere closes an application still open when the user
	// accepted an offer from another.
	AcceptedElsewhere EventKind = "accepted_elsewhere"
	// Declined is the user declining an offer.
	Declined EventKind = "declined"
	// OfferWithdrawn is the employer taking an offer back.
	OfferWithdrawn EventKind = "offer_withdrawn"
	// Closed is the user letting a quiet application go: nothing is sent
	// to the employer, unlike a withdrawal note; what waits is cancelled.
	Closed EventKind = "closed"
)

// EventKinds returns every event kind.
func EventKinds() []EventKind {
	return []EventKind{Applied, Interview, Rejected, Reply, Offer, Withdrawn, Feedback,
		Accepted, AcceptedElsewhere, Declined, OfferWithdrawn, Closed}
}

// Valid reports whether e is one of EventKinds.
func (e EventKind) Valid() bool { return slices.Contains(EventKinds(), e) }

// eventLabels name each event kind in words, as a timeline shows it. A
// new event kind is a constant above, a name in EventKinds and a line here.
var eventLabels = map[EventKind]string{
	Applied:           "applied",
	Interview:         "interview",
	Rejected:          "rejected",
	Reply:             "reply",
	Offer:             "offer",
	Withdrawn:         "withdrawn",
	Feedback:          "feedback",
	Accepted:          "offer accepted",
	AcceptedElsewhere: "closed: an offer accepted elsewhere",
	Declined:          "offer declined",
	OfferWithdrawn:    "offer withdrawn by the employer",
	Closed:            "let go",
}

// Label names the event kind in words, for a timeline: "offer
// accepted". An unknown kind reads as its name with spaces.
func (e EventKind) Label() string {
	if l, ok := eventLabels[e]; ok {
		return l
	}
	return strings.ReplaceAll(string(e), "_", " ")
}

func (e EventKind) String() string { return string(e) }

// Noun names the event in words, for sentences: "the rejection of 2 Mar".
func (e EventKind) Noun() string {
	switch e {
	case Applied:
		return "application"
	case Rejected:
		return "rejection"
	case Withdrawn:
		return "withdrawal"
	case Accepted:
		return "acceptance"
	case AcceptedElsewhere:
		return "withdrawal (an offer accepted elsewhere)"
	case Declined:
		return "decline"
	case OfferWithdrawn:
		return "withdrawn offer"
	case Closed:
		return "closing"
	}
	return string(e)
}

// Stage is where an application stands.
type Stage string

// The stages.
const (
	StageApplied      Stage = "applied"
	StageInterviewing Stage = "interviewing"
	StageRejected     Stage = "rejected"
	StageOffer        Stage = "offer"
	StageWithdrawn    Stage = "withdrawn"
)

// Stages returns every stage, in the order of a hunt.
func Stages() []Stage {
	return []Stage{StageApplied, StageInterviewing, StageRejected, StageOffer, StageWithdrawn}
}

// Valid reports whether s is one of Stages.
func (s Stage) Valid() bool { return slices.Contains(Stages(), s) }

func (s Stage) String() string { return string(s) }

// Phrase says in words where an application at stage s stands, to follow
// its name: "Acme has an offer".
func (s Stage) Phrase() string {
	switch s {
	case StageApplied:
		return "is applied for"
	case StageInterviewing:
		return "is in interviews"
	case StageRejected:
		return "was rejected"
	case StageOffer:
		return "has an offer"
	case StageWithdrawn:
		return "was withdrawn"
	}
	return "is " + string(s)
}

// Status is where a message stands; DESIGN.md draws the machine.
type Status string

// The statuses.
const (
	StatusScheduled Status = "scheduled"
	StatusSending   Status = "sending"
	StatusDrafted   Status = "drafted"
	StatusSent      Status = "sent"
	StatusDiscarded Status = "discarded"
	StatusCancelled Status = "cancelled"
	StatusFailed    Status = "failed"
	StatusExpired   Status = "expired"
)

// Statuses returns every status, for help text and validating user input.
func Statuses() []Status {
	return []Status{StatusScheduled, StatusSending, StatusDrafted, StatusSent, StatusDiscarded,
		StatusCancelled, StatusFailed, StatusExpired}
}

// Valid reports whether s is one of Statuses.
func (s Status) Valid() bool { return slices.Contains(Statuses(), s) }

// Pending reports whether a message in status s may still go out:
// waiting for its time, on the wire, or waiting for the user.
func (s Status) Pending() bool {
	return s == StatusScheduled || s == StatusSending || s == StatusDrafted
}

// Final reports whether a message in status s is done with: nothing will
// send, cancel or expire it any more.
func (s Status) Final() bool { return s.Valid() && !s.Pending() }

func (s Status) String() string { return string(s) }

// ParseStatus reads a status typed by the user.
func ParseStatus(s string) (Status, error) {
	st := Status(s)
	if !st.Valid() {
		return "", fmt.Errorf("%q is not one of %s", s, Join(Statuses()))
	}
	return st, nil
}

// Join lists values for help text and errors: "a, b, c".
func Join[T ~string](vs []T) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = string(v)
	}
	return strings.Join(s, ", ")
}

// InterviewKind is what kind of interview the user had. The words, the
// prep note and patterns use it; the list is short on purpose.
type InterviewKind string

// The kinds of interview.
const (
	PhoneScreen InterviewKind = "phone_screen"
	Technical   InterviewKind = "technical"
	Panel       InterviewKind = "panel"
	Onsite      InterviewKind = "onsite"
	Final       InterviewKind = "final"
)

// InterviewKinds returns every kind of interview, in the order of a hunt.
func InterviewKinds() []InterviewKind {
	return []InterviewKind{PhoneScreen, Technical, Panel, Onsite, Final}
}

// Valid reports whether k is one of InterviewKinds.
func (k InterviewKind) Valid() bool { return slices.Contains(InterviewKinds(), k) }

// Label names the kind in words: "phone screen".
func (k InterviewKind) Label() string { return strings.ReplaceAll(string(k), "_", " ") }

func (k InterviewKind) String() string { return string(k) }

// ParseInterviewKind reads a kind of interview as the user types it:
// "phone screen", "phone-screen" and "phone_screen" are one kind.
func ParseInterviewKind(s string) (InterviewKind, error) {
	k := InterviewKind(strings.ReplaceAll(strings.ReplaceAll(strings.ToLower(strings.TrimSpace(s)), " ", "_"), "-", "_"))
	if !k.Valid() {
		return "", fmt.Errorf("%q is not a kind of interview; want one of %s", s, Join(InterviewKinds()))
	}
	return k, nil
}
