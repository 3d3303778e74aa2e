package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/onward-app/onward/mailer"
)

// outboxFigure measures the cost of one outbox write (the .eml of a
// check-in: temporary file, fsync, rename, fsync of the folder) in a
// folder that already holds o.outboxFiles files against the same write
// into an empty folder, the two interleaved. Each round opens new outboxes
// as the daemon does at start; that one reading of the folder is timed
// apart.
func outboxFigure(ctx context.Context, o *options) (string, error) {
	empty := filepath.Join(o.dir, "outbox-empty")
	full := filepath.Join(o.dir, "outbox-full")
	for _, d := range []string{empty, full} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return "", err
		}
	}
	sample := benchMessage(0)
	var buf bytes.Buffer
	if _, err := sample.WriteTo(&buf); err != nil {
		return "", err
	}
	progress("outbox: writing %d files of %d bytes into %s", o.outboxFiles, buf.Len(), full)
	t := time.Now()
	for i := range o.outboxFiles {
		if err := ctx.Err(); err != nil {
			return "", err
		}
		m := benchMessage(i + 1)
		name := m.Date.UTC().Format("20060102T150405Z") + "-" + m.MessageID + ".eml"
		if err := os.WriteFile(filepath.Join(full, name), buf.Bytes(), 0o600); err != nil {
			return "", err
		}
	}
	// Their writeback would otherwise land on the first timed fsyncs.
	syscall.Sync()
	progress("outbox: written and synced in %s", time.Since(t).Round(time.Millisecond))

	writes := map[string][]time.Duration{}
	opens := map[string][]time.Duration{}
	next := o.outboxFiles + 1 // Message-IDs not yet in either folder
	for round := range o.rounds {
		boxes := map[string]*mailer.Outbox{}
		for _, dir := range []string{empty, full} {
			boxes[dir] = &mailer.Outbox{Dir: dir}
			t := time.Now()
			if err := boxes[dir].Open(); err != nil {
				return "", err
			}
			opens[dir] = append(opens[dir], time.Since(t))
		}
		// The two folders take turns in blocks of writes, so that both see
		// the same disk (on a shared machine an fsync's cost drifts) while
		// each block writes in a row, as the daemon does.
		const block = 20
		for i := range 2 * o.outboxWrites {
			dir := empty
			if (i/block+round)%2 == 1 {
				dir = full
			}
			m := benchMessage(next)
			next++
			t := time.Now()
			if err := boxes[dir].Send(ctx, m); err != nil {
				return "", err
			}
			writes[dir] = append(writes[dir], time.Since(t))
		}
		progress("outbox: round %d of %d done", round+1, o.rounds)
	}
	we, wf := median(writes[empty]), median(writes[full])
	ratio := float64(wf) / float64(we)
	return fmt.Sprintf("6 outbox       one .eml write (medians of %d): empty folder %s, %d files %s, ratio %.2f (target <= 1.5, flat: %s); opening the outbox at start (one reading of the folder) %s vs %s",
		o.rounds*o.outboxWrites, ms(we), o.outboxFiles, ms(wf), ratio, verdict(ratio <= 1.5), ms(median(opens[empty])), ms(median(opens[full]))), nil
}

// benchMessage is a check-in as the dispatcher hands it to the outbox,
// with a Message-ID of onward's form and a date of its own.
func benchMessage(n int) *mailer.Message {
	return &mailer.Message{
		From:      mailer.Address{Name: "Alex Morgan", Email: "alex@example.com"},
		To:        mailer.Address{Name: "Alex Morgan", Email: "alex@example.com"},
		Subject:   "What did the Northwind Labs process teach you?",
		Text:      "Hi Alex,\n\nNorthwind Labs said no. Before it fades: what is one thing you would do the same, and one you would change?\n\nReply to this email; your answer becomes a lesson.\n",
		MessageID: fmt.Sprintf("onward.%024x@example.com", n),
		Date:      time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC).Add(time.Duration(n) * time.Minute),
	}
}
