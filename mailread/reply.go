package mailread

import (
	"net/mail"
	"regexp"
	"strings"
)

// IsAutoReply reports whether a header marks an automatic message, which
// never counts as a person's reply:
//
//   - Auto-Submitted with any value but "no" (RFC 3834);
//   - X-Autoreply or X-Autorespond present, as set by many vacation
//     responders;
//   - Precedence (or X-Precedence) auto_reply, bulk or junk;
//   - a multipart/report body: a delivery or read receipt;
//   - a subject that starts like an out-of-office: "Out of Office",
//     "Automatic reply", "Auto-Reply", "Autoreply", "Auto Response" (and
//     the German and French forms Outlook uses).
func IsAutoReply(h mail.Header) bool {
	if v := headerWord(h.Get("Auto-Submitted")); v != "" && v != "no" {
		return true
	}
	if len(h["X-Autoreply"]) > 0 || len(h["X-Autorespond"]) > 0 {
		return true
	}
	for _, k := range []string{"Precedence", "X-Precedence"} {
		switch headerWord(h.Get(k)) {
		case "auto_reply", "bulk", "junk":
			return true
		}
	}
	if headerWord(h.Get("Content-Type")) == "multipart/report" {
		return true
	}
	return autoSubjectRE.MatchString(decodeHeader(h.Get("Subject")))
}

var autoSubjectRE = regexp.MustCompile(`(?i)^\s*(out of (the )?office|automatic reply|auto[- ]?reply|auto[- ]?response|autosvar|automatische antwort|abwesenheitsnotiz|r[ée]ponse automatique)\b`)

// headerWord is the first word of a structured header value, lower case,
// without its parameters or comments.
func headerWord(v string) string {
	v, _, _ = strings.Cut(v, ";")
	v, _, _ = strings.Cut(v, "(")
	return strings.ToLower(strings.TrimSpace(v))
}

// The rejection phrases. Each is a pattern over the normalised text (lower
// case, one space for any run of white space, straight apostrophes). They
// are narrow on purpose: "moving forward" and "unfortunately" alone appear
// in good news too, so each pattern needs its object (other candidates,
// your application, the position) and, where it says no, the negation.
//
//	move forward with other candidates   also: go ahead / proceed / continue with
//	                                     another, a different or a more
//	                                     experienced candidate; with candidates
//	                                     whose experience more closely matches
//	not moving forward with your         also: not proceeding / progressing /
//	application                          going ahead with your application,
//	                                     candidacy or profile, or with you;
//	                                     not to progress your application
//	won't be moving forward              at the end of a sentence, or "at this time"
//	not moving you forward               also: not progressing or advancing you
//	position has been filled             also: the role / job / vacancy / opening;
//	                                     we have filled the position
//	position is no longer available      also: no longer open; has been
//	                                     cancelled or closed
//	offer to another candidate           also: extended an offer to / accepted an
//	                                     offer from another candidate
//	application was unsuccessful         also: you were not successful / have been
//	                                     unsuccessful
//	not been selected                    you or your application were not
//	                                     selected, chosen or shortlisted
//	no longer under consideration        you or your application; no longer
//	                                     considering you
//	decided to go in a different         also: a different direction
//	direction
//	will not be offering you a position  also: the role, the job, an offer
var rejectionRules = []*regexp.Regexp{
	re(`\b(move|moving|go|going|proceed|proceeding|continue|continuing|pursue|pursuing) (forward |ahead |on |further )?with (an?other|other|a different|different|the other|(a |the )?(more|most|stronger|better)( \w+)?|(an? )?(equally )?(qualified|experienced|suitable|senior|internal)) (candidates?|applicants?|profiles?|people|person)\b`),
	re(`\b(move|moving|go|going|proceed|proceeding|continue|continuing) (forward |ahead )?with (other )?(candidates|applicants) (who|whose|that)\b`),
	re(neg + `( to)?( be)? (proceed|proceeding|progress|progressing|continue|continuing|pursue|pursuing)( further)?( with)? ` + yourApplication),
	re(neg + `( to)?( be)? (move|moving|go|going|advance|advancing) (forward|ahead|further)( further)?( with)? ` + yourApplication),
	re(neg + ` (be )?(moving|going|proceeding) (forward|ahead)( any further)?( at this (time|point|stage)| on this occasion)?\s*[.!;]`),
	re(neg + ` (be )?(moving|move|progressing|progress|advancing|advance|taking|take) you (forward|further|on|to the next)\b`),
	re(`\b(position|role|job|vacancy|opening|requisition|post) (has|had|have) (now |since |already |unfortunately )*been filled\b`),
	re(`\bwe('ve| have) (now |already )?filled (the|this|that) (position|role|job|vacancy|opening)\b`),
	re(`\b(position|role|job|vacancy|opening|requisition) (is|was|(has|have|had) (now |since |unfortunately |already )*been) (now |unfortunately |since )*(no longer (available|open)|cancell?ed|closed)\b`),
	re(`\b(offer(ed)?|extended an offer|made an offer|accepted an offer)( (for )?(the|this) (position|role|job))? (to|from) (another|a different|an external|an internal) (candidate|applicant|person)\b`),
	re(`\b(application|candidacy|candidature) (was|has been|is|were|have been) (not successful|unsuccessful)\b`),
	re(`\byou (were|have been|are|had been) (not successful|unsuccessful)\b`),
	re(`\b(you|your (application|candidacy|profile))( were| was| have| has|'ve)?( not|n't) (been )?(selected|chosen|shortlisted)\b`),
	re(`\b(you|your (application|candidacy|profile)) (is |are )?no longer (being )?(under consideration|considered|in consideration)\b`),
	re(`\bno longer (be )?considering (you|your (application|candidacy))\b`),
	re(`\bdecided to (go|move|head) (in )?a different direction\b`),
	re(neg + ` (be )?(offering|offer|extending|extend|able to offer) you (a|an|the) (position|role|job|offer)\b`),
}

