package mailer

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/textproto"
	"os"
	"strings"
	"syscall"

	"github.com/onward-app/onward/address"
	"github.com/wneessen/go-mail"
)

// Sentinel errors, for callers that need errors.Is. The messages around them
// say what exactly was wrong.
var (
	// ErrInvalidAddress marks an address that ParseAddress or a Message rejected.
	ErrInvalidAddress = address.ErrInvalid
	// ErrInvalidMessage marks a Message that cannot be written without
	// breaking its headers or its threading: nothing was sent.
	ErrInvalidMessage = errors.New("invalid message")
	// ErrInvalidConfig marks an SMTPConfig that NewSMTP refused.
	ErrInvalidConfig = errors.New("invalid SMTP config")
	// ErrUntrustedCertificate marks a server whose TLS certificate did not
	// verify. Retrying cannot help until the server or the config changes.
	ErrUntrustedCertificate = errors.New("server TLS certificate not trusted")
	// ErrNoSTARTTLS marks a server that did not offer STARTTLS although the
	// config requires it. Nothing but EHLO was sent in clear.
	ErrNoSTARTTLS = errors.New("server does not offer STARTTLS")
	// ErrNoSMTPUTF8 marks a message to or from an address that is not
	// ASCII, for a server that does not offer SMTPUTF8. Nothing was sent.
	ErrNoSMTPUTF8 = errors.New("server does not offer SMTPUTF8")
	// ErrClosed is returned by Send after Close.
	ErrClosed = errors.New("mailer closed")
)

// deliveryError is what Send returns (wrapped with the Message-ID) when a
// message was not delivered. It carries the verdict, because go-mail's own
// SendError.IsTemp only looks for a leading 4 in the reply and so calls a
// timeout or a reset connection permanent.
type deliveryError struct {
	temporary bool
	text      string // what happened, in the server's words when it replied
	err       error  // the cause, for errors.Is and errors.As; may be nil
}

func (e *deliveryError) Error() string { return e.text }
func (e *deliveryError) Unwrap() error { return e.err }

// Temporary reports whether a Send error is worth retrying later with the
// same Message-ID: a 4xx reply, a network failure of any kind (including a
// lost reply after the final dot of DATA: the message may have arrived, and
// the receiving side can collapse the duplicate by its Message-ID), a
// cancelled context, or a full disk under the Outbox. A 5xx reply, an
// untrusted certificate, a missing STARTTLS and an invalid message are
// permanent: the same attempt would fail the same way.
func Temporary(err error) bool {
	if err == nil {
		return false
	}
	var de *deliveryError
	if errors.As(err, &de) {
		return de.temporary
	}
	// Errors that did not come from Send: apply the same rules.
	switch {
	case errors.Is(err, ErrInvalidMessage), errors.Is(err, ErrInvalidAddress),
		errors.Is(err, ErrInvalidConfig), errors.Is(err, ErrUntrustedCertificate),
		errors.Is(err, ErrNoSTARTTLS), errors.Is(err, ErrNoSMTPUTF8), isCertificateError(err):
		return false
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded),
		errors.Is(err, ErrClosed):
		return true
	}
	if code := replyCode(err); code != 0 {
		return code/100 == 4
	}
	return isNetworkError(err)
}

// replyCode returns the SMTP reply code carried by err, or 0 when the error
// did not come from a server reply.
func replyCode(err error) int {
	var sendErr *mail.SendError
	if errors.As(err, &sendErr) {
		if c := sendErr.ErrorCode(); c >= 400 && c < 600 {
			return c
		}
		return 0
	}
	var tpErr *textproto.Error
	if errors.As(err, &tpErr) && tpErr.Code >= 400 && tpErr.Code < 600 {
		return tpErr.Code
	}
	return 0
}

// isNetworkError reports whether err is the network failing under us rather
// than a peer saying no.
func isNetworkError(err error) bool {
	var netErr net.Error
	if errors.As(err, &netErr) {
		return true
	}
	for _, target := range []error{
		io.EOF, io.ErrUnexpectedEOF, net.ErrClosed, os.ErrDeadlineExceeded,
		syscall.ECONNRESET, syscall.ECONNREFUSED, syscall.ECONNABORTED,
		syscall.EPIPE, syscall.ETIMEDOUT, syscall.EHOSTUNREACH, syscall.ENETUNREACH,
	} {
		if errors.Is(err, target) {
			return true
		}
	}
	return false
}

func isCertificateError(err error) bool {
	var (
		verifyErr    *tls.CertificateVerificationError
		authorityErr x509.UnknownAuthorityError
		hostnameErr  x509.HostnameError
		invalidErr   x509.CertificateInvalidError
	)
	return errors.As(err, &verifyErr) || errors.As(err, &authorityErr) ||
		errors.As(err, &hostnameErr) || errors.As(err, &invalidErr)
}

// oneLine makes text that came from the network safe to put in a log line
// or an error shown to the user: a server's multi-line reply or a hostile
// one must not forge lines.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}
