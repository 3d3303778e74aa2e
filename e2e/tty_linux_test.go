package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"unsafe"

	"github.com/onward-app/onward/internal/smtptest"
)

// openPTY opens a pseudo-terminal pair: the test writes the user's keys
// to the main side, the command reads them from the terminal side.
func openPTY(t *testing.T) (main, term *os.File) {
	t.Helper()
	main, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	t.Cleanup(func() { main.Close() })
	ioctl := func(req uintptr, arg unsafe.Pointer) {
		if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, main.Fd(), req, uintptr(arg)); errno != 0 {
			t.Fatalf("ioctl %#x: %v", req, errno)
		}
	}
	var unlock int32
	ioctl(syscall.TIOCSPTLCK, unsafe.Pointer(&unlock))
	var n uint32
	ioctl(syscall.TIOCGPTN, unsafe.Pointer(&n))
	term, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { term.Close() })
	return main, term
}

// On a terminal, drafts send shows who and what, and sends only on yes.
func TestDraftsSendAsksOnATerminal(t *testing.T) {
	t.Parallel()
	server := smtptest.Start(t, smtptest.Script{})
	e := newEnv(t, server, "")
	dana := twoDrafts(t, e, server)["Dana"]
	for _, tc := range []struct {
		answer string
		sent   bool
	}{{"n", false}, {"", false}, {"y", true}} {
		main, term := openPTY(t)
		cmd := e.command("drafts", "send", fmt.Sprint(dana.ID))
		var out, errb strings.Builder
		cmd.Stdin, cmd.Stdout, cmd.Stderr = term, &out, &errb
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		if _, err := main.Write([]byte(tc.answer + "\n")); err != nil {
			t.Fatal(err)
		}
		if err := cmd.Wait(); err != nil {
			t.Fatalf("answer %q: %v\n%s", tc.answer, err, errb.String())
		}
		for _, want := range []string{"To:      Dana Reyes <dana@northwind.example>", "Subject: Thank you", "Hi Dana,", "[y/N]"} {
			if !strings.Contains(errb.String(), want) {
				t.Errorf("answer %q: the question lacks %q:\n%s", tc.answer, want, errb.String())
			}
		}
		if tc.sent {
			if r := server.Next(t); r.To[0] != "dana@northwind.example" || !strings.Contains(out.String(), "Sent draft") {
				t.Errorf("answer y: sent to %v, printed %q", r.To, out.String())
			}
			continue
		}
		if server.Pending() != 0 || !strings.Contains(out.String(), "was not sent") {
			t.Errorf("answer %q: %d sent, printed %q; want nothing sent", tc.answer, server.Pending(), out.String())
		}
	}
}

// On a terminal, a rejected edit opens the editor again with the problem
// on top, as git commit does, and the fixed text is taken.
func TestDraftEditReopensTheEditorWithTheError(t *testing.T) {
	t.Parallel()
	server := smtptest.Start(t, smtptest.Script{})
	e := newEnv(t, server, "")
	dana := twoDrafts(t, e, server)["Dana"]
	seen := filepath.Join(e.dir, "second-look.txt")
	editor := filepath.Join(e.dir, "editor.sh")
	script := `#!/bin/sh
if [ ! -f "` + seen + `.first" ]; then
	: > "` + seen + `.first"
	sed -i -e '1d' -e '$a My own words for taking the time.' "$1"
	exit 0
fi
cp "$1" "` + seen + `"
grep -v '^#' "$1" | sed '1i Subject: Fixed subject' > "$1.new" && mv "$1.new" "$1"
`
	if err := os.WriteFile(editor, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	_, term := openPTY(t)
	cmd := e.command("drafts", "edit", fmt.Sprint(dana.ID))
	cmd.Env = append(cmd.Env, "EDITOR="+editor, "VISUAL=")
	var out, errb strings.Builder
	cmd.Stdin, cmd.Stdout, cmd.Stderr = term, &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("drafts edit: %v\n%s", err, errb.String())
	}
	second, err := os.ReadFile(seen)
	if err != nil {
		t.Fatalf("the editor was not opened again: %v (%s)", err, out.String())
	}
	if !strings.HasPrefix(string(second), "# onward could not take this edit: ") || !strings.Contains(string(second), "Subject:") ||
		!strings.Contains(string(second), "My own words for taking") {
		t.Errorf("the second look lacks the error on top or the user's text:\n%s", second)
	}
	if !strings.Contains(out.String(), "updated") {
		t.Errorf("drafts edit printed %q", out.String())
	}
	show := e.mustRun(t, "drafts", "show", fmt.Sprint(dana.ID))
	if !strings.Contains(show, "Subject: Fixed subject") || !strings.Contains(show, "My own words for taking") || strings.Contains(show, "# onward") {
		t.Errorf("the stored draft:\n%s", show)
	}
}

// On a terminal, a template that fails its check opens again with the
// problem in a comment on top; the fixed one is saved without the note.
func TestTemplatesEditReopensWithTheProblem(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, "")
	seen := filepath.Join(e.dir, "second-look.tmpl")
	editor := filepath.Join(e.dir, "editor.sh")
	script := `#!/bin/sh
if [ ! -f "` + seen + `.first" ]; then
	: > "` + seen + `.first"
	sed -i 's/{{define "subject"}}/{{define "subject"}}{{.Nope}}/' "$1"
	exit 0
fi
cp "$1" "` + seen + `"
sed -i 's/{{.Nope}}/Many thanks — /' "$1"
`
	if err := os.WriteFile(editor, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	_, term := openPTY(t)
	cmd := e.command("templates", "edit", "thank_you")
	cmd.Env = append(cmd.Env, "EDITOR="+editor, "VISUAL=")
	var out, errb strings.Builder
	cmd.Stdin, cmd.Stdout, cmd.Stderr = term, &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("templates edit: %v\n%s", err, errb.String())
	}
	second, err := os.ReadFile(seen)
	if err != nil {
		t.Fatalf("the editor was not opened again: %v (%s)", err, out.String())
	}
	if !strings.HasPrefix(string(second), "{{/* onward could not use this file:") || !strings.Contains(string(second), "Nope") {
		t.Errorf("the second look lacks the problem on top:\n%.400s", second)
	}
	saved, err := os.ReadFile(filepath.Join(e.dir, "templates", "thank_you.tmpl"))
	if err != nil {
		t.Fatalf("no override saved: %v (%s)", err, out.String())
	}
	if strings.Contains(string(saved), "onward could not use") || !strings.Contains(string(saved), "Many thanks — ") {
		t.Errorf("the saved override:\n%.400s", saved)
	}
	if list := e.mustRun(t, "templates", "list"); strings.Contains(list, "BROKEN") {
		t.Errorf("templates list after the fix:\n%s", list)
	}
}
