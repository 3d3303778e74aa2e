package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/onward-app/onward/store"
)

// addInOut adds the commands that take the job hunt in and out of onward:
// backup, restore, export, import, calendar.
func (a *app) addInOut(root *cobra.Command) {
	root.AddGroup(&cobra.Group{ID: "inout", Title: "In and out:"})
	for _, c := range a.inOutCmds() {
		c.GroupID = "inout"
		root.AddCommand(c)
	}
}

func (a *app) backupCmd() *cobra.Command {
	var force bool
	c := &cobra.Command{
		Use:   "backup FILE",
		Short: "Copy the database to FILE, safely, even while the daemon runs",
		Long: `Write a consistent copy of the whole database to FILE, readable by you
alone (0600). The daemon may go on delivering meanwhile: the copy is one
moment of the database, with nothing half-written. An existing FILE is
left alone unless --force is given. Bring a copy back with 'onward restore'.`,
		Example: `  onward backup ~/backups/onward-$(date +%F).db`,
		Args:    exactArgs(1, "the file to write"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if err := a.open(ctx); err != nil {
				return err
			}
			to, err := filepath.Abs(args[0])
			if err != nil {
				return usagef("backup: %v", err)
			}
			if fi, err := os.Stat(filepath.Dir(to)); err != nil || !fi.IsDir() {
				return usagef("backup: %s: the folder does not exist", filepath.Dir(to))
			}
			if err := a.st.Backup(ctx, to, force); err != nil {
				if errors.Is(err, store.ErrExists) {
					return usageError{err}
				}
				return err
			}
			fmt.Fprintf(a.stdout, "Backed up %s to %s\n", a.st.Path(), to)
			return nil
		},
	}
	c.Flags().BoolVar(&force, "force", false, "replace FILE if it exists")
	return c
}

func (a *app) restoreCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "restore FILE",
		Short: "Put a backup in place of the database, keeping the one it replaces",
		Long: `Replace the database with the backup in FILE. The daemon must be stopped
first: restore refuses while one runs. FILE is checked before anything
changes: it must be an onward database of a version this onward knows (an
older one is brought up to date) that SQLite finds sound. The database it
replaces is kept beside it, as <database>.before-restore-<time>.`,
		Example: `  systemctl --user stop onward
  onward restore ~/backups/onward-2026-03-01.db
  systemctl --user start onward`,
		Args: exactArgs(1, "the backup to restore"),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := a.config()
			if err != nil {
				return err
			}
			from := args[0]
			if fi, err := os.Stat(from); err != nil {
				return usagef("restore: %v", err)
			} else if !fi.Mode().IsRegular() {
				return usagef("restore: %s is not a file", from)
			}
			res, err := store.Restore(cmd.Context(), from, cfg.Storage.Database, a.now())
			switch {
			case errors.Is(err, store.ErrNotOnward), errors.Is(err, store.ErrSchemaTooNew):
				return badInput{err}
			case errors.Is(err, store.ErrLocked):
				return fmt.Errorf("restore: %w; stop it first", err)
			case err != nil:
				return err
			}
			fmt.Fprintf(a.stdout, "Restored %s from %s (schema version %d, %d applications)\n",
				cfg.Storage.Database, from, res.Version, res.Applications)
			if res.Kept != "" {
				fmt.Fprintf(a.stdout, "The database it replaced is kept as %s\n", res.Kept)
			}
			return nil
		},
	}
	return c
}
