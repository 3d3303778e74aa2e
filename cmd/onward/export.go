package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/onward-app/onward/transfer"
)

func (a *app) exportCmd() *cobra.Command {
	var format, out string
	c := &cobra.Command{
		Use:   "export [--format json|csv] [--out FILE]",
		Short: "Write the whole job hunt as JSON, or the applications as CSV",
		Long: `Write the job hunt out. JSON (the default) is complete: applications,
events, lessons with their tags, and every message with its status and
words, in a versioned shape ("onward_export": 1) described in
docs/EXPORT.md; 'onward import' reads it back. CSV is one row per
application for a spreadsheet: company, role, stage, applied, recruiter,
email, url, notes, last event, next message.

Without --out the export goes to standard output; a file is written whole,
readable by you alone (0600), replacing one already there.`,
		Example: `  onward export --out ~/onward.json
  onward export --format csv --out ~/applications.csv`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if format != "json" && format != "csv" {
				return usagef("--format: %q is not json or csv", format)
			}
			if err := a.open(ctx); err != nil {
				return err
			}
			var buf bytes.Buffer
			switch format {
			case "json":
				d, err := a.st.Dump(ctx)
				if err != nil {
					return err
				}
				if err := transfer.WriteJSON(&buf, d, a.now()); err != nil {
					return err
				}
			case "csv":
				all, err := a.st.Overviews(ctx)
				if err != nil {
					return err
				}
				if err := transfer.WriteCSV(&buf, all, a.cfg.Location()); err != nil {
					return err
				}
			}
			if out == "" {
				_, err := a.stdout.Write(buf.Bytes())
				return err
			}
			if err := writePrivate(out, buf.Bytes()); err != nil {
				return err
			}
			fmt.Fprintf(a.stderr, "onward: wrote %s\n", out)
			return nil
		},
	}
	c.Flags().StringVar(&format, "format", "json", `"json" (everything) or "csv" (one row per application)`)
	c.Flags().StringVar(&out, "out", "", "the file to write (default standard output)")
	return c
}

// writePrivate writes data to path, 0600, whole: under a temporary name
// beside it, then renamed over it, so a reader (a calendar program) never
// sees half a file.
func writePrivate(path string, data []byte) error {
	dir := filepath.Dir(path)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return usagef("%s: the folder %s does not exist", path, dir)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+"-*.tmp")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(f.Name())
	err = f.Chmod(0o600)
	if err == nil {
		_, err = f.Write(data)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
