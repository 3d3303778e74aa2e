// Package proctest watches processes from tests: whether a process group
// that onward started and killed is really gone.
package proctest

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// WaitGroupGone waits until no live process (zombies aside) is left in
// process group pgid, and fails the test if one still runs after 10 s.
func WaitGroupGone(t testing.TB, pgid int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		left := LiveInGroup(t, pgid)
		if len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("processes %v of the command's group %d still run", left, pgid)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// LiveInGroup lists the processes of group pgid that are not zombies, from
// /proc/<pid>/stat ("pid (comm) state ppid pgrp ...").
func LiveInGroup(t testing.TB, pgid int) []string {
	t.Helper()
	stats, err := filepath.Glob("/proc/[0-9]*/stat")
	if err != nil {
		t.Fatal(err)
	}
	var left []string
	for _, path := range stats {
		b, err := os.ReadFile(path)
		if err != nil {
			continue // gone meanwhile
		}
		s := string(b)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(s[i+1:])
		if len(f) >= 3 && f[0] != "Z" && f[2] == strconv.Itoa(pgid) {
			left = append(left, s[:i+1])
		}
	}
	return left
}
