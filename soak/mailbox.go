package main

import (
	"fmt"
	"math/rand/v2"
	"net/mail"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emersion/go-imap/v2/imapserver"

	"github.com/onward-app/onward/internal/imaptest"
)

const (
	imapUser     = imaptest.User
	imapPassword = imaptest.Password
)

// mailbox is the user's IMAP mailbox (go-imap's in-memory server) with
// faults at the next FETCH, and the mail the soak planted in it.
type mailbox struct {
	srv *imaptest.Server
	ev  *events
	// faults is set while faults are on; each FETCH then meets a dropped
	// connection or a slow answer one time in twenty each.
	faults atomic.Bool

	mu sync.Mutex
	// strangers holds the Date (Unix ms) of every stranger's mail: a
	// record dated so came from one of them. Their seconds are 13, which
	// nothing else the soak writes has.
	strangerDates map[int64]time.Time  // Date (Unix ms) → when it was planted
	strangerWords map[string]time.Time // the token of its text → when
	strangers     int
	planted       map[string]int
}

func newMailbox(seed uint64, ev *events, count func(name, detail string)) (*mailbox, error) {
	srv, err := imaptest.New(imaptest.Options{})
	if err != nil {
		return nil, err
	}
	m := &mailbox{srv: srv, ev: ev, strangerDates: map[int64]time.Time{}, strangerWords: map[string]time.Time{}, planted: map[string]int{}}
	var rmu sync.Mutex
	rng := rand.New(rand.NewPCG(seed, 0x1a4a))
	hook := func(c *imapserver.Conn) error {
		if !m.faults.Load() {
			return nil
		}
		rmu.Lock()
		n := rng.IntN(20)
		rmu.Unlock()
		switch n {
		case 0:
			count("imap dropped connection", "at a FETCH")
			_ = c.NetConn().Close()
			return fmt.Errorf("dropped")
		case 1:
			count("imap slow FETCH", "answered 1.5s late")
			time.Sleep(1500 * time.Millisecond)
		}
		return nil
	}
	srv.OnFetch.Store(&hook)
	return m, nil
}

// renumber deletes the inbox and makes it anew, with a new UIDVALIDITY.
func (m *mailbox) renumber() {
	u := m.srv.Mailbox()
	_ = u.Delete("INBOX")
	_ = u.Create("INBOX", nil)
}

func (m *mailbox) put(kind string, raw []byte) {
	if _, err := m.srv.Append("INBOX", raw); err != nil {
		m.ev.add("imap: plant %s: %v", kind, err)
		return
	}
	m.mu.Lock()
	m.planted[kind]++
	m.mu.Unlock()

}

const rejection = "Thank you for your time. Unfortunately, we have decided not to move forward with your application."

