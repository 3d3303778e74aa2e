package mailer

import (
	"context"
	"errors"
	"fmt"
	"net/textproto"
	"strconv"
	"strings"

	"github.com/wneessen/go-mail"
)

// This file turns go-mail's errors into a deliveryError: which step of
// the exchange failed, what the server said, and whether to try again.

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
	words = s.secrets.Scrub(oneLine(words))
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
