package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// onwardBinary returns the onward binary to run: -binary, or one built
// from this module into the bench folder, as a user would build it. It is
// built afresh each time (the Go build cache makes that quick), so it never
// lags behind the packages the bench itself links.
func onwardBinary(ctx context.Context, o *options) (string, error) {
	if o.binary != "" {
		return o.binary, nil
	}
	out := filepath.Join(o.dir, "onward")
	progress("building github.com/onward-app/onward/cmd/onward")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, "github.com/onward-app/onward/cmd/onward")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("build onward: %w", err)
	}
	return out, nil
}

// writeConfig writes a config for a database in dir that sends through
// the given SMTP server, the way a user's would look.
func writeConfig(dir, db string, sk *sink) (string, error) {
	path := filepath.Join(dir, "config.toml")
	cfg := fmt.Sprintf(`[user]
name = %q
email = %q
timezone = %q

[storage]
database = %q

[templates]
dir = %q

[delivery]
transport = "smtp"

[smtp]
host = %q
port = %d
security = "none"
max_per_minute = 20
timeout = "30s"
`, user.Name, user.Email, userZone, db, filepath.Join(dir, "templates"), sk.Host, sk.Port)
	return path, os.WriteFile(path, []byte(cfg), 0o600)
}

// command runs onward with a config, in a home of its own.
func command(ctx context.Context, bin, dir, cfg string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, bin, append([]string{"--config", cfg}, args...)...)
	cmd.Env = append(os.Environ(), "HOME="+dir, "XDG_CONFIG_HOME="+dir, "XDG_DATA_HOME="+dir)
	return cmd
}