const (
	// neg is a negation; "n't" has no word boundary before it (won't).
	neg             = `(\bnot|n't|\bunable to|\bdecided not to)`
	yourApplication = `(you|your (application|candidacy|candidature|profile|cv|resume))\b`
)

func re(s string) *regexp.Regexp { return regexp.MustCompile(s) }

// negatedBefore catches "decided not to move forward with other
// candidates", which is good news.
var negatedBefore = regexp.MustCompile(`\b(not|n't|never)( to| be)?\s*$`)

// Rejection is how a reply reads: a clear no, a no that may not be one,
// or not a no at all.
type Rejection int

const (
	// NotANo: no rejection phrase, or one that the words around it turn
	// into something else (an invitation right beside it, a glitch, a
	// request to resubmit, a condition).
	NotANo Rejection = iota
	// MaybeNo: a rejection phrase in a mail that also invites, or asks
	// something. The user is asked; nothing is recorded on its own.
	MaybeNo
	// ClearNo: a rejection phrase and nothing that pulls the other way.
	// Only this may be recorded without asking (auto_reject).
	ClearNo
)

func (r Rejection) String() string {
	switch r {
	case ClearNo:
		return "clear no"
	case MaybeNo:
		return "maybe a no"
	}
	return "not a no"
}

// ClassifyRejection reads text, the new text of a reply (NewText, not the
// quote of an earlier message), and says whether it is a no. It errs on
// the side of asking: a rejection phrase (rejectionRules) is a ClearNo
// only when nothing in the mail pulls the other way.
//
//   - NotANo when the words beside the phrase turn it around: "the
//     junior position has been filled, and we would love to talk to you
//     about the senior one" (an invitation in the same or the next
//     sentence), "unsuccessful in the ATS due to a glitch, please
//     resubmit" (a mistake, a resubmission), "not ... until we have your
//     references" (a condition).
//   - MaybeNo when the mail also invites the reader elsewhere, or asks a
//     question (other than about feedback, which polite rejections
//     offer).
//   - ClearNo otherwise. The courtesies of a real no ("we'll keep your CV
//     on file", "feel free to apply for future roles", "happy to share
//     feedback", "best of luck") do not count as invitations.
//
// phrase is the rejection phrase, as normalised; why says what decided,
// for the log and the user's notice.
func ClassifyRejection(text string) (class Rejection, phrase, why string) {
	t := normalise(text)
	phrase, at, end, ok := rejectionPhrase(t)
	if !ok {
		return NotANo, "", "no rejection phrase"
	}
	if w := mistakeRE.FindString(t); w != "" {
		return NotANo, phrase, "it speaks of a mistake or a resubmission (\"" + w + "\")"
	}
	ss := sentences(t)
	for i, s := range ss {
		if s.end <= at || s.start > end {
			continue
		}
		// The sentence of the phrase and the one after it.
		for _, near := range ss[i:min(i+2, len(ss))] {
			if w := invitation(near.text); w != "" {
				return NotANo, phrase, "an invitation beside it (\"" + w + "\")"
			}
		}
		break
	}
	for _, s := range ss {
		if w := invitation(s.text); w != "" {
			return MaybeNo, phrase, "the mail also invites (\"" + w + "\")"
		}
	}
	for _, s := range ss {
		if s.question && !courtesyRE.MatchString(s.text) && !strings.Contains(s.text, "question") {
			return MaybeNo, phrase, "the mail also asks something (\"" + strings.TrimSpace(s.text) + "\")"
		}
	}
	return ClearNo, phrase, "a rejection phrase and nothing against it"
}

