package imapbox

import (
	"context"
	"fmt"
	"io"
	"slices"

	"github.com/onward-app/onward/mailread"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// Cursor is what the caller stores per mailbox between polls: where the
// last Fetch stopped. The zero Cursor (with a Mailbox) means "from the
// first message".
type Cursor struct {
	Mailbox     string
	UIDValidity uint32
	LastUID     uint32
}

// Fetch returns the messages of cur.Mailbox whose UID is above
// cur.LastUID, oldest first, and the cursor to store once the caller has
// handled them. It returns at most limit messages (no limit when limit <=
// 0), and stops early once the bodies it read add up to MaxMessageSize, so
// that one call holds at most about twice that much mail whatever the
// mailbox holds. Call it again while the cursor moves to catch up.
//
// Sizes come first (RFC822.SIZE): a message larger than MaxMessageSize is
// returned with Oversized and Size set and nothing else, its body never
// fetched, and the cursor moves past it like past any other. Bodies are
// then fetched one message per command, each read through a limit, so a
// server that understates a size cannot make it larger either.
//
// When the mailbox's UIDVALIDITY is no longer cur.UIDValidity the UIDs
// were renumbered (the mailbox was recreated or rebuilt): Fetch starts
// again from the first message and reports reset, so that the caller can
// skip what it already handled by Message-ID. A zero UIDValidity (a first
// poll) also starts from the first message, without reset; Tip gives a
// cursor that skips the mailbox's history instead.
//
// The mailbox is opened read-only and bodies are fetched with BODY.PEEK, so
// \Seen and every other flag stay as they were. A message that is not valid
// MIME comes back with ParseErr set and the fields that could be read; it
// does not stop the fetch. On error nothing is returned and cur is still
// the cursor to use.
func (c *Client) Fetch(ctx context.Context, cur Cursor, limit int) (msgs []mailread.Mail, next Cursor, reset bool, err error) {
	if cur.Mailbox == "" {
		return nil, cur, false, fmt.Errorf("imapbox: fetch: %w: cursor names no mailbox", ErrNoMailbox)
	}
	end, err := c.begin(ctx)
	if err != nil {
		return nil, cur, false, fmt.Errorf("imapbox: fetch %s: %w", cur.Mailbox, err)
	}
	defer end()
	msgs, next, reset, err = c.fetch(ctx, cur, limit)
	if err != nil {
		return nil, cur, false, fmt.Errorf("imapbox: fetch %s: %w", cur.Mailbox, err)
	}
	return msgs, next, reset, nil
}

func (c *Client) fetch(ctx context.Context, cur Cursor, limit int) ([]mailread.Mail, Cursor, bool, error) {
	sel, err := c.examine(ctx, cur.Mailbox)
	if err != nil {
		return nil, cur, false, err
	}
	next := cur
	reset := cur.UIDValidity != 0 && cur.UIDValidity != sel.UIDValidity
	if cur.UIDValidity != sel.UIDValidity {
		next = Cursor{Mailbox: cur.Mailbox, UIDValidity: sel.UIDValidity}
	}
	from := next.LastUID + 1
	if sel.NumMessages == 0 || sel.UIDNext != 0 && uint32(sel.UIDNext) <= from {
		return nil, next, reset, nil
	}

	// UID SEARCH first rather than UID FETCH n:*, because "n:*" with n
	// above the highest UID means the last message (RFC 9051 section
	// 6.4.8), and because limit needs the list.
	c.conn.arm()
	data, err := c.ic.UIDSearch(&imap.SearchCriteria{
		UID: []imap.UIDSet{{{Start: imap.UID(from), Stop: 0}}},
	}, nil).Wait()
	if err != nil {
		return nil, cur, false, fmt.Errorf("search: %w", c.fail(ctx, err))
	}
	uids := slices.DeleteFunc(data.AllUIDs(), func(u imap.UID) bool { return uint32(u) < from })
	slices.Sort(uids)
	if limit > 0 && len(uids) > limit {
		uids = uids[:limit]
	}
	if len(uids) == 0 {
		return nil, next, reset, nil
	}

	c.conn.arm()
	sized, err := c.ic.Fetch(imap.UIDSetNum(uids...), &imap.FetchOptions{UID: true, RFC822Size: true}).Collect()
	if err != nil {
		return nil, cur, false, fmt.Errorf("fetch sizes: %w", c.fail(ctx, err))
	}
	sizes := make(map[imap.UID]int64, len(sized))
	for _, b := range sized {
		sizes[b.UID] = b.RFC822Size
	}
	var msgs []mailread.Mail
	var read int64
	for _, uid := range uids {
		size, ok := sizes[uid]
		switch {
		case !ok:
			// Expunged between SEARCH and FETCH: simply gone, and the
			// cursor moves past it too.
		case size > c.maxSize:
			msgs = append(msgs, mailread.Mail{UID: uint32(uid), Size: size, Oversized: true})
		case read >= c.maxSize:
			// Enough mail held for one call; the next one goes on here.
			return msgs, next, reset, nil
		default:
			m, err := c.fetchBody(ctx, uid)
			if err != nil {
				return nil, cur, false, err
			}
			read += int64(len(m.Raw))
			msgs = append(msgs, m)
		}
		next.LastUID = uint32(uid)
	}
	return msgs, next, reset, nil
}

// fetchBody fetches and parses one message, reading at most MaxMessageSize
// of it; a message longer than its announced size is Oversized.
func (c *Client) fetchBody(ctx context.Context, uid imap.UID) (mailread.Mail, error) {
	section := &imap.FetchItemBodySection{Peek: true}
	c.conn.arm()
	cmd := c.ic.Fetch(imap.UIDSetNum(uid), &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{section}})
	var raw []byte
	var size int64
	var rerr error
	for msg := cmd.Next(); msg != nil; msg = cmd.Next() {
		for item := msg.Next(); item != nil; item = msg.Next() {
			body, ok := item.(imapclient.FetchItemDataBodySection)
			if !ok || body.Literal == nil || raw != nil || size > 0 {
				continue
			}
			size = body.Literal.Size()
			if size > c.maxSize {
				continue // the library discards the rest
			}
			raw, rerr = io.ReadAll(io.LimitReader(body.Literal, c.maxSize+1))
		}
	}
	if err := cmd.Close(); err != nil {
		return mailread.Mail{}, fmt.Errorf("fetch message %d: %w", uid, c.fail(ctx, err))
	}
	if rerr != nil {
		return mailread.Mail{}, fmt.Errorf("fetch message %d: %w", uid, c.fail(ctx, rerr))
	}
	if size > c.maxSize || int64(len(raw)) > c.maxSize {
		return mailread.Mail{UID: uint32(uid), Size: max(size, int64(len(raw))), Oversized: true}, nil
	}
	m, perr := mailread.ParseMail(raw)
	m.UID = uint32(uid)
	m.Size = int64(len(raw))
	m.ParseErr = perr
	return m, nil
}

