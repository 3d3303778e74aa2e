package templates

import (
	"fmt"
	"github.com/onward-app/onward"
	"github.com/onward-app/onward/address"
	"regexp"
	"strings"
	"testing"
)

// The words are the product, so they are tested like code: every note, in
// every scenario and with no optional data at all, is held to what a
// recruiter is glad to get and a person on a bad day is glad to read.

// words counts the words of s as a reader would: runs of letters or digits,
// so "—" and "-" bullets do not count and "don't" is one word.
func words(s string) int {
	return len(wordRE.FindAllString(s, -1))
}

var wordRE = regexp.MustCompile(`[\p{L}\p{N}][\p{L}\p{N}'’.@:/_-]*`)

// body is a recruiter draft without its greeting and sign-off: the
// paragraphs the recipient reads.
func body(text string) []string {
	paras := strings.Split(strings.TrimSpace(text), "\n\n")
	if len(paras) >= 3 {
		paras = paras[1 : len(paras)-1]
	}
	return paras
}

// re compiles case-insensitive patterns.
func re(patterns ...string) []*regexp.Regexp {
	out := make([]*regexp.Regexp, len(patterns))
	for i, p := range patterns {
		out[i] = regexp.MustCompile(`(?i)` + p)
	}
	return out
}

// wordRule is what one kind of note must and must not do.
type wordRule struct {
	minWords, maxWords int // of the text; 0 for no bound
	maxParagraphs      int // of a recruiter draft's body; 0 for no bound
	questions          [2]int
	must, mustNot      []*regexp.Regexp
	subject            []*regexp.Regexp // the subject must match each
	// check holds what depends on the data: a topic recorded must be
	// named, a person known must be greeted, and so on.
	check func(d Data, r Rendered) []string
}

// recruiterGate is what no draft to a recruiter may contain: anything left
// for the user to fill, a link or attachment to review, a request to
// reconsider, an argument, guilt or a plea.
var recruiterGate = re(
	`<no value>`, `[\[\]{}<>]`, `\b(TODO|TBD|XXX|placeholder)\b`, `\b(name|company|role|date)\s*here\b`,
	`https?://`, `www\.`, `attach`, `\blink\b`, `portfolio`, `\bcv\b`, `r[ée]sum[ée]`,
	`reconsider`, `change your mind`, `second chance`, `give me (a|another) chance`,
	`please\s+(hire|reconsider)`, `\bbeg\b`, `desperate`, `i deserve`, `unfair`, `why not me`,
	`\bsorry\b`, `just (checking|following|wanted)`, `touching base`, `circling back`, `!`,
)

// userGate is what no check-in to the user may contain.
var userGate = re(`<no value>`, `\b(TODO|TBD|XXX)\b`, `!`, `\bsooner you move on\b`)

// questionRE counts questions by their marks, outside quoted commands.
var questionRE = regexp.MustCompile(`\?`)

