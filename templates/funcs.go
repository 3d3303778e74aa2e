package templates

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/address"
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
	// when is a moment with its zone, which a time read across zones needs:
	// "Tuesday 24 March, 17:00 CET".
	"when": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.Format("Monday 2 January, 15:04") + " " + zoneName(t)
	},
	// clock is t with its zone, and with its day only when the day differs
	// from ref's: the second clock of "17:00 CET (11:00 CDT)".
	"clock": func(ref, t time.Time) string {
		if t.IsZero() {
			return ""
		}
		if y, m, d := t.Date(); !ref.IsZero() {
			if ry, rm, rd := ref.Date(); y != ry || m != rm || d != rd {
				return t.Format("Monday 2 January, 15:04") + " " + zoneName(t)
			}
		}
		return t.Format("15:04") + " " + zoneName(t)
	},
	// on says when t was relative to now, the way a note written at now
	// would: "today", "yesterday", "tomorrow" or "on Tuesday 3 March". The
	// day is t's own, in now's zone. A zero t gives "".
	"on": func(now, t time.Time) string {
		if t.IsZero() {
			return ""
		}
		if !now.IsZero() {
			t = t.In(now.Location())
			ny, nm, nd := now.Date()
			day := time.Date(ny, nm, nd, 0, 0, 0, 0, time.UTC)
			ty, tm, td := t.Date()
			switch time.Date(ty, tm, td, 0, 0, 0, 0, time.UTC).Sub(day) / (24 * time.Hour) {
			case 0:
				return "today"
			case -1:
				return "yesterday"
			case 1:
				return "tomorrow"
			}
		}
		return "on " + t.Format("Monday 2 January")
	},
	// names lists people the way a sentence does: "Tom", "Tom and Priya",
	// "Tom, Priya and Sam". Nameless entries are left out.
	"names": func(people []Interviewer) string {
		var ns []string
		for _, p := range people {
			if n := strings.TrimSpace(p.Name); n != "" {
				ns = append(ns, n)
			}
		}
		switch len(ns) {
		case 0:
			return ""
		case 1:
			return ns[0]
		}
		return strings.Join(ns[:len(ns)-1], ", ") + " and " + ns[len(ns)-1]
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
	"label": onward.Kind.Label,
	// automated is an address no person reads (address.Automated).
	"automated": address.Automated,
}

// zoneName is the zone's abbreviation ("CET"), or "UTC+05:30" where the
// zone has none and Go would print a bare offset.
func zoneName(t time.Time) string {
	name, offset := t.Zone()
	if name != "" && name[0] != '+' && name[0] != '-' {
		return name
	}
	sign := "+"
	if offset < 0 {
		sign, offset = "-", -offset
	}
	h, m := offset/3600, offset%3600/60
	if m == 0 {
		return fmt.Sprintf("UTC%s%02d", sign, h)
	}
	return fmt.Sprintf("UTC%s%02d:%02d", sign, h, m)
}
