package config_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onward-app/onward/config"
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
