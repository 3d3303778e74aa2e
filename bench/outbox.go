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
// into an empty folder, and both against the bare file system doing the
// same. Each round opens new outboxes as the daemon does at start; that
// one reading of the folder is timed apart.
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

	// Four kinds of write take turns in blocks: onward's and the bare
	// file system's (the same temporary file, fsync, rename, fsync of the
	// folder, written by hand: the floor for any outbox), each into both
	// folders. Turns keep them on the same disk (on a shared machine an
	// fsync's cost drifts) while each block writes in a row, as the
	// daemon does. The bare write tells what the file system itself adds
	// in a big folder (inode allocation) from what onward adds.
	type kind struct {
		dir  string
		bare bool
	}
	kinds := []kind{{empty, false}, {full, false}, {empty, true}, {full, true}}
	took := map[kind][]time.Duration{}
	opens := map[string][]time.Duration{}
	next := o.outboxFiles + 1 // Message-IDs not yet in either folder
	for round := range o.rounds {
		boxes := map[string]*mailer.Outbox{}
		for _, dir := range []string{empty, full} {
			boxes[dir] = &mailer.Outbox{Dir: dir}
			t := time.Now()
			if _, err := boxes[dir].Open(); err != nil {
				return "", err
			}
			opens[dir] = append(opens[dir], time.Since(t))
		}
		const block = 20
		for i := range len(kinds) * o.outboxWrites {
			k := kinds[(i/block+round)%len(kinds)]
			m := benchMessage(next)
			next++
			t := time.Now()
			var err error
			if k.bare {
				err = bareWrite(k.dir, m, buf.Bytes())
			} else {
				err = boxes[k.dir].Send(ctx, m)
			}
			if err != nil {
				return "", err
			}
			took[k] = append(took[k], time.Since(t))
		}
		progress("outbox: round %d of %d done", round+1, o.rounds)
	}
	oe, of := median(took[kinds[0]]), median(took[kinds[1]])
	be, bf := median(took[kinds[2]]), median(took[kinds[3]])
	ratio := float64(of) / float64(oe)
	over := float64(of) / float64(bf)
	return fmt.Sprintf("8 outbox       one .eml write (medians of %d): empty folder %s, %d files %s, ratio %.2f; the bare file system's write %s vs %s, ratio %.2f; "+
		"onward over the bare write at %d files %.2f (target <= 1.5, flat: %s); opening the outbox at start (one reading of the folder) %s vs %s",
		o.rounds*o.outboxWrites, ms(oe), o.outboxFiles, ms(of), ratio, ms(be), ms(bf), float64(bf)/float64(be),
		o.outboxFiles, over, verdict(over <= 1.5), ms(median(opens[empty])), ms(median(opens[full]))), nil
}

// bareWrite is an outbox write without onward: a temporary file, fsync,
// rename to the message's name, fsync of the folder.
func bareWrite(dir string, m *mailer.Message, data []byte) error {
	f, err := os.CreateTemp(dir, ".bench-*.tmp")
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(f.Name(), filepath.Join(dir, m.Date.UTC().Format("20060102T150405Z")+"-"+m.MessageID+".eml")); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	if err := d.Sync(); err != nil {
		return err
	}
	return d.Close()
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
