// Package config loads onward's TOML configuration, fills in defaults and
// checks every value before anything else runs, so a typo is reported with
// its file, line and key instead of surfacing as a wrong email at 3 a.m.
package config

import (
	"path/filepath"
	"time"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/when"
)

// Config is the whole configuration. The exported fields mirror the TOML
// file; the parsed forms of durations, zones and specs are reached through
// methods once Validate has succeeded.
type Config struct {
	User      User      `toml:"user"`
	Storage   Storage   `toml:"storage"`
	Delivery  Delivery  `toml:"delivery"`
	SMTP      SMTP      `toml:"smtp"`
	Schedule  Schedule  `toml:"schedule"`
	Followups Followups `toml:"followups"`
	Digest    Digest    `toml:"digest"`
	Templates Templates `toml:"templates"`
	IMAP      IMAP      `toml:"imap"`
	Web       Web       `toml:"web"`
	Calendar  Calendar  `toml:"calendar"`
	Guards    Guards    `toml:"guards"`

	// Path is the file the config came from; empty for built-in defaults.
	Path string `toml:"-"`

	parsed parsed
	lines  map[string]int // key → line in Path, for error messages
}

// User is the person onward works for.
type User struct {
	Name     string `toml:"name"`
	Email    string `toml:"email"`
	Timezone string `toml:"timezone"`
	// Aliases are the user's other addresses: a reply to a check-in from
	// one of them is the user's own, like one from Email.
	Aliases []string `toml:"aliases"`
}

// Storage says where the database lives.
type Storage struct {
	Database string `toml:"database"`
}

// Delivery says how messages leave onward.
type Delivery struct {
	Transport   string            `toml:"transport"`
	Outbox      string            `toml:"outbox"`
	Drafts      string            `toml:"drafts"`
	GiveUpAfter string            `toml:"give_up_after"`
	Stale       map[string]string `toml:"stale"`
}

// Secret says where a password comes from: exactly one of PasswordEnv,
// PasswordFile, PasswordCommand or, discouraged, Password.
type Secret struct {
	Password        string `toml:"password"`
	PasswordEnv     string `toml:"password_env"`
	PasswordFile    string `toml:"password_file"`
	PasswordCommand string `toml:"password_command"`
	// PasswordCommandTimeout bounds password_command, and every process it
	// starts: a command that waits for a passphrase nobody types must not
	// hang the daemon's start, a reload or a command.
	PasswordCommandTimeout string `toml:"password_command_timeout"`

	// file is the config file the secret came from, so that an error of
	// the command can name its line. Not the line itself: a reload that
	// only moved lines is no change of the secret.
	file string
}

// SMTP is the outgoing mail server.
type SMTP struct {
	Host     string `toml:"host"`
	Port     int    `toml:"port"`
	Username string `toml:"username"`
	Secret
	Security     string `toml:"security"`
	MaxPerMinute int    `toml:"max_per_minute"`
	Timeout      string `toml:"timeout"`
	// SendTimeout bounds one message's whole exchange with the server;
	// empty means four times Timeout.
	SendTimeout string `toml:"send_timeout,omitempty"`
}

// IMAP is the user's mailbox, read to file drafts, notice replies and
// take lessons from replies to check-ins. Empty Host: not used.
type IMAP struct {
	Host     string `toml:"host"`
	Port     int    `toml:"port"`
	Username string `toml:"username"`
	Secret
	Security      string `toml:"security"`
	Poll          string `toml:"poll"`
	DraftsMailbox string `toml:"drafts_mailbox"`
	SentMailbox   string `toml:"sent_mailbox"`
	MatchDomain   bool   `toml:"match_domain"`
	AutoReject    bool   `toml:"auto_reject"`
	// AutoInterview records a recruiter's calendar invitation as an
	// interview (and moves or removes it on an update or a cancellation)
	// instead of only telling the user.
	AutoInterview bool   `toml:"auto_interview"`
	DiscardAfter  string `toml:"discard_after"`
	Timeout       string `toml:"timeout"`
	// MaxMessageSize is the largest message read, such as "5MB"; larger
	// ones are skipped unread.
	MaxMessageSize string `toml:"max_message_size"`
}

