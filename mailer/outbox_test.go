package mailer

import (
	"context"
	"errors"
	"mime"
	"net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
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

// deadPid returns the pid of a process that has exited and been reaped.
func deadPid(t *testing.T) int {
	t.Helper()
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return cmd.Process.Pid
}

// TestOutboxOpenRemovesOnlyOnwardsLeftovers: a write killed between its
// temporary file and the rename leaves a hidden copy of a private email;
// the next start removes exactly those, and nothing that is not onward's
// or that a live writer is still writing.
func TestOutboxOpenRemovesOnlyOnwardsLeftovers(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	dead := deadPid(t)
	leftovers := []string{
		".onward-1234567890.tmp", // as earlier versions named them
		".onward-" + strconv.Itoa(dead) + "-987654321.tmp",
	}
	kept := []string{
		".onward-" + strconv.Itoa(os.Getpid()) + "-1.tmp",  // this process is writing it
		".onward-" + strconv.Itoa(os.Getppid()) + "-1.tmp", // a live process is
		".onward-notes.tmp",
		".onward-12a.tmp",
		".onward-.tmp",
		".onward-123.tmp.bak",
		"onward-123.tmp",
		".Onward-123.tmp",
		".onward-" + strconv.Itoa(dead) + "-x.tmp",
		"20260302T090000Z-onward.1.a@alex.example.eml",
		"notes.txt",
	}
	for _, name := range append(slices.Clone(leftovers), kept...) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("Subject: private\r\n\r\nhello\r\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// Names onward would remove, but not regular files: never touched.
	if err := os.Mkdir(filepath.Join(dir, ".onward-111.tmp"), 0o700); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(t.TempDir(), "elsewhere")
	if err := os.WriteFile(target, []byte("not onward's"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, filepath.Join(dir, ".onward-222.tmp")); err != nil {
		t.Fatal(err)
	}
	kept = append(kept, ".onward-111.tmp", ".onward-222.tmp")

	o := &Outbox{Dir: dir}
	did, err := o.Open()
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	for _, name := range leftovers {
		if _, err := os.Lstat(filepath.Join(dir, name)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("the leftover %s is still there (%v)", name, err)
		}
	}
	for _, name := range kept {
		if _, err := os.Lstat(filepath.Join(dir, name)); err != nil {
			t.Errorf("%s, not a leftover of onward's, was removed: %v", name, err)
		}
	}
	if _, err := os.Stat(target); err != nil {
		t.Errorf("the target of a link was removed: %v", err)
	}
	if did.Removed != 2 {
		t.Errorf("Open reported %+v, want 2 files removed", did)
	}
	if err := o.Send(t.Context(), testMessage(3)); err != nil {
		t.Fatal(err)
	}
	if again, err := o.Open(); err != nil || again != (Opened{}) {
		t.Errorf("a second Open reported %+v, %v; want nothing: the user is told once", again, err)
	}
}

// TestOutboxMakesItsFolderPrivate: an existing folder others can enter
// (given as is, or as the target of a link) is tightened to 0700 with one
// log line; one onward cannot tighten is refused with the reason.
func TestOutboxMakesItsFolderPrivate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		link bool
		mode os.FileMode
	}{
		{"a 0755 folder", false, 0o755},
		{"a 0777 folder", false, 0o777},
		{"a 0711 folder", false, 0o711},
		{"a link to a 0755 folder", true, 0o755},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			real := filepath.Join(t.TempDir(), "outbox")
			if err := os.Mkdir(real, 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(real, tt.mode); err != nil {
				t.Fatal(err)
			}
			dir := real
			if tt.link {
				dir = filepath.Join(t.TempDir(), "link")
				if err := os.Symlink(real, dir); err != nil {
					t.Fatal(err)
				}
			}
			o := &Outbox{Dir: dir}
			did, err := o.Open()
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			if err := o.Send(t.Context(), testMessage(5)); err != nil {
				t.Fatalf("Send: %v", err)
			}
			if again, err := o.Open(); err != nil || again != (Opened{}) {
				t.Errorf("a second Open reported %+v, %v; want nothing", again, err)
			}
			// Without Open, the first Send opens the outbox.
			lazy := filepath.Join(t.TempDir(), "lazy")
			if err := os.Mkdir(lazy, 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(lazy, tt.mode); err != nil {
				t.Fatal(err)
			}
			if err := (&Outbox{Dir: lazy}).Send(t.Context(), testMessage(6)); err != nil {
				t.Fatalf("Send: %v", err)
			}
			if fi, err := os.Stat(lazy); err != nil || fi.Mode().Perm() != 0o700 {
				t.Errorf("the folder opened by Send: %v, %v; want 0700", fi.Mode().Perm(), err)
			}
			fi, err := os.Stat(real)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != 0o700 {
				t.Errorf("the outbox folder is %04o, want 0700", fi.Mode().Perm())
			}
			if !did.Private || did.Was != tt.mode {
				t.Errorf("Open reported %+v, want the folder made private from %04o", did, tt.mode)
			}
		})
	}
}

func TestOutboxRefusesAFolderItCannotMakePrivate(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out, err := exec.Command("mount", "-t", "tmpfs", "-o", "ro,size=64k,mode=0755", "tmpfs", dir).CombinedOutput()
	if err != nil {
		t.Skipf("cannot mount a read-only tmpfs, a folder whose mode cannot change (needs root with CAP_SYS_ADMIN): %v: %s", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", "-l", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", dir, err, out)
		}
	})
	o := &Outbox{Dir: dir}
	_, err = o.Open()
	for _, want := range []string{dir, "delivery.outbox", "private", "read-only"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Open of a read-only 0755 folder = %v, want an error mentioning %q", err, want)
		}
	}
	if err := o.Send(t.Context(), testMessage(1)); err == nil || !Temporary(err) || !strings.Contains(err.Error(), "delivery.outbox") {
		t.Errorf("Send into it = %v, want a temporary error naming the folder's mode", err)
	}
}

// TestOutboxRetryAfterARestartReplacesTheFile: a crash after the rename
// and before the database knew leaves the file; the restarted daemon's
// retry (a new Outbox, a new Date) replaces it instead of adding one.
func TestOutboxRetryAfterARestartReplacesTheFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	first := testMessage(9)
	if err := (&Outbox{Dir: dir}).Send(t.Context(), first); err != nil {
		t.Fatal(err)
	}
	retry := testMessage(9)
	retry.Date = first.Date.Add(26 * time.Hour)
	retry.Text = "after the restart\n"
	o := &Outbox{Dir: dir}
	if err := o.Send(t.Context(), retry); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != filepath.Base((&Outbox{Dir: dir}).Path(first)) {
		t.Fatalf("outbox holds %v, want the first file only", entries)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, entries[0].Name())); !strings.Contains(string(b), "after the restart") {
		t.Errorf("the file still holds the first attempt")
	}
}
