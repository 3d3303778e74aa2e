package config

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
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
		// A command's error points at its line: the fix is an edit there.
		if s.PasswordEnv == "" && s.PasswordFile == "" && s.PasswordCommand != "" && s.file != "" {
			return "", fmt.Errorf("%s: %s.%w", s.where(table+".password_command"), table, err)
		}
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
		return s.runCommand(ctx)
	case s.Password != "":
		return s.Password, nil
	}
	return "", nil
}

// where is "file:line" of key in the config file the secret came from,
// read again now (only an error needs it), or the file alone when the
// line cannot be found.
func (s Secret) where(key string) string {
	data, err := os.ReadFile(s.file)
	if err != nil || len(data) > maxFileSize {
		return s.file
	}
	if n := keyLines(data)[key]; n > 0 {
		return fmt.Sprintf("%s:%d", s.file, n)
	}
	return s.file
}

// defaultCommandTimeout is password_command_timeout when it is not set.
const defaultCommandTimeout = 30 * time.Second

// commandGrace is how long, once the command's shell has exited or its
// process group was killed, its output may stay open. Only a process that
// left the group (setsid, a daemon) can still hold it then; onward stops
// reading instead of waiting on it.
const commandGrace = time.Second

// commandTimeout is the parsed password_command_timeout.
func (s Secret) commandTimeout() (time.Duration, error) {
	if s.PasswordCommandTimeout == "" {
		return defaultCommandTimeout, nil
	}
	d, err := time.ParseDuration(s.PasswordCommandTimeout)
	if err != nil || d < time.Second || d > 10*time.Minute {
		return 0, fmt.Errorf("%q is not a duration between 1s and 10m, such as 30s", s.PasswordCommandTimeout)
	}
	return d, nil
}

// runCommand runs password_command through /bin/sh in a process group of
// its own, so that the limit holds for everything it starts: on the
// deadline the whole group is killed, not only the shell (a child such as
// gpg waiting for a passphrase would otherwise keep the output open, and
// the wait would never end).
func (s Secret) runCommand(parent context.Context) (string, error) {
	limit, err := s.commandTimeout()
	if err != nil {
		limit = defaultCommandTimeout
	}
	ctx, cancel := context.WithTimeout(parent, limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, "/bin/sh", "-c", s.PasswordCommand)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return killGroup(cmd.Process.Pid) }
	cmd.WaitDelay = min(commandGrace, limit)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	if err != nil && cmd.Process != nil {
		// What the command left behind goes with it: a child still
		// holding the output after the shell exited, or one that
		// outlived a kill it did not receive yet.
		_ = killGroup(cmd.Process.Pid)
	}
	out := stdout.Bytes()
	switch {
	case err == nil:
	case parent.Err() != nil:
		return "", fmt.Errorf("password_command failed: %w", parent.Err())
	case errors.Is(err, exec.ErrWaitDelay):
		// Only when the shell itself exited 0: its output may be cut.
		return "", fmt.Errorf("password_command: it exited, but a process it started kept its output open, so onward stopped that process "+
			"(limit %s, password_command_timeout); print the password and end all of the command's processes", limit)
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return "", fmt.Errorf("password_command: no answer within %s (password_command_timeout), so onward stopped it and every process it started; "+
			"a command that waits for a passphrase or a locked vault needs unlocking first", limit)
	default:
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
}

// killGroup kills the process group led by pid. A group that is already
// gone is not an error.
func killGroup(pid int) error {
	err := syscall.Kill(-pid, syscall.SIGKILL)
	if errors.Is(err, syscall.ESRCH) {
		return os.ErrProcessDone
	}
	return err
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

// Masked returns a copy safe to print: the inline password and the
// password command are replaced.
func (c *Config) Masked() *Config {
	m := *c
	if m.SMTP.Password != "" {
		m.SMTP.Password = "********"
	}
	if m.IMAP.Password != "" {
		m.IMAP.Password = "********"
	}
	// A command may carry the secret itself (printf %s ...), and where it
	// does not it says where the secret lives.
	if m.SMTP.PasswordCommand != "" {
		m.SMTP.PasswordCommand = "********"
	}
	if m.IMAP.PasswordCommand != "" {
		m.IMAP.PasswordCommand = "********"
	}
	return &m
}
