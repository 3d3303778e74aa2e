package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/config"
	"github.com/onward-app/onward/deliver"
	"github.com/onward-app/onward/internal/clock"
	"github.com/onward-app/onward/store"
	"github.com/onward-app/onward/tracker"
)

func (a *app) draftsCmd() *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "drafts",
		Short: "List recruiter drafts waiting for you; show, edit, send or discard one",
		Long: `Recruiter drafts wait here until you act. Nothing goes to a recruiter
until you send it: with 'onward drafts send ID' where an SMTP server is
configured, or from your own mail program, then 'onward drafts sent ID' so
onward knows.

  onward drafts            # what is waiting
  onward drafts show 14    # read one
  onward drafts sent 14    # you sent it from your mail program`,
		Args: exactArgs(0, "no arguments (see the subcommands)"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if err := a.open(ctx); err != nil {
				return err
			}
			msgs, err := a.st.Messages(ctx, store.MessageFilter{Status: onward.StatusDrafted, NoBodies: true})
			if err != nil {
				return err
			}
			if asJSON {
				return a.writeMessagesJSON(ctx, msgs)
			}
			if len(msgs) == 0 {
				fmt.Fprintln(a.stdout, "No drafts waiting.")
				return nil
			}
			w := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "ID\tKIND\tTO\tSUBJECT")
			for _, m := range msgs {
				fmt.Fprintf(w, "%d\t%s\t%s\t%s\n", m.ID, m.Kind, recipient(m), m.Subject)
			}
			if err := w.Flush(); err != nil {
				return err
			}
			fmt.Fprintln(a.stdout, "\n"+a.sendHint("ID"))
			return nil
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON for scripts")
	c.AddCommand(a.draftShowCmd(), a.draftEditCmd(), a.draftSendCmd(), a.draftSentCmd(), a.draftDiscardCmd())
	return c
}

// draftArg opens the database and reads the draft named by args[0].
func (a *app) draftArg(ctx context.Context, arg string) (store.Message, error) {
	id, err := strconv.ParseInt(arg, 10, 64)
	if err != nil || id <= 0 {
		return store.Message{}, usagef("%q is not a draft id (see `onward drafts`)", arg)
	}
	if err := a.open(ctx); err != nil {
		return store.Message{}, err
	}
	m, err := a.st.Message(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return m, usagef("no message %d (see `onward drafts`)", id)
	}
	if err != nil {
		return m, err
	}
	if m.Audience != onward.Recruiter {
		return m, usagef("message %d is the %s to you, not a recruiter draft", id, m.Kind.Label())
	}
	return m, nil
}

func (a *app) draftShowCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "show ID",
		Short: "Print a draft",
		Args:  exactArgs(1, "a draft id"),
		RunE: func(cmd *cobra.Command, args []string) error {
			m, err := a.draftArg(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			if m.Status == onward.StatusScheduled {
				fmt.Fprintf(a.stdout, "Draft %d is not written yet: it is due %s.\n", m.ID, a.when(m.DueAt))
				return nil
			}
			to := m.To
			if to == "" {
				to = "(the recruiter's address is missing: onward edit " + strconv.FormatInt(m.ApplicationID, 10) + " --recruiter \"Name <address>\")"
			}
			fmt.Fprintf(a.stdout, "To: %s\nSubject: %s\nStatus: %s\n\n%s", to, m.Subject, m.Status, m.Text)
			if m.Status == onward.StatusDrafted {
				fmt.Fprintf(a.stdout, "\n%s    Edit: onward drafts edit %d\n", a.sendHint(strconv.FormatInt(m.ID, 10)), m.ID)
			}
			return nil
		},
	}
}

