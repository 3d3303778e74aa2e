// Package imapbox is onward's IMAP client: it connects (TLS, STARTTLS or,
// to loopback only, plain), holds every command to a deadline, puts
// recruiter drafts into the user's own Drafts mailbox (APPEND), looks a
// Message-ID up in the Sent mailbox, and fetches the mail that arrived
// since a Cursor, never downloading a message over the size limit.
//
// It is not where mail is understood: a fetched message is parsed by
// mailread, and what it means for the records (a reply, a rejection, a
// lesson) is decided in replies. It keeps no state of its own: the caller
// stores a Cursor per mailbox between polls. So it can be tested against
// a real server without a database.
//
// Nothing here changes a message the user already has: mailboxes are
// opened read-only (EXAMINE), bodies are fetched with BODY.PEEK so \Seen
// stays as it was, and the only write is APPEND of a new draft.
package imapbox

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/onward-app/onward/internal/loopback"
	"github.com/onward-app/onward/internal/redact"
)

// Sentinel errors, for callers that need errors.Is. The messages around
// them say what exactly was wrong.
var (
	// ErrAuth marks a login the server refused: wrong user name or
	// password, or an account that may not log in. Retrying with the same
	// credentials will not help. The error never carries the password.
	ErrAuth = errors.New("IMAP login refused")
	// ErrInsecure marks a Config that would expose the password or the
	// mail: security "none" to a host that is not loopback, or TLS
	// certificate verification turned off.
	ErrInsecure = errors.New("insecure IMAP connection refused")
	// ErrNoMailbox marks a mailbox that does not exist, or a Drafts or
	// Sent mailbox that could not be found.
	ErrNoMailbox = errors.New("no such mailbox")
	// ErrInvalidConfig marks a Config that Dial refused before connecting.
	ErrInvalidConfig = errors.New("invalid IMAP config")
	// ErrClosed is returned by a Client whose connection is gone: closed by
	// Close, by a cancelled context, or by the network. Dial again.
	ErrClosed = errors.New("IMAP connection closed")
)

// Config says how to reach the user's mailbox.
type Config struct {
	Host               string
	Port               int // default 993 for "tls", 143 otherwise
	Username, Password string
	// Security is "tls" (implicit TLS, the default when empty), "starttls",
	// or "none", which is allowed only to a loopback host.
	Security string
	// Timeout bounds the dial and each command after it, from the moment
	// it is sent to the end of its answer: a server that stalls, or
	// trickles its answer a byte at a time, fails the command after this
	// long. Default 30s.
	Timeout time.Duration
	// MaxMessageSize is the largest message Fetch reads, in bytes; a
	// larger one is skipped without its body being fetched. Default
	// DefaultMaxMessageSize.
	MaxMessageSize int64
	// TLSConfig is optional, e.g. to trust a private CA through RootCAs.
	// Certificates are always verified: InsecureSkipVerify is refused.
	TLSConfig *tls.Config
	// DraftsMailbox, when set, names the mailbox drafts go to, whatever
	// the server marks as \Drafts. SentMailbox likewise for sent mail.
	DraftsMailbox string
	SentMailbox   string
}

const (
	securityTLS      = "tls"
	securitySTARTTLS = "starttls"
	securityNone     = "none"

	defaultTimeout = 30 * time.Second
)

// DefaultMaxMessageSize is the default MaxMessageSize: a recruiter's reply,
// even with a signature logo, is far smaller; a CV or a contract attached
// to one may not be, and is not what onward reads.
const DefaultMaxMessageSize = 5 << 20

// String describes the config without its password, so that printing it
// (fmt's %v and %+v, slog) never leaks the secret.
func (c Config) String() string {
	pass := ""
	if c.Password != "" {
		pass = ", password set"
	}
	return fmt.Sprintf("imap %s user %q security %q%s", net.JoinHostPort(c.Host, strconv.Itoa(c.Port)), c.Username, c.Security, pass)
}

// GoString keeps %#v from printing the password too.
func (c Config) GoString() string { return "imapbox.Config(" + c.String() + ")" }

