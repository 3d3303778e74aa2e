// Package loopback says whether a host is this machine, the one place
// where onward allows a mail connection without TLS: traffic to it never
// crosses a network.
package loopback

import (
	"fmt"
	"net"
	"strings"
)

// Is reports whether host names this machine: "localhost" or a loopback
// address (127.0.0.0/8, ::1), with or without brackets. "localhost." is
// not: a fully qualified name goes to the resolver, which may answer with
// anything.
func Is(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

// Refusal is the one wording of the rule, for every place that refuses
// security "none" to host: config, the SMTP client and the IMAP client.
func Refusal(host string) string {
	return fmt.Sprintf("\"none\" sends the password and the mail in clear text; it is allowed only to a loopback host (localhost, 127.0.0.1, ::1), not %q: use starttls or tls", host)
}
