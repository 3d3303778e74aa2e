package store_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/onward-app/onward/store"
)

// Processes that open one fresh file at the same moment (the daemon just
// started, the user's first `onward apply`) migrate it once between them:
// every one of them opens it, and the schema is whole. Each *Store is a
// connection of its own, as each process has.
func TestConcurrentOpensOfAFreshFileMigrateOnce(t *testing.T) {
	t.Parallel()
	const rounds, openers = 20, 6
	failed := 0
	for round := range rounds {
		path := filepath.Join(t.TempDir(), "onward.db")
		start := make(chan struct{})
		errs := make([]error, openers)
		var wg sync.WaitGroup
		for i := range openers {
			wg.Go(func() {
				<-start
				s, err := store.Open(context.Background(), path)
				if err != nil {
					errs[i] = err
					return
				}
				defer s.Close()
				// Each opener writes, so a half-made schema would show.
				a := store.Application{Company: fmt.Sprintf("Acme %d", i), Role: "Engineer"}
				errs[i] = s.Update(context.Background(), func(tx *store.Tx) error { return tx.InsertApplication(context.Background(), &a) })
			})
		}
		close(start)
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			failed++
			t.Errorf("round %d: %v", round, err)
			continue
		}
		db := rawDB(t, path)
		var versions, apps int
		if err := db.QueryRow("SELECT COUNT(*) FROM schema_migrations").Scan(&versions); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRow("SELECT COUNT(*) FROM applications").Scan(&apps); err != nil {
			t.Fatal(err)
		}
		if versions != len(migrationFiles(t)) || apps != openers {
			t.Errorf("round %d: %d migrations recorded and %d applications, want %d and %d", round, versions, apps, len(migrationFiles(t)), openers)
		}
		db.Close()
	}
	if failed > 0 {
		t.Logf("%d of %d rounds failed", failed, rounds)
	}
}

func migrationFiles(t *testing.T) []string {
	t.Helper()
	names, err := filepath.Glob(filepath.Join("migrations", "*.sql"))
	if err != nil || len(names) == 0 {
		t.Fatalf("migrations: %v %v", names, err)
	}
	return names
}
