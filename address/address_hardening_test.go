package address

import (
	"errors"
	"strings"
	"testing"
)

// Addresses that would put words in the reader's eyes other than where
// the mail goes: a display name that shows another address, invisible
// characters that reorder or hide text, look-alike and malformed domains.
func TestParseRefusesDeception(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{`"dana@acme.example" <evil@x.example>`, "shows the address dana@acme.example but the mail would go to evil@x.example"},
		{`dana@acme.example (evil@x.example)`, "shows the address evil@x.example"},
		{`"Dana\" <dana@acme.example>" <evil@x.example>`, "shows the address dana@acme.example"},
		{`=?utf-8?q?dana=40acme.example?= <evil@x.example>`, "shows the address dana@acme.example"},
		{"Dana\u202eReyes <dana@acme.example>", "U+202E"},
		{"Dana\u2066Reyes <dana@acme.example>", "U+2066"},
		{"Dana\u200b <dana@acme.example>", "U+200B"},
		{"\ufeffDana <dana@acme.example>", "U+FEFF"},
		{"Dana\u2028Bcc evil <dana@acme.example>", "U+2028"},
		{"dana@a\u2029b.example", "U+2029"},
		{"dana@\u0430cme.example", "mixes Latin, Cyrillic or Greek"},
		{"dana@p\u03b1ypal.example", "mixes Latin, Cyrillic or Greek"},
		{"dana@-b\u00fccher.example", "hyphen"},
		{"dana@acme-.example", "hyphen"},
		{"dana@acme_corp.example", `'_'`},
		{"dana@" + strings.Repeat("a", 64) + ".example", "longer than 63 bytes"},
		{"dana@" + strings.Repeat("abcdefghi.", 26) + "example", "longer than 253 bytes"},
		{`"evil@x.example"@acme.example`, "more than one @"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			a, err := Parse(tc.in)
			if err == nil || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Parse(%q) = %+v, %v; want an invalid address naming %q", tc.in, a, err, tc.want)
			}
			// The error quotes the input, so an invisible character
			// shows as its escape, never raw.
			if r, ok := deceptive(err.Error()); ok {
				t.Errorf("the error carries %U raw: %q", r, err)
			}
		})
	}
}

// What is unusual but honest is accepted, and round-trips: quoted local
// parts, internationalised domains in one script, a name that is the
// address itself, joiners that scripts need.
func TestParseAcceptsTheUnusualButHonest(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]Address{
		`"dana reyes"@acme.example`:                       {Email: "dana reyes@acme.example"},
		`"a\"b"@acme.example`:                             {Email: `a"b@acme.example`},
		"dana@b\u00fccher.example":                        {Email: "dana@b\u00fccher.example"},
		"dana@xn--bcher-kva.example":                      {Email: "dana@xn--bcher-kva.example"},
		"dana@\u0430\u0441\u043c\u0435.example":           {Email: "dana@\u0430\u0441\u043c\u0435.example"},
		`"dana@acme.example" <dana@acme.example>`:         {Name: "dana@acme.example", Email: "dana@acme.example"},
		"Acme (@acme) <dana@acme.example>":                {Name: "Acme", Email: "dana@acme.example"},
		"\u0645\u0647\u200c\u0633\u0627 <m@acme.example>": {Name: "\u0645\u0647\u200c\u0633\u0627", Email: "m@acme.example"},
		"dana@[192.0.2.1]":                                {Email: "dana@[192.0.2.1]"},
	} {
		got, err := Parse(in)
		if err != nil || got != want {
			t.Errorf("Parse(%q) = %#v, %v; want %#v", in, got, err, want)
			continue
		}
		back, err := Parse(got.String())
		if err != nil || back != got {
			t.Errorf("%q: String %q parses back to %#v, %v", in, got.String(), back, err)
		}
	}
}

// Display is what onward stores and shows; it must read back to the same
// address, or a recruiter accepted at `apply` could never be written to
// (quoted local parts were stored without their quotes).
func TestDisplayKeepsQuotedLocalParts(t *testing.T) {
	t.Parallel()
	for _, in := range []string{`"dana reyes"@acme.example`, `Dana <"dana,reyes"@acme.example>`, `"a\"b"@acme.example`,
		`"dana?bcc=evil"@acme.example`, `"Reyes, Dana" <"d r"@acme.example>`, "Zoë <zoë@bücher.example>", `"dana..x"@acme.example`} {
		a, err := Parse(in)
		if err != nil {
			t.Fatalf("Parse(%q): %v", in, err)
		}
		back, err := Parse(a.Display())
		if err != nil || back != a {
			t.Errorf("%q: Display %q reads back as %#v, %v; want %#v", in, a.Display(), back, err, a)
		}
	}
}

// An Address without an email displays as before: nothing, or the name
// with empty brackets.
func TestDisplayWithoutAnEmail(t *testing.T) {
	t.Parallel()
	if got := (Address{}).Display(); got != "" {
		t.Errorf("empty Address displays as %q", got)
	}
	if got := (Address{Name: "Dana"}).Display(); got != "Dana <>" {
		t.Errorf("a name alone displays as %q", got)
	}
}
