package config

import (
	"os"
	"os/user"
	"path/filepath"
	"strings"
)

// This file finds where onward keeps its files: the XDG folders, the home
// folder behind a leading ~, and who the user is when the config does not
// say.

// whoami guesses a name and address for the built-in default, so that the
// outbox shows who a message would be from before any config exists.
func whoami() (name, email string) {
	name = "You"
	login := "you"
	if u, err := user.Current(); err == nil {
		if u.Username != "" {
			login = u.Username
		}
		if full, _, _ := strings.Cut(u.Name, ","); strings.TrimSpace(full) != "" {
			name = strings.TrimSpace(full)
		}
	}
	return name, login + "@localhost"
}

func configDir() string {
	if d := os.Getenv("XDG_CONFIG_HOME"); d != "" {
		return filepath.Join(d, "onward")
	}
	return filepath.Join(home(), ".config", "onward")
}

func dataDir() string {
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "onward")
	}
	return filepath.Join(home(), ".local", "share", "onward")
}

func home() string {
	if h, err := os.UserHomeDir(); err == nil {
		return h
	}
	return "."
}

// DefaultPath is where the config is looked for when neither --config nor
// $ONWARD_CONFIG names one.
func DefaultPath() string { return filepath.Join(configDir(), "config.toml") }

// expandHome turns a leading "~/" into the home folder.
func expandHome(p string) string {
	if p == "~" {
		return home()
	}
	if strings.HasPrefix(p, "~/") {
		return filepath.Join(home(), p[2:])
	}
	return p
}
