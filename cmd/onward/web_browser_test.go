package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/onward-app/onward/internal/smtptest"
)

// TestBrowserRecordsAnInterviewEditsAndSendsTheDraft drives the real page
// in headless Chromium: the printed address followed from another site,
// an interview recorded through its form with its details, the thank-you
// draft it plans opened, one line changed and sent, and the SMTP server
// sees exactly that; then an application gone quiet let go from its
// page, an offer declined and another accepted after the question that
// lists the withdrawals. With ONWARD_SCREENSHOTS=1 it also writes
// the screenshots in docs/.
func TestBrowserRecordsAnInterviewEditsAndSendsTheDraft(t *testing.T) {
	t.Parallel()
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium is not installed (apt-get install chromium): the browser test needs it")
	}
	server := smtptest.Start(t, smtptest.Script{})
	e := newEnv(t)
	e.writeConfig(t, e.config, e.baseConf().set("followups", "no_reply", q("14d")).set("delivery", "transport", q("smtp")).set("smtp", "host", q(server.Host)).
		set("smtp", "port", fmt.Sprint(server.Port)).set("smtp", "security", q("none")).set("smtp", "timeout", q("5s")), 0o600)
	id := apply(t, e, "--company", "Northwind", "--role", "Platform Engineer", "--recruiter", "Dana Reyes <dana@northwind.example>", "--at", ago(10*24*time.Hour))
	ids := map[string]string{}
	for _, a := range [][]string{{"Acme", "SRE", "Sam Lee <sam@acme.example>"}, {"Globex", "Backend Engineer", "Kim <kim@globex.example>"},
		{"Initech", "Staff Engineer", "Ira <ira@initech.example>"}, {"Hooli", "Platform Engineer", ""}} {
		ids[a[0]] = apply(t, e, "--company", a[0], "--role", a[1], "--recruiter", a[2], "--at", ago(5*24*time.Hour))
	}
	must(t, e, "interview", "Acme", "--at", ago(-50*time.Hour))
	must(t, e, "reject", "Initech", "--note", "went with an internal candidate")
	// Two offers: one to decline, one to accept, through the page.
	must(t, e, "offer", "Globex")
	must(t, e, "interview", "Hooli", "--at", ago(3*24*time.Hour))
	must(t, e, "offer", "Hooli")
	must(t, e, "log", "Initech", "Ask about the team's #on-call before the final round")
	must(t, e, "log", "Bring two numbers to the #system-design round #prep")
	// Gone quiet: its follow-up went out sixteen days ago, no word since.
	quiet := apply(t, e, "--company", "Umbrella", "--role", "SRE", "--recruiter", "Lee <lee@umbrella.example>", "--at", ago(40*24*time.Hour))
	must(t, e, "flush")
	followUp := one(t, messages(t, e, "--app", "umbrella"), "application_follow_up")
	must(t, e, "drafts", "sent", fmt.Sprint(followUp.ID), "--at", ago(16*24*time.Hour))
	p := startPage(t, e, "web", "--listen", "127.0.0.1:0")
	// Another site (localhost is another site than 127.0.0.1) with the
	// printed address in it, as a mail program's page or a chat shows it.
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<!doctype html><title>mail</title><p><a id="open" href="%s">%s</a></p>`, p.url, p.url)
	}))
	defer elsewhere.Close()
	mail := strings.Replace(elsewhere.URL, "127.0.0.1", "localhost", 1)

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromium), chromedp.NoSandbox,
		chromedp.WindowSize(1280, 900), chromedp.Flag("disable-dev-shm-usage", true))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	shots := os.Getenv("ONWARD_SCREENSHOTS") == "1"
	shot := func(name string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			if !shots {
				return nil
			}
			png, err := chromedp.FullScreenshot(100)(ctx, tg)
			if err != nil {
				return err
			}
			return os.WriteFile(filepath.Join("..", "..", "docs", "web-"+name+".png"), png, 0o644)
		})
	}
	do := func(steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatal(err)
		}
	}
	text := func(a chromedp.Action[string]) string {
		t.Helper()
		v, err := chromedp.Run(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}

	// The interview, through the form: it ended four hours ago, so the
	// thank-you falls due now.
	at := time.Now().Add(-5 * time.Hour).In(mustZone(t, "Europe/Berlin")).Format("2006-01-02T15:04")
	appPage := p.base() + "/apps/" + id
	interview := C(`form[action$="/interview"]`)
	// The login link, followed from the other site, lands on the board.
	do(chromedp.Navigate(mail), chromedp.WaitVisible(C(`#open`)))
	login, cancelLogin := context.WithTimeout(ctx, 30*time.Second)
	err = chromedp.Do(login, chromedp.Click(C(`#open`)), chromedp.WaitVisible(C(`.board`)))
	cancelLogin()
	if err != nil {
		page, _ := chromedp.Run(ctx, chromedp.Text(C(`body`)))
		t.Fatalf("the login link from another site did not reach the board (%v): the page says %q", err, page)
	}
	if u, _ := chromedp.Run(ctx, chromedp.Location()); strings.Contains(u, "token=") {
		t.Errorf("the token stayed in the address: %s", u)
	}
	if board := text(chromedp.Text(C(`.board`))); !strings.Contains(board, "quiet since ") {
		t.Errorf("no card on the board says it is quiet:\n%s", board)
	}
	do(shot("board"),
		chromedp.Navigate(appPage), chromedp.WaitVisible(interview),
		chromedp.SetValue(interview+C(` input[name=at]`), at),
		chromedp.SetValue(interview+C(` input[name=duration]`), "60"),
		chromedp.Click(interview+C(` summary`)),
		chromedp.WaitVisible(interview+C(` textarea[name=with]`)),
		chromedp.SetValue(interview+C(` textarea[name=with]`), "Priya Shah, Staff Engineer"),
		chromedp.SetValue(interview+C(` textarea[name=topics]`), "the on-call rotation"),
		chromedp.SetValue(interview+C(` select[name=kind]`), "technical"),
		chromedp.Click(interview+C(` button`)),
		chromedp.WaitVisible(C(`.notice`)))
	if notice := text(chromedp.Text(C(`.notice`))); !strings.Contains(notice, "Interview recorded") {
		t.Fatalf("after the interview form: %q", notice)
	}
	// The daemon's work, done once: the thank-you becomes a draft (and
	// its notice goes to the user).
	if out := must(t, e, "flush"); !strings.Contains(out, "thank_you") {
		t.Fatalf("flush wrote no thank-you draft:\n%s", out)
	}
	draft := one(t, messages(t, e, "--status", "drafted"), "thank_you")

	sel := C(fmt.Sprintf(`#draft-%d`, draft.ID))
	do(chromedp.Navigate(appPage), chromedp.WaitVisible(C(`.timeline`)), shot("application"))
	if tl := text(chromedp.Text(C(`.timeline`))); !strings.Contains(tl, "Priya Shah, Staff Engineer") || !strings.Contains(tl, "the on-call rotation") {
		t.Errorf("the timeline does not show the interview's details:\n%s", tl)
	}
	do(
		chromedp.Navigate(p.base()+"/drafts"), chromedp.WaitVisible(sel), shot("drafts"),
		chromedp.Click(sel+C(` summary`)), chromedp.WaitVisible(sel+C(` textarea`)))
	lines := strings.Split(text(chromedp.Value(sel+C(` textarea`))), "\n")
	if len(lines) < 3 {
		t.Fatalf("the draft has %d lines: %q", len(lines), lines)
	}
	const mine = "I enjoyed hearing how the platform team runs its on-call week."
	lines[2] = mine
	do(chromedp.SetValue(sel+C(` textarea`), strings.Join(lines, "\n")),
		chromedp.Click(sel+C(` form[action$="/edit"] button`)),
		chromedp.WaitVisible(C(`.notice`)),
		chromedp.Click(sel+C(` a.primary`)),
		chromedp.WaitVisible(C(`form[action$="/send"]`)), shot("confirm"))
	confirm := text(chromedp.Text(C(`main`)))
	for _, want := range []string{"dana@northwind.example", "alex@example.com", draft.Subject, mine} {
		if !strings.Contains(confirm, want) {
			t.Errorf("the confirmation does not show %q:\n%s", want, confirm)
		}
	}
	do(chromedp.Click(C(`form[action$="/send"] button.primary`)), chromedp.WaitVisible(C(`.notice`)))
	if notice := text(chromedp.Text(C(`.notice`))); notice != "Sent." {
		t.Errorf("after send: %q", notice)
	}
	// What the server received: the draft notice to the user, then the
	// edited draft to the recruiter alone.
	var got smtptest.Received
	for !slices.Contains(got.To, "dana@northwind.example") {
		got = server.Next(t)
	}
	if len(got.To) != 1 || !strings.Contains(string(got.Data), mine) || !strings.Contains(string(got.Data), "alex@example.com") {
		t.Errorf("the recruiter received, to %v:\n%s", got.To, got.Data)
	}
	if sent := one(t, messages(t, e, "--status", "sent"), "thank_you"); sent.ID != draft.ID {
		t.Errorf("sent %d, want draft %d", sent.ID, draft.ID)
	}
	// The quiet one says so, and is let go from its page.
	do(chromedp.Navigate(p.base()+"/apps/"+quiet), chromedp.WaitVisible(C(`form[action$="/close"]`)))
	if h := text(chromedp.Text(C(`#f-close`))); !strings.HasPrefix(h, "No reply since ") {
		t.Errorf("the quiet application's page says %q", h)
	}
	do(chromedp.Click(C(`form[action$="/close"] button`)), chromedp.WaitVisible(C(`.notice`)))
	if out := must(t, e, "show", "umbrella"); !strings.Contains(text(chromedp.Text(C(`.notice`))), "Let go") || !strings.Contains(out, "let go") {
		t.Errorf("after Let it go, show says:\n%s", out)
	}
	// An offer declined, another accepted: the question first lists who
	// gets a withdrawal draft, and nothing is recorded until the yes.
	do(chromedp.Navigate(p.base()+"/apps/"+ids["Globex"]), chromedp.WaitVisible(C(`form[action$="/decline"]`)),
		chromedp.Click(C(`form[action$="/decline"] button`)), chromedp.WaitVisible(C(`.notice`)))
	if notice := text(chromedp.Text(C(`.notice`))); !strings.Contains(notice, "Offer declined") {
		t.Errorf("after decline: %q", notice)
	}
	do(chromedp.Navigate(p.base()+"/apps/"+ids["Hooli"]), chromedp.WaitVisible(C(`form[action$="/accept"]`)), shot("offer"),
		chromedp.Click(C(`form[action$="/accept"] button`)), chromedp.WaitVisible(C(`ul.ask`)), shot("accept"))
	ask := text(chromedp.Text(C(`main`)))
	for _, want := range []string{"Acme — SRE", "a withdrawal draft to Sam Lee <sam@acme.example>", "Northwind — Platform Engineer"} {
		if !strings.Contains(ask, want) {
			t.Errorf("the question before accepting lacks %q:\n%s", want, ask)
		}
	}
	if strings.Contains(ask, "Globex") || strings.Contains(ask, "Initech") {
		t.Errorf("the question lists an application closed already:\n%s", ask)
	}
	do(chromedp.Click(C(`form[action$="/accept"] button.primary`)), chromedp.WaitVisible(C(`.notice`)))
	if notice := text(chromedp.Text(C(`.notice`))); !strings.Contains(notice, "Offer accepted") {
		t.Errorf("after accept: %q", notice)
	}
	if out := must(t, e, "show", "acme"); !strings.Contains(out, "withdrawn") {
		t.Errorf("Acme was not closed by the acceptance:\n%s", out)
	}
	do(chromedp.Navigate(p.base()+"/plan"), chromedp.WaitVisible(C(`h1`)), shot("plan"),
		chromedp.Navigate(p.base()+"/lessons"), chromedp.WaitVisible(C(`.charts`)), shot("lessons"),
		chromedp.EmulateViewport(375, 800),
		chromedp.Navigate(p.base()+"/"), chromedp.WaitVisible(C(`.board`)), shot("phone"))
	// Readable on a phone: nothing wider than the screen.
	for _, path := range []string{"/", "/apps/" + id, "/apps/" + id + "/delete", "/drafts", "/plan", "/lessons", "/settings"} {
		do(chromedp.Navigate(p.base()+path), chromedp.WaitVisible(C(`h1`)))
		wide, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
		if err != nil {
			t.Fatal(err)
		}
		if wide {
			t.Errorf("%s scrolls sideways at 375 px", path)
		}
	}
}

// C is a CSS selector.
type C = chromedp.CSS

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}
