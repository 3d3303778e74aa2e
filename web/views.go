package web

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/pelletier/go-toml/v2"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/compose"
	"github.com/onward-app/onward/config"
	"github.com/onward-app/onward/mailer"
	"github.com/onward-app/onward/store"
)

type draftView struct {
	ID                   int64
	AppID                int64
	Company              string
	Kind, To, From       string
	Subject, Text        string
	CanSend              bool
	Why                  string // why the page cannot send it itself
	Mailto               string
	NoAddress, InMailbox bool
}

func (s *Server) drafts(w http.ResponseWriter, r *http.Request) {
	s.showDrafts(w, r, http.StatusOK, notices[r.URL.Query().Get("done")], "")
}

func (s *Server) from() string {
	return mailer.Address{Name: s.o.Config.User.Name, Email: s.o.Config.User.Email}.String()
}

func (s *Server) showDrafts(w http.ResponseWriter, r *http.Request, status int, notice, errText string) {
	ctx := r.Context()
	var from int64
	if v := r.URL.Query().Get("from"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			s.fail(w, r, badInput("from: %q is not a draft id", v))
			return
		}
		from = n
	}
	// A page of drafts, the first due first, and one more to know that
	// another page follows and where it starts.
	msgs, err := s.o.Store.Messages(ctx, store.MessageFilter{Status: onward.StatusDrafted, Audience: onward.Recruiter, From: from, Limit: draftsShown + 1})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := draftsData{}
	if len(msgs) > draftsShown {
		d.Later = "/drafts?from=" + strconv.FormatInt(msgs[draftsShown].ID, 10)
		msgs = msgs[:draftsShown]
	}
	if from != 0 {
		d.First = "/drafts"
	}
	ids := make([]int64, len(msgs))
	for i, m := range msgs {
		ids[i] = m.ApplicationID
	}
	companies, err := s.o.Store.Companies(ctx, ids)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, m := range msgs {
		v := draftView{ID: m.ID, AppID: m.ApplicationID, Company: companies[m.ApplicationID], Kind: m.Kind.Label(), To: m.To,
			From: s.from(), Subject: m.Subject, Text: m.Text, NoAddress: m.To == "", InMailbox: s.o.Config.Delivery.Drafts == "imap"}
		if err := s.canSend(m); err != nil {
			v.Why = err.Error()
		} else {
			v.CanSend = true
		}
		if m.To != "" {
			v.Mailto = compose.Mailto(m.To, m.Subject, m.Text)
		}
		d.Drafts = append(d.Drafts, v)
	}
	s.render(w, r, status, "drafts", page{Title: "Drafts", Nav: "drafts", Notice: notice, Error: errText, Data: d})
}

// draftsShown is how many drafts the page shows at once, the first due
// first: each is a whole letter.
const draftsShown = 25

// draftsData is a page of the drafts: Later links to the next page when
// more are due after these, First back to the first page from a later
// one.
type draftsData struct {
	Drafts       []draftView
	Later, First string
}

// draftLink is where draft id is on the drafts page: the page that
// starts with it, however many are due before it.
func draftLink(id int64) string {
	v := strconv.FormatInt(id, 10)
	return "/drafts?from=" + v + "#draft-" + v
}

type confirmData struct {
	Draft   draftView
	Updated string
}

