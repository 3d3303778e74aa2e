package onward_test

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestInstallAsDocumented: the README installs the way that works before
// the module is published (go install ./cmd/onward from a clone) and asks
// for the Go version go.mod does; the systemd user unit has no ordering
// on a system target it cannot see, and does not restart on a config
// error (exit 2), which a restart cannot fix.
func TestInstallAsDocumented(t *testing.T) {
	read := func(path string) string {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	readme, mod, unit := read("README.md"), read("go.mod"), read("contrib/systemd/onward.service")
	goVersion := regexp.MustCompile(`(?m)^go (\S+)$`).FindStringSubmatch(mod)
	if goVersion == nil {
		t.Fatal("go.mod has no go line")
	}
	if !strings.Contains(readme, "go install ./cmd/onward") || strings.Contains(readme, "go install github.com/onward-app/onward/cmd/onward@") {
		t.Error("README does not install with `go install ./cmd/onward` from a clone")
	}
	for _, v := range regexp.MustCompile(`Go (1\.[0-9.]+[0-9])`).FindAllStringSubmatch(readme, -1) {
		if v[1] != goVersion[1] {
			t.Errorf("README asks for Go %s, go.mod for %s", v[1], goVersion[1])
		}
	}
	for _, line := range strings.Split(unit, "\n") {
		if !strings.HasPrefix(line, "#") && strings.Contains(line, "network-online.target") {
			t.Errorf("the user unit still says %q: a user manager has no such target", line)
		}
	}
	if !regexp.MustCompile(`(?m)^RestartPreventExitStatus=2$`).MatchString(unit) {
		t.Error("the user unit restarts on exit 2 (a config error)")
	}
}
