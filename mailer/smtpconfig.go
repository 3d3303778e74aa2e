package mailer

import (
	"crypto/tls"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/onward-app/onward/internal/loopback"
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
		return invalid("security %s", loopback.Refusal(c.Host))
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
