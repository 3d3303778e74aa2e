package e2e

import (
	"fmt"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/onward-app/onward/internal/smtptest"
)

// started waits until the daemon has either logged that it started (true)
// or exited (false).
func (d *daemon) started(t *testing.T) bool {
	t.Helper()
	timeout := time.After(smtptest.WaitTimeout)
	for {
		select {
		case line := <-d.seen:
			if strings.Contains(line, "onward daemon started") {
				return true
			}
		case <-d.done:
			return false
		case <-timeout:
			t.Fatalf("daemon neither started nor exited; log:\n%s", d.logText())
		}
	}
}

// A new user starts the service and records a first application at the
// same moment, on a file that does not exist yet: every process opens it,
// whoever migrates it first.
func TestFreshDatabaseOpenedByDaemonAndCommandsAtOnce(t *testing.T) {
	t.Parallel()
	const rounds = 20
	commands := [][]string{
		{"apply", "--company", "Acme", "--role", "Engineer"},
		{"apply", "--company", "Globex", "--role", "Engineer"},
		{"status"},
		{"messages", "--json"},
	}
	failed := 0
	for round := range rounds {
		e := newEnv(t, nil, "")
		d := e.start(t)
		var wg sync.WaitGroup
		errs := make([]string, len(commands))
		for i, args := range commands {
			wg.Go(func() {
				cmd := e.command(args...)
				if out, err := cmd.CombinedOutput(); err != nil {
					errs[i] = fmt.Sprintf("onward %s: %v: %s", strings.Join(args, " "), err, out)
				}
			})
		}
		wg.Wait()
		ok := d.started(t)
		var bad []string
		for _, s := range errs {
			if s != "" {
				bad = append(bad, s)
			}
		}
		if !ok {
			bad = append(bad, "daemon: "+d.logText())
		} else {
			d.signal(t, syscall.SIGTERM)
			if code := d.wait(t); code != 0 {
				bad = append(bad, fmt.Sprintf("daemon exited %d: %s", code, d.logText()))
			}
		}
		if len(bad) > 0 {
			failed++
			t.Errorf("round %d:\n%s", round, strings.Join(bad, "\n"))
			continue
		}
		if out := e.mustRun(t, "status"); !strings.Contains(out, "Acme") || !strings.Contains(out, "Globex") {
			t.Errorf("round %d: status does not show both applications:\n%s", round, out)
		}
	}
	t.Logf("%d of %d rounds failed", failed, rounds)
}
