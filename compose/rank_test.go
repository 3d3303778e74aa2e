package compose_test

import (
	"testing"
	"time"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/compose"
	"github.com/onward-app/onward/store"
)

func TestRankLessons(t *testing.T) {
	t.Parallel()
	day := func(d int) time.Time { return time.Date(2026, 3, d, 12, 0, 0, 0, time.UTC) }
	ls := []store.Lesson{
		{ID: 1, Text: "old, untagged", Company: "Globex", Stage: onward.StageApplied, CreatedAt: day(1)},
		{ID: 2, Text: "rejected, system design", Company: "Initech", Stage: onward.StageRejected, Tags: []string{"system-design"}, CreatedAt: day(2)},
		{ID: 3, Text: "rejected, system design again", Company: "Hooli", Stage: onward.StageRejected, Tags: []string{"system-design"}, CreatedAt: day(3)},
		{ID: 4, Text: "rejected, salary", Company: "Hooli", Stage: onward.StageRejected, Tags: []string{"salary"}, CreatedAt: day(4)},
		{ID: 5, Text: "same company, long ago", Company: "acme", Stage: onward.StageRejected, CreatedAt: day(1)},
		{ID: 6, Text: "recent, untagged", Company: "Globex", Stage: onward.StageApplied, CreatedAt: day(20)},
		{ID: 7, Text: "same company, recent", Company: "Acme", Stage: onward.StageRejected, CreatedAt: day(10)},
		{ID: 8, Text: "tagged, but the tag is not from a rejection", Company: "Globex", Stage: onward.StageApplied, Tags: []string{"coding"}, CreatedAt: day(21)},
	}
	got := compose.RankLessons(ls, "ACME", 7)
	// Same company (newest first), then by how common the tag is in
	// rejections (system-design twice, salary once), then the most recent.
	want := []int64{7, 5, 3, 2, 4, 8, 6}
	if len(got) != len(want) {
		t.Fatalf("got %d lessons, want %d", len(got), len(want))
	}
	for i, l := range got {
		if l.ID != want[i] {
			var ids []int64
			for _, g := range got {
				ids = append(ids, g.ID)
			}
			t.Fatalf("order %v, want %v", ids, want)
		}
	}
	if n := len(compose.RankLessons(ls, "Acme", 3)); n != 3 {
		t.Errorf("limit 3 gave %d lessons", n)
	}
	if n := len(compose.RankLessons(nil, "Acme", 7)); n != 0 {
		t.Errorf("no lessons gave %d", n)
	}
}