// normalize applies the defaults and rejects what is unsafe or cannot work,
// naming the field.
func (c Config) normalize() (Config, error) {
	invalid := func(sentinel error, format string, args ...any) (Config, error) {
		return c, fmt.Errorf("imapbox: %w: %s", sentinel, fmt.Sprintf(format, args...))
	}
	c.Host = strings.TrimSuffix(strings.TrimPrefix(c.Host, "["), "]")
	c.Security = strings.ToLower(c.Security)
	if c.Security == "" {
		c.Security = securityTLS
	}
	if c.Port == 0 {
		c.Port = 143
		if c.Security == securityTLS {
			c.Port = 993
		}
	}
	switch {
	case c.Host == "":
		return invalid(ErrInvalidConfig, "host is empty")
	case strings.ContainsAny(c.Host, " \t\r\n\x00/@"):
		return invalid(ErrInvalidConfig, "host %q is not a host name or an IP address", c.Host)
	case strings.Contains(c.Host, ":") && net.ParseIP(c.Host) == nil:
		return invalid(ErrInvalidConfig, "host %q must not include a port: set the port on its own", c.Host)
	case c.Port < 1 || c.Port > 65535:
		return invalid(ErrInvalidConfig, "port %d is outside 1..65535", c.Port)
	case c.Security != securityTLS && c.Security != securitySTARTTLS && c.Security != securityNone:
		return invalid(ErrInvalidConfig, "security %q is not one of tls, starttls, none", c.Security)
	case c.Security == securityNone && !loopback.Is(c.Host):
		return invalid(ErrInsecure, "security %s", loopback.Refusal(c.Host))
	case c.TLSConfig != nil && c.TLSConfig.InsecureSkipVerify:
		return invalid(ErrInsecure, "TLS certificate verification cannot be turned off; trust a private CA with RootCAs instead")
	case c.Timeout < 0:
		return invalid(ErrInvalidConfig, "timeout %s is negative", c.Timeout)
	case c.MaxMessageSize < 0:
		return invalid(ErrInvalidConfig, "max message size %d is negative", c.MaxMessageSize)
	case c.Username == "":
		return invalid(ErrInvalidConfig, "username is empty")
	case c.Password == "":
		return invalid(ErrInvalidConfig, "password for %q is empty", c.Username)
	case strings.ContainsAny(c.DraftsMailbox+c.SentMailbox, "\r\n\x00"):
		return invalid(ErrInvalidConfig, "a mailbox name contains CR, LF or NUL")
	}
	if c.Timeout == 0 {
		c.Timeout = defaultTimeout
	}
	if c.MaxMessageSize == 0 {
		c.MaxMessageSize = DefaultMaxMessageSize
	}
	return c, nil
}

// Client is one logged-in IMAP session. It is meant for one poll: Dial,
// do the work, Close. It does not reconnect; after a network error or a
// cancelled context every call returns ErrClosed, and the caller dials
// again at the next poll. Calls are serialised, so a Client may be shared
// between goroutines, but they gain nothing by it.
type Client struct {
	addr                         string
	conn                         *deadlineConn
	ic                           *imapclient.Client
	secrets                      redact.Secrets // never shown in an error
	draftsOverride, sentOverride string
	maxSize                      int64

	mu     sync.Mutex // held for the whole of each call
	closed bool
	caps   imap.CapSet
	drafts string // found mailbox names, cached for the session
	sent   string
}

// Dial connects, secures the connection as cfg.Security says, and logs in.
// A refused login returns an error wrapping ErrAuth. ctx bounds the whole
// of it.
func Dial(ctx context.Context, cfg Config) (*Client, error) {
	cfg, err := cfg.normalize()
	if err != nil {
		return nil, err
	}
	addr := net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port))
	tlsConfig := &tls.Config{}
	if cfg.TLSConfig != nil {
		tlsConfig = cfg.TLSConfig.Clone()
	}
	if tlsConfig.ServerName == "" {
		tlsConfig.ServerName = cfg.Host
	}
	tlsConfig.MinVersion = max(tlsConfig.MinVersion, tls.VersionTLS12)
	if tlsConfig.NextProtos == nil {
		tlsConfig.NextProtos = []string{"imap"}
	}

	d := net.Dialer{Timeout: cfg.Timeout}
	raw, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("imapbox: connect to %s: %w", addr, err)
	}
	conn := &deadlineConn{Conn: raw, timeout: cfg.Timeout}
	conn.setBusy(true)
	c := &Client{
		addr:           addr,
		conn:           conn,
		secrets:        redact.Secrets{cfg.Password},
		draftsOverride: cfg.DraftsMailbox,
		sentOverride:   cfg.SentMailbox,
		maxSize:        cfg.MaxMessageSize,
	}
	// The library has no contexts: closing the connection is what makes a
	// blocked read return.
	stop := context.AfterFunc(ctx, func() { _ = raw.Close() })
	defer stop()
	if err := c.connect(cfg, tlsConfig); err != nil {
		_ = raw.Close()
		if c.ic != nil {
			_ = c.ic.Close()
		}
		switch {
		case ctx.Err() != nil:
			err = fmt.Errorf("interrupted: %w", context.Cause(ctx))
		case c.timedOut():
			err = &scrubbed{text: fmt.Sprintf("the server did not finish answering within %s (%s)", cfg.Timeout, c.secrets.Scrub(err.Error())),
				err: errors.Join(err, ErrClosed)}
		}
		return nil, fmt.Errorf("imapbox: connect to %s: %w", addr, err)
	}
	conn.setBusy(false)
	return c, nil
}

