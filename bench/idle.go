package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/onward-app/onward/store"
)

// clockTicks is USER_HZ, the unit of utime and stime in /proc/<pid>/stat;
// 100 on every Linux architecture Go supports.
const clockTicks = 100

// idle runs the real binary, `onward run`, on a database holding the idle
// backlog of future messages, and reads its peak RSS (VmHWM) and CPU time
// (utime+stime) from /proc: once a second after start, and at the end of
// the idle window.
func idle(ctx context.Context, o *options) (string, error) {
	bin, err := onwardBinary(ctx, o)
	if err != nil {
		return "", err
	}
	sk, err := startSink(false)
	if err != nil {
		return "", err
	}
	defer sk.Close()
	dir, db, err := figureDB(o, "idle")
	if err != nil {
		return "", err
	}
	st, err := store.Open(ctx, db)
	if err != nil {
		return "", err
	}
	rng := rand.New(rand.NewPCG(5, 5))
	apps, err := seedApps(ctx, st, o.apps, rng)
	if err == nil {
		_, err = seedMessages(ctx, st, apps, o.idleBacklog, future(time.Now(), rng))
	}
	st.Close()
	if err != nil {
		return "", err
	}
	cfg, err := writeConfig(dir, db, sk)
	if err != nil {
		return "", err
	}
	logf, err := os.Create(filepath.Join(dir, "daemon.log"))
	if err != nil {
		return "", err
	}
	defer logf.Close()
	cmd := command(ctx, bin, dir, cfg, "run")
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		return "", err
	}
	pid := cmd.Process.Pid
	stopped := false
	defer func() {
		if !stopped {
			cmd.Process.Signal(syscall.SIGTERM)
			cmd.Wait()
		}
	}()
	time.Sleep(time.Second)
	startCPU, err := cpuTime(pid)
	if err != nil {
		return "", err
	}
	startRSS, err := peakRSS(pid)
	if err != nil {
		return "", err
	}
	progress("idle: daemon pid %d up: %.2f CPU s, peak RSS %.1f MB after 1 s; idling %d s", pid, startCPU.Seconds(), startRSS, o.idleSeconds)
	select {
	case <-time.After(time.Duration(o.idleSeconds-1) * time.Second):
	case <-ctx.Done():
		return "", ctx.Err()
	}
	endCPU, err := cpuTime(pid)
	if err != nil {
		return "", err
	}
	endRSS, err := peakRSS(pid)
	if err != nil {
		return "", err
	}
	cmd.Process.Signal(syscall.SIGTERM)
	werr := cmd.Wait()
	stopped = true
	if werr != nil {
		b, _ := os.ReadFile(logf.Name())
		return "", fmt.Errorf("daemon: %v; log:\n%s", werr, b)
	}
	if n := sk.Received(); n != 0 {
		return "", fmt.Errorf("the idle daemon sent %d messages", n)
	}
	return fmt.Sprintf("4 idle         `onward run`, %d future messages, %d s: peak RSS %.1f MB (target < 40 MB: %s); CPU %.2f s (target < 0.1 s: %s), of which %.2f s in the first second (start-up) and %.2f s idle",
		o.idleBacklog, o.idleSeconds, endRSS, verdict(endRSS < 40), endCPU.Seconds(), verdict(endCPU < 100*time.Millisecond),
		startCPU.Seconds(), (endCPU - startCPU).Seconds()), nil
}

// cpuTime is utime+stime of a running process.
func cpuTime(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name may hold spaces; the fields after it do not.
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	// f[0] is field 3 (state); utime and stime are fields 14 and 15.
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: too few fields", pid)
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("/proc/%d/stat: bad utime or stime", pid)
	}
	return time.Duration(utime+stime) * time.Second / clockTicks, nil
}

// peakRSS is VmHWM of a running process, in MB.
func peakRSS(pid int) (float64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 64)
			if err != nil {
				return 0, err
			}
			return kb / 1024, nil
		}
	}
	return 0, fmt.Errorf("/proc/%d/status: no VmHWM", pid)
}
