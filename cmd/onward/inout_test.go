package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// exportDoc is the JSON export, decoded loosely.
type exportDoc map[string]any

func exportJSON(t *testing.T, e *env) exportDoc {
	t.Helper()
	var d exportDoc
	if err := json.Unmarshal([]byte(must(t, e, "export")), &d); err != nil {
		t.Fatal(err)
	}
	return d
}

func rowsOf(d exportDoc, table string) []map[string]any {
	var out []map[string]any
	list, _ := d[table].([]any)
	for _, r := range list {
		out = append(out, r.(map[string]any))
	}
	return out
}

// sheetRow is a row the generator wrote and what onward must read of it.
type sheetRow struct {
	company, role, stage string
	applied              time.Time
	bad                  string // the column that is wrong, when the row is bad
}

// messyDate writes day in one of the ways people do, with day-first
// numeric dates (the test passes --date-order dmy).
func messyDate(rng *rand.Rand, day time.Time) string {
	switch rng.IntN(6) {
	case 0:
		return day.Format("2006-01-02")
	case 1:
		return day.Format("02/01/2006")
	case 2:
		return day.Format("2 January 2006")
	case 3:
		return day.Format("Jan 2, 2006")
	case 4:
		return day.Format("Mon 2 Jan 2006")
	}
	return day.Format("2.1.06")
}

