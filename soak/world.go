package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// events is the soak's log of everything it did and every fault it
// injected, with times, to print the events around a violation.
type events struct {
	start time.Time
	mu    sync.Mutex
	list  []event
	echo  bool
}

type event struct {
	At   time.Time
	What string
}

func (e *events) add(format string, args ...any) {
	ev := event{At: time.Now(), What: fmt.Sprintf(format, args...)}
	e.mu.Lock()
	e.list = append(e.list, ev)
	e.mu.Unlock()
	if e.echo {
		fmt.Fprintf(os.Stderr, "%8.3fs  %s\n", ev.At.Sub(e.start).Seconds(), ev.What)
	}
}

// around prints the events within span of t.
func (e *events) around(t time.Time, span time.Duration) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var b strings.Builder
	n := 0
	for _, ev := range e.list {
		// The user's actions are many: only those close by are shown.
		s := span
		if strings.HasPrefix(ev.What, "user: ") {
			s = span / 6
		}
		if ev.At.Before(t.Add(-s)) || ev.At.After(t.Add(s)) {
			continue
		}
		if n++; n > 80 {
			b.WriteString("    ...\n")
			break
		}
		fmt.Fprintf(&b, "    %8.3fs  %s\n", ev.At.Sub(e.start).Seconds(), ev.What)
	}
	return b.String()
}

const (
	userName  = "Alex Morgan"
	userEmail = "alex@example.com"
	// probeMark starts the feedback text of a probe.
	probeMark = "soak-probe-"
	// probeCompany is the probes' application: no fault hits its mail.
	probeCompany = "Probe Labs"
)

// world is the soak's user: a home, two configs (the CLI's and the
// daemon's, so that a broken config for a reload never breaks the CLI),
// a database, the binary.
type world struct {
	dir, bin, db      string
	cliCfg, daemonCfg string
	good              string // the config text
}

func newWorld(dir, bin string, smtp *server, imapPort int) (*world, error) {
	w := &world{dir: dir, bin: bin, db: filepath.Join(dir, "data", "onward.db"),
		cliCfg: filepath.Join(dir, "cli.toml"), daemonCfg: filepath.Join(dir, "daemon.toml")}
	pw := filepath.Join(dir, "imap-password")
	if err := os.WriteFile(pw, []byte(imapPassword+"\n"), 0o600); err != nil {
		return nil, err
	}
	w.good = fmt.Sprintf(`[user]
name = %q
email = %q
timezone = "Europe/Berlin"

[storage]
database = %q

[templates]
dir = %q

[delivery]
transport = "smtp"
drafts = "email"
give_up_after = "1h"

[smtp]
host = %q
port = %d
security = "none"
max_per_minute = 10000
timeout = "2s"
send_timeout = "4s"

[schedule]
send_window = ""
quiet_hours = ""

# Weeks of a job hunt in minutes.
[followups]
thank_you = "4s"
status_check = "20s"
feedback_request = "3s"
stay_in_touch = "25s"
learn = "3s"
let_go = "8s"
no_reply = "6s"
prep = "5s"

[digest]
schedule = "* * * * *"

[imap]
host = "127.0.0.1"
port = %d
username = %q
password_file = %q
security = "none"
poll = "* * * * *"
auto_reject = true
timeout = "2s"
max_message_size = "1MB"
`, userName, userEmail, w.db, filepath.Join(dir, "templates"), smtp.Host, smtp.Port, imapPort, imapUser, pw)
	for _, p := range []string{w.cliCfg, w.daemonCfg} {
		if err := os.WriteFile(p, []byte(w.good), 0o600); err != nil {
			return nil, err
		}
	}
	return w, nil
}

func (w *world) command(ctx context.Context, cfg string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, w.bin, append([]string{"--config", cfg}, args...)...)
	cmd.Env = append(os.Environ(), "HOME="+w.dir, "XDG_CONFIG_HOME="+w.dir, "XDG_DATA_HOME="+w.dir)
	return cmd
}

// result is how one CLI run ended.
type result struct {
	out, err string
	code     int // -1: killed by a signal
	took     time.Duration
}

// cli runs onward with the CLI's config; start, when set, sees the
// process once it runs (to kill or stop it).
func (w *world) cli(ctx context.Context, start func(*os.Process), args ...string) result {
	cmd := w.command(ctx, w.cliCfg, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	t := time.Now()
	if err := cmd.Start(); err != nil {
		return result{err: err.Error(), code: -2}
	}
	if start != nil {
		start(cmd.Process)
	}
	err := cmd.Wait()
	r := result{out: out.String(), err: errb.String(), took: time.Since(t)}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	case err != nil:
		r.code, r.err = -2, err.Error()
	}
	return r
}

// daemon is the running `onward run`, started again after every kill.
type daemon struct {
	w  *world
	ev *events

	mu      sync.Mutex
	cmd     *exec.Cmd
	done    chan struct{}
	stopped bool // SIGSTOPped
	lines   chan string
	peakRSS int64 // kB, VmHWM over every daemon process
	peakAt  time.Time
	// down holds the spans the daemon could not work: from a kill to the
	// next start line, from SIGSTOP to SIGCONT. downSince is the start of
	// the one under way.
	down      []span
	downSince time.Time
	crashes   []string // exits the soak did not cause
	log       *os.File
	expected  bool // the soak is ending this process
}

func newDaemon(w *world, ev *events) (*daemon, error) {
	f, err := os.Create(filepath.Join(w.dir, "daemon.log"))
	if err != nil {
		return nil, err
	}
	return &daemon{w: w, ev: ev, log: f}, nil
}

