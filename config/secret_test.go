package config_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/onward-app/onward/config"
	"github.com/onward-app/onward/internal/proctest"
)

const secret = "s3cr3t-hunter2"

func writeSecret(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "smtp-pass")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestResolvePasswordFromEnvironment(t *testing.T) {
	t.Setenv("ONWARD_TEST_PASS_SET", secret)
	t.Setenv("ONWARD_TEST_PASS_EMPTY", "")
	tests := []struct {
		name    string
		env     string
		want    string
		wantErr string
	}{
		{"set", "ONWARD_TEST_PASS_SET", secret, ""},
		{"unset", "ONWARD_TEST_PASS_NEVER_SET", "", "ONWARD_TEST_PASS_NEVER_SET is not set"},
		{"set but empty", "ONWARD_TEST_PASS_EMPTY", "", "ONWARD_TEST_PASS_EMPTY"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := config.SMTP{Secret: config.Secret{PasswordEnv: tt.env}}.ResolvePassword(context.Background())
			checkResolved(t, got, err, tt.want, tt.wantErr)
		})
	}
}

func TestResolvePasswordFromFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tests := []struct {
		name    string
		path    string
		want    string
		wantErr string
	}{
		{"plain", writeSecret(t, secret), secret, ""},
		{"trailing newline trimmed", writeSecret(t, secret+"\n"), secret, ""},
		{"trailing CRLF trimmed", writeSecret(t, secret+"\r\n"), secret, ""},
		{"inner spaces kept", writeSecret(t, " a b \n"), " a b ", ""},
		{"empty file", writeSecret(t, ""), "", "is empty"},
		{"only a newline", writeSecret(t, "\n"), "", "is empty"},
		{"missing file", filepath.Join(dir, "missing"), "", "smtp.password_file"},
		{"a folder", dir, "", "smtp.password_file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := config.SMTP{Secret: config.Secret{PasswordFile: tt.path}}.ResolvePassword(context.Background())
			checkResolved(t, got, err, tt.want, tt.wantErr)
		})
	}
}

func TestResolvePasswordFromCommand(t *testing.T) {
	t.Parallel()
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name    string
		ctx     context.Context
		cmd     string
		want    string
		wantErr string
	}{
		{"printf", context.Background(), "printf " + secret, secret, ""},
		{"trailing newline trimmed", context.Background(), "echo " + secret, secret, ""},
		{"failing command shows its stderr and status", context.Background(), "echo nope >&2; exit 3", "", "exit status 3): nope"},
		{"failing command that printed the secret first", context.Background(), "printf " + secret + "; echo vault locked >&2; exit 3", "", "vault locked"},
		{"failing command without stderr", context.Background(), "printf " + secret + "; exit 1", "", "exit status 1"},
		{"command not found", context.Background(), "onward-no-such-command-xyz", "", "smtp.password_command failed"},
		{"command printing nothing", context.Background(), "true", "", "printed nothing"},
		{"command printing only a newline", context.Background(), "echo", "", "printed nothing"},
		{"long stderr is cut", context.Background(), "printf '%0500d' 0 >&2; exit 1", "", "smtp.password_command failed"},
		{"cancelled context", cancelled, "printf " + secret, "", "smtp.password_command failed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := config.SMTP{Secret: config.Secret{PasswordCommand: tt.cmd}}.ResolvePassword(tt.ctx)
			checkResolved(t, got, err, tt.want, tt.wantErr)
			if err != nil && len(err.Error()) > 400 {
				t.Errorf("error is %d bytes long; stderr should be cut", len(err.Error()))
			}
		})
	}
}

func TestResolvePasswordInlineAndNone(t *testing.T) {
	t.Parallel()
	got, err := config.SMTP{Secret: config.Secret{Password: secret}}.ResolvePassword(context.Background())
	checkResolved(t, got, err, secret, "")
	got, err = config.SMTP{}.ResolvePassword(context.Background())
	checkResolved(t, got, err, "", "")
	if src := (config.SMTP{}).PasswordSource(); src != "none" {
		t.Errorf("PasswordSource of nothing = %q", src)
	}
	if src := (config.SMTP{Secret: config.Secret{PasswordCommand: "pass show " + secret}}).PasswordSource(); strings.Contains(src, secret) {
		t.Errorf("PasswordSource shows the command line: %q", src)
	}
}

