// Package replies decides what a poll of the user's mailbox means and
// makes it so through the tracker: a draft the user sent from their mail
// program is marked sent, one they deleted is discarded, a recruiter's
// reply cancels the status check (and, if it reads as a rejection, the
// user is told or it is recorded), and a reply to a check-in becomes a
// lesson. Attribute alone says who may change which record.
//
// It neither speaks IMAP (imapbox does) nor reads MIME or phrases
// (mailread does). It reads only mail that is new since the last poll
// and never changes a flag.
//
// watch.go is over 500 lines because a poll is one sequence (cursor,
// fetch, attribute, apply under the email's claim) read top to bottom.
package replies

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/onward-app/onward/imapbox"
	"github.com/onward-app/onward/mailer"
	"github.com/onward-app/onward/mailread"
	"github.com/onward-app/onward/store"
	"github.com/onward-app/onward/tracker"
	"github.com/onward-app/onward/when"
)

// Mailbox is what a poll needs from an IMAP session; *imapbox.Client has it.
type Mailbox interface {
	DraftsMailbox(ctx context.Context) (string, error)
	SentMailbox(ctx context.Context) (string, error)
	HasMessageID(ctx context.Context, mailbox, messageID string) (bool, error)
	Fetch(ctx context.Context, cur imapbox.Cursor, limit int) ([]mailread.Mail, imapbox.Cursor, bool, error)
	Tip(ctx context.Context, mailbox string) (imapbox.Cursor, error)
	Close() error
}

var _ Mailbox = (*imapbox.Client)(nil)

// StatusName is the key under which the last poll's outcome is kept for
// `onward status`.
const StatusName = "imap"

// batch is how many messages one Fetch returns at most; the client's
// MaxMessageSize bounds how many bytes of them it holds.
const batch = 100

// Watcher polls one mailbox.
type Watcher struct {
	Store   *store.Store
	Tracker *tracker.Tracker
	// Dial opens a session; a poll opens one and closes it.
	Dial func(ctx context.Context) (Mailbox, error)
	// User is the user's own address: their own mail is not a reply, and
	// only their answer to a check-in is a lesson. Aliases are their other
	// addresses, which count the same.
	User    string
	Aliases []string
	// Drafts is set when drafts are filed in the mailbox's Drafts folder,
	// so sent and deleted ones are looked for there.
	Drafts       bool
	DiscardAfter when.Delay
	MatchDomain  bool
	AutoReject   bool
	// AutoInterview records a recruiter's calendar invitation as an
	// interview, and moves or removes it on an update or cancellation;
	// without it the user gets a note with the command.
	AutoInterview bool
	Location      *time.Location
	Now           func() time.Time
	Log           *slog.Logger
	// Changed, if set, is called after a poll that changed something: the
	// dispatcher shares this process's database connection, whose own
	// writes PRAGMA data_version does not announce.
	Changed func()
	// PollTimeout, when set, bounds a whole poll (the daemon gives it ten
	// times imap.timeout): a server slow at every
	// command, though within each command's own deadline, cannot hold the
	// mailbox reader for longer. What was handled before it ran out stays
	// handled, and the next poll goes on from there.
	PollTimeout time.Duration
	// MaxMessageSize is the client's limit, for the log line of a message
	// skipped for its size.
	MaxMessageSize int64
}

// Report counts what one poll did.
type Report struct {
	Read, Sent, Discarded, Replies, Lessons, Rejections int
	// Invitations counts the recruiters' calendar invitations handled
	// (new, updated, cancelled).
	Invitations int
	// Oversized counts the new messages skipped for their size (they are
	// in Read too).
	Oversized int
}

func (r Report) String() string {
	s := fmt.Sprintf("read %d new messages: %d replies, %d lessons, %d rejections, %d invitations; drafts: %d sent, %d discarded",
		r.Read, r.Replies, r.Lessons, r.Rejections, r.Invitations, r.Sent, r.Discarded)
	if r.Oversized > 0 {
		s += fmt.Sprintf("; %d skipped for their size", r.Oversized)
	}
	return s
}