// confirmSend asks what `onward drafts send` makes sure of: who it goes
// to, what it says, and from which address.
func (s *Server) confirmSend(w http.ResponseWriter, r *http.Request) {
	m, err := s.draft(r.Context(), r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.canSend(m); err != nil {
		s.showDrafts(w, r, http.StatusBadRequest, "", "draft "+strconv.FormatInt(m.ID, 10)+": "+err.Error())
		return
	}
	d := confirmData{Draft: draftView{ID: m.ID, AppID: m.ApplicationID, Kind: m.Kind.Label(), To: m.To, From: s.from(), Subject: m.Subject, Text: m.Text},
		Updated: strconv.FormatInt(m.UpdatedAt.UnixMilli(), 10)}
	s.render(w, r, http.StatusOK, "confirm", page{Title: "Send this draft?", Nav: "drafts", Data: d})
}

// eml is the draft as a file the user's mail program opens, edits and
// sends.
func (s *Server) eml(w http.ResponseWriter, r *http.Request) {
	m, err := s.draft(r.Context(), r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if m.Status != onward.StatusDrafted {
		s.fail(w, r, badInput("message %d is %s, not a waiting draft", m.ID, m.Status))
		return
	}
	c := &compose.Composer{User: mailer.Address{Name: s.o.Config.User.Name, Email: s.o.Config.User.Email}, Location: s.o.Config.Location()}
	em, err := c.DraftEmail(m, s.o.Now())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var b bytes.Buffer
	if _, err := em.WriteTo(&b); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "message/rfc822")
	w.Header().Set("Content-Disposition", `attachment; filename="draft-`+strconv.FormatInt(m.ID, 10)+`.eml"`)
	w.Write(b.Bytes())
}

type planRow struct {
	When, Kind, To, Company, Why string
	AppID                        int64
	Draft                        bool
}

type planData struct {
	Rows          []planRow
	Until         string
	Total         int
	First, Last   int    // the rows shown, counted from 1
	Sooner, Later string // the links to the pages before and after
}

// planDays and planRows bound the plan page: two weeks, a page of rows
// at a time.
const (
	planDays = 14
	planRows = 50
	// maxPlanPage is the last page whose offset (and the next page's
	// link) is counted without overflow.
	maxPlanPage = math.MaxInt32 / planRows
)

func (s *Server) plan(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	now := s.o.Now()
	until := now.Add(planDays * 24 * time.Hour)
	pg := 1
	if v := r.URL.Query().Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		// Past maxPlanPage the first row's offset overflows: the page
		// said "-99–-91 of 9" and linked a page of its own.
		if err != nil || n < 1 || n > maxPlanPage {
			s.fail(w, r, badInput("page: %q is not a page number", v))
			return
		}
		pg = n
	}
	offset := (pg - 1) * planRows
	plan := s.o.Plan
	if plan == nil {
		plan = s.ownPlan
	}
	items, total, err := plan(ctx, now, until, offset, planRows)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := planData{Until: s.day(until), Total: total, First: offset + 1, Last: offset + len(items)}
	if pg > 1 {
		d.Sooner = "/plan?" + urlValues("page", strconv.Itoa(pg-1))
	}
	if offset+len(items) < total {
		d.Later = "/plan?" + urlValues("page", strconv.Itoa(pg+1))
	}
	for _, it := range items {
		d.Rows = append(d.Rows, planRow{When: s.when(it.DueAt), Kind: it.Kind.Label(), To: it.To, Company: it.Company,
			AppID: it.AppID, Draft: it.Kind.Audience() == onward.Recruiter, Why: it.Why})
	}
	s.render(w, r, http.StatusOK, "plan", page{Title: "The plan", Nav: "plan", Data: d})
}

// ownPlan is the plan where no Plan is given: the scheduled messages of
// the page with the rule that planned each, in due order.
func (s *Server) ownPlan(ctx context.Context, _, until time.Time, offset, limit int) ([]PlanItem, int, error) {
	rows, total, err := s.o.Store.Upcoming(ctx, until, offset, limit)
	if err != nil {
		return nil, 0, err
	}
	var out []PlanItem
	for _, p := range rows {
		to := "you"
		if p.Audience == onward.Recruiter {
			to = "draft for " + p.To
			if p.To == "" {
				to = "draft for (no address yet)"
			}
		}
		out = append(out, PlanItem{DueAt: p.DueAt, Kind: p.Kind, To: to, AppID: p.ApplicationID, Company: p.Company, Why: s.why(p)})
	}
	return out, total, nil
}

// why says what planned p and by which rule, as the config has it; and
// the reason it waits, when delivery gave one.
func (s *Server) why(p store.PlanRow) string {
	cfg := s.o.Config
	var parts []string
	if ev := p.Event; ev != nil {
		switch {
		case p.Kind == onward.Prep:
			parts = append(parts, "the prep rule ("+cfg.Followups.Prep+") before the interview of "+s.when(ev.At))
		case cfg.Delay(p.Kind).String() != "":
			parts = append(parts, cfg.Delay(p.Kind).String()+" after the "+ev.Kind.Noun()+" of "+s.when(ev.At))
		default:
			parts = append(parts, "after the "+ev.Kind.Noun()+" of "+s.when(ev.At))
		}
	} else if p.Kind == onward.Digest {
		parts = append(parts, "the digest schedule ("+cfg.Digest.Schedule+")")
	}
	if p.Audience == onward.Recruiter && cfg.Schedule.SendWindow != "" {
		parts = append(parts, "in the send window ("+cfg.Schedule.SendWindow+")")
	}
	if p.Audience == onward.User && cfg.Schedule.QuietHours != "" {
		parts = append(parts, "outside quiet hours ("+cfg.Schedule.QuietHours+")")
	}
	if p.LastError != "" {
		parts = append(parts, "waiting: "+p.LastError)
	}
	return strings.Join(parts, "; ")
}

type tagGroup struct {
	Tag     string
	Lessons []lessonRow
	Total   int
}

type appLessons struct {
	AppID   int64
	Company string
	Lessons []lessonRow
}

