package config

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"
)

// ResolvePassword reads the SMTP password from wherever the config says it
// lives. The password itself never appears in an error: only its source.
func (s SMTP) ResolvePassword(ctx context.Context) (string, error) {
	return s.Secret.resolve(ctx, "smtp")
}

// ResolvePassword reads the IMAP password.
func (m IMAP) ResolvePassword(ctx context.Context) (string, error) {
	return m.Secret.resolve(ctx, "imap")
}

func (s Secret) resolve(ctx context.Context, table string) (string, error) {
	v, err := s.read(ctx)
	if err != nil {
		return "", fmt.Errorf("%s.%w", table, err)
	}
	return v, nil
}

func (s Secret) read(ctx context.Context) (string, error) {
	switch {
	case s.PasswordEnv != "":
		v, ok := os.LookupEnv(s.PasswordEnv)
		if !ok || v == "" {
			return "", fmt.Errorf("password_env: the environment variable %s is not set", s.PasswordEnv)
		}
		return v, nil
	case s.PasswordFile != "":
		b, err := os.ReadFile(s.PasswordFile)
		if err != nil {
			return "", fmt.Errorf("password_file: %w", err)
		}
		v := strings.TrimRight(string(b), "\r\n")
		if v == "" {
			return "", fmt.Errorf("password_file: %s is empty", s.PasswordFile)
		}
		return v, nil
	case s.PasswordCommand != "":
		ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, "/bin/sh", "-c", s.PasswordCommand)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			// stderr of a password manager says why ("vault locked"); its
			// stdout might be the secret, so it is never shown.
			msg := strings.TrimSpace(stderr.String())
			if secret := strings.TrimSpace(string(out)); secret != "" {
				msg = strings.ReplaceAll(msg, secret, "********")
			}
			if len(msg) > 200 {
				msg = msg[:200]
			}
			var ee *exec.ExitError
			if errors.As(err, &ee) && msg != "" {
				return "", fmt.Errorf("password_command failed (%s): %s", ee.ProcessState, msg)
			}
			return "", fmt.Errorf("password_command failed: %w", err)
		}
		v := strings.TrimRight(string(out), "\r\n")
		if v == "" {
			return "", errors.New("password_command printed nothing")
		}
		return v, nil
	case s.Password != "":
		return s.Password, nil
	}
	return "", nil
}

// PasswordSource describes where the password comes from, for display.
func (s Secret) PasswordSource() string {
	switch {
	case s.PasswordEnv != "":
		return "environment variable " + s.PasswordEnv
	case s.PasswordFile != "":
		return "file " + s.PasswordFile
	case s.PasswordCommand != "":
		return "command"
	case s.Password != "":
		return "inline in the config file"
	}
	return "none"
}

// Masked returns a copy safe to print: the inline password is replaced.
func (c *Config) Masked() *Config {
	m := *c
	if m.SMTP.Password != "" {
		m.SMTP.Password = "********"
	}
	if m.IMAP.Password != "" {
		m.IMAP.Password = "********"
	}
	return &m
}
