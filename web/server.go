// Package web serves onward's local page: the hunt as a board, one
// application with its forms, the drafts to review and send, the plan,
// the lessons and the settings. It adds no rule of its own: every write
// goes through the tracker, every draft sent through the same send as
// `onward drafts send`.
//
// The page is the user's alone. It listens on loopback unless the config
// says otherwise with TLS; it needs an access token made at each start
// (in the printed address, then a cookie); it refuses a Host that is not
// its own address (DNS rebinding), a state change that is not a POST with
// the CSRF token, and a request from another origin; and it sends a strict
// Content-Security-Policy and no-store on every page with data.
package web

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/config"
	"github.com/onward-app/onward/store"
	"github.com/onward-app/onward/tracker"
)

// Options is what the page reads and writes through.
type Options struct {
	Store   *store.Store
	Tracker *tracker.Tracker
	Config  *config.Config
	// Send sends a waiting draft to its recruiter, as `onward drafts send`
	// does; nil where no SMTP server is set up, and the page offers the
	// mailto: link and the .eml file instead.
	Send tracker.DraftSender
	// Plan lists limit of what is due until a time, from the offset-th,
	// with the reasons `onward plan` gives, and how many are due in all;
	// nil, the page says which rule planned each message itself.
	Plan func(ctx context.Context, now, until time.Time, offset, limit int) ([]PlanItem, int, error)
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	Log *slog.Logger
}

// PlanItem is one message of the plan, with why it is due when it is.
type PlanItem struct {
	DueAt   time.Time
	Kind    onward.Kind
	To      string // "you" for check-ins
	AppID   int64
	Company string
	Why     string
}

// Server is the page's HTTP handler with its access token.
//
// A Server is never changed once it serves: Reload makes a copy with the
// new options and its own routes, and each request runs on the one in
// force when it arrived, so no request sees half of an old config and
// half of a new one.
type Server struct {
	o     Options
	token string
	csrf  string
	pages map[string]*template.Template
	mux   *http.ServeMux

	*shared
}

// shared is what every copy of a Server holds in common: the address it
// listens on and the copy in force.
type shared struct {
	mu    sync.RWMutex
	hosts []string // the Host values the page answers to
	port  string
	tls   bool

	current atomic.Pointer[Server]
}

// New returns a server with a fresh random access token.
func New(o Options) (*Server, error) {
	o, err := o.fill()
	if err != nil {
		return nil, err
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, fmt.Errorf("web: access token: %w", err)
	}
	s := &Server{o: o, token: hex.EncodeToString(b), shared: &shared{}}
	// The CSRF token is bound to the access token: a page of another
	// site that cannot read ours cannot know it.
	m := hmac.New(sha256.New, b)
	m.Write([]byte("onward csrf"))
	s.csrf = hex.EncodeToString(m.Sum(nil))
	pages, err := parsePages()
	if err != nil {
		return nil, err
	}
	s.pages = pages
	s.routes()
	s.current.Store(s)
	return s, nil
}

func (o Options) fill() (Options, error) {
	if o.Store == nil || o.Tracker == nil || o.Config == nil {
		return o, errors.New("web: Store, Tracker and Config are required")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	return o, nil
}

// Reload puts o in force for the requests that arrive from now on: the
// daemon calls it when SIGHUP has read the config again, so that the page
// shows (and sends with) the user's name, zone and delays of the config
// the daemon delivers by. A request already running finishes on the
// options it started with. The token, and so the cookie, stay.
func (s *Server) Reload(o Options) error {
	o, err := o.fill()
	if err != nil {
		return err
	}
	next := &Server{o: o, token: s.token, csrf: s.csrf, pages: s.pages, shared: s.shared}
	next.routes()
	s.current.Store(next)
	return nil
}

// Bind tells the server the address it listens on: the Host header of
// every request must name it (or, on a loopback address, localhost with
// its port).
func (s *Server) Bind(addr net.Addr, tls bool) {
	host, port, _ := net.SplitHostPort(addr.String())
	hosts := []string{net.JoinHostPort(host, port)}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		hosts = append(hosts, net.JoinHostPort("localhost", port))
	}
	s.mu.Lock()
	s.hosts, s.port, s.tls = hosts, port, tls
	s.mu.Unlock()
}

// URL is the address to open, with the access token.
func (s *Server) URL() string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	scheme := "http"
	if s.tls {
		scheme = "https"
	}
	host := "127.0.0.1"
	if len(s.hosts) > 0 {
		host = s.hosts[0]
	}
	return scheme + "://" + host + "/?token=" + s.token
}

// Token is the access token of this start.
func (s *Server) Token() string { return s.token }

// cookieName carries the port: cookies are not kept apart by port, and two
// pages on one machine (a daemon's and a demo's) must not log each other out.
func (s *Server) cookieName() string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return "onward_" + s.port
}

func (s *Server) hostAllowed(h string) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, ok := range s.hosts {
		if strings.EqualFold(h, ok) {
			return true
		}
	}
	return false
}

