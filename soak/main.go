// Command soak runs the real onward binary for a set time against real
// servers while faults arrive at random, then checks every promise of
// docs/RELIABILITY.md against what the servers received and what the
// database holds:
//
//	go run ./soak                  # ten minutes, a fresh seed
//	go run ./soak -minutes 1 -v    # one minute, every event on stderr
//	go run ./soak -seed 42         # the schedule of seed 42 again
//
// It starts an SMTP server (emersion/go-smtp) and an IMAP server (go-imap's
// in-memory one) on 127.0.0.1, a real `onward run` on a fresh database, and
// drives them for -minutes with a seeded schedule of:
//
//   - the user's actions through the real CLI, four at once: apply,
//     interview (past, with interviewers and topics, or ahead), reply,
//     reject, offer, accept, decline, withdraw, log, undo, delete, edit,
//     feedback, drafts send --yes, drafts sent, drafts discard, status;
//   - process faults: SIGKILL of the daemon (at random, and right after
//     the server's 250 for a check-in), SIGTERM and restart, SIGSTOP of
//     one to six seconds then SIGCONT, SIGHUP with a good and with a broken
//     config; SIGKILL (at random, and right after the 250) and SIGSTOP of
//     a running drafts send;
//   - SMTP faults on a message's first attempt: 451 or 554 after the final
//     dot, the connection dropped before the message is taken or after it
//     is taken without a reply, a reply that trickles past the send
//     timeout, a 250 followed by a close; and greetings that trickle;
//   - IMAP faults: a dropped connection and a slow answer at a FETCH, the
//     inbox made anew with a new UIDVALIDITY; and mail: the recruiter's
//     replies (some rejections, some feedback), the user's answers to
//     check-ins, strangers' mail with In-Reply-To and References forged to
//     onward's Message-IDs, messages over the size limit;
//   - time: every delay shrunk to seconds, quiet hours and the send window
//     off, the digest every minute.
//
// Then faults stop and the daemon runs clean until every check-in due has
// gone (at most two minutes: a message hit by a fault waits a minute for
// its retry), is stopped, and five invariants are checked, each printed
// with its counts:
//
//  1. no recruiter draft reached the server without a drafts send for it,
//     and none twice but once per SIGKILL of its sender between the copies;
//  2. every check-in recorded sent reached the server, acknowledged; every
//     one due is delivered (or failed by a 554 the server gave it, or
//     waits for a retry planned after the end); no second copy but one per
//     daemon kill between the copies;
//  3. no event is dated like a stranger's mail (13 s past a minute before
//     the soak began, which nothing of its own is), no lesson or feedback holds a stranger's
//     words, every lesson is one the user typed or mailed;
//  4. no message left a final status (the outbox is read three times a
//     second), none is for the user and drafted, sent without sent_at, or
//     still sending; PRAGMA integrity_check is ok; no command panicked;
//  5. a probe (a feedback recorded every three seconds, whose check-in no
//     fault touches) reaches the server within -probe-bound of the command,
//     not counting the time the daemon was down (from a kill to its next
//     start, from SIGSTOP to SIGCONT) and the time the server trickled its
//     replies to other messages; the daemon's peak RSS
//     (VmHWM) stays under -rss-bound MB; the daemon never exits by itself,
//     refuses a broken config and takes a good one.
//
// A violation prints the seed, the invariant, and the events around it, and
// the exit code is 1; otherwise the summary is printed and the exit code is
// 0. Bad flags exit 2.
//
// A seed fixes the schedule: which action each of the user's hands takes
// next and the pauses between, which fault comes next and when, the
// server's draw for each message. A replay of a seed runs that schedule
// again. It does not replay the run: which application or draft an action
// hits depends on what exists when it runs, and which message a fault hits
// on which messages arrive first; both follow the machine's timing, as do
// the moments a kill lands. A violation found with a seed is found again
// by running that seed often, not by running it once.
package main

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"
)

func main() {
	minutes := flag.Float64("minutes", 10, "how long faults are injected (the quiet phase and the checks follow)")
	seed := flag.Uint64("seed", 0, "the schedule's seed (0: a fresh one, printed)")
	verbose := flag.Bool("v", false, "print every event as it happens, on stderr")
	binary := flag.String("binary", "", "the onward binary (default: built from this module)")
	keep := flag.Bool("keep", false, "keep the folder with the database and the daemon's log")
	hands := flag.Int("hands", 4, "the user's actions run at once")
	probeBound := flag.Duration("probe-bound", 10*time.Second, "the longest a probe may take to reach the server")
	rssBound := flag.Int64("rss-bound", 256, "the daemon's peak RSS bound, in MB")
	flag.Parse()
	if *minutes <= 0 || *hands < 1 || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "soak: -minutes and -hands must be positive, and no arguments are taken")
		os.Exit(2)
	}
	if *seed == 0 {
		*seed = rand.Uint64()
	}
	fmt.Printf("soak: seed %d (replay the schedule: go run ./soak -seed %d -minutes %g)\n", *seed, *seed, *minutes)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	code, err := run(ctx, config{minutes: *minutes, seed: *seed, verbose: *verbose, binary: *binary, keep: *keep,
		hands: *hands, bounds: bounds{probeLatency: *probeBound, peakRSSkB: *rssBound * 1024}})
	if err != nil {
		fmt.Fprintf(os.Stderr, "soak: %v\n", err)
		os.Exit(1)
	}
	os.Exit(code)
}