// Poll reads the mailbox once. Its outcome, good or bad, is kept in the
// store for `onward status`; an error is returned too, for the log.
func (w *Watcher) Poll(ctx context.Context) (Report, error) {
	rep, err := w.poll(ctx)
	if w.Changed != nil && rep.Sent+rep.Discarded+rep.Replies+rep.Lessons+rep.Rejections+rep.Invitations > 0 {
		w.Changed()
	}
	status := "ok " + rep.String()
	if err != nil {
		status = "error " + err.Error()
	}
	if serr := w.Store.SetStatus(ctx, StatusName, status); serr != nil && err == nil {
		err = serr
	}
	return rep, err
}

func (w *Watcher) poll(ctx context.Context) (Report, error) {
	var rep Report
	if w.PollTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, w.PollTimeout,
			fmt.Errorf("the poll took longer than its limit of %s; the next poll goes on from where this one stopped", w.PollTimeout))
		defer cancel()
	}
	mb, err := w.Dial(ctx)
	if err != nil {
		return rep, explain(err)
	}
	defer mb.Close()
	if w.Drafts {
		if err := w.drafts(ctx, mb, &rep); err != nil {
			return rep, explain(err)
		}
	}
	if err := w.inbox(ctx, mb, &rep); err != nil {
		return rep, explain(err)
	}
	return rep, nil
}

// explain says what a user can do about a mailbox error.
func explain(err error) error {
	switch {
	case errors.Is(err, imapbox.ErrAuth):
		return fmt.Errorf("%w (check imap.username and the password source; onward tries again at the next poll)", err)
	case errors.Is(err, imapbox.ErrNoMailbox):
		return fmt.Errorf("%w (set imap.drafts_mailbox or imap.sent_mailbox to your folder's name)", err)
	}
	return err
}

// drafts finds out what became of the drafts filed in the mailbox.
func (w *Watcher) drafts(ctx context.Context, mb Mailbox, rep *Report) error {
	sent, err := mb.SentMailbox(ctx)
	if err != nil {
		return err
	}
	// Some mail programs give a draft a new Message-ID when they send it;
	// what was sent since the last poll is kept to recognise a draft by
	// its recipient and subject instead.
	newlySent, err := w.readFolder(ctx, mb, sent)
	if err != nil {
		return err
	}
	drafted, err := w.Store.FiledDrafts(ctx)
	if err != nil || len(drafted) == 0 {
		return err
	}
	drafts, err := mb.DraftsMailbox(ctx)
	if err != nil {
		return err
	}
	now := w.now()
	for _, m := range drafted {
		inSent := sentByRecipient(m, newlySent)
		if !inSent {
			if inSent, err = mb.HasMessageID(ctx, sent, m.MessageID); err != nil {
				return err
			}
		}
		if inSent {
			if err := w.Tracker.MarkSentByUser(ctx, m.ID, now); err != nil && !errors.Is(err, store.ErrNotClaimable) {
				return err
			}
			rep.Sent++
			w.Log.Info("draft sent from the mail program", "message", m.ID, "kind", m.Kind)
			continue
		}
		if now.Before(w.DiscardAfter.After(m.UpdatedAt, w.Location)) {
			continue
		}
		inDrafts, err := mb.HasMessageID(ctx, drafts, m.MessageID)
		if err != nil {
			return err
		}
		if !inDrafts {
			if err := w.Tracker.DiscardDraft(ctx, m.ID); err != nil && !errors.Is(err, tracker.ErrInvalid) {
				return err
			}
			rep.Discarded++
			w.Log.Info("draft deleted in the mail program: discarded", "message", m.ID, "kind", m.Kind)
		}
	}
	return nil
}