// LooksLikeRejection reports whether text reads as a rejection, clear or
// not (ClassifyRejection is not NotANo), and returns the words that
// matched, as normalised. The phrases are listed at rejectionRules; they
// are English only.
func LooksLikeRejection(text string) (phrase string, ok bool) {
	class, phrase, _ := ClassifyRejection(text)
	return phrase, class != NotANo
}

// rejectionPhrase finds the first rejection phrase in the normalised t
// that is not negated or made conditional, and where it is.
func rejectionPhrase(t string) (phrase string, start, end int, ok bool) {
	for i, rule := range rejectionRules {
		for _, loc := range rule.FindAllStringIndex(t, -1) {
			// The first two rules say yes to someone else; a negation just
			// before them turns them into a yes to the reader.
			if i < 2 && negatedBefore.MatchString(t[max(0, loc[0]-16):loc[0]]) {
				continue
			}
			// "We can't move forward until we have your references" and
			// "not able to offer the senior role, but we'd love to offer
			// you the mid-level one" are not a no.
			if conditional.MatchString(sentenceAfter(t, loc[1])) {
				continue
			}
			return strings.TrimRight(t[loc[0]:loc[1]], " .!;"), loc[0], loc[1], true
		}
	}
	return "", 0, 0, false
}

// mistakeRE finds a no that was not meant: a glitch, an error, a request
// to send the application again.
var mistakeRE = regexp.MustCompile(`\b(glitch|technical (issue|error|problem|fault|hiccup)s?|system (error|issue|glitch|problem)|` +
	`in error|by mistake|by accident|mistakenly|erroneous(ly)?|accidentally|` +
	`(please )?(disregard|ignore) (the|that|this|our|my) (previous|last|earlier|automated|prior)|` +
	`re-?submit(ted|ting)?|submit (it|your application|your cv|your resume|your details) again|sent (out )?too early)\b`)

// inviteRE finds an invitation to go on: to talk, to meet, to be
// considered for something else, or a question whether the reader is
// interested or available.
var inviteRE = regexp.MustCompile(`\b((love|like|happy|glad|keen|delighted|want|wanted|hoping|hope|eager) to (talk|chat|speak|meet|discuss|set up|schedule|arrange|book|invite|introduce|consider|interview|connect you|put you forward|move you|tell you (more )?about|share more about|explore)|` +
	`(would|could|are|were|might) you (also )?(be )?(interested|open|available|free|up for|keen)|` +
	`if you('re| are) (still )?(interested|open|keen|available)|` +
	`(consider|considering|put|putting|move|moving) you (forward )?(for|to) (the|a|an|our|another|this|that)|` +
	`(is|are) (still|now) open|calendar (invite|invitation|link)|calendly|book a (time|slot|call)|` +
	`(a|the|another|an alternative|a different|a similar|a more senior|a more junior|the senior|the junior|a senior|a junior|the lead) (role|position|opening|vacancy|one|opportunity) (that|which) (might|may|could|would) (suit|fit|be a (better|good|great) (fit|match)))`)

