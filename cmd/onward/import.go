package main

import (
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/tracker"
	"github.com/onward-app/onward/transfer"
)

func (a *app) importCmd() *cobra.Command {
	var apply, skipBad bool
	var maps []string
	var order string
	c := &cobra.Command{
		Use:   "import FILE [--apply] [--skip-bad] [--map COLUMN=FIELD]... [--date-order dmy|mdy]",
		Short: "Bring in a spreadsheet of applications, or an export of onward",
		Long: `Read applications from FILE: a CSV spreadsheet with a header row, or the
JSON that 'onward export' writes. By default nothing is written: onward
prints what it would create and what it cannot read. Give --apply to write
it all, in one go.

Spreadsheet columns are found by their titles: company; role, title or
position; status or stage; applied, date applied or applied date;
recruiter or contact; email; link or url; notes. Name the others with
--map "Column title=field" (fields: company, role, stage, applied,
recruiter, email, url, notes, ignore). Dates may be written 2026-03-04,
"4 March 2026" or "Mar 4, 2026"; for 04/03/2026 say which comes first with
--date-order dmy or mdy (a date that reads either way is refused without it).

A row that cannot be read is reported with its line and column, and then
nothing is written unless --skip-bad. An application already recorded
(same company and role, applied the same day) is left alone, so importing
a file twice creates nothing new. A stage past applied is recorded on the
date applied, and plans only the follow-ups still timely: an old
rejection asks for no feedback.`,
		Example: `  onward import applications.csv
  onward import applications.csv --map "Firm=company" --date-order dmy --apply
  onward import onward.json --apply`,
		Args: exactArgs(1, "the file to read"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			mapping := map[string]string{}
			for _, m := range maps {
				col, field, ok := strings.Cut(m, "=")
				if !ok || strings.TrimSpace(col) == "" {
					return usagef("--map %q: write it as COLUMN=FIELD, like \"Firm=company\"", m)
				}
				mapping[strings.TrimSpace(col)] = strings.ToLower(strings.TrimSpace(field))
			}
			switch order {
			case "", "dmy", "mdy":
			default:
				return usagef("--date-order: %q is not dmy or mdy", order)
			}
			data, err := os.ReadFile(args[0])
			if err != nil {
				return usagef("import: %v", err)
			}
			if err := a.open(ctx); err != nil {
				return err
			}
			if transfer.IsJSON(data) {
				if len(maps) > 0 || order != "" || skipBad {
					return usagef("import: --map, --date-order and --skip-bad are for spreadsheets; %s is JSON", args[0])
				}
				return a.importJSON(cmd, args[0], data, apply)
			}
			sheet, err := transfer.ReadSheet(strings.NewReader(string(data)), transfer.SheetOptions{
				Map: mapping, Order: transfer.DateOrder(order), Location: a.cfg.Location(), Now: a.now()})
			if err != nil {
				return badInput{fmt.Errorf("%s: %w", args[0], err)}
			}
			return a.importSheet(cmd, args[0], sheet, apply, skipBad)
		},
	}
	f := c.Flags()
	f.BoolVar(&apply, "apply", false, "write what the dry run shows")
	f.BoolVar(&skipBad, "skip-bad", false, "write the good rows even when some cannot be read")
	f.StringArrayVar(&maps, "map", nil, `a column the common names miss, as "Column title=field" (repeatable)`)
	f.StringVar(&order, "date-order", "", `how to read 04/03/2026: "dmy" (4 March) or "mdy" (3 April)`)
	return c
}

func (a *app) importSheet(cmd *cobra.Command, file string, sheet transfer.Sheet, apply, skipBad bool) error {
	bad := append([]transfer.CellError{}, sheet.Bad...)
	res, err := a.tr.Import(cmd.Context(), sheet.Rows, tracker.ImportOptions{Write: apply && (len(bad) == 0 || skipBad), SkipBad: skipBad})
	if err != nil {
		return err
	}
	// Rows the tracker refused are bad rows too; with any bad row the
	// tracker wrote nothing unless --skip-bad.
	var created, dups, planned, late int
	stages := map[onward.Stage]int{}
	verb := "would create"
	if apply {
		verb = "created"
	}
	for _, r := range res {
		if r.Err != nil {
			bad = append(bad, sheet.FieldError(r.Line, r.Err))
			continue
		}
		if r.Duplicate {
			dups++
			fmt.Fprintf(a.stdout, "line %d: already recorded: %s — %s (%d)\n", r.Line, r.App.Company, r.App.Role, r.App.ID)
			continue
		}
		created++
		stages[r.App.Stage]++
		planned += r.Scheduled
		late += r.Late
		fmt.Fprintf(a.stdout, "line %d: %s %s — %s, %s, applied %s\n", r.Line, verb, r.App.Company, r.App.Role,
			r.App.Stage, r.App.AppliedAt.In(a.cfg.Location()).Format("2 Jan 2006"))
	}
	if len(sheet.Unread) > 0 {
		fmt.Fprintf(a.stdout, "Columns not read: %s (name them with --map \"Title=field\")\n", strings.Join(sheet.Unread, ", "))
	}
	sort.Slice(bad, func(i, j int) bool { return bad[i].Line < bad[j].Line })
	for _, b := range bad {
		fmt.Fprintf(a.stdout, "%s: cannot read %s\n", file, b)
	}
	var parts []string
	for _, s := range onward.Stages() {
		if stages[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", stages[s], s))
		}
	}
	written := apply && (len(bad) == 0 || skipBad)
	switch {
	case written:
		fmt.Fprintf(a.stdout, "Created %d applications (%s), %d already recorded, %d rows not read; %d follow-ups planned, %d too late to plan.\n",
			created, strings.Join(parts, ", "), dups, len(bad), planned, late)
	case apply:
		fmt.Fprintf(a.stdout, "Nothing written: %d rows cannot be read. Fix them, or give --skip-bad to import the other %d.\n", len(bad), created)
	default:
		fmt.Fprintf(a.stdout, "Dry run: would create %d applications (%s), %d already recorded, %d rows not read; %d follow-ups would be planned, %d too late to plan. Give --apply to write.\n",
			created, strings.Join(parts, ", "), dups, len(bad), planned, late)
	}
	if len(bad) > 0 && !skipBad {
		return badInput{fmt.Errorf("%s: %d rows cannot be read (see above)", file, len(bad))}
	}
	return nil
}

func (a *app) importJSON(cmd *cobra.Command, file string, data []byte, apply bool) error {
	d, err := transfer.ReadJSON(data)
	if err != nil {
		return badInput{fmt.Errorf("%s: %w", file, err)}
	}
	c, err := a.tr.ImportDump(cmd.Context(), d, apply)
	if err != nil {
		var ie *tracker.InputError
		if errors.As(err, &ie) {
			return badInput{err}
		}
		return fmt.Errorf("%s: %w", file, err)
	}
	verb := "Would create"
	if apply {
		verb = "Created"
	}
	var parts []string
	for _, t := range []string{"applications", "events", "lessons", "messages"} {
		parts = append(parts, fmt.Sprintf("%d %s (%d already there)", c.Created[t], t, c.Existing[t]))
	}
	fmt.Fprintf(a.stdout, "%s %s.\n", verb, strings.Join(parts, ", "))
	if !apply {
		fmt.Fprintln(a.stdout, "Dry run: give --apply to write.")
	}
	return nil
}
