package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"
)

// ledger is the soak's record of intent: what the user asked for, and
// which senders it killed.
type ledger struct {
	mu sync.Mutex
	// Drafts are known by Message-ID: SQLite gives the id of a deleted
	// row to the next one.
	// sends holds, per draft, when each `drafts send` for it started.
	sends map[string][]time.Time
	// marked holds the drafts `drafts sent` was run for.
	marked map[string]bool
	// senderKills holds, per draft, when its `drafts send` was SIGKILLed.
	senderKills map[string][]time.Time
	// daemonKills holds when the daemon was SIGKILLed, and whether a
	// message to the user was on the wire then.
	daemonKills []kill
	// running are the `drafts send` processes now running, by draft.
	running map[string][]*os.Process
	// lessons are the texts the soak wrote as lessons, or sent by mail
	// as the user; strangers are the mails it planted from strangers.
	lessons   map[string]bool
	apps      []app
	actions   map[string]int
	outcomes  map[string]int // exit codes by action: "apply:0"
	crashes   []string       // CLI runs that ended in a panic
	probes    map[string]time.Time
	probeApp  int64
	nextToken int
}

type kill struct {
	At       time.Time
	InFlight bool
}

type app struct {
	ID        int64
	Recruiter string // address, "" when none
}

func newLedger() *ledger {
	return &ledger{sends: map[string][]time.Time{}, marked: map[string]bool{}, senderKills: map[string][]time.Time{},
		running: map[string][]*os.Process{}, lessons: map[string]bool{}, actions: map[string]int{},
		outcomes: map[string]int{}, probes: map[string]time.Time{}}
}

func (l *ledger) token(prefix string) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.nextToken++
	return fmt.Sprintf("%s%d", prefix, l.nextToken)
}

// soak is one run: the servers, the daemon, the user, the schedule.
type soak struct {
	w      *world
	d      *daemon
	smtp   *server
	imap   *mailbox
	s      *sampler
	l      *ledger
	ev     *events
	ctl    sync.Mutex // one daemon fault at a time
	faults map[string]int
	fmu    sync.Mutex
}

func (k *soak) fault(name string, format string, args ...any) {
	k.fmu.Lock()
	k.faults[name]++
	k.fmu.Unlock()
	k.ev.add("fault: "+name+": "+format, args...)
}

// weighted actions of the user.
var actionWeights = []struct {
	name string
	w    int
}{
	{"apply", 12}, {"interview", 9}, {"interview-ahead", 3}, {"reply", 4}, {"reject", 8}, {"offer", 3},
	{"accept", 1}, {"decline", 2}, {"withdraw", 3}, {"log", 5}, {"undo", 4}, {"delete", 2}, {"edit", 4},
	{"drafts-send", 14}, {"drafts-sent", 3}, {"drafts-discard", 3}, {"feedback", 3}, {"status", 4},
}

func pickAction(r *rand.Rand) string {
	total := 0
	for _, a := range actionWeights {
		total += a.w
	}
	n := r.IntN(total)
	for _, a := range actionWeights {
		if n < a.w {
			return a.name
		}
		n -= a.w
	}
	return "status"
}

var companies = []string{"Northwind", "Globex", "Initech", "Umbrella", "Hooli", "Acme", "Stark", "Wayne", "Tyrell", "Cyberdyne"}

// user is one of the user's hands: it runs an action, then the next.
func (k *soak) user(ctx context.Context, r *rand.Rand, pause time.Duration) {
	for ctx.Err() == nil {
		k.act(ctx, r, pickAction(r))
		select {
		case <-ctx.Done():
		case <-time.After(time.Duration(r.Int64N(int64(pause) + 1))):
		}
	}
}

func (k *soak) randomApp(r *rand.Rand) (app, bool) {
	k.l.mu.Lock()
	defer k.l.mu.Unlock()
	if len(k.l.apps) == 0 {
		return app{}, false
	}
	// The newest applications see most of the action, as in a real hunt.
	n := len(k.l.apps)
	i := n - 1 - r.IntN(min(n, 40))
	return k.l.apps[i], true
}

func rfc(t time.Time) string { return t.Format(time.RFC3339) }

