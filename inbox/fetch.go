package inbox

import (
	"cmp"
	"context"
	"fmt"
	"slices"

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
// cur.LastUID, oldest first, at most limit of them (no limit when limit <=
// 0), and the cursor to store once the caller has handled them. Call it
// again while it returns limit messages to catch up.
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
func (c *Client) Fetch(ctx context.Context, cur Cursor, limit int) (msgs []Mail, next Cursor, reset bool, err error) {
	if cur.Mailbox == "" {
		return nil, cur, false, fmt.Errorf("inbox: fetch: %w: cursor names no mailbox", ErrNoMailbox)
	}
	end, err := c.begin(ctx)
	if err != nil {
		return nil, cur, false, fmt.Errorf("inbox: fetch %s: %w", cur.Mailbox, err)
	}
	defer end()
	msgs, next, reset, err = c.fetch(ctx, cur, limit)
	if err != nil {
		return nil, cur, false, fmt.Errorf("inbox: fetch %s: %w", cur.Mailbox, err)
	}
	return msgs, next, reset, nil
}

func (c *Client) fetch(ctx context.Context, cur Cursor, limit int) ([]Mail, Cursor, bool, error) {
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

	section := &imap.FetchItemBodySection{Peek: true}
	bufs, err := c.ic.Fetch(imap.UIDSetNum(uids...), &imap.FetchOptions{
		UID:         true,
		BodySection: []*imap.FetchItemBodySection{section},
	}).Collect()
	if err != nil {
		return nil, cur, false, fmt.Errorf("fetch: %w", c.fail(ctx, err))
	}
	slices.SortFunc(bufs, func(a, b *imapclient.FetchMessageBuffer) int { return cmp.Compare(a.UID, b.UID) })
	msgs := make([]Mail, 0, len(bufs))
	for _, b := range bufs {
		m, perr := ParseMail(b.FindBodySection(section))
		m.UID = uint32(b.UID)
		m.ParseErr = perr
		msgs = append(msgs, m)
	}
	// A message expunged between SEARCH and FETCH is simply gone: the
	// cursor moves past it too.
	next.LastUID = uint32(uids[len(uids)-1])
	return msgs, next, reset, nil
}

// Tip returns the cursor at the current end of mailbox, for a caller that
// wants to watch it from now on rather than read its history.
func (c *Client) Tip(ctx context.Context, mailbox string) (Cursor, error) {
	end, err := c.begin(ctx)
	if err != nil {
		return Cursor{}, fmt.Errorf("inbox: find the end of %s: %w", mailbox, err)
	}
	defer end()
	sel, err := c.examine(ctx, mailbox)
	if err != nil {
		return Cursor{}, fmt.Errorf("inbox: find the end of %s: %w", mailbox, err)
	}
	cur := Cursor{Mailbox: mailbox, UIDValidity: sel.UIDValidity}
	switch {
	case sel.UIDNext > 0:
		cur.LastUID = uint32(sel.UIDNext) - 1
	case sel.NumMessages > 0:
		// UIDNEXT is optional in IMAP4rev1: take the highest UID there is.
		data, err := c.ic.UIDSearch(&imap.SearchCriteria{}, nil).Wait()
		if err != nil {
			return Cursor{}, fmt.Errorf("inbox: find the end of %s: %w", mailbox, c.fail(ctx, err))
		}
		if uids := data.AllUIDs(); len(uids) > 0 {
			cur.LastUID = uint32(slices.Max(uids))
		}
	}
	return cur, nil
}
