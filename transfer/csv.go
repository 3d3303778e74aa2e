package transfer

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/store"
	"github.com/onward-app/onward/tracker"
)

// The fields of an application a spreadsheet column can fill.
const (
	FieldCompany   = "company"
	FieldRole      = "role"
	FieldStage     = "stage"
	FieldApplied   = "applied"
	FieldRecruiter = "recruiter"
	FieldEmail     = "email"
	FieldURL       = "url"
	FieldNotes     = "notes"
	// FieldIgnore, with --map, leaves a column out without a word.
	FieldIgnore = "ignore"
)

// Fields lists the fields --map may name.
func Fields() []string {
	return []string{FieldCompany, FieldRole, FieldStage, FieldApplied, FieldRecruiter, FieldEmail, FieldURL, FieldNotes, FieldIgnore}
}

// headerNames are the column titles each field is recognised by, after
// normalising (lower case, words separated by one space).
var headerNames = map[string][]string{
	FieldCompany:   {"company", "company name", "employer", "organization", "organisation", "firm"},
	FieldRole:      {"role", "title", "job title", "position", "job", "role title", "position title"},
	FieldStage:     {"status", "stage", "application status", "state"},
	FieldApplied:   {"applied", "applied date", "date applied", "applied on", "application date", "date", "date of application"},
	FieldRecruiter: {"recruiter", "contact", "recruiter name", "contact name", "contact person", "hiring manager"},
	FieldEmail:     {"email", "e mail", "recruiter email", "contact email", "email address"},
	FieldURL:       {"link", "url", "job link", "job url", "posting", "job posting", "listing"},
	FieldNotes:     {"notes", "note", "comments", "comment"},
}

// stageWords are the words a status column may hold, for each stage.
var stageWords = map[string]onward.Stage{
	"": onward.StageApplied, "applied": onward.StageApplied, "submitted": onward.StageApplied, "sent": onward.StageApplied,
	"waiting": onward.StageApplied, "pending": onward.StageApplied, "no answer": onward.StageApplied, "ghosted": onward.StageApplied,
	"interviewing": onward.StageInterviewing, "interview": onward.StageInterviewing, "interviewed": onward.StageInterviewing,
	"screen": onward.StageInterviewing, "phone screen": onward.StageInterviewing, "screening": onward.StageInterviewing,
	"onsite": onward.StageInterviewing, "in progress": onward.StageInterviewing,
	"rejected": onward.StageRejected, "rejection": onward.StageRejected, "declined": onward.StageRejected,
	"not selected": onward.StageRejected, "no": onward.StageRejected, "turned down": onward.StageRejected,
	"offer": onward.StageOffer, "offered": onward.StageOffer, "accepted": onward.StageOffer,
	"withdrawn": onward.StageWithdrawn, "withdrew": onward.StageWithdrawn, "withdraw": onward.StageWithdrawn,
}

func normalise(h string) string {
	h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
	h = strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 0x7f {
			return r
		}
		return ' '
	}, h)
	return strings.Join(strings.Fields(h), " ")
}

// SheetOptions say how to read a spreadsheet.
type SheetOptions struct {
	// Map is column title → field, for titles the common names miss.
	Map map[string]string
	// Order reads numeric dates that could be either way.
	Order DateOrder
	// Location is the zone dates are in (the user's).
	Location *time.Location
	// Now stamps rows without a date.
	Now time.Time
}

// CellError is a cell that cannot be read.
type CellError struct {
	Line   int    // line in the file, from 1 (the header is line 1)
	Column int    // column, from 1
	Header string // the column's title
	Msg    string
}

func (e CellError) Error() string {
	if e.Column == 0 {
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	}
	return fmt.Sprintf("line %d, column %s (%q): %s", e.Line, columnName(e.Column), e.Header, e.Msg)
}

// columnName is a column's letters as a spreadsheet shows them: 1 is A,
// 27 is AA.
func columnName(n int) string {
	s := ""
	for n > 0 {
		n--
		s = string(rune('A'+n%26)) + s
		n /= 26
	}
	return s
}

// Sheet is a spreadsheet read.
type Sheet struct {
	Rows []tracker.ImportApplication
	// Bad are the rows that cannot be read, one error each.
	Bad []CellError
	// Unread are the titles of columns no field matched.
	Unread []string
	// columns is field → 1-based column number.
	columns map[string]int
	headers []string
}

// FieldError turns an error of the tracker about a field of the row at
// line into the cell it came from.
func (s Sheet) FieldError(line int, err error) CellError {
	var ie *tracker.InputError
	field := ""
	msg := err.Error()
	if errors.As(err, &ie) {
		field, msg = ie.Field, ie.Msg
	}
	switch field {
	case "recruiter":
		if s.columns[FieldRecruiter] == 0 {
			field = FieldEmail
		}
	case "recruiter-tz":
		field = ""
	}
	col := s.columns[field]
	if col == 0 {
		return CellError{Line: line, Msg: msg}
	}
	return CellError{Line: line, Column: col, Header: s.headers[col-1], Msg: msg}
}