func (k *soak) act(ctx context.Context, r *rand.Rand, name string) {
	var args []string
	var onStart func(p *os.Process)
	var draft int64
	var mid string // the draft's Message-ID
	var proc *os.Process
	a, haveApp := k.randomApp(r)
	appArg := fmt.Sprint(a.ID)
	needApp := true
	now := time.Now()
	switch name {
	case "apply":
		needApp = false
		c := companies[r.IntN(len(companies))]
		args = []string{"apply", "--json", "--again", "--company", c, "--role", fmt.Sprintf("Engineer %d", r.IntN(1000))}
		if r.IntN(5) > 0 {
			args = append(args, "--recruiter", fmt.Sprintf("Dana %d <dana%d@%s.example>", r.IntN(100), r.IntN(100), strings.ToLower(c)))
		}
	case "interview":
		start := now.Add(-time.Duration(60+r.IntN(120)) * time.Minute).Truncate(time.Minute)
		args = []string{"interview", appArg, "--at", rfc(start), "--duration", "30m", "--kind", "technical",
			"--topic", "the caching layer"}
		if r.IntN(2) == 0 {
			args = append(args, "--with", fmt.Sprintf("Tom %d <tom%d@panel.example>, Engineering Manager", r.IntN(9), r.IntN(9)))
		}
	case "interview-ahead":
		start := now.Add(time.Duration(20+r.IntN(40)) * time.Second).Truncate(time.Second)
		args = []string{"interview", appArg, "--at", rfc(start), "--duration", "30m", "--where", "https://meet.example/x"}
	case "reply", "reject", "offer", "accept", "decline", "withdraw", "undo":
		args = []string{name, appArg}
		if name == "reject" && r.IntN(2) == 0 {
			args = append(args, "--note", "went with someone more senior")
		}
	case "log":
		t := k.l.token("cli-lesson-")
		k.l.mu.Lock()
		k.l.lessons[t] = true
		k.l.mu.Unlock()
		args = []string{"log", appArg, t + " bring numbers to the design round", "--tag", "design"}
	case "delete":
		args = []string{"delete", appArg, "--yes"}
	case "edit":
		args = []string{"edit", appArg, "--notes", fmt.Sprintf("note %d", r.IntN(1000))}
	case "feedback":
		args = []string{"feedback", appArg, "more depth on distributed systems"}
	case "status":
		needApp = false
		args = []string{"status", "--json"}
	case "drafts-send", "drafts-sent", "drafts-discard":
		needApp = false
		ids := k.s.pick(func(m *msg) bool { return m.Status == "drafted" && m.Audience == "recruiter" })
		if len(ids) == 0 {
			return
		}
		slices.Sort(ids)
		draft = ids[r.IntN(len(ids))]
		dm, _ := k.s.get(draft)
		mid = dm.MessageID
		sub := strings.TrimPrefix(name, "drafts-")
		args = []string{"drafts", sub, fmt.Sprint(draft)}
		switch sub {
		case "send":
			args = append(args, "--yes")
			k.l.mu.Lock()
			k.l.sends[mid] = append(k.l.sends[mid], time.Now())
			k.l.mu.Unlock()
			onStart = func(p *os.Process) {
				proc = p
				k.l.mu.Lock()
				k.l.running[mid] = append(k.l.running[mid], p)
				k.l.mu.Unlock()
			}
		case "sent":
			k.l.mu.Lock()
			k.l.marked[mid] = true
			k.l.mu.Unlock()
		}
	}
	if needApp && !haveApp {
		return
	}
	k.ev.add("user: onward %s", strings.Join(args, " "))
	res := k.w.cli(ctx, onStart, args...)
	if draft != 0 && onStart != nil {
		k.l.mu.Lock()
		k.l.running[mid] = slices.DeleteFunc(k.l.running[mid], func(p *os.Process) bool { return p == proc })
		k.l.mu.Unlock()
	}
	if ctx.Err() != nil && res.code != 0 {
		return // cut off by the end of the phase, not an outcome
	}
	k.l.mu.Lock()
	k.l.actions[name]++
	k.l.outcomes[fmt.Sprintf("%s:%d", name, res.code)]++
	if strings.Contains(res.err, "panic:") || strings.Contains(res.err, "goroutine ") {
		k.l.crashes = append(k.l.crashes, fmt.Sprintf("onward %s: %s", strings.Join(args, " "), firstLines(res.err, 6)))
	}
	k.l.mu.Unlock()
	k.ev.add("user: onward %s → exit %d in %s %s", args[0], res.code, res.took.Round(time.Millisecond), firstLines(res.err, 1))
	if name == "apply" && res.code == 0 {
		var got struct {
			ID             int64  `json:"id"`
			RecruiterEmail string `json:"recruiter_email"`
		}
		if err := json.Unmarshal([]byte(res.out), &got); err == nil && got.ID != 0 {
			k.l.mu.Lock()
			k.l.apps = append(k.l.apps, app{ID: got.ID, Recruiter: got.RecruiterEmail})
			k.l.mu.Unlock()
		} else {
			k.ev.add("apply --json printed no id: %q", firstLines(res.out, 2))
		}
	}
	if name == "delete" && res.code == 0 {
		k.l.mu.Lock()
		k.l.apps = slices.DeleteFunc(k.l.apps, func(x app) bool { return x.ID == a.ID })
		k.l.mu.Unlock()
	}
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(strings.TrimSpace(s), "\n", n+1)
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, " | ")
}

