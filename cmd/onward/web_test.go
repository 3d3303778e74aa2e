package main

import (
	"bufio"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/onward-app/onward/internal/smtptest"
)

// page is a running `onward web` or `onward run` serving the page.
type page struct {
	url   string // with its token
	cmd   *exec.Cmd
	lines <-chan string // its output after the address
}

var pageURL = regexp.MustCompile(`https?://[^\s"]+/\?token=[0-9a-f]{64}`)

// startPage runs onward with args and waits for the address it prints
// (on stdout for `web`, in the log for `run`).
func startPage(t *testing.T, e *env, args ...string) *page {
	t.Helper()
	u, cmd, lines := startUntil(t, e, pageURL, args...)
	return &page{url: u, cmd: cmd, lines: lines}
}

// waitFor waits for a line of the page's output that contains want.
func (p *page) waitFor(t *testing.T, want string) {
	t.Helper()
	timeout := time.After(cmdTimeout)
	for {
		select {
		case l, ok := <-p.lines:
			if !ok {
				t.Fatalf("onward ended without printing %q", want)
			}
			if strings.Contains(l, want) {
				return
			}
		case <-timeout:
			t.Fatalf("onward printed no %q in %s", want, cmdTimeout)
		}
	}
}

// startUntil runs onward with args until the test ends, and waits for a
// line of its output that matches re; the lines after it come on the
// channel (a few hundred are kept; the rest are dropped unread).
func startUntil(t *testing.T, e *env, re *regexp.Regexp, args ...string) (string, *exec.Cmd, <-chan string) {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"--config", e.config}, args...)...)
	cmd.Dir, cmd.Env = e.dir, e.vars
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	})
	found := make(chan string, 1)
	later := make(chan string, 500)
	var seen strings.Builder
	go func() {
		defer close(later)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			seen.WriteString(sc.Text() + "\n")
			if u := re.FindString(sc.Text()); u != "" {
				found <- u
				break
			}
		}
		close(found)
		for sc.Scan() {
			select {
			case later <- sc.Text():
			default:
			}
		}
		io.Copy(io.Discard, out)
	}()
	select {
	case u, ok := <-found:
		if !ok {
			t.Fatalf("onward %s printed no line matching %s:\n%s", strings.Join(args, " "), re, seen.String())
		}
		return u, cmd, later
	case <-time.After(cmdTimeout):
		t.Fatalf("onward %s printed no line matching %s in %s", strings.Join(args, " "), re, cmdTimeout)
	}
	return "", nil, nil
}

// client returns an HTTP client logged in to the page.
func (p *page) client(t *testing.T) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: cmdTimeout}
	res, err := c.Get(p.url)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("login: %d", res.StatusCode)
	}
	return c
}

func (p *page) base() string { return p.url[:strings.Index(p.url, "/?token=")] }

func TestWebServesThePageWithItsToken(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	apply(t, e, "--company", "Acme", "--role", "Engineer")
	p := startPage(t, e, "web", "--listen", "127.0.0.1:0")
	c := p.client(t)
	res, err := c.Get(p.base() + "/")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(b), "Acme") {
		t.Errorf("board: %d\n%s", res.StatusCode, b)
	}
	// A change from the CLI shows on the next load.
	must(t, e, "apply", "--company", "Globex", "--role", "SRE")
	res, err = c.Get(p.base() + "/?q=globex")
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(b), "Globex") {
		t.Errorf("the page does not show what the CLI wrote")
	}
	// The plan gives the reasons `onward plan` gives.
	must(t, e, "interview", "Acme", "--at", ago(-72*time.Hour))
	res, err = c.Get(p.base() + "/plan")
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(b), "prep note") || !strings.Contains(string(b), ", before interview") && !strings.Contains(string(b), ", before the interview") {
		t.Errorf("the plan page lacks the prep note's reason:\n%s", b)
	}
	res, err = http.Get(p.base() + "/")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized {
		t.Errorf("without the token: %d", res.StatusCode)
	}
}

func TestRunServesThePageWhenTheConfigSaysSo(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.writeConfig(t, e.config, e.baseConf().set("web", "listen", q("127.0.0.1:0")), 0o600)
	p := startPage(t, e, "run")
	p.client(t)
}

