package config_test

import (
	"strings"
	"testing"

	"github.com/onward-app/onward/config"
)

const imapTable = "[imap]\nhost = \"imap.example.com\"\nusername = \"alex@example.com\"\npassword_env = \"P\"\n"

func TestIMAPMaxMessageSize(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		value string
		want  int64
	}{{"", 0}, {`"5MB"`, 5 << 20}, {`"512KB"`, 512 << 10}, {`"2 MiB"`, 2 << 20}, {`"1048576"`, 1 << 20}, {`"100mb"`, 100 << 20}} {
		body := imapTable
		if tt.value != "" {
			body += "max_message_size = " + tt.value + "\n"
		}
		c, err := config.Load(writeConfig(t, body, 0), true)
		if err != nil {
			t.Errorf("max_message_size = %s: %v", tt.value, err)
			continue
		}
		want := tt.want
		if want == 0 {
			want = 5 << 20 // the default
		}
		if got := c.IMAPMaxMessageSize(); got != want {
			t.Errorf("max_message_size = %s: %d bytes, want %d", tt.value, got, want)
		}
	}
	for _, bad := range []string{`"5XB"`, `"0"`, `"-1MB"`, `"1GB"`, `"8KB"`, `"lots"`, `""`} {
		path := writeConfig(t, imapTable+"max_message_size = "+bad+"\n", 0)
		_, err := config.Load(path, true)
		if err == nil {
			t.Errorf("max_message_size = %s accepted", bad)
			continue
		}
		if want := path + ":5: imap.max_message_size: "; !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "16KB and 100MB") {
			t.Errorf("max_message_size = %s: %v; want %q and the range", bad, err, want)
		}
	}
}

func TestUserAliases(t *testing.T) {
	t.Parallel()
	c, err := config.Load(writeConfig(t, "[user]\nemail = \"alex@example.com\"\naliases = [\"alex@work.example\", \"a.l.e.x@gmail.com\"]\n", 0), true)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(c.UserAddresses(), " "); got != "alex@example.com alex@work.example a.l.e.x@gmail.com" {
		t.Errorf("UserAddresses = %s", got)
	}
	path := writeConfig(t, "[user]\nemail = \"alex@example.com\"\naliases = [\"alex@work.example\", \"Alex <alex@home.example>\"]\n", 0)
	if _, err := config.Load(path, true); err == nil || !strings.Contains(err.Error(), path+":3: user.aliases: ") {
		t.Errorf("a display name in an alias: %v; want an error naming user.aliases and its line", err)
	}
}
