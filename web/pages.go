package web

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/compose"
	"github.com/onward-app/onward/plan"
	"github.com/onward-app/onward/store"
	"github.com/onward-app/onward/tracker"
)

//go:embed assets
var assets embed.FS

// pageNames are the pages; each is assets/NAME.html inside the layout.
var pageNames = []string{"board", "app", "drafts", "confirm", "ask", "plan", "lessons", "settings"}

func parsePages() (map[string]*template.Template, error) {
	base, err := template.New("layout.html").Funcs(funcs).ParseFS(assets, "assets/layout.html", "assets/forms.html")
	if err != nil {
		return nil, fmt.Errorf("web: templates: %w", err)
	}
	out := map[string]*template.Template{}
	for _, name := range pageNames {
		t, err := template.Must(base.Clone()).ParseFS(assets, "assets/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("web: templates: %w", err)
		}
		out[name] = t
	}
	return out, nil
}

var funcs = template.FuncMap{
	"label": func(k onward.Kind) string { return k.Label() },
	"lines": func(s string) []string { return strings.Split(s, "\n") },
	"join":  strings.Join,
	"list":  func(v ...any) []any { return v },
	"sub1":  func(n int) int { return n - 1 },
	// draftLink is where a draft is on the drafts page, a page of them.
	"draftLink": draftLink,
}

// page is what every page's template gets: the data of the page and
// what the layout needs.
type page struct {
	Title  string
	Nav    string
	CSRF   string
	Notice string
	Error  string
	Drafts int // waiting drafts, shown in the menu
	Data   any
}

func (s *Server) routes() {
	m := http.NewServeMux()
	m.HandleFunc("GET /{$}", s.board)
	m.HandleFunc("POST /apps", s.apply)
	m.HandleFunc("GET /apps/{id}", s.application)
	m.HandleFunc("POST /apps/{id}/{action}", s.appAction)
	m.HandleFunc("GET /drafts", s.drafts)
	m.HandleFunc("GET /drafts/{id}/send", s.confirmSend)
	m.HandleFunc("GET /drafts/{id}/eml", s.eml)
	m.HandleFunc("POST /drafts/{id}/{action}", s.draftAction)
	m.HandleFunc("GET /plan", s.plan)
	m.HandleFunc("GET /lessons", s.lessons)
	m.HandleFunc("POST /lessons", s.logLesson)
	m.HandleFunc("GET /settings", s.settings)
	s.actionRoutes(m)
	static, _ := fs.Sub(assets, "assets/static")
	files := http.FileServerFS(static)
	m.Handle("GET /static/", http.StripPrefix("/static/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Assets hold no data: they may be cached, unlike the pages.
		w.Header().Set("Cache-Control", "private, max-age=3600")
		files.ServeHTTP(w, r)
	})))
	s.mux = m
}

// menuDrafts is where the menu's count of waiting drafts stops: counting
// ten thousand of them on every page would cost more than the page.
const menuDrafts = 100

// render writes a page; the template runs into a buffer first so that an
// error in it is a clean 500, not half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p page) {
	p.CSRF = s.csrf
	// The menu's badge stops counting at menuDrafts ("99+"); the drafts
	// page, which says how many it shows of how many, counts them all.
	// (The layout's 100 is menuDrafts.)
	upTo := menuDrafts
	if name == "drafts" {
		upTo = 0
	}
	if n, err := s.o.Store.CountDrafts(r.Context(), upTo); err == nil {
		p.Drafts = n
	}
	var b bytes.Buffer
	if err := s.pages[name].ExecuteTemplate(&b, "layout.html", p); err != nil {
		s.o.Log.Error("web: render", "page", name, "err", err)
		http.Error(w, "the page could not be drawn: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(b.Len()))
	w.WriteHeader(status)
	w.Write(b.Bytes())
}

// fail shows err: a mistake in the input as 400 with its words, anything
// else as 500.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	status := http.StatusInternalServerError
	msg := err.Error()
	switch {
	case errors.Is(err, tracker.ErrInvalid), errors.As(err, new(inputError)):
		status = http.StatusBadRequest
	case errors.Is(err, store.ErrNotFound):
		// "application 999: not found": the package that said it is no
		// news to the user.
		status, msg = http.StatusNotFound, strings.TrimPrefix(msg, "store: ")
	default:
		s.o.Log.Error("web: request", "path", r.URL.Path, "err", err)
	}
	s.render(w, r, status, "settings", page{Title: "Something went wrong", Error: msg, Data: nil})
}

