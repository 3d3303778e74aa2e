// Package mailer delivers onward's messages: over SMTP (SMTP), or as .eml
// files in a folder (Outbox), the default that needs no mail account.
//
// Both transports take a *Message and promise the same things: headers never
// carry a raw CR or LF, a retry of the same message keeps its Message-ID so
// the receiving side can collapse a duplicate, and Temporary tells the caller
// whether a failure is worth retrying. Only this package imports go-mail.
package mailer

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"strings"
	"time"

	"github.com/wneessen/go-mail"
)

// Attachment is a file sent along with a message.
type Attachment struct {
	Name        string // file name shown to the reader
	ContentType string // e.g. "text/calendar"; guessed from Name when empty
	Data        []byte
}

// Message is one email, ready to be written or sent.
type Message struct {
	From, To Address
	Subject  string
	// Text is the plain text body. HTML is optional; when set the message
	// becomes multipart/alternative with Text as the fallback.
	Text, HTML string
	// MessageID is the id without angle brackets, e.g.
	// "onward.42.1a2b3c@alex.example". The caller fixes it before the first
	// attempt so that every retry carries the same one.
	MessageID string
	Date      time.Time
	// InReplyTo is the Message-ID this one answers, without brackets.
	InReplyTo string
	// AutoSubmitted marks mail written by a program (RFC 3834), so that
	// vacation responders do not answer onward's check-ins.
	AutoSubmitted bool
	// Unsent marks a draft for the user to open, edit and send
	// (X-Unsent: 1): Outlook and Thunderbird then open it as a new message,
	// not as mail received.
	Unsent      bool
	Attachments []Attachment
}

// maxIDLength bounds a Message-ID; it ends up in a file name and a header line.
const maxIDLength = 250

// WriteTo writes the message as an RFC 5322 .eml: CRLF line endings, non-ASCII
// headers encoded, with Date, Message-ID, From, To and MIME-Version. It first
// validates the message and writes nothing when that fails: a CR, LF or NUL in
// the subject or a name, an empty To or From, a missing Date, a malformed
// Message-ID or In-Reply-To.
func (m *Message) WriteTo(w io.Writer) (int64, error) {
	msg, err := m.build()
	if err != nil {
		return 0, fmt.Errorf("mailer: write %s: %w", m.printableID(), err)
	}
	n, err := msg.WriteTo(w)
	if err != nil {
		return n, fmt.Errorf("mailer: write %s: %w", m.printableID(), err)
	}
	return n, nil
}

// build validates m and turns it into a go-mail message. Every value goes
// through go-mail's encoding setters (never SetGenHeaderPreformatted), and
// addresses are handed over already parsed.
func (m *Message) build() (*mail.Msg, error) {
	if m == nil {
		return nil, fmt.Errorf("%w: nil message", ErrInvalidMessage)
	}
	if err := m.validate(); err != nil {
		return nil, err
	}
	// go-mail's default User-Agent names the library and its version, which
	// tells the recipient nothing useful.
	msg := mail.NewMsg(mail.WithNoDefaultUserAgent())
	msg.FromMailAddress(m.From.NetMail())
	msg.ToMailAddress(m.To.NetMail())
	msg.Subject(m.Subject)
	msg.SetMessageIDWithValue(m.MessageID)
	msg.SetDateWithValue(m.Date)
	if m.InReplyTo != "" {
		ref := "<" + m.InReplyTo + ">"
		msg.SetGenHeader(mail.HeaderInReplyTo, ref)
		// Mail clients thread by References as much as by In-Reply-To.
		msg.SetGenHeader(mail.HeaderReferences, ref)
	}
	if m.AutoSubmitted {
		msg.SetGenHeader("Auto-Submitted", "auto-generated")
	}
	if m.Unsent {
		msg.SetGenHeader("X-Unsent", "1")
	}
	msg.SetBodyString(mail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(mail.TypeTextHTML, m.HTML)
	}
	for _, a := range m.Attachments {
		var opts []mail.FileOption
		if a.ContentType != "" {
			opts = append(opts, mail.WithFileContentType(mail.ContentType(a.ContentType)))
		}
		if isMessage(a.ContentType) {
			opts = append(opts, asIs())
		}
		if err := msg.AttachReader(a.Name, bytes.NewReader(a.Data), opts...); err != nil {
			return nil, fmt.Errorf("attach %q: %w", a.Name, err)
		}
	}
	return msg, nil
}