// start starts the daemon and waits for its start line.
func (d *daemon) start(ctx context.Context) error {
	cmd := d.w.command(context.WithoutCancel(ctx), d.w.daemonCfg, "run")
	pr, err := cmd.StderrPipe()
	if err != nil {
		return err
	}
	cmd.Stdout = d.log
	if err := cmd.Start(); err != nil {
		return err
	}
	started := make(chan struct{})
	done := make(chan struct{})
	lines := make(chan string, 64)
	go func() {
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		once := sync.Once{}
		for sc.Scan() {
			line := sc.Text()
			fmt.Fprintln(d.log, line)
			if strings.Contains(line, "onward daemon started") {
				once.Do(func() { close(started) })
			}
			if strings.Contains(line, "reload") {
				select {
				case lines <- line:
				default:
				}
			}
		}
	}()
	go func() {
		err := cmd.Wait()
		d.mu.Lock()
		exp := d.expected
		d.expected = false
		d.mu.Unlock()
		if !exp {
			d.mu.Lock()
			d.crashes = append(d.crashes, fmt.Sprintf("pid %d: %v", cmd.Process.Pid, err))
			d.mu.Unlock()
			d.ev.add("daemon pid %d exited by itself: %v", cmd.Process.Pid, err)
		}
		close(done)
	}()
	d.mu.Lock()
	d.cmd, d.done, d.stopped, d.lines = cmd, done, false, lines
	d.mu.Unlock()
	select {
	case <-started:
	case <-done:
		return fmt.Errorf("the daemon exited while starting (see %s)", d.log.Name())
	case <-time.After(30 * time.Second):
		return fmt.Errorf("the daemon did not start within 30s (see %s)", d.log.Name())
	}
	d.mu.Lock()
	if !d.downSince.IsZero() {
		d.down = append(d.down, span{d.downSince, time.Now()})
		d.downSince = time.Time{}
	}
	d.mu.Unlock()
	d.ev.add("daemon pid %d started", cmd.Process.Pid)
	return nil
}

// sampleRSS reads the daemon's peak resident set (VmHWM).
func (d *daemon) sampleRSS() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.cmd == nil || d.cmd.Process == nil {
		return
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", d.cmd.Process.Pid))
	if err != nil {
		return
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if kb > d.peakRSS {
				d.peakRSS, d.peakAt = kb, time.Now()
			}
		}
	}
}

// signal sends sig to the running daemon.
func (d *daemon) signal(sig syscall.Signal) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.cmd == nil {
		return errors.New("no daemon")
	}
	return d.cmd.Process.Signal(sig)
}

// kill ends the daemon with sig (SIGKILL, SIGTERM) and waits for its end.
func (d *daemon) kill(sig syscall.Signal) {
	d.sampleRSS()
	d.mu.Lock()
	cmd, done := d.cmd, d.done
	d.expected = true
	if d.stopped && sig != syscall.SIGKILL {
		_ = cmd.Process.Signal(syscall.SIGCONT)
	}
	d.downSince = time.Now()
	d.mu.Unlock()
	_ = cmd.Process.Signal(sig)
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		_ = cmd.Process.Signal(syscall.SIGKILL)
		<-done
	}
}

// pause stops the daemon with SIGSTOP for a while, then lets it go on.
func (d *daemon) pause(ctx context.Context, for_ time.Duration) {
	d.mu.Lock()
	cmd := d.cmd
	d.stopped = true
	stopped := time.Now()
	d.mu.Unlock()
	_ = cmd.Process.Signal(syscall.SIGSTOP)
	select {
	case <-ctx.Done():
	case <-time.After(for_):
	}
	d.mu.Lock()
	if d.cmd == cmd {
		d.stopped = false
		d.down = append(d.down, span{stopped, time.Now()})
	}
	d.mu.Unlock()
	_ = cmd.Process.Signal(syscall.SIGCONT)
}

// reload sends SIGHUP, with the good config or a broken one, and waits for
// the daemon's answer: reloaded, or refused with the old config kept.
func (d *daemon) reload(broken bool) (string, error) {
	if broken {
		bad := strings.Replace(d.w.good, `max_per_minute = 10000`, `max_per_minute = "lots"`, 1)
		if err := os.WriteFile(d.w.daemonCfg, []byte(bad), 0o600); err != nil {
			return "", err
		}
		defer os.WriteFile(d.w.daemonCfg, []byte(d.w.good), 0o600)
	}
	d.mu.Lock()
	lines := d.lines
	d.mu.Unlock()
	for len(lines) > 0 {
		<-lines
	}
	if err := d.signal(syscall.SIGHUP); err != nil {
		return "", err
	}
	select {
	case l := <-lines:
		return l, nil
	case <-time.After(20 * time.Second):
		return "", errors.New("no answer to SIGHUP within 20s")
	}
}

// downIn returns how long, between from and to, the daemon could not work.
func (d *daemon) downIn(from, to time.Time) time.Duration {
	d.mu.Lock()
	defer d.mu.Unlock()
	return overlap(d.down, from, to)
}

// overlap sums the parts of spans (which do not overlap) between from and to.
func overlap(spans []span, from, to time.Time) time.Duration {
	var sum time.Duration
	for _, x := range spans {
		a, b := x.from, x.to
		if a.Before(from) {
			a = from
		}
		if b.After(to) {
			b = to
		}
		if b.After(a) {
			sum += b.Sub(a)
		}
	}
	return sum
}