// TestImportSpreadsheet reads a generated spreadsheet of 240 rows in the
// user's own column names, with messy dates and five bad rows: the dry run
// and a plain --apply write nothing and name each bad row's line and
// column; --skip-bad writes the rest, with the right dates and stages,
// planning nothing in the past; a second import creates nothing new.
func TestImportSpreadsheet(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	seed := time.Now().UnixNano()
	if v := os.Getenv("ONWARD_TEST_SEED"); v != "" {
		seed, _ = strconv.ParseInt(v, 10, 64)
	}
	t.Logf("seed %d (replay with ONWARD_TEST_SEED=%d)", seed, seed)
	rng := rand.New(rand.NewPCG(uint64(seed), 1))
	berlin, _ := time.LoadLocation("Europe/Berlin")
	today := time.Now().In(berlin)
	midnight := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, berlin)
	stages := []struct{ word, stage string }{{"Applied", "applied"}, {"phone screen", "interviewing"},
		{"Rejected", "rejected"}, {"OFFER", "offer"}, {"withdrew", "withdrawn"}, {"", "applied"}}

	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write([]string{"Firm", "Job Title", "Status", "Date Applied", "Contact", "E-mail", "Link", "Notes", "Salary"})
	var rows []sheetRow
	const total = 240
	badAt := map[int]string{17: "Date Applied", 58: "Status", 99: "Link", 150: "Firm", 201: "Date Applied"}
	for i := range total {
		st := stages[rng.IntN(len(stages))]
		r := sheetRow{company: fmt.Sprintf("Company %03d", i), role: "Engineer", stage: st.stage,
			applied: midnight.AddDate(0, 0, -rng.IntN(400))}
		if i == 0 {
			// A recent rejection: its stay-in-touch note is still
			// timely, its first check-ins are not.
			st, r.stage, r.applied = stages[2], "rejected", midnight.AddDate(0, 0, -3)
		}
		rec := []string{r.company, r.role, st.word, messyDate(rng, r.applied), "Dana Reyes",
			fmt.Sprintf("dana%d@example.com", i), "https://jobs.example/" + strconv.Itoa(i), "note, with a comma", "100k"}
		if col, ok := badAt[i]; ok {
			r.bad = col
			switch i {
			case 17:
				rec[3] = "31/31/2026"
			case 58:
				rec[2] = "maybe later"
			case 99:
				rec[6] = "ftp://jobs.example/99"
			case 150:
				rec[0] = ""
			case 201:
				rec[3] = "next tuesday"
			}
		}
		w.Write(rec)
		rows = append(rows, r)
	}
	w.Flush()
	sheet := filepath.Join(e.dir, "hunt.csv")
	writeFile(t, sheet, buf.String(), 0o600)
	must(t, e, "status")
	before := snap(t, e)

	for _, args := range [][]string{{"import", sheet, "--date-order", "dmy", "--map", "Firm=company"},
		{"import", sheet, "--date-order", "dmy", "--map", "Firm=company", "--apply"}} {
		out, stderr, code := run(t, e, args...)
		if code != 2 {
			t.Fatalf("%v: exit %d, want 2 for the bad rows; %s", args, code, stderr)
		}
		for i, r := range rows {
			if r.bad == "" {
				continue
			}
			// Line i+2: the header is line 1.
			want := fmt.Sprintf("line %d, column ", i+2)
			found := false
			for _, l := range strings.Split(out, "\n") {
				if strings.Contains(l, want) && strings.Contains(l, fmt.Sprintf("(%q)", r.bad)) {
					found = true
				}
			}
			if !found {
				t.Errorf("%v: no report of line %d, column %q; output:\n%s", args, i+2, r.bad, out)
			}
		}
		if !strings.Contains(out, "Columns not read: Salary") {
			t.Errorf("%v: the unread column is not named; output:\n%s", args, out)
		}
		sameState(t, before, snap(t, e))
	}

	out := must(t, e, "import", sheet, "--date-order", "dmy", "--map", "Firm=company", "--apply", "--skip-bad")
	if !strings.Contains(out, fmt.Sprintf("Created %d applications", total-len(badAt))) {
		t.Fatalf("import --skip-bad said:\n%s", out)
	}
	d := exportJSON(t, e)
	apps := map[string]map[string]any{}
	for _, a := range rowsOf(d, "applications") {
		apps[a["company"].(string)] = a
	}
	if len(apps) != total-len(badAt) {
		t.Errorf("%d applications recorded, want %d", len(apps), total-len(badAt))
	}
	for _, r := range rows {
		a, ok := apps[r.company]
		if r.bad != "" {
			if ok {
				t.Errorf("bad row %s was recorded", r.company)
			}
			continue
		}
		if !ok {
			t.Errorf("%s missing", r.company)
			continue
		}
		got, _ := time.Parse(time.RFC3339, a["applied_at"].(string))
		if !got.Equal(r.applied) || a["stage"] != r.stage {
			t.Errorf("%s: applied %v, stage %v; want %v, %s", r.company, got, a["stage"], r.applied.UTC(), r.stage)
		}
		if a["recruiter_email"] == "" || a["recruiter_name"] != "Dana Reyes" || a["notes"] != "note, with a comma" {
			t.Errorf("%s: recruiter %v <%v>, notes %v", r.company, a["recruiter_name"], a["recruiter_email"], a["notes"])
		}
	}
	// An imported history plans nothing in the past.
	now := time.Now()
	if len(rowsOf(d, "messages")) == 0 {
		t.Errorf("the recent rejection planned nothing")
	}
	for _, m := range rowsOf(d, "messages") {
		due, _ := time.Parse(time.RFC3339, m["due_at"].(string))
		if due.Before(now.Add(-time.Minute)) {
			t.Errorf("imported history planned %s for %s, in the past", m["kind"], due)
		}
	}

	again := must(t, e, "import", sheet, "--date-order", "dmy", "--map", "Firm=company", "--apply", "--skip-bad")
	if !strings.Contains(again, "Created 0 applications") ||
		!strings.Contains(again, fmt.Sprintf("%d already recorded", total-len(badAt))) {
		t.Errorf("second import said:\n%s", again)
	}
	if n := len(rowsOf(exportJSON(t, e), "applications")); n != total-len(badAt) {
		t.Errorf("%d applications after the second import, want %d", n, total-len(badAt))
	}
}

// TestImportRefusesAnAmbiguousDate refuses 04/03/2026 without
// --date-order, naming the two readings, and reads it with one.
func TestImportRefusesAnAmbiguousDate(t *testing.T) {
	t.Parallel()
	e := newEnv(t).inProcess()
	sheet := filepath.Join(e.dir, "hunt.csv")
	writeFile(t, sheet, "Company,Position,Applied Date\nAcme,Engineer,04/03/2026\n", 0o600)
	out, _, code := run(t, e, "import", sheet, "--apply")
	if code != 2 || !strings.Contains(out, "line 2, column C") || !strings.Contains(out, "--date-order") ||
		!strings.Contains(out, "4 March 2026") || !strings.Contains(out, "3 April 2026") {
		t.Fatalf("ambiguous date: exit %d, output:\n%s", code, out)
	}
	out = must(t, e, "import", sheet, "--apply", "--date-order", "mdy")
	if !strings.Contains(out, "applied 3 Apr 2026") {
		t.Errorf("--date-order mdy read:\n%s", out)
	}
}

