package web

import (
	"context"
	"fmt"
	"html"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/store"
)

// seedLessons logs n lessons, three a minute (pages must not split or
// repeat lessons logged at one time), the i-th on application
// app(i) (0: none) with the tags tags(i); it returns them oldest first.
func (f *fixture) seedLessons(t testing.TB, n int, app func(i int) int64, tags func(i int) []string) []store.Lesson {
	t.Helper()
	start := time.Now().Add(-time.Duration(n) * time.Minute)
	var out []store.Lesson
	err := f.st.Update(context.Background(), func(tx *store.Tx) error {
		for i := range n {
			l := store.Lesson{ApplicationID: app(i), Text: fmt.Sprintf("lesson number %d.", i), Tags: tags(i), CreatedAt: start.Add(time.Duration(i/3) * time.Minute)}
			if err := tx.InsertLesson(context.Background(), &l); err != nil {
				return err
			}
			out = append(out, l)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

var lessonText = regexp.MustCompile(`lesson number (\d+)\.`)

// shownLesson is a lesson of the list of every lesson, not the text in
// its edit form.
var shownLesson = regexp.MustCompile(`<p>lesson number (\d+)\.</p>`)

// section is the part of the page under the heading with id.
func section(t testing.TB, page, id string) string {
	t.Helper()
	i := strings.Index(page, `aria-labelledby="`+id+`"`)
	if i < 0 {
		t.Fatalf("no section %s:\n%s", id, page)
	}
	s := page[i:]
	return s[:strings.Index(s, "</section>")]
}

func TestLessonsPageIsBoundedAndEveryLessonOneLinkAway(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ids := f.seedStages(t, 70, func(int) onward.Stage { return onward.StageRejected }, func(i int) string { return fmt.Sprintf("Co %d", i) })
	apps := ids[onward.StageRejected]
	const n = 130
	// Every fifth on no application; 30 tags, #t0 on every second lesson.
	app := func(i int) int64 {
		if i%5 == 4 {
			return 0
		}
		return apps[i%len(apps)]
	}
	tags := func(i int) []string {
		ts := []string{fmt.Sprintf("t%02d", i%30)}
		if i%2 == 0 && i%30 != 0 {
			ts = append(ts, "t00")
		}
		slices.Sort(ts)
		return ts
	}
	all := f.seedLessons(t, n, app, tags)

	// Every lesson, page by page, newest first, each once.
	walk := func(start string) (seen []int, heading string) {
		next := start
		for pages := 0; next != ""; pages++ {
			if pages > 10 {
				t.Fatal("the lessons' pages do not end")
			}
			b := body(t, f.get(t, next))
			sec := section(t, b, "by-app")
			if pages == 0 {
				heading = sec[strings.Index(sec, `<h2 id="by-app">`)+len(`<h2 id="by-app">`) : strings.Index(sec, "</h2>")]
			}
			ms := shownLesson.FindAllStringSubmatch(sec, -1)
			if len(ms) > lessonsShown {
				t.Errorf("%s shows %d lessons, more than a page", next, len(ms))
			}
			for _, m := range ms {
				var i int
				fmt.Sscan(m[1], &i)
				seen = append(seen, i)
			}
			next = ""
			if m := regexp.MustCompile(`<a href="([^"]+)" rel="next">Older</a>`).FindStringSubmatch(sec); m != nil {
				next = html.UnescapeString(m[1])
			}
		}
		return seen, heading
	}
	seen, heading := walk("/lessons")
	if heading != fmt.Sprintf("%d of %d lessons, the newest first", lessonsShown, n) {
		t.Errorf("heading %q", heading)
	}
	if len(seen) != n || !slices.IsSortedFunc(seen, func(a, b int) int { return b - a }) || seen[0] != n-1 || seen[n-1] != 0 {
		t.Errorf("the pages show %d lessons (%v), want all %d, newest first, once each", len(seen), seen, n)
	}

	// A tag's page shows its count and every lesson carrying it.
	var want []int
	for i := n - 1; i >= 0; i-- {
		if slices.Contains(all[i].Tags, "t00") {
			want = append(want, i)
		}
	}
	seen, heading = walk("/lessons?tag=t00")
	if !slices.Equal(seen, want) {
		t.Errorf("#t00's pages show %v, want %v", seen, want)
	}
	if heading != fmt.Sprintf("%d of %d lessons tagged #t00, the newest first", lessonsShown, len(want)) {
		t.Errorf("#t00's heading %q", heading)
	}

	// By tag: the tags of the newest lessons, each with its right count
	// and its newest few; every other tag a link with its count.
	b := body(t, f.get(t, "/lessons"))
	byTag := section(t, b, "by-tag")
	count := map[string]int{}
	for _, l := range all {
		for _, tg := range l.Tags {
			count[tg]++
		}
	}
	groups := regexp.MustCompile(`<h3><a href="/lessons\?tag=(t\d+)">#t\d+</a> <span class="count">(\d+)</span></h3>\s*<ul>(.*?)</ul>`).FindAllStringSubmatch(byTag, -1)
	if len(groups) != tagsShown {
		t.Errorf("%d tag groups, want %d", len(groups), tagsShown)
	}
	listed := map[string]bool{}
	for _, g := range groups {
		listed[g[1]] = true
		if g[2] != fmt.Sprint(count[g[1]]) {
			t.Errorf("#%s counts %s, want %d", g[1], g[2], count[g[1]])
		}
		var got []int
		for _, m := range lessonText.FindAllStringSubmatch(g[3], -1) {
			var i int
			fmt.Sscan(m[1], &i)
			got = append(got, i)
		}
		var newest []int
		for i := n - 1; i >= 0 && len(newest) < lessonsPerTag; i-- {
			if slices.Contains(all[i].Tags, g[1]) {
				newest = append(newest, i)
			}
		}
		if !slices.Equal(got, newest) {
			t.Errorf("#%s shows %v, want its newest %v", g[1], got, newest)
		}
	}
	others := regexp.MustCompile(`<a href="/lessons\?tag=(t\d+)">#t\d+</a> <span class="count">(\d+)</span>`).FindAllStringSubmatch(byTag[strings.Index(byTag, "more tags:"):], -1)
	for _, o := range others {
		listed[o[1]] = true
		if o[2] != fmt.Sprint(count[o[1]]) {
			t.Errorf("other tag #%s counts %s, want %d", o[1], o[2], count[o[1]])
		}
	}
	if len(listed) != len(count) {
		t.Errorf("the page names %d tags, want all %d", len(listed), len(count))
	}

	// By application: at most a page of applications, the newest few
	// lessons of each.
	byApp := section(t, b, "by-application")
	heads := regexp.MustCompile(`<h3><a href="/apps/(\d+)">`).FindAllStringSubmatchIndex(byApp, -1)
	if len(heads) != lessonsShown {
		t.Errorf("%d applications, want %d", len(heads), lessonsShown)
	}
	for j, h := range heads {
		end := len(byApp)
		if j+1 < len(heads) {
			end = heads[j+1][0]
		}
		if k := len(lessonText.FindAllString(byApp[h[0]:end], -1)); k == 0 || k > lessonsPerTag {
			t.Errorf("application %s shows %d lessons", byApp[h[2]:h[3]], k)
		}
	}
}
