package main

import (
	"strings"
	"testing"
)

// TestInProcessAgreesWithTheBinary runs the same commands through the
// binary and through Main in this process, on the same files and with the
// same environment, and wants the same stdout, stderr and exit code: what
// lets the bad-input tables run in process. Not parallel: the test process
// takes the binary's environment with t.Setenv.
func TestInProcessAgreesWithTheBinary(t *testing.T) {
	s := newSeed(t, true)
	bin := newEnv(t)
	s.copyTo(t, bin)
	for _, kv := range bin.vars {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	broken := newEnv(t)
	writeFile(t, broken.db, "my notes about the job hunt\n", 0o600)
	for _, c := range []struct {
		e    *env
		args []string
	}{
		{bin, []string{"--version"}},
		{bin, []string{"--help"}},
		{bin, []string{"--config", bin.config, "apply", "--help"}},
		{bin, []string{"--config", bin.config, "status", "--json"}},
		{bin, []string{"--config", bin.config, "messages", "--json"}},
		{bin, []string{"--config", bin.config, "drafts"}},
		{bin, []string{"--config", bin.config, "config", "check"}},
		{bin, []string{"--config", bin.config, "interview", "acme", "--at", "tomorrow"}},
		{bin, []string{"--config", bin.config, "aply"}},
		{bin, []string{"--config", bin.config + ".missing", "status"}},
		{broken, []string{"--config", broken.config, "status"}},
	} {
		name := strings.Join(c.args, " ")
		bOut, bErr, bCode := runRaw(t, c.e, c.args...)
		iOut, iErr, iCode := runRaw(t, c.e.inProcess(), c.args...)
		if bOut != iOut || bErr != iErr || bCode != iCode {
			t.Errorf("onward %s:\nbinary:     exit %d\nstdout %q\nstderr %q\nin process: exit %d\nstdout %q\nstderr %q",
				name, bCode, bOut, bErr, iCode, iOut, iErr)
		}
	}
}
