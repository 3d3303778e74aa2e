package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/onward-app/onward/config"
	"github.com/onward-app/onward/mailer"
	"github.com/onward-app/onward/plan"
	"github.com/onward-app/onward/store"
	"github.com/onward-app/onward/tracker"
	"github.com/onward-app/onward/web"
)

// webPage is one page the figure times, with its samples.
type webPage struct {
	name, path string
	http, proc []time.Duration
	size       int
}

// webRuns is how many timed requests each page gets over HTTP (after one
// warm-up), in rounds that visit every page in turn so that a slow spell
// of the machine falls on all of them alike.
const webRuns = 61

// webFigure times each page of the local web page on a database of
// cli-apps applications (the cli figure's hunt). Every page and the
// baseline, a static page, are fetched the same way: real HTTP requests
// over loopback to the real server (web.Server.Serve on 127.0.0.1:0, its
// guards and all), on one keep-alive connection with the access cookie,
// each timed from the request to the last byte of the answer. The ratio
// is of those medians. The same pages served by the handler in process
// (no network, no net/http server) are printed beside them, to show what
// the server itself adds. Each page is weighed with its stylesheet (there
// are no images or scripts).
func webFigure(ctx context.Context, o *options) (string, error) {
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
	path, err := writeConfig(dir, db, sk)
	if err != nil {
		return "", err
	}
	cfg, err := config.Load(path, true)
	if err != nil {
		return "", err
	}
	st, err := store.Open(ctx, db)
	if err != nil {
		return "", err
	}
	defer st.Close()
	prep, on := cfg.Prep()
	tr := tracker.New(st, plan.Policy{Location: cfg.Location(), Window: cfg.SendWindow(), Quiet: cfg.Quiet(), Delays: cfg.Delays(),
		Prep: prep, PrepOn: on, Stale: cfg.StaleLimits()}, mailer.Address{Name: cfg.User.Name, Email: cfg.User.Email})
	s, err := web.New(web.Options{Store: st, Tracker: tr, Config: cfg})
	if err != nil {
		return "", err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	sctx, stop := context.WithCancel(ctx)
	served := make(chan error, 1)
	go func() { served <- s.Serve(sctx, ln, "", "") }()
	defer func() { stop(); <-served }()
	base := "http://" + ln.Addr().String()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	cookie := &http.Cookie{Name: "onward_" + port, Value: s.Token()}
	// One connection, kept alive, as a browser reloading the page has.
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1, DisableCompression: true}}
	defer client.CloseIdleConnections()
	get := func(p string) (int, time.Duration, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+p, nil)
		if err != nil {
			return 0, 0, err
		}
		req.AddCookie(cookie)
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
	h := s.Handler()
	inProcess := func(p string) (time.Duration, error) {
		req := httptest.NewRequestWithContext(ctx, http.MethodGet, base+p, nil)
		req.AddCookie(cookie)
		w := httptest.NewRecorder()
		t := time.Now()
		h.ServeHTTP(w, req)
		d := time.Since(t)
		if w.Code != http.StatusOK {
			return 0, fmt.Errorf("GET %s in process: %d", p, w.Code)
		}
		return d, nil
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
	css, _, err := get("/static/style.css")
	if err != nil {
		return "", err
	}
	for run := range webRuns + 1 {
		for i := range pages {
			n, d, err := get(pages[i].path)
			if err != nil {
				return "", err
			}
			pages[i].size = n
			if run > 0 {
				pages[i].http = append(pages[i].http, d)
			}
			if run > 0 && run <= 15 {
				d, err := inProcess(pages[i].path)
				if err != nil {
					return "", err
				}
				pages[i].proc = append(pages[i].proc, d)
			}
		}
	}
	baseline := median(pages[0].http)
	var b strings.Builder
	fmt.Fprintf(&b, "9 web          %d applications, medians of %d requests over loopback HTTP (in process, without the server, in brackets): static page %s [%s];",
		o.cliApps, webRuns, ms(baseline), ms(median(pages[0].proc)))
	worst, worstName, heaviest := 0.0, "", 0
	for _, p := range pages[1:] {
		m := median(p.http)
		r := float64(m) / float64(baseline)
		if r > worst {
			worst, worstName = r, p.name
		}
		heaviest = max(heaviest, p.size+css)
		fmt.Fprintf(&b, " %s %s [%s] (ratio %.1f, %.1f KB);", p.name, ms(m), ms(median(p.proc)), r, float64(p.size+css)/1024)
	}
	board := median(pages[1].http)
	fmt.Fprintf(&b, " worst ratio %.1f, %s (target < 10: %s); board %s (target < 50 ms: %s); heaviest page with its CSS %.1f KB (target < 100 KB: %s)",
		worst, worstName, verdict(worst < 10), ms(board), verdict(board < 50*time.Millisecond), float64(heaviest)/1024, verdict(heaviest < 100*1024))
	return b.String(), nil
}
