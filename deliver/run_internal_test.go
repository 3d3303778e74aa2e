package deliver

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/onward-app/onward/store"
)

// TestRunKeepsASetupReloadedBeforeItStarted: the daemon listens for SIGHUP
// before its loop starts, so a reload can come first; Run must keep that
// newer setup rather than put back the one it was started with.
func TestRunKeepsASetupReloadedBeforeItStarted(t *testing.T) {
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "onward.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	d := New(st, nil, nil)
	started, reloaded := &Setup{}, &Setup{}
	d.Reload(reloaded)
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // Run stops before it claims anything
	if err := d.Run(ctx, started); err != nil {
		t.Fatal(err)
	}
	if d.setup.Load() != reloaded {
		t.Error("Run put back the setup it was started with over the one a reload gave it")
	}
}
