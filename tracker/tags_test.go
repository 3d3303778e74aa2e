package tracker_test

import (
	"slices"
	"testing"

	"github.com/onward-app/onward/tracker"
)

func TestTags(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"Practise #system-design out loud", []string{"system-design"}},
		{"#Salary came up early. #salary again, #SALARY!", []string{"salary"}},
		{"Ended a sentence with a tag: #negotiation.", []string{"negotiation"}},
		{"Trailing hyphen #on-call- and underscore #take_home_", []string{"on-call", "take_home"}},
		{"(#behavioural) and [#coding]", []string{"behavioural", "coding"}},
		{"Unicode works: #entretien #Überblick #面接", []string{"entretien", "überblick", "面接"}},
		{"See https://example.com/jobs#apply and docs.example/page#section", nil},
		{"I write C# and F#", nil},
		{"Ranked #1 of 3", nil},
		{"A lone # sign, and ## double", nil},
		{"no tags at all", nil},
		{"#first word of the text", []string{"first"}},
		{"x #" + string(make([]byte, 0)) + "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", nil}, // longer than 40
	} {
		if got := tracker.Tags(tc.text); !slices.Equal(got, tc.want) {
			t.Errorf("Tags(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

func TestNormalizeTag(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want string
		ok   bool
	}{
		{"System-Design", "system-design", true},
		{"#salary", "salary", true},
		{" coding ", "coding", true},
		{"two words", "", false},
		{"", "", false},
		{"123", "", false},
		{"a/b", "", false},
	} {
		got, ok := tracker.NormalizeTag(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("NormalizeTag(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}
