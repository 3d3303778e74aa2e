package mailer

import (
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/textproto"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/onward-app/onward/internal/loopback"
	"github.com/wneessen/go-mail"
	"github.com/wneessen/go-mail/smtp"
)

// SMTPConfig says how to reach the user's mail server.
type SMTPConfig struct {
	Host               string
	Port               int
	Username, Password string
	// Security is "starttls" (the default when empty), "tls" (implicit TLS,
	// usually port 465) or "none", which is allowed only to a loopback host.
	Security string
	// Timeout bounds the dial and every wait on the network after it: each
	// read or write, so a stalled server is noticed after Timeout. Default
	// 30s.
	Timeout time.Duration
	// SendTimeout bounds one message's whole conversation with the server,
	// from the dial (or the probe of a kept session) to the reply to the
	// final dot: a server that answers a byte or a line at a time never
	// trips Timeout, and would otherwise hold a send, and the claim on its
	// message, for as long as it likes. Default DefaultSendTimeoutFactor
	// times Timeout.
	SendTimeout time.Duration
	// TLSConfig is optional, e.g. to trust a private CA through RootCAs.
	// Certificates are always verified: InsecureSkipVerify is refused.
	TLSConfig *tls.Config
}

const (
	securitySTARTTLS = "starttls"
	securityTLS      = "tls"
	securityNone     = "none"

	defaultTimeout = 30 * time.Second

	// maxIdle is how long a session may sit unused before Send replaces it
	// instead of probing it with NOOP: servers drop idle clients after a few
	// minutes, and a NAT box may drop them silently, which would cost a full
	// Timeout to notice.
	maxIdle = time.Minute
)

// DefaultSendTimeoutFactor is how many Timeouts one message may take in
// all when SendTimeout is not set: a healthy server answers each of the
// dozen steps of a send (connect, greeting, EHLO, STARTTLS, AUTH, MAIL,
// RCPT, DATA, the final dot) at once, and a slow one is slow at one or
// two of them, typically the TLS handshake and the final dot.
const DefaultSendTimeoutFactor = 4

// String describes the config without its password, so that printing it
// (fmt's %v and %+v, slog) never leaks the secret.
func (c SMTPConfig) String() string {
	pass := ""
	if c.Password != "" {
		pass = ", password set"
	}
	return fmt.Sprintf("smtp %s user %q security %q%s", net.JoinHostPort(c.Host, strconv.Itoa(c.Port)), c.Username, c.Security, pass)
}

// GoString keeps %#v from printing the password too.
func (c SMTPConfig) GoString() string { return "mailer.SMTPConfig(" + c.String() + ")" }

// SMTP sends messages through one SMTP session that it keeps open between
// calls: dialled on first use, probed with NOOP and reset with RSET between
// messages (as go-mail does), replaced when it broke or sat idle. It is safe
// for concurrent use; messages go out one at a time.
type SMTP struct {
	host, addr  string
	security    string
	timeout     time.Duration
	sendTimeout time.Duration
	secrets     []string // forms of the password that must never appear in an error
	client      *mail.Client
	tlsConfig   *tls.Config

	// stopWaiting is cancelled by Close to release Sends that wait for
	// their turn.
	stopWaiting context.Context
	cancelWaits func()

	// turn is held by the one Send or Close that talks to the server; it is
	// a channel so that waiting for it can honour a context.
	turn chan struct{}
	// Guarded by turn:
	session  *smtp.Client
	lastUsed time.Time
	closed   bool
	maxIdle  time.Duration
	// end is the deadline of the message being sent, for the dial.
	end time.Time

	// connMu guards conn, the raw connection of the current session, which
	// a cancelled context closes from another goroutine.
	connMu sync.Mutex
	conn   *netConn
}

