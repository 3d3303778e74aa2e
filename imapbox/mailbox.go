package imapbox

import (
	"bytes"
	"context"
	"fmt"
	"net/mail"
	"slices"
	"strings"

	"github.com/onward-app/onward/mailread"

	"github.com/emersion/go-imap/v2"
)

// Names tried, in order, when the server marks no mailbox with the
// special-use attribute (RFC 6154). "Sent Items" is Outlook's and
// Exchange's, "Sent Messages" Apple Mail's.
var (
	draftsNames = []string{"Drafts"}
	sentNames   = []string{"Sent", "Sent Items", "Sent Messages", "Sent Mail"}
)

// DraftsMailbox returns the mailbox drafts go to: the configured
// DraftsMailbox if set, else the one with the \Drafts special-use
// attribute, else one named Drafts (also as the last part of a path such as
// INBOX.Drafts). It returns an error wrapping ErrNoMailbox when there is
// none. The answer is kept for the life of the Client.
func (c *Client) DraftsMailbox(ctx context.Context) (string, error) {
	end, err := c.begin(ctx)
	if err != nil {
		return "", fmt.Errorf("imapbox: find the drafts mailbox: %w", err)
	}
	defer end()
	return c.draftsMailbox(ctx)
}

// SentMailbox is DraftsMailbox for sent mail: the configured SentMailbox,
// else \Sent, else one named Sent, Sent Items, Sent Messages or Sent Mail.
func (c *Client) SentMailbox(ctx context.Context) (string, error) {
	end, err := c.begin(ctx)
	if err != nil {
		return "", fmt.Errorf("imapbox: find the sent mailbox: %w", err)
	}
	defer end()
	return c.sentMailbox(ctx)
}

func (c *Client) sentMailbox(ctx context.Context) (string, error) {
	if c.sent == "" {
		name, err := c.findMailbox(ctx, c.sentOverride, imap.MailboxAttrSent, sentNames)
		if err != nil {
			return "", fmt.Errorf("imapbox: find the sent mailbox: %w", err)
		}
		c.sent = name
	}
	return c.sent, nil
}

func (c *Client) draftsMailbox(ctx context.Context) (string, error) {
	if c.drafts == "" {
		name, err := c.findMailbox(ctx, c.draftsOverride, imap.MailboxAttrDrafts, draftsNames)
		if err != nil {
			return "", fmt.Errorf("imapbox: find the drafts mailbox: %w", err)
		}
		c.drafts = name
	}
	return c.drafts, nil
}

func (c *Client) findMailbox(ctx context.Context, override string, attr imap.MailboxAttr, names []string) (string, error) {
	// Servers with SPECIAL-USE but without LIST-EXTENDED return the
	// attributes in a plain LIST; the others only when asked.
	var opts *imap.ListOptions
	if c.caps.Has(imap.CapSpecialUse) && c.caps.Has(imap.CapListExtended) {
		opts = &imap.ListOptions{ReturnSpecialUse: true}
	}
	c.conn.arm()
	list, err := c.ic.List("", "*", opts).Collect()
	if err != nil {
		return "", c.fail(ctx, err)
	}
	list = slices.DeleteFunc(list, func(m *imap.ListData) bool {
		return slices.ContainsFunc(m.Attrs, func(a imap.MailboxAttr) bool {
			return strings.EqualFold(string(a), string(imap.MailboxAttrNoSelect)) ||
				strings.EqualFold(string(a), string(imap.MailboxAttrNonExistent))
		})
	})
	if override != "" {
		for _, m := range list {
			if m.Mailbox == override || strings.EqualFold(override, "INBOX") && strings.EqualFold(m.Mailbox, "INBOX") {
				return m.Mailbox, nil
			}
		}
		return "", fmt.Errorf("%w: the configured mailbox %q does not exist", ErrNoMailbox, override)
	}
	for _, m := range list {
		if slices.ContainsFunc(m.Attrs, func(a imap.MailboxAttr) bool { return strings.EqualFold(string(a), string(attr)) }) {
			return m.Mailbox, nil
		}
	}
	for _, name := range names {
		for _, m := range list {
			if m.Mailbox == name {
				return m.Mailbox, nil
			}
		}
	}
	for _, name := range names {
		for _, m := range list {
			last := m.Mailbox
			if m.Delim != 0 {
				last = last[strings.LastIndex(last, string(m.Delim))+1:]
			}
			if strings.EqualFold(last, name) {
				return m.Mailbox, nil
			}
		}
	}
	return "", fmt.Errorf("%w: no mailbox has the %s attribute and none is named %s; name one in the config",
		ErrNoMailbox, attr, strings.Join(names, ", "))
}

