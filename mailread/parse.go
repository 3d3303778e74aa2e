package mailread

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"mime"
	netmail "net/mail"
	"net/textproto"
	"regexp"
	"strings"
	"time"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/charset"
	"github.com/emersion/go-message/mail"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/text/encoding/charmap"
)

// Address is one mailbox of a header: an optional display name and an
// email address. Compare emails with strings.EqualFold.
type Address struct {
	Name, Email string
}

// Mail is one message as read from a mailbox.
type Mail struct {
	UID uint32 // set by Fetch; 0 from ParseMail
	// MessageID and InReplyTo are bare, without angle brackets, as onward
	// stores its own. InReplyTo is the first id of the header; References
	// lists all of its ids, oldest first.
	MessageID  string
	InReplyTo  string
	References []string
	From       Address
	// To helps to recognise a sent draft by its recipient and subject
	// when a mail program gave it a new Message-ID on sending.
	To      []Address
	Subject string
	Date    time.Time // zero when missing or unreadable
	// AutoReply is IsAutoReply of the header: an out-of-office or other
	// automatic answer, never a person's reply.
	AutoReply bool
	// Text is the decoded text/plain body, or the text of the HTML body
	// when there is no plain one. NewText(Text) is the part the sender
	// wrote, without the quote and the signature.
	Text string
	// Calendar is the first text/calendar part, inline or attached: an
	// invitation (ParseInvitation reads it); nil when there is none.
	Calendar []byte
	Raw      []byte
	// Size is the message's size in bytes, as the server gave it.
	Size int64
	// Oversized marks a message larger than the Client's MaxMessageSize:
	// only UID and Size are set, its body was never fetched.
	Oversized bool
	// ParseErr says why the message could not be read completely (it is
	// not valid MIME); the other fields hold what could be read.
	ParseErr error
}