// courtesyRE finds the politeness a real no carries, which is no
// invitation: feedback, future roles, a CV kept on file, good wishes.
var courtesyRE = regexp.MustCompile(`\b(feedback|future|in mind|on file|on record|talent (pool|community|network)|careers? (page|site|portal)|job board|` +
	`keep an eye|stay in touch|keep in touch|stay connected|wish you|best of luck|good luck|your (job )?search|other opportunities (with|at) us)\b`)

// invitation returns the inviting words of one sentence, or "" when there
// are none or the sentence is a courtesy.
func invitation(s string) string {
	if courtesyRE.MatchString(s) {
		return ""
	}
	return inviteRE.FindString(s)
}

// sentence is one sentence of a normalised text: where it is, and whether
// it ends with a question mark.
type sentence struct {
	text       string
	start, end int
	question   bool
}

// sentences splits a normalised text at . ! ? and line ends.
func sentences(t string) []sentence {
	var out []sentence
	start := 0
	for i := 0; i <= len(t); i++ {
		if i < len(t) && !strings.ContainsRune(".!?\n", rune(t[i])) {
			continue
		}
		if strings.TrimSpace(t[start:i]) != "" {
			out = append(out, sentence{text: t[start:i], start: start, end: i, question: i < len(t) && t[i] == '?'})
		}
		start = i + 1
	}
	return out
}

var spaceRE = regexp.MustCompile(`\s+`)

// conditional finds the words that turn a no into a "not yet" or a "not
// this, but that" later in the same sentence.
var conditional = regexp.MustCompile(`\b(until|unless|so you're|so you are|instead|but (?:we(?:'d| would)? (?:love|like|be happy) to offer|we (?:can|could) offer))\b`)

// sentenceAfter is the rest of the sentence that starts before i.
func sentenceAfter(t string, i int) string {
	rest := t[i:]
	if j := strings.IndexAny(rest, ".!?\n"); j >= 0 {
		return rest[:j]
	}
	return rest
}

func normalise(s string) string {
	s = strings.NewReplacer("\u2019", "'", "\u2018", "'", "\u00a0", " ").Replace(strings.ToLower(s))
	return spaceRE.ReplaceAllString(s, " ")
}

// NewText returns the part of a reply its sender wrote: without the quoted
// message, the attribution line above it, a forwarded or original message
// below it, the signature and a "Sent from my phone" line. It knows the
// usual styles: "On <date>, X wrote:" followed by "> " lines (Gmail, Apple
// Mail, Thunderbird; the attribution may wrap over lines, and a few other
// languages are known), inline answers between quoted lines, Outlook's
// "-----Original Message-----" and its "From: / Sent: / To: / Subject:"
// header block, and the "-- " signature separator. A message that is only
// a quote gives "".
func NewText(body string) string {
	body = strings.ReplaceAll(strings.ReplaceAll(body, "\r\n", "\n"), "\r", "\n")
	lines := strings.Split(body, "\n")
	if i := originalMessage(lines); i >= 0 {
		lines = lines[:i]
	}
	var out []string
	for i := 0; i < len(lines); i++ {
		if n, strong := attribution(lines, i); n > 0 {
			next := i + n
			for next < len(lines) && strings.TrimSpace(lines[next]) == "" {
				next++
			}
			if next == len(lines) || quoted(lines[next]) {
				i += n - 1
				continue
			}
			if strong {
				// "On ... wrote:" above an unquoted copy (as HTML mail
				// often becomes): the rest is the old message.
				break
			}
		}
		if quoted(lines[i]) {
			continue
		}
		if signature(lines[i]) {
			break
		}
		out = append(out, lines[i])
	}
	for len(out) > 0 && (strings.TrimSpace(out[len(out)-1]) == "" || sentFromRE.MatchString(out[len(out)-1])) {
		out = out[:len(out)-1]
	}
	return strings.TrimSpace(collapseBlank(out))
}

