package compose

import (
	"cmp"
	"slices"
	"strings"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/store"
)

// prepLessons is how many lessons a prep note shows: enough to help, few
// enough to read the evening before.
const prepLessons = 7

// topRejectionTags is how many of the most common rejection tags count as
// "what keeps coming up".
const topRejectionTags = 5

// RankLessons picks the lessons worth rereading before an interview at
// company: those logged on earlier applications at the same company first,
// then those whose tags are among the ones most common in the user's
// rejections, then the most recent; at most limit.
func RankLessons(ls []store.Lesson, company string, limit int) []store.Lesson {
	freq := map[string]int{}
	for _, l := range ls {
		if l.Stage == onward.StageRejected {
			for _, t := range l.Tags {
				freq[t]++
			}
		}
	}
	tags := make([]string, 0, len(freq))
	for t := range freq {
		tags = append(tags, t)
	}
	slices.SortFunc(tags, func(a, b string) int {
		return cmp.Or(cmp.Compare(freq[b], freq[a]), cmp.Compare(a, b))
	})
	top := map[string]int{}
	for i, t := range tags[:min(len(tags), topRejectionTags)] {
		top[t] = topRejectionTags - i
	}
	type ranked struct {
		l     store.Lesson
		group int // 0 same company, 1 common rejection tag, 2 the rest
		tag   int // weight of its best top tag
	}
	rs := make([]ranked, 0, len(ls))
	for _, l := range ls {
		r := ranked{l: l, group: 2}
		for _, t := range l.Tags {
			r.tag = max(r.tag, top[t])
		}
		switch {
		case company != "" && strings.EqualFold(l.Company, company):
			r.group = 0
		case r.tag > 0:
			r.group = 1
		}
		rs = append(rs, r)
	}
	slices.SortStableFunc(rs, func(a, b ranked) int {
		return cmp.Or(cmp.Compare(a.group, b.group), cmp.Compare(b.tag, a.tag),
			b.l.CreatedAt.Compare(a.l.CreatedAt), cmp.Compare(b.l.ID, a.l.ID))
	})
	out := make([]store.Lesson, 0, min(limit, len(rs)))
	for _, r := range rs[:min(limit, len(rs))] {
		out = append(out, r.l)
	}
	return out
}
