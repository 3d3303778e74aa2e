// Package address reads and writes email addresses safely for a header:
// one mailbox, no line breaks, no group syntax, no look-alike characters
// passed off as ASCII. It stands apart from mailer so that config can check
// an address without linking an SMTP client.
package address

import (
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ErrInvalid marks an address that Parse or Check rejected.
var ErrInvalid = errors.New("invalid address")

// Address is one mailbox: an optional display name and an email address.
type Address struct {
	Name, Email string
}

// Parse parses a single address such as "Dana Reyes <dana@acme.example>"
// or "dana@acme.example". It refuses what would be dangerous or ambiguous in a
// header: CR, LF and NUL, an empty string, more than one address and group
// syntax ("team: a@x, b@y;"), which net/mail would otherwise quietly flatten.
func Parse(s string) (Address, error) {
	if why := rejectAddress(s); why != "" {
		return Address{}, addressError(s, why)
	}
	parsed, err := mail.ParseAddress(s)
	if err != nil {
		return Address{}, addressError(s, strings.TrimPrefix(err.Error(), "mail: "))
	}
	a := Address{Name: parsed.Name, Email: parsed.Address}
	// An encoded word in the input could decode to a line break.
	if err := a.validate(); err != nil {
		return Address{}, addressError(s, err.Error())
	}
	return a, nil
}

// rejectAddress returns why s is not acceptable before net/mail sees it, or "".
func rejectAddress(s string) string {
	switch {
	case strings.TrimSpace(s) == "":
		return "empty"
	case strings.ContainsAny(s, "\r\n"):
		return "contains a line break"
	case strings.ContainsRune(s, 0):
		return "contains a NUL byte"
	case !strings.Contains(s, "@"):
		return "missing @"
	case hasGroupSyntax(s):
		return "group syntax is not allowed"
	}
	return ""
}

// hasGroupSyntax reports whether s has a colon outside quoted strings,
// comments and domain literals: the mark of "display-name: list;", which
// net/mail.Parse accepts and silently reduces to its first member.
func hasGroupSyntax(s string) bool {
	var quoted, escaped bool
	var comment, literal int
	for _, r := range s {
		switch {
		case escaped:
			escaped = false
		case r == '\\' && (quoted || comment > 0):
			escaped = true
		case quoted:
			quoted = r != '"'
		case r == '"' && comment == 0:
			quoted = true
		case r == '(':
			comment++
		case r == ')' && comment > 0:
			comment--
		case comment > 0:
		case r == '[':
			literal++
		case r == ']' && literal > 0:
			literal--
		case r == ':' && literal == 0:
			return true
		}
	}
	return false
}

func addressError(s, why string) error {
	return fmt.Errorf("address: %w %q: %s", ErrInvalid, s, why)
}

// String returns the address in RFC 5322 form, with the display name quoted
// or encoded as needed, or just the email when there is no name.
func (a Address) String() string {
	s := a.NetMail().String()
	if a.Name == "" {
		// net/mail writes "<x@y>"; the bare addr-spec (quoted where needed)
		// is what a reader expects.
		s = strings.TrimSuffix(strings.TrimPrefix(s, "<"), ">")
	}
	return s
}

// Display returns the address as a person reads it, UTF-8 left as it is:
// "José Müller <jose@acme.example>". Parse reads it back; String is
// the form for a header.
func (a Address) Display() string {
	// The addr-spec as net/mail writes it: a local part that needs quotes
	// ("dana reyes"@acme.example) keeps them, or it would not read back.
	spec := a.Email
	if spec != "" {
		spec = strings.TrimSuffix(strings.TrimPrefix((&mail.Address{Address: a.Email}).String(), "<"), ">")
	}
	if a.Name == "" {
		return spec
	}
	name := a.Name
	if strings.ContainsAny(name, "()<>[]:;@\\,.\"") {
		name = `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(name) + `"`
	}
	return name + " <" + spec + ">"
}

// Check makes the checks of Parse on an Address built from parts
// (a name and an email from the config): nil when it can go into a header
// safely and honestly, else why not, naming the part ("name ...",
// "email ...") without repeating the address. The error wraps
// ErrInvalid.
func (a Address) Check() error {
	if err := a.validate(); err != nil {
		return &checkError{err}
	}
	return nil
}

type checkError struct{ err error }

func (e *checkError) Error() string        { return e.err.Error() }
func (e *checkError) Is(target error) bool { return target == ErrInvalid }

// NetMail is the address for net/mail and the libraries built on it.
func (a Address) NetMail() *mail.Address {
	return &mail.Address{Name: a.Name, Address: a.Email}
}

// validate checks an Address built by hand, which did not go through
// Parse: the email must survive a round trip through net/mail, and
// neither part may carry a line break into a header.
func (a Address) validate() error {
	switch {
	case a.Email == "":
		return errors.New("email is empty")
	case strings.ContainsAny(a.Name, "\r\n\x00"):
		return errors.New("name contains CR, LF or NUL")
	case strings.ContainsAny(a.Email, "\r\n\x00"):
		return errors.New("email contains CR, LF or NUL")
	case !strings.Contains(a.Email, "@"):
		return errors.New("email is missing @")
	case strings.Count(a.Email, "@") > 1:
		// Legal in a quoted local part, but in practice two addresses
		// pasted into one field.
		return fmt.Errorf("email %q has more than one @", a.Email)
	}
	if r, ok := deceptive(a.Name); ok {
		return fmt.Errorf("name contains the invisible character %U, which can make text read differently from what it is", r)
	}
	if r, ok := deceptive(a.Email); ok {
		return fmt.Errorf("email contains the invisible character %U", r)
	}
	if other := addressIn(a.Name); other != "" && !strings.EqualFold(other, a.Email) {
		return fmt.Errorf("the name %q shows the address %s but the mail would go to %s; give the name alone", a.Name, other, a.Email)
	}
	parsed, err := mail.ParseAddress(a.NetMail().String())
	if err != nil || parsed.Address != a.Email {
		return fmt.Errorf("email %q is not a valid addr-spec", a.Email)
	}
	if err := checkDomain(a.Email[strings.LastIndexByte(a.Email, '@')+1:]); err != nil {
		return fmt.Errorf("email %q: %v", a.Email, err)
	}
	return nil
}

// deceptive returns the first character of s that changes how text reads
// without being seen: the invisible format characters (bidirectional
// overrides and isolates, which can make "moc.evil" read as "live.com",
// zero-width spaces, the byte order mark, soft hyphens) and the Unicode
// line and paragraph separators, which some mail programs treat as line
// breaks. The zero-width joiner and non-joiner, which some scripts and
// emoji need, stay allowed.
func deceptive(s string) (rune, bool) {
	for _, r := range s {
		switch {
		case r == '\u200c' || r == '\u200d':
		case r == '\u2028' || r == '\u2029' || unicode.Is(unicode.Cf, r):
			return r, true
		}
	}
	return 0, false
}

// addressIn returns the first word of a display name that reads as an
// email address ("dana@acme.example" in `"dana@acme.example" <evil@x>`),
// or "". A lone @ ("Dana @ Acme", "@acme") is not one.
func addressIn(name string) string {
	for _, w := range strings.FieldsFunc(name, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(`<>()[]"',;:`, r)
	}) {
		local, domain, ok := strings.Cut(w, "@")
		if ok && local != "" && strings.Contains(strings.Trim(domain, "."), ".") {
			return w
		}
	}
	return ""
}

