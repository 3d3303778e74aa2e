package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestDemo runs the README's first command as a newcomer would (in a
// folder of the test's): the whole story in under a minute, every email
// written to the outbox, and the demo's config usable afterwards.
func TestDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("takes about 17 s")
	}
	t.Parallel()
	dir := t.TempDir()
	cmd := exec.Command(binary, "demo", "--dir", dir)
	cmd.Env = append(os.Environ(), "HOME="+dir, "XDG_CONFIG_HOME="+dir, "XDG_DATA_HOME="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	for _, want := range []string{"drafted    thank_you", "emailed    learn", "emailed    let_go", "emailed    prep",
		"emailed    digest", "drafted    feedback_request", "drafted    stay_in_touch", "Done."} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the demo did not show %q:\n%s", want, out)
		}
	}
	emls, err := filepath.Glob(filepath.Join(dir, "outbox", "*.eml"))
	if err != nil || len(emls) != 7 {
		t.Errorf("outbox holds %d .eml files (%v), want 7: three draft notices, learn, let_go, prep, digest", len(emls), err)
	}
	status := exec.Command(binary, "--config", filepath.Join(dir, "config.toml"), "drafts")
	status.Env = cmd.Env
	drafts, err := status.CombinedOutput()
	if err != nil || strings.Count(string(drafts), "northwind.example") < 2 {
		t.Errorf("onward drafts with the demo's config: %v\n%s", err, drafts)
	}
}
