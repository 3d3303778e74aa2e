package imapbox

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
)

func TestDialRefuses(t *testing.T) {
	t.Parallel()
	s := newServer(t, serverOptions{})
	// A port that was free a moment ago: nothing listens there.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedPort := ln.Addr().(*net.TCPAddr).Port
	ln.Close()

	tests := []struct {
		name    string
		edit    func(*Config)
		want    error  // nil: any error
		wantMsg string // part of the message
	}{
		{"wrong password", func(c *Config) { c.Password = "hunter2-WRONG" }, ErrAuth, `log in as "alex@alex.example"`},
		{"unknown user", func(c *Config) { c.Username = "nobody@alex.example" }, ErrAuth, "nobody@alex.example"},
		{"none to a remote host", func(c *Config) { c.Host = "imap.example.com" }, ErrInsecure, "loopback"},
		{"verification off", func(c *Config) {
			c.Security = "tls"
			c.TLSConfig = &tls.Config{InsecureSkipVerify: true}
		}, ErrInsecure, "RootCAs"},
		{"no host", func(c *Config) { c.Host = "" }, ErrInvalidConfig, "host is empty"},
		{"host with port", func(c *Config) { c.Host = "imap.example.com:993" }, ErrInvalidConfig, "port"},
		{"unknown security", func(c *Config) { c.Security = "ssl" }, ErrInvalidConfig, `security "ssl"`},
		{"no password", func(c *Config) { c.Password = "" }, ErrInvalidConfig, "password"},
		{"nothing listening", func(c *Config) { c.Port = closedPort }, nil, "connect to 127.0.0.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := s.config()
			tt.edit(&cfg)
			c, err := Dial(context.Background(), cfg)
			if err == nil {
				c.Close()
				t.Fatal("Dial succeeded")
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("Dial: %v; want %v", err, tt.want)
			}
			if tt.want == nil && errors.Is(err, ErrAuth) {
				t.Errorf("Dial: %v is not a login failure", err)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("Dial: %q does not say %q", err, tt.wantMsg)
			}
			for _, secret := range []string{testPassword, "hunter2-WRONG"} {
				if strings.Contains(err.Error(), secret) || strings.Contains(fmt.Sprintf("%+v %#v", cfg, cfg), secret) {
					t.Errorf("the password shows in %q or in the printed config", err)
				}
			}
		})
	}
}

func TestDialTLS(t *testing.T) {
	t.Parallel()
	for _, security := range []string{"tls", "starttls"} {
		t.Run(security, func(t *testing.T) {
			t.Parallel()
			s := newServer(t, serverOptions{security: security})

			cfg := s.config()
			cfg.TLSConfig = nil // the system roots do not know the test CA
			if c, err := Dial(context.Background(), cfg); err == nil {
				c.Close()
				t.Fatal("Dial trusted a self-signed certificate")
			} else if !strings.Contains(err.Error(), "certificate") {
				t.Errorf("Dial: %v; want a certificate error", err)
			}

			c := s.dial(t)
			if name, err := c.DraftsMailbox(context.Background()); err != nil || name != "Drafts" {
				t.Errorf("DraftsMailbox over %s = %q, %v", security, name, err)
			}
		})
	}
}

func TestDialSTARTTLSNotOffered(t *testing.T) {
	t.Parallel()
	s := newServer(t, serverOptions{}) // plain, without STARTTLS
	cfg := s.config()
	cfg.Security = "starttls"
	c, err := Dial(context.Background(), cfg)
	if err == nil {
		c.Close()
		t.Fatal("Dial logged in without STARTTLS")
	}
	if !strings.Contains(err.Error(), "STARTTLS") || errors.Is(err, ErrAuth) {
		t.Errorf("Dial: %v; want a STARTTLS error", err)
	}
}

func TestMailboxDiscovery(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name               string
		opts               serverOptions
		draftsCfg, sentCfg string
		drafts, sent       string // "" expects ErrNoMailbox
	}{
		{
			name:   "special-use wins over the names",
			opts:   serverOptions{mailboxes: []string{"INBOX", `Brouillons \Drafts`, "Drafts", `Gesendet \Sent`, "Sent"}},
			drafts: "Brouillons", sent: "Gesendet",
		},
		{
			name:   "names when the server has no SPECIAL-USE",
			opts:   serverOptions{noSpecialUse: true, mailboxes: []string{"INBOX", `Brouillons \Drafts`, "Drafts", "Sent Items"}},
			drafts: "Drafts", sent: "Sent Items",
		},
		{
			name:   "names under INBOX",
			opts:   serverOptions{noSpecialUse: true, mailboxes: []string{"INBOX", "INBOX/drafts", "INBOX/Sent Messages"}},
			drafts: "INBOX/drafts", sent: "INBOX/Sent Messages",
		},
		{
			name:      "the configured names win",
			opts:      serverOptions{mailboxes: []string{"INBOX", `Drafts \Drafts`, `Sent \Sent`, "Work/Entwurf", "Work/Out"}},
			draftsCfg: "Work/Entwurf", sentCfg: "Work/Out",
			drafts: "Work/Entwurf", sent: "Work/Out",
		},
		{
			name:      "a configured name that does not exist",
			opts:      serverOptions{mailboxes: []string{"INBOX", `Drafts \Drafts`, `Sent \Sent`}},
			draftsCfg: "Entwurf", sentCfg: "Out",
		},
		{
			name: "none at all",
			opts: serverOptions{mailboxes: []string{"INBOX", "Archive"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newServer(t, tt.opts)
			c := s.dial(t, func(c *Config) { c.DraftsMailbox, c.SentMailbox = tt.draftsCfg, tt.sentCfg })
			ctx := context.Background()
			drafts, err := c.DraftsMailbox(ctx)
			check(t, "DraftsMailbox", drafts, err, tt.drafts)
			sent, err := c.SentMailbox(ctx)
			check(t, "SentMailbox", sent, err, tt.sent)
		})
	}
}

func check(t *testing.T, what, got string, err error, want string) {
	t.Helper()
	if want == "" {
		if !errors.Is(err, ErrNoMailbox) {
			t.Errorf("%s = %q, %v; want ErrNoMailbox", what, got, err)
		}
		return
	}
	if err != nil || got != want {
		t.Errorf("%s = %q, %v; want %q", what, got, err, want)
	}
}