type config struct {
	minutes float64
	seed    uint64
	verbose bool
	binary  string
	keep    bool
	hands   int
	bounds  bounds
}

func run(ctx context.Context, c config) (int, error) {
	dir, err := os.MkdirTemp("", "onward-soak-")
	if err != nil {
		return 0, err
	}
	if c.keep {
		fmt.Printf("soak: folder %s\n", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	bin := c.binary
	if bin == "" {
		bin = filepath.Join(dir, "onward")
		build := exec.CommandContext(ctx, "go", "build", "-o", bin, "github.com/onward-app/onward/cmd/onward")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			return 0, fmt.Errorf("build onward: %w", err)
		}
	}
	ev := &events{start: time.Now(), echo: c.verbose}
	sm, err := startServer(c.seed, ev)
	if err != nil {
		return 0, fmt.Errorf("smtp server: %w", err)
	}
	defer sm.Close()
	var k *soak
	mb, err := newMailbox(c.seed, ev, func(name, detail string) { k.fault(name, "%s", detail) })
	if err != nil {
		return 0, fmt.Errorf("imap server: %w", err)
	}
	defer mb.srv.Close()
	w, err := newWorld(dir, bin, sm, mb.srv.Port)
	if err != nil {
		return 0, err
	}
	d, err := newDaemon(w, ev)
	if err != nil {
		return 0, err
	}
	k = &soak{w: w, d: d, smtp: sm, imap: mb, l: newLedger(), ev: ev, faults: map[string]int{}}
	sm.onKill = k.killSender
	if err := d.start(ctx); err != nil {
		return 0, err
	}
	if k.s, err = newSampler(w.db, ev); err != nil {
		return 0, err
	}
	// The sampler and the RSS watch run to the very end.
	watchCtx, stopWatch := context.WithCancel(context.WithoutCancel(ctx))
	defer stopWatch()
	var watchers sync.WaitGroup
	watchers.Add(2)
	go func() { defer watchers.Done(); k.s.run(watchCtx, 300*time.Millisecond) }()
	go func() {
		defer watchers.Done()
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-watchCtx.Done():
				return
			case <-t.C:
				d.sampleRSS()
			}
		}
	}()

	// The fault phase.
	began := time.Now()
	fmt.Printf("soak: %g minutes of faults, %d hands, folder %s\n", c.minutes, c.hands, dir)
	phase, endPhase := context.WithTimeout(ctx, time.Duration(c.minutes*float64(time.Minute)))
	sm.faults.Store(true)
	mb.faults.Store(true)
	var wg sync.WaitGroup
	for i := range c.hands {
		r := rand.New(rand.NewPCG(c.seed, uint64(i+1)))
		wg.Add(1)
		go func() { defer wg.Done(); k.user(phase, r, 150*time.Millisecond) }()
	}
	wg.Add(4)
	go func() {
		defer wg.Done()
		k.daemonFaults(phase, rand.New(rand.NewPCG(c.seed, 99)), 3*time.Second)
	}()
	go func() {
		defer wg.Done()
		k.faulter(phase, rand.New(rand.NewPCG(c.seed, 100)), 500*time.Millisecond)
	}()
	go func() {
		defer wg.Done()
		k.mailer(phase, rand.New(rand.NewPCG(c.seed, 101)), 500*time.Millisecond)
	}()
	go func() { defer wg.Done(); k.probe(phase, 3*time.Second) }()
	progress := time.NewTicker(30 * time.Second)
	go func() {
		for {
			select {
			case <-phase.Done():
				return
			case <-progress.C:
				k.l.mu.Lock()
				n := 0
				for _, v := range k.l.actions {
					n += v
				}
				k.l.mu.Unlock()
				fmt.Fprintf(os.Stderr, "soak: %s: %d actions, %d faults, %d messages at the server\n",
					time.Since(began).Round(time.Second), n, k.totalFaults(), len(sm.Copies()))
			}
		}
	}()
	<-phase.Done()
	endPhase()
	progress.Stop()
	wg.Wait()
	if ctx.Err() != nil {
		d.kill(syscall.SIGTERM)
		return 1, ctx.Err()
	}

	// The quiet phase: no faults; the daemon runs clean until every
	// check-in due has gone, or two minutes have passed.
	sm.faults.Store(false)
	mb.faults.Store(false)
	k.ctl.Lock()
	quietStart := time.Now()
	ev.add("quiet phase")
	deadline := quietStart.Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		_ = k.s.read(ctx)
		due := k.s.pick(func(m *msg) bool {
			return m.Audience == "user" && (m.Status == "scheduled" || m.Status == "sending") &&
				m.DueAt.Before(time.Now().Add(65*time.Second))
		})
		if len(due) == 0 && k.probesIn() {
			break
		}
		time.Sleep(time.Second)
	}
	quietEnd := time.Now()
	d.kill(syscall.SIGTERM)
	k.ctl.Unlock()
	stopWatch()
	watchers.Wait()
	_ = k.s.read(context.Background())
	ev.add("the daemon stopped; checking")

	f, err := readFinal(context.Background(), w.db)
	if err != nil {
		return 0, fmt.Errorf("read the database: %w", err)
	}
	verdicts := k.check(f, quietEnd, c.bounds)
	k.report(c, verdicts, time.Since(began), quietEnd.Sub(quietStart))
	for _, v := range verdicts {
		if len(v.Violations) > 0 {
			return 1, nil
		}
	}
	return 0, nil
}