// timeRE finds a clock time and the zone after it, if any.
var rfc3339RE = regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:Z|[+-]\d\d:\d\d)`)

var timeRE = regexp.MustCompile(`\b\d{1,2}:\d{2}\b( (?:[A-Z]{2,5}|UTC[+-]\d{2}(?::\d{2})?)\b)?`)

var wordRules = map[onward.Kind]wordRule{
	onward.ThankYou: {
		minWords: 75, maxWords: 200, maxParagraphs: 3, questions: [2]int{0, 0},
		subject: re(`thank`),
		must:    re(`look forward`),
		mustNot: re(`\bstatus\b`, `\bupdate\b`, `\bdecision\b`, `timeline`, `amazing`, `incredible`, `fantastic`, `brilliant`,
			`\bhonou?r`, `privilege`, `humbl`, `grateful beyond`, `dream (job|company)`),
		check: func(d Data, r Rendered) (p []string) {
			if t := d.Interview.Topic(); t != "" && !strings.Contains(r.Text, t) {
				p = append(p, fmt.Sprintf("names no topic: want %q", t))
			}
			if d.Recipient != nil {
				if !strings.HasPrefix(r.Text, "Hi "+strings.Fields(d.Recipient.Name)[0]+",") {
					p = append(p, "does not greet the interviewer it goes to")
				}
				return p
			}
			if match(`(?i)our (conversation|chat|discussion|talk)|we (talked|discussed|spoke)|talking with you|meeting you`, r.Text) {
				p = append(p, "speaks of a conversation to a recruiter who was not in it")
			}
			if !match(`(?i)arranging`, r.Text) {
				p = append(p, "does not thank the recruiter for arranging the interview")
			}
			un := d.Interview.Unaddressed()
			if len(un) > 0 && !match(`(?i)pass my thanks`, r.Text) {
				p = append(p, "does not ask to pass thanks to the interviewers without an address")
			}
			for _, u := range un {
				if !strings.Contains(r.Text, u.Name) {
					p = append(p, "does not name "+u.Name)
				}
			}
			if len(un) == 0 && d.Interview != nil && len(d.Interview.With) > 0 && match(`(?i)pass my thanks`, r.Text) {
				p = append(p, "asks to pass thanks although every interviewer gets a note")
			}
			return p
		},
	},
	onward.StatusCheck: {
		minWords: 40, maxWords: 120, questions: [2]int{1, 1},
		subject: re(`interview`),
		must:    re(`still (very )?interested`),
		mustNot: re(`deadline`, `other offers?`, `another offer`, `competing`, `haven't heard`, `still waiting`, `no word`,
			`you (said|promised|mentioned)`, `\bby now\b`, `as soon as possible`, `\basap\b`, `\burgent`),
		check: func(d Data, r Rendered) (p []string) {
			b := body(r.Text)
			first := strings.SplitN(b[0], ". ", 2)[0]
			if !match(`(?i)next steps|timeline|timing`, first) {
				p = append(p, "does not say its purpose first: "+first)
			}
			if !match(`(?i)(timeline|next steps|timing)[^.?]*\?`, r.Text) {
				p = append(p, "its question is not about the timeline or next steps")
			}
			if d.App.Role != "" && !strings.Contains(r.Subject, d.App.Role) {
				p = append(p, "subject does not name the role")
			}
			if t := d.Interview.Topic(); t != "" && !match(`(?i)still[^.]*`+regexp.QuoteMeta(t), r.Text) {
				p = append(p, fmt.Sprintf("the line of interest does not name the topic %q", t))
			}
			return p
		},
	},
	onward.FeedbackRequest: {
		minWords: 40, maxWords: 120, maxParagraphs: 1, questions: [2]int{1, 1},
		must: re(`thank`, `understand and respect`, `one thing`, `don't feel obliged to reply`),
		mustNot: re(`why (not|didn't)`, `the (person|candidate) you (hired|chose)`, `successful candidate`, `chosen candidate`,
			`\bhowever\b`, `\bbut i\b`, `i believe i`, `more qualified`),
		check: func(d Data, r Rendered) (p []string) {
			if t := d.Interview.Topic(); t != "" && !strings.Contains(r.Text, t) {
				p = append(p, fmt.Sprintf("the question is not about the topic %q", t))
			}
			return p
		},
	},
	onward.StayInTouch: {
		minWords: 40, maxWords: 120, questions: [2]int{0, 0},
		must:    re(`opens up again|something similar`, `no need to reply`),
		mustNot: re(`so close`, `\bhired?\b`, `the (person|candidate) you`, `reconsider`),
		check: func(d Data, r Rendered) (p []string) {
			if t := d.Interview.Topic(); t != "" && !strings.Contains(r.Text, t) {
				p = append(p, fmt.Sprintf("no point to remember the user by: want the topic %q", t))
			}
			if d.App.Role != "" && !strings.Contains(r.Text, d.App.Role) {
				p = append(p, "does not say which role the user was in for")
			}
			if d.InterviewKnown() == nil && match(`(?i)interview`, r.Text) {
				p = append(p, "speaks of an interview that was not recorded")
			}
			return p
		},
	},
	onward.FeedbackThanks: {
		minWords: 40, maxWords: 100, questions: [2]int{0, 1},
		must:    re(`thank`, `feedback`),
		mustNot: re(`\bbut\b`, `\bhowever\b`, `actually`, `in fact`, `to be fair`, `i did`, `i had`, `disagree`, `misunderstood`, `reconsider`),
	},
	onward.Withdrawal: {
		minWords: 40, maxWords: 120, maxParagraphs: 2, questions: [2]int{0, 0},
		subject: re(`withdraw`),
		must:    re(`accepted another offer`, `thank you for your time`, `paths cross again`),
		mustNot: re(`\bbut\b`, `unfortunately`, `salary`, `better offer`, `regret`, `\bif\b.*\bchanges?\b`),
		check: func(d Data, r Rendered) (p []string) {
			if !strings.Contains(r.Text, d.App.Company) {
				p = append(p, "does not name the company")
			}
			return p
		},
	},
	onward.Decline: {
		minWords: 40, maxWords: 120, maxParagraphs: 2, questions: [2]int{0, 0},
		subject: re(`offer`),
		must:    re(`thank`, `decline`, `stay in touch`),
		mustNot: re(`\bbut\b`, `unfortunately`, `salary`, `better offer`, `counter`, `another offer`, `regret`),
		check: func(d Data, r Rendered) (p []string) {
			if !strings.Contains(r.Text, d.App.Company) {
				p = append(p, "does not name the company")
			}
			return p
		},
	},
	onward.OfferDeadline: {
		maxWords: 120, questions: [2]int{0, 0},
		must:    re(`onward accept`, `onward decline`, `more time`),
		mustNot: re(`hurry`, `don't miss`, `last chance`, `\bmust\b`),
		check: func(d Data, r Rendered) (p []string) {
			if day := d.App.OfferDeadline; !day.IsZero() && !strings.Contains(r.Subject+r.Text, day.Format("Monday 2 January")) {
				p = append(p, "does not name the deadline")
			}
			return p
		},
	},
	onward.Congratulations: {
		maxWords: 100, questions: [2]int{0, 0},
		subject: re(`congratulations`),
		must:    re(`congratulations`, `onward drafts\n`),
		mustNot: re(`finally`, `at last`, `\bluck`),
	},
	onward.OfferWithdrawnNote: {
		maxWords: 100, questions: [2]int{0, 0},
		must:    re(`not about you`, `no hurry`),
		mustNot: re(`your fault`, `should have`, `their loss`, `silver lining`, `bright side`, `everything happens`, `sooner`),
	},
	onward.Learn: {
		maxWords: 120, questions: [2]int{0, 3},
		must:    re(`disappointing`, `common`, `often`, `outside your control`),
		mustNot: re(`your fault`, `you failed`, `should have`, `their loss`, `they were wrong`, `silver lining`, `bright side`, `everything happens`, `cheer up`),
		subject: re(`^[^?]*$`),
		check: func(d Data, r Rendered) (p []string) {
			if match(`(?i)what did you learn|homework|task|reflect|to-?do`, r.Subject) {
				p = append(p, "subject reads like homework: "+r.Subject)
			}
			prompts := countLines(r.Text, "- ")
			if prompts > 3 {
				p = append(p, fmt.Sprintf("%d prompts; at most 3", prompts))
			}
			if len(d.Lessons) > 0 {
				if prompts > 0 || strings.Contains(r.Text, "onward log") {
					p = append(p, "asks again for lessons already logged")
				}
				if !match(`(?i)thank you for the \d+ lessons?`, r.Text) {
					p = append(p, "does not thank for the lessons logged")
				}
				return p
			}
			if !match(`(?i)skip`, r.Text) {
				p = append(p, "does not say skipping is fine")
			}
			if d.CVStage() {
				if !match(`\bCV\b`, r.Text) || !match(`(?i)fit`, r.Text) {
					p = append(p, "CV-stage prompts do not ask about the CV and the fit")
				}
				if match(`(?i)answer|interview`, r.Text) {
					p = append(p, "asks about interviews after a no at the CV stage")
				}
			} else if !match(`(?i)answer`, r.Text) {
				p = append(p, "prompts after interviews do not ask about answers")
			}
			return p
		},
	},
	onward.LetGo: {
		maxWords: 120, questions: [2]int{0, 0},
		must:    re(`no hurry`),
		mustNot: re(`sooner`, `move on quickly`, `as soon as`, `rejected you`, `said no on`, `turned you down`),
		check: func(d Data, r Rendered) (p []string) {
			for _, l := range d.Lessons {
				if n := strings.Count(r.Text, l.Text); n != 1 {
					p = append(p, fmt.Sprintf("lesson %q appears %d times; want once", l.Text, n))
				}
			}
			if len(d.Lessons) == 0 && !match(`(?i)that's fine`, r.Text) {
				p = append(p, "no kind word when nothing was logged")
			}
			if len(d.Lessons) > 0 && !match(`(?i)one step for the next interview: [^.]*first of these`, r.Text) {
				p = append(p, "no lesson turned into one step for the next interview")
			}
			if !d.StayInTouchAt.IsZero() {
				if !strings.Contains(r.Text, d.StayInTouchAt.Format("Monday 2 January")) || !match(`(?i)nothing to watch`, r.Text) {
					p = append(p, "does not say the stay-in-touch note is planned, with its date")
				}
			} else if match(`(?i)stay-in-touch`, r.Text) {
				p = append(p, "speaks of a stay-in-touch note that is not planned")
			}
			if d.Feedback != nil && d.Feedback.Text != "" && !strings.Contains(r.Text, `"`+d.Feedback.Text+`"`) {
				p = append(p, "does not quote the feedback")
			}
			return p
		},
	},
	onward.Prep: {
		maxWords: 150,
		mustNot:  re(`\bsoon\b`),
		check: func(d Data, r Rendered) (p []string) {
			if n := strings.Count(r.Text, "One thing to do"); n != 1 {
				p = append(p, fmt.Sprintf("%d actions; want one", n))
			}
			iv := d.InterviewKnown()
			if iv == nil {
				return p
			}
			if !strings.Contains(r.Text, iv.At.Format("Monday 2 January")) || !strings.Contains(r.Text, iv.At.Format("15:04")+" "+zoneName(iv.At)) {
				p = append(p, "does not say when, with the zone")
			}
			if !iv.RecruiterAt.IsZero() && !strings.Contains(r.Text, iv.RecruiterAt.Format("15:04")+" "+zoneName(iv.RecruiterAt)) {
				p = append(p, "does not give the time on the recruiter's clock")
			}
			for _, w := range iv.With {
				if !strings.Contains(r.Text, w.Name) {
					p = append(p, "does not say it is with "+w.Name)
				}
			}
			for _, s := range []string{iv.Kind, iv.Where} {
				if s != "" && !strings.Contains(r.Text, s) {
					p = append(p, "does not say "+s)
				}
			}
			for _, l := range d.Lessons {
				if strings.Count(r.Text, l.Text) != 1 {
					p = append(p, "does not list the lesson "+l.Text)
				}
			}
			if d.Feedback != nil && d.Feedback.Text != "" && !strings.Contains(r.Text, d.Feedback.Text) {
				p = append(p, "does not quote the feedback")
			}
			return p
		},
	},
	onward.Digest: {
		mustNot: re(`\bexpired\b`, `\b0 (applications?|interviews?|offers?|rejections?)\b`, `\bstate\b`, `\bscheduled\b`, `\bdrafted\b`),
		check: func(d Data, r Rendered) (p []string) {
			dg := d.Digest
			for _, part := range []string{r.Text, r.HTML} {
				if n := strings.Count(part, "send it:"); n != len(dg.DraftsWaiting) {
					p = append(p, fmt.Sprintf("%d drafts to send, want %d", n, len(dg.DraftsWaiting)))
				}
			}
			if n := len(dg.DraftsWaiting); n > 0 && !strings.Contains(r.Subject, fmt.Sprintf("%d draft", n)) {
				p = append(p, "the subject's count of drafts disagrees with the list")
			}
			if len(dg.DraftsWaiting) > 0 && strings.Index(r.Text, "send it:") > strings.Index(r.Text, "Pipeline") {
				p = append(p, "what needs action does not come first")
			}
			for _, m := range dg.DraftsWaiting {
				if !m.Until.IsZero() && !strings.Contains(r.Text, "still timely until "+m.Until.Format("Monday 2 January, 15:04")) {
					p = append(p, "does not say until when a draft is timely")
				}
			}
			for _, m := range dg.Failed {
				if m.State == "expired" && m.Kind == onward.ThankYou && !strings.Contains(r.Text, "a thank-you this late would do more harm than good") {
					p = append(p, "does not say in plain words why a thank-you was not sent")
				}
			}
			for _, sc := range dg.Stages {
				if len(sc.Companies) != sc.Count {
					p = append(p, "stage counts disagree with their companies (the data is wrong)")
				}
			}
			if d.Digest.Patterns != nil && d.Digest.Patterns.Enough && !strings.Contains(r.Text, "this week: ") {
				p = append(p, "patterns left out")
			}
			return p
		},
	},
	onward.DraftReady: {
		check: func(d Data, r Rendered) (p []string) {
			who := d.App.Recruiter.Name
			if d.Recipient != nil {
				who = d.Recipient.Name
			}
			if who != "" && !strings.Contains(r.Text, who) {
				p = append(p, "does not say who the draft is for")
			}
			if !strings.Contains(r.Text, d.Draft.Kind.Label()) {
				p = append(p, "does not say what the draft is")
			}
			if !d.Draft.Until.IsZero() && !strings.Contains(r.Text, "still timely until "+d.Draft.Until.Format("Monday 2 January, 15:04")) {
				p = append(p, "does not say until when it is timely")
			}
			if !strings.Contains(r.Text, d.Draft.Mailto) {
				p = append(p, "does not offer the mail app")
			}
			if c := d.Draft.SendCommand; c != "" && !strings.Contains(r.Text, c) {
				p = append(p, "does not offer the send command")
			}
			if d.Draft.SendCommand == "" && strings.Contains(r.Text+r.HTML, "drafts send") {
				p = append(p, "offers a send command this setup cannot run")
			}
			if d.Draft.To == "" && strings.Contains(r.Text, "ready for you to review") {
				p = append(p, "offers a draft with no address as ready")
			}
			if d.Draft.To == "" && !strings.Contains(r.Text, "onward edit") {
				p = append(p, "does not say how to add the missing address")
			}
			if !match(`Nothing goes to .* until you send it`, r.Text) {
				p = append(p, "does not say nothing goes out until the user sends it")
			}
			return p
		},
	},
	onward.RejectionNotice: {
		must: re(`reads like a no`),
	},
	onward.InvitationNotice: {
		check: func(d Data, r Rendered) (p []string) {
			iv := d.Invitation
			if iv == nil {
				return p
			}
			if iv.Change != "cancelled" && !iv.Recorded && !strings.Contains(r.Text, "onward interview") {
				p = append(p, "does not give the command that records it")
			}
			if iv.Change != "cancelled" && !match(`\d\d:\d\d [A-Z+-]`, r.Text) {
				p = append(p, "gives a time without its zone")
			}
			return p
		},
	},
	onward.FeedbackReceived: {
		maxWords: 120,
		check: func(d Data, r Rendered) (p []string) {
			f := d.Feedback
			if f == nil {
				return p
			}
			if f.Declined {
				if !match(`(?i)normal`, r.Text) || !match(`(?i)nothing more is owed`, r.Text) {
					p = append(p, "does not say a refusal is normal and nothing is owed")
				}
				if strings.Contains(r.Text, "onward log") {
					p = append(p, "prompts for a lesson from feedback that was not given")
				}
				return p
			}
			if !strings.Contains(r.Text, `"`+f.Text+`"`) {
				p = append(p, "does not quote the feedback")
			}
			if !match(`(?i)one view`, r.Text) || !match(`(?i)not a verdict`, r.Text) {
				p = append(p, "does not say it is one view, not a verdict")
			}
			if n := strings.Count(r.Text, "onward log"); n != 1 {
				p = append(p, fmt.Sprintf("%d prompts to log; want one", n))
			}
			return p
		},
	},
	// The follow-up after silence asks once, warmly, and leaves the wait
	// unmentioned: no guilt, no deadline, no hint of other offers.
	onward.ApplicationFollowUp: {
		minWords: 40, maxWords: 120, maxParagraphs: 2, questions: [2]int{1, 1},
		subject: re(`application`),
		must:    re(`still (very )?interested`, `where it stands|next steps`),
		mustNot: re(`deadline`, `other offers?`, `another offer`, `competing`, `haven't heard`, `still waiting`, `no word`, `no reply`,
			`weeks? ago`, `\bby now\b`, `as soon as possible`, `\basap\b`, `\burgent`, `follow(ing)? up`, `reminder`, `\bagain\b`),
		check: func(d Data, r Rendered) (p []string) {
			first := strings.SplitN(body(r.Text)[0], ". ", 2)[0]
			if !match(`(?i)application`, first) {
				p = append(p, "does not say first that it is about the application: "+first)
			}
			if d.App.Role != "" && !strings.Contains(r.Subject, d.App.Role) {
				p = append(p, "subject does not name the role")
			}
			return p
		},
	},
	// The check-in after silence: no verdict, the draft or how to get one,
	// and one command to let it go.
	onward.NoReply: {
		maxWords: 140,
		must:     re(`no word from`, `common`, `onward close`),
		mustNot:  re(`ghost`, `\bignor`, `rude`, `your fault`, `\bfailed?\b`, `hurry`, `\burgent`),
		check: func(d Data, r Rendered) (p []string) {
			e := d.App.Recruiter.Email
			draft := strings.Contains(r.Text, "as a draft")
			switch {
			case e != "" && !automated(e) && !draft:
				p = append(p, "does not point to the follow-up draft")
			case (e == "" || automated(e)) && draft:
				p = append(p, "points to a draft that was never planned")
			case e == "" && !strings.Contains(r.Text, "--recruiter"):
				p = append(p, "does not say how to record someone to write to")
			}
			return p
		},
	},
}

