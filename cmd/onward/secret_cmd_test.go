package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/onward-app/onward/internal/proctest"
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
				proctest.WaitGroupGone(t, pgid)
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