// Handler is the whole page behind its guards.
func (s *Server) Handler() http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "refused: this request comes from another site", http.StatusForbidden)
	}))
	serve := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { s.current.Load().mux.ServeHTTP(w, r) })
	return s.guard(cop.Handler(serve))
}

// maxForm bounds a form's body: a draft's text is far less.
const maxForm = 1 << 20

// csp allows nothing but the page's own styles, scripts and images.
const csp = "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// guard checks the Host, the token and the CSRF token, and sets the
// headers every answer carries.
func (s *Server) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Frame-Options", "DENY")
		h.Set("X-Content-Type-Options", "nosniff")
		// The token may be in the address: never send it on.
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cache-Control", "no-store")
		if !s.hostAllowed(r.Host) {
			// A name that resolves to 127.0.0.1 from another site's
			// page (DNS rebinding) arrives with that name as Host.
			http.Error(w, "refused: this page answers only to its own address", http.StatusMisdirectedRequest)
			return
		}
		if tok := r.URL.Query().Get("token"); tok != "" {
			if !s.validToken(tok) {
				s.denied(w)
				return
			}
			s.login(w, r)
			return
		}
		c, err := r.Cookie(s.cookieName())
		if err != nil || !s.validToken(c.Value) {
			s.denied(w)
			return
		}
		switch r.Method {
		case http.MethodGet, http.MethodHead:
		case http.MethodPost:
			r.Body = http.MaxBytesReader(w, r.Body, maxForm)
			if err := r.ParseForm(); err != nil {
				// Unread, the form has no token either: say what is wrong.
				if _, big := errors.AsType[*http.MaxBytesError](err); big {
					http.Error(w, fmt.Sprintf("refused: the form is larger than %d MB; nothing was recorded", maxForm>>20), http.StatusRequestEntityTooLarge)
					return
				}
				http.Error(w, "refused: the form could not be read: "+err.Error(), http.StatusBadRequest)
				return
			}
			if subtle.ConstantTimeCompare([]byte(r.PostFormValue("csrf")), []byte(s.csrf)) != 1 {
				http.Error(w, "refused: the form's token is missing or old; reload the page and try again", http.StatusForbidden)
				return
			}
		default:
			w.Header().Set("Allow", "GET, HEAD, POST")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// login sets the cookie for a request that carried the token, and sends
// the browser on to the same address without it (off the address bar and
// out of the history).
//
// The cookie stays SameSite=Strict: a link from another site to any page
// arrives without it, so that site can make the browser show or fetch
// nothing of ours, GET or POST. But a browser that followed the printed
// address from another site (a mail program's web page, a chat) treats a
// redirect as part of that cross-site navigation and leaves the new
// cookie out of the redirected request: the page answered 401. So the
// step on is not a redirect but a small page of our own that refreshes to
// the address: a navigation our page starts is same-site, and the Strict
// cookie goes with it. SameSite=Lax would have fixed the link too, but
// would also let every cross-site link reach the pages with the cookie.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: s.cookieName(), Value: s.token, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
	q := r.URL.Query()
	q.Del("token")
	u := (&url.URL{Path: r.URL.Path, RawQuery: q.Encode()}).String()
	if !strings.HasPrefix(u, "/") || strings.HasPrefix(u, "//") {
		u = "/" // only ever a path of this page
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return
	}
	e := template.HTMLEscapeString(u)
	fmt.Fprintf(w, `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0; url=%s">`+
		`<title>onward</title></head><body><p><a href="%s">Open onward</a></p></body></html>`+"\n", e, e)
}

func (s *Server) validToken(v string) bool {
	return subtle.ConstantTimeCompare([]byte(v), []byte(s.token)) == 1
}

func (s *Server) denied(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusUnauthorized)
	fmt.Fprintln(w, "This page needs its access token: open the address `onward web` (or `onward run`) printed, with ?token=... at its end.")
}

// Serve serves the page on ln until ctx ends, then shuts down within a
// few seconds. certFile and keyFile, when set, serve it over TLS.
func (s *Server) Serve(ctx context.Context, ln net.Listener, certFile, keyFile string) error {
	s.Bind(ln.Addr(), certFile != "")
	srv := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      2 * time.Minute, // a send waits on the SMTP server
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(s.o.Log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	done := make(chan error, 1)
	go func() {
		if certFile != "" {
			done <- srv.ServeTLS(ln, certFile, keyFile)
		} else {
			done <- srv.Serve(ln)
		}
	}()
	select {
	case err := <-done:
		return fmt.Errorf("web: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		srv.Close()
	}
	<-done
	return nil
}

// Listen checks addr against the rule of cfg (loopback, or allow_remote
// with TLS) and listens on it.
func Listen(addr string, cfg config.Web) (net.Listener, error) {
	if err := cfg.CheckListen(addr); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("web: listen on %s: %w", addr, err)
	}
	return ln, nil
}