// inputError is a mistake in a form field that the tracker does not see
// (a duration, an id).
type inputError struct{ msg string }

func (e inputError) Error() string { return e.msg }

func badInput(format string, args ...any) error { return inputError{fmt.Sprintf(format, args...)} }

func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, badInput("%q is not an id", r.PathValue("id"))
	}
	return id, nil
}

// when formats a time in the user's zone.
func (s *Server) when(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(s.o.Config.Location()).Format("Mon 2 Jan 2006 15:04 MST")
}

func (s *Server) day(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(s.o.Config.Location()).Format("Mon 2 Jan 2006")
}

// columns are the board's, in the order of a hunt; closed gathers the
// outcomes that end an application.
var columns = []struct {
	Name   string
	Title  string
	Stages []onward.Stage
}{
	{"applied", "Applied", []onward.Stage{onward.StageApplied}},
	{"interviewing", "Interviewing", []onward.Stage{onward.StageInterviewing}},
	{"offer", "Offer", []onward.Stage{onward.StageOffer}},
	{"closed", "Closed", []onward.Stage{onward.StageRejected, onward.StageWithdrawn}},
}

type card struct {
	ID                   int64
	Company, Role, Stage string
	Outcome              string // the stage, in a column of more than one
	Next                 string // the next message and when
	Quiet                string // "quiet since DATE", for one gone quiet
	Needs                []string
}

type column struct {
	Name, Title string
	Cards       []card
	Total       int
	More        string // the link to the rest of the column, when cut
	Newest      string // on a later page of a column: the link to its first
}

type boardData struct {
	Columns []column
	Stage   string
	Q       string
	Stages  []string
}

// boardLimit and stageLimit keep the board readable and light at
// thousands of applications: the newest of each column with its count,
// the whole column one link away, a page of stageLimit at a time.
const (
	boardLimit = 20
	stageLimit = 50
)

func (s *Server) board(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	stage := r.URL.Query().Get("stage")
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	valid := stage == ""
	for _, c := range columns {
		valid = valid || c.Name == stage
	}
	if !valid {
		s.fail(w, r, badInput("stage: %q is not one of applied, interviewing, offer, closed", stage))
		return
	}
	var before int64
	if v := r.URL.Query().Get("before"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			s.fail(w, r, badInput("before: %q is not an application id", v))
			return
		}
		before = n
	}
	// A search across the columns is a board of its own; one column, a
	// page of it.
	limit := boardLimit
	if stage != "" {
		limit = stageLimit
	}
	d := boardData{Stage: stage, Q: q}
	var cols [][]onward.Stage
	var shown []int
	for i, c := range columns {
		d.Stages = append(d.Stages, c.Name)
		if stage == "" || stage == c.Name {
			cols = append(cols, c.Stages)
			shown = append(shown, i)
		}
	}
	// A page of each column and its count, then the messages of the
	// cards shown in one statement: the board of a long hunt costs its
	// cards, not its thousands of applications and messages.
	pages, err := s.o.Store.Board(ctx, cols, q, before, limit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var ids []int64
	for _, p := range pages {
		for _, a := range p.Apps {
			ids = append(ids, a.ID)
		}
	}
	msgs, err := s.o.Store.CardMessages(ctx, ids)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var shownApps []store.Application
	for _, p := range pages {
		shownApps = append(shownApps, p.Apps...)
	}
	quiet, err := s.quiet(ctx, shownApps)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for j, p := range pages {
		c := columns[shown[j]]
		col := column{Name: c.Name, Title: c.Title, Total: p.Total}
		for _, a := range p.Apps {
			cd := s.card(a, msgs[a.ID])
			if since, ok := quiet[a.ID]; ok {
				cd.Quiet = "quiet since " + s.day(since)
			}
			col.Cards = append(col.Cards, cd)
		}
		switch {
		case p.Next != 0 && stage == "":
			col.More = "/?" + urlValues("stage", c.Name, "q", q)
		case p.Next != 0:
			col.More = "/?" + urlValues("stage", c.Name, "q", q, "before", strconv.FormatInt(p.Next, 10))
		}
		if before != 0 {
			col.Newest = "/?" + urlValues("stage", c.Name, "q", q)
		}
		d.Columns = append(d.Columns, col)
	}
	s.render(w, r, http.StatusOK, "board", page{Title: "The hunt", Nav: "board", Notice: notices[r.URL.Query().Get("done")], Data: d})
}

