package main

import (
	"context"
	"fmt"
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

// webFigure times each page of the local web page on a database of
// cli-apps applications (the cli figure's hunt), served in process by the
// real handler with its guards, against a static page the same handler
// serves in the same run. It also weighs each page with its stylesheet
// (there are no images or scripts).
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
	addr := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 7468}
	s.Bind(addr, false)
	h := s.Handler()
	cookie := &http.Cookie{Name: "onward_7468", Value: s.Token()}
	get := func(p string) (int, time.Duration, error) {
		req := httptest.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr.String()+p, nil)
		req.AddCookie(cookie)
		w := httptest.NewRecorder()
		t := time.Now()
		h.ServeHTTP(w, req)
		d := time.Since(t)
		if w.Code != http.StatusOK {
			return 0, 0, fmt.Errorf("GET %s: %d: %s", p, w.Code, w.Body.String())
		}
		return w.Body.Len(), d, nil
	}
	pages := []struct {
		name, path string
		ds         []time.Duration
		size       int
	}{
		{name: "static", path: "/static/about.html"},
		{name: "board", path: "/"},
		{name: "board closed", path: "/?stage=closed"},
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
	const runs = 15
	for run := range runs + 1 {
		for i := range pages {
			n, d, err := get(pages[i].path)
			if err != nil {
				return "", err
			}
			pages[i].size = n
			if run > 0 {
				pages[i].ds = append(pages[i].ds, d)
			}
		}
	}
	base := median(pages[0].ds)
	var b strings.Builder
	fmt.Fprintf(&b, "9 web          %d applications (medians of %d, in process): static page %s;", o.cliApps, runs, ms(base))
	worst, heaviest := 0.0, 0
	for _, p := range pages[1:] {
		m := median(p.ds)
		r := float64(m) / float64(base)
		worst = max(worst, r)
		heaviest = max(heaviest, p.size+css)
		fmt.Fprintf(&b, " %s %s (ratio %.0f, %.1f KB);", p.name, ms(m), r, float64(p.size+css)/1024)
	}
	board := median(pages[1].ds)
	fmt.Fprintf(&b, " worst ratio %.0f (target < 10: %s); board %s (target < 50 ms: %s); heaviest page with its CSS %.1f KB (target < 100 KB: %s)",
		worst, verdict(worst < 10), ms(board), verdict(board < 50*time.Millisecond), float64(heaviest)/1024, verdict(heaviest < 100*1024))
	return b.String(), nil
}