// mail plants one mail: a recruiter's reply in a thread of onward's, the
// user's answer to a check-in, a stranger's mail with forged thread
// headers, or a message too large to read.
func (k *soak) mail(r *rand.Rand) {
	now := time.Now().Add(-time.Duration(1+r.IntN(30)) * time.Minute).Truncate(time.Minute)
	switch n := r.IntN(100); {
	case n < 30: // the recruiter answers a draft that went
		// A draft marked sent by hand may have no address: no one to answer.
		ids := k.s.pick(func(m *msg) bool { return m.Audience == "recruiter" && m.Status == "sent" && m.Recipient != "" })
		if len(ids) == 0 {
			return
		}
		slices.Sort(ids)
		m, _ := k.s.get(ids[r.IntN(len(ids))])
		body := "Thanks for your note, we will get back to you next week."
		if r.IntN(2) == 0 {
			body = rejection
		}
		if m.Kind == "feedback_request" {
			body = "Happy to share: we wanted more depth on distributed systems."
		}
		from := m.Recipient
		if as, err := mail.ParseAddressList(m.Recipient); err == nil && len(as) > 0 {
			from = as[0].String()
		}
		k.ev.add("mail: recruiter %s answers message %d (%s)", m.Recipient, m.ID, m.Kind)
		k.plant("recruiter reply", message(k.l.token("reply-")+"@recruiter.example", from, "Re: your note", body, now,
			"In-Reply-To: "+m.MessageID, "References: "+m.MessageID))
	case n < 55: // the user answers a learn or let-go check-in: a lesson
		ids := k.s.pick(func(m *msg) bool { return (m.Kind == "learn" || m.Kind == "let_go") && m.Status == "sent" })
		if len(ids) == 0 {
			return
		}
		slices.Sort(ids)
		m, _ := k.s.get(ids[r.IntN(len(ids))])
		t := k.l.token("mail-lesson-")
		k.l.mu.Lock()
		k.l.lessons[t] = true
		k.l.mu.Unlock()
		k.ev.add("mail: the user answers check-in %d: %s", m.ID, t)
		k.plant("user lesson", message(t+"@example.com", userName+" <"+userEmail+">", "Re: what did you learn",
			t+" I should have asked about the on-call rota.", now, "In-Reply-To: "+m.MessageID))
	case n < 92: // a stranger, in a thread of onward's
		ids := k.s.pick(func(m *msg) bool { return m.Status == "sent" || m.Status == "drafted" })
		if len(ids) == 0 {
			return
		}
		slices.Sort(ids)
		m, _ := k.s.get(ids[r.IntN(len(ids))])
		// 13 s past a minute before the soak began: the user's commands
		// date events at the moment they run, with milliseconds, and
		// an interview ahead at any second, so a stranger's date in the
		// run could be one of theirs by chance (it was, twice in a
		// ten-minute run). Nothing of the soak's own is dated before it.
		at := k.ev.start.Add(-time.Duration(1+r.IntN(30)) * time.Minute).Truncate(time.Minute).Add(13 * time.Second)
		k.imap.mu.Lock()
		t := k.l.token("stranger-")
		k.imap.strangerDates[at.UnixMilli()] = time.Now()
		k.imap.strangerWords[t] = time.Now()
		k.imap.strangers++
		k.imap.mu.Unlock()
		body := t + " " + rejection
		if r.IntN(2) == 0 {
			body = t + " I learned that onward believes anyone."
		}
		from := fmt.Sprintf("Mallory <mallory%d@stranger.example>", r.IntN(50))
		if r.IntN(4) == 0 {
			// The recruiter's own domain, another person.
			if _, dom, ok := strings.Cut(m.Recipient, "@"); ok && m.Audience == "recruiter" {
				from = "Eve <eve@" + dom + ">"
			}
		}
		k.ev.add("mail: stranger %s forges a thread to message %d (%s)", from, m.ID, m.Kind)
		k.plant("stranger", message(t+"@stranger.example", from, "Re: "+m.Kind, body, at,
			"In-Reply-To: "+m.MessageID, "References: <nothing@nowhere.example> "+m.MessageID))
	default: // too large to read
		k.ev.add("mail: a 2MB message")
		k.plant("large", message(k.l.token("large-")+"@big.example", "Big <big@big.example>", "A large attachment",
			strings.Repeat("0123456789abcdef\n", 2<<20/17), now))
	}
}

// message builds a small CRLF message dated at.
func message(id, from, subject, body string, at time.Time, extra ...string) []byte {
	var b strings.Builder
	for _, h := range extra {
		b.WriteString(h + "\r\n")
	}
	fmt.Fprintf(&b, "Message-ID: <%s>\r\nDate: %s\r\nFrom: %s\r\nTo: %s <%s>\r\n"+
		"Subject: %s\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n",
		id, at.Format(time.RFC1123Z), from, userName, userEmail, subject, strings.ReplaceAll(body, "\n", "\r\n"))
	return []byte(b.String())
}

// plant puts a mail in the inbox and counts it with the mailbox's faults:
// every mail is something the daemon must read right, or leave alone.
func (k *soak) plant(kind string, raw []byte) {
	k.imap.put(kind, raw)
	k.fmu.Lock()
	k.faults["imap mail: "+kind]++
	k.fmu.Unlock()
}