// TestExportImportRoundTrip exports a job hunt with every kind of record
// (events, lessons with tags, drafts with their words, sent check-ins),
// imports it into an empty database, and exports it again: the same
// JSON, ids included, but for the time of the export. A second import
// creates nothing.
func TestExportImportRoundTrip(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	id := apply(t, e, "--company", "Acme", "--role", "Platform Engineer",
		"--recruiter", "Dana Reyes <dana@acme.example>", "--notes", "met at a meetup", "--at", ago(20*24*time.Hour))
	must(t, e, "interview", id, "--at", ago(10*24*time.Hour), "--with", "Tom Baker <tom@acme.example>, Engineering Manager",
		"--topic", "the caching layer", "--where", "https://meet.example/x", "--kind", "technical")
	must(t, e, "reject", id, "--at", ago(2*24*time.Hour), "--note", "went with someone senior")
	must(t, e, "log", id, "asked about #kubernetes at scale; I rambled #communication")
	must(t, e, "log", "practise the system design warm-up")
	apply(t, e, "--company", "Globex", "--role", "SRE", "--url", "https://globex.example/jobs/7")
	must(t, e, "flush")
	first := exportJSON(t, e)
	msgs := rowsOf(first, "messages")
	var bodies, statuses int
	for _, m := range msgs {
		if m["body_text"] != "" {
			bodies++
		}
		if m["status"] != "scheduled" {
			statuses++
		}
	}
	if bodies == 0 || statuses == 0 || len(rowsOf(first, "events")) < 4 {
		t.Fatalf("the export lacks the records the test needs: %d messages with words, %d not scheduled, events %v",
			bodies, statuses, rowsOf(first, "events"))
	}
	for _, table := range []string{"interview_details", "interviewers", "interview_topics"} {
		if len(rowsOf(first, table)) != 1 {
			t.Errorf("%s: %v; want the interview's one row", table, rowsOf(first, table))
		}
	}
	if first["onward_export"] != 1.0 {
		t.Errorf("onward_export = %v, want 1", first["onward_export"])
	}
	tagged := false
	for _, l := range rowsOf(first, "lessons") {
		if tags, _ := l["tags"].([]any); len(tags) == 2 {
			tagged = true
		}
	}
	if !tagged {
		t.Errorf("no lesson carries its two tags: %v", rowsOf(first, "lessons"))
	}
	file := filepath.Join(e.dir, "hunt.json")
	must(t, e, "export", "--out", file)
	if fi, err := os.Stat(file); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("export --out: %v, %v; want a 0600 file", fi, err)
	}

	other := newEnv(t)
	dry := must(t, other, "import", file)
	if !strings.Contains(dry, "Would create 2 applications") {
		t.Errorf("dry run said:\n%s", dry)
	}
	if n := len(rowsOf(exportJSON(t, other), "applications")); n != 0 {
		t.Fatalf("the dry run wrote %d applications", n)
	}
	must(t, other, "import", file, "--apply")
	second := exportJSON(t, other)
	delete(first, "exported_at")
	delete(second, "exported_at")
	a, _ := json.MarshalIndent(first, "", " ")
	b, _ := json.MarshalIndent(second, "", " ")
	if !bytes.Equal(a, b) {
		t.Errorf("the round trip changed the export:\nbefore: %s\nafter: %s", a, b)
	}
	again := must(t, other, "import", file, "--apply")
	if !strings.Contains(again, "Created 0 applications (2 already there)") || !strings.Contains(again, "0 lessons") {
		t.Errorf("second import said:\n%s", again)
	}
}

