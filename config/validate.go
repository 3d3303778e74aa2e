package config

// This file checks a Config: one validator collects every problem with
// its key and line, so the user fixes them in one pass.

import (
	"errors"
	"fmt"
	"net/mail"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/address"
	"github.com/onward-app/onward/internal/loopback"
	"github.com/onward-app/onward/when"
)

// Error is one problem with one key of the config.
type Error struct {
	File string
	Line int
	Key  string
	Msg  string
	Err  error // the cause, when there is one (a missing file)
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("config: ")
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			fmt.Fprintf(&b, ":%d", e.Line)
		}
		b.WriteString(": ")
	}
	if e.Key != "" {
		b.WriteString(e.Key)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// validator collects every problem so the user can fix them in one pass.
type validator struct {
	c    *Config
	errs []error
}

func (v *validator) fail(key, format string, args ...any) {
	v.errs = append(v.errs, &Error{File: v.c.Path, Line: v.c.line(key), Key: key, Msg: fmt.Sprintf(format, args...)})
}

// line finds the line of key, or of the nearest table holding it, so that
// a problem about a key the file lacks still points somewhere useful.
func (c *Config) line(key string) int {
	for k := key; k != ""; {
		if n := c.lines[k]; n > 0 {
			return n
		}
		i := strings.LastIndex(k, ".")
		if i < 0 {
			break
		}
		k = k[:i]
	}
	return 0
}

func (v *validator) delay(key, value string) when.Delay {
	d, err := when.ParseDelay(value)
	if err != nil {
		v.fail(key, "%v", err)
	}
	return d
}

// positiveDelay is delay for a limit that cannot be zero: why says what a
// zero limit would do.
func (v *validator) positiveDelay(key, value, why string) when.Delay {
	d, err := when.ParseDelay(value)
	switch {
	case err != nil:
		v.fail(key, "%v", err)
	case d.Days == 0 && d.BusinessDays == 0 && d.Clock <= 0:
		v.fail(key, "%q is zero: %s; give a duration such as 2d", value, why)
	}
	return d
}

func (v *validator) spec(key, value string) when.Spec {
	s, err := when.ParseSpec(value)
	if err != nil {
		v.fail(key, "%v", err)
	}
	return s
}

func (v *validator) address(key, value string) {
	if strings.ContainsAny(value, "\r\n\x00") {
		v.fail(key, "address contains a line break or NUL")
		return
	}
	a, err := mail.ParseAddress(value)
	if err != nil || a.Name != "" {
		v.fail(key, "%q is not a plain email address like alex@example.com", value)
		return
	}
	// The checks every address onward writes gets: invisible characters,
	// look-alike or malformed domains.
	if err := (address.Address{Email: a.Address}).Check(); err != nil {
		v.fail(key, "%q: %v", value, err)
	}
}

// Validate checks every value and parses durations, zones and specs. The
// error lists every problem found, each naming its key and line.
//
// It also completes c, and that is on purpose: a leading ~ in a path is
// expanded and an unset IMAP port takes its security's default, so every
// reader of c sees what the program uses rather than each expanding it
// again. Both are idempotent (validating twice is validating once); the
// parsed values the accessors return are kept only when there is no error.
func (c *Config) Validate() error {
	v := &validator{c: c}
	p := parsed{delays: map[onward.Kind]when.Delay{}, stale: map[onward.Kind]when.Delay{}}

	if strings.TrimSpace(c.User.Name) == "" {
		v.fail("user.name", "must not be empty")
	} else if strings.ContainsAny(c.User.Name, "\r\n\x00") {
		v.fail("user.name", "contains a line break or NUL")
	} else if (address.Address{Email: c.User.Email}).Check() == nil {
		// The name signs every draft and heads its From line: it must
		// not show another address or hide characters.
		if err := (address.Address{Name: c.User.Name, Email: c.User.Email}).Check(); err != nil {
			v.fail("user.name", "%v", err)
		}
	}
	v.address("user.email", c.User.Email)
	for _, a := range c.User.Aliases {
		v.address("user.aliases", a)
	}
	p.location = time.Local
	if c.User.Timezone != "" {
		loc, err := LoadLocation(c.User.Timezone)
		if err != nil {
			v.fail("user.timezone", "%v", err)
		}
		p.location = loc
	}

	if strings.TrimSpace(c.Storage.Database) == "" {
		v.fail("storage.database", "must not be empty")
	}
	c.Storage.Database = expandHome(c.Storage.Database)
	c.Delivery.Outbox = expandHome(c.Delivery.Outbox)
	c.Templates.Dir = expandHome(c.Templates.Dir)
	c.SMTP.PasswordFile = expandHome(c.SMTP.PasswordFile)
	c.Calendar.File = expandHome(c.Calendar.File)
	for _, p := range []struct{ key, path string }{{"storage.database", c.Storage.Database}, {"delivery.outbox", c.Delivery.Outbox},
		{"templates.dir", c.Templates.Dir}, {"smtp.password_file", c.SMTP.PasswordFile}, {"calendar.file", c.Calendar.File}} {
		// No file system takes a NUL: it failed later with a bare
		// "invalid argument" naming no key. A line break is a paste
		// gone wrong.
		if strings.ContainsFunc(p.path, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			v.fail(p.key, "%q contains a NUL, a line break or another control character", p.path)
		}
	}

	switch c.Delivery.Transport {
	case "outbox":
		if strings.TrimSpace(c.Delivery.Outbox) == "" {
			v.fail("delivery.outbox", "must name a folder when transport is \"outbox\"")
		}
	case "smtp":
		c.validateSMTP(v)
		c.checkInlinePassword(v)
	default:
		v.fail("delivery.transport", "%q is not one of \"outbox\", \"smtp\"", c.Delivery.Transport)
	}
	if c.Delivery.Transport != "smtp" {
		c.checkInlinePassword(v)
	}
	if strings.TrimSpace(c.IMAP.Host) != "" {
		c.validateIMAP(v, &p)
	}
	switch c.Delivery.Drafts {
	case "email":
	case "imap":
		if strings.TrimSpace(c.IMAP.Host) == "" {
			v.fail("delivery.drafts", "\"imap\" needs an [imap] server: set imap.host")
		}
	case "outbox":
		if strings.TrimSpace(c.Delivery.Outbox) == "" {
			v.fail("delivery.outbox", "must name a folder when drafts is \"outbox\"")
		}
	default:
		v.fail("delivery.drafts", "%q is not one of \"email\", \"outbox\", \"imap\"", c.Delivery.Drafts)
	}
	p.giveUpAfter = v.positiveDelay("delivery.give_up_after", c.Delivery.GiveUpAfter, "a temporary failure would never be retried")
	for kind, value := range c.Delivery.Stale {
		key := "delivery.stale." + kind
		k, err := onward.ParseKind(kind)
		if err != nil {
			v.fail(key, "unknown message kind %q (known: %s)", kind, onward.Join(onward.Kinds()))
			continue
		}
		p.stale[k] = v.positiveDelay(key, value, "every "+kind+" would expire instead of going out")
	}
	if c.SMTP.Timeout != "" {
		d, err := time.ParseDuration(c.SMTP.Timeout)
		if err != nil || d <= 0 || d > 10*time.Minute {
			v.fail("smtp.timeout", "%q is not a duration between 1s and 10m, such as 30s", c.SMTP.Timeout)
		}
		p.timeout = d
	}
	if c.SMTP.SendTimeout != "" {
		d, err := time.ParseDuration(c.SMTP.SendTimeout)
		switch {
		case err != nil || d <= 0 || d > time.Hour:
			v.fail("smtp.send_timeout", "%q is not a duration between 1s and 1h, such as 2m", c.SMTP.SendTimeout)
		case p.timeout > 0 && d < p.timeout:
			v.fail("smtp.send_timeout", "%s is shorter than smtp.timeout (%s): a message could not wait for even one answer", c.SMTP.SendTimeout, c.SMTP.Timeout)
		}
		p.sendTimeout = d
	}

	// An empty window or digest schedule switches them off.
	if strings.TrimSpace(c.Schedule.SendWindow) != "" {
		p.window = v.spec("schedule.send_window", c.Schedule.SendWindow)
	}
	q, err := when.ParseQuietHours(c.Schedule.QuietHours)
	if err != nil {
		v.fail("schedule.quiet_hours", "%v", err)
	}
	p.quiet = q

	for _, f := range []struct {
		kind  onward.Kind
		value string
	}{
		{onward.ThankYou, c.Followups.ThankYou},
		{onward.StatusCheck, c.Followups.StatusCheck},
		{onward.FeedbackRequest, c.Followups.FeedbackRequest},
		{onward.StayInTouch, c.Followups.StayInTouch},
		{onward.Learn, c.Followups.Learn},
		{onward.LetGo, c.Followups.LetGo},
	} {
		p.delays[f.kind] = v.delay("followups."+string(f.kind), f.value)
	}
	// An empty no_reply leaves both kinds without a delay: not planned.
	if strings.TrimSpace(c.Followups.NoReply) != "" {
		d := v.positiveDelay("followups.no_reply", c.Followups.NoReply, "every application would be followed up the moment it was sent")
		p.delays[onward.NoReply], p.delays[onward.ApplicationFollowUp] = d, d
	}
	if strings.TrimSpace(c.Followups.QuietAfter) != "" {
		d, err := when.ParseDelay(c.Followups.QuietAfter)
		switch {
		case err != nil:
			v.fail("followups.quiet_after", "%v", err)
		case d.IsZero():
			v.fail("followups.quiet_after", "%q is zero: every application would be quiet the moment its follow-up went out; give a duration such as 14d, or \"\" to switch it off", c.Followups.QuietAfter)
		}
		p.quietAfter = d
	}
	if n := c.Guards.MaxUnansweredFollowups; n < 0 || n > 10 {
		v.fail("guards.max_unanswered_followups", "%d is not between 0 (no limit) and 10", n)
	}
	prep, on, err := when.ParsePrep(c.Followups.Prep)
	if err != nil {
		v.fail("followups.prep", "%v", err)
	}
	p.prep, p.prepOn = prep, on
	if strings.TrimSpace(c.Digest.Schedule) != "" {
		p.digest = v.spec("digest.schedule", c.Digest.Schedule)
	}
	c.validateWeb(v)

	if err := errors.Join(v.errs...); err != nil {
		return err
	}
	c.parsed = p
	return nil
}

func (c *Config) validateSMTP(v *validator) {
	s := &c.SMTP
	if strings.TrimSpace(s.Host) == "" {
		v.fail("smtp.host", "must be set when delivery.transport is \"smtp\"")
	}
	if s.Port < 1 || s.Port > 65535 {
		v.fail("smtp.port", "%d is not a port between 1 and 65535", s.Port)
	}
	switch s.Security {
	case "starttls", "tls":
	case "none":
		if !loopback.Is(s.Host) {
			v.fail("smtp.security", "%s", loopback.Refusal(s.Host))
		}
	default:
		v.fail("smtp.security", "%q is not one of \"starttls\", \"tls\", \"none\"", s.Security)
	}
	if s.MaxPerMinute < 1 || s.MaxPerMinute > 10000 {
		v.fail("smtp.max_per_minute", "%d is not between 1 and 10000", s.MaxPerMinute)
	}
	v.secret("smtp", &s.Secret, s.Username)
}

// secret checks that a password has exactly one source, and has one when
// a username asks for it, and notes where the command is for its errors.
func (v *validator) secret(table string, s *Secret, username string) {
	var sources []string
	for _, src := range []struct {
		key string
		set bool
	}{{"password", s.Password != ""}, {"password_env", s.PasswordEnv != ""}, {"password_file", s.PasswordFile != ""}, {"password_command", s.PasswordCommand != ""}} {
		if src.set {
			sources = append(sources, src.key)
		}
	}
	if len(sources) > 1 {
		v.fail(table+"."+sources[len(sources)-1], "set only one of %s", strings.Join(sources, ", "))
	}
	if username != "" && len(sources) == 0 {
		v.fail(table+".username", "is set but no password source is: add password_env, password_file or password_command")
	}
	if _, err := s.commandTimeout(); err != nil {
		v.fail(table+".password_command_timeout", "%q is not a duration between 1s and 10m, such as 30s", s.PasswordCommandTimeout)
	}
	s.file = v.c.Path
}

// checkInlinePassword refuses a password in a file others can read,
// whatever the transport: the secret is exposed either way. A command is
// refused there too: it may hold the password itself (printf %s ...), and
// where it does not, it names where the password lives.
func (c *Config) checkInlinePassword(v *validator) {
	if c.Path == "" {
		return
	}
	var keys []string
	for _, s := range []struct {
		table string
		s     Secret
	}{{"smtp", c.SMTP.Secret}, {"imap", c.IMAP.Secret}} {
		if s.s.Password != "" {
			keys = append(keys, s.table+".password")
		}
		if s.s.PasswordCommand != "" {
			keys = append(keys, s.table+".password_command")
		}
	}
	if len(keys) == 0 {
		return
	}
	fi, err := os.Stat(c.Path)
	if err != nil || fi.Mode().Perm()&0o077 == 0 {
		return
	}
	for _, key := range keys {
		what, better := "a password", "use password_env or password_command"
		if strings.HasSuffix(key, "_command") {
			what, better = "a password command, which may hold the password itself,", "use password_env or password_file"
		}
		v.fail(key, "the file holds %s but is readable by others (mode %04o); run: chmod 600 %s, or better, %s", what, fi.Mode().Perm(), c.Path, better)
	}
}

func (c *Config) validateIMAP(v *validator, p *parsed) {
	m := &c.IMAP
	m.PasswordFile = expandHome(m.PasswordFile)
	switch m.Security {
	case "tls", "starttls":
	case "none":
		if !loopback.Is(m.Host) {
			v.fail("imap.security", "%s", loopback.Refusal(m.Host))
		}
	default:
		v.fail("imap.security", "%q is not one of \"tls\", \"starttls\", \"none\"", m.Security)
	}
	if m.Port == 0 {
		m.Port = 993
		if m.Security != "tls" {
			m.Port = 143
		}
	}
	if m.Port < 1 || m.Port > 65535 {
		v.fail("imap.port", "%d is not a port between 1 and 65535", m.Port)
	}
	if m.Username == "" {
		v.fail("imap.username", "must be set when imap.host is")
	}
	v.secret("imap", &m.Secret, m.Username)
	p.imapPoll = v.spec("imap.poll", m.Poll)
	p.imapDiscard = v.delay("imap.discard_after", m.DiscardAfter)
	d, err := time.ParseDuration(m.Timeout)
	if err != nil || d <= 0 || d > 10*time.Minute {
		v.fail("imap.timeout", "%q is not a duration between 1s and 10m, such as 30s", m.Timeout)
	}
	p.imapTimeout = d
	p.imapMaxSize = v.size("imap.max_message_size", m.MaxMessageSize, 16<<10, 100<<20)
}

// size parses a size in bytes: a number, with an optional unit B, KB, MB
// or GB (powers of 1024; KiB, MiB, GiB and K, M, G are the same), between
// lo and hi.
func (v *validator) size(key, value string, lo, hi int64) int64 {
	t := strings.ToUpper(strings.TrimSpace(value))
	num := strings.TrimRight(t, "KMGIB ")
	unit := strings.TrimSpace(t[len(num):])
	mult := map[string]int64{"": 1, "B": 1, "K": 1 << 10, "KB": 1 << 10, "KIB": 1 << 10,
		"M": 1 << 20, "MB": 1 << 20, "MIB": 1 << 20, "G": 1 << 30, "GB": 1 << 30, "GIB": 1 << 30}[unit]
	n, err := strconv.ParseInt(strings.TrimSpace(num), 10, 64)
	if err != nil || mult == 0 || n <= 0 || n > hi/mult || n*mult < lo {
		v.fail(key, "%q is not a size between %s and %s, such as \"5MB\"", value, byteSize(lo), byteSize(hi))
		return 0
	}
	return n * mult
}

// byteSize writes n bytes the way size reads them.
func byteSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + "MB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + "KB"
	}
	return strconv.FormatInt(n, 10) + "B"
}