func (a *app) draftEditCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "edit ID",
		Short: "Edit a draft's subject and text in $EDITOR",
		Long: `Opens the draft in $VISUAL or $EDITOR (default vi). The first line is the
subject ("Subject: ..."), then a blank line, then the text. Save and quit to
keep your changes; an empty file leaves the draft as it was.

If onward cannot take the edit (a missing "Subject:" line, say), it opens the
editor again with the problem at the top, in lines starting with "#"; without
a terminal to do that on, it keeps your text in a file and names it, so
nothing you wrote is lost.

  onward drafts edit 14`,
		Args: exactArgs(1, "a draft id"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			m, err := a.draftArg(ctx, args[0])
			if err != nil {
				return err
			}
			if m.Status != onward.StatusDrafted {
				return usagef("message %d is %s; only a waiting draft can be edited", m.ID, m.Status)
			}
			f, err := os.CreateTemp("", "onward-draft-*.txt")
			if err != nil {
				return err
			}
			defer os.Remove(f.Name())
			if err := f.Close(); err != nil {
				return err
			}
			content := fmt.Sprintf("Subject: %s\n\n%s", m.Subject, m.Text)
			for {
				if err := os.WriteFile(f.Name(), []byte(content), 0o600); err != nil {
					return err
				}
				if err := a.runEditor(ctx, f.Name()); err != nil {
					return fmt.Errorf("%w; the draft is unchanged", err)
				}
				b, err := os.ReadFile(f.Name())
				if err != nil {
					return err
				}
				edited := stripErrorNote(string(b))
				if len(bytes.TrimSpace([]byte(edited))) == 0 {
					fmt.Fprintf(a.stdout, "Empty file: draft %d unchanged.\n", m.ID)
					return nil
				}
				subject, text, err := parseDraft(edited)
				if err == nil {
					if subject == m.Subject && strings.TrimRight(text, "\n") == strings.TrimRight(m.Text, "\n") {
						fmt.Fprintf(a.stdout, "Draft %d unchanged.\n", m.ID)
						return nil
					}
					err = a.tr.EditDraft(ctx, m.ID, subject, text)
					if err == nil {
						fmt.Fprintf(a.stdout, "Draft %d updated. %s\n", m.ID, a.sendHint(strconv.FormatInt(m.ID, 10)))
						return nil
					}
					if !errors.Is(err, tracker.ErrInvalid) {
						return a.keepEdit(m.ID, edited, err)
					}
					if now, rerr := a.st.Message(ctx, m.ID); rerr != nil || now.Status != onward.StatusDrafted {
						// Sent or discarded meanwhile: another try cannot help.
						return a.keepEdit(m.ID, edited, err)
					}
				}
				// As git commit does: the problem on top, the text below,
				// and the editor again; where it cannot be opened again,
				// the text is kept in a file.
				if !a.onTerminal() {
					return a.keepEdit(m.ID, edited, err)
				}
				content = errorNote(err) + edited
			}
		},
	}
}

// runEditor opens path in $VISUAL, $EDITOR or vi, on the user's terminal.
func (a *app) runEditor(ctx context.Context, path string) error {
	editor := os.Getenv("VISUAL")
	if editor == "" {
		editor = os.Getenv("EDITOR")
	}
	if editor == "" {
		editor = "vi"
	}
	ed := exec.CommandContext(ctx, "/bin/sh", "-c", editor+` "$1"`, "editor", path)
	ed.Stdin, ed.Stdout, ed.Stderr = os.Stdin, os.Stdout, os.Stderr
	if err := ed.Run(); err != nil {
		return fmt.Errorf("editor %q: %w", editor, err)
	}
	return nil
}

// errorNotePrefix starts each line of the note put above a rejected edit.
const errorNotePrefix = "# "

// errorNote is the note put above a rejected edit: what was wrong, and
// how to leave. Its lines are removed again when the file is read.
func errorNote(err error) string {
	var b strings.Builder
	for _, l := range strings.Split("onward could not take this edit: "+err.Error(), "\n") {
		b.WriteString(errorNotePrefix + l + "\n")
	}
	b.WriteString(errorNotePrefix + "Fix it and save; empty the file to leave the draft as it was.\n")
	b.WriteString(errorNotePrefix + "These lines are removed.\n")
	return b.String()
}

// stripErrorNote removes the note errorNote put at the top of the file;
// lines starting with "#" further down belong to the draft.
func stripErrorNote(s string) string {
	for strings.HasPrefix(s, "#") {
		_, rest, ok := strings.Cut(s, "\n")
		if !ok {
			return ""
		}
		s = rest
	}
	return s
}

