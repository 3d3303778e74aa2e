package templates

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/onward-app/onward"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current templates")

// TestGolden pins the rendered samples, so a change to the words shows up in
// review as a diff a person can read. Regenerate with
// go test ./templates -update.
func TestGolden(t *testing.T) {
	s := mustLoad(t, "")
	for _, kind := range onward.Kinds() {
		t.Run(string(kind), func(t *testing.T) {
			r, err := s.Render(kind, Sample(kind))
			if err != nil {
				t.Fatal(err)
			}
			got := "-- subject --\n" + r.Subject + "\n-- text --\n" + r.Text
			if r.HTML != "" {
				got += "-- html --\n" + r.HTML
			}
			path := filepath.Join("testdata", string(kind)+".golden")
			if *update {
				if err := os.MkdirAll("testdata", 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./templates -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("%s differs from the rendered sample (run with -update if the change is intended)\n--- got ---\n%s\n--- want ---\n%s", path, got, want)
			}
		})
	}
}

// TestGoldenScenarios pins every note of every scenario, so the words can be
// read as the recruiter and the user will read them, one file per note, and
// every change to them is a diff in review. Regenerate with
// go test ./templates -update.
func TestGoldenScenarios(t *testing.T) {
	s := mustLoad(t, "")
	for _, sc := range Scenarios() {
		t.Run(sc.Name, func(t *testing.T) {
			r := render(t, s, sc.Kind, fillDraft(t, s, sc.Data))
			got := "-- subject --\n" + r.Subject + "\n-- text --\n" + r.Text
			if r.HTML != "" {
				got += "-- html --\n" + r.HTML
			}
			path := filepath.Join("testdata", "scenarios", filepath.FromSlash(sc.Name)+".golden")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./templates -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("%s differs from the rendered note (run with -update if the change is intended)\n--- got ---\n%s\n--- want ---\n%s", path, got, want)
			}
		})
	}
}