// ReadSheet reads a CSV spreadsheet with a header row. An error is a
// problem with the whole file (no header, no company or role column, a
// --map that names no column); a row that cannot be read is in Bad, with
// its line and column.
func ReadSheet(r io.Reader, opt SheetOptions) (Sheet, error) {
	var s Sheet
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	header, err := cr.Read()
	if err == io.EOF {
		return s, fmt.Errorf("line 1: the file is empty; it needs a header row (company, role, ...)")
	}
	if err != nil {
		return s, fmt.Errorf("line 1: %w", err)
	}
	s.headers = header
	s.columns = map[string]int{}
	mapped := map[string]string{}
	for col, field := range opt.Map {
		if !slices.Contains(Fields(), field) {
			return s, fmt.Errorf("--map %s=%s: %q is not a field (one of %s)", col, field, field, strings.Join(Fields(), ", "))
		}
		mapped[normalise(col)] = field
	}
	used := map[string]bool{}
	for i, h := range header {
		n := normalise(h)
		field, ok := mapped[n]
		if ok {
			used[n] = true
		} else {
			for f, names := range headerNames {
				if slices.Contains(names, n) {
					field, ok = f, true
				}
			}
		}
		switch {
		case !ok:
			s.Unread = append(s.Unread, h)
		case field == FieldIgnore:
		case s.columns[field] != 0:
			// The first column of a field wins; say so of the rest.
			s.Unread = append(s.Unread, h)
		default:
			s.columns[field] = i + 1
		}
	}
	for col := range opt.Map {
		if !used[normalise(col)] {
			return s, fmt.Errorf("--map %s=...: the header row has no column %q (it has: %s)", col, col, strings.Join(header, ", "))
		}
	}
	for _, f := range []string{FieldCompany, FieldRole} {
		if s.columns[f] == 0 {
			return s, fmt.Errorf("line 1: no %s column (looked for %s; name one with --map COLUMN=%s)",
				f, strings.Join(headerNames[f], ", "), f)
		}
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				s.Bad = append(s.Bad, CellError{Line: pe.Line, Column: pe.Column, Msg: pe.Err.Error()})
				continue
			}
			return s, err
		}
		if blank(rec) {
			continue
		}
		row, bad := s.readRow(rec, line, opt)
		if bad != nil {
			s.Bad = append(s.Bad, *bad)
			continue
		}
		s.Rows = append(s.Rows, row)
	}
	return s, nil
}

func blank(rec []string) bool {
	for _, v := range rec {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}

func (s Sheet) readRow(rec []string, line int, opt SheetOptions) (tracker.ImportApplication, *CellError) {
	cell := func(field string) string {
		i := s.columns[field]
		if i == 0 || i > len(rec) {
			return ""
		}
		return unescapeCell(strings.TrimSpace(rec[i-1]))
	}
	bad := func(field, format string, args ...any) *CellError {
		c := s.columns[field]
		return &CellError{Line: line, Column: c, Header: s.headers[c-1], Msg: fmt.Sprintf(format, args...)}
	}
	row := tracker.ImportApplication{Line: line}
	row.Company, row.Role, row.URL, row.Notes = cell(FieldCompany), cell(FieldRole), cell(FieldURL), cell(FieldNotes)
	for _, f := range []string{FieldCompany, FieldRole} {
		if cell(f) == "" {
			return row, bad(f, "empty; every application needs a %s", f)
		}
	}
	name, email := cell(FieldRecruiter), cell(FieldEmail)
	switch {
	case name != "" && email != "" && !strings.Contains(name, "@"):
		row.Recruiter = fmt.Sprintf("%s <%s>", strings.ReplaceAll(name, `"`, ""), email)
		if strings.ContainsAny(name, ",;<>") {
			row.Recruiter = fmt.Sprintf("%q <%s>", name, email)
		}
	case email != "":
		row.Recruiter = email
	default:
		row.Recruiter = name
	}
	if s.columns[FieldStage] != 0 {
		v := cell(FieldStage)
		st, ok := stageWords[normalise(v)]
		if !ok {
			return row, bad(FieldStage, "%q is not a stage onward knows (applied, interviewing, rejected, offer, withdrawn)", v)
		}
		row.Stage = st
	}
	if v := cell(FieldApplied); v != "" {
		t, err := ParseDate(v, opt.Order, opt.Location)
		if err != nil {
			return row, bad(FieldApplied, "%v", err)
		}
		if t.After(opt.Now) {
			return row, bad(FieldApplied, "%s is in the future", v)
		}
		row.At = t
	} else {
		row.At, row.Undated = opt.Now, true
	}
	return row, nil
}

// csvColumns are the columns of the CSV export, in order; ReadSheet
// recognises each of them.
var csvColumns = []string{"company", "role", "stage", "applied", "recruiter", "email", "url", "notes", "last event", "next message"}

// WriteCSV writes one row per application, with its last event and its
// next planned message, times in loc.
func WriteCSV(w io.Writer, all []store.Overview, loc *time.Location) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvColumns); err != nil {
		return err
	}
	for _, o := range all {
		a := o.App
		last, next := "", ""
		if o.Last != nil {
			last = string(o.Last.Kind) + " " + o.Last.At.In(loc).Format("2006-01-02 15:04")
		}
		if o.Next != nil {
			next = o.Next.Kind.Label() + " " + o.Next.DueAt.In(loc).Format("2006-01-02 15:04")
		}
		rec := []string{a.Company, a.Role, string(a.Stage), a.AppliedAt.In(loc).Format(time.DateOnly),
			a.RecruiterName, a.RecruiterEmail, a.URL, a.Notes, last, next}
		for i, v := range rec {
			rec[i] = escapeCell(v)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// escapeCell keeps a spreadsheet from taking a cell for a formula: one
// that begins with = + - @ (or a tab or CR) gets a leading apostrophe,
// which spreadsheets show as text and ReadSheet takes off again.
func escapeCell(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}

func unescapeCell(v string) string {
	if len(v) > 1 && v[0] == '\'' && strings.ContainsRune("=+-@\t\r", rune(v[1])) {
		return v[1:]
	}
	return v
}