// sentByRecipient reports whether one of the sent mails is the draft m
// sent under a new Message-ID: the same recipient and the same subject.
func sentByRecipient(m store.Message, sent []mailread.Mail) bool {
	to := recipientEmail(m.To)
	if to == "" {
		return false
	}
	for _, s := range sent {
		if s.MessageID == m.MessageID {
			return true
		}
		if !strings.EqualFold(strings.Join(strings.Fields(s.Subject), " "), strings.Join(strings.Fields(m.Subject), " ")) {
			continue
		}
		for _, a := range s.To {
			if strings.EqualFold(a.Email, to) {
				return true
			}
		}
	}
	return false
}

func recipientEmail(to string) string {
	if a, err := mailer.ParseAddress(to); err == nil {
		return a.Email
	}
	return ""
}

// readFolder returns the mail that arrived in a folder since the last
// poll, headers only, and moves the folder's cursor past it.
func (w *Watcher) readFolder(ctx context.Context, mb Mailbox, folder string) ([]mailread.Mail, error) {
	var out []mailread.Mail
	err := w.follow(ctx, mb, folder, func(m mailread.Mail) error {
		if !m.Oversized {
			// Only the header is needed to recognise a sent draft.
			m.Raw, m.Text = nil, ""
			out = append(out, m)
		}
		return nil
	})
	return out, err
}

// inbox reads the mail that came in since the last poll.
func (w *Watcher) inbox(ctx context.Context, mb Mailbox, rep *Report) error {
	return w.follow(ctx, mb, "INBOX", func(m mailread.Mail) error {
		rep.Read++
		if m.Oversized {
			rep.Oversized++
			return nil
		}
		return w.handle(ctx, m, rep)
	})
}

// follow gives each mail that arrived in folder since the last poll to
// each, in UID order, and moves the folder's cursor past it. The first
// poll of a folder only notes where it ends: years of old mail are not
// replies to anything onward planned. A message over the size limit is
// logged and given to each with only UID and Size.
func (w *Watcher) follow(ctx context.Context, mb Mailbox, folder string, each func(mailread.Mail) error) error {
	cur, ok, err := w.Store.Cursor(ctx, folder)
	if err != nil {
		return err
	}
	if !ok {
		tip, err := mb.Tip(ctx, folder)
		if err != nil {
			return err
		}
		return w.saveCursor(ctx, tip)
	}
	next := imapbox.Cursor{Mailbox: cur.Mailbox, UIDValidity: cur.UIDValidity, LastUID: cur.LastUID}
	for {
		mails, after, reset, err := mb.Fetch(ctx, next, batch)
		if err != nil {
			return err
		}
		if reset {
			// The server renumbered the folder: reading it again from
			// UID 1 would take years of old mail for new. Start over at
			// its end, as on the first poll.
			w.Log.Warn("the mailbox was renumbered (UIDVALIDITY changed); reading on from its end", "mailbox", folder)
			tip, err := mb.Tip(ctx, folder)
			if err != nil {
				return err
			}
			return w.saveCursor(ctx, tip)
		}
		for _, m := range mails {
			if m.Oversized {
				w.skipped(m, folder)
			}
			if err := each(m); err != nil {
				return err
			}
		}
		if after == next {
			return nil
		}
		// The cursor moves only after its mail is handled: a crash reads
		// the batch again, and the handled-mail record skips what was done.
		// It moves past an oversized message too: its place is kept, and it
		// is not fetched again at every poll.
		if err := w.saveCursor(ctx, after); err != nil {
			return err
		}
		next = after
	}
}

// skipped logs a message not read for its size: a warning in the inbox,
// where it might have been a reply; elsewhere (Sent, where the user's own
// attachments go) a note.
func (w *Watcher) skipped(m mailread.Mail, folder string) {
	limit := w.MaxMessageSize
	if limit == 0 {
		limit = imapbox.DefaultMaxMessageSize
	}
	level := slog.LevelInfo
	if strings.EqualFold(folder, "INBOX") {
		level = slog.LevelWarn
	}
	w.Log.Log(context.Background(), level, "skipped a message larger than imap.max_message_size; its body was not fetched",
		"mailbox", folder, "uid", m.UID, "size", m.Size, "limit", limit)
}

