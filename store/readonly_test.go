package store_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/onward-app/onward/store"
)

// TestOpenReadOnly: a missing file is an error and is not created; an
// existing database reads, and refuses a write.
func TestOpenReadOnly(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "data", "onward.db")
	if _, err := store.OpenReadOnly(t.Context(), path); err == nil {
		t.Fatal("opened a database that does not exist")
	}
	if _, err := os.Stat(filepath.Dir(path)); !os.IsNotExist(err) {
		t.Fatalf("OpenReadOnly created %s", filepath.Dir(path))
	}
	st, err := store.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	insert := func(st *store.Store, company string) error {
		return st.Update(t.Context(), func(tx *store.Tx) error {
			return tx.InsertApplication(t.Context(), &store.Application{Company: company, Role: "SRE"})
		})
	}
	if err := insert(st, "Acme"); err != nil {
		t.Fatal(err)
	}
	st.Close()
	ro, err := store.OpenReadOnly(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	apps, err := ro.Applications(t.Context())
	if err != nil || len(apps) != 1 {
		t.Fatalf("Applications = %v, %v", apps, err)
	}
	if err := insert(ro, "Globex"); err == nil {
		t.Error("a read-only store took a write")
	}
}