// quiet says which of apps have gone quiet, and since when, as `onward
// status` does; one statement for all of them, none for a closed one.
func (s *Server) quiet(ctx context.Context, apps []store.Application) (map[int64]time.Time, error) {
	var open []store.Application
	var ids []int64
	for _, a := range apps {
		if a.Stage == onward.StageApplied || a.Stage == onward.StageInterviewing {
			open = append(open, a)
			ids = append(ids, a.ID)
		}
	}
	after := s.o.Config.QuietAfter()
	if len(ids) == 0 || after.IsZero() {
		return nil, nil
	}
	silences, err := s.o.Store.CardSilences(ctx, ids, plan.ChaseKinds(), plan.AnswerKinds())
	if err != nil {
		return nil, err
	}
	return compose.Quiet(open, silences, s.o.Config.Location(), after, s.o.Now()), nil
}

// card is one application on the board: its next message and what
// waits on the user (drafts to review, messages that failed, a recruiter
// draft with no address to go to). msgs are its messages by due time.
func (s *Server) card(a store.Application, msgs []store.Message) card {
	cd := card{ID: a.ID, Company: a.Company, Role: a.Role, Stage: string(a.Stage)}
	if a.Stage == onward.StageRejected || a.Stage == onward.StageWithdrawn {
		cd.Outcome = string(a.Stage)
	}
	for _, m := range msgs {
		switch m.Status {
		case onward.StatusScheduled:
			if cd.Next == "" {
				cd.Next = m.Kind.Label() + " · " + s.when(m.DueAt)
			}
			if m.Audience == onward.Recruiter && m.To == "" {
				cd.Needs = append(cd.Needs, "the recruiter's address, for the "+m.Kind.Label())
			}
		case onward.StatusDrafted:
			cd.Needs = append(cd.Needs, "a "+m.Kind.Label()+" to review and send")
		case onward.StatusFailed:
			cd.Needs = append(cd.Needs, "a "+m.Kind.Label()+" failed: "+m.LastError)
		}
	}
	return cd
}

func urlValues(kv ...string) string {
	var b strings.Builder
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('&')
		}
		b.WriteString(kv[i] + "=" + urlQuery(kv[i+1]))
	}
	return b.String()
}

func urlQuery(v string) string { return template.URLQueryEscaper(v) }

// notices are the words shown after a form succeeded; a fixed list, so
// that no address can make the page say something of its choosing.
var notices = map[string]string{
	"apply":     "Application recorded.",
	"interview": "Interview recorded; its follow-ups are planned below.",
	"reply":     "Reply recorded; the status check is cancelled.",
	"reject":    "Rejection recorded. Learn, log, let go: the follow-ups are planned below.",
	"offer":     "Offer recorded. Congratulations!",
	"withdraw":  "Withdrawal recorded; everything pending is cancelled.",
	"close":     "Let go: nothing was sent to them, and everything pending for it is cancelled. Undo takes it back.",
	"lesson":    "Lesson logged.",
	"feedback":  "Feedback recorded.",
	"undo":      "The last event is taken back: what it planned and had not gone out is cancelled.",
	"edit":      "Details saved.",
	"unchanged": "Nothing changed: it was recorded already.",
	"saved":     "Draft saved.",
	"sent":      "Sent.",
	"marked":    "Marked as sent from your mail program.",
	"discarded": "Draft discarded; it is never sent.",
	"retracted": "Recorded: they withdrew the offer. It is closed, and everything pending for it is cancelled.",
	"decline":   "Offer declined. A short, gracious note to the recruiter comes to the drafts for you to review and send.",
	"accepted":  "Offer accepted. Congratulations! The withdrawal notes to the others come to the drafts for you to review and send.",
	"deleted":   "Application deleted, with everything recorded on it.",
	"revised":   "Lesson saved.",
	"forgotten": "Lesson deleted.",
}

type event struct {
	When, What, Note string
	// Kind is the stored kind, for the template's tests; What and Noun
	// are its words.
	Kind    string
	Noun    string
	Details []detail
}

type msgRow struct {
	ID                  int64
	Kind, Status, When  string
	To, Reason, Subject string
	Draft               bool
}

