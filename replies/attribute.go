package replies

import (
	"fmt"
	"log/slog"
	"slices"
	"strings"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/mailread"
	"github.com/onward-app/onward/store"
)

// Action is what a mail from the mailbox may do to the records.
type Action int

const (
	// Ignore leaves everything as it was.
	Ignore Action = iota
	// Reply records the recruiter's reply on Verdict.App (and, if it
	// reads as a no, what follows from that).
	Reply
	// Lesson keeps the user's answer to a check-in as a lesson on
	// Verdict.App.
	Lesson
	// Feedback records the recruiter's answer to App's feedback request
	// as the application's feedback.
	Feedback
)

// Verdict is Attribute's decision about one mail.
type Verdict struct {
	Action Action
	// App is the application the mail changes (Reply, Lesson).
	App int64
	// InThread says a Reply answers one of App's own messages, not only
	// comes from its recruiter: only then may auto_reject act on it.
	InThread bool
	// Why says, for the log, why the mail was taken or left alone.
	Why string
	// Level is how loudly an ignored mail is logged: a warning when it
	// names onward's messages without the right to change them.
	Level slog.Level
}

// Facts are what the records say about one mail, gathered for Attribute.
type Facts struct {
	// Refs are the messages onward created that the mail's thread
	// headers (In-Reply-To, References) name.
	Refs []store.Message
	// Apps are the applications the mail might be about: those of Refs,
	// and those whose recruiter has the sender's address (or domain).
	// Attribute checks the sender against each itself.
	Apps []store.Application
}

// Rules are the settings Attribute applies.
type Rules struct {
	// User are the user's own addresses: user.email and user.aliases.
	User []string
	// MatchDomain counts anyone at the recruiter's domain as the
	// recruiter, except at a free-mail domain or the user's own.
	MatchDomain bool
}

// Attribute decides who may change what: the one rule for every mail read
// from the mailbox. Message-IDs are no secret (they travel in every draft
// and notice), and the thread headers are written by the sender, so they
// never on their own give anyone a say:
//
//  1. A mail from one of the user's own addresses that answers a check-in
//     (learn, let_go) is a lesson on that check-in's application. Any
//     other mail of the user's changes nothing.
//  2. A check-in goes from the user to the user: a mail from anyone else
//     that answers one changes nothing.
//  3. A mail whose thread headers name onward's messages to recruiters is
//     a reply only to an application among those, and only if the sender
//     is that application's recruiter (the address, or the domain with
//     MatchDomain). It changes no other application, and nothing when
//     the sender is not the recruiter of one of them.
//     When the message it answers is the application's feedback request,
//     it is that application's feedback.
//  4. A mail without such headers is a reply to the one application whose
//     recruiter sent it; when the sender recruits for several, nothing in
//     the mail says which, and nothing changes.
func Attribute(m mailread.Mail, f Facts, r Rules) Verdict {
	from := strings.ToLower(strings.TrimSpace(m.From.Email))
	var checkIn *store.Message
	var threadApps []int64
	for i, ref := range f.Refs {
		switch {
		case ref.Kind == onward.Learn || ref.Kind == onward.LetGo:
			if checkIn == nil {
				checkIn = &f.Refs[i]
			}
		case ref.Audience == onward.Recruiter && ref.ApplicationID != 0 && !slices.Contains(threadApps, ref.ApplicationID):
			threadApps = append(threadApps, ref.ApplicationID)
		}
	}

	// 1. The user's own mail.
	if isUser(from, r.User) {
		if checkIn != nil {
			return Verdict{Action: Lesson, App: checkIn.ApplicationID, Why: "the user answered a check-in"}
		}
		return Verdict{Why: "the user's own mail", Level: slog.LevelDebug}
	}
	// 2. Someone else answering a check-in.
	if checkIn != nil {
		return Verdict{Why: "it answers a check-in but is not from the user's own addresses (user.email, user.aliases)", Level: slog.LevelWarn}
	}

	var theirs []int64
	for _, a := range f.Apps {
		if recruiterOf(from, a, r) && !slices.Contains(theirs, a.ID) {
			theirs = append(theirs, a.ID)
		}
	}
	// 3. A reply in onward's threads: only to those applications, only
	// from their recruiter.
	if len(threadApps) > 0 {
		var both []int64
		for _, id := range threadApps {
			if slices.Contains(theirs, id) {
				both = append(both, id)
			}
		}
		switch len(both) {
		case 1:
			if slices.ContainsFunc(f.Refs, func(m store.Message) bool {
				return m.Kind == onward.FeedbackRequest && m.ApplicationID == both[0]
			}) {
				return Verdict{Action: Feedback, App: both[0], InThread: true, Why: "the recruiter answered the feedback request"}
			}
			return Verdict{Action: Reply, App: both[0], InThread: true, Why: "the recruiter answered one of the application's messages"}
		case 0:
			return Verdict{Why: fmt.Sprintf("it answers onward's messages about application %s but is not from its recruiter", ids(threadApps)),
				Level: slog.LevelWarn}
		default:
			return Verdict{Why: fmt.Sprintf("it answers messages about applications %s of the same recruiter; not recorded", ids(both)),
				Level: slog.LevelInfo}
		}
	}
	// 4. No thread: the sender alone.
	switch len(theirs) {
	case 0:
		return Verdict{Why: "not from a recruiter on record", Level: slog.LevelDebug}
	case 1:
		return Verdict{Action: Reply, App: theirs[0], Why: "from the application's recruiter"}
	default:
		// Recording it against the wrong one would be worse than not
		// at all.
		return Verdict{Why: fmt.Sprintf("from the recruiter of applications %s, and nothing in it says which; not recorded", ids(theirs)),
			Level: slog.LevelInfo}
	}
}

