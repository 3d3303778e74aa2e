package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/store"
	"github.com/onward-app/onward/tracker"
)

// This file holds the actions that ask before they act (deleting an
// application, accepting an offer), the lessons' edit and delete, and
// what the timeline shows of an event beyond its kind and time.

func (s *Server) actionRoutes(m *http.ServeMux) {
	m.HandleFunc("GET /apps/{id}/delete", s.askDelete)
	m.HandleFunc("POST /apps/{id}/delete", s.deleteApp)
	m.HandleFunc("GET /apps/{id}/accept", s.askAccept)
	m.HandleFunc("POST /apps/{id}/accept", s.accept)
	m.HandleFunc("POST /lessons/{id}/{action}", s.lessonAction)
}

// askData is a question before a change that cannot be taken back with
// one click: what it does, item by item, and the form that does it.
type askData struct {
	Intro  string
	Items  []askItem
	After  []string
	Action string
	Fields []askField
	Button string
	Danger bool
	Back   string
}

type askItem struct{ Name, Note string }

type askField struct{ Name, Value string }

func appPath(id int64) string { return "/apps/" + strconv.FormatInt(id, 10) }

// footprintWords says what deleting an application removes, as
// `onward delete` says it.
func footprintWords(f store.Footprint) string {
	n := func(v int, word string) string {
		if v == 1 {
			return "1 " + word
		}
		return strconv.Itoa(v) + " " + word + "s"
	}
	w := n(f.Events, "event") + ", " + n(f.Lessons, "lesson") + ", " + n(f.Messages, "message")
	if f.Sent > 0 {
		w += fmt.Sprintf(" (%d sent: they leave the history too)", f.Sent)
	}
	return w
}

// askDelete is `onward delete`'s question: what goes, and a yes.
func (s *Server) askDelete(w http.ResponseWriter, r *http.Request) {
	s.showAskDelete(w, r, http.StatusOK, "")
}

