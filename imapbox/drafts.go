package imapbox

import "context"

// Drafts files drafts in the mailbox's Drafts folder, one session per
// draft: drafts fall due a few times a day, and a session held open in
// between would only time out.
type Drafts struct {
	Config Config
}

// AppendDraft dials, files raw as a draft unless a message with its
// Message-ID is there already, and hangs up.
func (d Drafts) AppendDraft(ctx context.Context, raw []byte, messageID string) (bool, error) {
	c, err := Dial(ctx, d.Config)
	if err != nil {
		return false, err
	}
	defer c.Close()
	return c.AppendDraft(ctx, raw, messageID)
}

// Sent files copies of what onward sent for the user (a draft sent with
// `drafts send`) in the Sent folder, one session per message.
type Sent struct {
	Config Config
}

// AppendSent dials, files raw in the sent mailbox unless a message with
// its Message-ID is there already, and hangs up.
func (s Sent) AppendSent(ctx context.Context, raw []byte, messageID string) (bool, error) {
	c, err := Dial(ctx, s.Config)
	if err != nil {
		return false, err
	}
	defer c.Close()
	return c.AppendSent(ctx, raw, messageID)
}