func quoted(line string) bool {
	return strings.HasPrefix(strings.TrimLeft(line, " \t"), ">")
}

func signature(line string) bool {
	return line == "-- " || strings.TrimRight(line, " \t") == "--"
}

var sentFromRE = regexp.MustCompile(`(?i)^\s*(sent from my \w+|sent from (outlook|mail|yahoo mail|gmail)\b|get outlook for (ios|android)|sent from my .{1,40})\s*$`)

var (
	// "On Mon, 8 Jan 2024 at 10:02, Dana Reyes <dana@acme.example> wrote:"
	// and its translations: strong, it starts the old message.
	onWroteRE = regexp.MustCompile(`(?i)^\s*(on|am|le|el|il|op|em|den|på) .{4,300}(wrote|writes|schrieb|a écrit|escribió|ha scritto|schreef|escreveu|skrev)\s?:\s*$`)
	// "Dana Reyes <dana@acme.example> wrote:": weak, the user might write
	// "Here is what my mentor wrote:" and go on unquoted.
	xWroteRE = regexp.MustCompile(`(?i)^\s*\S.{0,200}\b(wrote|writes|schrieb|a écrit)\s?:\s*$`)
)

// attribution reports whether an attribution line starts at lines[i],
// over how many lines it runs (Gmail wraps long ones), and whether it is
// the strong "On ... wrote:" form.
func attribution(lines []string, i int) (n int, strong bool) {
	if strings.TrimSpace(lines[i]) == "" || quoted(lines[i]) {
		return 0, false
	}
	joined := ""
	for n = 1; n <= 3 && i+n-1 < len(lines); n++ {
		l := strings.TrimSpace(lines[i+n-1])
		if l == "" || quoted(l) {
			break
		}
		joined = strings.TrimSpace(joined + " " + l)
		if onWroteRE.MatchString(joined) {
			return n, true
		}
		if n == 1 && xWroteRE.MatchString(joined) {
			return 1, false
		}
	}
	return 0, false
}

var (
	separatorRE = regexp.MustCompile(`(?i)^\s*-{2,}\s*(original message|forwarded message|ursprüngliche nachricht|message d'origine|mensaje original|weitergeleitete nachricht)\s*-{2,}\s*$|^\s*begin forwarded message:\s*$`)
	ruleRE      = regexp.MustCompile(`^\s*_{8,}\s*$`)
	fromRE      = regexp.MustCompile(`(?i)^\s*\*?(from|von|de|van|da)\s*:\*?\s*\S`)
	sentRE      = regexp.MustCompile(`(?i)^\s*\*?(sent|date|gesendet|datum|envoyé|enviado|inviato|verzonden)\s*:\*?\s*\S`)
	toRE        = regexp.MustCompile(`(?i)^\s*\*?(to|subject|an|betreff|à|a|objet|asunto|para|oggetto|aan|onderwerp)\s*:\*?\s*`)
)

// originalMessage returns the index of the line where Outlook's copy of
// the old message starts, or a forwarded message, or -1.
func originalMessage(lines []string) int {
	for i, l := range lines {
		if quoted(l) {
			continue
		}
		if separatorRE.MatchString(l) {
			return i
		}
		if ruleRE.MatchString(l) {
			for j := i + 1; j < len(lines) && j <= i+3; j++ {
				if fromRE.MatchString(lines[j]) {
					return i
				}
			}
		}
		if fromRE.MatchString(l) && headerBlock(lines[i+1:]) {
			return i
		}
	}
	return -1
}

// headerBlock reports whether the lines after a "From:" line carry a date
// line and a recipient or subject line, as a copied header does.
func headerBlock(rest []string) bool {
	var date, other bool
	for j := 0; j < len(rest) && j < 6; j++ {
		switch {
		case sentRE.MatchString(rest[j]):
			date = true
		case toRE.MatchString(rest[j]):
			other = true
		case strings.TrimSpace(rest[j]) == "":
			if date && other {
				return true
			}
		}
	}
	return date && other
}