// checkResolved compares a resolved password and, for every source, makes
// sure an error never carries the secret.
func checkResolved(t *testing.T, got string, err error, want, wantErr string) {
	t.Helper()
	if wantErr == "" {
		if err != nil {
			t.Fatalf("ResolvePassword: %v", err)
		}
		if got != want {
			t.Errorf("ResolvePassword = %q, want %q", got, want)
		}
		return
	}
	if err == nil {
		t.Fatalf("ResolvePassword = %q, want an error mentioning %q", got, wantErr)
	}
	if got != "" {
		t.Errorf("ResolvePassword returned %q with its error", got)
	}
	if !strings.Contains(err.Error(), wantErr) {
		t.Errorf("error %q does not mention %q", err, wantErr)
	}
	if strings.Contains(err.Error(), secret) {
		t.Errorf("error shows the secret: %q", err)
	}
}

// TestPasswordCommandCannotHang runs commands whose children outlive the
// limit or keep the output open. Each must come back within the limit
// (plus the second allowed to a closed output), with an error naming the
// setting and the limit, and leave no process of its group running.
func TestPasswordCommandCannotHang(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		cmd     string // run after the shell wrote its pid (the group's id) to $PIDFILE
		wantErr string
	}{
		{"a child sleeping before the answer", "sleep 30; echo pw", "no answer within 1s"},
		{"a child in the background holding stdout", "sh -c 'sleep 30' & echo pw", "kept its output open"},
		{"a child in the background holding stderr", "sh -c 'sleep 30' >/dev/null & echo pw", "kept its output open"},
		{"a subshell that waits on its child", "(sleep 30; echo late) & wait; echo pw", "no answer within 1s"},
		{"a child that ignores SIGTERM and SIGHUP", "trap '' TERM HUP; sh -c 'trap \"\" TERM HUP; sleep 30'; echo pw", "no answer within 1s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			pidFile := filepath.Join(t.TempDir(), "pid")
			s := config.SMTP{Secret: config.Secret{
				PasswordCommand:        "echo $$ > " + pidFile + "; " + tt.cmd,
				PasswordCommandTimeout: "1s",
			}}
			err := resolveWithin(t, s, 15*time.Second)
			for _, want := range []string{"smtp.password_command", "1s", "password_command_timeout", tt.wantErr} {
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Errorf("error %v does not mention %q", err, want)
				}
			}
			b, readErr := os.ReadFile(pidFile)
			pgid, convErr := strconv.Atoi(strings.TrimSpace(string(b)))
			if readErr != nil || convErr != nil {
				t.Fatalf("the command never wrote its pid: %v %v", readErr, convErr)
			}
			proctest.WaitGroupGone(t, pgid)
		})
	}
}

// TestPasswordCommandErrorPointsAtItsLine: through the loader, the error
// of a command that hangs names the file and line of the setting.
func TestPasswordCommandErrorPointsAtItsLine(t *testing.T) {
	t.Parallel()
	path := writeConfig(t, "[delivery]\ntransport = \"smtp\"\n\n[smtp]\nhost = \"127.0.0.1\"\nsecurity = \"none\"\nusername = \"alex\"\n"+
		"password_command = \"sleep 30; echo pw\"\npassword_command_timeout = \"1s\"\n", 0o600)
	c, err := config.Load(path, true)
	if err != nil {
		t.Fatal(err)
	}
	err = resolveWithin(t, c.SMTP, 15*time.Second)
	if want := path + ":8: smtp.password_command: no answer within 1s"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v does not start with %q", err, want)
	}
}

// resolveWithin resolves s's password and fails the test at once if that
// takes longer than limit: a hang is a clear failure, not a test timeout.
func resolveWithin(t *testing.T, s config.SMTP, limit time.Duration) error {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		_, err := s.ResolvePassword(context.Background())
		done <- err
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(limit):
		t.Fatalf("ResolvePassword of %q with a limit of %s did not return within %s", s.PasswordCommand, s.PasswordCommandTimeout, limit)
		return nil
	}
}