// ThreadIDs returns the Message-IDs this message answers: In-Reply-To's
// and then References', without duplicates. A reply to a message onward
// created carries its id here.
func (m Mail) ThreadIDs() []string {
	var out []string
	seen := map[string]bool{}
	for _, id := range append([]string{m.InReplyTo}, m.References...) {
		if id != "" && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

const (
	maxDepth    = 16      // nesting of multiparts before giving up
	maxPartText = 4 << 20 // bytes of one text part read, after decoding
)

// Text labelled ISO-8859-1 is read as windows-1252, its superset, as the
// WHATWG encoding standard and every browser and mail program do: Outlook
// labels its smart quotes so, and a C1 control in place of an apostrophe
// would hide "won't" from the rejection phrases. go-message's table is
// process-wide; go-imap reading headers in the same process gains the
// same rule.
func init() {
	for _, label := range []string{"iso-8859-1", "iso8859-1", "iso_8859-1", "iso_8859-1:1987", "iso88591",
		"latin1", "l1", "cp819", "ibm819", "iso-ir-100", "csisolatin1"} {
		charset.RegisterEncoding(label, charmap.Windows1252)
	}
}

// ParseMail reads a raw RFC 5322 message: its ids, sender, recipients,
// subject and date, whether it is automatic, and its text. go-message
// walks the MIME structure and decodes quoted-printable, base64, any
// charset it knows (utf-8, us-ascii, iso-8859-1, windows-1252 and the rest
// of the IANA and WHATWG lists; an unknown one is read as UTF-8) and
// encoded words; format=flowed is unflowed here, and HTML becomes text
// when there is no text/plain part. It is lenient: on error the Mail holds
// what could be read, and Raw always; a broken part does not hide the
// parts after it.
func ParseMail(raw []byte) (Mail, error) {
	m := Mail{Raw: raw}
	if len(raw) == 0 {
		return m, errors.New("mailread: parse message: header: empty message")
	}
	e, err := message.Read(bytes.NewReader(raw))
	if e == nil {
		return m, fmt.Errorf("mailread: parse message: header: %w", err)
	}
	h := mail.Header{Header: e.Header}
	if h.Len() == 0 {
		return m, errors.New("mailread: parse message: header: no header fields")
	}
	m.MessageID = FirstID(h.Get("Message-ID"))
	m.InReplyTo = FirstID(h.Get("In-Reply-To"))
	m.References = msgIDs(h.Get("References"))
	if as := parseAddresses(h, "From"); len(as) > 0 {
		m.From = as[0]
	}
	m.To = parseAddresses(h, "To")
	m.Subject = decodeHeader(h.Get("Subject"))
	m.Date, _ = h.Date()
	m.AutoReply = IsAutoReply(netHeader(e.Header))

	var b bodies
	werr := b.walk(e, err, 0)
	m.Text = b.text()
	m.Calendar = b.calendar
	if werr != nil {
		return m, fmt.Errorf("mailread: parse message %s: %w", m.MessageID, werr)
	}
	return m, nil
}

// netHeader copies a header into the net/mail form IsAutoReply reads.
func netHeader(h message.Header) netmail.Header {
	out := netmail.Header{}
	for f := h.Fields(); f.Next(); {
		k := textproto.CanonicalMIMEHeaderKey(f.Key())
		out[k] = append(out[k], f.Value())
	}
	return out
}

// bodies collects the first text/plain and the first text/html part that
// are not attachments; errors travel back through walk's return.
type bodies struct {
	plain, html         string
	havePlain, haveHTML bool
	calendar            []byte
}

func (b *bodies) text() string {
	switch {
	case b.havePlain && strings.TrimSpace(b.plain) != "":
		return b.plain
	case b.haveHTML:
		return htmlText(b.html)
	}
	return b.plain
}

// walk reads one entity. enterr is what go-message said on opening it: an
// unknown charset or transfer encoding, with the body left as it came.
// It returns the first error of the entity and its parts; the walk goes
// on past a broken part.
func (b *bodies) walk(e *message.Entity, enterr error, depth int) error {
	if depth > maxDepth {
		return errors.New("multiparts nested too deep")
	}
	if message.IsUnknownEncoding(enterr) {
		// Not a reason to drop the text: most such bodies are 7bit
		// under an invented name.
		enterr = nil
	}
	if message.IsUnknownCharset(enterr) {
		enterr = nil // read as UTF-8 below
	}
	ctype := e.Header.Get("Content-Type")
	mediatype, params, perr := mime.ParseMediaType(ctype)
	switch {
	case ctype == "":
		// RFC 2045 section 5.2: plain US-ASCII text.
		mediatype = "text/plain"
	case perr != nil && mediatype == "":
		// Keep the text readable for the caller; say why it is suspect.
		text, _ := readText(e, nil)
		b.addPlain(text)
		return fmt.Errorf("Content-Type %q: %w", ctype, perr)
	}
	if strings.HasPrefix(mediatype, "multipart/") {
		if params["boundary"] == "" {
			return errors.New("multipart without a boundary")
		}
		return b.walkMultipart(e, params["boundary"], depth)
	}
	if mediatype == "text/calendar" && b.calendar == nil {
		// An invitation comes inline or as invite.ics; either is read.
		text, err := readText(e, nil)
		b.calendar = []byte(text)
		return err
	}
	if disp, _, err := e.Header.ContentDisposition(); err == nil && disp == "attachment" {
		return nil
	}
	switch mediatype {
	case "text/plain", "text":
		text, err := readText(e, params)
		b.addPlain(text)
		return err
	case "text/html":
		text, err := readText(e, params)
		if !b.haveHTML {
			b.html, b.haveHTML = text, true
		}
		return err
	}
	// Attachments, calendars, forwarded messages (message/rfc822): not the
	// sender's own words.
	return enterr
}

func (b *bodies) addPlain(text string) {
	if !b.havePlain {
		b.plain, b.havePlain = text, true
	}
}

func (b *bodies) walkMultipart(e *message.Entity, boundary string, depth int) error {
	mr := e.MultipartReader()
	var first error
	for n := 0; ; n++ {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) && n > 0 {
			return first
		}
		if p == nil {
			if n == 0 {
				return fmt.Errorf("multipart: boundary %q not found", boundary)
			}
			// The multipart itself is broken: nothing after this can
			// be found.
			return cmp.Or(first, fmt.Errorf("multipart part %d: %w", n+1, err))
		}
		if werr := b.walk(p, err, depth+1); werr != nil && first == nil {
			first = fmt.Errorf("multipart part %d: %w", n+1, werr)
		}
	}
}

// readText reads a leaf text part that go-message has already decoded from
// its transfer encoding and charset, and unflows format=flowed. On a
// decoding error it returns what it could read.
func readText(e *message.Entity, params map[string]string) (string, error) {
	data, err := io.ReadAll(io.LimitReader(e.Body, maxPartText))
	if err != nil {
		err = fmt.Errorf("%s body: %w", cmp.Or(e.Header.Get("Content-Transfer-Encoding"), "8bit"), err)
	}
	text := strings.ToValidUTF8(string(data), "\uFFFD")
	text = strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\r", "\n")
	if strings.EqualFold(params["format"], "flowed") {
		text = unflow(text, strings.EqualFold(params["delsp"], "yes"))
	}
	return text, err
}

// unflow joins the soft line breaks of format=flowed text (RFC 3676): a
// line ending in a space continues on the next line of the same quote
// depth. The signature separator "-- " is never joined.
func unflow(text string, delsp bool) string {
	lines := strings.Split(text, "\n")
	var out []string
	var cur strings.Builder
	curDepth, open := 0, false
	flush := func() {
		if open {
			prefix := strings.Repeat(">", curDepth)
			if curDepth > 0 {
				prefix += " "
			}
			out = append(out, prefix+cur.String())
			cur.Reset()
			open = false
		}
	}
	for _, line := range lines {
		depth := 0
		for depth < len(line) && line[depth] == '>' {
			depth++
		}
		content := strings.TrimPrefix(line[depth:], " ") // space-stuffing
		if open && depth != curDepth {
			flush()
		}
		soft := strings.HasSuffix(content, " ") && content != "-- "
		if soft && delsp {
			content = content[:len(content)-1]
		}
		cur.WriteString(content)
		curDepth, open = depth, true
		if !soft {
			flush()
		}
	}
	flush()
	return strings.Join(out, "\n")
}

// FirstID returns the first msg-id of a header value, bare.
func FirstID(v string) string {
	if ids := msgIDs(v); len(ids) > 0 {
		return ids[0]
	}
	return ""
}

var msgIDRE = regexp.MustCompile(`<([^<>\s]+)>`)

// msgIDs returns the msg-ids of a Message-ID, In-Reply-To or References
// value, bare. A lone id without brackets, as a few programs write it,
// counts too.
func msgIDs(v string) []string {
	var out []string
	for _, m := range msgIDRE.FindAllStringSubmatch(v, -1) {
		out = append(out, m[1])
	}
	if out == nil {
		if v = strings.TrimSpace(v); v != "" && !strings.ContainsAny(v, " \t<>()") && strings.Contains(v, "@") {
			out = append(out, v)
		}
	}
	return out
}

// BareID strips the angle brackets and spaces around a Message-ID.
func BareID(id string) string {
	return strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(id), "<"), ">")
}

