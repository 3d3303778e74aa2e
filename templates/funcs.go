package templates

import (
	"strconv"
	"strings"
	"time"
)

// funcs are the functions every template may call. They are few on purpose:
// each one is something a template cannot say readably on its own. Argument
// orders put the data last, so each works at the end of a pipeline, as in
// {{.Draft.Text | indent "    "}}.
var funcs = map[string]any{
	// date formats a day the way a person writes it: "Tuesday 3 March".
	// A zero time gives "", so an unknown date drops out of the sentence.
	"date": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.Format("Monday 2 January")
	},
	// datetime adds the clock: "Tuesday 3 March, 14:00".
	"datetime": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.Format("Monday 2 January, 15:04")
	},
	// first is the first word of a name, for "Hi Dana".
	"first": func(name string) string {
		if f := strings.Fields(name); len(f) > 0 {
			return f[0]
		}
		return ""
	},
	// join is strings.Join with the separator first.
	"join": func(sep string, items []string) string {
		return strings.Join(items, sep)
	},
	// indent puts prefix before every line of s, leaving blank lines empty
	// so no line ends in stray spaces.
	"indent": func(prefix, s string) string {
		lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
		for i, l := range lines {
			if strings.TrimSpace(l) == "" {
				lines[i] = strings.TrimRight(prefix, " \t")
			} else {
				lines[i] = prefix + l
			}
		}
		return strings.Join(lines, "\n")
	},
	// quote wraps s in double quotes for a shell command line, escaping
	// what a shell would still expand inside them, so a command built from a
	// company name works when pasted.
	"quote": func(s string) string {
		r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "$", `\$`, "`", "\\`")
		return `"` + r.Replace(s) + `"`
	},
	// plural counts a noun: "1 draft", "3 drafts".
	"plural": func(n int, one, many string) string {
		if n == 1 {
			return "1 " + one
		}
		return strconv.Itoa(n) + " " + many
	},
	// label names a kind of message in words, for lists and sentences.
	"label": kindLabel,
}

func kindLabel(kind string) string {
	switch kind {
	case ThankYou:
		return "thank-you note"
	case StatusCheck:
		return "status check"
	case FeedbackRequest:
		return "feedback request"
	case StayInTouch:
		return "stay-in-touch note"
	case Learn:
		return "learn check-in"
	case LetGo:
		return "let-go check-in"
	case Digest:
		return "weekly digest"
	case DraftReady:
		return "draft notice"
	case Prep:
		return "prep note"
	case RejectionNotice:
		return "note on a reply"
	case FeedbackThanks:
		return "thank-you for feedback"
	case FeedbackReceived:
		return "feedback check-in"
	}
	return strings.ReplaceAll(kind, "_", " ")
}
