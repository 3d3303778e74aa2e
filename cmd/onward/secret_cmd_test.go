package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestPasswordCommandWithAChildCannotHang: a password command whose child
// sleeps past the limit, or keeps the output open, stops config check,
// flush and the daemon at start with exit 2 and an error naming the
// setting, its line and the limit, and leaves no process of its group.
func TestPasswordCommandWithAChildCannotHang(t *testing.T) {
	t.Parallel()
	commands := []struct {
		name string
		cmd  string
		want string
	}{
		{"sleeping child", "sleep 30; echo pw", "no answer within 1s"},
		{"child holding stdout", "sh -c 'sleep 30' & echo pw", "kept its output open"},
	}
	for _, c := range commands {
		for _, args := range [][]string{{"config", "check"}, {"flush"}, {"run"}} {
			t.Run(c.name+"/"+strings.Join(args, " "), func(t *testing.T) {
				t.Parallel()
				e := newEnv(t)
				pidFile := filepath.Join(e.dir, "pid")
				command := "echo $$ > " + pidFile + "; " + c.cmd
				cf := smtpConf(e, "2525").del("smtp", "password").
					set("smtp", "password_command", q(command)).
					set("smtp", "password_command_timeout", q("1s"))
				e.writeConfig(t, e.config, cf, 0o600)
				start := time.Now()
				out, errOut, code := run(t, e, args...)
				took := time.Since(start)
				if code != 2 {
					t.Errorf("exit %d, want 2\nstdout: %s\nstderr: %s", code, out, errOut)
				}
				line := lineOf(t, cf.String(), "password_command =")
				for _, want := range []string{e.config + ":" + strconv.Itoa(line) + ": smtp.password_command: ", "password_command_timeout", c.want} {
					if !strings.Contains(errOut, want) {
						t.Errorf("stderr does not mention %q:\n%s", want, errOut)
					}
				}
				if strings.Contains(out+errOut, "sleep 30") {
					t.Errorf("the command's text is printed:\n%s%s", out, errOut)
				}
				b, err := os.ReadFile(pidFile)
				pgid, convErr := strconv.Atoi(strings.TrimSpace(string(b)))
				if err != nil || convErr != nil {
					t.Fatalf("the command never ran: %v %v", err, convErr)
				}
				waitGroupGone(t, pgid)
				t.Logf("onward %s returned after %s", strings.Join(args, " "), took.Round(time.Millisecond))
			})
		}
	}
}

// TestConfigCheckNeverPrintsThePasswordCommand: the command may hold the
// password itself; config check masks it, and refuses it in a file others
// can read.
func TestConfigCheckNeverPrintsThePasswordCommand(t *testing.T) {
	t.Parallel()
	for _, perm := range []os.FileMode{0o600, 0o644} {
		t.Run(perm.String(), func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			cf := smtpConf(e, "2525").del("smtp", "password").set("smtp", "password_command", q("printf %s "+secret))
			e.writeConfig(t, e.config, cf, perm)
			out, errOut, code := run(t, e, "config", "check")
			if strings.Contains(out+errOut, secret) {
				t.Errorf("config check printed the command holding the password:\n%s%s", out, errOut)
			}
			switch perm {
			case 0o600:
				if code != 0 || !strings.Contains(out, "# smtp password: from command (ok)") || !strings.Contains(out, `password_command = '********'`) {
					t.Errorf("exit %d, want 0 with the command masked:\n%s%s", code, out, errOut)
				}
			default:
				line := lineOf(t, cf.String(), "password_command =")
				want := e.config + ":" + strconv.Itoa(line) + ": smtp.password_command: the file holds a password command"
				if code != 2 || !strings.Contains(errOut, want) || !strings.Contains(errOut, "chmod 600") {
					t.Errorf("exit %d, want 2 with %q and chmod 600:\n%s%s", code, want, out, errOut)
				}
			}
		})
	}
}

// waitGroupGone waits until no live process (zombies aside) is left in
// process group pgid, and fails the test if one still runs after 10 s.
func waitGroupGone(t *testing.T, pgid int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		left := liveInGroup(t, pgid)
		if len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("processes %v of the command's group %d still run", left, pgid)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// liveInGroup lists the processes of group pgid that are not zombies, from
// /proc/<pid>/stat ("pid (comm) state ppid pgrp ...").
func liveInGroup(t *testing.T, pgid int) []string {
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