// probe records a rejection's feedback every so often on an application
// of its own; the check-in that quotes it is never hit by a fault, so the
// time from the command's end to the check-in's arrival measures how
// quickly the daemon acts.
func (k *soak) probe(ctx context.Context, every time.Duration) {
	res := k.w.cli(ctx, nil, "apply", "--json", "--company", probeCompany, "--role", "Canary")
	var got struct {
		ID int64 `json:"id"`
	}
	if err := json.Unmarshal([]byte(res.out), &got); err != nil || got.ID == 0 {
		k.ev.add("probe: apply failed: %s", res.err)
		return
	}
	id := fmt.Sprint(got.ID)
	k.l.mu.Lock()
	k.l.probeApp = got.ID
	k.l.mu.Unlock()
	if r := k.w.cli(ctx, nil, "reject", id); r.code != 0 {
		k.ev.add("probe: reject failed: %s", r.err)
		return
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		mark := k.l.token(probeMark)
		r := k.w.cli(ctx, nil, "feedback", id, mark+" is the probe")
		if r.code != 0 {
			if ctx.Err() == nil {
				k.ev.add("probe: feedback exit %d: %s", r.code, firstLines(r.err, 1))
			}
			continue
		}
		k.l.mu.Lock()
		k.l.probes[mark] = time.Now()
		k.l.mu.Unlock()
	}
}

// killSender is the SMTP server's hook for a kill right after the 250:
// the daemon for a message to the user, else the `drafts send` of the
// draft with that Message-ID.
func (k *soak) killSender(c copy) {
	if slices.Contains(c.To, userEmail) {
		if !k.ctl.TryLock() {
			return
		}
		inFlight := true
		k.fault("daemon SIGKILL after 250", "%s", c.MessageID)
		go func() {
			defer k.ctl.Unlock()
			k.crashDaemon(context.Background(), inFlight)
		}()
		return
	}
	k.l.mu.Lock()
	procs := slices.Clone(k.l.running[c.MessageID])
	k.l.mu.Unlock()
	for _, p := range procs {
		_ = p.Signal(syscall.SIGKILL)
		k.fault("drafts send SIGKILL after 250", "draft %s", c.MessageID)
	}
	if len(procs) > 0 {
		// Noted after the signal: the copy it hit is older.
		k.l.mu.Lock()
		k.l.senderKills[c.MessageID] = append(k.l.senderKills[c.MessageID], time.Now())
		k.l.mu.Unlock()
	}
}

// crashDaemon SIGKILLs the daemon and starts it again; the caller holds ctl.
func (k *soak) crashDaemon(ctx context.Context, inFlight bool) {
	k.d.kill(syscall.SIGKILL)
	// Noted once the process is gone: every copy it sent is older, every
	// copy its successor sends is newer.
	k.l.mu.Lock()
	k.l.daemonKills = append(k.l.daemonKills, kill{At: time.Now(), InFlight: inFlight})
	k.l.mu.Unlock()
	k.restart(ctx)
}

func (k *soak) restart(ctx context.Context) {
	for i := 0; ; i++ {
		err := k.d.start(ctx)
		if err == nil {
			return
		}
		k.ev.add("daemon start failed: %v", err)
		if i >= 3 {
			k.d.mu.Lock()
			k.d.crashes = append(k.d.crashes, "could not start: "+err.Error())
			k.d.mu.Unlock()
			return
		}
	}
}