// isMessage reports whether a content type is message/rfc822: an email
// attached whole, which RFC 2046 5.2.1 allows only in 7bit or 8bit, never
// base64, so that mail programs (and strict parsers) read it as a message.
func isMessage(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && mt == "message/rfc822"
}

// asIs writes an attachment unencoded, as 8bit: go-mail labels its
// unencoded parts so, and 8bit covers ASCII and UTF-8 alike.
func asIs() mail.FileOption {
	return func(f *mail.File) { f.Enc = mail.NoEncoding }
}

func (m *Message) validate() error {
	invalid := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrInvalidMessage, fmt.Sprintf(format, args...))
	}
	if err := validateID(m.MessageID); err != nil {
		return invalid("Message-ID: %v", err)
	}
	if m.InReplyTo != "" {
		if err := validateID(m.InReplyTo); err != nil {
			return invalid("In-Reply-To: %v", err)
		}
	}
	if err := m.From.Check(); err != nil {
		return invalid("From: %v", err)
	}
	if err := m.To.Check(); err != nil {
		return invalid("To: %v", err)
	}
	if strings.ContainsAny(m.Subject, "\r\n\x00") {
		return invalid("subject contains CR, LF or NUL")
	}
	if m.Date.IsZero() {
		// go-mail would stamp the current time, and a retry would then differ.
		return invalid("date is not set")
	}
	if m.Text == "" {
		return invalid("text body is empty")
	}
	if strings.ContainsRune(m.Text, 0) || strings.ContainsRune(m.HTML, 0) {
		return invalid("body contains NUL")
	}
	for i, a := range m.Attachments {
		switch {
		case a.Name == "":
			return invalid("attachment %d has no name", i+1)
		case strings.ContainsAny(a.Name, "\r\n\x00"):
			return invalid("attachment %d: name contains CR, LF or NUL", i+1)
		case isMessage(a.ContentType) && bytes.ContainsRune(a.Data, 0):
			return invalid("attachment %q: an attached message contains NUL", a.Name)
		case a.ContentType != "":
			// go-mail copies the content type verbatim into a part header.
			if strings.ContainsAny(a.ContentType, "\r\n\x00") {
				return invalid("attachment %q: content type contains CR, LF or NUL", a.Name)
			}
			if _, _, err := mime.ParseMediaType(a.ContentType); err != nil {
				return invalid("attachment %q: content type %q: %v", a.Name, a.ContentType, err)
			}
		}
	}
	return nil
}

// validateID checks a msg-id without its brackets: printable ASCII, no
// spaces, exactly one @ with something on both sides (RFC 5322 3.6.4).
func validateID(id string) error {
	if id == "" {
		return errors.New("empty")
	}
	if len(id) > maxIDLength {
		return fmt.Errorf("longer than %d bytes", maxIDLength)
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case c <= ' ' || c >= 0x7f:
			return fmt.Errorf("%q contains a space, a control or a non-ASCII character", id)
		case c == '<' || c == '>':
			return fmt.Errorf("%q must be given without angle brackets", id)
		case c == '"' || c == '(' || c == ')' || c == ',' || c == ';' || c == ':' || c == '\\':
			return fmt.Errorf("%q contains %q", id, c)
		}
	}
	left, right, ok := strings.Cut(id, "@")
	if !ok || left == "" || right == "" || strings.Contains(right, "@") {
		return fmt.Errorf("%q must be one local part, @ and a domain", id)
	}
	return nil
}

// printableID returns the Message-ID as is when it is safe to print, quoted
// otherwise, so that an invalid one cannot forge lines in an error message.
func (m *Message) printableID() string {
	if m == nil {
		return "<nil message>"
	}
	if validateID(m.MessageID) == nil {
		return m.MessageID
	}
	return fmt.Sprintf("%q", m.MessageID)
}