// NewSMTP checks cfg and returns a sender; it does not connect yet.
func NewSMTP(cfg SMTPConfig) (*SMTP, error) {
	cfg, err := cfg.normalize()
	if err != nil {
		return nil, err
	}
	tlsConfig := &tls.Config{}
	if cfg.TLSConfig != nil {
		tlsConfig = cfg.TLSConfig.Clone()
	}
	if tlsConfig.ServerName == "" {
		tlsConfig.ServerName = cfg.Host
	}
	tlsConfig.MinVersion = max(tlsConfig.MinVersion, tls.VersionTLS12)

	stopWaiting, cancel := context.WithCancelCause(context.Background())
	s := &SMTP{
		host:        cfg.Host,
		addr:        net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port)),
		security:    cfg.Security,
		timeout:     cfg.Timeout,
		sendTimeout: cfg.SendTimeout,
		tlsConfig:   tlsConfig,
		stopWaiting: stopWaiting,
		cancelWaits: func() { cancel(ErrClosed) },
		turn:        make(chan struct{}, 1),
		maxIdle:     maxIdle,
	}
	opts := []mail.Option{
		mail.WithPort(cfg.Port),
		mail.WithTimeout(cfg.Timeout),
		mail.WithTLSConfig(tlsConfig),
		// Our dialer, so that we hold the raw connection: to close it when
		// the context is cancelled, to bound every read and write, and to
		// learn about network failures that go-mail's SendError hides.
		mail.WithDialContextFunc(s.dial),
	}
	switch cfg.Security {
	case securitySTARTTLS:
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	case securityTLS:
		// s.dial does the handshake; WithSSL only stops go-mail from trying
		// STARTTLS inside it.
		opts = append(opts, mail.WithSSL())
	case securityNone:
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	}
	if cfg.Username != "" {
		opts = append(opts, mail.WithSMTPAuthCustom(&authPicker{
			user: cfg.Username, pass: cfg.Password, host: cfg.Host,
			clear: cfg.Security == securityNone,
		}))
		s.secrets = []string{
			base64.StdEncoding.EncodeToString([]byte("\x00" + cfg.Username + "\x00" + cfg.Password)),
			base64.StdEncoding.EncodeToString([]byte(cfg.Password)),
			cfg.Password,
		}
	}
	s.client, err = mail.NewClient(cfg.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("mailer: SMTP client for %s: %w", s.addr, err)
	}
	return s, nil
}

// normalize applies the defaults and rejects what would be unsafe or
// cannot work, naming the field.
func (c SMTPConfig) normalize() (SMTPConfig, error) {
	invalid := func(format string, args ...any) (SMTPConfig, error) {
		return c, fmt.Errorf("mailer: %w: %s", ErrInvalidConfig, fmt.Sprintf(format, args...))
	}
	c.Host = strings.TrimSuffix(strings.TrimPrefix(c.Host, "["), "]")
	c.Security = strings.ToLower(c.Security)
	if c.Security == "" {
		c.Security = securitySTARTTLS
	}
	switch {
	case c.Host == "":
		return invalid("host is empty")
	case strings.ContainsAny(c.Host, " \t\r\n\x00/@"):
		return invalid("host %q is not a host name or an IP address", c.Host)
	case strings.Contains(c.Host, ":") && net.ParseIP(c.Host) == nil:
		return invalid("host %q must not include a port: set the port on its own", c.Host)
	case c.Port < 1 || c.Port > 65535:
		return invalid("port %d is outside 1..65535", c.Port)
	case c.Security != securitySTARTTLS && c.Security != securityTLS && c.Security != securityNone:
		return invalid("security %q is not one of starttls, tls, none", c.Security)
	case c.Security == securityNone && !loopback.Is(c.Host):
		return invalid("security \"none\" would send mail and password in clear to %q: it is allowed only to a loopback host (localhost, 127.0.0.1, ::1); use starttls or tls", c.Host)
	case c.Timeout < 0:
		return invalid("timeout %s is negative", c.Timeout)
	case c.SendTimeout < 0:
		return invalid("send timeout %s is negative", c.SendTimeout)
	case c.Username != "" && c.Password == "":
		return invalid("username %q is set but the password is empty", c.Username)
	case c.Username == "" && c.Password != "":
		return invalid("password is set but the username is empty")
	case c.TLSConfig != nil && c.TLSConfig.InsecureSkipVerify:
		return invalid("TLS certificate verification cannot be turned off; trust a private CA with RootCAs instead")
	}
	if c.Timeout == 0 {
		c.Timeout = defaultTimeout
	}
	if c.SendTimeout == 0 {
		c.SendTimeout = DefaultSendTimeoutFactor * c.Timeout
	}
	return c, nil
}

// SendTimeout is the longest one Send spends talking to the server, from
// the dial to the reply to the final dot, once it is its turn.
func (s *SMTP) SendTimeout() time.Duration { return s.sendTimeout }

// String names the server, and nothing secret.
func (s *SMTP) String() string { return "mailer.SMTP(" + s.addr + ")" }

// GoString keeps %#v from printing the fields, which hold the password.
func (s *SMTP) GoString() string { return s.String() }

