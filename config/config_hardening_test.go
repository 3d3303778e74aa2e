package config_test

import (
	"testing"

	"github.com/onward-app/onward/config"
)

// Values that would deceive a reader of every email onward writes, or
// that turn a safety limit into "never": each is refused with its key and
// line.
func TestLoadRefusesDeceptiveNamesAndZeroLimits(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body string
		want wantErr
	}{
		{"name showing another address", "[user]\nname = \"Alex <evil@x.example>\"\nemail = \"alex@example.com\"\n",
			wantErr{2, "user.name", "shows the address evil@x.example"}},
		{"name that is another address", "[user]\nname = \"boss@example.com\"\nemail = \"alex@example.com\"\n",
			wantErr{2, "user.name", "shows the address boss@example.com"}},
		{"name with a right-to-left override", "[user]\nname = \"Alex\\u202eEvil\"\nemail = \"alex@example.com\"\n",
			wantErr{2, "user.name", "U+202E"}},
		{"name with a zero-width space", "[user]\nname = \"Al\\u200bex\"\nemail = \"alex@example.com\"\n",
			wantErr{2, "user.name", "U+200B"}},
		{"name with a line separator", "[user]\nname = \"Alex\\u2028Bcc: evil@x.example\"\nemail = \"alex@example.com\"\n",
			wantErr{2, "user.name", "U+2028"}},
		{"email with a look-alike domain", "[user]\nname = \"Alex\"\nemail = \"alex@ex\\u0430mple.com\"\n",
			wantErr{3, "user.email", "mixes Latin, Cyrillic or Greek"}},
		{"email with an underscore domain", "[user]\nname = \"Alex\"\nemail = \"alex@my_host.example\"\n",
			wantErr{3, "user.email", "'_'"}},
		{"stale limit of zero", "[delivery.stale]\nthank_you = \"0d\"\n",
			wantErr{2, "delivery.stale.thank_you", "zero: every thank_you would expire"}},
		{"stale limit of 0s", "[delivery.stale]\nlearn = \"0s\"\n",
			wantErr{2, "delivery.stale.learn", "zero"}},
		{"give_up_after of zero", "[delivery]\ngive_up_after = \"0h\"\n",
			wantErr{2, "delivery.give_up_after", "never be retried"}},
		{"database path with a NUL", "[storage]\ndatabase = \"/tmp/onward\\u0000.db\"\n",
			wantErr{2, "storage.database", "NUL"}},
		{"outbox path with a line break", "[delivery]\noutbox = \"/tmp/out\\nbox\"\n",
			wantErr{2, "delivery.outbox", "line break"}},
		{"templates folder with a NUL", "[templates]\ndir = \"/tmp/t\\u0000\"\n",
			wantErr{2, "templates.dir", "NUL"}},
		{"password file with a NUL", "[smtp]\npassword_file = \"/tmp/pw\\u0000\"\n",
			wantErr{2, "smtp.password_file", "NUL"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := writeConfig(t, tt.body, 0)
			_, err := config.Load(path, true)
			if err == nil {
				t.Fatalf("Load accepted:\n%s", tt.body)
			}
			if parts := configErrors(err); !hasConfigError(parts, path, tt.want) {
				t.Errorf("Load: %v\nwant %s:%d %s: ...%s...", err, path, tt.want.line, tt.want.key, tt.want.msg)
			}
		})
	}
}