func automated(email string) bool { return address.Automated(email) }

func match(pattern, s string) bool { return regexp.MustCompile(pattern).MatchString(s) }

func countLines(s, prefix string) int {
	n := 0
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, prefix) {
			n++
		}
	}
	return n
}

func isRecruiterKind(kind onward.Kind) bool {
	for _, k := range recruiterKinds {
		if k == kind {
			return true
		}
	}
	return false
}

// judge returns what is wrong with r as a note of kind written from d.
// noData relaxes the length floors: with nothing recorded a note must
// still be clean, but it cannot be as specific.
func judge(kind onward.Kind, d Data, r Rendered, noData bool) []string {
	var p []string
	rule, ok := wordRules[kind]
	if !ok {
		return []string{"no word rule for " + string(kind)}
	}
	n := words(r.Text)
	if rule.minWords > 0 && n < rule.minWords && !noData {
		p = append(p, fmt.Sprintf("%d words; want at least %d", n, rule.minWords))
	}
	if rule.maxWords > 0 && n > rule.maxWords {
		p = append(p, fmt.Sprintf("%d words; want at most %d", n, rule.maxWords))
	}
	if isRecruiterKind(kind) {
		b := body(r.Text)
		if rule.maxParagraphs > 0 && len(b) > rule.maxParagraphs {
			p = append(p, fmt.Sprintf("%d paragraphs; want at most %d", len(b), rule.maxParagraphs))
		}
		for _, g := range recruiterGate {
			if m := g.FindString(r.Subject + "\n" + r.Text); m != "" {
				p = append(p, fmt.Sprintf("gate: contains %q", m))
			}
		}
		if d.User.Name != "" && !strings.HasSuffix(r.Text, "\n"+d.User.Name+"\n") {
			p = append(p, "not signed with the user's name")
		}
		if first := strings.Fields(d.App.Recruiter.Name); d.Recipient == nil && len(first) > 0 && !strings.HasPrefix(r.Text, "Hi "+first[0]+",") {
			p = append(p, "does not greet the recruiter by name")
		}
		if d.App.Role != "" && !strings.Contains(r.Subject+r.Text, d.App.Role) {
			p = append(p, "does not name the role")
		}
		if !strings.Contains(r.Subject+r.Text, d.App.Company) && !strings.Contains(r.Text, "Hello,") {
			p = append(p, "does not name the company")
		}
	} else {
		for _, g := range userGate {
			if m := g.FindString(r.Subject + "\n" + r.Text); m != "" {
				p = append(p, fmt.Sprintf("gate: contains %q", m))
			}
		}
	}
	// A time without its zone means nothing across zones. An RFC 3339
	// stamp (a command's --at) carries its offset.
	for _, m := range timeRE.FindAllStringSubmatch(rfc3339RE.ReplaceAllString(r.Subject+"\n"+r.Text, "STAMP"), -1) {
		if m[1] == "" {
			p = append(p, fmt.Sprintf("the time %q has no zone", m[0]))
		}
	}
	// No optional field may leave a hole or a stray mark.
	if hole := sentenceHole.FindString(r.Text); hole != "" {
		p = append(p, fmt.Sprintf("a hole in a sentence: %q", hole))
	}
	q := len(questionRE.FindAllString(r.Text, -1))
	if (rule.questions != [2]int{}) || isRecruiterKind(kind) {
		if q < rule.questions[0] || q > rule.questions[1] {
			p = append(p, fmt.Sprintf("%d questions; want %d to %d", q, rule.questions[0], rule.questions[1]))
		}
	}
	text := r.Text
	for _, m := range rule.must {
		if !m.MatchString(text) {
			p = append(p, "lacks "+m.String())
		}
	}
	for _, m := range rule.mustNot {
		if s := m.FindString(r.Subject + "\n" + text); s != "" {
			p = append(p, fmt.Sprintf("contains %q", s))
		}
	}
	for _, m := range rule.subject {
		if !m.MatchString(r.Subject) {
			p = append(p, "subject lacks "+m.String())
		}
	}
	if rule.check != nil {
		p = append(p, rule.check(d, r)...)
	}
	return p
}