// Tip returns the cursor at the current end of mailbox, for a caller that
// wants to watch it from now on rather than read its history.
func (c *Client) Tip(ctx context.Context, mailbox string) (Cursor, error) {
	end, err := c.begin(ctx)
	if err != nil {
		return Cursor{}, fmt.Errorf("imapbox: find the end of %s: %w", mailbox, err)
	}
	defer end()
	sel, err := c.examine(ctx, mailbox)
	if err != nil {
		return Cursor{}, fmt.Errorf("imapbox: find the end of %s: %w", mailbox, err)
	}
	cur := Cursor{Mailbox: mailbox, UIDValidity: sel.UIDValidity}
	c.conn.arm()
	switch {
	case sel.UIDNext > 0:
		cur.LastUID = uint32(sel.UIDNext) - 1
	case sel.NumMessages > 0:
		// UIDNEXT is optional in IMAP4rev1: take the highest UID there is.
		data, err := c.ic.UIDSearch(&imap.SearchCriteria{}, nil).Wait()
		if err != nil {
			return Cursor{}, fmt.Errorf("imapbox: find the end of %s: %w", mailbox, c.fail(ctx, err))
		}
		if uids := data.AllUIDs(); len(uids) > 0 {
			cur.LastUID = uint32(slices.Max(uids))
		}
	}
	return cur, nil
}
