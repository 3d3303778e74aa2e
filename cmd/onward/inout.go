package main

import "github.com/spf13/cobra"

// inOutCmds lists the commands of the "In and out" group.
func (a *app) inOutCmds() []*cobra.Command {
	return []*cobra.Command{a.exportCmd(), a.importCmd(), a.calendarCmd(), a.backupCmd(), a.restoreCmd()}
}
