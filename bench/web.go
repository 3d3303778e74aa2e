package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"os"
	"regexp"
	"strings"
	"time"
)

// webPage is one page the figure times, with its samples.
type webPage struct {
	name, path string
	ds         []time.Duration
	size       int
}

// webRuns is how many timed requests each page gets over HTTP (after one
// warm-up), in rounds that visit every page in turn so that a slow spell
// of the machine falls on all of them alike.
const webRuns = 201

// webFigure times each page of the local web page on a database of
// cli-apps applications (the cli figure's hunt), served by the real
// binary: `onward web --listen 127.0.0.1:0`, the plan with `onward
// plan`'s reasons and all. Every page and the baseline, a static page of
// the same server, are fetched the same way: real HTTP requests over
// loopback, on one keep-alive connection with the access cookie, each
// timed from the request to the last byte of the answer; the ratio is of
// those medians. Each page is weighed with its stylesheet (there are no
// images or scripts).
func webFigure(ctx context.Context, o *options) (string, error) {
	bin, err := onwardBinary(ctx, o)
	if err != nil {
		return "", err
	}
	dir, db, err := figureDB(o, "web")
	if err != nil {
		return "", err
	}
	if _, err := seedCLI(ctx, db, o.cliApps); err != nil {
		return "", err
	}
	sk, err := startSink(false)
	if err != nil {
		return "", err
	}
	defer sk.Close()
	cfg, err := writeConfig(dir, db, sk)
	if err != nil {
		return "", err
	}
	wctx, stop := context.WithCancel(ctx)
	defer stop()
	cmd := command(wctx, bin, dir, cfg, "web", "--listen", "127.0.0.1:0")
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	out, err := cmd.StdoutPipe()
	if err != nil {
		return "", err
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return "", err
	}
	defer cmd.Wait()
	defer stop()
	sc := bufio.NewScanner(out)
	addr := ""
	for addr == "" && sc.Scan() {
		addr = webURL.FindString(sc.Text())
	}
	if addr == "" {
		return "", fmt.Errorf("onward web printed no address: %s", stderr.String())
	}
	go io.Copy(io.Discard, out)
	base := addr[:strings.Index(addr, "/?token=")]
	jar, _ := cookiejar.New(nil)
	// One connection, kept alive, as a browser reloading the page has.
	client := &http.Client{Jar: jar, Transport: &http.Transport{MaxIdleConnsPerHost: 1, DisableCompression: true}}
	defer client.CloseIdleConnections()
	get := func(p string) (int, time.Duration, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, p, nil)
		if err != nil {
			return 0, 0, err
		}
		t := time.Now()
		res, err := client.Do(req)
		if err != nil {
			return 0, 0, err
		}
		n, err := io.Copy(io.Discard, res.Body)
		d := time.Since(t)
		res.Body.Close()
		if err != nil {
			return 0, 0, err
		}
		if res.StatusCode != http.StatusOK {
			return 0, 0, fmt.Errorf("GET %s: %d", p, res.StatusCode)
		}
		return int(n), d, nil
	}
	if _, _, err := get(addr); err != nil { // the token, for the cookie
		return "", err
	}
	pages := []webPage{
		{name: "static", path: "/static/about.html"},
		{name: "board", path: "/"},
		{name: "closed column", path: "/?stage=closed"},
		{name: "search", path: "/?q=company%2042"},
		{name: "application", path: fmt.Sprintf("/apps/%d", o.cliApps/2)},
		{name: "drafts", path: "/drafts"},
		{name: "plan", path: "/plan"},
		{name: "lessons", path: "/lessons"},
		{name: "settings", path: "/settings"},
	}
	css, _, err := get(base + "/static/style.css")
	if err != nil {
		return "", err
	}
	for run := range webRuns + 1 {
		for i := range pages {
			n, d, err := get(base + pages[i].path)
			if err != nil {
				return "", err
			}
			pages[i].size = n
			if run > 0 {
				pages[i].ds = append(pages[i].ds, d)
			}
		}
	}
	baseline := median(pages[0].ds)
	var b strings.Builder
	fmt.Fprintf(&b, "9 web          %d applications, `onward web`, medians of %d requests over loopback HTTP: static page %s;", o.cliApps, webRuns, ms(baseline))
	worst, worstName, heaviest := 0.0, "", 0
	for _, p := range pages[1:] {
		m := median(p.ds)
		r := float64(m) / float64(baseline)
		if r > worst {
			worst, worstName = r, p.name
		}
		heaviest = max(heaviest, p.size+css)
		fmt.Fprintf(&b, " %s %s (ratio %.1f, %.1f KB);", p.name, ms(m), r, float64(p.size+css)/1024)
	}
	board := median(pages[1].ds)
	fmt.Fprintf(&b, " worst ratio %.1f, %s (target < 10: %s); board %s (target < 50 ms: %s); heaviest page with its CSS %.1f KB (target < 100 KB: %s)",
		worst, worstName, verdict(worst < 10), ms(board), verdict(board < 50*time.Millisecond), float64(heaviest)/1024, verdict(heaviest < 100*1024))
	return b.String(), nil
}

var webURL = regexp.MustCompile(`http://[^\s]+/\?token=[0-9a-f]{64}`)
