package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/onward-app/onward/imapbox"
	"github.com/onward-app/onward/internal/imaptest"
	"github.com/onward-app/onward/plan"
	"github.com/onward-app/onward/replies"
	"github.com/onward-app/onward/store"
	"github.com/onward-app/onward/tracker"
)

// mailboxChild names the environment variable that makes this program the
// poller of the mailbox figure instead of the benchmark: the IMAP server,
// which holds the whole mailbox in memory, stays in the parent, so that
// the child's peak RSS is the poll's alone.
const mailboxChild = "ONWARD_BENCH_MAILBOX_CHILD"

// mailbox fills the in-memory IMAP server's inbox with big messages that
// arrived since the last poll, then runs one poll of the real watcher in a
// child process and reads that child's peak RSS (VmHWM). The baseline is a
// child that logs in and finds the end of the inbox without reading a
// body: the cost of the process, the database and the session.
func mailbox(ctx context.Context, o *options) (string, error) {
	srv, err := imaptest.New(imaptest.Options{})
	if err != nil {
		return "", err
	}
	defer srv.Close()
	_, db, err := figureDB(o, "mailbox")
	if err != nil {
		return "", err
	}
	st, err := store.Open(ctx, db)
	if err != nil {
		return "", err
	}
	validity, err := srv.UIDValidity("INBOX")
	if err == nil {
		_, err = seedApps(ctx, st, 10, rand.New(rand.NewPCG(7, 7)))
	}
	if err == nil {
		// The last poll saw an empty inbox: everything below is new.
		err = st.Update(ctx, func(tx *store.Tx) error {
			return tx.SetCursor(ctx, store.InboxCursor{Mailbox: "INBOX", UIDValidity: validity})
		})
	}
	st.Close()
	if err != nil {
		return "", err
	}
	attachment := bigAttachment(o.mailboxMB << 20)
	for i := range o.mailboxN {
		if _, err := srv.Append("INBOX", bigMessage(i, attachment)); err != nil {
			return "", err
		}
	}
	total := float64(o.mailboxN*len(bigMessage(0, attachment))) / (1 << 20)
	progress("mailbox: %d messages, %.0f MB in the inbox", o.mailboxN, total)

	base, _, err := mailboxRun(ctx, db, srv.Port, "baseline")
	if err != nil {
		return "", err
	}
	poll, report, err := mailboxRun(ctx, db, srv.Port, "poll")
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("6 mailbox      one poll of %d new messages of %d MB (%.0f MB): peak RSS %.1f MB, %.1fx the %.1f MB of a poll that reads no body; %s",
		o.mailboxN, o.mailboxMB, total, poll, poll/base, base, report), nil
}

// mailboxRun runs one child and returns its peak RSS in MB and what it said.
func mailboxRun(ctx context.Context, db string, port int, mode string) (float64, string, error) {
	self, err := os.Executable()
	if err != nil {
		return 0, "", err
	}
	cmd := exec.CommandContext(ctx, self)
	cmd.Env = append(os.Environ(), mailboxChild+"="+strings.Join([]string{mode, db, strconv.Itoa(port)}, ","))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return 0, "", fmt.Errorf("%s child: %v: %s", mode, err, stderr.String())
	}
	kb, report, _ := strings.Cut(strings.TrimSpace(string(out)), " ")
	v, err := strconv.ParseFloat(kb, 64)
	if err != nil {
		return 0, "", fmt.Errorf("%s child said %q", mode, out)
	}
	progress("mailbox: %s: peak RSS %.1f MB: %s", mode, v/1024, report)
	return v / 1024, report, nil
}

// mailboxPoll is the child: one poll (or, as the baseline, a login and a
// look at the end of the inbox), then its own VmHWM in kB on stdout.
func mailboxPoll(spec string) error {
	parts := strings.Split(spec, ",")
	if len(parts) != 3 {
		return fmt.Errorf("%s=%q: want mode,db,port", mailboxChild, spec)
	}
	mode, db := parts[0], parts[1]
	port, err := strconv.Atoi(parts[2])
	if err != nil {
		return err
	}
	ctx := context.Background()
	st, err := store.Open(ctx, db)
	if err != nil {
		return err
	}
	defer st.Close()
	cfg := imapbox.Config{Host: "127.0.0.1", Port: port, Username: imaptest.User, Password: imaptest.Password,
		Security: "none", Timeout: time.Minute}
	report := ""
	switch mode {
	case "baseline":
		c, err := imapbox.Dial(ctx, cfg)
		if err != nil {
			return err
		}
		cur, err := c.Tip(ctx, "INBOX")
		if err != nil {
			return err
		}
		c.Close()
		report = fmt.Sprintf("the inbox ends at UID %d", cur.LastUID)
	case "poll":
		tr := tracker.New(st, plan.Policy{Location: time.UTC}, user)
		w := &replies.Watcher{
			Store: st, Tracker: tr, User: user.Email, Location: time.UTC,
			Dial: func(ctx context.Context) (replies.Mailbox, error) { return imapbox.Dial(ctx, cfg) },
			Log:  slog.New(slog.NewTextHandler(io.Discard, nil)),
		}
		rep, err := w.Poll(ctx)
		if err != nil {
			return err
		}
		report = rep.String()
	default:
		return fmt.Errorf("unknown mode %q", mode)
	}
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			fmt.Println(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), report)
			return nil
		}
	}
	return fmt.Errorf("/proc/self/status: no VmHWM")
}

// bigAttachment is size bytes of base64 lines, as a mail program encodes a
// file.
func bigAttachment(size int) []byte {
	raw := make([]byte, size*3/4)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range raw {
		raw[i] = byte(rng.Uint32())
	}
	enc := base64.StdEncoding.EncodeToString(raw)
	var b bytes.Buffer
	b.Grow(len(enc) + len(enc)/76*2 + 2)
	for len(enc) > 76 {
		b.WriteString(enc[:76])
		b.WriteString("\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n")
	return b.Bytes()
}

// bigMessage is a mail from a stranger with a short text and a big
// attachment: what anyone who knows the address can send.
func bigMessage(i int, attachment []byte) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "Message-ID: <big-%d@stranger.example>\r\nDate: Mon, 08 Jan 2024 10:02:00 +0100\r\n"+
		"From: Someone <someone%d@stranger.example>\r\nTo: %s\r\nSubject: Big file %d\r\nMIME-Version: 1.0\r\n"+
		"Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"+
		"Here is the file.\r\n--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n"+
		"Content-Disposition: attachment; filename=\"file.bin\"\r\n\r\n", i, i, user.Email, i)
	b.Write(attachment)
	b.WriteString("--b--\r\n")
	return b.Bytes()
}
