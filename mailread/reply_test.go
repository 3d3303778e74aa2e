package mailread

import (
	"net/mail"
	"strings"
	"testing"
)

func header(t *testing.T, lines ...string) mail.Header {
	t.Helper()
	m, err := mail.ReadMessage(strings.NewReader(strings.Join(lines, "\r\n") + "\r\n\r\nbody\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	return m.Header
}

func TestIsAutoReply(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		header []string
		want   bool
	}{
		{"a recruiter's reply", []string{"From: Dana <dana@acme.example>", "Subject: Re: Thank you for today"}, false},
		{"Auto-Submitted: auto-replied", []string{"Auto-Submitted: auto-replied", "Subject: Re: Thank you"}, true},
		{"Auto-Submitted with a comment", []string{"Auto-Submitted: auto-generated (vacation)", "Subject: Away"}, true},
		{"Auto-Submitted: no", []string{"Auto-Submitted: no", "Subject: Re: Thank you"}, false},
		{"Auto-Submitted: No, in capitals", []string{"Auto-Submitted: No", "Subject: Re: Thank you"}, false},
		{"X-Autoreply", []string{"X-Autoreply: yes", "Subject: Re: Thank you"}, true},
		{"X-Autorespond", []string{"X-Autorespond: Re: Thank you", "Subject: Re: Thank you"}, true},
		{"Precedence: auto_reply", []string{"Precedence: auto_reply", "Subject: Re: Thank you"}, true},
		{"Precedence: bulk", []string{"Precedence: bulk", "Subject: Our newsletter"}, true},
		{"Precedence: junk", []string{"Precedence: junk", "Subject: hi"}, true},
		{"Precedence: list (a mailing list, written by a person)", []string{"Precedence: list", "Subject: Re: hi"}, false},
		{"Outlook's Automatic reply", []string{"Subject: Automatic reply: Thank you for today"}, true},
		{"Out of Office subject", []string{"Subject: Out of Office: back on 15 January"}, true},
		{"encoded Out of Office subject", []string{"Subject: =?utf-8?q?Out_of_Office=3A_back_Monday?="}, true},
		{"German Outlook", []string{"Subject: Automatische Antwort: Vielen Dank"}, true},
		{"a subject that mentions being out of office", []string{"Subject: Re: Out of office plans for the team offsite?"}, false},
		{"a delivery report", []string{"Subject: Undelivered Mail", "Content-Type: multipart/report; report-type=delivery-status; boundary=x"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := IsAutoReply(header(t, tt.header...)); got != tt.want {
				t.Errorf("IsAutoReply(%q) = %v; want %v", tt.header, got, tt.want)
			}
		})
	}
}

func TestLooksLikeRejection(t *testing.T) {
	t.Parallel()
	rejections := []struct{ text, phrase string }{
		{"Hi Alex,\n\nThank you for taking the time to interview with us. After careful consideration, we have decided to move forward with other candidates whose experience more closely matches our needs.\n\nBest,\nDana",
			"move forward with other candidates"},
		{"Unfortunately, we will not be moving forward with your application at this time. We wish you the best in your search.",
			"not be moving forward with your application"},
		{"Hi Alex, I wanted to let you know that the position has been filled. Thanks again for your interest!",
			"position has been filled"},
		{"Dear Alex,\nWe regret to inform you that your application was unsuccessful on this occasion.",
			"application was unsuccessful"},
		{"After a lot of deliberation the team has decided to proceed with another candidate for the role.",
			"proceed with another candidate"},
		{"I'm sorry to say we won\u2019t be moving forward with your candidacy.",
			"n't be moving forward with your candidacy"},
		{"Thanks for your patience. We have decided not to progress your application further.",
			"decided not to progress your application"},
		{"Unfortunately you have not been selected for the next stage of the process.",
			"you have not been selected"},
		{"We have extended an offer to another candidate, who has accepted it.",
			"extended an offer to another candidate"},
		{"I'm afraid the role has since been cancelled due to budget changes.",
			"role has since been cancelled"},
		{"Hi Alex,\n\nwe have decided to move\nforward with a more\nexperienced candidate.",
			"move forward with a more experienced candidate"},
		{"Thank you for interviewing. You weren't selected this time, but we'd love to stay in touch.",
			"you weren't selected"},
		{"Your application is no longer under consideration.", "your application is no longer under consideration"},
		{"After reviewing everything, we won't be moving forward. Thanks again.", "n't be moving forward"},
		{"We've decided to go in a different direction with this hire.", "decided to go in a different direction"},
	}
	for _, tt := range rejections {
		phrase, ok := LooksLikeRejection(tt.text)
		if !ok || !strings.Contains(phrase, tt.phrase) {
			t.Errorf("LooksLikeRejection(%q) = %q, %v; want a match on %q", tt.text, phrase, ok, tt.phrase)
		}
	}

	notRejections := []string{
		"Great news! We are moving forward with your application and would like to schedule a call with the team.",
		"We're not moving forward with the offsite until June, so your onsite interview will be virtual.",
		"Congratulations, you have been selected for the final round!",
		"We regret to inform you that our office will be closed on Friday; can we move the interview to Monday?",
		"The position has not been filled yet, and we'd love to keep talking.",
		"Once we have decided to move forward with a candidate, I'll let everyone know.",
		"Can we move forward with other steps, like the reference check?",
		"I'm not sure we can move forward with your proposed start date; would June 15 work?",
		"Other candidates have dropped out, so we'd like to move forward with you.",
		"We have decided not to move forward with other candidates and would like to make you an offer!",
		"Unfortunately I have to reschedule our interview to next week.",
		"We will move forward with you and two other candidates to the final round.",
		"Your application was successful and we're delighted to offer you the role.",
		"The role is still open and we're moving quickly.",
	}
	for _, text := range notRejections {
		if phrase, ok := LooksLikeRejection(text); ok {
			t.Errorf("LooksLikeRejection(%q) matched %q", text, phrase)
		}
	}
}

func TestNewText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body, want string
	}{
		{
			name: "Gmail",
			body: "Thanks for asking! I should prepare a story about a project that failed.\n\n" +
				"On Mon, Jan 8, 2024 at 10:02 AM onward <alex@alex.example> wrote:\n" +
				"> Hi Alex,\n>\n> Acme said no to your application.\n> What did you learn?\n",
			want: "Thanks for asking! I should prepare a story about a project that failed.",
		},
		{
			name: "Gmail, attribution wrapped over two lines, CRLF",
			body: "Ask about the on-call load earlier.\r\n\r\n" +
				"On Mon, Jan 8, 2024 at 10:02 AM Alex Example via onward <\r\nalex@alex.example> wrote:\r\n\r\n" +
				"> What did you learn?\r\n",
			want: "Ask about the on-call load earlier.",
		},
		{
			name: "Apple Mail on iOS",
			body: "Two things: the system design round needs practice, and I liked the smaller team.\n\n" +
				"Sent from my iPhone\n\n" +
				"> On 8 Jan 2024, at 10:02, onward <alex@alex.example> wrote:\n> \n> What did you learn?\n",
			want: "Two things: the system design round needs practice, and I liked the smaller team.",
		},
		{
			name: "Apple Mail on the Mac",
			body: "I learned to ask for the salary range up front.\n\n" +
				"On 8 Jan 2024, at 10:02, onward <alex@alex.example> wrote:\n\n" +
				"> Hi Alex,\n> What did you learn?\n",
			want: "I learned to ask for the salary range up front.",
		},
		{
			name: "Outlook, Original Message",
			body: "I need examples ready for the leadership questions.\n\nAlex\n\n" +
				"-----Original Message-----\nFrom: onward <alex@alex.example>\nSent: Monday, January 8, 2024 10:02 AM\n" +
				"To: Alex Example <alex@alex.example>\nSubject: Acme: what did you learn?\n\nHi Alex,\nWhat did you learn?\n",
			want: "I need examples ready for the leadership questions.\n\nAlex",
		},
		{
			name: "Outlook, header block under a rule",
			body: "Next time I will research the interviewers beforehand.\n\n" +
				"________________________________\nFrom: onward <alex@alex.example>\nSent: Monday, January 8, 2024 10:02\n" +
				"To: alex@alex.example\nSubject: Acme: what did you learn?\n\nHi Alex,\n",
			want: "Next time I will research the interviewers beforehand.",
		},
		{
			name: "Outlook, bare header block with bold labels from HTML",
			body: "Keep answers short.\n\n*From:* onward <alex@alex.example>\n*Sent:* Monday, January 8, 2024 10:02 AM\n" +
				"*To:* Alex Example\n*Subject:* Acme: what did you learn?\n\nWhat did you learn?",
			want: "Keep answers short.",
		},
		{
			name: "German Outlook",
			body: "Mehr Fragen stellen.\n\n-----Ursprüngliche Nachricht-----\nVon: onward <alex@alex.example>\nGesendet: Montag, 8. Januar 2024 10:02\n",
			want: "Mehr Fragen stellen.",
		},
		{
			name: "signature",
			body: "The take-home was too big; next time I will ask about the time budget.\n\n-- \nAlex Example\nSenior Engineer\n",
			want: "The take-home was too big; next time I will ask about the time budget.",
		},
		{
			name: "top-posting with no quote",
			body: "  I learned to breathe.\nAnd to ask questions.\n\n\n\nThat's all.  \n",
			want: "I learned to breathe.\nAnd to ask questions.\n\nThat's all.",
		},
		{
			name: "only quoted text",
			body: "On Mon, Jan 8, 2024 at 10:02 AM onward <alex@alex.example> wrote:\n> What did you learn?\n>\n> -- \n> onward\n",
			want: "",
		},
		{
			name: "answers inline between quoted lines",
			body: "On Mon, Jan 8, 2024 at 10:02 AM onward <alex@alex.example> wrote:\n> What did you learn?\n" +
				"That I rush the intro.\n\n> Anything else?\nNo.\n",
			want: "That I rush the intro.\n\nNo.",
		},
		{
			name: "quoting someone else without a quote below stays",
			body: "Here is what my mentor wrote:\nSlow down and listen.\n",
			want: "Here is what my mentor wrote:\nSlow down and listen.",
		},
		{
			name: "a From: line of my own stays",
			body: "From: my notes of the day\nI talked too fast.\n",
			want: "From: my notes of the day\nI talked too fast.",
		},
		{
			name: "Gmail HTML turned to text, the quote unmarked",
			body: "Listen more.\n\nOn Mon, Jan 8, 2024 at 10:02 AM onward <alex@alex.example> wrote:\nHi Alex,\nWhat did you learn?\n",
			want: "Listen more.",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := NewText(tt.body); got != tt.want {
				t.Errorf("NewText =\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

func TestLooksLikeRejectionIgnoresConditionalNos(t *testing.T) {
	t.Parallel()
	for _, text := range []string{
		"We can't move forward with you until we have your references.",
		"The night-shift role has been filled, so you're our only candidate for the day shift.",
		"We are not able to offer you a position at the senior level, but we'd love to offer you the role at mid level.",
		"We will not proceed with your application until your background check clears.",
	} {
		if phrase, ok := LooksLikeRejection(text); ok {
			t.Errorf("LooksLikeRejection(%q) matched %q; it is not a no", text, phrase)
		}
	}
	if _, ok := LooksLikeRejection("After careful consideration we have decided to move forward with other candidates. Best of luck, but thanks again."); !ok {
		t.Error("a plain no followed by a later sentence with 'but' must still match")
	}
}