// fillDraft puts the rendered recruiter draft into a draft_ready's Draft,
// as the dispatcher does.
func fillDraft(t *testing.T, s *Set, d Data) Data {
	t.Helper()
	if d.Draft == nil || d.Draft.Text != "" {
		return d
	}
	inner := d
	inner.Draft = nil
	r := render(t, s, d.Draft.Kind, inner)
	dr := *d.Draft
	dr.Subject, dr.Text = r.Subject, r.Text
	addr := strings.TrimSuffix(dr.To[strings.Index(dr.To, "<")+1:], ">")
	dr.Mailto = mailto(addr, r.Subject, r.Text)
	d.Draft = &dr
	return d
}

// TestWords holds every note to the criteria of its kind, in every
// scenario and with no optional data at all.
func TestWords(t *testing.T) {
	s := mustLoad(t, "")
	for _, sc := range Scenarios() {
		t.Run(sc.Name, func(t *testing.T) {
			d := fillDraft(t, s, sc.Data)
			r := render(t, s, sc.Kind, d)
			for _, problem := range judge(sc.Kind, d, r, false) {
				t.Errorf("%s", problem)
			}
			if t.Failed() {
				t.Logf("Subject: %s\n%s", r.Subject, r.Text)
			}
		})
	}
	for _, kind := range onward.Kinds() {
		t.Run("no-data/"+string(kind), func(t *testing.T) {
			d := sparse(Sample(kind))
			r := render(t, s, kind, d)
			for _, problem := range judge(kind, d, r, true) {
				t.Errorf("%s", problem)
			}
			if t.Failed() {
				t.Logf("Subject: %s\n%s", r.Subject, r.Text)
			}
		})
	}
}