// keepEdit saves a rejected edit where the user can find it and says so.
func (a *app) keepEdit(id int64, text string, cause error) error {
	f, err := os.CreateTemp("", fmt.Sprintf("onward-draft-%d-kept-*.txt", id))
	if err == nil {
		_, err = f.WriteString(text)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		return badInput{fmt.Errorf("%w; the draft is unchanged, and your text could not be kept: %w", cause, err)}
	}
	return badInput{fmt.Errorf("%w; the draft is unchanged; your text is kept in %s", cause, f.Name())}
}

// parseDraft splits an edited draft into subject and text.
func parseDraft(s string) (subject, text string, err error) {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	head, body, _ := strings.Cut(s, "\n")
	subject, ok := strings.CutPrefix(head, "Subject:")
	if !ok {
		return "", "", errors.New("draft: the first line must be \"Subject: ...\"")
	}
	return strings.TrimSpace(subject), strings.TrimLeft(body, "\n"), nil
}

func (a *app) draftSendCmd() *cobra.Command {
	var yes bool
	c := &cobra.Command{
		Use:   "send ID [--yes]",
		Short: "Send a draft to the recruiter now, over SMTP, from you",
		Long: `Sends the draft to the recruiter over your SMTP server, once: it can never
go out twice. On a terminal it first shows the recipient, the subject and the
first lines, and asks; --yes skips the question (for scripts; without a
terminal, --yes is required). With [imap] configured, a copy is filed in your
Sent folder, as your mail program would.

Without an SMTP server, send the draft from your mail program and record it
with 'onward drafts sent ID'.

  onward drafts send 14
  onward drafts send 14 --yes`,
		Args: exactArgs(1, "a draft id"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			m, err := a.draftArg(ctx, args[0])
			if err != nil {
				return err
			}
			if a.cfg.Delivery.Drafts == "imap" {
				// The draft waits in the Drafts folder too; sending it from
				// here would leave that copy one click from a second send.
				return usagef("draft %d is in your mailbox's Drafts folder: send (or delete) it from your mail program; onward notices at the next poll", m.ID)
			}
			// A draft being sent may be one whose send was killed: the
			// claim decides (it takes back a hand claim that expired).
			if m.Status != onward.StatusDrafted && m.Status != onward.StatusSending {
				return notSendable(m)
			}
			tpl, err := a.templates()
			if err != nil {
				return err
			}
			setup, smtp, err := a.buildSetup(ctx, a.cfg, tpl)
			if err != nil {
				return err
			}
			if smtp != nil {
				defer smtp.Close()
			}
			// Asked only when the send can happen: no question about a
			// draft that has no recipient or no server to go through.
			if setup.Send != nil && m.To != "" && !yes {
				ok, err := a.confirmSend(m)
				if err != nil || !ok {
					return err
				}
			}
			d := deliver.New(a.st, clock.Wall(a.now), nil)
			sent, err := a.tr.SendDraft(ctx, m.ID, func(ctx context.Context, id int64) (store.Message, error) {
				return d.SendDraft(ctx, setup, id)
			})
			if errors.Is(err, store.ErrNotClaimable) {
				return notSendable(sent)
			}
			if errors.Is(err, deliver.ErrNoSentCopy) {
				fmt.Fprintf(a.stdout, "Sent draft %d to %s.\n", sent.ID, sent.To)
				fmt.Fprintf(a.stderr, "onward: %v\n", err)
				return nil
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "Sent draft %d to %s.\n", sent.ID, sent.To)
			return nil
		},
	}
	c.Flags().BoolVarP(&yes, "yes", "y", false, "send without asking (for scripts)")
	return c
}

// notSendable says why draft m, not waiting, was not sent.
func notSendable(m store.Message) error {
	switch m.Status {
	case onward.StatusSending:
		return usagef("draft %d is being sent by another command right now; see `onward messages` in a minute", m.ID)
	case onward.StatusSent:
		return usagef("draft %d was sent already; it is never sent twice", m.ID)
	case onward.StatusScheduled:
		return usagef("draft %d is not written yet; see `onward drafts show %d`", m.ID, m.ID)
	}
	return usagef("draft %d is %s; nothing was sent", m.ID, m.Status)
}

// previewLines is how much of a draft's text the question before a send
// shows: enough to recognise it.
const previewLines = 6