// probesIn reports whether every probe recorded has reached the server.
func (k *soak) probesIn() bool {
	got := map[string]bool{}
	for _, c := range k.smtp.Copies() {
		if c.Acked && strings.Contains(c.Subject, probeCompany) {
			got[c.MessageID] = true
		}
	}
	k.l.mu.Lock()
	app := k.l.probeApp
	k.l.mu.Unlock()
	for _, id := range k.s.pick(func(m *msg) bool { return m.Kind == "feedback_received" && m.App == app }) {
		if m, ok := k.s.get(id); ok && m.Status != "cancelled" && !got[m.MessageID] {
			return false
		}
	}
	return true
}

func (k *soak) totalFaults() int {
	n := 0
	k.fmu.Lock()
	for _, v := range k.faults {
		n += v
	}
	k.fmu.Unlock()
	for _, v := range k.smtp.Injected() {
		n += v
	}
	return n
}

func (k *soak) report(c config, verdicts []*verdict, took, quiet time.Duration) {
	k.l.mu.Lock()
	actions, outcomes := k.l.actions, k.l.outcomes
	k.l.mu.Unlock()
	total := 0
	for _, v := range actions {
		total += v
	}
	faults := map[string]int{}
	k.fmu.Lock()
	for n, v := range k.faults {
		faults[n] += v
	}
	k.fmu.Unlock()
	for n, v := range k.smtp.Injected() {
		faults[n] += v
	}
	nf := 0
	for _, v := range faults {
		nf += v
	}
	copies := k.smtp.Copies()
	fmt.Printf("\nsoak: seed %d, %g minutes of faults, quiet phase %s, %s in all\n", c.seed, c.minutes, quiet.Round(time.Second), took.Round(time.Second))
	fmt.Printf("user actions: %d\n%s", total, table(actions, outcomes))
	fmt.Printf("faults injected: %d\n%s", nf, table(faults, nil))
	acked := 0
	for _, x := range copies {
		if x.Acked {
			acked++
		}
	}
	fmt.Printf("messages at the SMTP server: %d (%d acknowledged)\n\n", len(copies), acked)
	bad := 0
	for _, v := range verdicts {
		mark := "ok  "
		if len(v.Violations) > 0 {
			mark = "FAIL"
			bad += len(v.Violations)
		}
		fmt.Printf("%s %s\n     %s\n", mark, v.Name, v.Summary)
		if len(v.Violations) > 0 {
			first := v.Violations[0].At
			for _, x := range v.Violations {
				if x.At.Before(first) {
					first = x.At
				}
			}
			fmt.Printf("     first violation %.1fs into the run\n", first.Sub(k.ev.start).Seconds())
		}
	}
	if bad == 0 {
		fmt.Printf("\nviolations: 0\n")
		return
	}
	fmt.Printf("\nviolations: %d (seed %d)\n", bad, c.seed)
	shown := 0
	for _, v := range verdicts {
		for _, x := range v.Violations {
			if shown++; shown > 8 {
				fmt.Printf("\nseed %d: %s\n  %s\n", c.seed, v.Name, x.What)
				continue
			}
			fmt.Printf("\nseed %d: %s\n  %s\n  events around %.3fs:\n%s", c.seed, v.Name, x.What,
				x.At.Sub(k.ev.start).Seconds(), k.ev.around(x.At, 3*time.Second))
		}
	}
}

// table prints counts by name, with exit codes when given.
func table(counts map[string]int, codes map[string]int) string {
	names := make([]string, 0, len(counts))
	for n := range counts {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		fmt.Fprintf(&b, "  %-32s %6d", n, counts[n])
		if codes != nil {
			var cs []string
			for key, v := range codes {
				if name, code, _ := strings.Cut(key, ":"); name == n {
					cs = append(cs, fmt.Sprintf("exit %s: %d", code, v))
				}
			}
			slices.Sort(cs)
			fmt.Fprintf(&b, "   %s", strings.Join(cs, ", "))
		}
		b.WriteString("\n")
	}
	return b.String()
}
