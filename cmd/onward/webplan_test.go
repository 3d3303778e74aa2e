package main

import (
	"context"
	"fmt"
	"html"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/store"
)

// The page's plan is `onward plan`'s, a page at a time: every message of
// the two weeks on one page, in due order, with the same reasons, and the
// next digest (not yet a message) on the page whose rows its time falls
// among.
func TestWebPlanPagesAreOnwardPlan(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	loc, _ := time.LoadLocation("Europe/Berlin")
	now := time.Now()
	// The digest at the top of the hour two to three hours from now: past
	// the first page's rows, among the second's.
	digest := now.Add(3 * time.Hour).In(loc)
	e.writeConfig(t, e.config, e.baseConf().set("digest", "schedule", q(fmt.Sprintf("0 %d * * *", digest.Hour()))), 0o600)
	apply(t, e, "--company", "Acme", "--role", "Engineer")
	must(t, e, "interview", "Acme", "--at", ago(48*time.Hour))
	planned := len(strings.Split(strings.TrimSpace(must(t, e, "plan")), "\n")) - 1
	st, err := store.Open(context.Background(), e.db)
	if err != nil {
		t.Fatal(err)
	}
	err = st.Update(context.Background(), func(tx *store.Tx) error {
		for i := range 230 {
			due := now.Add(time.Duration(1+i) * time.Minute)
			switch {
			case i >= 200:
				due = now.Add(8*time.Hour + time.Duration(i-200)*10*time.Minute)
			case i >= 100:
				due = now.Add(110*time.Minute + time.Duration(i-100)*3*time.Minute)
			}
			// Every other one a status check that names no event, as
			// messages planned before messages kept theirs: the plan
			// finds the application's event.
			m := store.Message{ApplicationID: 1, Kind: onward.Learn, Audience: onward.User, To: "alex@example.com",
				DueAt: due, MessageID: store.NewMessageID("alex@example.com")}
			if i%2 == 1 {
				m.Kind, m.Audience, m.To = onward.StatusCheck, onward.Recruiter, "dana@acme.example"
			}
			if err := tx.InsertMessage(context.Background(), &m); err != nil {
				return err
			}
		}
		return nil
	})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	var items []struct {
		Kind  string `json:"kind"`
		DueAt string `json:"due_at"`
	}
	mustJSON(t, e, &items, "plan", "--json")
	text := must(t, e, "plan")
	var want []string
	for _, it := range items {
		due, _ := time.Parse(time.RFC3339, it.DueAt)
		want = append(want, due.In(loc).Format("Mon 2 Jan 2006 15:04 MST")+" "+onward.Kind(it.Kind).Label())
	}
	if len(want) != planned+230 {
		t.Fatalf("onward plan lists %d, want the interview's %d, the 230 messages and the digest", len(want), planned)
	}
	if !strings.Contains(text, "moved since it was planned") {
		t.Fatalf("onward plan does not find the event of the status checks:\n%s", text)
	}

	p := startPage(t, e, "web", "--listen", "127.0.0.1:0")
	c := p.client(t)
	row := regexp.MustCompile(`<tr><td>([^<]+)</td><td>([^<]+)</td><td>[^\n]*?</td><td>[^<]*</td><td>([^<]*)</td></tr>`)
	var got []string
	digestPage := 0
	next := "/plan"
	for pg := 1; next != ""; pg++ {
		if pg > 20 {
			t.Fatal("the plan's pages do not end")
		}
		res, err := c.Get(p.base() + next)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		for _, r := range row.FindAllStringSubmatch(string(b), -1) {
			got = append(got, html.UnescapeString(r[1]+" "+r[2]))
			if r[2] == onward.Digest.Label() {
				digestPage = pg
			}
			why := html.UnescapeString(r[3])
			if !strings.Contains(text, why) {
				t.Errorf("page %d: the reason %q is not onward plan's", pg, why)
			}
			if r[2] == onward.StatusCheck.Label() && why == "—" || r[2] == onward.Digest.Label() && !strings.Contains(why, "[digest] schedule") {
				t.Errorf("page %d: %s with the reason %q", pg, r[2], why)
			}
		}
		next = ""
		if m := regexp.MustCompile(`<a href="([^"]+)" rel="next">Later</a>`).FindSubmatch(b); m != nil {
			next = html.UnescapeString(string(m[1]))
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("the page's plan:\n%v\nonward plan:\n%v", got, want)
	}
	// In the order of onward plan, so among the rows of its time; the
	// test means it for a page after the first.
	if digestPage < 2 {
		t.Errorf("the digest is on page %d, want a later one", digestPage)
	}
}
