package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/store"
	"github.com/onward-app/onward/tracker"
)

// appAction is one form on an application's page: it reads the form,
// makes its change through the tracker and names the notice to show. A
// new form is a template and an entry in appActions.
type appAction func(s *Server, r *http.Request, a store.Application) (done string, err error)

var appActions = map[string]appAction{
	"interview": func(s *Server, r *http.Request, a store.Application) (string, error) {
		at, err := s.formTime(r)
		if err != nil {
			return "", err
		}
		d := time.Hour
		if v := strings.TrimSpace(r.PostFormValue("duration")); v != "" {
			if _, err := strconv.Atoi(v); err == nil {
				v += "m" // a bare number is minutes
			}
			if d, err = time.ParseDuration(v); err != nil {
				return "", badInput("duration: %q is not a duration like 45m or 1h30m", r.PostFormValue("duration"))
			}
		}
		if d < time.Minute || d > 24*time.Hour {
			return "", badInput("duration: %s is not between 1m and 24h", d)
		}
		in := tracker.InterviewDetails{With: formLines(r, "with"), Topics: formLines(r, "topics"),
			Kind: strings.TrimSpace(r.PostFormValue("kind")), Where: strings.TrimSpace(r.PostFormValue("where"))}
		if v := strings.TrimSpace(r.PostFormValue("expect")); v != "" {
			t, err := tracker.ParseTime(v, s.o.Config.Location())
			if err != nil {
				return "", badInput("expect: %v", strings.TrimPrefix(err.Error(), "time: "))
			}
			in.Expect = t
		}
		return result(s.o.Tracker.InterviewWith(r.Context(), a.ID, at, d, in))
	},
	"feedback": func(s *Server, r *http.Request, a store.Application) (string, error) {
		at, err := s.formTime(r)
		if err != nil {
			return "", err
		}
		return result(s.o.Tracker.Feedback(r.Context(), a.ID, at, r.PostFormValue("text"), r.PostFormValue("declined") == "yes"))
	},
	"undo": func(s *Server, r *http.Request, a store.Application) (string, error) {
		_, err := s.o.Tracker.Undo(r.Context(), a.ID)
		return "undo", err
	},
	"reply": func(s *Server, r *http.Request, a store.Application) (string, error) {
		at, err := s.formTime(r)
		if err != nil {
			return "", err
		}
		return result(s.o.Tracker.Reply(r.Context(), a.ID, at))
	},
	"reject": func(s *Server, r *http.Request, a store.Application) (string, error) {
		at, err := s.formTime(r)
		if err != nil {
			return "", err
		}
		return result(s.o.Tracker.Reject(r.Context(), a.ID, at, r.PostFormValue("note")))
	},
	"offer": func(s *Server, r *http.Request, a store.Application) (string, error) {
		at, err := s.formTime(r)
		if err != nil {
			return "", err
		}
		var deadline time.Time
		if v := strings.TrimSpace(r.PostFormValue("deadline")); v != "" {
			if deadline, err = tracker.ParseTime(v, s.o.Config.Location()); err != nil {
				return "", badInput("deadline: %v", strings.TrimPrefix(err.Error(), "time: "))
			}
		}
		return result(s.o.Tracker.OfferBy(r.Context(), a.ID, at, deadline))
	},
	"offer-withdrawn": func(s *Server, r *http.Request, a store.Application) (string, error) {
		at, err := s.formTime(r)
		if err != nil {
			return "", err
		}
		done, err := result(s.o.Tracker.WithdrawOffer(r.Context(), a.ID, at))
		if err == nil && done == "" {
			done = "retracted"
		}
		return done, err
	},
	"decline": func(s *Server, r *http.Request, a store.Application) (string, error) {
		at, err := s.formTime(r)
		if err != nil {
			return "", err
		}
		return result(s.o.Tracker.Decline(r.Context(), a.ID, at))
	},
	"withdraw": func(s *Server, r *http.Request, a store.Application) (string, error) {
		at, err := s.formTime(r)
		if err != nil {
			return "", err
		}
		return result(s.o.Tracker.Withdraw(r.Context(), a.ID, at))
	},
	"close": func(s *Server, r *http.Request, a store.Application) (string, error) {
		at, err := s.formTime(r)
		if err != nil {
			return "", err
		}
		return result(s.o.Tracker.Close(r.Context(), a.ID, at))
	},
	"lesson": func(s *Server, r *http.Request, a store.Application) (string, error) {
		_, err := s.o.Tracker.Log(r.Context(), a.ID, r.PostFormValue("text"), strings.Fields(r.PostFormValue("tags"))...)
		return "lesson", err
	},
	"edit": func(s *Server, r *http.Request, a store.Application) (string, error) {
		var ch tracker.Changes
		for _, f := range []struct {
			name string
			old  string
			dst  **string
		}{
			{"company", a.Company, &ch.Company}, {"role", a.Role, &ch.Role},
			{"recruiter", recruiterField(a), &ch.Recruiter}, {"recruiter_tz", a.RecruiterTZ, &ch.RecruiterTZ},
			{"url", a.URL, &ch.URL}, {"notes", a.Notes, &ch.Notes},
		} {
			// Only what the user changed is a change: the form sends
			// every field back.
			if v, ok := r.PostForm[f.name]; ok && strings.ReplaceAll(v[0], "\r\n", "\n") != f.old {
				val := v[0]
				*f.dst = &val
			}
		}
		if ch == (tracker.Changes{}) {
			return "unchanged", nil
		}
		_, err := s.o.Tracker.Edit(r.Context(), a.ID, ch)
		return "edit", err
	},
}