// lessonsShown, lessonsPerTag and tagsShown bound the lessons page: the
// newest lessons a page at a time, the tags of the newest lessons with
// their newest few (every tag with its count, each a link to its page),
// the applications with the newest lessons.
const (
	lessonsShown  = 50
	lessonsPerTag = 5
	tagsShown     = 20
)

type lessonsData struct {
	Tag        string
	All        []lessonRow
	Total      int
	Older      string // the link to the next page of All
	Newest     string // on a later page: the link to the first
	ByApp      []appLessons
	ByTag      []tagGroup
	OtherTags  []tagGroup // beyond tagsShown: the tag and its count
	Funnel     chart
	Tags       chart
	FunnelFrom string
}

func (s *Server) lessons(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	tag := r.URL.Query().Get("tag")
	var before int64
	if v := r.URL.Query().Get("before"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			s.fail(w, r, badInput("before: %q is not a lesson id", v))
			return
		}
		before = n
	}
	// Newest first, a page at a time: a long hunt has thousands.
	lp, err := s.o.Store.LatestLessons(ctx, tag, before, lessonsShown)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := lessonsData{Tag: tag, Total: lp.Total, All: s.lessonRows(lp.Lessons)}
	if lp.Next != 0 {
		d.Older = "/lessons?" + urlValues("tag", tag, "before", strconv.FormatInt(lp.Next, 10))
	}
	if before != 0 {
		d.Newest = "/lessons?" + urlValues("tag", tag)
	}
	if tag == "" {
		groups, err := s.o.Store.TagGroups(ctx, tagsShown, lessonsPerTag)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for i, g := range groups {
			tg := tagGroup{Tag: g.Tag, Total: g.Total, Lessons: s.lessonRows(g.Lessons)}
			if i < tagsShown {
				d.ByTag = append(d.ByTag, tg)
			} else {
				d.OtherTags = append(d.OtherTags, tg)
			}
		}
	} else {
		// A tag's page: its lessons are the list below.
		d.ByTag = []tagGroup{{Tag: tag, Total: lp.Total}}
	}
	// By application, the applications with the latest lessons first.
	apps, err := s.o.Store.LessonsByApplication(ctx, tag, lessonsShown, lessonsPerTag)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, a := range apps {
		d.ByApp = append(d.ByApp, appLessons{AppID: a.AppID, Company: a.Company, Lessons: s.lessonRows(a.Lessons)})
	}
	now := s.o.Now()
	from := now.AddDate(0, -3, 0)
	fn, err := s.o.Store.FunnelBetween(ctx, from, now.Add(time.Minute))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.FunnelFrom = s.day(from)
	d.Funnel = barChart("The funnel, the last three months", []bar{
		{"applied", fn.Applications}, {"interviewed", fn.Interviews}, {"offers", fn.Offers}, {"rejections", fn.Rejections},
		{"feedback asked", fn.FeedbackRequested}, {"feedback replies", fn.FeedbackReplies},
	})
	tags, err := s.o.Store.TagCounts(ctx, from)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var bars []bar
	for i, t := range tags {
		if i == 10 {
			break
		}
		bars = append(bars, bar{"#" + t.Tag, t.Lessons})
	}
	d.Tags = barChart("Top tags, the last three months", bars)
	s.render(w, r, http.StatusOK, "lessons", page{Title: "Lessons and patterns", Nav: "lessons", Notice: notices[r.URL.Query().Get("done")], Data: d})
}

type settingsData struct {
	Source, Zone, TOML string
	WebListen          string
}

// settings shows the effective configuration as `onward config check`
// prints it, secrets masked; the page never changes it.
func (s *Server) settings(w http.ResponseWriter, r *http.Request) {
	d, err := settingsOf(s.o.Config)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "settings", page{Title: "Settings", Nav: "settings", Data: d})
}

// settingsShown is the settings page of the config it was drawn for,
// drawn once: a config does not change once loaded (a reload loads a new
// one, and the page is drawn again for it), and masking and encoding it
// on every request would be work for nothing.
var settingsShown atomic.Pointer[settingsOfConfig]

type settingsOfConfig struct {
	cfg  *config.Config
	data settingsData
}

func settingsOf(cfg *config.Config) (settingsData, error) {
	if d := settingsShown.Load(); d != nil && d.cfg == cfg {
		return d.data, nil
	}
	b, err := toml.Marshal(cfg.Masked())
	if err != nil {
		return settingsData{}, fmt.Errorf("web: settings: %w", err)
	}
	src := cfg.Path
	if src == "" {
		src = "none found at " + config.DefaultPath() + "; built-in defaults"
	}
	d := settingsData{Source: src, Zone: cfg.Location().String(), TOML: string(b)}
	settingsShown.Store(&settingsOfConfig{cfg: cfg, data: d})
	return d, nil
}
