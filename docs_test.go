package onward_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestReliabilityNamesRealTests keeps docs/RELIABILITY.md honest: every
// test it names as the proof of a promise must exist in the package it
// says, so a test renamed, moved or deleted fails here instead of leaving
// a promise without a proof.
func TestReliabilityNamesRealTests(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("docs", "RELIABILITY.md"))
	if err != nil {
		t.Fatal(err)
	}
	// `pkg.TestName`, `cmd/onward.TestName`, `pkg.FuzzName`; a bare
	// `TestName` means cmd/onward, as the document's tables say.
	named := regexp.MustCompile("`(?:([a-z][a-z0-9/]*)\\.)?((?:Test|Fuzz)[A-Za-z0-9_]+)`")
	funcs := map[string]string{} // package folder → its test files
	source := func(dir string) string {
		if s, ok := funcs[dir]; ok {
			return s
		}
		files, _ := filepath.Glob(filepath.Join(dir, "*_test.go"))
		var b strings.Builder
		for _, f := range files {
			body, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			b.Write(body)
		}
		funcs[dir] = b.String()
		return funcs[dir]
	}
	matches := named.FindAllStringSubmatch(string(doc), -1)
	if len(matches) < 50 {
		t.Fatalf("found only %d test names in docs/RELIABILITY.md; has its form changed?", len(matches))
	}
	for _, m := range matches {
		dir, name := m[1], m[2]
		if dir == "" {
			dir = "cmd/onward"
		}
		if !regexp.MustCompile(`\nfunc ` + name + `\(`).MatchString(source(dir)) {
			t.Errorf("docs/RELIABILITY.md names %s.%s, but %s has no such test", dir, name, dir)
		}
	}
}
