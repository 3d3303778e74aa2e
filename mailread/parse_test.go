package mailread

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func crlfText(lines ...string) []byte { return []byte(strings.Join(lines, "\r\n")) }

func TestParseMailHeader(t *testing.T) {
	t.Parallel()
	raw := crlfText(
		"Message-ID: <CAB1234=xyz@mail.gmail.com>",
		"In-Reply-To: <onward.1a2b@alex.example> (Alex's message)",
		"References: <first@acme.example>",
		" <onward.1a2b@alex.example>",
		"From: =?utf-8?q?Zo=C3=AB_Reyes?= <Zoe@Acme.example>",
		`To: "Example, Alex" <alex@alex.example>, other@alex.example`,
		"Subject: =?iso-8859-1?q?Re=3A_Caf=E9_chat?=",
		"Date: Mon, 8 Jan 2024 10:02:00 +0100",
		"",
		"Thanks, see you then.",
	)
	m, err := ParseMail(raw)
	if err != nil {
		t.Fatal(err)
	}
	want := Mail{
		MessageID:  "CAB1234=xyz@mail.gmail.com",
		InReplyTo:  "onward.1a2b@alex.example",
		References: []string{"first@acme.example", "onward.1a2b@alex.example"},
		From:       Address{Name: "Zoë Reyes", Email: "Zoe@Acme.example"},
		To:         []Address{{Name: "Example, Alex", Email: "alex@alex.example"}, {Email: "other@alex.example"}},
		Subject:    "Re: Café chat",
		Text:       "Thanks, see you then.",
	}
	if m.MessageID != want.MessageID || m.InReplyTo != want.InReplyTo || !slices.Equal(m.References, want.References) ||
		m.From != want.From || !slices.Equal(m.To, want.To) || m.Subject != want.Subject || m.Text != want.Text || m.AutoReply {
		t.Errorf("ParseMail =\n%+v\nwant\n%+v", m, want)
	}
	if !m.Date.Equal(time.Date(2024, 1, 8, 9, 2, 0, 0, time.UTC)) {
		t.Errorf("Date = %v", m.Date)
	}
	if got := m.ThreadIDs(); !slices.Equal(got, []string{"onward.1a2b@alex.example", "first@acme.example"}) {
		t.Errorf("ThreadIDs = %q", got)
	}
}

