package address

import "strings"

// noReplyLocals are the local parts of addresses that nobody reads.
var noReplyLocals = []string{"noreply", "no-reply", "no_reply", "donotreply", "do-not-reply", "do_not_reply"}

// atsDomains are the sending domains of the applicant tracking systems
// whose rejections go out unattended: Greenhouse, Lever, Workday, Workable,
// SmartRecruiters, iCIMS and Ashby. A recruiter writes from the company's
// own domain; mail from these is the system's, even when it is signed by a
// person.
var atsDomains = []string{
	"greenhouse.io", "greenhouse-mail.io", "hire.lever.co", "myworkday.com", "workablemail.com",
	"smartrecruiters.com", "icims.com", "ashbyhq.com",
}

// Automated reports whether email is an address no person answers: a
// no-reply address (noreply@, no-reply@, donotreply@ and their spellings,
// with or without a +tag) or an applicant tracking system's. Asking such an
// address for feedback asks nobody.
func Automated(email string) bool {
	email = strings.ToLower(strings.TrimSpace(email))
	at := strings.LastIndexByte(email, '@')
	if at < 0 {
		return false
	}
	local, domain := email[:at], email[at+1:]
	if i := strings.IndexByte(local, '+'); i >= 0 {
		local = local[:i]
	}
	for _, l := range noReplyLocals {
		if local == l {
			return true
		}
	}
	for _, d := range atsDomains {
		if domain == d || strings.HasSuffix(domain, "."+d) {
			return true
		}
	}
	return false
}