// TestLoadRefusesAPasswordCommandOthersCanRead: a command may carry the
// password itself (printf %s ...), so a file others can read is refused
// for it as for an inline password.
func TestLoadRefusesAPasswordCommandOthersCanRead(t *testing.T) {
	t.Parallel()
	const smtp = "[delivery]\ntransport = \"smtp\"\n\n[smtp]\nhost = \"127.0.0.1\"\nsecurity = \"none\"\nusername = \"alex\"\n"
	const imap = "[imap]\nhost = \"127.0.0.1\"\nsecurity = \"none\"\nusername = \"alex\"\n"
	tests := []struct {
		name    string
		body    string
		perm    os.FileMode
		wantKey string // "" for no error
	}{
		{"smtp command in a 0644 file", smtp + "password_command = \"printf %s " + secret + "\"\n", 0o644, "smtp.password_command"},
		{"smtp command in a 0640 file", smtp + "password_command = \"pass show mail\"\n", 0o640, "smtp.password_command"},
		{"imap command in a 0644 file", imap + "password_command = \"printf %s " + secret + "\"\n", 0o644, "imap.password_command"},
		{"smtp command in a 0600 file", smtp + "password_command = \"printf %s " + secret + "\"\n", 0o600, ""},
		{"environment variable in a 0644 file", smtp + "password_env = \"ONWARD_SMTP_PASSWORD\"\n", 0o644, ""},
		{"password file in a 0644 file", smtp + "password_file = \"/nonexistent/pass\"\n", 0o644, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := writeConfig(t, tt.body, tt.perm)
			_, err := config.Load(path, true)
			if tt.wantKey == "" {
				if err != nil {
					t.Fatalf("Load: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Load of a %04o file with %s = nil, want it refused", tt.perm, tt.wantKey)
			}
			for _, want := range []string{path + ":", tt.wantKey + ": ", "readable by others", "chmod 600 " + path} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not mention %q", err, want)
				}
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("error shows the command's secret: %q", err)
			}
		})
	}
}

func TestLoadChecksThePasswordCommandTimeout(t *testing.T) {
	t.Parallel()
	const smtp = "[delivery]\ntransport = \"smtp\"\n\n[smtp]\nhost = \"127.0.0.1\"\nsecurity = \"none\"\nusername = \"alex\"\npassword_command = \"true\"\n"
	for _, v := range []string{"0s", "500ms", "11m", "-1s", "soon", "30"} {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			path := writeConfig(t, smtp+"password_command_timeout = \""+v+"\"\n", 0o600)
			_, err := config.Load(path, true)
			if err == nil || !strings.Contains(err.Error(), path+":9: smtp.password_command_timeout: ") || !strings.Contains(err.Error(), v) {
				t.Errorf("Load with password_command_timeout = %q: %v, want an error at line 9 naming the key", v, err)
			}
		})
	}
}

func TestMaskedHidesThePasswordCommand(t *testing.T) {
	t.Parallel()
	c := config.Default()
	c.SMTP.PasswordCommand = "printf %s " + secret
	c.IMAP.PasswordCommand = "printf %s " + secret
	m := c.Masked()
	if strings.Contains(m.SMTP.PasswordCommand+m.IMAP.PasswordCommand, secret) || m.SMTP.PasswordCommand == "" || m.IMAP.PasswordCommand == "" {
		t.Errorf("Masked keeps the commands: %q, %q", m.SMTP.PasswordCommand, m.IMAP.PasswordCommand)
	}
	if c.SMTP.PasswordCommand != "printf %s "+secret {
		t.Errorf("Masked changed the config it copied: %q", c.SMTP.PasswordCommand)
	}
}

// TestMovedLinesAreNoChangeOfTheSecret: the daemon compares the [imap]
// settings of a reload with the running ones; a comment added above them
// moves their lines but changes nothing.
func TestMovedLinesAreNoChangeOfTheSecret(t *testing.T) {
	t.Parallel()
	const imap = "[imap]\nhost = \"127.0.0.1\"\nsecurity = \"none\"\nusername = \"alex\"\npassword_command = \"pass show mail\"\n"
	path := writeConfig(t, imap, 0o600)
	before, err := config.Load(path, true)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("# a note\n\n"+imap), 0o600); err != nil {
		t.Fatal(err)
	}
	after, err := config.Load(path, true)
	if err != nil {
		t.Fatal(err)
	}
	if before.IMAP != after.IMAP {
		t.Errorf("moving the [imap] lines changed the settings:\n%+v\n%+v", before.IMAP, after.IMAP)
	}
}