// Send delivers m, waiting first for its turn; ctx bounds the wait and the
// delivery, and the delivery lasts at most the send timeout. A nil error
// means the server accepted the message. On error, Temporary says whether
// to retry later with the same Message-ID. Send has no rate limit of its
// own: a Relay adds one that outlives the client.
func (s *SMTP) Send(ctx context.Context, m *Message) error {
	msg, err := m.build()
	if err != nil {
		return fmt.Errorf("mailer: send %s: %w", m.printableID(), err)
	}
	if err := s.deliver(ctx, msg, !isASCII(m.From.Email+m.To.Email)); err != nil {
		return fmt.Errorf("mailer: send %s: %w", m.MessageID, err)
	}
	return nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// deliver sends msg; utf8 says that an envelope address is not ASCII, so
// the server must offer SMTPUTF8 (RFC 6531).
func (s *SMTP) deliver(ctx context.Context, msg *mail.Msg, utf8 bool) error {
	waitCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	stop := context.AfterFunc(s.stopWaiting, func() { cancel(ErrClosed) })
	defer stop()

	select {
	case s.turn <- struct{}{}:
	case <-waitCtx.Done():
		return interrupted("waiting for the previous message", context.Cause(waitCtx))
	}
	defer func() { <-s.turn }()
	if s.closed {
		return interrupted("sending", ErrClosed)
	}
	// From here on only the caller's ctx and the send timeout count:
	// Close lets a message that is already on the wire finish rather than
	// leave it half sent.
	return s.transmit(ctx, msg, utf8)
}

func interrupted(doing string, cause error) *deliveryError {
	return &deliveryError{temporary: true, text: fmt.Sprintf("%s: %v", doing, cause), err: cause}
}

// transmit runs one SMTP transaction; the caller holds the turn.
func (s *SMTP) transmit(ctx context.Context, msg *mail.Msg, utf8 bool) error {
	stop := context.AfterFunc(ctx, s.abort)
	defer stop()

	if s.session != nil && time.Since(s.lastUsed) > s.maxIdle {
		s.hangUp()
	}
	// One deadline for the whole message, a redial after a dead kept
	// session included: every read, write and dial below ends by it.
	s.end = time.Now().Add(s.sendTimeout)
	s.connMu.Lock()
	if s.conn != nil {
		s.conn.startMessage(s.end, s.sendTimeout)
	}
	s.connMu.Unlock()
	for {
		fresh := s.session == nil
		if fresh {
			session, err := s.client.DialToSMTPClientWithContext(ctx)
			if err != nil {
				de := s.failure(ctx, err)
				// go-mail leaves the connection open when EHLO, STARTTLS
				// or AUTH fail after the dial.
				s.drop()
				return de
			}
			s.session = session
		}
		if ok, _ := s.session.Extension("SMTPUTF8"); utf8 && !ok {
			// go-mail would send the address anyway, and a server may
			// mangle it. Nothing was sent; the session stays usable.
			return &deliveryError{text: fmt.Sprintf("smtp: %s does not offer SMTPUTF8, which an address that is not ASCII needs; use the recipient's ASCII address (an xn-- domain works)", s.addr), err: ErrNoSMTPUTF8}
		}
		err := s.client.SendWithSMTPClient(s.session, msg)
		if err == nil {
			s.lastUsed = time.Now()
			return nil
		}
		if msg.IsDelivered() {
			// The server took the message with 250; only the RSET after it
			// failed. Reporting a failure would make the caller send it
			// again. The session is in doubt, so start a new one next time.
			s.drop()
			return nil
		}
		var sendErr *mail.SendError
		if !fresh && ctx.Err() == nil && errors.As(err, &sendErr) && sendErr.Reason == mail.ErrConnCheck {
			// The NOOP before MAIL FROM failed: the server closed the idle
			// session. Nothing of the message was sent; dial again, once.
			s.drop()
			continue
		}
		// Whatever failed, the session's state is in doubt (a partial DATA,
		// a rejected DATA that left the transaction open): start afresh.
		de := s.failure(ctx, err)
		s.drop()
		return de
	}
}

// dial is go-mail's DialContextFunc. For implicit TLS it returns the
// *tls.Conn itself, because go-mail's smtp.Client decides whether the
// session is encrypted (and so whether AUTH may proceed) by that type.
func (s *SMTP) dial(ctx context.Context, _, _ string) (net.Conn, error) {
	d := net.Dialer{Timeout: s.timeout, Deadline: s.end}
	raw, err := d.DialContext(ctx, "tcp", s.addr)
	if err != nil {
		return nil, err
	}
	nc := &netConn{Conn: raw, timeout: s.timeout, end: s.end, budget: s.sendTimeout}
	s.connMu.Lock()
	s.conn = nc
	s.connMu.Unlock()
	// abort may have run before s.conn was set; it cannot run unnoticed
	// after this check, because it would then find s.conn.
	if err := ctx.Err(); err != nil {
		_ = nc.Close()
		return nil, err
	}
	if s.security != securityTLS {
		return nc, nil
	}
	tc := tls.Client(nc, s.tlsConfig)
	if err := tc.HandshakeContext(ctx); err != nil {
		_ = nc.Close()
		return nil, err
	}
	return tc, nil
}

// abort breaks the current session's connection so that a blocked read or
// write returns now; it runs when the caller's context is cancelled.
func (s *SMTP) abort() {
	s.connMu.Lock()
	defer s.connMu.Unlock()
	if s.conn != nil {
		_ = s.conn.Close()
	}
}

// drop forgets the session and closes its connection without a word.
func (s *SMTP) drop() {
	s.connMu.Lock()
	c := s.conn
	s.conn = nil
	s.connMu.Unlock()
	if c != nil {
		_ = c.Close()
	}
	s.session = nil
}

// hangUp ends the session politely with QUIT, then drops it. A failing QUIT
// changes nothing: the session is over either way.
func (s *SMTP) hangUp() {
	s.connMu.Lock()
	if s.conn != nil {
		// The last message's deadline has passed; QUIT gets a timeout
		// of its own.
		s.conn.startMessage(time.Now().Add(s.timeout), s.sendTimeout)
	}
	s.connMu.Unlock()
	if s.session != nil {
		_ = s.client.CloseWithSMTPClient(s.session)
	}
	s.drop()
}

// Close ends the session. Sends waiting for their turn return at once with
// ErrClosed (temporary); a message already on the wire is finished first.
// Close is idempotent; Send fails after it.
func (s *SMTP) Close() error {
	s.cancelWaits()
	s.turn <- struct{}{}
	defer func() { <-s.turn }()
	if !s.closed {
		s.closed = true
		s.hangUp()
	}
	return nil
}

// failure turns an error from go-mail into a deliveryError with a verdict
// and the server's words. Call it before drop: it reads the connection's
// record of network failures.
func (s *SMTP) failure(ctx context.Context, err error) *deliveryError {
	var ioErr error
	s.connMu.Lock()
	if s.conn != nil {
		ioErr = s.conn.failure()
	}
	s.connMu.Unlock()

	step := "while connecting to " + s.addr
	words := err.Error()
	var (
		sendErr *mail.SendError
		tpErr   *textproto.Error
	)
	if errors.As(err, &sendErr) {
		step = stepName(sendErr.Reason)
		words = unquoteReply(serverWords(sendErr))
	} else if errors.As(err, &tpErr) {
		words = strings.Replace(words, tpErr.Error(), fmt.Sprintf("%03d %s", tpErr.Code, tpErr.Msg), 1)
	}
	words = s.scrub(oneLine(words))
	code := replyCode(err)

	de := &deliveryError{text: fmt.Sprintf("smtp: %s (%s)", words, step), err: err}
	network := func() {
		de.temporary = true
		de.text = fmt.Sprintf("smtp: network failure %s: %s", step, words)
		if sendErr != nil && sendErr.Reason == mail.ErrSMTPDataClose {
			de.text += "; the server may have the message already"
		}
	}
	switch {
	case ctx.Err() != nil:
		de.temporary = true
		de.text = fmt.Sprintf("smtp: interrupted %s: %v", step, context.Cause(ctx))
		de.err = errors.Join(ctx.Err(), err)
	case isCertificateError(err):
		de.text = fmt.Sprintf("smtp: the TLS certificate of %s could not be verified (%s); retrying will not help: fix the server's certificate or trust its CA", s.host, words)
		de.err = fmt.Errorf("%w: %w", ErrUntrustedCertificate, err)
	case s.security == securitySTARTTLS && strings.Contains(err.Error(), "does not support STARTTLS"):
		// go-mail v0.8.1 reports this with an unwrapped fmt.Errorf; with
		// TLSMandatory it stops right after EHLO, before any AUTH or mail.
		de.text = fmt.Sprintf("smtp: %s does not offer STARTTLS, which security \"starttls\" requires; nothing was sent", s.addr)
		de.err = fmt.Errorf("%w: %w", ErrNoSTARTTLS, err)
	case code >= 400 && code < 500:
		de.temporary = true
	case code >= 500:
		de.temporary = false
	case ioErr != nil:
		// go-mail's SendError has no Unwrap, so the network failure under
		// it is known only from our side of the connection.
		network()
		var slow *sendTimeoutError
		if errors.As(ioErr, &slow) {
			de.text = fmt.Sprintf("smtp: the server took more than %s over one message and was cut off %s", slow.budget, step)
			if sendErr != nil && sendErr.Reason == mail.ErrSMTPDataClose {
				de.text += "; the server may have the message already"
			}
		}
		de.err = errors.Join(err, ioErr)
	case isNetworkError(err):
		network()
	case sendErr != nil && sendErr.Reason == mail.ErrConnCheck:
		// The NOOP probe failed on a fresh session; go-mail hides why.
		de.temporary = true
	}
	return de
}

// serverWords extracts the failing command's errors from a SendError, whose
// Error() is "<reason>: <errors>, affected recipient(s): ..., affected
// message ID: ...". The errors are the server's reply ("550 5.1.1 ...") or
// the network error; there is no other way to reach them (no Unwrap).
func serverWords(e *mail.SendError) string {
	s := strings.TrimPrefix(e.Error(), e.Reason.String()+":")
	for _, tail := range []string{", affected recipient(s): ", ", affected message ID: "} {
		if i := strings.Index(s, tail); i >= 0 {
			s = s[:i]
		}
	}
	if s = strings.TrimSpace(s); s == "" {
		return e.Reason.String()
	}
	// After a failed MAIL or RCPT go-mail appends the error of its RSET,
	// which on a broken connection is the same one again.
	if half := (len(s) - 2) / 2; len(s) > 2 && s[half:half+2] == ", " && s[:half] == s[half+2:] {
		s = s[:half]
	}
	return s
}

// unquoteReply turns `550 "5.1.1 mailbox unavailable"`, the way
// net/textproto.Error prints a reply (with %q), back into the server's
// words: 550 5.1.1 mailbox unavailable.
func unquoteReply(s string) string {
	if len(s) < 5 || s[3] != ' ' || strings.Trim(s[:3], "0123456789") != "" {
		return s
	}
	quoted, err := strconv.QuotedPrefix(s[4:])
	if err != nil {
		return s
	}
	msg, err := strconv.Unquote(quoted)
	if err != nil {
		return s
	}
	return s[:4] + msg + s[4+len(quoted):]
}

func stepName(r mail.SendErrReason) string {
	switch r {
	case mail.ErrSMTPMailFrom:
		return "at MAIL FROM"
	case mail.ErrSMTPRcptTo:
		return "at RCPT TO"
	case mail.ErrSMTPData:
		return "at DATA"
	case mail.ErrWriteContent:
		return "while sending the message"
	case mail.ErrSMTPDataClose:
		return "after the end of DATA"
	case mail.ErrSMTPReset:
		return "at RSET"
	case mail.ErrConnCheck:
		return "at NOOP"
	}
	return r.String()
}

// scrub removes the password, plain or in the base64 forms that AUTH PLAIN
// and LOGIN put on the wire, in case a server echoes a command back.
func (s *SMTP) scrub(text string) string {
	for _, secret := range s.secrets {
		if secret != "" {
			text = strings.ReplaceAll(text, secret, "[redacted]")
		}
	}
	return text
}

// authPicker chooses among the mechanisms the server offers. go-mail's own
// discovery cannot be used with our dialer: it then believes an implicit-TLS
// session is in clear and refuses PLAIN and LOGIN.
type authPicker struct {
	user, pass, host string
	// clear is set for security "none", which NewSMTP allows only to a
	// loopback host: PLAIN in clear then never leaves the machine.
	clear  bool
	chosen smtp.Auth
}

func (a *authPicker) Start(server *smtp.ServerInfo) (string, []byte, error) {
	offers := func(mech string) bool {
		return slices.ContainsFunc(server.Auth, func(m string) bool { return strings.EqualFold(m, mech) })
	}
	// PLAIN and LOGIN first: the session is encrypted (or on loopback), and
	// they work with every account, while a server may offer SCRAM or
	// CRAM-MD5 for accounts that lack the matching stored secret.
	switch {
	case offers("PLAIN"):
		a.chosen = smtp.PlainAuth("", a.user, a.pass, a.host, a.clear)
	case offers("LOGIN"):
		a.chosen = smtp.LoginAuth(a.user, a.pass, a.host, a.clear)
	case offers("SCRAM-SHA-256"):
		a.chosen = smtp.ScramSHA256Auth(a.user, a.pass)
	case offers("SCRAM-SHA-1"):
		a.chosen = smtp.ScramSHA1Auth(a.user, a.pass)
	case offers("CRAM-MD5"):
		a.chosen = smtp.CRAMMD5Auth(a.user, a.pass)
	default:
		return "", nil, fmt.Errorf("server offers no AUTH mechanism onward supports (offered: %q)", strings.Join(server.Auth, " "))
	}
	return a.chosen.Start(server)
}

func (a *authPicker) Next(fromServer []byte, more bool) ([]byte, error) {
	return a.chosen.Next(fromServer, more)
}
