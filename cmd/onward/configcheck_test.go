package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onward-app/onward/internal/imaptest"
	"github.com/onward-app/onward/internal/smtptest"
)

// TestConfigCheckChecksWhatItClaims: every password source is read (an
// error for a part in use, a warning for one switched off), the example
// values of `onward init` and a missing config are warned about.
func TestConfigCheckChecksWhatItClaims(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		conf     func(e *env) conf
		code     int
		stderr   []string
		notValid bool
	}{
		{"unset variable, smtp off: a warning", func(e *env) conf {
			return e.baseConf().set("smtp", "password_env", q("ONWARD_TEST_UNSET_VAR"))
		}, 0, []string{"warning: smtp.password_env: the environment variable ONWARD_TEST_UNSET_VAR is not set", `delivery.transport is not "smtp"`}, false},
		{"unset variable, smtp on: an error", func(e *env) conf {
			return smtpConf(e, "2525").del("smtp", "password").set("smtp", "password_env", q("ONWARD_TEST_UNSET_VAR"))
		}, 2, []string{"smtp.password_env: the environment variable ONWARD_TEST_UNSET_VAR is not set"}, true},
		{"missing file, imap on: an error", func(e *env) conf {
			return e.baseConf().set("imap", "host", q("127.0.0.1")).set("imap", "security", q("none")).set("imap", "username", q("alex")).
				set("imap", "password_file", q(filepath.Join(e.dir, "no-such-file")))
		}, 2, []string{"imap.password_file: ", "no-such-file"}, true},
		{"failing command, imap off: a warning", func(e *env) conf {
			return e.baseConf().set("imap", "password_command", q("exit 3"))
		}, 0, []string{"warning: imap.password_command", "imap.host is empty"}, false},
		{"init's example name and address", func(e *env) conf {
			return e.baseConf().set("user", "name", q("Alex Example")).set("user", "email", q("alex@example.com"))
		}, 0, []string{`warning: user.name is still the example "Alex Example"`, `warning: user.email is still the example "alex@example.com"`}, false},
		{"init's example host", func(e *env) conf {
			return smtpConf(e, "2525").set("smtp", "host", q("smtp.example.com")).set("smtp", "security", q("starttls"))
		}, 0, []string{`warning: smtp.host is still the example "smtp.example.com"`}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			e.writeConfig(t, e.config, tt.conf(e), 0o600)
			out, errOut, code := run(t, e, "config", "check")
			if code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, out, errOut)
			}
			for _, want := range tt.stderr {
				if !strings.Contains(errOut, want) {
					t.Errorf("stderr does not say %q:\n%s", want, errOut)
				}
			}
			if valid := strings.Contains(out, "the config is valid"); valid == tt.notValid {
				t.Errorf("valid said %v, want %v:\n%s", valid, !tt.notValid, out)
			}
		})
	}
	t.Run("no config at all", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		out, errOut, code := runRaw(t, e, "config", "check")
		if code != 0 || !strings.Contains(errOut, "warning: no config file: drafts would be signed") || !strings.Contains(errOut, "onward init") ||
			!strings.Contains(out, "1 warning") {
			t.Errorf("exit %d\nstdout: %s\nstderr: %s\nwant a warning that drafts would be signed with the login", code, out, errOut)
		}
	})
	t.Run("no warning for a config of one's own", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		e.writeConfig(t, e.config, e.baseConf().set("user", "email", q("alex@alex.example")), 0o600)
		out, errOut, code := run(t, e, "config", "check")
		if code != 0 || strings.Contains(errOut, "warning") || !strings.Contains(out, "# the config is valid\n") {
			t.Errorf("exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
		}
	})
}

// TestConfigCheckConnect: --connect logs in to the SMTP and IMAP servers
// in use and says so, sends nothing, and fails (exit 1) naming the server
// that refused the login, never printing the password.
func TestConfigCheckConnect(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name               string
		smtpPass, imapPass string
		code               int
		want               []string
	}{
		{"both log in", secret, imaptest.Password, 0, []string{"# smtp: 127.0.0.1:", "as alex: logged in (none), nothing sent", "# imap: 127.0.0.1 as " + imaptest.User + ": logged in (none)", "the config is valid"}},
		{"smtp refuses", "wr0ng-smtp-pass", imaptest.Password, 1, []string{"# smtp: 127.0.0.1:", "FAILED: smtp: SMTP AUTH failed", "logged in (none)\n"}},
		{"imap refuses", secret, "wr0ng-imap-pass", 1, []string{"nothing sent", "# imap: 127.0.0.1 as " + imaptest.User + ": FAILED"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ts := smtptest.Start(t, smtptest.Script{User: "alex", Pass: secret})
			is := imaptest.Start(t, imaptest.Options{})
			e := newEnv(t)
			c := smtpConf(e, fmt.Sprint(ts.Port)).set("smtp", "password", q(tt.smtpPass)).
				set("imap", "host", q("127.0.0.1")).set("imap", "port", fmt.Sprint(is.Port)).set("imap", "security", q("none")).
				set("imap", "username", q(imaptest.User)).set("imap", "password", q(tt.imapPass))
			e.writeConfig(t, e.config, c, 0o600)
			out, errOut, code := run(t, e, "config", "check", "--connect")
			if code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, out, errOut)
			}
			for _, want := range tt.want {
				if !strings.Contains(out, want) {
					t.Errorf("stdout does not say %q:\n%s\nstderr: %s", want, out, errOut)
				}
			}
			if strings.Contains(out+errOut, tt.smtpPass) || strings.Contains(out+errOut, tt.imapPass) {
				t.Errorf("a password is printed:\n%s%s", out, errOut)
			}
			if ts.AuthAttempts.Load() != 1 || ts.Pending() != 0 {
				t.Errorf("smtp: %d logins, %d messages; want one login, nothing sent", ts.AuthAttempts.Load(), ts.Pending())
			}
		})
	}
}