func (w *Watcher) saveCursor(ctx context.Context, c imapbox.Cursor) error {
	return w.Store.Update(ctx, func(tx *store.Tx) error {
		return tx.SetCursor(ctx, store.InboxCursor{Mailbox: c.Mailbox, UIDValidity: c.UIDValidity, LastUID: c.LastUID})
	})
}

// handle decides what one new email means.
func (w *Watcher) handle(ctx context.Context, m mailread.Mail, rep *Report) error {
	log := w.Log.With("uid", m.UID, "message_id", m.MessageID)
	switch {
	case m.ParseErr != nil:
		log.Warn("skipped a message that is not valid MIME", "err", m.ParseErr)
		return nil
	case m.MessageID == "":
		// Without a Message-ID it could not be told apart on a second
		// reading; real replies always carry one.
		return nil
	case m.AutoReply:
		return nil
	}
	if seen, err := w.Store.Seen(ctx, m.MessageID); err != nil || seen {
		return err
	}
	tr := w.Tracker.FromMail(m.MessageID)
	// The Date header says when it was written; a missing, future or
	// implausibly old one (a wrong clock) is replaced by now.
	at := m.Date
	if now := w.now(); at.IsZero() || at.After(now) || at.Before(now.AddDate(0, 0, -7)) {
		at = now
	}
	facts, err := w.facts(ctx, m)
	if err != nil {
		return err
	}
	v := Attribute(m, facts, Rules{User: w.users(), MatchDomain: w.MatchDomain})
	if m.Calendar != nil && v.Action != Lesson {
		inv, err := mailread.ParseInvitation(m.Calendar, w.Location)
		switch {
		case err == nil && (v.Action == Reply || v.Action == Feedback):
			return w.invitation(ctx, tr, v.App, at, inv, rep, log)
		case err == nil:
			// The same rule as for a reply: only the recruiter's
			// invitation changes the records.
			log.Log(ctx, max(v.Level, slog.LevelInfo), "calendar invitation left alone", "from", m.From.Email,
				"uid", inv.UID, "method", inv.Method, "reason", v.Why)
			return nil
		case v.Action == Reply || v.Action == Feedback:
			// Not an invitation onward can record (an all-day event,
			// a PUBLISH, a broken calendar): read as a plain reply.
			log.Info("calendar part not read as an invitation; the mail is read as a reply", "application", v.App, "why", err)
		}
	}
	switch v.Action {
	case Lesson:
		return w.lesson(ctx, tr, v.App, m, rep, log)
	case Reply:
		return w.reply(ctx, tr, v.App, at, m, v.InThread, rep, log)
	case Feedback:
		return w.feedback(ctx, tr, v.App, at, m, rep, log)
	}
	log.Log(ctx, v.Level, "mail left alone", "from", m.From.Email, "reason", v.Why)
	return nil
}

// maxRefs bounds the thread ids looked up for one mail: a References
// header may be as long as its sender likes.
const maxRefs = 64

// facts gathers what Attribute needs about m from the store.
func (w *Watcher) facts(ctx context.Context, m mailread.Mail) (Facts, error) {
	var f Facts
	refs := m.ThreadIDs()
	if len(refs) > maxRefs {
		// In-Reply-To first, then the newest of References.
		refs = append(refs[:1:1], refs[len(refs)-maxRefs+1:]...)
	}
	for _, ref := range refs {
		ours, err := w.Store.MessageByMessageID(ctx, ref)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return f, err
		}
		f.Refs = append(f.Refs, ours)
	}
	if m.From.Email == "" {
		return f, nil
	}
	apps, err := w.Store.ApplicationsByRecruiter(ctx, m.From.Email, w.MatchDomain)
	if err != nil {
		return f, err
	}
	f.Apps = apps
	for _, ref := range f.Refs {
		if ref.ApplicationID == 0 || slices.ContainsFunc(f.Apps, func(a store.Application) bool { return a.ID == ref.ApplicationID }) {
			continue
		}
		a, err := w.Store.Application(ctx, ref.ApplicationID)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return f, err
		}
		f.Apps = append(f.Apps, a)
	}
	return f, nil
}

