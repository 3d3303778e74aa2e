package config_test

import (
	"os/exec"
	"strings"
	"testing"
)

// config is read by every command, including the ones that never open the
// database or send a mail; it must not link the cgo SQLite driver or the
// SMTP client for the sake of parsing a duration or an address.
func TestConfigLinksNeitherDriverNorMailer(t *testing.T) {
	t.Parallel()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool to list the dependencies with")
	}
	out, err := exec.Command(goTool, "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		for _, heavy := range []string{"github.com/mattn/go-sqlite3", "github.com/wneessen/go-mail"} {
			if strings.HasPrefix(dep, heavy) {
				t.Errorf("config depends on %s", dep)
			}
		}
	}
}
