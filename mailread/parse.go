package mailread

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"html"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"regexp"
	"strings"
	"time"

	"golang.org/x/text/encoding/htmlindex"
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
	Raw  []byte
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

// wordDecoder decodes RFC 2047 encoded words in any charset x/text knows.
var wordDecoder = &mime.WordDecoder{CharsetReader: func(charset string, r io.Reader) (io.Reader, error) {
	enc, err := htmlindex.Get(charset)
	if err != nil {
		return nil, fmt.Errorf("unknown charset %q", charset)
	}
	return enc.NewDecoder().Reader(r), nil
}}

// ParseMail reads a raw RFC 5322 message: its ids, sender, recipients,
// subject and date, whether it is automatic, and its text. It decodes
// quoted-printable and base64, any charset (utf-8, us-ascii, iso-8859-1,
// windows-1252 and the rest of the WHATWG list; an unknown one is read as
// UTF-8), format=flowed, and HTML when there is no text/plain part. It is
// lenient: on error the Mail holds what could be read, and Raw always.
func ParseMail(raw []byte) (Mail, error) {
	m := Mail{Raw: raw}
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return m, fmt.Errorf("mailread: parse message: header: %w", err)
	}
	h := msg.Header
	m.MessageID = FirstID(h.Get("Message-ID"))
	m.InReplyTo = FirstID(h.Get("In-Reply-To"))
	m.References = msgIDs(h.Get("References"))
	if as := parseAddresses(h.Get("From")); len(as) > 0 {
		m.From = as[0]
	}
	m.To = parseAddresses(h.Get("To"))
	m.Subject = decodeHeader(h.Get("Subject"))
	m.Date, _ = h.Date()
	m.AutoReply = IsAutoReply(h)

	var b bodies
	err = b.walk(textproto.MIMEHeader(h), msg.Body, 0)
	m.Text = b.text()
	if err != nil {
		return m, fmt.Errorf("mailread: parse message %s: %w", m.MessageID, err)
	}
	return m, nil
}

// bodies collects the first text/plain and the first text/html part that
// are not attachments.
type bodies struct {
	plain, html         string
	havePlain, haveHTML bool
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

func (b *bodies) walk(h textproto.MIMEHeader, body io.Reader, depth int) error {
	if depth > maxDepth {
		return errors.New("multiparts nested too deep")
	}
	ctype := h.Get("Content-Type")
	mediatype, params, perr := mime.ParseMediaType(ctype)
	switch {
	case ctype == "":
		// RFC 2045 section 5.2: plain US-ASCII text.
		mediatype = "text/plain"
	case perr != nil && mediatype == "":
		// Keep the text readable for the caller; say why it is suspect.
		text, _ := decodePart(h, body, nil)
		b.addPlain(text)
		return fmt.Errorf("Content-Type %q: %w", ctype, perr)
	}
	if strings.HasPrefix(mediatype, "multipart/") {
		return b.walkMultipart(params["boundary"], body, depth)
	}
	if attachment(h) {
		return nil
	}
	switch mediatype {
	case "text/plain", "text":
		text, err := decodePart(h, body, params)
		b.addPlain(text)
		return err
	case "text/html":
		text, err := decodePart(h, body, params)
		if !b.haveHTML {
			b.html, b.haveHTML = text, true
		}
		return err
	}
	// Attachments, calendars, forwarded messages (message/rfc822): not the
	// sender's own words.
	return nil
}

func (b *bodies) addPlain(text string) {
	if !b.havePlain {
		b.plain, b.havePlain = text, true
	}
}

func (b *bodies) walkMultipart(boundary string, body io.Reader, depth int) error {
	if boundary == "" {
		return errors.New("multipart without a boundary")
	}
	mr := multipart.NewReader(body, boundary)
	for n := 0; ; n++ {
		// NextRawPart: NextPart would decode quoted-printable itself and
		// hide the header that says so.
		p, err := mr.NextRawPart()
		if errors.Is(err, io.EOF) && n > 0 {
			return nil
		}
		if err != nil {
			if n == 0 {
				return fmt.Errorf("multipart: boundary %q not found", boundary)
			}
			return fmt.Errorf("multipart part %d: %w", n+1, err)
		}
		if err := b.walk(p.Header, p, depth+1); err != nil {
			return fmt.Errorf("multipart part %d: %w", n+1, err)
		}
	}
}

func attachment(h textproto.MIMEHeader) bool {
	d, _, err := mime.ParseMediaType(h.Get("Content-Disposition"))
	return err == nil && d == "attachment"
}

// decodePart reads a leaf part: transfer encoding, then charset, then
// format=flowed. On a decoding error it returns what it could read.
func decodePart(h textproto.MIMEHeader, body io.Reader, params map[string]string) (string, error) {
	var r io.Reader = body
	switch cte := strings.ToLower(strings.TrimSpace(h.Get("Content-Transfer-Encoding"))); cte {
	case "quoted-printable":
		r = quotedprintable.NewReader(r)
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, &spaceless{r: bufio.NewReader(r)})
	}
	data, err := io.ReadAll(io.LimitReader(r, maxPartText))
	if err != nil {
		err = fmt.Errorf("%s body: %w", h.Get("Content-Transfer-Encoding"), err)
	}
	text := decodeCharset(data, params["charset"])
	text = strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\r", "\n")
	if strings.EqualFold(params["format"], "flowed") {
		text = unflow(text, strings.EqualFold(params["delsp"], "yes"))
	}
	return text, err
}

