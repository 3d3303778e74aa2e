package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/deliver"
	"github.com/onward-app/onward/internal/clock"
	"github.com/onward-app/onward/store"
)

func (a *app) draftsCmd() *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "drafts",
		Short: "List recruiter drafts waiting for you; show, edit, send or discard one",
		Long: `Recruiter drafts wait here until you act. Nothing goes to a recruiter
until you run 'onward drafts send ID'.`,
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
			return w.Flush()
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON for scripts")
	c.AddCommand(a.draftShowCmd(), a.draftEditCmd(), a.draftSendCmd(), a.draftDiscardCmd())
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
		return m, usagef("message %d is a %s to you, not a recruiter draft", id, m.Kind)
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
				fmt.Fprintf(a.stdout, "\nSend it with: onward drafts send %d    Edit: onward drafts edit %d\n", m.ID, m.ID)
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
keep your changes; an empty file leaves the draft as it was.`,
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
			fmt.Fprintf(f, "Subject: %s\n\n%s", m.Subject, m.Text)
			if err := f.Close(); err != nil {
				return err
			}
			editor := os.Getenv("VISUAL")
			if editor == "" {
				editor = os.Getenv("EDITOR")
			}
			if editor == "" {
				editor = "vi"
			}
			ed := exec.CommandContext(ctx, "/bin/sh", "-c", editor+` "$1"`, "editor", f.Name())
			ed.Stdin, ed.Stdout, ed.Stderr = os.Stdin, os.Stdout, os.Stderr
			if err := ed.Run(); err != nil {
				return fmt.Errorf("editor %q: %w; the draft is unchanged", editor, err)
			}
			b, err := os.ReadFile(f.Name())
			if err != nil {
				return err
			}
			if len(bytes.TrimSpace(b)) == 0 {
				fmt.Fprintln(a.stdout, "Empty file: the draft is unchanged.")
				return nil
			}
			subject, text, err := parseDraft(string(b))
			if err != nil {
				return badInput{err}
			}
			if err := a.tr.EditDraft(ctx, m.ID, subject, text); err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "Draft %d updated. Send it with: onward drafts send %d\n", m.ID, m.ID)
			return nil
		},
	}
}

// parseDraft splits an edited draft into subject and text.
func parseDraft(s string) (subject, text string, err error) {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	head, body, _ := strings.Cut(s, "\n")
	subject, ok := strings.CutPrefix(head, "Subject:")
	if !ok {
		return "", "", errors.New("draft: the first line must be \"Subject: ...\"; the draft is unchanged")
	}
	return strings.TrimSpace(subject), strings.TrimLeft(body, "\n"), nil
}

func (a *app) draftSendCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "send ID",
		Short: "Send a draft to the recruiter now, over SMTP, from you",
		Args:  exactArgs(1, "a draft id"),
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
			d := deliver.New(a.st, clock.Wall(a.now), nil)
			sent, err := a.tr.SendDraft(ctx, m.ID, func(ctx context.Context, id int64) (store.Message, error) {
				return d.SendDraft(ctx, setup, id)
			})
			if errors.Is(err, store.ErrNotClaimable) {
				switch sent.Status {
				case onward.StatusSending:
					return usagef("draft %d is being sent by another command right now; see `onward messages` in a minute", m.ID)
				case onward.StatusSent:
					return usagef("draft %d was sent already; it is never sent twice", m.ID)
				}
				return usagef("draft %d is %s; nothing was sent", m.ID, sent.Status)
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "Sent draft %d to %s.\n", sent.ID, sent.To)
			return nil
		},
	}
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
