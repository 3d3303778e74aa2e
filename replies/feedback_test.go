package replies_test

import (
	"testing"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/internal/imaptest"
	"github.com/onward-app/onward/replies"
	"github.com/onward-app/onward/store"
)

// A recruiter's answer in a feedback request's thread is the
// application's feedback: it plans the check-in to the user and, unless
// they decline to give any, a thank-you draft. A stranger's mail in the
// same thread records nothing.
func TestFeedbackFromAReply(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, from, body string
		want             []onward.Kind
		declined         bool
	}{
		{"feedback", "Dana Reyes <dana@northwind.example>", "Hi Alex,\n\nThe panel wanted more depth on distributed systems.\n\nDana",
			[]onward.Kind{onward.FeedbackReceived, onward.FeedbackThanks}, false},
		{"declined", "Dana Reyes <dana@northwind.example>", "Hi Alex,\n\nI'm afraid we are not able to provide feedback on individual applications.\n\nDana",
			[]onward.Kind{onward.FeedbackReceived}, true},
		{"a stranger", "Mallory <mallory@evil.example>", "The panel hated you.", nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, imaptest.Password)
			e.interview(t)
			if _, err := e.tracker.Reject(e.ctx, e.app.ID, e.now, ""); err != nil {
				t.Fatal(err)
			}
			req := e.one(t, onward.FeedbackRequest)
			e.server.Deliver(t, "INBOX", imaptest.Message("fb@northwind.example", tc.from, "Re: Feedback", tc.body,
				"In-Reply-To: <"+req.MessageID+">"))
			e.poll(t)
			var got []onward.Kind
			for _, k := range []onward.Kind{onward.FeedbackReceived, onward.FeedbackThanks} {
				if len(e.messages(t, store.MessageFilter{Kind: k})) == 1 {
					got = append(got, k)
				}
			}
			if len(got) != len(tc.want) || (len(got) > 0 && got[0] != tc.want[0]) || (len(got) > 1 && got[1] != tc.want[1]) {
				t.Fatalf("planned %v, want %v", got, tc.want)
			}
			f, err := e.store.LastFeedback(e.ctx, e.app.ID)
			if tc.want == nil {
				if err == nil {
					t.Errorf("a stranger's mail was recorded as feedback: %+v", f)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if f.Declined != tc.declined || (!tc.declined && f.Text != "Hi Alex,\n\nThe panel wanted more depth on distributed systems.\n\nDana") {
				t.Errorf("feedback recorded %+v", f)
			}
			// Reading the mailbox again records nothing twice.
			e.poll(t)
			if n := len(e.messages(t, store.MessageFilter{Kind: onward.FeedbackReceived})); n != 1 {
				t.Errorf("%d feedback check-ins after a second poll", n)
			}
		})
	}
}

func TestDeclinesFeedback(t *testing.T) {
	t.Parallel()
	for text, want := range map[string]bool{
		"Unfortunately we're unable to provide feedback at this stage.": true,
		"As a policy we don’t provide\nfeedback to candidates.":         true,
		"Happy to! The design round was the weak spot.":                 false,
		"Feedback: more depth on systems.":                              false,
	} {
		if got := replies.DeclinesFeedback(text); got != want {
			t.Errorf("DeclinesFeedback(%q) = %v, want %v", text, got, want)
		}
	}
}
