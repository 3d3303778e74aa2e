package config

import (
	"maps"
	"strings"
	"time"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/when"
)

// The accessors give the parsed form of what Validate checked; they are
// valid only after a Validate that returned nil.

// Location is the user's time zone.
func (c *Config) Location() *time.Location { return c.parsed.location }

// Delay returns the configured delay of a follow-up kind.
func (c *Config) Delay(kind onward.Kind) when.Delay { return c.parsed.delays[kind] }

// SendWindow is the cron spec whose minutes recruiter drafts may fall due in.
func (c *Config) SendWindow() when.Spec { return c.parsed.window }

// Quiet is the span in which the user gets no check-ins.
func (c *Config) Quiet() when.QuietHours { return c.parsed.quiet }

// DigestSpec is the schedule of the weekly digest.
func (c *Config) DigestSpec() when.Spec { return c.parsed.digest }

// GiveUpAfter is how long temporary failures are retried.
func (c *Config) GiveUpAfter() when.Delay { return c.parsed.giveUpAfter }

// Stale returns how late a kind may still be sent; ok is false for kinds
// that are never too late.
func (c *Config) Stale(kind onward.Kind) (d when.Delay, ok bool) {
	d, ok = c.parsed.stale[kind]
	return d, ok
}

// StaleLimits maps each kind that can be too late to its limit.
func (c *Config) StaleLimits() map[onward.Kind]when.Delay {
	out := make(map[onward.Kind]when.Delay, len(c.parsed.stale))
	for k, v := range c.parsed.stale {
		out[k] = v
	}
	return out
}

// SMTPTimeout is the dial and per-command timeout.
func (c *Config) SMTPTimeout() time.Duration { return c.parsed.timeout }

// SMTPSendTimeout bounds one message's whole exchange with the server; 0
// when unset, for the mailer's default of four timeouts.
func (c *Config) SMTPSendTimeout() time.Duration { return c.parsed.sendTimeout }

// Delays maps each follow-up kind to its delay after its event; the map
// is the caller's.
func (c *Config) Delays() map[onward.Kind]when.Delay { return maps.Clone(c.parsed.delays) }

// Prep is the rule for the note before an interview; on is false when the
// note is switched off.
func (c *Config) Prep() (rule when.PrepRule, on bool) { return c.parsed.prep, c.parsed.prepOn }

// IMAPPoll is when the mailbox is read.
func (c *Config) IMAPPoll() when.Spec { return c.parsed.imapPoll }

// IMAPDiscardAfter is how long a draft may be missing from the Drafts
// folder, unsent, before it counts as discarded.
func (c *Config) IMAPDiscardAfter() when.Delay { return c.parsed.imapDiscard }

// IMAPTimeout is the IMAP dial and command timeout.
func (c *Config) IMAPTimeout() time.Duration { return c.parsed.imapTimeout }

// IMAPMaxMessageSize is the largest message read from the mailbox, in
// bytes.
func (c *Config) IMAPMaxMessageSize() int64 { return c.parsed.imapMaxSize }

// UserAddresses are the user's own addresses: user.email and the aliases.
func (c *Config) UserAddresses() []string { return append([]string{c.User.Email}, c.User.Aliases...) }

// IMAPEnabled reports whether a mailbox is configured.
func (c *Config) IMAPEnabled() bool { return strings.TrimSpace(c.IMAP.Host) != "" }

// QuietAfter is how long a follow-up may go unanswered before its
// application is quiet; zero when switched off.
func (c *Config) QuietAfter() when.Delay { return c.parsed.quietAfter }
