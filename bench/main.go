// Command bench measures onward against baselines taken in the same run on
// the same machine, and prints one line per figure as a ratio:
//
//	go run ./bench                                   # every figure, full size (minutes)
//	go run ./bench -only throughput -n 2000          # a quick look at one figure
//	go run ./bench -only backlog -backlog 10000,100000
//	go run ./bench -only outbox -outbox-files 100000
//
// Figures: throughput (the dispatcher against go-mail alone), backlog (claim
// and start-up cost with a small and a large backlog), punctuality (lateness
// of messages due over a few seconds), idle (the real daemon's memory and CPU
// while nothing is due), cli (status and messages --json against
// --version), mailbox (the peak memory of one poll of an inbox of big
// messages, against a poll that reads no body), stall (how long a poll
// of a trickling IMAP server takes to give up, against its bounds) and
// outbox (an .eml write into a folder of 100,000 files against one into
// an empty folder, and both against the bare file system) and web (each
// page of the local web page at cli-apps applications against a static page
// of the same server, and its weight). Every figure runs onward's real packages or the real binary on
// real SQLite files and a real SMTP server on 127.0.0.1; nothing here is a
// path the daemon does not take. Progress goes to stderr, figures to stdout.
// Benchmarks report; they never fail on a time.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

type options struct {
	only         []string
	n            int
	rounds       int
	apps         int
	backlog      []int
	claims       int
	starts       int
	punctN       int
	punctSpread  time.Duration
	idleSeconds  int
	idleBacklog  int
	cliApps      int
	cliRuns      int
	dir          string
	keep         bool
	binary       string
	cpuprofile   string
	breakdown    bool
	sinkDelay    time.Duration
	mailboxN     int
	mailboxMB    int
	outboxFiles  int
	outboxWrites int
}

var figures = []string{"throughput", "backlog", "punctuality", "idle", "cli", "mailbox", "stall", "outbox", "web"}

func main() {
	if spec := os.Getenv(mailboxChild); spec != "" {
		if err := mailboxPoll(spec); err != nil {
			fmt.Fprintf(os.Stderr, "bench: mailbox child: %v\n", err)
			os.Exit(1)
		}
		return
	}
	o := &options{}
	only := flag.String("only", strings.Join(figures, ","), "comma-separated figures to run: "+strings.Join(figures, ", "))
	flag.IntVar(&o.n, "n", 20_000, "throughput: due messages to deliver")
	flag.IntVar(&o.rounds, "rounds", 3, "throughput: rounds of baseline and subject, in alternating order; medians are printed")
	flag.IntVar(&o.apps, "apps", 1000, "throughput, backlog, punctuality, idle: applications the messages belong to")
	backlog := flag.String("backlog", "10000,1000000", "backlog: the small and the large count of future messages")
	flag.IntVar(&o.claims, "claims", 300, "backlog: claims timed at each size")
	flag.IntVar(&o.starts, "starts", 30, "backlog: start-ups timed at each size")
	flag.IntVar(&o.punctN, "punct-n", 1000, "punctuality: messages")
	flag.DurationVar(&o.punctSpread, "punct-spread", 10*time.Second, "punctuality: the span their due times are spread over")
	flag.IntVar(&o.idleSeconds, "idle-seconds", 60, "idle: how long the daemon idles")
	flag.IntVar(&o.idleBacklog, "idle-backlog", 100_000, "idle: future messages in the database")
	flag.IntVar(&o.cliApps, "cli-apps", 5000, "cli: applications in the database")
	flag.IntVar(&o.cliRuns, "cli-runs", 15, "cli: timed runs of each command (after one warm-up); medians are printed")
	flag.IntVar(&o.outboxFiles, "outbox-files", 100_000, "outbox: files already in the full folder")
	flag.IntVar(&o.outboxWrites, "outbox-writes", 200, "outbox: timed writes into each folder per round")
	flag.StringVar(&o.dir, "dir", "", "folder for the databases (default: a new one in $TMPDIR); use a real disk, not tmpfs")
	flag.BoolVar(&o.keep, "keep", false, "keep the folder afterwards")
	flag.StringVar(&o.binary, "binary", "", "onward binary for idle and cli (default: built from this module into the folder)")
	flag.StringVar(&o.cpuprofile, "cpuprofile", "", "write a CPU profile of the throughput subject's first round (and of the cli's in-process status) to this file")
	flag.DurationVar(&o.sinkDelay, "sink-delay", 0, "throughput: make the SMTP server wait this long before replying to MAIL, RCPT and DATA, as one across a network would (0: loopback speed, the recorded figure)")
	flag.IntVar(&o.mailboxN, "mailbox-n", 40, "mailbox: new messages in the inbox")
	flag.IntVar(&o.mailboxMB, "mailbox-mb", 25, "mailbox: size of each, in MB")
	flag.BoolVar(&o.breakdown, "breakdown", false, "throughput: also time the subject's SMTP sends separately (adds a timing wrapper; not for the recorded figure)")
	flag.Parse()

	for _, f := range strings.Split(*only, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if !slices.Contains(figures, f) {
			fmt.Fprintf(os.Stderr, "bench: -only: unknown figure %q (figures: %s)\n", f, strings.Join(figures, ", "))
			os.Exit(2)
		}
		o.only = append(o.only, f)
	}
	for _, s := range strings.Split(*backlog, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || v < 1 {
			fmt.Fprintf(os.Stderr, "bench: -backlog: %q is not a positive count\n", s)
			os.Exit(2)
		}
		o.backlog = append(o.backlog, v)
	}
	if len(o.backlog) != 2 {
		fmt.Fprintln(os.Stderr, "bench: -backlog wants two counts, small and large, e.g. 10000,1000000")
		os.Exit(2)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, o); err != nil {
		fmt.Fprintf(os.Stderr, "bench: %v\n", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, o *options) error {
	if o.dir == "" {
		d, err := os.MkdirTemp("", "onward-bench-")
		if err != nil {
			return err
		}
		o.dir = d
		if !o.keep {
			defer os.RemoveAll(d)
		}
	} else if err := os.MkdirAll(o.dir, 0o700); err != nil {
		return err
	}
	host, _ := os.Hostname()
	fmt.Printf("# onward bench  %s  %s/%s  %d CPUs  %s  host %s  folder %s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH,
		runtime.NumCPU(), time.Now().UTC().Format(time.RFC3339), host, o.dir)
	for _, f := range o.only {
		progress("%s: start", f)
		t := time.Now()
		var line string
		var err error
		switch f {
		case "throughput":
			line, err = throughput(ctx, o)
		case "backlog":
			line, err = backlogFigure(ctx, o)
		case "punctuality":
			line, err = punctuality(ctx, o)
		case "idle":
			line, err = idle(ctx, o)
		case "cli":
			line, err = cli(ctx, o)
		case "mailbox":
			line, err = mailbox(ctx, o)
		case "stall":
			line, err = stall(ctx, o)
		case "outbox":
			line, err = outboxFigure(ctx, o)
		case "web":
			line, err = webFigure(ctx, o)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		fmt.Println(line)
		progress("%s: done in %s", f, time.Since(t).Round(time.Second))
	}
	return nil
}

func progress(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s  "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}

// median of a sample; it sorts the slice.
func median(d []time.Duration) time.Duration {
	return quantile(d, 0.5)
}

// quantile by the nearest rank; it sorts the slice.
func quantile(d []time.Duration, q float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	slices.Sort(d)
	i := int(q*float64(len(d))+0.5) - 1
	return d[min(max(i, 0), len(d)-1)]
}

func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 2, 64) + " ms"
}

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "MISSED"
}