func TestParseMailBody(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		raw     []byte
		text    string // Text
		newText string // NewText(Text), when it differs
	}{
		{
			name: "no Content-Type, LF line ends",
			raw:  []byte("Message-ID: <a@x>\nSubject: hi\n\nline one\nline two\n"),
			text: "line one\nline two\n",
		},
		{
			name: "quoted-printable UTF-8 with a soft break",
			raw: crlfText("Content-Type: text/plain; charset=UTF-8", "Content-Transfer-Encoding: quoted-printable", "",
				"Gr=C3=BC=C3=9Fe, we decided to move forward with other candi=", "dates."),
			text: "Grüße, we decided to move forward with other candidates.",
		},
		{
			name: "base64 ISO-8859-1",
			raw:  crlfText("Content-Type: text/plain; charset=iso-8859-1", "Content-Transfer-Encoding: base64", "", "Q2Fm6SBhdCAxMD8=", ""),
			text: "Café at 10?",
		},
		{
			name: "windows-1252 smart quotes",
			raw:  append(crlfText("Content-Type: text/plain; charset=windows-1252", "", ""), []byte("we won\x92t be moving forward.")...),
			text: "we won\u2019t be moving forward.",
		},
		{
			name: "ISO-8859-1 label on windows-1252 text, as Outlook sends it",
			raw:  append(crlfText("Content-Type: text/plain; charset=ISO-8859-1", "", ""), []byte("we won\x92t be moving forward, caf\xe9")...),
			text: "we won\u2019t be moving forward, café",
		},
		{
			name: "unknown charset read as UTF-8",
			raw:  append(crlfText("Content-Type: text/plain; charset=x-unknown", "", ""), []byte("ok \xff")...),
			text: "ok \uFFFD",
		},
		{
			name: "format=flowed",
			raw: crlfText("Content-Type: text/plain; charset=utf-8; format=flowed", "", "This is a long line that ", "goes on.",
				"", "> quoted and ", "> flowed", "-- ", "Alex"),
			text:    "This is a long line that goes on.\n\n> quoted and flowed\n-- \nAlex",
			newText: "This is a long line that goes on.",
		},
		{
			name: "multipart/alternative prefers the plain part",
			raw: crlfText("Content-Type: multipart/alternative; boundary=\"b1\"", "", "--b1",
				"Content-Type: text/plain; charset=utf-8", "", "Plain words.", "--b1",
				"Content-Type: text/html; charset=utf-8", "", "<p>HTML words.</p>", "--b1--", ""),
			text: "Plain words.",
		},
		{
			name: "mixed with an attached text file",
			raw: crlfText("Content-Type: multipart/mixed; boundary=outer", "", "--outer",
				"Content-Type: text/plain; charset=utf-8", "Content-Disposition: attachment; filename=\"notes.txt\"", "", "attached notes", "--outer",
				"Content-Type: multipart/alternative; boundary=inner", "", "--inner",
				"Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: quoted-printable", "", "The body=3D", "--inner--",
				"--outer--", ""),
			text: "The body=",
		},
		{
			name: "Gmail HTML only: the blockquote becomes a quote",
			raw: crlfText("Content-Type: text/html; charset=UTF-8", "", `<div dir="ltr">Listen more,&nbsp;talk less.<br></div>`+
				`<br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">On Mon, Jan 8, 2024 at 10:02 AM onward &lt;alex@alex.example&gt; wrote:<br></div>`+
				`<blockquote class="gmail_quote" style="margin:0px"><div>Hi Alex,</div><div>What did you learn?</div></blockquote></div>`),
			text:    "Listen more, talk less.\n\nOn Mon, Jan 8, 2024 at 10:02 AM onward <alex@alex.example> wrote:\n> Hi Alex,\n> What did you learn?",
			newText: "Listen more, talk less.",
		},
		{
			name: "Outlook HTML only: the header block",
			raw: crlfText("Content-Type: text/html; charset=utf-8", "", `<html><head><style>p{margin:0}</style></head><body>`+
				`<div>I should prepare questions for them.</div><hr><div id="divRplyFwdMsg"><b>From:</b> onward &lt;alex@alex.example&gt;<br>`+
				`<b>Sent:</b> Monday, January 8, 2024 10:02<br><b>To:</b> Alex<br><b>Subject:</b> Acme</div><div>What did you learn?</div></body></html>`),
			text: "I should prepare questions for them.\nFrom: onward <alex@alex.example>\nSent: Monday, January 8, 2024 10:02\nTo: Alex\nSubject: Acme\n" +
				"What did you learn?",
			newText: "I should prepare questions for them.",
		},
		{
			name: "HTML: a quoted > inside an attribute is not the tag's end",
			raw:  crlfText("Content-Type: text/html; charset=utf-8", "", `<p><a title="a>b" href="x">text</a> and <img alt='1 > 0'>more</p>`),
			text: "text and more",
		},
		{
			name: "HTML: script, style, comments and head are not text",
			raw: crlfText("Content-Type: text/html; charset=utf-8", "", `<html><head><title>Mail</title><style>p > a { color: red }</style></head>`+
				`<body><!-- <p>hidden</p> --><script>if (a < b && c > d) { document.write("<p>no</p>") }</script><p>Hello.</p></body></html>`),
			text: "Hello.",
		},
		{
			name: "HTML: a head left open still shows the body",
			raw:  crlfText("Content-Type: text/html; charset=utf-8", "", `<head><meta charset="utf-8"><body><div>Still here.</div>`),
			text: "Still here.",
		},
		{
			name: "quoted-printable windows-1252",
			raw: crlfText("Content-Type: text/plain; charset=windows-1252", "Content-Transfer-Encoding: quoted-printable", "",
				"=93We=92ll be in touch=94 =96 caf=E9 at 10=80."),
			text: "\u201cWe\u2019ll be in touch\u201d \u2013 café at 10\u20ac.",
		},
		{
			name: "base64 with spaces in its lines",
			raw:  crlfText("Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: base64", "", "  SGVs bG8s", "\tIHdv cmxk", ""),
			text: "Hello, world",
		},
		{
			name: "nested multiparts three deep, HTML in base64 windows-1252",
			raw: crlfText("Content-Type: multipart/mixed; boundary=a", "", "preamble", "--a",
				"Content-Type: multipart/alternative; boundary=b", "", "--b",
				"Content-Type: multipart/related; boundary=c", "", "--c",
				"Content-Type: text/html; charset=windows-1252", "Content-Transfer-Encoding: base64", "",
				"PHA+V2WSZCBsb3ZlIHRvIGNoYXQuPC9wPg==", "--c",
				"Content-Type: image/png", "Content-Transfer-Encoding: base64", "", "iVBORw0KGgo=", "--c--",
				"--b--", "--a",
				"Content-Type: application/pdf", "Content-Disposition: attachment; filename=cv.pdf", "", "%PDF-1.4", "--a--", ""),
			text: "We\u2019d love to chat.",
		},
		{
			name: "ISO-8859-1 quoted-printable HTML after an empty plain part",
			raw: crlfText("Content-Type: multipart/alternative; boundary=x", "", "--x",
				"Content-Type: text/plain; charset=iso-8859-1", "", "  ", "--x",
				"Content-Type: text/html; charset=iso-8859-1", "Content-Transfer-Encoding: quoted-printable", "",
				"<div>Gr=FC=DFe aus M=FCnchen</div>", "--x--", ""),
			text: "Grüße aus München",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m, err := ParseMail(tt.raw)
			if err != nil {
				t.Fatalf("ParseMail: %v", err)
			}
			if m.Text != tt.text {
				t.Errorf("Text =\n%q\nwant\n%q", m.Text, tt.text)
			}
			want := tt.newText
			if want == "" {
				want = strings.TrimSpace(tt.text)
			}
			if got := NewText(m.Text); got != want {
				t.Errorf("NewText =\n%q\nwant\n%q", got, want)
			}
		})
	}
}