// spaceless drops the spaces and tabs that some mailers leave in base64,
// which encoding/base64 rejects (it skips only CR and LF).
type spaceless struct{ r *bufio.Reader }

func (s *spaceless) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		c, err := s.r.ReadByte()
		if err != nil {
			if n > 0 {
				return n, nil
			}
			return 0, err
		}
		if c != ' ' && c != '\t' {
			p[n] = c
			n++
		}
		if s.r.Buffered() == 0 && n > 0 {
			break
		}
	}
	return n, nil
}

// decodeCharset turns data in charset into valid UTF-8. An unknown charset
// is read as UTF-8, with what is not UTF-8 replaced.
func decodeCharset(data []byte, charset string) string {
	cs := strings.ToLower(strings.TrimSpace(charset))
	switch cs {
	case "", "utf-8", "utf8", "us-ascii", "ascii":
	default:
		if enc, err := htmlindex.Get(cs); err == nil {
			if out, err := enc.NewDecoder().Bytes(data); err == nil {
				return string(out)
			}
		}
	}
	return strings.ToValidUTF8(string(data), "\uFFFD")
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

func decodeHeader(v string) string {
	if out, err := wordDecoder.DecodeHeader(v); err == nil {
		return out
	}
	return v
}

var angleAddrRE = regexp.MustCompile(`<([^<>\s]+@[^<>\s]+)>|([^<>\s",;:]+@[^<>\s",;:]+)`)

// parseAddresses reads an address list, falling back to any email it can
// find in a value that net/mail refuses (unquoted dots or commas in names
// are common).
func parseAddresses(v string) []Address {
	if strings.TrimSpace(v) == "" {
		return nil
	}
	p := mail.AddressParser{WordDecoder: wordDecoder}
	if list, err := p.ParseList(v); err == nil {
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
func htmlText(s string) string {
	s = htmlNoiseRE.ReplaceAllString(s, "")
	var lines []string
	var cur strings.Builder
	depth := 0
	lineDepth := 0
	space := false
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
	for len(s) > 0 {
		lt := strings.IndexByte(s, '<')
		if lt < 0 {
			lt = len(s)
		}
		for _, r := range html.UnescapeString(s[:lt]) {
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
		s = s[lt:]
		if s == "" {
			break
		}
		gt := strings.IndexByte(s, '>')
		if gt < 0 {
			break
		}
		tag := strings.ToLower(strings.TrimLeft(s[1:gt], "/ "))
		closing := strings.HasPrefix(s[1:], "/")
		if i := strings.IndexAny(tag, " \t\r\n/"); i >= 0 {
			tag = tag[:i]
		}
		s = s[gt+1:]
		switch tag {
		case "br":
			newline()
		case "blockquote":
			if cur.Len() > 0 {
				newline()
			}
			if closing {
				depth = max(depth-1, 0)
			} else {
				depth++
			}
			lineDepth = depth
		case "p", "div", "tr", "li", "ul", "ol", "table", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "pre":
			if cur.Len() > 0 {
				newline()
			}
			if tag == "p" && closing {
				newline() // a paragraph ends with a blank line
			}
		}
	}
	if cur.Len() > 0 {
		newline()
	}
	return collapseBlank(lines)
}

var htmlNoiseRE = regexp.MustCompile(`(?is)<!--.*?-->|<(script|style|head|title)\b.*?</(script|style|head|title)\s*>`)

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