// checkDomain checks the domain of an address: a domain literal such as
// [192.0.2.1], or dot-separated labels of letters (in any script, for
// internationalised domains), digits and inner hyphens, each at most 63
// bytes and the whole at most 253. A label that mixes Latin with Cyrillic
// or Greek letters is refused: that is how look-alike domains are made
// ("аcme" with a Cyrillic а).
func checkDomain(d string) error {
	if strings.HasPrefix(d, "[") && strings.HasSuffix(d, "]") {
		return nil // net/mail has checked the literal
	}
	if len(d) > 253 {
		return errors.New("the domain is longer than 253 bytes")
	}
	for _, label := range strings.Split(d, ".") {
		switch {
		case label == "":
			return errors.New("the domain has an empty label")
		case len(label) > 63:
			return fmt.Errorf("the domain label %q is longer than 63 bytes", label)
		case strings.HasPrefix(label, "-") || strings.HasSuffix(label, "-"):
			return fmt.Errorf("the domain label %q starts or ends with a hyphen", label)
		}
		scripts := map[string]bool{}
		for _, r := range label {
			switch {
			case r < utf8.RuneSelf && (r == '-' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'):
			case r >= utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsMark(r) || unicode.IsDigit(r)):
			default:
				return fmt.Errorf("the domain contains %q, which no host name may", r)
			}
			for _, sc := range []struct {
				name  string
				table *unicode.RangeTable
			}{{"Latin", unicode.Latin}, {"Cyrillic", unicode.Cyrillic}, {"Greek", unicode.Greek}} {
				if unicode.Is(sc.table, r) {
					scripts[sc.name] = true
				}
			}
		}
		if len(scripts) > 1 {
			return fmt.Errorf("the domain label %q mixes Latin, Cyrillic or Greek letters, as look-alike domains do", label)
		}
	}
	return nil
}
