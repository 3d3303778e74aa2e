package web

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/config"
	"github.com/onward-app/onward/mailer"
	"github.com/onward-app/onward/plan"
	"github.com/onward-app/onward/store"
	"github.com/onward-app/onward/tracker"
)

// fixture is a page on a real database file, served by httptest.
type fixture struct {
	st   *store.Store
	tr   *tracker.Tracker
	cfg  *config.Config
	srv  *Server
	ts   *httptest.Server
	c    *http.Client // with the cookie, after login
	base string
}

func loadConfig(t testing.TB, dir, extra string) *config.Config {
	t.Helper()
	path := filepath.Join(dir, "config.toml")
	body := fmt.Sprintf(`[user]
name = "Alex Tester"
email = "alex@example.com"
timezone = "Europe/Berlin"
[storage]
database = %q
[delivery]
outbox = %q
[schedule]
send_window = ""
quiet_hours = ""
[digest]
schedule = ""
%s`, filepath.Join(dir, "data", "onward.db"), filepath.Join(dir, "outbox"), extra)
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path, true)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	dir := t.TempDir()
	cfg := loadConfig(t, dir, "")
	st, err := store.Open(context.Background(), cfg.Storage.Database)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	prep, on := cfg.Prep()
	tr := tracker.New(st, plan.Policy{Location: cfg.Location(), Delays: cfg.Delays(), Prep: prep, PrepOn: on, Stale: cfg.StaleLimits()},
		mailer.Address{Name: cfg.User.Name, Email: cfg.User.Email})
	s, err := New(Options{Store: st, Tracker: tr, Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(s.Handler())
	s.Bind(ts.Listener.Addr(), false)
	ts.Start()
	t.Cleanup(ts.Close)
	f := &fixture{st: st, tr: tr, cfg: cfg, srv: s, ts: ts, base: ts.URL}
	jar, _ := cookiejar.New(nil)
	f.c = &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res := f.get(t, "/?token="+s.Token())
	if res.StatusCode != http.StatusOK || len(res.Cookies()) != 1 {
		t.Fatalf("login: %d, cookies %v", res.StatusCode, res.Cookies())
	}
	return f
}

func (f *fixture) get(t testing.TB, path string) *http.Response {
	t.Helper()
	res, err := f.c.Get(f.base + path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	return res
}

func (f *fixture) post(t testing.TB, path string, form url.Values, header ...string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, f.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := f.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	return res
}

func (f *fixture) form(kv ...string) url.Values {
	v := url.Values{"csrf": {f.srv.csrf}}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

func body(t testing.TB, res *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func (f *fixture) apply(t testing.TB, company, recruiter string) store.Application {
	t.Helper()
	a, err := f.tr.Apply(context.Background(), tracker.NewApplication{Company: company, Role: "Engineer", Recruiter: recruiter})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func (f *fixture) events(t testing.TB, id int64) []store.Event {
	t.Helper()
	evs, err := f.st.Timeline(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

// pages are every page with data, for the checks that hold on each.
func pages(id int64) []string {
	return []string{"/", "/?stage=closed&q=acme", fmt.Sprintf("/apps/%d", id), fmt.Sprintf("/apps/%d/delete", id), "/drafts", "/plan", "/lessons", "/settings"}
}

func TestEveryPageRendersWithItsHeaders(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a := f.apply(t, "Acme", "Dana Reyes <dana@acme.example>")
	if _, err := f.tr.Interview(context.Background(), a.ID, time.Now().Add(48*time.Hour), time.Hour); err != nil {
		t.Fatal(err)
	}
	for _, p := range pages(a.ID) {
		res := f.get(t, p)
		b := body(t, res)
		if res.StatusCode != http.StatusOK {
			t.Errorf("%s: %d\n%s", p, res.StatusCode, b)
			continue
		}
		for k, want := range map[string]string{
			"Content-Security-Policy": "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
			"X-Frame-Options":         "DENY",
			"Cache-Control":           "no-store",
			"Content-Type":            "text/html; charset=utf-8",
			"Referrer-Policy":         "no-referrer",
		} {
			if got := res.Header.Get(k); got != want {
				t.Errorf("%s: %s = %q, want %q", p, k, got, want)
			}
		}
		if !strings.Contains(b, "<h1>") || strings.Contains(b, "http://") && !strings.Contains(p, "settings") && strings.Contains(b, "src=\"http") {
			t.Errorf("%s: no heading, or an external resource", p)
		}
	}
	if b := body(t, f.get(t, "/plan")); !strings.Contains(b, "prep note") || !strings.Contains(b, "before the interview of") {
		t.Errorf("the plan does not show the prep note with its reason:\n%s", b)
	}
}

func TestAccessTokenIsRequiredThenACookie(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	bare := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, p := range []string{"/", "/drafts", "/settings", "/static/style.css", "/?token=" + strings.Repeat("0", 64), "/?token="} {
		res, err := bare.Get(f.base + p)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s without the token: %d, want 401", p, res.StatusCode)
		}
	}
	// A cookie of the right name with another value is no way in.
	req, _ := http.NewRequest(http.MethodGet, f.base+"/", nil)
	req.AddCookie(&http.Cookie{Name: f.srv.cookieName(), Value: strings.Repeat("f", 64)})
	if res, err := bare.Do(req); err != nil || res.StatusCode != http.StatusUnauthorized {
		t.Errorf("with a forged cookie: %v %v, want 401", res.StatusCode, err)
	}
	res, err := bare.Get(f.base + "/drafts?token=" + f.srv.Token())
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK || res.Header.Get("Location") != "" {
		t.Errorf("with the token: %d to %q, want 200 and the page that refreshes to /drafts (the token off the address)", res.StatusCode, res.Header.Get("Location"))
	}
	cs := res.Cookies()
	if len(cs) != 1 || !cs[0].HttpOnly || cs[0].SameSite != http.SameSiteStrictMode || cs[0].Value != f.srv.Token() || cs[0].Path != "/" {
		t.Fatalf("cookie %+v: want one, HttpOnly, SameSite=Strict, holding the token", cs)
	}
	// Each start makes its own token.
	other, err := New(Options{Store: f.st, Tracker: f.tr, Config: f.cfg})
	if err != nil {
		t.Fatal(err)
	}
	if other.Token() == f.srv.Token() || len(other.Token()) != 64 || other.csrf == f.srv.csrf {
		t.Errorf("two starts share a token or a CSRF token")
	}
	if res := f.get(t, "/"); res.StatusCode != http.StatusOK {
		t.Errorf("with the cookie: %d", res.StatusCode)
	}
}

func TestHostThatIsNotTheAddressIsRefused(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	_, port, _ := strings.Cut(strings.TrimPrefix(f.base, "http://"), ":")
	for host, want := range map[string]int{
		"127.0.0.1:" + port:             http.StatusOK,
		"localhost:" + port:             http.StatusOK,
		"evil.example:" + port:          http.StatusMisdirectedRequest, // DNS rebinding: a name of theirs, our address
		"evil.example":                  http.StatusMisdirectedRequest,
		"127.0.0.1":                     http.StatusMisdirectedRequest,
		"127.0.0.1.nip.example:" + port: http.StatusMisdirectedRequest,
	} {
		req, _ := http.NewRequest(http.MethodGet, f.base+"/", nil)
		req.Host = host
		req.AddCookie(&http.Cookie{Name: f.srv.cookieName(), Value: f.srv.Token()})
		res, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != want {
			t.Errorf("Host %q: %d, want %d", host, res.StatusCode, want)
		}
	}
}

func TestStateChangesNeedAPostWithTheCSRFToken(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a := f.apply(t, "Acme", "")
	path := fmt.Sprintf("/apps/%d/reject", a.ID)
	for name, form := range map[string]url.Values{
		"no token":                       {"note": {"x"}},
		"wrong token":                    {"note": {"x"}, "csrf": {strings.Repeat("a", 64)}},
		"the access token as CSRF token": {"csrf": {f.srv.Token()}},
	} {
		if res := f.post(t, path, form); res.StatusCode != http.StatusForbidden {
			t.Errorf("%s: %d, want 403", name, res.StatusCode)
		}
	}
	if res := f.get(t, path); res.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET of a form's address: %d, want 405", res.StatusCode)
	}
	if evs := f.events(t, a.ID); len(evs) != 1 {
		t.Fatalf("a refused request wrote: %d events", len(evs))
	}
	res := f.post(t, path, f.form("note", "went with someone else"))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("with the token: %d\n%s", res.StatusCode, body(t, res))
	}
	if evs := f.events(t, a.ID); len(evs) != 2 || evs[1].Kind != onward.Rejected || evs[1].Note != "went with someone else" {
		t.Errorf("the rejection was not recorded: %+v", evs)
	}
}

func TestRequestFromAnotherOriginIsRefused(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a := f.apply(t, "Acme", "")
	path := fmt.Sprintf("/apps/%d/withdraw", a.ID)
	for name, h := range map[string][]string{
		"Sec-Fetch-Site cross-site": {"Sec-Fetch-Site", "cross-site"},
		"Sec-Fetch-Site same-site":  {"Sec-Fetch-Site", "same-site"},
		"Origin of another site":    {"Origin", "http://evil.example"},
		"Origin of another port":    {"Origin", "http://127.0.0.1:1"},
	} {
		// The cookie and even the CSRF token do not make up for it.
		if res := f.post(t, path, f.form(), h...); res.StatusCode != http.StatusForbidden {
			t.Errorf("%s: %d, want 403", name, res.StatusCode)
		}
	}
	if a2, _ := f.st.Application(context.Background(), a.ID); a2.Stage != onward.StageApplied {
		t.Fatalf("a cross-origin request changed the stage to %s", a2.Stage)
	}
	if res := f.post(t, path, f.form(), "Sec-Fetch-Site", "same-origin", "Origin", f.base); res.StatusCode != http.StatusSeeOther {
		t.Errorf("same origin: %d, want 303", res.StatusCode)
	}
}

func TestEveryValueIsEscaped(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	evil := `<script>alert(1)</script>"'><img src=x onerror=alert(2)>`
	a, err := f.tr.Apply(context.Background(), tracker.NewApplication{Company: evil, Role: evil, Notes: evil,
		URL: "https://example.com/?q=\"><script>", Recruiter: "Dana <dana@acme.example>"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.tr.Log(context.Background(), a.ID, evil+" #tag"); err != nil {
		t.Fatal(err)
	}
	f.draft(t, a, evil, evil)
	if _, err := f.tr.InterviewWith(context.Background(), a.ID, time.Now().Add(-3*time.Hour), time.Hour,
		tracker.InterviewDetails{Topics: []string{evil}, Where: evil}); err != nil {
		t.Fatal(err)
	}
	for _, p := range pages(a.ID) {
		b := body(t, f.get(t, p))
		if strings.Contains(b, "<script") || strings.Contains(b, "<img src=x") {
			t.Errorf("%s: the value reached the page unescaped", p)
		}
	}
	if b := body(t, f.get(t, fmt.Sprintf("/apps/%d", a.ID))); !strings.Contains(b, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Errorf("the company is not shown as text")
	}
	b := body(t, f.get(t, "/lessons"))
	if !strings.Contains(b, fmt.Sprintf(`<h3><a href="/apps/%d">&lt;script&gt;`, a.ID)) || !strings.Contains(b, `href="/lessons?tag=tag"`) {
		t.Errorf("the lessons page does not group the lesson by application and tag:\n%s", b)
	}
}

// draft stores a waiting recruiter draft for a, as delivery leaves it.
func (f *fixture) draft(t testing.TB, a store.Application, subject, text string) store.Message {
	t.Helper()
	m := store.Message{ApplicationID: a.ID, Kind: onward.ThankYou, Audience: onward.Recruiter, To: tracker.RecruiterAddress(a),
		Status: onward.StatusDrafted, DueAt: time.Now(), MessageID: store.NewMessageID(f.cfg.User.Email), Subject: subject, Text: text}
	if err := f.st.Update(context.Background(), func(tx *store.Tx) error { return tx.InsertMessage(context.Background(), &m) }); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestFormErrorsAreTheTrackersShownOnThePage(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a := f.apply(t, "Acme", "")
	for _, c := range []struct {
		action string
		form   []string
		status int
		want   string
	}{
		{"interview", []string{"duration", "90x"}, http.StatusBadRequest, "duration: &#34;90x&#34; is not a duration"},
		{"interview", []string{"duration", "25h"}, http.StatusBadRequest, "duration: 25h0m0s is not between 1m and 24h"},
		{"interview", []string{"at", "next tuesday"}, http.StatusBadRequest, "at: "},
		{"edit", []string{"url", "ftp://x"}, http.StatusBadRequest, "is not a web address"},
		{"edit", []string{"recruiter", "dana@"}, http.StatusBadRequest, "has nothing after the @"},
		{"lesson", []string{"text", "  "}, http.StatusBadRequest, "lesson"},
		{"reject", nil, http.StatusSeeOther, ""},
		{"offer", nil, http.StatusBadRequest, "offer: application: Acme (1) was rejected already"},
		{"frobnicate", nil, http.StatusNotFound, ""},
	} {
		res := f.post(t, fmt.Sprintf("/apps/%d/%s", a.ID, c.action), f.form(c.form...))
		b := body(t, res)
		if res.StatusCode != c.status || !strings.Contains(b, c.want) {
			t.Errorf("%s %v: %d, want %d with %q\n%s", c.action, c.form, res.StatusCode, c.status, c.want, b)
		}
	}
	// Typed values come back with the error.
	b := body(t, f.post(t, "/apps/1/lesson", f.form("text", "", "tags", "kept-tag")))
	if !strings.Contains(b, `value="kept-tag"`) {
		t.Errorf("the form lost what was typed")
	}
	if res := f.post(t, "/apps/1/reject", f.form()); res.Header.Get("Location") != "/apps/1?done=unchanged" {
		t.Errorf("a second rejection: %s, want the unchanged notice", res.Header.Get("Location"))
	}
	if res := f.get(t, "/apps/999"); res.StatusCode != http.StatusNotFound {
		t.Errorf("an unknown application: %d", res.StatusCode)
	}
}

func TestInterviewAndEditThroughTheForms(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a := f.apply(t, "Acme", "")
	at := time.Now().Add(72 * time.Hour).In(f.cfg.Location()).Truncate(time.Minute)
	res := f.post(t, fmt.Sprintf("/apps/%d/interview", a.ID), f.form("at", at.Format("2006-01-02T15:04"), "duration", "45"))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("interview: %d\n%s", res.StatusCode, body(t, res))
	}
	evs := f.events(t, a.ID)
	last := evs[len(evs)-1]
	if last.Kind != onward.Interview || !last.At.Equal(at) || last.EndsAt.Sub(last.At) != 45*time.Minute {
		t.Errorf("interview recorded as %+v, want %s for 45m", last, at)
	}
	res = f.post(t, fmt.Sprintf("/apps/%d/edit", a.ID), f.form("company", "Acme", "role", "Engineer", "recruiter", "Dana Reyes <dana@acme.example>",
		"recruiter_tz", "", "url", "", "notes", ""))
	if res.Header.Get("Location") != fmt.Sprintf("/apps/%d?done=edit", a.ID) {
		t.Fatalf("edit: %d %s\n%s", res.StatusCode, res.Header.Get("Location"), body(t, res))
	}
	got, _ := f.st.Application(context.Background(), a.ID)
	if got.RecruiterEmail != "dana@acme.example" {
		t.Errorf("recruiter %q", got.RecruiterEmail)
	}
	// The pending status check now goes to the new address.
	msgs, _ := f.st.Messages(context.Background(), store.MessageFilter{ApplicationID: a.ID, Kind: onward.StatusCheck})
	if len(msgs) != 1 || msgs[0].To == "" {
		t.Errorf("status check %+v", msgs)
	}
	b := body(t, f.get(t, "/"))
	if !strings.Contains(b, "Next: prep note ·") {
		t.Errorf("the board's card does not show the next message:\n%s", b)
	}
}

func TestDraftsWithoutSMTPOfferTheMailProgram(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a := f.apply(t, "Acme", "Dana Reyes <dana@acme.example>")
	m := f.draft(t, a, "Thank you", "Hi Dana,\n\nThank you.")
	b := body(t, f.get(t, "/drafts"))
	for _, want := range []string{`href="mailto:`, fmt.Sprintf(`href="/drafts/%d/eml"`, m.ID), "no SMTP server is set up", "I sent it from my mail program"} {
		if !strings.Contains(b, want) {
			t.Errorf("drafts page lacks %q", want)
		}
	}
	if strings.Contains(b, "/send\"") {
		t.Errorf("a send button that cannot work")
	}
	res := f.get(t, fmt.Sprintf("/drafts/%d/eml", m.ID))
	eml := body(t, res)
	if res.Header.Get("Content-Type") != "message/rfc822" || !strings.Contains(eml, "Subject: Thank you") || !strings.Contains(eml, "dana@acme.example") {
		t.Errorf(".eml: %s\n%s", res.Header.Get("Content-Type"), eml)
	}
	if res := f.post(t, fmt.Sprintf("/drafts/%d/send", m.ID), f.form("confirm", "yes", "to", m.To, "subject", m.Subject)); res.StatusCode != http.StatusBadRequest {
		t.Errorf("send without SMTP: %d, want 400", res.StatusCode)
	}
	if res := f.post(t, fmt.Sprintf("/drafts/%d/edit", m.ID), f.form("subject", "Thanks, Dana", "text", "Hi Dana,\r\n\r\nThanks!")); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: %d", res.StatusCode)
	}
	got, _ := f.st.Message(context.Background(), m.ID)
	if got.Subject != "Thanks, Dana" || got.Text != "Hi Dana,\n\nThanks!\n" {
		t.Errorf("edited draft: %q %q", got.Subject, got.Text)
	}
	if res := f.post(t, fmt.Sprintf("/drafts/%d/sent", m.ID), f.form()); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("mark sent: %d", res.StatusCode)
	}
	if got, _ := f.st.Message(context.Background(), m.ID); got.Status != onward.StatusSent {
		t.Errorf("marked sent: %s", got.Status)
	}
	if res := f.post(t, fmt.Sprintf("/drafts/%d/discard", m.ID), f.form()); res.StatusCode != http.StatusBadRequest {
		t.Errorf("discarding a sent message: %d, want 400", res.StatusCode)
	}
}

func TestListenIsLoopbackUnlessTheConfigSaysSoWithTLS(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		addr string
		web  config.Web
		ok   bool
	}{
		{"127.0.0.1:0", config.Web{}, true},
		{"[::1]:0", config.Web{}, true},
		{"localhost:0", config.Web{}, true},
		{"0.0.0.0:7468", config.Web{}, false},
		{":7468", config.Web{}, false},
		{"192.168.1.5:7468", config.Web{}, false},
		{"192.168.1.5:7468", config.Web{AllowRemote: true}, false},
		{"192.168.1.5:7468", config.Web{TLSCert: "c", TLSKey: "k"}, false},
		{"192.168.1.5:7468", config.Web{AllowRemote: true, TLSCert: "c", TLSKey: "k"}, true},
		{"127.0.0.1", config.Web{}, false},
	} {
		err := c.web.CheckListen(c.addr)
		if (err == nil) != c.ok {
			t.Errorf("CheckListen(%q, %+v) = %v, want ok=%v", c.addr, c.web, err, c.ok)
		}
		if !c.ok {
			if _, err := Listen(c.addr, c.web); err == nil {
				t.Errorf("Listen(%q) listened", c.addr)
			}
		}
	}
	// The config file's own [web] listen follows the rule, with its line.
	dir := t.TempDir()
	path := filepath.Join(dir, "config.toml")
	os.WriteFile(path, []byte("[user]\nname = \"A\"\nemail = \"a@example.com\"\n[web]\nlisten = \"0.0.0.0:7468\"\n"), 0o600)
	_, err := config.Load(path, true)
	if err == nil || !strings.Contains(err.Error(), "config.toml:5: web.listen:") {
		t.Errorf("config with listen on every interface: %v", err)
	}
}

func TestUndoFeedbackAndInterviewDetailsThroughTheForms(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a := f.apply(t, "Acme", "Dana Reyes <dana@acme.example>")
	at := time.Now().Add(48 * time.Hour).In(f.cfg.Location()).Format("2006-01-02T15:04")
	res := f.post(t, fmt.Sprintf("/apps/%d/interview", a.ID), f.form("at", at, "with", "Tom Baker <tom@acme.example>, Engineering Manager\r\n",
		"topics", "the caching layer", "kind", "onsite", "where", "https://meet.example/abc"))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("interview with details: %d\n%s", res.StatusCode, body(t, res))
	}
	b := body(t, f.get(t, fmt.Sprintf("/apps/%d", a.ID)))
	if !strings.Contains(b, "Take back the last event") || !strings.Contains(b, "thank-you note") {
		t.Errorf("the page lacks the undo form or the planned thank-you")
	}
	if res := f.post(t, fmt.Sprintf("/apps/%d/undo", a.ID), f.form()); res.Header.Get("Location") != fmt.Sprintf("/apps/%d?done=undo", a.ID) {
		t.Fatalf("undo: %d %s\n%s", res.StatusCode, res.Header.Get("Location"), body(t, res))
	}
	if evs := f.events(t, a.ID); len(evs) != 1 {
		t.Errorf("after undo: %d events, want the application alone", len(evs))
	}
	if res := f.post(t, fmt.Sprintf("/apps/%d/undo", a.ID), f.form()); res.StatusCode != http.StatusBadRequest || !strings.Contains(body(t, res), "nothing recorded after the application") {
		t.Errorf("undo of the application itself: %d, want 400 with the tracker's words", res.StatusCode)
	}
	f.post(t, fmt.Sprintf("/apps/%d/reject", a.ID), f.form())
	if res := f.post(t, fmt.Sprintf("/apps/%d/feedback", a.ID), f.form("text", "more #kubernetes depth")); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("feedback: %d\n%s", res.StatusCode, body(t, res))
	}
	evs := f.events(t, a.ID)
	if last := evs[len(evs)-1]; last.Kind != onward.Feedback {
		t.Errorf("last event %s, want feedback", last.Kind)
	}
}

// A form too large to read is refused as too large, not as a form with a
// missing token (which sent the user to reload a page that was fine).
func TestFormTooLargeIsRefusedAsTooLarge(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a := f.apply(t, "Acme", "")
	res := f.post(t, fmt.Sprintf("/apps/%d/reject", a.ID), f.form("note", strings.Repeat("a", 2<<20)))
	b := body(t, res)
	if res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(b, "larger than") {
		t.Errorf("a 2 MB form: %d, want 413 saying it is too large\n%s", res.StatusCode, b)
	}
	if evs := f.events(t, a.ID); len(evs) != 1 {
		t.Fatalf("a refused request wrote: %d events", len(evs))
	}
}

// A draft action on a message to the user names the message in words
// that read: it said "a offer deadline reminder" and "a congratulations".
func TestDraftActionOnACheckInNamesItInWords(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a := f.apply(t, "Acme", "")
	for _, k := range []onward.Kind{onward.OfferDeadline, onward.Congratulations} {
		m := store.Message{ApplicationID: a.ID, Kind: k, Audience: onward.User, To: "you",
			DueAt: time.Now().Add(time.Hour), MessageID: store.NewMessageID("alex@example.com"), Subject: "s"}
		if err := f.st.Update(context.Background(), func(tx *store.Tx) error { return tx.InsertMessage(context.Background(), &m) }); err != nil {
			t.Fatal(err)
		}
		res := f.post(t, fmt.Sprintf("/drafts/%d/discard", m.ID), f.form())
		b := body(t, res)
		want := fmt.Sprintf("message %d is the %s to you, not a recruiter draft", m.ID, k.Label())
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(b, want) {
			t.Errorf("discard of a %s: %d, want 400 with %q\n%s", k, res.StatusCode, want, b)
		}
	}
}

// A time that is no time is named in the error, but not echoed whole: a
// pasted page of text in the date field came back as a page of error.
func TestLongBadTimeIsNotEchoedWhole(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a := f.apply(t, "Acme", "")
	long := "2026-03-02 " + strings.Repeat("x", 100_000)
	res := f.post(t, fmt.Sprintf("/apps/%d/close", a.ID), f.form("at", long))
	b := body(t, res)
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(b, "2026-03-02 xxx") || !strings.Contains(b, "is not a time") {
		t.Fatalf("a long bad time: %d, want 400 naming its start\n%.2000s", res.StatusCode, b)
	}
	// The form keeps what was typed, to correct; the error names it.
	alert := regexp.MustCompile(`role="alert"[^>]*>[^<]*`).FindString(b)
	if alert == "" || len(alert) > 500 {
		t.Errorf("the error echoes the whole value (%d bytes): %.300s", len(alert), alert)
	}
	if evs := f.events(t, a.ID); len(evs) != 1 {
		t.Fatalf("a refused request wrote: %d events", len(evs))
	}
}