type appData struct {
	App      store.Application
	Applied  string
	Events   []event
	Messages []msgRow
	Lessons  []lessonRow
	Closed   bool
	// Quiet is the day its last follow-up went out, for one gone quiet
	// with no answer since; it offers to let it go.
	Quiet          string
	InterviewKinds []string
	// OpenLesson is the lesson whose edit form is open, from a link on
	// the lessons page.
	OpenLesson int64
	// Recruiter is the field as the edit form shows it, and compares it.
	Recruiter string
	Form      map[string]string // the values of a form that failed
}

func (s *Server) application(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.showApp(w, r, id, http.StatusOK, notices[r.URL.Query().Get("done")], "", nil)
}

func (s *Server) showApp(w http.ResponseWriter, r *http.Request, id int64, status int, notice, errText string, form map[string]string) {
	ctx := r.Context()
	a, err := s.o.Store.Application(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	evs, err := s.o.Store.Timeline(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	msgs, err := s.o.Store.Messages(ctx, store.MessageFilter{ApplicationID: id, NoBodies: true})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ls, err := s.o.Store.Lessons(ctx, store.LessonFilter{ApplicationID: id})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := appData{App: a, Applied: s.day(a.AppliedAt), Closed: a.Closed(), Form: form, Recruiter: recruiterField(a)}
	d.OpenLesson, _ = strconv.ParseInt(r.URL.Query().Get("lesson"), 10, 64)
	quiet, err := s.quiet(ctx, []store.Application{a})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if since, ok := quiet[a.ID]; ok {
		d.Quiet = s.day(since)
	}
	for _, k := range onward.InterviewKinds() {
		d.InterviewKinds = append(d.InterviewKinds, strings.ReplaceAll(string(k), "_", " "))
	}
	for _, e := range evs {
		when := s.when(e.At)
		if !e.EndsAt.IsZero() {
			when += " – " + e.EndsAt.In(s.o.Config.Location()).Format("15:04")
		}
		ds, err := s.eventDetails(ctx, e)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d.Events = append(d.Events, event{When: when, What: e.Kind.Label(), Kind: string(e.Kind), Noun: e.Kind.Noun(), Note: e.Note, Details: ds})
	}
	for _, m := range msgs {
		d.Messages = append(d.Messages, s.row(m))
	}
	d.Lessons = s.lessonRows(ls)
	s.render(w, r, status, "app", page{Title: a.Company + " — " + a.Role, Nav: "board", Notice: notice, Error: errText, Data: d})
}

func (s *Server) row(m store.Message) msgRow {
	when := s.when(m.DueAt)
	if m.Status == onward.StatusSent {
		when = s.when(m.SentAt)
	}
	to := m.To
	if m.Audience == onward.User {
		to = "you"
	} else if to == "" {
		to = "(no address yet)"
	}
	return msgRow{ID: m.ID, Kind: m.Kind.Label(), Status: string(m.Status), When: when, To: to, Reason: m.LastError,
		Subject: m.Subject, Draft: m.Status == onward.StatusDrafted && m.Audience == onward.Recruiter}
}

type lessonRow struct {
	When, Company, Text string
	ID, AppID           int64
	Tags                []string
	// Extra are the tags not written in the text, as the edit form
	// gives them back.
	Extra string
	// Edit is where its edit and delete forms are: its application's
	// page, opened at it; empty for a lesson on no application, whose
	// forms are on the lessons page.
	Edit string
}

func (s *Server) lessonRows(ls []store.Lesson) []lessonRow {
	out := make([]lessonRow, 0, len(ls))
	for _, l := range ls {
		out = append(out, lessonRow{When: s.day(l.CreatedAt), Company: l.Company, Text: l.Text, ID: l.ID, AppID: l.ApplicationID, Tags: l.Tags,
			Extra: extraTags(l), Edit: lessonEdit(l)})
	}
	return out
}

// lessonEdit is the link to lesson l's edit and delete forms on its
// application's page, which opens them.
func lessonEdit(l store.Lesson) string {
	if l.ApplicationID == 0 {
		return ""
	}
	id := strconv.FormatInt(l.ID, 10)
	return appPath(l.ApplicationID) + "?lesson=" + id + "#lesson-" + id
}

// recruiterField is the recruiter as the edit form shows it: the address
// with its name, or the name alone while the address is unknown.
func recruiterField(a store.Application) string {
	if a.RecruiterEmail == "" {
		return a.RecruiterName
	}
	return tracker.RecruiterAddress(a)
}