// connect runs the TLS handshake, the greeting and the login.
func (c *Client) connect(cfg Config, tlsConfig *tls.Config) error {
	switch cfg.Security {
	case securityTLS:
		c.conn.arm()
		tc := tls.Client(c.conn, tlsConfig)
		if err := tc.Handshake(); err != nil {
			return fmt.Errorf("TLS handshake: %w", err)
		}
		c.ic = imapclient.New(tc, nil)
	case securitySTARTTLS:
		c.conn.arm()
		ic, err := imapclient.NewStartTLS(c.conn, &imapclient.Options{TLSConfig: tlsConfig})
		if err != nil {
			return fmt.Errorf("STARTTLS (does the server offer it? security \"tls\" may be what it wants): %w", err)
		}
		c.ic = ic
	default:
		c.ic = imapclient.New(c.conn, nil)
	}
	if cfg.Security != securitySTARTTLS {
		c.conn.arm()
	}
	if err := c.ic.WaitGreeting(); err != nil {
		return fmt.Errorf("greeting: %w", err)
	}
	c.conn.arm()
	caps, err := c.ic.Capability().Wait()
	if err != nil {
		return fmt.Errorf("CAPABILITY: %w", err)
	}
	if caps.Has(imap.CapLoginDisabled) {
		return fmt.Errorf("%w: the server does not allow LOGIN on this connection (LOGINDISABLED)", ErrAuth)
	}
	c.conn.arm()
	if err := c.ic.Login(cfg.Username, cfg.Password).Wait(); err != nil {
		var ie *imap.Error
		if errors.As(err, &ie) && ie.Type == imap.StatusResponseTypeNo && ie.Code != imap.ResponseCodePrivacyRequired &&
			ie.Code != imap.ResponseCodeUnavailable {
			return fmt.Errorf("log in as %q: %w: %s", cfg.Username, ErrAuth, c.secrets.Scrub(ie.Error()))
		}
		return fmt.Errorf("log in as %q: %s", cfg.Username, c.secrets.Scrub(err.Error()))
	}
	// The capabilities may change after login (RFC 9051 section 6.2.3).
	c.conn.arm()
	if c.caps, err = c.ic.Capability().Wait(); err != nil {
		return fmt.Errorf("CAPABILITY: %w", err)
	}
	return nil
}

// String names the server, and nothing secret.
func (c *Client) String() string { return "imapbox.Client(" + c.addr + ")" }

// GoString keeps %#v from printing the fields, which hold the password.
func (c *Client) GoString() string { return c.String() }

// Close logs out and closes the connection. It is idempotent.
func (c *Client) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil
	}
	c.closed = true
	lost := c.lost()
	if !lost {
		// LOGOUT is a courtesy; Timeout bounds it.
		c.conn.arm()
		_ = c.ic.Logout().Wait()
	}
	err := c.ic.Close()
	// A lost connection was reported by the call that lost it.
	if err != nil && !lost && !errors.Is(err, net.ErrClosed) && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("imapbox: close %s: %w", c.addr, c.fail(context.Background(), err))
	}
	return nil
}

// begin starts a call: it takes the Client, checks that the connection is
// still there, arms the timeout, and lets ctx close the connection. The
// returned end must be called.
func (c *Client) begin(ctx context.Context) (end func(), err error) {
	c.mu.Lock()
	switch {
	case c.closed:
		err = ErrClosed
	case c.lost() || c.timedOut():
		err = fmt.Errorf("%w: the connection to %s was lost", ErrClosed, c.addr)
	case ctx.Err() != nil:
		err = context.Cause(ctx)
	}
	if err != nil {
		c.mu.Unlock()
		return nil, err
	}
	c.conn.setBusy(true)
	stop := context.AfterFunc(ctx, func() { _ = c.conn.Conn.Close() })
	return func() {
		stop()
		c.conn.setBusy(false)
		c.mu.Unlock()
	}, nil
}

func (c *Client) lost() bool {
	select {
	case <-c.ic.Closed():
		return true
	default:
		return false
	}
}