// decodeHeader decodes the RFC 2047 encoded words of an unstructured
// header value, in any charset go-message knows; a value it cannot decode
// is kept as it came. Bytes that are not UTF-8 (raw 8-bit headers) become
// U+FFFD, so the subject is safe to log and store.
func decodeHeader(v string) string {
	var h message.Header
	h.Set("X", v)
	if out, err := h.Text("X"); err == nil {
		v = out
	}
	return strings.ToValidUTF8(v, "\uFFFD")
}

var angleAddrRE = regexp.MustCompile(`<([^<>\s]+@[^<>\s]+)>|([^<>\s",;:]+@[^<>\s",;:]+)`)

// parseAddresses reads the address list of header key, falling back to
// any email it can find in a value that the RFC 5322 parser refuses
// (unquoted dots or commas in names are common).
func parseAddresses(h mail.Header, key string) []Address {
	v := h.Get(key)
	if strings.TrimSpace(v) == "" {
		return nil
	}
	if list, err := h.AddressList(key); err == nil {
		out := make([]Address, 0, len(list))
		for _, a := range list {
			out = append(out, Address{Name: a.Name, Email: a.Address})
		}
		return out
	}
	var out []Address
	for _, m := range angleAddrRE.FindAllStringSubmatch(v, -1) {
		out = append(out, Address{Email: m[1] + m[2]})
	}
	return out
}

// htmlText turns an HTML body into plain text: tags dropped, entities
// decoded, blocks and <br> as line breaks, and <blockquote> as "> " quote
// marks, so that NewText finds the quoted part as in a plain text mail.
// The tokenizer of x/net/html finds where a tag ends, quoted attributes
// and all; the content of script, style, head and title is not text.
func htmlText(s string) string {
	var lines []string
	var cur strings.Builder
	depth := 0
	lineDepth := 0
	space := false
	hidden := 0 // inside script, style, head or title
	newline := func() {
		line := strings.TrimSpace(cur.String())
		prefix := strings.Repeat("> ", lineDepth)
		if line == "" {
			prefix = strings.TrimSpace(prefix)
		}
		lines = append(lines, prefix+line)
		cur.Reset()
		lineDepth = depth
		space = false
	}
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break // io.EOF: a string reader fails no other way
		}
		switch tt {
		case html.TextToken:
			if hidden > 0 {
				continue
			}
			for _, r := range string(z.Text()) {
				if r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\u00a0' {
					space = cur.Len() > 0
					continue
				}
				if cur.Len() == 0 {
					lineDepth = depth
				}
				if space {
					cur.WriteByte(' ')
					space = false
				}
				cur.WriteRune(r)
			}
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			tag := atom.Lookup(name)
			closing := tt == html.EndTagToken
			switch tag {
			case atom.Script, atom.Style, atom.Head, atom.Title:
				switch {
				case tt == html.StartTagToken:
					hidden++
				case closing:
					hidden = max(hidden-1, 0)
				}
			case atom.Body:
				hidden = 0 // a head left open ends where the body starts
			case atom.Br:
				newline()
			case atom.Blockquote:
				if cur.Len() > 0 {
					newline()
				}
				if closing {
					depth = max(depth-1, 0)
				} else {
					depth++
				}
				lineDepth = depth
			case atom.P, atom.Div, atom.Tr, atom.Li, atom.Ul, atom.Ol, atom.Table, atom.Hr,
				atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Pre:
				if cur.Len() > 0 {
					newline()
				}
				if tag == atom.P && closing {
					newline() // a paragraph ends with a blank line
				}
			}
		}
	}
	if cur.Len() > 0 {
		newline()
	}
	return collapseBlank(lines)
}

// collapseBlank joins lines, with at most one blank line in a row and none
// at either end.
func collapseBlank(lines []string) string {
	var out []string
	for _, l := range lines {
		l = strings.TrimRight(l, " \t")
		if l == "" && (len(out) == 0 || out[len(out)-1] == "") {
			continue
		}
		out = append(out, l)
	}
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return strings.Join(out, "\n")
}
