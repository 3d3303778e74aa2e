package mailer

import (
	"context"
	"errors"
	"mime"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestOutboxWritesPrivateFiles(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "outbox")
	o := &Outbox{Dir: dir}
	m := testMessage(42)
	if err := o.Send(t.Context(), m); err != nil {
		t.Fatalf("Send: %v", err)
	}
	want := filepath.Join(dir, "20260302T090000Z-onward.42.1a2b3c@alex.example.eml")
	if got := o.Path(m); got != want {
		t.Errorf("Path = %q, want %q", got, want)
	}
	dirInfo, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if perm := dirInfo.Mode().Perm(); perm != 0o700 {
		t.Errorf("outbox folder mode = %o, want 700", perm)
	}
	fileInfo, err := os.Stat(want)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fileInfo.Mode().Perm(); perm != 0o600 {
		t.Errorf("draft mode = %o, want 600", perm)
	}
	data, err := os.ReadFile(want)
	if err != nil {
		t.Fatal(err)
	}
	checkReceived(t, m, data)
}

func TestOutboxSameMessageIDOneFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	o := &Outbox{Dir: dir}
	first := testMessage(7)
	if err := o.Send(t.Context(), first); err != nil {
		t.Fatal(err)
	}
	// A retry may carry a new Date and an edited body; it still replaces
	// the earlier draft.
	retry := testMessage(7)
	retry.Date = first.Date.Add(3 * time.Hour)
	retry.Text = "second attempt\n"
	retry.HTML = "<p>second attempt</p>"
	if err := o.Send(t.Context(), retry); err != nil {
		t.Fatal(err)
	}
	if err := o.Send(t.Context(), testMessage(8)); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if len(names) != 2 {
		t.Fatalf("outbox holds %q, want one file per Message-ID and no leftovers", names)
	}
	data, err := os.ReadFile(o.Path(retry))
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := mail.ReadMessage(strings.NewReader(string(data)))
	if err != nil {
		t.Fatal(err)
	}
	mediaType, _, err := mime.ParseMediaType(parsed.Header.Get("Content-Type"))
	if err != nil || mediaType != "multipart/alternative" {
		t.Errorf("Content-Type = %q (%v), want multipart/alternative", mediaType, err)
	}
	if parts := mimeParts(t, parsed); parts["text/html"] != retry.HTML {
		t.Errorf("the file still holds the first attempt: %q", parts)
	}
}

func TestOutboxFileNames(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	o := &Outbox{Dir: dir}
	tests := []struct {
		id   string
		want string
	}{
		{"onward.42.1a2b3c@alex.example", "20260302T090000Z-onward.42.1a2b3c@alex.example.eml"},
		{"a/b@alex.example", "20260302T090000Z-a%2Fb@alex.example.eml"},
		{"a_b@alex.example", "20260302T090000Z-a_b@alex.example.eml"},
		{"a%2Fb@alex.example", "20260302T090000Z-a%252Fb@alex.example.eml"},
		{"*?{}|'#$&!~^`@alex.example", "20260302T090000Z-%2A%3F%7B%7D%7C%27%23%24%26%21%7E%5E%60@alex.example.eml"},
	}
	for _, tt := range tests {
		m := testMessage(1)
		m.MessageID = tt.id
		if got := filepath.Base(o.Path(m)); got != tt.want {
			t.Errorf("Path for %q = %q, want %q", tt.id, got, tt.want)
		}
		if err := o.Send(t.Context(), m); err != nil {
			t.Errorf("Send %q: %v", tt.id, err)
		}
	}
	long := testMessage(1)
	long.MessageID = strings.Repeat("x/", 100) + "@alex.example"
	if name := filepath.Base(o.Path(long)); len(name) > 255 {
		t.Errorf("file name for a long Message-ID has %d bytes", len(name))
	}
	if err := o.Send(t.Context(), long); err != nil {
		t.Errorf("Send long Message-ID: %v", err)
	}
}

func TestOutboxRejects(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "outbox")
	o := &Outbox{Dir: dir}
	m := testMessage(1)
	m.Subject = "Hi\r\nBcc: evil@x.example"
	if err := o.Send(t.Context(), m); !errors.Is(err, ErrInvalidMessage) || Temporary(err) {
		t.Errorf("Send = %v, want a permanent ErrInvalidMessage", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := o.Send(ctx, testMessage(2)); !errors.Is(err, context.Canceled) || !Temporary(err) {
		t.Errorf("Send with a cancelled context = %v, want a temporary context.Canceled", err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the outbox folder was created for messages that were refused: %v", err)
	}
}