// TestNotesWithOnlyTheInterviewDate covers an interview recorded with no
// details (App.Interview alone): the notes about it still name its date,
// and claim nothing else.
func TestNotesWithOnlyTheInterviewDate(t *testing.T) {
	s := mustLoad(t, "")
	for _, kind := range []onward.Kind{onward.ThankYou, onward.StatusCheck, onward.Prep, onward.StayInTouch} {
		t.Run(string(kind), func(t *testing.T) {
			d := Sample(kind)
			d.Interview = nil
			r := render(t, s, kind, d)
			for _, problem := range judge(kind, d, r, true) {
				t.Errorf("%s", problem)
			}
			day := d.App.Interview.Format("Monday 2 January")
			switch kind {
			case onward.StayInTouch:
				day = "interviewed for the Platform Engineer role in March"
			}
			if !strings.Contains(r.Subject+r.Text, day) {
				t.Errorf("does not name the interview (%q):\n%s\n%s", day, r.Subject, r.Text)
			}
			for _, absent := range []string{"Tom Baker", "panel", "caching"} {
				if strings.Contains(r.Text, absent) {
					t.Errorf("states %q, which was not recorded:\n%s", absent, r.Text)
				}
			}
		})
	}
}

// TestScenariosCoverEveryKind keeps the scenarios honest: every kind is
// judged in at least one situation with data.
func TestScenariosCoverEveryKind(t *testing.T) {
	seen := map[onward.Kind]bool{}
	for _, sc := range Scenarios() {
		seen[sc.Kind] = true
		if sc.Data.Now.IsZero() {
			t.Errorf("%s: no Now", sc.Name)
		}
	}
	for _, k := range onward.Kinds() {
		if !seen[k] {
			t.Errorf("no scenario renders %s", k)
		}
	}
}