func TestWebRefusesAnAddressOtherMachinesReach(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, args := range [][]string{{"web", "--listen", "0.0.0.0:7468"}, {"web", "--listen", "192.0.2.1:7468"}, {"web", "--listen", "nonsense"}} {
		before := snap(t, e)
		_, stderr, code := run(t, e, args...)
		if code != 2 || !strings.Contains(stderr, "--listen: ") {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr)
		}
		sameState(t, before, snap(t, e))
	}
	e.writeConfig(t, e.config, e.baseConf().set("web", "listen", q("0.0.0.0:7468")).set("web", "allow_remote", "true"), 0o600)
	_, stderr, code := run(t, e, "run")
	if code != 2 || !regexp.MustCompile(`config\.toml:\d+: web\.listen: .*tls_cert`).MatchString(stderr) {
		t.Errorf("run with a remote address and no TLS: exit %d, %q", code, stderr)
	}
	out := must(t, e, "web", "--help")
	for _, want := range []string{"--listen", "--open", "access token", "Example"} {
		if !strings.Contains(out, want) && !strings.Contains(out, strings.ToLower(want)) {
			t.Errorf("web --help lacks %q", want)
		}
	}
}

func TestDemoWebKeepsTheStorysPageOpen(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := startPage(t, e, "demo", "--web", "--dir", t.TempDir())
	c := p.client(t)
	res, err := c.Get(p.base() + "/drafts")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(b), "Northwind Labs") || !strings.Contains(string(b), "mailto:") {
		t.Errorf("the demo's drafts page: %d\n%s", res.StatusCode, b)
	}
}

