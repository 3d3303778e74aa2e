package replies

import (
	"testing"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/mailread"
	"github.com/onward-app/onward/store"
)

func TestAttribute(t *testing.T) {
	t.Parallel()
	acme := store.Application{ID: 1, Company: "Acme", RecruiterEmail: "dana@acme.example"}
	acme2 := store.Application{ID: 2, Company: "Acme", Role: "second role", RecruiterEmail: "Dana@Acme.example"}
	globex := store.Application{ID: 3, Company: "Globex", RecruiterEmail: "sam@globex.example"}
	tiny := store.Application{ID: 4, Company: "Tiny", RecruiterEmail: "founder@gmail.com"}
	noRecruiter := store.Application{ID: 5, Company: "Initech"}
	msg := func(app int64, kind onward.Kind) store.Message {
		aud := onward.Recruiter
		if kind == onward.Learn || kind == onward.LetGo || kind == onward.Digest || kind == onward.RejectionNotice {
			aud = onward.User
		}
		return store.Message{ApplicationID: app, Kind: kind, Audience: aud}
	}
	user := []string{"alex@alex.example", "alex@work.example"}
	tests := []struct {
		name   string
		from   string
		refs   []store.Message
		apps   []store.Application
		domain bool
		want   Verdict // Why and Level are not compared
	}{
		{"recruiter in their thread", "dana@acme.example", []store.Message{msg(1, onward.ThankYou)}, []store.Application{acme}, false,
			Verdict{Action: Reply, App: 1, InThread: true}},
		{"recruiter, address in another case", "DANA@acme.example", []store.Message{msg(1, onward.StatusCheck)}, []store.Application{acme}, false,
			Verdict{Action: Reply, App: 1, InThread: true}},
		{"recruiter, no thread", "dana@acme.example", nil, []store.Application{acme}, false,
			Verdict{Action: Reply, App: 1}},
		{"stranger with a forged In-Reply-To", "mallory@evil.example", []store.Message{msg(1, onward.ThankYou)}, []store.Application{acme}, false,
			Verdict{}},
		{"stranger with a forged In-Reply-To, match_domain", "mallory@evil.example", []store.Message{msg(1, onward.ThankYou)}, []store.Application{acme}, true,
			Verdict{}},
		{"stranger, no thread", "mallory@evil.example", nil, nil, false, Verdict{}},
		{"another recruiter in this thread", "sam@globex.example", []store.Message{msg(1, onward.ThankYou)}, []store.Application{acme, globex}, false,
			Verdict{}},
		{"recruiter naming another application's message too", "sam@globex.example",
			[]store.Message{msg(1, onward.ThankYou), msg(3, onward.ThankYou)}, []store.Application{acme, globex}, false,
			Verdict{Action: Reply, App: 3, InThread: true}},
		{"a colleague at the recruiter's domain, match_domain", "hr@acme.example", []store.Message{msg(1, onward.ThankYou)}, []store.Application{acme}, true,
			Verdict{Action: Reply, App: 1, InThread: true}},
		{"a colleague at the recruiter's domain, no match_domain", "hr@acme.example", []store.Message{msg(1, onward.ThankYou)}, []store.Application{acme}, false,
			Verdict{}},
		{"match_domain at a free-mail domain", "mum@gmail.com", nil, []store.Application{tiny}, true, Verdict{}},
		{"match_domain at the user's own domain", "boss@work.example", nil, []store.Application{{ID: 6, RecruiterEmail: "hr@work.example"}}, true, Verdict{}},
		{"one recruiter, two applications, no thread", "dana@acme.example", nil, []store.Application{acme, acme2}, false, Verdict{}},
		{"one recruiter, two applications, the thread says which", "dana@acme.example", []store.Message{msg(2, onward.ThankYou)},
			[]store.Application{acme, acme2}, false, Verdict{Action: Reply, App: 2, InThread: true}},
		{"one recruiter, both threads named", "dana@acme.example", []store.Message{msg(1, onward.ThankYou), msg(2, onward.ThankYou)},
			[]store.Application{acme, acme2}, false, Verdict{}},
		{"thread of an application without a recruiter", "someone@initech.example", []store.Message{msg(5, onward.ThankYou)},
			[]store.Application{noRecruiter}, true, Verdict{}},
		{"user answers a check-in", "alex@alex.example", []store.Message{msg(1, onward.Learn)}, nil, false,
			Verdict{Action: Lesson, App: 1}},
		{"user answers a let-go from an alias", "Alex@Work.example", []store.Message{msg(3, onward.LetGo)}, nil, false,
			Verdict{Action: Lesson, App: 3}},
		{"stranger answers a check-in", "mallory@evil.example", []store.Message{msg(1, onward.Learn)}, nil, false, Verdict{}},
		{"recruiter answers a check-in", "dana@acme.example", []store.Message{msg(1, onward.Learn), msg(1, onward.ThankYou)}, []store.Application{acme}, false,
			Verdict{}},
		{"look-alike of the user's address", "alex@alex.example.evil.example", []store.Message{msg(1, onward.Learn)}, nil, false, Verdict{}},
		{"user's own mail in a recruiter thread", "alex@alex.example", []store.Message{msg(1, onward.ThankYou)}, []store.Application{acme}, false, Verdict{}},
		{"no sender", "", []store.Message{msg(1, onward.ThankYou)}, []store.Application{acme}, false, Verdict{}},
		{"reply to the digest from a recruiter", "dana@acme.example", []store.Message{msg(0, onward.Digest)}, []store.Application{acme}, false,
			Verdict{Action: Reply, App: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := mailread.Mail{From: mailread.Address{Email: tt.from}}
			got := Attribute(m, Facts{Refs: tt.refs, Apps: tt.apps}, Rules{User: user, MatchDomain: tt.domain})
			if got.Action != tt.want.Action || got.App != tt.want.App || got.InThread != tt.want.InThread {
				t.Errorf("Attribute = %+v; want %+v", got, tt.want)
			}
			if got.Why == "" {
				t.Error("no reason given for the log")
			}
		})
	}
}
