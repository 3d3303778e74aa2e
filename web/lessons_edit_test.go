package web

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/onward-app/onward/store"
)

// editForms says whether page holds lesson id's edit and delete forms,
// and whether they are open.
func editForms(page string, id int64) (found, open bool) {
	i := strings.Index(page, fmt.Sprintf(`id="lesson-%d"`, id))
	if i < 0 {
		return false, false
	}
	b := page[i:]
	if j := strings.Index(b, "</blockquote>"); j >= 0 {
		b = b[:j]
	}
	found = strings.Contains(b, fmt.Sprintf(`action="/lessons/%d/edit"`, id)) && strings.Contains(b, fmt.Sprintf(`action="/lessons/%d/delete"`, id))
	return found, strings.Contains(b, "<details open>")
}

var editLink = regexp.MustCompile(`<a href="([^"]+)">edit or delete</a>`)

// Every lesson on the lessons page is one link (or none) from its edit
// and delete forms: a lesson on an application links to its page, opened
// at the lesson; one on no application has its forms where it is listed,
// and the short lists under each tag link to it there.
func TestEveryLessonLinksToItsEditAndDelete(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	acme := f.apply(t, "Acme", "")
	globex := f.apply(t, "Globex", "")
	apps := []int64{acme.ID, globex.ID, 0}
	ls := f.seedLessons(t, 9, func(i int) int64 { return apps[i%3] }, func(i int) []string { return []string{"oncall"} })
	byID := map[int64]store.Lesson{}
	for _, l := range ls {
		byID[l.ID] = l
	}

	b := body(t, f.get(t, "/lessons"))
	all := section(t, b, "by-app")
	for _, l := range ls {
		found, _ := editForms(all, l.ID)
		link := lessonEdit(l)
		switch {
		case l.ApplicationID == 0 && !found:
			t.Errorf("lesson %d, on no application, has no forms on the lessons page", l.ID)
		case l.ApplicationID != 0 && !strings.Contains(all, html.EscapeString(link)):
			t.Errorf("lesson %d does not link to %s", l.ID, link)
		}
	}

	// Each link of the page, in every section, leads to the lesson's
	// forms, open when they are on another page.
	links := editLink.FindAllStringSubmatch(b, -1)
	if len(links) < len(ls) {
		t.Errorf("%d edit links for %d lessons", len(links), len(ls))
	}
	for _, m := range links {
		u := html.UnescapeString(m[1])
		path, frag, _ := strings.Cut(u, "#lesson-")
		var id int64
		fmt.Sscan(frag, &id)
		l, ok := byID[id]
		if !ok {
			t.Errorf("link %s names no lesson", u)
			continue
		}
		res := f.get(t, path)
		page := body(t, res)
		found, open := editForms(page, id)
		if res.StatusCode != http.StatusOK || !found || (l.ApplicationID != 0 && !open) {
			t.Errorf("%s: %d, forms of lesson %d found %v, open %v", u, res.StatusCode, id, found, open)
		}
	}

	// The forms on the lessons page edit and delete through the tracker.
	var free store.Lesson
	for _, l := range ls {
		if l.ApplicationID == 0 {
			free = l
		}
	}
	res := f.post(t, fmt.Sprintf("/lessons/%d/edit", free.ID), f.form("text", "Ask about the #pager early"))
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/lessons?done=revised" {
		t.Fatalf("edit: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	got, err := f.st.Lessons(ctx, store.LessonFilter{Tag: "pager"})
	if err != nil || len(got) != 1 || got[0].ID != free.ID {
		t.Errorf("after the edit, #pager has %+v (%v), want lesson %d", got, err, free.ID)
	}
	if res := f.post(t, fmt.Sprintf("/lessons/%d/delete", free.ID), f.form()); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete: %d", res.StatusCode)
	}
	if got, _ := f.st.Lessons(ctx, store.LessonFilter{}); len(got) != len(ls)-1 {
		t.Errorf("after the delete, %d lessons, want %d", len(got), len(ls)-1)
	}
}
