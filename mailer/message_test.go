package mailer

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
	"testing"
	"time"
)

// mimeParts walks a parsed message and returns the decoded body of every
// leaf part, keyed by media type, or "attachment <name>" for attachments.
func mimeParts(t *testing.T, msg *mail.Message) map[string]string {
	t.Helper()
	parts := map[string]string{}
	var walk func(header textproto.MIMEHeader, body io.Reader)
	walk = func(header textproto.MIMEHeader, body io.Reader) {
		mediaType, params, err := mime.ParseMediaType(header.Get("Content-Type"))
		if err != nil {
			t.Fatalf("Content-Type %q: %v", header.Get("Content-Type"), err)
		}
		if strings.HasPrefix(mediaType, "multipart/") {
			r := multipart.NewReader(body, params["boundary"])
			for {
				p, err := r.NextRawPart()
				if err == io.EOF {
					return
				}
				if err != nil {
					t.Fatalf("multipart: %v", err)
				}
				walk(p.Header, p)
			}
		}
		switch strings.ToLower(header.Get("Content-Transfer-Encoding")) {
		case "quoted-printable":
			body = quotedprintable.NewReader(body)
		case "base64":
			body = base64.NewDecoder(base64.StdEncoding, body)
		}
		data, err := io.ReadAll(body)
		if err != nil {
			t.Fatalf("read %s part: %v", mediaType, err)
		}
		key := mediaType
		if disposition, dparams, err := mime.ParseMediaType(header.Get("Content-Disposition")); err == nil && disposition == "attachment" {
			key = "attachment " + dparams["filename"]
		}
		parts[key] = string(data)
	}
	walk(textproto.MIMEHeader(msg.Header), msg.Body)
	return parts
}

func TestWriteToFormat(t *testing.T) {
	t.Parallel()
	m := testMessage(42)
	m.HTML = "<p>Hello Dana,</p>"
	m.InReplyTo = "CAF=abc+123@mail.acme.example"
	m.AutoSubmitted = true
	var buf bytes.Buffer
	n, err := m.WriteTo(&buf)
	if err != nil {
		t.Fatalf("WriteTo: %v", err)
	}
	if n != int64(buf.Len()) {
		t.Errorf("WriteTo returned %d, wrote %d bytes", n, buf.Len())
	}
	raw := buf.String()
	if bare := strings.Count(raw, "\n") - strings.Count(raw, "\r\n"); bare != 0 {
		t.Errorf("%d line endings are not CRLF", bare)
	}
	for _, line := range strings.Split(raw, "\r\n") {
		if len(line) > 998 {
			t.Errorf("line longer than RFC 5322 allows: %q", line)
		}
	}
	parsed, err := mail.ReadMessage(strings.NewReader(raw))
	if err != nil {
		t.Fatalf("ReadMessage: %v", err)
	}
	checkReceived(t, m, buf.Bytes())
	mediaType, _, _ := mime.ParseMediaType(parsed.Header.Get("Content-Type"))
	if mediaType != "multipart/alternative" {
		t.Errorf("Content-Type = %q, want multipart/alternative", mediaType)
	}
	if got := parsed.Header.Get("References"); got != "<"+m.InReplyTo+">" {
		t.Errorf("References = %q", got)
	}
	if parsed.Header.Get("User-Agent") != "" || parsed.Header.Get("X-Mailer") != "" {
		t.Error("the message advertises the mail library")
	}
}

func TestWriteToRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(*Message)
		want   string
	}{
		{"subject with CRLF", func(m *Message) { m.Subject = "Hi\r\nBcc: evil@x.example" }, "subject"},
		{"subject with LF", func(m *Message) { m.Subject = "Hi\nBcc: evil@x.example" }, "subject"},
		{"subject with NUL", func(m *Message) { m.Subject = "Hi\x00" }, "subject"},
		{"To name with CRLF", func(m *Message) { m.To.Name = "Dana\r\nBcc: evil@x.example" }, "To"},
		{"From name with CR", func(m *Message) { m.From.Name = "Alex\rBcc: evil@x.example" }, "From"},
		{"To email with CRLF", func(m *Message) { m.To.Email = "dana@acme.example\r\nBcc: evil@x.example" }, "To"},
		{"empty To", func(m *Message) { m.To = Address{Name: "Dana"} }, "To"},
		{"empty From", func(m *Message) { m.From = Address{} }, "From"},
		{"To is not an address", func(m *Message) { m.To.Email = "dana at acme" }, "To"},
		{"two recipients in To", func(m *Message) { m.To.Email = "dana@acme.example, evil@x.example" }, "To"},
		{"Message-ID empty", func(m *Message) { m.MessageID = "" }, "Message-ID"},
		{"Message-ID in brackets", func(m *Message) { m.MessageID = "<onward.1@alex.example>" }, "Message-ID"},
		{"Message-ID with space", func(m *Message) { m.MessageID = "onward 1@alex.example" }, "Message-ID"},
		{"Message-ID without @", func(m *Message) { m.MessageID = "onward.1.alex.example" }, "Message-ID"},
		{"Message-ID with two @", func(m *Message) { m.MessageID = "a@b@alex.example" }, "Message-ID"},
		{"Message-ID with CRLF", func(m *Message) { m.MessageID = "a@b\r\nBcc: evil@x.example" }, "Message-ID"},
		{"In-Reply-To in brackets", func(m *Message) { m.InReplyTo = "<x@y>" }, "In-Reply-To"},
		{"no date", func(m *Message) { m.Date = time.Time{} }, "date"},
		{"no text", func(m *Message) { m.Text = "" }, "text"},
		{"attachment without name", func(m *Message) { m.Attachments = []Attachment{{Data: []byte("x")}} }, "attachment"},
		{"attachment name with CRLF", func(m *Message) { m.Attachments = []Attachment{{Name: "a\r\nb.txt"}} }, "attachment"},
		{"attachment type with CRLF", func(m *Message) {
			m.Attachments = []Attachment{{Name: "a.txt", ContentType: "text/plain\r\nBcc: evil@x.example"}}
		}, "content type"},
		{"attachment type invalid", func(m *Message) { m.Attachments = []Attachment{{Name: "a.txt", ContentType: "text/"}} }, "content type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := testMessage(1)
			tt.change(m)
			var buf bytes.Buffer
			n, err := m.WriteTo(&buf)
			if err == nil {
				t.Fatalf("WriteTo succeeded:\n%s", buf.String())
			}
			if !errors.Is(err, ErrInvalidMessage) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("WriteTo = %v, want ErrInvalidMessage mentioning %q", err, tt.want)
			}
			if n != 0 || buf.Len() != 0 {
				t.Errorf("WriteTo wrote %d bytes of an invalid message", buf.Len())
			}
			if strings.ContainsAny(err.Error(), "\r\n") {
				t.Errorf("error %q carries a line break", err)
			}
		})
	}
}

func TestDisplayNamesRoundTrip(t *testing.T) {
	t.Parallel()
	names := []string{
		`Dana Reyes`,
		`Reyes, Dana`,
		`Dana "DR" Reyes`,
		`Reyes, "Dana" — Zoë Ünal`,
		`O'Brien (HR), ACME`,
		`back\slash; semi: colon <angle>`,
		`=?utf-8?q?not_an_encoded_word?=`,
		`山田 太郎`,
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			m := testMessage(1)
			m.To.Name = name
			m.From.Name = name
			var buf bytes.Buffer
			if _, err := m.WriteTo(&buf); err != nil {
				t.Fatalf("WriteTo: %v", err)
			}
			parsed, err := mail.ReadMessage(&buf)
			if err != nil {
				t.Fatalf("ReadMessage: %v", err)
			}
			for _, field := range []string{"To", "From"} {
				list, err := parsed.Header.AddressList(field)
				if err != nil || len(list) != 1 {
					t.Fatalf("%s %q parses as %v (%v), want one address", field, parsed.Header.Get(field), list, err)
				}
				if list[0].Name != name || list[0].Address != m.To.Email && list[0].Address != m.From.Email {
					t.Errorf("%s = %q <%s>, want %q", field, list[0].Name, list[0].Address, name)
				}
			}
		})
	}
}