// confirmSend shows who and what a send is about to reach and asks on the
// terminal. Without a terminal it refuses: a script says --yes.
func (a *app) confirmSend(m store.Message) (bool, error) {
	if !a.onTerminal() {
		return false, usagef("draft %d would go to %s: there is no terminal to ask on; add --yes to send it", m.ID, m.To)
	}
	lines := strings.Split(strings.TrimRight(m.Text, "\n"), "\n")
	more := ""
	if n := len(lines); n > previewLines {
		lines, more = lines[:previewLines], fmt.Sprintf("    [%d more lines]\n", n-previewLines)
	}
	fmt.Fprintf(a.stderr, "To:      %s\nSubject: %s\n\n", m.To, m.Subject)
	for _, l := range lines {
		fmt.Fprintf(a.stderr, "    %s\n", l)
	}
	fmt.Fprintf(a.stderr, "%s\nSend it now? It cannot be taken back. [y/N] ", more)
	answer, err := bufio.NewReader(a.stdin).ReadString('\n')
	if err != nil && answer == "" {
		fmt.Fprintln(a.stderr)
		fmt.Fprintf(a.stdout, "Draft %d was not sent.\n", m.ID)
		return false, nil
	}
	switch strings.ToLower(strings.TrimSpace(answer)) {
	case "y", "yes":
		return true, nil
	}
	fmt.Fprintf(a.stdout, "Draft %d was not sent.\n", m.ID)
	return false, nil
}

// canSend reports whether `drafts send` can work under cfg: it needs an
// SMTP server, and with drafts filed in the mailbox the copy there is the
// one to send.
func canSend(cfg *config.Config) bool {
	return cfg.Delivery.Transport == "smtp" && cfg.Delivery.Drafts != "imap"
}

// sendHint says how to send draft id in this setup: the command that
// sends it, or, where onward cannot send, the one that records that the
// user sent it from their mail program.
func (a *app) sendHint(id string) string {
	switch {
	case canSend(a.cfg):
		return "Send it with: onward drafts send " + id
	case a.cfg.Delivery.Drafts == "imap":
		return "Send it from your mail program's Drafts folder; onward notices at the next poll"
	}
	return "Send it from your mail program, then: onward drafts sent " + id
}

func (a *app) draftSentCmd() *cobra.Command {
	var at string
	c := &cobra.Command{
		Use:   "sent ID [--at TIME]",
		Short: "Record that you sent a draft yourself, from your mail program",
		Long: `Tells onward you sent the draft from your own mail program (opened from the
draft_ready email, the .eml in the outbox, or copied by hand). It then counts
as sent everywhere: status, the digest, patterns. Nothing is sent.

  onward drafts sent 14
  onward drafts sent 14 --at "2026-03-02 17:30"`,
		Args: exactArgs(1, "a draft id"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			m, err := a.draftArg(ctx, args[0])
			if err != nil {
				return err
			}
			when, err := a.parseAt(at)
			if err != nil {
				return err
			}
			if now := a.now(); when.After(now.Add(5 * time.Minute)) {
				return usagef("--at %s is in the future; give the time you sent it", at)
			}
			if m.Status != onward.StatusDrafted {
				return usagef("message %d is %s; only a waiting draft can be marked sent", m.ID, m.Status)
			}
			err = a.tr.MarkSentByUser(ctx, m.ID, when)
			if errors.Is(err, store.ErrNotClaimable) {
				return usagef("draft %d is no longer waiting (see `onward drafts show %d`)", m.ID, m.ID)
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "Draft %d recorded as sent to %s.\n", m.ID, recipient(m))
			return nil
		},
	}
	c.Flags().StringVar(&at, "at", "", "when you sent it (\"2026-03-02 17:30\", RFC 3339); default now")
	return c
}

func (a *app) draftDiscardCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "discard ID",
		Short: "Throw a draft away; it is never sent",
		Args:  exactArgs(1, "a draft id"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			m, err := a.draftArg(ctx, args[0])
			if err != nil {
				return err
			}
			if err := a.tr.DiscardDraft(ctx, m.ID); err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "Discarded draft %d.\n", m.ID)
			return nil
		},
	}
}
