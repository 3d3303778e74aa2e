// This file is the SMTP session: one connection kept open between sends,
// dialled, probed, reset and replaced. Its configuration is in
// smtpconfig.go, authentication in smtpauth.go and the reading of
// go-mail's errors in smtperr.go.

package mailer

import (
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/onward-app/onward/internal/redact"
	"github.com/wneessen/go-mail"
	"github.com/wneessen/go-mail/smtp"
)

// SMTP sends messages through one SMTP session that it keeps open between
// calls: dialled on first use, probed with NOOP and reset with RSET between
// messages (as go-mail does), replaced when it broke or sat idle. It is safe
// for concurrent use; messages go out one at a time.
type SMTP struct {
	host, addr  string
	security    string
	timeout     time.Duration
	sendTimeout time.Duration
	secrets     redact.Secrets // forms of the password that must never appear in an error
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
		// The base64 forms are what AUTH PLAIN and LOGIN put on the wire.
		s.secrets = redact.Secrets{
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
