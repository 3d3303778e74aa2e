package web

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/store"
	"github.com/onward-app/onward/tracker"
)

var (
	draftArticle = regexp.MustCompile(`<article class="draft" id="draft-(\d+)"`)
	laterLink    = regexp.MustCompile(`<a href="([^"]+)" rel="next">Due later</a>`)
)

// Every waiting draft is on a page of the drafts, the first due first,
// each once, a page at a time with the count of all; and each is one link
// from its application's page, however many are due before it.
func TestEveryDraftIsOnePageOfTheDrafts(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	apps := []store.Application{f.apply(t, "Acme", "Dana Reyes <dana@acme.example>"), f.apply(t, "Globex", "Sam Lee <sam@globex.example>")}
	const n = 2*draftsShown + 7
	// Due out of the order they were made, some at the same minute, so
	// that a page boundary falls between drafts due at one time.
	base := time.Now().Add(-time.Hour).Truncate(time.Minute)
	err := f.st.Update(ctx, func(tx *store.Tx) error {
		for i := range n {
			a := apps[i%2]
			m := store.Message{ApplicationID: a.ID, Kind: onward.ThankYou, Audience: onward.Recruiter, To: tracker.RecruiterAddress(a),
				Status: onward.StatusDrafted, DueAt: base.Add(time.Duration((i*7)%20) * time.Minute), MessageID: store.NewMessageID(f.cfg.User.Email),
				Subject: fmt.Sprintf("Draft %d", i), Text: "Hi"}
			if err := tx.InsertMessage(ctx, &m); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	all, err := f.st.Messages(ctx, store.MessageFilter{Status: onward.StatusDrafted, Audience: onward.Recruiter, NoBodies: true})
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, m := range all {
		want = append(want, fmt.Sprint(m.ID))
	}

	var seen []string
	next := "/drafts"
	for pages := 0; next != ""; pages++ {
		if pages > n/draftsShown+1 {
			t.Fatalf("the drafts' pages do not end: %v", seen)
		}
		res := f.get(t, next)
		b := body(t, res)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d\n%s", next, res.StatusCode, b)
		}
		ms := draftArticle.FindAllStringSubmatch(b, -1)
		if len(ms) == 0 || len(ms) > draftsShown {
			t.Errorf("%s shows %d drafts, want 1 to %d", next, len(ms), draftsShown)
		}
		for _, m := range ms {
			seen = append(seen, m[1])
		}
		count := fmt.Sprintf("The first %d of %d drafts", draftsShown, n)
		if pages > 0 {
			count = fmt.Sprintf("%d of %d drafts, due after those of the", len(ms), n)
			if !strings.Contains(b, `<a href="/drafts">The first due</a>`) {
				t.Errorf("%s has no way back to the first page", next)
			}
		}
		if !strings.Contains(b, count) {
			t.Errorf("%s does not say %q", next, count)
		}
		next = ""
		if m := laterLink.FindStringSubmatch(b); m != nil {
			next = html.UnescapeString(m[1])
		}
	}
	if !slices.Equal(seen, want) {
		t.Errorf("the pages show\n%v\nwant every draft once, the first due first:\n%v", seen, want)
	}

	// From its application's page, one link to the page that shows it.
	review := regexp.MustCompile(`<a href="([^"]+)">review</a>`)
	reached := map[string]bool{}
	for _, a := range apps {
		for _, m := range review.FindAllStringSubmatch(body(t, f.get(t, fmt.Sprintf("/apps/%d", a.ID))), -1) {
			u := html.UnescapeString(m[1])
			path, id, ok := strings.Cut(u, "#draft-")
			if !ok {
				t.Errorf("review link %s names no draft", u)
				continue
			}
			if !strings.Contains(body(t, f.get(t, path)), fmt.Sprintf(`id="draft-%s"`, id)) {
				t.Errorf("review link %s: the page does not show draft %s", u, id)
			}
			reached[id] = true
		}
	}
	if len(reached) != n {
		t.Errorf("the applications' pages reach %d drafts, want all %d", len(reached), n)
	}

	if res := f.get(t, "/drafts?from=x"); res.StatusCode != http.StatusBadRequest || !strings.Contains(body(t, res), `from: &#34;x&#34; is not a draft id`) {
		t.Errorf("from=x: %d, want 400 naming from", res.StatusCode)
	}
}
