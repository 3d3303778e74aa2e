package redact_test

import (
	"testing"

	"github.com/onward-app/onward/internal/redact"
)

func TestScrub(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		secrets redact.Secrets
		in      string
		want    string
	}{
		{"none", nil, "535 bad login hunter2", "535 bad login hunter2"},
		{"every occurrence", redact.Secrets{"hunter2"}, "hunter2 and hunter2", "[redacted] and [redacted]"},
		{"an empty secret matches nothing", redact.Secrets{""}, "text", "text"},
		{"several forms", redact.Secrets{"aHVudGVyMg==", "hunter2"}, "AUTH PLAIN aHVudGVyMg== (hunter2)", "AUTH PLAIN [redacted] ([redacted])"},
	} {
		if got := tc.secrets.Scrub(tc.in); got != tc.want {
			t.Errorf("%s: Scrub(%q) = %q, want %q", tc.name, tc.in, got, tc.want)
		}
	}
}