// TestExportCSV writes one row per application with the columns a
// spreadsheet user expects, a formula-looking cell made harmless, and
// reads back into the same applications.
func TestExportCSV(t *testing.T) {
	t.Parallel()
	e := newEnv(t).inProcess()
	id := apply(t, e, "--company", "Acme", "--role", "=HYPERLINK(\"x\")", "--recruiter", "Dana Reyes <dana@acme.example>",
		"--at", "2026-01-05 10:00")
	must(t, e, "interview", id, "--at", ago(time.Hour))
	file := filepath.Join(e.dir, "hunt.csv")
	must(t, e, "export", "--format", "csv", "--out", file)
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := "company,role,stage,applied,recruiter,email,url,notes,last event,next message"
	if len(recs) != 2 || strings.Join(recs[0], ",") != want {
		t.Fatalf("CSV export:\n%s", data)
	}
	row := recs[1]
	if row[0] != "Acme" || row[1] != `'=HYPERLINK("x")` || row[2] != "interviewing" || row[3] != "2026-01-05" ||
		row[4] != "Dana Reyes" || row[5] != "dana@acme.example" || !strings.HasPrefix(row[8], "interview ") || row[9] == "" {
		t.Errorf("CSV row: %q", row)
	}
	other := newEnv(t).inProcess()
	must(t, other, "import", file, "--apply")
	got := rowsOf(exportJSON(t, other), "applications")
	if len(got) != 1 || got[0]["role"] != `=HYPERLINK("x")` || got[0]["stage"] != "interviewing" {
		t.Errorf("CSV read back as %v", got)
	}
}

// TestInOutBadInput: each wrong use of the in-and-out commands exits 2,
// names what is wrong, and writes nothing.
func TestInOutBadInput(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		file string // written to {dir}/in before the run
		args []string
		want string
	}{
		{"export format", "", []string{"export", "--format", "xml"}, `--format: "xml" is not json or csv`},
		{"export folder", "", []string{"export", "--out", "{dir}/no/such/x.json"}, "does not exist"},
		{"backup folder", "", []string{"backup", "{dir}/no/such/x.db"}, "the folder does not exist"},
		{"import missing", "", []string{"import", "{dir}/nothing.csv"}, "no such file"},
		{"import date order", "company,role\nA,B\n", []string{"import", "{dir}/in", "--date-order", "ymd"}, `--date-order: "ymd"`},
		{"import map form", "company,role\nA,B\n", []string{"import", "{dir}/in", "--map", "Firm"}, "COLUMN=FIELD"},
		{"import map field", "company,role\nA,B\n", []string{"import", "{dir}/in", "--map", "company=boss"}, `"boss" is not a field`},
		{"import map column", "company,role\nA,B\n", []string{"import", "{dir}/in", "--map", "Firm=company"}, `no column "Firm"`},
		{"import no role", "company,salary\nA,1\n", []string{"import", "{dir}/in", "--apply"}, "line 1: no role column"},
		{"import empty", "", []string{"import", "{dir}/empty", "--apply"}, "the file is empty"},
		{"import bad row", "company,role,applied\nA,B,soon\n", []string{"import", "{dir}/in", "--apply"}, "1 rows cannot be read"},
		{"import future json", `{"onward_export": 2}`, []string{"import", "{dir}/in", "--apply"}, `"onward_export" is 2`},
		{"import not export", `{"hello": 1}`, []string{"import", "{dir}/in", "--apply"}, `no "onward_export"`},
		{"restore missing", "", []string{"restore", "{dir}/nothing.db"}, "no such file"},
		{"restore text", "hello", []string{"restore", "{dir}/in"}, "not an onward database"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t).inProcess()
			apply(t, e, "--company", "Acme", "--role", "Engineer")
			writeFile(t, filepath.Join(e.dir, "in"), tc.file, 0o600)
			writeFile(t, filepath.Join(e.dir, "empty"), "", 0o600)
			before := snap(t, e)
			args := make([]string, len(tc.args))
			for i, a := range tc.args {
				args[i] = strings.ReplaceAll(a, "{dir}", e.dir)
			}
			out, stderr, code := run(t, e, args...)
			if code != 2 || !strings.Contains(stderr+out, tc.want) || !strings.HasPrefix(stderr, "onward: ") {
				t.Errorf("%v: exit %d, stderr %q, stdout %q; want exit 2 naming %q", args, code, stderr, out, tc.want)
			}
			sameState(t, before, snap(t, e))
		})
	}
}