// daemonFaults kills, stops and reloads the daemon at random, seconds
// apart, in storms of 15 s with 20 s of calm between: a daemon that never
// lived long would hide a stall of its loop from the probe, which
// measures from the daemon's last start.
func (k *soak) daemonFaults(ctx context.Context, r *rand.Rand, pause time.Duration) {
	began := time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Duration(r.Int64N(int64(pause)) + int64(pause)/2)):
		}
		if time.Since(began)%(35*time.Second) >= 15*time.Second {
			continue // the calm
		}
		k.ctl.Lock()
		switch n := r.IntN(100); {
		case n < 30:
			inFlight := k.smtp.InFlight()
			k.fault("daemon SIGKILL", "in flight: %v", inFlight)
			k.crashDaemon(ctx, inFlight)
		case n < 50:
			k.fault("daemon SIGKILL while sending", "")
			k.killMidSend(ctx)
		case n < 60:
			k.fault("daemon SIGTERM and restart", "")
			k.d.kill(syscall.SIGTERM)
			k.restart(ctx)
		case n < 78:
			stop := time.Duration(1000+r.IntN(5000)) * time.Millisecond
			k.fault("daemon SIGSTOP", "for %s", stop)
			k.d.pause(ctx, stop)
		default:
			broken := r.IntN(2) == 0
			name := "daemon SIGHUP, good config"
			if broken {
				name = "daemon SIGHUP, broken config"
			}
			k.fault(name, "")
			line, err := k.d.reload(broken)
			k.checkReload(broken, line, err)
		}
		k.ctl.Unlock()
	}
}

// faulter injects the other faults at random: to a running drafts send,
// and a new UIDVALIDITY. (The SMTP server's come with the messages, the
// IMAP server's with the FETCH commands.)
func (k *soak) faulter(ctx context.Context, r *rand.Rand, pause time.Duration) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Duration(r.Int64N(int64(pause)) + int64(pause)/2)):
		}
		// A renumbered inbox is read on from its end: the mail planted
		// since the last poll is never read, so it is rare.
		if r.IntN(100) == 0 {
			k.fault("imap UIDVALIDITY change", "the inbox made anew")
			k.imap.renumber()
			continue
		}
		k.senderFault(r)
	}
}

// checkReload notes a reload whose answer was not the one due.
func (k *soak) checkReload(broken bool, line string, err error) {
	switch {
	case err != nil:
		k.ev.add("reload: %v", err)
		k.d.mu.Lock()
		k.d.crashes = append(k.d.crashes, "SIGHUP: "+err.Error())
		k.d.mu.Unlock()
	case broken && !strings.Contains(line, "refused"):
		k.d.mu.Lock()
		k.d.crashes = append(k.d.crashes, "a broken config was not refused: "+line)
		k.d.mu.Unlock()
	case !broken && strings.Contains(line, "refused"):
		k.d.mu.Lock()
		k.d.crashes = append(k.d.crashes, "a good config was refused: "+line)
		k.d.mu.Unlock()
	}
}

// senderFault SIGKILLs or SIGSTOPs a running `drafts send`.
func (k *soak) senderFault(r *rand.Rand) {
	k.l.mu.Lock()
	var ids []string
	for id, ps := range k.l.running {
		if len(ps) > 0 {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	if len(ids) == 0 {
		k.l.mu.Unlock()
		return
	}
	id := ids[r.IntN(len(ids))]
	p := k.l.running[id][0]
	stop := r.IntN(3) == 0
	k.l.mu.Unlock()
	if stop {
		d := time.Duration(500+r.IntN(3000)) * time.Millisecond
		k.fault("drafts send SIGSTOP", "draft %s for %s", id, d)
		_ = p.Signal(syscall.SIGSTOP)
		time.AfterFunc(d, func() { _ = p.Signal(syscall.SIGCONT) })
		return
	}
	k.fault("drafts send SIGKILL", "draft %s", id)
	_ = p.Signal(syscall.SIGKILL)
	k.l.mu.Lock()
	k.l.senderKills[id] = append(k.l.senderKills[id], time.Now())
	k.l.mu.Unlock()
}

// killMidSend waits (a little) for a message to the user on the wire, and
// SIGKILLs the daemon then; the caller holds ctl.
func (k *soak) killMidSend(ctx context.Context) {
	deadline := time.Now().Add(2 * time.Second)
	for !k.smtp.InFlight() && time.Now().Before(deadline) {
		time.Sleep(2 * time.Millisecond)
	}
	k.crashDaemon(ctx, k.smtp.InFlight())
}

// mailer plants mail in the inbox at random.
func (k *soak) mailer(ctx context.Context, r *rand.Rand, pause time.Duration) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Duration(r.Int64N(int64(pause)) + int64(pause)/2)):
		}
		k.mail(r)
	}
}