func (s *Server) showAskDelete(w http.ResponseWriter, r *http.Request, status int, errText string) {
	ctx := r.Context()
	a, f, err := s.footprint(ctx, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := askData{
		Intro: fmt.Sprintf("%s — %s (%d), %s: %s.", a.Company, a.Role, a.ID, a.Stage, footprintWords(f)),
		After: []string{
			"All of it is removed: its events, its lessons, and its messages, the ones already sent too. Nothing is sent or cancelled at a recruiter's end; a draft you already sent stays in your mail program.",
			"To take back only the last thing recorded, use “Take back the last event” on its page instead.",
		},
		Action: appPath(a.ID) + "/delete",
		Fields: []askField{{"confirm", "yes"}, {"footprint", footprintWords(f)}},
		Button: "Delete it", Danger: true, Back: appPath(a.ID),
	}
	s.render(w, r, status, "ask", page{Title: "Delete this application?", Nav: "board", Error: errText, Data: d})
}

func (s *Server) footprint(ctx context.Context, r *http.Request) (store.Application, store.Footprint, error) {
	id, err := pathID(r)
	if err != nil {
		return store.Application{}, store.Footprint{}, err
	}
	a, err := s.o.Store.Application(ctx, id)
	if err != nil {
		return a, store.Footprint{}, err
	}
	f, err := s.o.Store.Footprint(ctx, id)
	return a, f, err
}

func (s *Server) deleteApp(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	a, f, err := s.footprint(ctx, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if r.PostFormValue("confirm") != "yes" {
		s.showAskDelete(w, r, http.StatusBadRequest, "delete: confirm it on this page first; nothing was deleted")
		return
	}
	// What was confirmed is what goes: a message planned or sent since
	// (by the daemon, the CLI) is shown again before it is deleted.
	if r.PostFormValue("footprint") != footprintWords(f) {
		s.showAskDelete(w, r, http.StatusConflict, "delete: it changed since you confirmed; read it again. Nothing was deleted.")
		return
	}
	if _, err := s.o.Tracker.Delete(ctx, a.ID); err != nil {
		if errors.Is(err, tracker.ErrInvalid) {
			s.showAskDelete(w, r, http.StatusBadRequest, err.Error())
			return
		}
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/?done=deleted", http.StatusSeeOther)
}

// acceptPreview is what accepting the offer of the path's application
// would do, from the tracker's own code run without writing; sig names
// the applications it closes and who gets a withdrawal draft, so that the
// acceptance can make sure it does what the user read.
func (s *Server) acceptPreview(r *http.Request, raw string) (a store.Application, res tracker.Accepted, items []askItem, sig string, err error) {
	ctx := r.Context()
	id, err := pathID(r)
	if err != nil {
		return a, res, nil, "", err
	}
	if a, err = s.o.Store.Application(ctx, id); err != nil {
		return a, res, nil, "", err
	}
	at, err := s.parseAt(raw)
	if err != nil {
		return a, res, nil, "", err
	}
	if res, err = s.o.Tracker.PreviewAccept(ctx, id, at); err != nil {
		return a, res, nil, "", err
	}
	var parts []string
	for _, o := range res.Others {
		// The stage it has now: the preview's is the one it would get.
		now, err := s.o.Store.Application(ctx, o.App.ID)
		if err != nil {
			return a, res, nil, "", err
		}
		it := askItem{Name: fmt.Sprintf("%s — %s (%d), %s", now.Company, now.Role, now.ID, now.Stage),
			Note: "no withdrawal draft: no recruiter who may answer is known"}
		to := ""
		for _, m := range o.Scheduled {
			if m.Kind == onward.Withdrawal {
				to = m.To
				it.Note = "a withdrawal draft to " + m.To + ", for you to review and send"
			}
		}
		items = append(items, it)
		parts = append(parts, strconv.FormatInt(o.App.ID, 10)+"="+to)
	}
	slices.Sort(parts)
	return a, res, items, strings.Join(parts, ","), nil
}

// askAccept shows what `onward accept` does before it does it: which
// applications close, and which of them get a withdrawal draft.
func (s *Server) askAccept(w http.ResponseWriter, r *http.Request) {
	s.showAskAccept(w, r, r.URL.Query().Get("at"), http.StatusOK, "")
}

func (s *Server) showAskAccept(w http.ResponseWriter, r *http.Request, at string, status int, errText string) {
	a, res, items, sig, err := s.acceptPreview(r, at)
	if err != nil {
		if errors.Is(err, tracker.ErrInvalid) || errors.As(err, new(inputError)) {
			s.showApp(w, r, a.ID, http.StatusBadRequest, "", "accept: "+strings.TrimPrefix(err.Error(), "accept: "), map[string]string{"action": "accept", "at": at})
			return
		}
		s.fail(w, r, err)
		return
	}
	if res.Unchanged {
		http.Redirect(w, r, appPath(a.ID)+"?done=unchanged", http.StatusSeeOther)
		return
	}
	d := askData{
		Intro:  fmt.Sprintf("You accept the offer of %s — %s: the end of the hunt. You get a short note of congratulations.", a.Company, a.Role),
		Items:  items,
		Action: appPath(a.ID) + "/accept",
		Fields: []askField{{"confirm", "yes"}, {"at", at}, {"others", sig}},
		Button: "Accept the offer", Back: appPath(a.ID),
	}
	if len(items) > 0 {
		d.Intro += " Every other application still open is closed as withdrawn, and everything pending for it is cancelled:"
	} else {
		d.Intro += " No other application is open."
	}
	d.After = []string{"Nothing reaches a recruiter until you send it from the drafts. “Take back the last event” on this application's page undoes all of it."}
	s.render(w, r, status, "ask", page{Title: "Accept this offer?", Nav: "board", Error: errText, Data: d})
}

func (s *Server) accept(w http.ResponseWriter, r *http.Request) {
	at := r.PostFormValue("at")
	if r.PostFormValue("confirm") != "yes" {
		s.showAskAccept(w, r, at, http.StatusBadRequest, "accept: confirm it on this page first; nothing was recorded")
		return
	}
	a, _, _, sig, err := s.acceptPreview(r, at)
	if err != nil {
		s.showAskAccept(w, r, at, http.StatusBadRequest, "")
		return
	}
	// An application added or closed since the question was read (by the
	// CLI, the mailbox) would be closed, or spared, unseen.
	if r.PostFormValue("others") != sig {
		s.showAskAccept(w, r, at, http.StatusConflict, "accept: the other applications changed since you read this; read it again. Nothing was recorded.")
		return
	}
	t, err := s.parseAt(at)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if _, err := s.o.Tracker.Accept(r.Context(), a.ID, t); err != nil {
		if errors.Is(err, tracker.ErrInvalid) {
			s.showAskAccept(w, r, at, http.StatusBadRequest, err.Error())
			return
		}
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, appPath(a.ID)+"?done=accepted", http.StatusSeeOther)
}

// lessonAction edits or deletes a lesson, as `onward lessons edit` and
// `onward lessons delete` do, and goes back to the application's page
// the form was on.
func (s *Server) lessonAction(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	back, _ := strconv.ParseInt(r.PostFormValue("app"), 10, 64)
	var l store.Lesson
	var done string
	switch r.PathValue("action") {
	case "edit":
		l, err = s.o.Tracker.EditLesson(ctx, id, r.PostFormValue("text"), strings.Fields(r.PostFormValue("tags"))...)
		done = "revised"
	case "delete":
		l, err = s.o.Tracker.DeleteLesson(ctx, id)
		done = "forgotten"
	default:
		http.NotFound(w, r)
		return
	}
	if err != nil {
		if back > 0 && errors.Is(err, tracker.ErrInvalid) {
			// Its own keys: the form to log a new lesson keeps its own.
			form := map[string]string{"action": "lesson-" + strconv.FormatInt(id, 10),
				"lesson-text": r.PostFormValue("text"), "lesson-tags": r.PostFormValue("tags")}
			s.showApp(w, r, back, http.StatusBadRequest, "", err.Error(), form)
			return
		}
		s.fail(w, r, err)
		return
	}
	if l.ApplicationID != 0 {
		http.Redirect(w, r, appPath(l.ApplicationID)+"?done="+done, http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/lessons?done="+done, http.StatusSeeOther)
}

// detail is one line of what an event carries beyond its kind and time:
// who interviewed, the topics, what the feedback said.
type detail struct {
	Label  string
	Values []string
}

// eventDetails reads what was recorded with e: an interview's kind,
// place, interviewers, topics and the day they decide by; feedback's
// words, or that they give none.
func (s *Server) eventDetails(ctx context.Context, e store.Event) ([]detail, error) {
	var out []detail
	add := func(label string, values ...string) {
		if len(values) > 0 && values[0] != "" {
			out = append(out, detail{label, values})
		}
	}
	switch e.Kind {
	case onward.Interview:
		d, err := s.o.Store.InterviewDetails(ctx, e.ID)
		if err != nil {
			return nil, err
		}
		add("Kind", strings.ReplaceAll(string(d.Kind), "_", " "))
		var with []string
		for _, p := range d.With {
			v := p.Name
			if p.Email != "" {
				v += " <" + p.Email + ">"
			}
			if p.Title != "" {
				v += ", " + p.Title
			}
			with = append(with, v)
		}
		add("With", with...)
		add("Where", d.Where)
		add("Topics", d.Topics...)
		if !d.Expect.IsZero() {
			add("They decide by", s.day(d.Expect))
		}
	case onward.Feedback:
		f, err := s.o.Store.FeedbackOf(ctx, e.ID)
		if errors.Is(err, store.ErrNotFound) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		if f.Declined {
			add("Feedback", "They replied that they give no feedback.")
		} else {
			add("Feedback", strings.Split(f.Text, "\n")...)
		}
	}
	return out, nil
}

// extraTags are a lesson's tags that its text does not name.
func extraTags(l store.Lesson) string {
	inText := tracker.Tags(l.Text)
	var out []string
	for _, t := range l.Tags {
		if !slices.Contains(inText, t) {
			out = append(out, t)
		}
	}
	return strings.Join(out, " ")
}
