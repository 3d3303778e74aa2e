// Package loopback says whether a host is this machine, the one place
// where onward allows a mail connection without TLS: traffic to it never
// crosses a network.
package loopback

import (
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