// users are the user's own addresses.
func (w *Watcher) users() []string { return append([]string{w.User}, w.Aliases...) }

func (w *Watcher) lesson(ctx context.Context, tr *tracker.Tracker, appID int64, m mailread.Mail, rep *Report, log *slog.Logger) error {
	text := mailread.NewText(m.Text)
	if text == "" {
		return nil
	}
	l, err := tr.Log(ctx, appID, text)
	switch {
	case errors.Is(err, tracker.ErrHandled):
		return nil
	case errors.Is(err, tracker.ErrInvalid):
		log.Warn("a reply to a check-in could not be kept as a lesson", "err", err)
		return nil
	case err != nil:
		return err
	}
	rep.Lessons++
	log.Info("lesson logged from a reply", "lesson", l.ID, "application", appID)
	return nil
}

// reply records a recruiter's reply. inThread says the email answers a
// message onward made for this application; only then may a rejection in
// it be recorded without asking (auto_reject). The reply, the rejection
// and the notice to the user are one transaction under the email's claim:
// an interrupted poll leaves all of them to the next one, or none.
func (w *Watcher) reply(ctx context.Context, tr *tracker.Tracker, appID int64, at time.Time, m mailread.Mail, inThread bool, rep *Report, log *slog.Logger) error {
	class, phrase, why := mailread.ClassifyRejection(mailread.NewText(m.Text))
	r := tracker.MailReply{At: at, From: m.From.Email}
	if class != mailread.NotANo {
		r.Notice = phrase
		// auto_reject acts only on a clear no in a thread onward
		// started; anything less certain is the user's to decide.
		r.Reject = w.AutoReject && inThread && class == mailread.ClearNo
		r.RejectNote = "from their email: \"" + phrase + "\""
	}
	res, err := tr.RecordMailReply(ctx, appID, r)
	if errors.Is(err, tracker.ErrHandled) {
		return nil
	}
	if err != nil {
		return err
	}
	rep.Replies++
	log.Info("recruiter replied", "application", appID, "cancelled", res.Reply.Cancelled)
	switch {
	case class == mailread.NotANo && phrase != "":
		log.Info("reply has a rejection phrase but is not a no", "application", appID, "phrase", phrase, "why", why)
	case class == mailread.NotANo:
	case res.Rejected:
		rep.Rejections++
		log.Info("reply reads as a rejection: recorded", "application", appID, "phrase", phrase)
	default:
		rep.Rejections++
		log.Info("reply reads as a rejection: the user is told", "application", appID, "phrase", phrase, "class", class.String(), "why", why)
	}
	return nil
}

// invitation records a recruiter's calendar invitation (tracker's
// RecordMailInvitation, under the email's claim): the notice with the
// command, or with AutoInterview the interview recorded, moved or removed.
func (w *Watcher) invitation(ctx context.Context, tr *tracker.Tracker, appID int64, at time.Time, inv mailread.Invitation, rep *Report, log *slog.Logger) error {
	var with []string
	for _, p := range inv.People(w.users()) {
		with = append(with, interviewer(p))
	}
	in := tracker.MailInvitation{
		At: at, UID: inv.UID, Sequence: inv.Sequence, Cancel: inv.Method == "CANCEL",
		Start: inv.Start, Duration: inv.Duration,
		Details: tracker.InterviewDetails{With: with, Where: inv.Where},
		Record:  w.AutoInterview,
		Note: store.InvitationNote{Summary: inv.Summary, When: inv.Start.Format(time.RFC3339), Zone: inv.Start.Location().String(),
			Duration: inv.Duration.String(), With: with, Where: inv.Where},
	}
	res, err := tr.RecordMailInvitation(ctx, appID, in)
	switch {
	case errors.Is(err, tracker.ErrHandled):
		return nil
	case err != nil:
		return err
	}
	if res.Stale {
		log.Info("calendar invitation already recorded at this version or a newer one", "application", appID, "uid", inv.UID, "sequence", inv.Sequence)
		return nil
	}
	rep.Invitations++
	log.Info("calendar invitation", "application", appID, "uid", inv.UID, "method", inv.Method, "sequence", inv.Sequence,
		"start", inv.Start.Format(time.RFC3339), "recorded", res.Recorded, "moved", res.Moved, "removed", res.Removed)
	return nil
}

