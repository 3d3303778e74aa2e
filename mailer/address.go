package mailer

import (
	"errors"
	"fmt"
	"net/mail"
	"strings"
)

// Address is one mailbox: an optional display name and an email address.
type Address struct {
	Name, Email string
}

// ParseAddress parses a single address such as "Dana Reyes <dana@acme.example>"
// or "dana@acme.example". It refuses what would be dangerous or ambiguous in a
// header: CR, LF and NUL, an empty string, more than one address and group
// syntax ("team: a@x, b@y;"), which net/mail would otherwise quietly flatten.
func ParseAddress(s string) (Address, error) {
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
// net/mail.ParseAddress accepts and silently reduces to its first member.
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
	return fmt.Errorf("mailer: %w %q: %s", ErrInvalidAddress, s, why)
}

// String returns the address in RFC 5322 form, with the display name quoted
// or encoded as needed, or just the email when there is no name.
func (a Address) String() string {
	s := a.mail().String()
	if a.Name == "" {
		// net/mail writes "<x@y>"; the bare addr-spec (quoted where needed)
		// is what a reader expects.
		s = strings.TrimSuffix(strings.TrimPrefix(s, "<"), ">")
	}
	return s
}

// Display returns the address as a person reads it, UTF-8 left as it is:
// "José Müller <jose@acme.example>". ParseAddress reads it back; String is
// the form for a header.
func (a Address) Display() string {
	if a.Name == "" {
		return a.Email
	}
	name := a.Name
	if strings.ContainsAny(name, "()<>[]:;@\\,.\"") {
		name = `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(name) + `"`
	}
	return name + " <" + a.Email + ">"
}

func (a Address) mail() *mail.Address {
	return &mail.Address{Name: a.Name, Address: a.Email}
}

// validate checks an Address built by hand, which did not go through
// ParseAddress: the email must survive a round trip through net/mail, and
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
	parsed, err := mail.ParseAddress(a.mail().String())
	if err != nil || parsed.Address != a.Email {
		return fmt.Errorf("email %q is not a valid addr-spec", a.Email)
	}
	return nil
}
