package tracker

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxTag keeps tags words, not sentences.
const maxTag = 40

// Tags returns the #hashtags in a lesson's text, normalised: lower case,
// no trailing punctuation, each once, sorted. A # counts only at the start
// of a word, so "example.com/page#anchor" and "C#" are not tags; a tag is
// letters, digits, "_" and "-", so "#system-design," gives "system-design".
func Tags(text string) []string {
	var out []string
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if r != '#' || (i > 0 && !startsTag(prevRune(text, i))) {
			i += size
			continue
		}
		j := i + size
		for j < len(text) {
			c, n := utf8.DecodeRuneInString(text[j:])
			if !tagRune(c) {
				break
			}
			j += n
		}
		if tag, ok := NormalizeTag(text[i+size : j]); ok {
			out = append(out, tag)
		}
		i = j
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func prevRune(s string, i int) rune {
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return r
}

// startsTag reports whether a # after r begins a tag: after a space or an
// opening bracket, not inside a word or a URL.
func startsTag(r rune) bool {
	return unicode.IsSpace(r) || strings.ContainsRune("([{\"'", r)
}

func tagRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r == '-'
}

// NormalizeTag lower-cases a tag and trims the hyphens and underscores a
// sentence may leave at its ends; ok is false for what is not a tag (empty,
// only digits, too long, or with characters a tag does not have).
func NormalizeTag(s string) (string, bool) {
	s = strings.Trim(strings.ToLower(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s), "#"))), "-_")
	if s == "" || utf8.RuneCountInString(s) > maxTag {
		return "", false
	}
	digits := true
	for _, r := range s {
		if !tagRune(r) {
			return "", false
		}
		if !unicode.IsDigit(r) {
			digits = false
		}
	}
	// "#1" is a ranking, not a topic.
	if digits {
		return "", false
	}
	return s, true
}
