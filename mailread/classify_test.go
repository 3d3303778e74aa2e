package mailread

import "testing"

// Replies as recruiters write them, each read the way a person would: a
// clear no, something that only sounds like one, and a no that comes
// with an invitation or a question, where the user should decide.
func TestClassifyRejection(t *testing.T) {
	t.Parallel()
	tests := []struct {
		want Rejection
		text string
	}{
		// Clear noes, with the courtesies they usually carry.
		{ClearNo, "Thank you for your time. After careful consideration, we have decided to move forward with other candidates whose experience more closely matches the role. We wish you the best in your search."},
		{ClearNo, "Unfortunately we will not be moving forward with your application at this time. We'll keep your CV on file for future openings."},
		{ClearNo, "I wanted to let you know that the position has been filled. Thanks again for your interest in Acme."},
		{ClearNo, "We regret to inform you that your application was unsuccessful on this occasion."},
		{ClearNo, "The hiring team has decided to proceed with another candidate. If you'd like feedback, I'm happy to set up a short call."},
		{ClearNo, "You weren't selected this time, but we'd love to stay in touch."},
		{ClearNo, "We have extended an offer to another candidate, who has accepted it. Best of luck with your search!"},
		{ClearNo, "Sadly the role has since been cancelled due to budget changes."},
		{ClearNo, "Your application is no longer under consideration for this position."},
		{ClearNo, "We've decided to go in a different direction with this hire. Please feel free to apply for future roles on our careers page."},
		{ClearNo, "Hi Alex, thanks for interviewing with us. We won't be moving forward. Would you like some feedback on the technical round?"},
		{ClearNo, "Unfortunately, you have not been shortlisted for the next stage. We encourage you to keep an eye on our careers site."},
		{ClearNo, "After reviewing all applications, we have decided not to progress your application further."},
		{ClearNo, "We've filled the role. Thank you for your patience throughout the process."},
		{ClearNo, "I'm sorry to say that we're moving forward with a more experienced candidate. I hope our paths cross again."},
		{ClearNo, "We are unable to offer you a position at this time. If you have any questions, do let me know."},
		{ClearNo, "It was a difficult decision, but we will be moving forward with candidates who have more experience with Kubernetes. We would be happy to talk you through our feedback if that helps."},

		// Not a no: the words around the phrase turn it around.
		{NotANo, "The junior position has been filled, and we would love to talk to you about the senior one."},
		{NotANo, "Your application was unsuccessful in the ATS due to a glitch, please resubmit."},
		{NotANo, "Great news! We are moving forward with your application and would like to schedule a call with the team."},
		{NotANo, "The role has been filled, but we'd like to consider you for a similar position on the data team."},
		{NotANo, "Please disregard the previous email: it said your application was unsuccessful, but it was sent in error."},
		{NotANo, "We can't move forward with you until we have your references."},
		{NotANo, "We have decided not to move forward with other candidates and would like to make you an offer!"},
		{NotANo, "Your application was not successful due to a technical issue with our portal. Could you submit your application again?"},
		{NotANo, "The position has been filled; however, we are hoping to talk with you about an upcoming opening on the platform team."},
		{NotANo, "Congratulations, you have been selected for the final round!"},
		{NotANo, "Unfortunately I have to reschedule our interview to next week."},
		{NotANo, "The night-shift role has been filled, so you're our only candidate for the day shift."},
		{NotANo, "We won't be moving forward. Would you be open to a contract role on the same team?"},
		{NotANo, "Our system told you that your application was not selected by mistake, sorry about that! The hiring manager would like to meet you next week."},
		{NotANo, "Thanks Alex! Thursday at 3 works for us; see you then."},
		{NotANo, "We couldn't open the file you sent, so your application was not successful; please send it again as a PDF and resubmit through the portal."},

		// Maybe: a no, and elsewhere in the mail an invitation or a
		// question. The user decides.
		{MaybeNo, "Unfortunately we won't be moving forward. Thanks for your time. Do you know anyone else who might be a fit for the role?"},
		{MaybeNo, "Unfortunately the position has been filled. Thank you for your patience. By the way, would you be interested in a contract role on another team?"},
		{MaybeNo, "We've decided to proceed with another candidate. It was a close call. Are you still looking?"},
		{MaybeNo, "You were not selected for this role. Thanks for your time. We're hiring for a platform role next quarter and I would love to tell you about it."},
		{MaybeNo, "The role has been filled. Thanks for your patience with us. Can you send me your updated CV?"},
		{MaybeNo, "Thank you for coming in. We have decided to move forward with other candidates. That said, the team really liked you. Could we talk next week?"},
		{MaybeNo, "We won't be moving forward with your application for the backend role. Thanks for applying. Have you considered the SRE opening?"},
		{MaybeNo, "Unfortunately, your application was unsuccessful. Thank you for your interest. Sam, our hiring manager, would like to meet you for a coffee anyway."},
		{MaybeNo, "We will not be offering you the role. Thanks for your patience. Do you have time for a quick call on Friday?"},
		{MaybeNo, "I'm sorry, but the position is no longer available. Thank you for understanding. Would Tuesday or Wednesday work for a quick chat?"},
		{MaybeNo, "We have decided not to progress your application. Thanks again. Is your notice period still three months?"},
		{MaybeNo, "Your candidacy is no longer under consideration for the staff role. Thanks for the conversations. We'd like to invite you to interview for the senior role instead."},
		{MaybeNo, "Unfortunately you were unsuccessful this time. I've been thinking about it. What are your salary expectations for a more senior role?"},
	}
	count := map[Rejection]int{}
	for _, tt := range tests {
		count[tt.want]++
		class, phrase, why := ClassifyRejection(tt.text)
		if class != tt.want {
			t.Errorf("ClassifyRejection(%q) = %s (%q: %s); want %s", tt.text, class, phrase, why, tt.want)
		}
		if class != NotANo && phrase == "" {
			t.Errorf("ClassifyRejection(%q) = %s without the phrase that matched", tt.text, class)
		}
	}
	t.Logf("%d phrasings: %d clear no, %d not a no, %d maybe", len(tests), count[ClearNo], count[NotANo], count[MaybeNo])
}

// ClassifyRejection reads mail from anyone: whatever the text, it must
// not panic, and a no always comes with the phrase that made it one.
func FuzzClassifyRejection(f *testing.F) {
	for _, s := range []string{"", "?", "The position has been filled, and we would love to talk.", "We won't be moving forward. Are you free?",
		"unsuccessful due to a glitch, please resubmit", "\u2019.\u00a0?!\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		class, phrase, why := ClassifyRejection(text)
		if why == "" || class != NotANo && phrase == "" {
			t.Errorf("ClassifyRejection(%q) = %s, %q, %q", text, class, phrase, why)
		}
	})
}