// AppendDraft puts raw, a complete RFC 5322 message whose Message-ID is
// messageID, into the drafts mailbox with the \Draft flag, unless a message
// with that Message-ID is already there: a retry or a restart never leaves
// two copies. It reports whether it appended. The flag is \Draft alone, as
// mail programs save drafts; without \Seen the draft counts as unread,
// which draws the user's eye to it.
func (c *Client) AppendDraft(ctx context.Context, raw []byte, messageID string) (appended bool, err error) {
	return c.appendOnce(ctx, "draft", c.draftsMailbox, imap.FlagDraft, raw, messageID)
}

// AppendSent puts raw, a message onward sent for the user, into the sent
// mailbox with the \Seen flag, as a mail program keeps what it sent,
// unless a message with its Message-ID is there already (the server, or
// an earlier try, may have filed it). It reports whether it appended.
func (c *Client) AppendSent(ctx context.Context, raw []byte, messageID string) (appended bool, err error) {
	return c.appendOnce(ctx, "sent message", c.sentMailbox, imap.FlagSeen, raw, messageID)
}

// appendOnce appends raw to the mailbox find names, with flag, unless a
// message with its Message-ID is there already.
func (c *Client) appendOnce(ctx context.Context, what string, find func(context.Context) (string, error),
	flag imap.Flag, raw []byte, messageID string) (appended bool, err error) {
	id := mailread.BareID(messageID)
	if err := checkDraft(raw, id); err != nil {
		return false, fmt.Errorf("imapbox: append %s %s: %w", what, messageID, err)
	}
	raw = crlf(raw)

	end, err := c.begin(ctx)
	if err != nil {
		return false, fmt.Errorf("imapbox: append %s %s: %w", what, id, err)
	}
	defer end()
	mbox, err := find(ctx)
	if err != nil {
		return false, fmt.Errorf("imapbox: append %s %s: %w", what, id, err)
	}
	found, err := c.hasMessageID(ctx, mbox, id)
	if err != nil {
		return false, fmt.Errorf("imapbox: append %s %s: %w", what, id, err)
	}
	if found {
		return false, nil
	}
	c.conn.arm()
	cmd := c.ic.Append(mbox, int64(len(raw)), &imap.AppendOptions{Flags: []imap.Flag{flag}})
	_, werr := cmd.Write(raw)
	cerr := cmd.Close()
	if _, err := cmd.Wait(); err != nil {
		if isNoMailbox(err) {
			err = fmt.Errorf("%w %q: %w", ErrNoMailbox, mbox, err)
		}
		return false, fmt.Errorf("imapbox: append %s %s to %s: %w", what, id, mbox, c.fail(ctx, err))
	}
	if werr != nil || cerr != nil {
		return false, fmt.Errorf("imapbox: append %s %s to %s: %w", what, id, mbox, c.fail(ctx, firstErr(werr, cerr)))
	}
	return true, nil
}