// Schedule bounds when messages may fall due.
type Schedule struct {
	SendWindow string `toml:"send_window"`
	QuietHours string `toml:"quiet_hours"`
}

// Followups holds the delay of each follow-up after its event.
type Followups struct {
	ThankYou        string `toml:"thank_you"`
	StatusCheck     string `toml:"status_check"`
	FeedbackRequest string `toml:"feedback_request"`
	StayInTouch     string `toml:"stay_in_touch"`
	Learn           string `toml:"learn"`
	LetGo           string `toml:"let_go"`
	// NoReply is how long an application may go without word before the
	// user gets a check-in and the recruiter a follow-up draft; empty
	// switches both off.
	NoReply string `toml:"no_reply"`
	// QuietAfter is how long the last follow-up may go unanswered before
	// the application shows as quiet; empty switches it off.
	QuietAfter string `toml:"quiet_after"`
	Prep       string `toml:"prep"`
}

// Guards are the etiquette rules on drafts to recruiters.
type Guards struct {
	// MaxUnansweredFollowups is how many status checks and application
	// follow-ups an application may have sent without an answer; 0: no
	// limit.
	MaxUnansweredFollowups int `toml:"max_unanswered_followups"`
	// OneDraftPerDay moves a draft to the next business day when another
	// to the same recruiter is due that day.
	OneDraftPerDay bool `toml:"one_draft_per_day"`
}

// Digest schedules the weekly digest.
type Digest struct {
	Schedule string `toml:"schedule"`
}

// Calendar is the calendar file the daemon keeps current.
type Calendar struct {
	// File, when set, is rewritten after every change.
	File string `toml:"file"`
	// Followups puts the follow-ups due in it too.
	Followups bool `toml:"followups"`
}

// Templates points at the user's template overrides.
type Templates struct {
	Dir string `toml:"dir"`
}

type parsed struct {
	location    *time.Location
	delays      map[onward.Kind]when.Delay
	window      when.Spec
	quiet       when.QuietHours
	digest      when.Spec
	giveUpAfter when.Delay
	stale       map[onward.Kind]when.Delay
	timeout     time.Duration
	sendTimeout time.Duration
	prep        when.PrepRule
	prepOn      bool
	imapPoll    when.Spec
	imapDiscard when.Delay
	imapTimeout time.Duration
	imapMaxSize int64
	quietAfter  when.Delay
}

// Default returns the configuration used when there is no file: mail goes
// to an outbox folder, so onward works on a fresh machine without an
// account.
func Default() *Config {
	data := dataDir()
	name, email := whoami()
	return &Config{
		User:    User{Name: name, Email: email},
		Storage: Storage{Database: filepath.Join(data, "onward.db")},
		Delivery: Delivery{
			Transport:   "outbox",
			Outbox:      filepath.Join(data, "outbox"),
			Drafts:      "email",
			GiveUpAfter: "3d",
			Stale: map[string]string{
				string(onward.ThankYou):        "2d",
				string(onward.FeedbackRequest): "10d",
				string(onward.Learn):           "3d",
			},
		},
		SMTP: SMTP{Port: 587, Security: "starttls", MaxPerMinute: 20, Timeout: "30s", Secret: Secret{PasswordCommandTimeout: "30s"}},
		Schedule: Schedule{
			SendWindow: "* 9-17 * * MON-FRI",
			QuietHours: "21:00-08:00",
		},
		Followups: Followups{
			ThankYou:        "3h",
			StatusCheck:     "5bd",
			FeedbackRequest: "1d",
			StayInTouch:     "45d",
			Learn:           "1d",
			LetGo:           "7d",
			NoReply:         "14d",
			QuietAfter:      "14d",
			Prep:            "18:00 the day before",
		},
		Digest:    Digest{Schedule: "0 18 * * SUN"},
		Guards:    Guards{MaxUnansweredFollowups: 2, OneDraftPerDay: true},
		IMAP:      IMAP{Security: "tls", Poll: "*/5 * * * *", DiscardAfter: "2d", Timeout: "30s", MaxMessageSize: "5MB", Secret: Secret{PasswordCommandTimeout: "30s"}},
		Templates: Templates{Dir: filepath.Join(configDir(), "templates")},
	}
}