// recruiterOf reports whether from is a's recruiter: the recruiter's
// address or, with MatchDomain, an address at the same domain, unless that
// domain is one many unrelated people share.
func recruiterOf(from string, a store.Application, r Rules) bool {
	rec := strings.ToLower(strings.TrimSpace(a.RecruiterEmail))
	if rec == "" || from == "" {
		return false
	}
	if rec == from {
		return true
	}
	_, fd, _ := strings.Cut(from, "@")
	_, rd, _ := strings.Cut(rec, "@")
	return r.MatchDomain && fd != "" && fd == rd && !commonDomain(from, r.User)
}

func isUser(from string, user []string) bool {
	return from != "" && slices.ContainsFunc(user, func(u string) bool { return strings.EqualFold(strings.TrimSpace(u), from) })
}

// freeMail are domains that many unrelated people share: anyone at one
// of them is not "the recruiter's company".
var freeMail = map[string]bool{
	"gmail.com": true, "googlemail.com": true, "outlook.com": true, "hotmail.com": true, "live.com": true,
	"yahoo.com": true, "icloud.com": true, "me.com": true, "aol.com": true, "proton.me": true,
	"protonmail.com": true, "gmx.com": true, "gmx.de": true, "gmx.net": true, "web.de": true, "fastmail.com": true,
	"mail.com": true, "yandex.com": true, "zoho.com": true,
}

// commonDomain reports whether from's domain says nothing about who
// sent it: a free-mail domain, or one of the user's own.
func commonDomain(from string, user []string) bool {
	_, d, _ := strings.Cut(strings.ToLower(from), "@")
	if freeMail[d] {
		return true
	}
	return slices.ContainsFunc(user, func(u string) bool {
		_, ud, _ := strings.Cut(strings.ToLower(u), "@")
		return ud == d
	})
}

func ids(v []int64) string {
	s := make([]string, len(v))
	for i, id := range v {
		s[i] = fmt.Sprint(id)
	}
	return strings.Join(s, ", ")
}
