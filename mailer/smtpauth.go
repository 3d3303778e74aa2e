package mailer

import (
	"fmt"
	"slices"
	"strings"

	"github.com/wneessen/go-mail/smtp"
)

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