// checkDraft refuses a draft whose own Message-ID is not id: the search
// that keeps AppendDraft idempotent would never find it.
func checkDraft(raw []byte, id string) error {
	if id == "" || strings.ContainsAny(id, " \t\r\n<>\x00") {
		return fmt.Errorf("message ID %q is not a bare msg-id", id)
	}
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return fmt.Errorf("not a valid message: %w", err)
	}
	if got := mailread.FirstID(m.Header.Get("Message-ID")); got != id {
		return fmt.Errorf("the message's own Message-ID is %q, not %q", got, id)
	}
	return nil
}

// HasMessageID reports whether mailbox holds a message, not marked
// \Deleted, whose Message-ID is messageID (with or without angle
// brackets).
func (c *Client) HasMessageID(ctx context.Context, mailbox, messageID string) (bool, error) {
	id := mailread.BareID(messageID)
	if id == "" {
		return false, fmt.Errorf("imapbox: look for message %q in %s: empty Message-ID", messageID, mailbox)
	}
	end, err := c.begin(ctx)
	if err != nil {
		return false, fmt.Errorf("imapbox: look for message %s in %s: %w", id, mailbox, err)
	}
	defer end()
	found, err := c.hasMessageID(ctx, mailbox, id)
	if err != nil {
		return false, fmt.Errorf("imapbox: look for message %s: %w", id, err)
	}
	return found, nil
}

func (c *Client) hasMessageID(ctx context.Context, mailbox, id string) (bool, error) {
	sel, err := c.examine(ctx, mailbox)
	if err != nil {
		return false, err
	}
	if sel.NumMessages == 0 {
		return false, nil
	}
	// SEARCH HEADER matches a substring, so the hits are checked against
	// the exact Message-ID below.
	c.conn.arm()
	data, err := c.ic.UIDSearch(&imap.SearchCriteria{
		Header:  []imap.SearchCriteriaHeaderField{{Key: "Message-ID", Value: id}},
		NotFlag: []imap.Flag{imap.FlagDeleted},
	}, nil).Wait()
	if err != nil {
		return false, fmt.Errorf("search %s: %w", mailbox, c.fail(ctx, err))
	}
	uids := data.AllUIDs()
	if len(uids) == 0 {
		return false, nil
	}
	section := &imap.FetchItemBodySection{Specifier: imap.PartSpecifierHeader, HeaderFields: []string{"Message-ID"}, Peek: true}
	c.conn.arm()
	msgs, err := c.ic.Fetch(imap.UIDSetNum(uids...), &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{section}}).Collect()
	if err != nil {
		return false, fmt.Errorf("fetch from %s: %w", mailbox, c.fail(ctx, err))
	}
	for _, m := range msgs {
		h, err := mail.ReadMessage(bytes.NewReader(append(m.FindBodySection(section), "\r\n"...)))
		if err == nil && mailread.FirstID(h.Header.Get("Message-ID")) == id {
			return true, nil
		}
	}
	return false, nil
}

// examine opens mailbox read-only, so that nothing this package does can
// change a flag.
func (c *Client) examine(ctx context.Context, mailbox string) (*imap.SelectData, error) {
	c.conn.arm()
	sel, err := c.ic.Select(mailbox, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		if isNoMailbox(err) && !c.lost() && ctx.Err() == nil {
			return nil, fmt.Errorf("open %s: %w: %w", mailbox, ErrNoMailbox, c.fail(ctx, err))
		}
		return nil, fmt.Errorf("open %s: %w", mailbox, c.fail(ctx, err))
	}
	return sel, nil
}

// crlf turns bare LF line ends into CRLF, as IMAP servers expect in an
// APPEND.
func crlf(raw []byte) []byte {
	if !bytes.Contains(raw, []byte("\n")) || bytes.Count(raw, []byte("\n")) == bytes.Count(raw, []byte("\r\n")) {
		return raw
	}
	out := make([]byte, 0, len(raw)+bytes.Count(raw, []byte("\n")))
	for i, b := range raw {
		if b == '\n' && (i == 0 || raw[i-1] != '\r') {
			out = append(out, '\r')
		}
		out = append(out, b)
	}
	return out
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
