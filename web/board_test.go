package web

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/store"
)

// seedStages records n applications straight into the store, the i-th in
// stage(i), and returns their ids by stage.
func (f *fixture) seedStages(t testing.TB, n int, stage func(i int) onward.Stage, company func(i int) string) map[onward.Stage][]int64 {
	t.Helper()
	out := map[onward.Stage][]int64{}
	err := f.st.Update(context.Background(), func(tx *store.Tx) error {
		for i := range n {
			a := store.Application{Company: company(i), Role: "Engineer", Stage: stage(i)}
			if err := tx.InsertApplication(context.Background(), &a); err != nil {
				return err
			}
			out[a.Stage] = append(out[a.Stage], a.ID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

var cardLink = regexp.MustCompile(`<h3><a href="/apps/(\d+)">`)

// cardsOf returns the ids of the cards in the column named name, in order.
func cardsOf(t testing.TB, page, name string) (ids []string, count string, links map[string]string) {
	t.Helper()
	i := strings.Index(page, `<section class="column" aria-labelledby="col-`+name+`">`)
	if i < 0 {
		t.Fatalf("no column %s in the page:\n%s", name, page)
	}
	sec := page[i:]
	sec = sec[:strings.Index(sec, "</section>")]
	for _, m := range cardLink.FindAllStringSubmatch(sec, -1) {
		ids = append(ids, m[1])
	}
	if m := regexp.MustCompile(`<span class="count">(\d+)</span>`).FindStringSubmatch(sec); m != nil {
		count = m[1]
	}
	links = map[string]string{}
	for _, m := range regexp.MustCompile(`<a href="([^"]+)"[^>]*>([^<]+)</a>`).FindAllStringSubmatch(sec, -1) {
		links[m[2]] = html.UnescapeString(m[1])
	}
	return ids, count, links
}

func TestBoardShowsTheNewestOfEachColumnAndEveryOtherIsOneLinkAway(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	// 130 closed (rejected and withdrawn in turn), 25 applied, 3 offers.
	stageOf := func(i int) onward.Stage {
		switch {
		case i < 130 && i%2 == 0:
			return onward.StageRejected
		case i < 130:
			return onward.StageWithdrawn
		case i < 155:
			return onward.StageApplied
		}
		return onward.StageOffer
	}
	ids := f.seedStages(t, 158, stageOf, func(i int) string { return fmt.Sprintf("Company %d", i) })
	closed := append(append([]int64{}, ids[onward.StageRejected]...), ids[onward.StageWithdrawn]...)

	b := body(t, f.get(t, "/"))
	for _, c := range []struct {
		name  string
		total int
	}{{"applied", 25}, {"interviewing", 0}, {"offer", 3}, {"closed", 130}} {
		got, count, links := cardsOf(t, b, c.name)
		if count != fmt.Sprint(c.total) {
			t.Errorf("column %s counts %s, want %d", c.name, count, c.total)
		}
		if want := min(c.total, boardLimit); len(got) != want {
			t.Errorf("column %s shows %d cards, want %d", c.name, len(got), want)
		}
		more, ok := links[fmt.Sprintf("All %d in %s", c.total, strings.ToUpper(c.name[:1])+c.name[1:])]
		if ok != (c.total > boardLimit) {
			t.Errorf("column %s: link to the whole column %v, want %v (links %v)", c.name, ok, c.total > boardLimit, links)
		}
		if ok && more != "/?stage="+c.name {
			t.Errorf("column %s links to %q", c.name, more)
		}
	}
	// The board's closed column is the newest of both its stages.
	got, _, _ := cardsOf(t, b, "closed")
	if got[0] != fmt.Sprint(closed[len(closed)-1]) && got[0] != "130" {
		t.Errorf("closed column starts with %s, want the newest closed application", got[0])
	}

	// Page by page, the closed column shows every closed application
	// once, newest first, and the pages say where the first one is.
	seen := map[string]bool{}
	var order []string
	next := "/?stage=closed"
	for pages := 0; next != ""; pages++ {
		if pages > 10 {
			t.Fatal("the column's pages do not end")
		}
		b := body(t, f.get(t, next))
		got, count, links := cardsOf(t, b, "closed")
		if count != "130" {
			t.Errorf("%s counts %s, want 130", next, count)
		}
		if len(got) > stageLimit {
			t.Errorf("%s shows %d cards, more than a page", next, len(got))
		}
		if _, ok := links["The newest"]; ok != (pages > 0) {
			t.Errorf("%s: a link to the first page %v, want %v", next, ok, pages > 0)
		}
		for _, id := range got {
			if seen[id] {
				t.Errorf("application %s is on two pages", id)
			}
			seen[id] = true
			order = append(order, id)
		}
		next = links["Older"]
	}
	if len(seen) != len(closed) {
		t.Errorf("the closed column's pages show %d applications, want %d", len(seen), len(closed))
	}
	for _, id := range closed {
		if !seen[fmt.Sprint(id)] {
			t.Errorf("closed application %d is on no page", id)
		}
	}
	for i := 1; i < len(order); i++ {
		var a, b int
		fmt.Sscan(order[i-1], &a)
		fmt.Sscan(order[i], &b)
		if a <= b {
			t.Errorf("the column is not newest first: %s before %s", order[i-1], order[i])
			break
		}
	}
	if res := f.get(t, "/?stage=closed&before=x"); res.StatusCode != http.StatusBadRequest {
		t.Errorf("before=x: %d, want 400", res.StatusCode)
	}
}

func TestBoardSearchCountsEveryMatchAndPagesThem(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	// Every third is Über Technik, the others Acme 0..; all rejected.
	company := func(i int) string {
		if i%3 == 0 {
			return fmt.Sprintf("Über Technik %d", i)
		}
		return fmt.Sprintf("Acme_%d%%", i)
	}
	f.seedStages(t, 180, func(int) onward.Stage { return onward.StageRejected }, company)
	// Each search finds what the board's old search found: the company,
	// role and recruiter, lowercased by Go, containing the lowercased
	// search.
	for _, q := range []string{
		"über",   // Unicode case folding
		"ÜBER t", // across case, and words
		"acme_1", // "_" is itself here, not LIKE's any character
		"ACME",
		"%",         // LIKE's wildcard, matched as itself
		"technik 1", // within a field
		"engineer",  // the role
		"nobody",
	} {
		want := 0
		for i := range 180 {
			if strings.Contains(strings.ToLower(company(i)+" Engineer"), strings.ToLower(q)) {
				want++
			}
		}
		if (want == 0) != (q == "nobody") {
			t.Fatalf("the test's data do not match %q %d times", q, want)
		}
		c := struct{ q string }{q}
		seen := 0
		next := "/?" + urlValues("q", c.q, "stage", "closed")
		for pages := 0; next != ""; pages++ {
			if pages > 10 {
				t.Fatal("the search's pages do not end")
			}
			got, count, links := cardsOf(t, body(t, f.get(t, next)), "closed")
			if count != fmt.Sprint(want) {
				t.Errorf("search %q counts %s, want %d", c.q, count, want)
			}
			seen += len(got)
			next = links["Older"]
		}
		if seen != want {
			t.Errorf("search %q: its pages show %d, want %d", c.q, seen, want)
		}
	}
}

func TestMenuCountsDraftsUpToItsBadgeAndTheDraftsPageCountsThemAll(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a := f.apply(t, "Acme", "Dana Reyes <dana@acme.example>")
	var last int64
	badge := regexp.MustCompile(`href="/drafts"[^>]*>Drafts <span class="count">([^<]+)</span>`)
	for _, c := range []struct {
		drafts      int
		board, page string
	}{{1, "1", ""}, {menuDrafts - 1, "99", ""}, {menuDrafts + 5, "99+", "The first 25 of 105 drafts"}} {
		for n := 0; ; n++ {
			got, err := f.st.CountDrafts(context.Background(), 0)
			if err != nil {
				t.Fatal(err)
			}
			if got >= c.drafts {
				break
			}
			last = f.draft(t, a, "Thank you", "Hi Dana").ID
		}
		if m := badge.FindStringSubmatch(body(t, f.get(t, "/"))); m == nil || m[1] != c.board {
			t.Errorf("%d drafts: the board's menu says %v, want %s", c.drafts, m, c.board)
		}
		for _, p := range []string{"/drafts", fmt.Sprintf("/drafts/%d/send", last)} {
			b := body(t, f.get(t, p))
			if m := badge.FindStringSubmatch(b); m == nil || m[1] != c.board {
				t.Errorf("%d drafts: the menu of %s says %v, want %s", c.drafts, p, m, c.board)
			}
			if p == "/drafts" && !strings.Contains(b, c.page) {
				t.Errorf("%d drafts: the drafts page does not say %q", c.drafts, c.page)
			}
		}
	}
}

// The settings page is drawn once per config, and each server shows its
// own, however their requests interleave.
func TestSettingsShowTheServersOwnConfig(t *testing.T) {
	t.Parallel()
	a, b := newFixture(t), newFixture(t)
	for range 3 {
		for _, c := range []struct{ this, other *fixture }{{a, b}, {b, a}} {
			page := html.UnescapeString(body(t, c.this.get(t, "/settings")))
			if !strings.Contains(page, c.this.cfg.Storage.Database) || strings.Contains(page, c.other.cfg.Storage.Database) {
				t.Fatalf("the settings page of %s shows another config:\n%s", c.this.cfg.Storage.Database, page)
			}
		}
	}
}