func TestParseMailInvalid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		raw    []byte
		id     string // still read
		text   string // still read
		errMsg string
	}{
		{"not a message at all", []byte("\x00\xffthis is not mail\n"), "", "", "header"},
		{"empty", nil, "", "", "header"},
		{"multipart without a boundary", crlfText("Message-ID: <m1@x>", "Content-Type: multipart/mixed", "", "text"), "m1@x", "", "boundary"},
		{"boundary never appears", crlfText("Message-ID: <m2@x>", "Content-Type: multipart/mixed; boundary=zz", "", "just text", ""), "m2@x", "", "boundary"},
		{"missing the closing boundary", crlfText("Message-ID: <m3@x>", "Content-Type: multipart/mixed; boundary=zz", "", "--zz",
			"Content-Type: text/plain", "", "cut off here"), "m3@x", "cut off here", "part 1"},
		{"corrupt base64", crlfText("Message-ID: <m4@x>", "Content-Type: text/plain", "Content-Transfer-Encoding: base64", "", "SGk=%%%"), "m4@x", "Hi", "base64"},
		{"unparsable Content-Type", crlfText("Message-ID: <m5@x>", "Content-Type: /", "", "still readable"), "m5@x", "still readable", "Content-Type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m, err := ParseMail(tt.raw)
			if err == nil || !strings.Contains(err.Error(), tt.errMsg) {
				t.Fatalf("ParseMail: %v; want an error about %q", err, tt.errMsg)
			}
			if m.MessageID != tt.id || !strings.HasPrefix(m.Text, tt.text) || len(m.Raw) != len(tt.raw) {
				t.Errorf("ParseMail kept %+v", m)
			}
		})
	}
}