// TestJudgeCatches shows that each kind of check can fail: notes with one
// known fault each must be caught, for the reason given.
func TestJudgeCatches(t *testing.T) {
	byName := map[string]Scenario{}
	for _, sc := range Scenarios() {
		byName[sc.Name] = sc
	}
	s := mustLoad(t, "")
	for _, tc := range []struct {
		scenario string
		edit     func(string) string
		want     string
	}{
		{"two-interviewers/thank_you-recruiter", func(s string) string { return strings.Replace(s, "the caching layer", "the work", 1) }, "names no topic"},
		{"two-interviewers/thank_you-recruiter", func(s string) string { return strings.Replace(s, "I enjoyed", "I enjoyed our conversation and", 1) }, "was not in it"},
		{"two-interviewers/thank_you-recruiter", func(s string) string { return strings.Replace(s, "pass my thanks on", "say hello", 1) }, "pass thanks"},
		{"two-interviewers/thank_you-recruiter", func(s string) string { return strings.Replace(s, "Best regards", "[Your name]\nBest regards", 1) }, "gate"},
		{"two-interviewers/thank_you-recruiter", func(s string) string {
			return strings.Replace(s, "Best regards", "My portfolio: https://example.com\n\nBest regards", 1)
		}, "gate"},
		{"two-interviewers/thank_you-recruiter", func(s string) string {
			return strings.Replace(s, "I look forward", "Is there any update? I look forward", 1)
		}, "questions"},
		{"two-interviewers/thank_you-interviewer", func(s string) string {
			return strings.Replace(s, "I especially enjoyed", "It was an honour. I especially enjoyed", 1)
		}, "honou"},
		{"two-interviewers/thank_you-interviewer", func(s string) string {
			return s[:strings.Index(s, "\n\n")] + "\n\nThanks.\n\nBest regards,\nAlex Morgan\n"
		}, "words; want at least"},
		{"two-interviewers/status_check", func(s string) string { return strings.Replace(s, "?", "? Would Friday suit you?", 1) }, "2 questions"},
		{"two-interviewers/status_check", func(s string) string {
			return strings.Replace(s, "Hi Maria,\n\n", "Hi Maria,\n\nJust checking in. ", 1)
		}, "just"},
		{"two-interviewers/status_check", func(s string) string { return strings.Replace(s, "still very interested", "interested", 1) }, "still"},
		{"three-rounds/feedback_request", func(s string) string {
			return strings.Replace(s, "Best regards", "Please reconsider.\n\nBest regards", 1)
		}, "reconsider"},
		{"three-rounds/feedback_request", func(s string) string { return strings.Replace(s, "respect it. ", "respect it.\n\n", 1) }, "paragraphs"},
		{"three-rounds/feedback_thanks", func(s string) string {
			return strings.Replace(s, "It is useful", "However, I did lead incidents. It is useful", 1)
		}, "however"},
		{"three-rounds/stay_in_touch", func(s string) string {
			return strings.Replace(s, "There's no need to reply to this.", "We were so close.", 1)
		}, "so close"},
		{"cv-stage/learn", func(s string) string {
			return strings.Replace(s, "- Was", "- Which interview answer would you change?\n- Was", 1)
		}, "CV stage"},
		{"cv-stage/learn", func(s string) string { return strings.Replace(s, "outside your control", "up to you", 1) }, "outside your control"},
		{"three-rounds/learn", func(s string) string { return s + "- what did you learn?\n" }, "asks again"},
		{"three-rounds/let_go", func(s string) string {
			return strings.Replace(s, "- Bring one number to every project story.\n", "- Bring one number to every project story.\n- Bring one number to every project story.\n", 1)
		}, "appears 2 times"},
		{"three-rounds/let_go", func(s string) string { return strings.Replace(s, "Thursday 16 April", "later", 1) }, "stay-in-touch"},
		{"three-rounds/let_go", func(s string) string { return strings.Replace(s, "no hurry", "the sooner you move on, the better", 1) }, "sooner"},
		{"decision-date/prep", func(s string) string { return strings.Replace(s, "16:00 CET", "16:00", 1) }, "has no zone"},
		{"decision-date/prep", func(s string) string { return strings.Replace(s, " (10:00 CDT for Sam)", "", 1) }, "recruiter's clock"},
		{"decision-date/prep", func(s string) string {
			return strings.Replace(s, "Good luck.", "See you soon. One thing to do: rest.", 1)
		}, "soon"},
		{"week/digest", func(s string) string {
			return strings.Replace(s, "a thank-you this late would do more harm than good", "expired", 1)
		}, "plain words"},
		{"week/digest", func(s string) string {
			return strings.Replace(s, "1 interview, 1 rejection", "1 interview, 0 offers, 1 rejection", 1)
		}, "0 offers"},
		{"decision-date/draft_ready", func(s string) string { return strings.Replace(s, "It is still timely until", "Send it by", 1) }, "timely"},
		{"three-rounds/feedback_received", func(s string) string { return strings.Replace(s, "not a verdict", "the truth", 1) }, "verdict"},
	} {
		t.Run(tc.scenario+"/"+tc.want, func(t *testing.T) {
			sc, ok := byName[tc.scenario]
			if !ok {
				t.Fatalf("no scenario %q", tc.scenario)
			}
			d := fillDraft(t, s, sc.Data)
			r := render(t, s, sc.Kind, d)
			if p := judge(sc.Kind, d, r, false); len(p) > 0 {
				t.Fatalf("the note is faulty before the edit: %v", p)
			}
			bad := r
			bad.Text = tc.edit(r.Text)
			if bad.Text == r.Text {
				t.Fatalf("the edit changed nothing; the note no longer has what it edits:\n%s", r.Text)
			}
			found := false
			for _, problem := range judge(sc.Kind, d, bad, false) {
				if strings.Contains(strings.ToLower(problem), strings.ToLower(tc.want)) {
					found = true
				}
			}
			if !found {
				t.Errorf("judge missed %q in:\n%s\n(found: %v)", tc.want, bad.Text, judge(sc.Kind, d, bad, false))
			}
		})
	}
}

// TestWordCount pins the counter the lengths rely on.
func TestWordCount(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
	}{
		{"", 0},
		{"Hi Dana,\n\nThank you — really.", 5},
		{"- don't count the dash", 4},
		{"onward log \"Acme\" \"what I learned\"", 6},
		{"at 17:00 CET", 3},
	} {
		if got := words(tc.in); got != tc.want {
			t.Errorf("words(%q) = %d, want %d", tc.in, got, tc.want)
		}
	}
}