// The page writes beside a running daemon, as the CLI does: each on its
// own connection to the one database file.
func TestWebWritesWhileTheDaemonRuns(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	id := apply(t, e, "--company", "Acme", "--role", "Engineer", "--recruiter", "Dana <dana@acme.example>")
	startUntil(t, e, regexp.MustCompile(`onward daemon started`), "run")
	p := startPage(t, e, "web", "--listen", "127.0.0.1:0")
	c := p.client(t)
	res, err := c.Get(p.base() + "/apps/" + id)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := regexp.MustCompile(`name="csrf" value="([0-9a-f]{64})"`).FindSubmatch(b)
	if m == nil {
		t.Fatalf("no CSRF token on the page:\n%s", b)
	}
	res, err = c.PostForm(p.base()+"/apps/"+id+"/reply", map[string][]string{"csrf": {string(m[1])}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.HasSuffix(res.Request.URL.String(), "done=reply") {
		t.Fatalf("reply through the page: %d at %s", res.StatusCode, res.Request.URL)
	}
	if out := must(t, e, "show", "acme"); !strings.Contains(out, "reply") {
		t.Errorf("the reply is not recorded:\n%s", out)
	}
}

// The page `onward run` serves follows a SIGHUP as the daemon does: the
// new [user] name shows on it, a draft sent from it carries the new name
// too, and the plan gives the reloaded delays as its reasons.
func TestRunsPageFollowsAReload(t *testing.T) {
	t.Parallel()
	server := smtptest.Start(t, smtptest.Script{})
	e := newEnv(t)
	conf := func(name, statusCheck string) conf {
		return e.baseConf().set("user", "name", q(name)).set("followups", "status_check", q(statusCheck)).set("web", "listen", q("127.0.0.1:0")).
			set("delivery", "transport", q("smtp")).set("smtp", "host", q(server.Host)).
			set("smtp", "port", fmt.Sprint(server.Port)).set("smtp", "security", q("none")).set("smtp", "timeout", q("5s"))
	}
	e.writeConfig(t, e.config, conf("Alex Tester", "5bd"), 0o600)
	apply(t, e, "--company", "Acme", "--role", "Engineer", "--recruiter", "Dana Reyes <dana@acme.example>", "--at", ago(10*24*time.Hour))
	must(t, e, "interview", "Acme", "--at", ago(5*time.Hour))
	must(t, e, "flush")
	draft := one(t, messages(t, e, "--status", "drafted"), "thank_you")
	p := startPage(t, e, "run")
	c := p.client(t)
	get := func(path string) string {
		t.Helper()
		res, err := c.Get(p.base() + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d\n%s", path, res.StatusCode, b)
		}
		return string(b)
	}
	// The draft's text was written with the name of its time; the From
	// line is the config's.
	fromLine := regexp.MustCompile(`<dt>From</dt><dd>([^<]*)</dd>`)
	from := func(b string) string {
		m := fromLine.FindStringSubmatch(b)
		if m == nil {
			t.Fatalf("no From line:\n%s", b)
		}
		return html.UnescapeString(m[1])
	}
	if f := from(get("/drafts")); f != `"Alex Tester" <alex@example.com>` {
		t.Fatalf("the drafts page shows From %q", f)
	}
	if b := get("/plan"); !strings.Contains(b, "5bd after the interview") {
		t.Fatalf("the plan does not give the status check's delay:\n%s", b)
	}
	e.writeConfig(t, e.config, conf("Alexandra Tester", "9d"), 0o600)
	p.cmd.Process.Signal(syscall.SIGHUP)
	p.waitFor(t, "reloaded config and templates")
	if f := from(get("/drafts")); f != `"Alexandra Tester" <alex@example.com>` {
		t.Errorf("after the reload the page shows From %q, the name of the start", f)
	}
	// The reload re-timed the status check; the plan gives its new reason.
	if b := get("/plan"); !strings.Contains(b, "9d after the interview") {
		t.Errorf("after the reload the plan gives the reasons of the start:\n%s", b)
	}
	// The send, as the confirmation's form makes it.
	confirm := get(fmt.Sprintf("/drafts/%d/send", draft.ID))
	form := url.Values{}
	for _, m := range regexp.MustCompile(`<input type="hidden" name="(\w+)" value="([^"]*)">`).FindAllStringSubmatch(confirm, -1) {
		form.Set(m[1], html.UnescapeString(m[2]))
	}
	if from(confirm) != `"Alexandra Tester" <alex@example.com>` || form.Get("confirm") != "yes" {
		t.Fatalf("the confirmation:\n%s", confirm)
	}
	res, err := c.PostForm(p.base()+fmt.Sprintf("/drafts/%d/send", draft.ID), form)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if !strings.HasSuffix(res.Request.URL.String(), "done=sent") {
		t.Fatalf("send: %d at %s", res.StatusCode, res.Request.URL)
	}
	var got smtptest.Received
	for !slices.Contains(got.To, "dana@acme.example") {
		got = server.Next(t)
	}
	if from := got.Header("From"); !strings.Contains(from, "Alexandra Tester") {
		t.Errorf("the draft went out From %q, want the reloaded name", from)
	}
}

// `onward web` on its own follows a SIGHUP as the daemon's page does: the
// new [user] name shows, a broken config is refused with the page still
// serving the last good one, and the process lives on through both.
func TestWebPageFollowsAReloadAndRefusesABrokenConfig(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	conf := func(name string) conf { return e.baseConf().set("user", "name", q(name)) }
	e.writeConfig(t, e.config, conf("Alex Tester"), 0o600)
	apply(t, e, "--company", "Acme", "--role", "Engineer")
	p := startPage(t, e, "web", "--listen", "127.0.0.1:0")
	c := p.client(t)
	settings := func() string {
		t.Helper()
		res, err := c.Get(p.base() + "/settings")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("/settings: %d\n%s", res.StatusCode, b)
		}
		return html.UnescapeString(string(b))
	}
	if b := settings(); !strings.Contains(b, "Alex Tester") {
		t.Fatalf("the settings do not show the name:\n%s", b)
	}
	e.writeConfig(t, e.config, conf("Alexandra Tester"), 0o600)
	if err := p.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	p.waitFor(t, "reloaded config and templates")
	if b := settings(); !strings.Contains(b, "Alexandra Tester") {
		t.Errorf("after the reload the settings show the name of the start:\n%s", b)
	}
	if err := os.WriteFile(e.config, []byte("[user]\nname = \n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	p.waitFor(t, "reload refused")
	if b := settings(); !strings.Contains(b, "Alexandra Tester") {
		t.Errorf("after a broken config the page lost the good one:\n%s", b)
	}
}