// formLines is a textarea's lines, blank ones left out.
func formLines(r *http.Request, name string) []string {
	var out []string
	for _, l := range strings.Split(r.PostFormValue(name), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// result turns an event's outcome into the notice to show.
func result(res tracker.Result, err error) (string, error) {
	if err != nil {
		return "", err
	}
	if res.Unchanged {
		return "unchanged", nil
	}
	return "", nil
}

// formTime reads the form's "at" (a datetime-local field, or the CLI's
// --at forms) in the user's zone; empty means now.
func (s *Server) formTime(r *http.Request) (time.Time, error) {
	t, err := s.parseAt(r.PostFormValue("at"))
	if err == nil && t.IsZero() {
		t = s.o.Now().UTC()
	}
	return t, err
}

// parseAt reads a time as formTime does; empty is the zero time, which
// the tracker takes as the moment it writes.
func (s *Server) parseAt(v string) (time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, nil
	}
	if len(v) == len("2006-01-02T15:04") && v[10] == 'T' {
		v = v[:10] + " " + v[11:]
	}
	t, err := tracker.ParseTime(v, s.o.Config.Location())
	if err != nil {
		return t, badInput("at: %v", strings.TrimPrefix(err.Error(), "time: "))
	}
	return t, nil
}

func (s *Server) appAction(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	name := r.PathValue("action")
	act, ok := appActions[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	a, err := s.o.Store.Application(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	done, err := act(s, r, a)
	if err != nil {
		if !errors.Is(err, tracker.ErrInvalid) && !errors.As(err, new(inputError)) {
			s.fail(w, r, err)
			return
		}
		// The page again, with the error by the form and what was typed.
		form := map[string]string{"action": name}
		for k, v := range r.PostForm {
			if k != "csrf" {
				form[k] = v[0]
			}
		}
		// The tracker names the event ("closed: at: ..."); the page
		// names the form the user filled in, once.
		msg := err.Error()
		for _, k := range onward.EventKinds() {
			msg = strings.TrimPrefix(msg, string(k)+": ")
		}
		if !strings.HasPrefix(msg, name+":") {
			msg = name + ": " + msg
		}
		s.showApp(w, r, id, http.StatusBadRequest, "", msg, form)
		return
	}
	if done == "" {
		done = name
	}
	http.Redirect(w, r, "/apps/"+strconv.FormatInt(id, 10)+"?done="+done, http.StatusSeeOther)
}

func (s *Server) apply(w http.ResponseWriter, r *http.Request) {
	n := tracker.NewApplication{Company: r.PostFormValue("company"), Role: r.PostFormValue("role"),
		Recruiter: r.PostFormValue("recruiter"), URL: r.PostFormValue("url"), Notes: r.PostFormValue("notes")}
	if v := strings.TrimSpace(r.PostFormValue("at")); v != "" {
		at, err := s.formTime(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		n.At = at
	}
	a, err := s.o.Tracker.Apply(r.Context(), n)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/apps/"+strconv.FormatInt(a.ID, 10)+"?done=apply", http.StatusSeeOther)
}

func (s *Server) logLesson(w http.ResponseWriter, r *http.Request) {
	if _, err := s.o.Tracker.Log(r.Context(), 0, r.PostFormValue("text"), strings.Fields(r.PostFormValue("tags"))...); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/lessons?done=lesson", http.StatusSeeOther)
}

// draft reads the recruiter draft of the path.
func (s *Server) draft(ctx context.Context, r *http.Request) (store.Message, error) {
	id, err := pathID(r)
	if err != nil {
		return store.Message{}, err
	}
	m, err := s.o.Store.Message(ctx, id)
	if err != nil {
		return m, err
	}
	if m.Audience != onward.Recruiter {
		return m, badInput("message %d is the %s to you, not a recruiter draft", id, m.Kind.Label())
	}
	return m, nil
}

func (s *Server) draftAction(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	m, err := s.draft(ctx, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var done string
	switch r.PathValue("action") {
	case "edit":
		err, done = s.o.Tracker.EditDraft(ctx, m.ID, r.PostFormValue("subject"), strings.ReplaceAll(r.PostFormValue("text"), "\r\n", "\n")), "saved"
	case "discard":
		err, done = s.o.Tracker.DiscardDraft(ctx, m.ID), "discarded"
	case "sent":
		err, done = s.o.Tracker.MarkSentByUser(ctx, m.ID, s.o.Now().UTC()), "marked"
	case "send":
		done = "sent"
		err = s.send(ctx, r, m)
	default:
		http.NotFound(w, r)
		return
	}
	if err != nil {
		s.showDrafts(w, r, http.StatusBadRequest, "", "draft "+strconv.FormatInt(m.ID, 10)+": "+err.Error())
		return
	}
	http.Redirect(w, r, "/drafts?done="+done, http.StatusSeeOther)
}

// send sends m as `onward drafts send` does, after the confirmation page
// showed who, what and from where.
func (s *Server) send(ctx context.Context, r *http.Request, m store.Message) error {
	if r.PostFormValue("confirm") != "yes" {
		return badInput("confirm the send on its page first")
	}
	if err := s.canSend(m); err != nil {
		return err
	}
	// The confirmation showed this subject to this address: a draft
	// changed since (by the CLI, another tab) is confirmed again.
	if r.PostFormValue("to") != m.To || r.PostFormValue("subject") != m.Subject || r.PostFormValue("updated") != strconv.FormatInt(m.UpdatedAt.UnixMilli(), 10) {
		return badInput("the draft changed since you confirmed it; read it again before sending")
	}
	sent, err := s.o.Tracker.SendDraft(ctx, m.ID, s.o.Send)
	if errors.Is(err, store.ErrNotClaimable) {
		switch sent.Status {
		case onward.StatusSending:
			return badInput("it is being sent by another command right now; reload in a minute")
		case onward.StatusSent:
			return badInput("it was sent already; it is never sent twice")
		}
		return badInput("it is %s; nothing was sent", sent.Status)
	}
	return err
}

// canSend says why the page cannot send m itself, if it cannot.
func (s *Server) canSend(m store.Message) error {
	switch {
	case m.Status != onward.StatusDrafted:
		return badInput("it is %s, not a waiting draft; nothing was sent", m.Status)
	case s.o.Config.Delivery.Drafts == "imap":
		return badInput("it is in your mailbox's Drafts folder: send (or delete) it from your mail program; onward notices at the next poll")
	case s.o.Send == nil:
		return badInput("no SMTP server is set up ([delivery] transport = \"smtp\"): send it from your mail program, then mark it sent")
	case m.To == "":
		return badInput("the recruiter's address is missing: add it on the application's page")
	}
	return nil
}
