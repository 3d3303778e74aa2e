package config

import (
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/onward-app/onward/internal/loopback"
)

// Web is the local web page: where `onward run` serves it, and whether it
// may be reached from other machines at all.
type Web struct {
	// Listen is the address `onward run` serves the page on; empty, it
	// does not (`onward web` serves it on its own).
	Listen string `toml:"listen"`
	// AllowRemote lets the page listen on an address other machines can
	// reach; it also needs TLSCert and TLSKey.
	AllowRemote bool   `toml:"allow_remote"`
	TLSCert     string `toml:"tls_cert"`
	TLSKey      string `toml:"tls_key"`
}

// DefaultWebListen is the address `onward web` listens on by default.
const DefaultWebListen = "127.0.0.1:7468"

// TLS reports whether the page is served over TLS.
func (w Web) TLS() bool { return w.TLSCert != "" && w.TLSKey != "" }

// CheckListen says whether the page may listen on addr: a loopback host
// always; any other host only with allow_remote and TLS, because the page
// shows the whole hunt and sends mail as the user.
func (w Web) CheckListen(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%q is not host:port, like %s", addr, DefaultWebListen)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("%q: port %q is not a number from 0 to 65535", addr, port)
	}
	if loopback.Is(host) {
		return nil
	}
	if !w.AllowRemote {
		return fmt.Errorf("%q is not a loopback address (127.0.0.1, ::1, localhost): the page shows your whole hunt and sends mail as you; set web.allow_remote = true and web.tls_cert and web.tls_key to serve it to other machines", addr)
	}
	if !w.TLS() {
		return fmt.Errorf("%q is not a loopback address and web.tls_cert and web.tls_key are not set: the access token would cross the network in clear text", addr)
	}
	return nil
}

func (c *Config) validateWeb(v *validator) {
	c.Web.TLSCert = expandHome(strings.TrimSpace(c.Web.TLSCert))
	c.Web.TLSKey = expandHome(strings.TrimSpace(c.Web.TLSKey))
	if (c.Web.TLSCert == "") != (c.Web.TLSKey == "") {
		v.fail("web.tls_cert", "web.tls_cert and web.tls_key go together: set both or neither")
	}
	if c.Web.Listen != "" {
		if err := c.Web.CheckListen(c.Web.Listen); err != nil {
			v.fail("web.listen", "%v", err)
		}
	}
}