// interviewer writes a person of an invitation as the --with flag takes
// it, "Name <address>": a name is needed (a thank-you greets them), so a
// missing one, or one that is only the address, is made from the address
// ("tom.baker@…" is Tom Baker). Commas, quotes and brackets would read as
// a title or an address, and are dropped from the name.
func interviewer(a mailread.Address) string {
	name := strings.NewReplacer(",", " ", `"`, "", "<", "", ">", "").Replace(a.Name)
	if strings.TrimSpace(name) == "" || strings.Contains(name, "@") {
		local, _, _ := strings.Cut(a.Email, "@")
		words := strings.FieldsFunc(local, func(r rune) bool { return r == '.' || r == '_' || r == '-' || r == '+' })
		for i, w := range words {
			words[i] = strings.ToUpper(w[:1]) + w[1:]
		}
		name = strings.Join(words, " ")
	}
	return strings.Join(strings.Fields(name), " ") + " <" + a.Email + ">"
}

func (w *Watcher) now() time.Time {
	if w.Now != nil {
		return w.Now()
	}
	return time.Now()
}

// Run polls at every time spec names until ctx ends, and once at start.
func (w *Watcher) Run(ctx context.Context, spec when.Spec) {
	for first := true; ; first = false {
		rep, err := w.Poll(ctx)
		switch {
		case err != nil && ctx.Err() != nil:
			return
		case err != nil:
			w.Log.Error("mailbox read failed", "err", err)
		case first || rep.Read+rep.Sent+rep.Discarded > 0:
			w.Log.Info("mailbox read", "report", rep.String())
		default:
			w.Log.Debug("mailbox read", "report", rep.String())
		}
		next := spec.Next(w.now(), w.Location)
		if next.IsZero() {
			return
		}
		t := time.NewTimer(time.Until(next))
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// feedback records a recruiter's answer to a feedback request as the
// application's feedback: their words, or, when they say they give none,
// that they declined.
func (w *Watcher) feedback(ctx context.Context, tr *tracker.Tracker, appID int64, at time.Time, m mailread.Mail, rep *Report, log *slog.Logger) error {
	text := mailread.NewText(m.Text)
	declined := DeclinesFeedback(text)
	if declined {
		text = ""
	}
	_, err := tr.RecordMailFeedback(ctx, appID, at, text, declined)
	switch {
	case errors.Is(err, tracker.ErrHandled):
		return nil
	case errors.Is(err, tracker.ErrInvalid):
		log.Warn("a reply to a feedback request could not be kept", "err", err)
		return nil
	case err != nil:
		return err
	}
	rep.Replies++
	log.Info("feedback recorded from a reply", "application", appID, "declined", declined)
	return nil
}

// declinePhrases are how a reply says no feedback will come.
var declinePhrases = []string{
	"not able to provide feedback", "unable to provide feedback", "unable to give feedback", "not able to give feedback",
	"cannot provide feedback", "can't provide feedback", "can not provide feedback", "cannot give feedback", "can't give feedback",
	"do not provide feedback", "don't provide feedback", "do not give feedback", "don't give feedback",
	"not in a position to provide feedback", "not in a position to give feedback", "not able to share feedback",
	"policy not to provide", "policy not to give", "not to share feedback", "unable to share feedback", "can't share feedback",
}

// DeclinesFeedback reports whether the new text of a reply to a feedback
// request says that no feedback will be given.
func DeclinesFeedback(text string) bool {
	t := strings.ToLower(strings.ReplaceAll(text, "\u2019", "'"))
	t = strings.Join(strings.Fields(t), " ")
	for _, p := range declinePhrases {
		if strings.Contains(t, p) {
			return true
		}
	}
	return false
}
