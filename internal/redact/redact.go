// Package redact keeps passwords out of error text: a server may echo a
// command back (an AUTH line, a LOGIN), and that text ends up in logs and
// in `onward status`.
package redact

import "strings"

// Secrets are the strings that must never appear in an error; empty ones
// are ignored.
type Secrets []string

// Scrub replaces every secret in text with [redacted].
func (s Secrets) Scrub(text string) string {
	for _, secret := range s {
		if secret != "" {
			text = strings.ReplaceAll(text, secret, "[redacted]")
		}
	}
	return text
}
