package mailer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"os"
	"syscall"
	"testing"
)

// TestTemporaryRawErrors checks the rules Temporary applies to errors that
// did not come out of Send.
func TestTemporaryRawErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"4xx reply", &textproto.Error{Code: 451, Msg: "4.3.0 try later"}, true},
		{"5xx reply", &textproto.Error{Code: 550, Msg: "5.1.1 no such user"}, false},
		{"wrapped 4xx", fmt.Errorf("auth: %w", &textproto.Error{Code: 454, Msg: "4.7.0 busy"}), true},
		{"EOF", io.EOF, true},
		{"unexpected EOF", io.ErrUnexpectedEOF, true},
		{"reset", &net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", syscall.ECONNRESET)}, true},
		{"refused", syscall.ECONNREFUSED, true},
		{"deadline", os.ErrDeadlineExceeded, true},
		{"cancelled", context.Canceled, true},
		{"closed", ErrClosed, true},
		{"invalid message", fmt.Errorf("x: %w", ErrInvalidMessage), false},
		{"untrusted certificate", ErrUntrustedCertificate, false},
		{"no STARTTLS", ErrNoSTARTTLS, false},
		{"anything else", errors.New("something odd"), false},
	}
	for _, tt := range tests {
		if got := Temporary(tt.err); got != tt.want {
			t.Errorf("%s: Temporary(%v) = %v, want %v", tt.name, tt.err, got, tt.want)
		}
	}
}

func TestUnquoteReply(t *testing.T) {
	t.Parallel()
	reply := (&textproto.Error{Code: 550, Msg: `5.1.1 "dana" unknown`}).Error()
	tests := map[string]string{
		reply:                   `550 5.1.1 "dana" unknown`,
		reply + ", more":        `550 5.1.1 "dana" unknown, more`,
		"read tcp: i/o timeout": "read tcp: i/o timeout",
		"550 not quoted":        "550 not quoted",
		`55x "odd"`:             `55x "odd"`,
		"":                      "",
	}
	for in, want := range tests {
		if got := unquoteReply(in); got != want {
			t.Errorf("unquoteReply(%q) = %q, want %q", in, got, want)
		}
	}
}