// timedOut reports whether a read ran into a command's deadline; the
// connection is unusable after it.
func (c *Client) timedOut() bool {
	var ne net.Error
	return errors.As(c.conn.readErr(), &ne) && ne.Timeout()
}

// fail explains err from the library: why the connection broke if it did,
// without the password, keeping err for errors.Is and errors.As.
func (c *Client) fail(ctx context.Context, err error) error {
	switch {
	case ctx.Err() != nil:
		return fmt.Errorf("interrupted, connection closed: %w", errors.Join(context.Cause(ctx), ErrClosed))
	case c.timedOut():
		// Checked before lost: the command fails as soon as the read
		// does, and the library may not have marked the connection
		// closed yet.
		return &scrubbed{text: fmt.Sprintf("connection closed: the server did not finish answering a command within %s", c.conn.timeout),
			err: errors.Join(err, c.conn.readErr(), ErrClosed)}
	case c.lost() || gone(err) || gone(c.conn.readErr()):
		// The read that failed may be seen before the library has marked
		// the connection closed: an EOF in the middle of an answer is a
		// lost connection all the same.
		return &scrubbed{text: "connection lost: " + c.secrets.Scrub(err.Error()), err: errors.Join(err, ErrClosed)}
	}
	return &scrubbed{text: c.secrets.Scrub(err.Error()), err: err}
}

// gone reports whether err is the end of the connection rather than an
// answer from the server.
func gone(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) || errors.Is(err, syscall.ECONNRESET)
}

// scrubbed is an error whose text was cleaned of secrets.
type scrubbed struct {
	text string
	err  error
}

func (e *scrubbed) Error() string { return e.text }
func (e *scrubbed) Unwrap() error { return e.err }

// isNoMailbox reports whether the server's answer to SELECT, EXAMINE,
// STATUS or APPEND means that the mailbox does not exist. Servers that
// give no response code mean the same with a plain NO.
func isNoMailbox(err error) bool {
	var ie *imap.Error
	if !errors.As(err, &ie) || ie.Type != imap.StatusResponseTypeNo {
		return false
	}
	switch ie.Code {
	case imap.ResponseCodeNonExistent, imap.ResponseCodeTryCreate, "":
		return true
	}
	return false
}

// deadlineConn puts a deadline on each command: arm, called as a command
// is sent, gives the reads and writes that follow until the next arm
// Timeout in all, however the server spreads its answer, so that one that
// stalls, or trickles a byte a second, cannot hang a poll. Between calls
// (setBusy false) there is no deadline, so that a session idle between
// calls is not cut. The library's own deadlines (a fixed 30 seconds, and
// none at all while it waits for the first byte of an answer) are ignored.
type deadlineConn struct {
	net.Conn
	timeout time.Duration

	mu    sync.Mutex
	until time.Time // the running command's deadline; zero when idle
	err   error     // the first read error; the stream is unusable after it
}

func (c *deadlineConn) setBusy(busy bool) {
	if busy {
		c.arm()
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.until = time.Time{}
	_ = c.Conn.SetReadDeadline(c.until)
	_ = c.Conn.SetWriteDeadline(c.until)
}

// arm starts the deadline of the next command. It also moves the deadline
// of a read that is already blocked: the library reads ahead all the time.
func (c *deadlineConn) arm() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.until = time.Now().Add(c.timeout)
	_ = c.Conn.SetReadDeadline(c.until)
	_ = c.Conn.SetWriteDeadline(c.until)
}

func (c *deadlineConn) Read(p []byte) (int, error) {
	c.mu.Lock()
	if err := c.err; err != nil {
		c.mu.Unlock()
		// The library's reader retries after an error; without this each
		// retry would wait another Timeout.
		return 0, err
	}
	_ = c.Conn.SetReadDeadline(c.until)
	c.mu.Unlock()
	n, err := c.Conn.Read(p)
	if err != nil {
		c.mu.Lock()
		c.err = err
		c.mu.Unlock()
	}
	return n, err
}

func (c *deadlineConn) readErr() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

func (c *deadlineConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	until := c.until
	c.mu.Unlock()
	if until.IsZero() {
		// A write outside a call (none is expected) still may not block
		// forever.
		until = time.Now().Add(c.timeout)
	}
	_ = c.Conn.SetWriteDeadline(until)
	return c.Conn.Write(p)
}

func (c *deadlineConn) SetDeadline(time.Time) error      { return nil }
func (c *deadlineConn) SetReadDeadline(time.Time) error  { return nil }
func (c *deadlineConn) SetWriteDeadline(time.Time) error { return nil }
