package web

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/store"
)

func TestPlanPagesShowEveryMessageOfTheTwoWeeksOnceAndNoLater(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a := f.apply(t, "Acme", "Dana Reyes <dana@acme.example>")
	// The application planned a status check; add 250 check-ins in the
	// two weeks and 20 after them.
	now := time.Now()
	err := f.st.Update(context.Background(), func(tx *store.Tx) error {
		for i := range 270 {
			due := now.Add(time.Hour + time.Duration(i)*time.Hour)
			if i >= 250 {
				due = now.Add(15*24*time.Hour + time.Duration(i)*time.Hour)
			}
			m := store.Message{ApplicationID: a.ID, Kind: onward.Learn, Audience: onward.User, To: "you",
				DueAt: due, MessageID: store.NewMessageID("alex@example.com"), Subject: fmt.Sprintf("check-in %03d", i)}
			if err := tx.InsertMessage(context.Background(), &m); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	all, err := f.st.Messages(context.Background(), store.MessageFilter{Status: onward.StatusScheduled})
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, m := range all {
		if !m.DueAt.After(now.Add(planDays * 24 * time.Hour)) {
			want = append(want, f.srv.when(m.DueAt)+" "+m.Kind.Label())
		}
	}
	if len(want) <= planRows {
		t.Fatalf("only %d messages in the two weeks: the test needs more than a page", len(want))
	}
	row := regexp.MustCompile(`<tr><td>([^<]+)</td><td>([^<]+)</td>`)
	var got []string
	next := "/plan"
	for pages := 0; next != ""; pages++ {
		if pages > 5 {
			t.Fatal("the plan's pages do not end")
		}
		b := body(t, f.get(t, next))
		rows := row.FindAllStringSubmatch(b, -1)
		if len(rows) > planRows {
			t.Errorf("%s shows %d rows, more than a page", next, len(rows))
		}
		for _, r := range rows {
			got = append(got, html.UnescapeString(r[1]+" "+r[2]))
		}
		if c := fmt.Sprintf("%d–%d of %d", len(got)-len(rows)+1, len(got), len(want)); !regexp.MustCompile(regexp.QuoteMeta(c)).MatchString(b) {
			t.Errorf("%s does not say %q", next, c)
		}
		next = ""
		if m := regexp.MustCompile(`<a href="([^"]+)" rel="next">Later</a>`).FindStringSubmatch(b); m != nil {
			next = html.UnescapeString(m[1])
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("the plan's pages show\n%v\nwant every message of the two weeks in due order\n%v", got, want)
	}
	if res := f.get(t, "/plan?page=0"); res.StatusCode != 400 {
		t.Errorf("page=0: %d, want 400", res.StatusCode)
	}
}

// A page number so large that its first row overflows is no page: the
// plan said "-99–-91 of 9" and linked a page of -9223372036854775808.
func TestPlanPageTooLargeToCountIsRefused(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.apply(t, "Acme", "Dana Reyes <dana@acme.example>")
	for _, pg := range []string{"9223372036854775807", "184467440737095517"} {
		res := f.get(t, "/plan?page="+pg)
		b := body(t, res)
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(b, "is not a page number") {
			t.Errorf("page=%s: %d, want 400 naming the page\n%s", pg, res.StatusCode, b)
		}
	}
	// A page past the end that can be counted is an empty page, as before.
	if res := f.get(t, "/plan?page=1000"); res.StatusCode != http.StatusOK {
		t.Errorf("page=1000: %d, want 200", res.StatusCode)
	}
}