func TestParseMailAddressFallback(t *testing.T) {
	t.Parallel()
	// An unquoted comma in the name: net/mail refuses it, mail programs
	// show it anyway.
	m, err := ParseMail(crlfText("From: Reyes, Dana <dana@acme.example>", "Auto-Submitted: auto-replied", "", "Away."))
	if err != nil {
		t.Fatal(err)
	}
	if m.From.Email != "dana@acme.example" || !m.AutoReply {
		t.Errorf("From = %+v, AutoReply = %v", m.From, m.AutoReply)
	}
}

func TestParseMailEncodedWords(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, subject, from string
		wantSubject         string
		wantFrom            Address
	}{
		{"B in UTF-8, Q in ISO-8859-1", "=?UTF-8?B?UmU6IEludGVydmlldyDinIU=?=", "=?iso-8859-1?q?J=F6rg_M=FCller?= <jorg@acme.example>",
			"Re: Interview \u2705", Address{Name: "Jörg Müller", Email: "jorg@acme.example"}},
		{"windows-1252, split over two words", "=?windows-1252?Q?=93Next_steps=94?= =?windows-1252?Q?_=96_Acme?=",
			"=?windows-1252?B?UmVu6WUgTOl2eQ==?= <renee@acme.example>",
			"\u201cNext steps\u201d \u2013 Acme", Address{Name: "Renée Lévy", Email: "renee@acme.example"}},
		{"unknown charset left as it came", "=?x-nonesuch?q?abc?=", "Dana <dana@acme.example>",
			"=?x-nonesuch?q?abc?=", Address{Name: "Dana", Email: "dana@acme.example"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m, err := ParseMail(crlfText("Subject: "+tt.subject, "From: "+tt.from, "", "Hi."))
			if err != nil {
				t.Fatal(err)
			}
			if m.Subject != tt.wantSubject || m.From != tt.wantFrom {
				t.Errorf("Subject = %q, From = %+v; want %q, %+v", m.Subject, m.From, tt.wantSubject, tt.wantFrom)
			}
		})
	}
}

// A broken part is reported, and the parts after it are still read.
func TestParseMailBrokenPartKeepsTheRest(t *testing.T) {
	t.Parallel()
	raw := crlfText("Message-ID: <m6@x>", "Content-Type: multipart/mixed; boundary=zz", "", "--zz",
		"Content-Type: multipart/alternative", "", "no boundary here", "--zz",
		"Content-Type: text/html; charset=utf-8", "Content-Transfer-Encoding: base64", "", "PHA+SGk8L3A+%%%", "--zz",
		"Content-Type: text/plain; charset=utf-8", "", "The real words.", "--zz--", "")
	m, err := ParseMail(raw)
	if err == nil || !strings.Contains(err.Error(), "part 1") || !strings.Contains(err.Error(), "boundary") {
		t.Errorf("ParseMail error = %v; want one about part 1's boundary", err)
	}
	if m.MessageID != "m6@x" || m.Text != "The real words." {
		t.Errorf("ParseMail kept ID %q, Text %q; want the third part's text", m.MessageID, m.Text)
	}
}

func FuzzParseMail(f *testing.F) {
	f.Add(crlfText("Content-Type: multipart/alternative; boundary=b", "", "--b", "Content-Type: text/plain", "", "hi", "--b--"))
	f.Add(crlfText("Content-Type: text/html; charset=windows-1252", "Content-Transfer-Encoding: quoted-printable", "",
		`<blockquote><a title=3D"a>b">x</a></blockquote><script>y</script>`))
	f.Add(crlfText("Subject: =?utf-8?b?w6k=?=", "From: a@b", "", "x"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, _ := ParseMail(raw)
		if !utf8.ValidString(m.Text) || !utf8.ValidString(m.Subject) {
			t.Errorf("ParseMail(%q) gave text that is not UTF-8: %q, %q", raw, m.Subject, m.Text)
		}
		if !bytes.Equal(m.Raw, raw) {
			t.Errorf("ParseMail lost Raw")
		}
	})
}
