package address_test

import (
	"testing"

	"github.com/onward-app/onward/address"
)

func TestAutomated(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		email string
		want  bool
	}{
		{"noreply@initech.example", true},
		{"No-Reply@initech.example", true},
		{"donotreply@initech.example", true},
		{"noreply+jobs@initech.example", true},
		{"do-not-reply@initech.example", true},
		{"jobs@us.greenhouse-mail.io", true},
		{"no-reply@hire.lever.co", true},
		{"initech@myworkday.com", true},
		{"dana.reyes@initech.example", false},
		{"noreplyguy@initech.example", false},
		{"careers@initech.example", false},
		{"dana@greenhouse.io.example", false},
		{"", false},
		{"not an address", false},
	} {
		if got := address.Automated(tc.email); got != tc.want {
			t.Errorf("Automated(%q) = %v, want %v", tc.email, got, tc.want)
		}
	}
}
