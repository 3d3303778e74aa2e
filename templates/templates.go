// Package templates turns onward's messages into words: the drafts the user
// sends to recruiters and the check-ins onward sends to the user.
//
// Each kind of message is one file, <kind>.tmpl, that defines "subject",
// "text" and, optionally, "html". The defaults are embedded in the binary; a
// user may override any of them by putting a file of the same name in an
// override folder. Load parses everything once and executes each template on
// sample data, so a broken override stops the daemon at start (or is refused
// on SIGHUP) instead of failing a send at 3 a.m.
//
// Subject and text are executed with text/template: they are plain text, and
// the mailer is responsible for encoding them. HTML is executed with
// html/template, so whatever the user typed into a company or recruiter name
// is escaped.
package templates

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	texttemplate "text/template"
	"text/template/parse"

	"github.com/onward-app/onward"
)

//go:embed default/*.tmpl
var defaults embed.FS

// maxOutput bounds what one template may write. Real messages are a few
// kilobytes; the limit only exists so that a recursive override cannot fill
// memory before text/template's own depth limit stops it.
const maxOutput = 1 << 20

// Rendered is one message ready for the mailer.
type Rendered struct {
	Subject string // one line, no surrounding space
	Text    string // ends with exactly one newline
	HTML    string // empty when the template defines no "html"
}

// Set is a parsed, checked set of templates, one per kind. It is read-only
// after Load and safe for concurrent use.
type Set struct {
	byKind map[onward.Kind]*entry
}

type entry struct {
	src    string
	origin string // "built-in" or the override's path
	name   string // the file name used in errors
	text   *texttemplate.Template
	html   *htmltemplate.Template // nil when the file defines no "html"

	// mu serialises the renders of this file, so that the loop guards
	// (see guardLoops), bound to budget at parse time, count one
	// execution at a time. A render takes microseconds.
	mu     sync.Mutex
	budget budget

	// broken is what is wrong with an override Inspect read; such an
	// entry is never rendered.
	broken error
}

// maxSteps bounds the work of one part of one render: every iteration of
// a range and every {{template}} call counts. Output is bounded by
// maxOutput, but a loop that writes nothing (a range over 1e12, templates
// that call each other twice, forty deep) would otherwise run for hours
// and hang the start, a SIGHUP or a send. Real messages take a few
// hundred steps; a digest of thousands of applications stays well below.
const maxSteps = 100_000

// Names of the functions guardLoops puts into every range and template
// call. They cannot clash with a user's template: identifiers there are
// checked against funcs at parse time, before the guards exist.
const (
	guardRange = "onward_range_guard"
	guardCall  = "onward_call_guard"
)

// budget counts the steps of one execution.
type budget struct {
	left int
	part string
}

func (b *budget) spend(n int) error {
	b.left -= n
	if b.left < 0 {
		return fmt.Errorf("%q loops more than %d times; a template must finish quickly", b.part, maxSteps)
	}
	return nil
}

// funcs returns the guard functions charging b.
func (b *budget) funcs() map[string]any {
	return map[string]any{
		// guardRange sees what a range is about to walk.
		guardRange: func(v any) (any, error) {
			rv := reflect.ValueOf(v)
			switch rv.Kind() {
			case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
				return v, b.spend(int(max(min(rv.Int(), maxSteps+1), 0)))
			case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
				return v, b.spend(int(min(rv.Uint(), maxSteps+1)))
			case reflect.Slice, reflect.Array, reflect.Map, reflect.String:
				return v, b.spend(rv.Len())
			case reflect.Func, reflect.Chan:
				return nil, fmt.Errorf("range over a %s is not allowed in a template", rv.Kind())
			}
			return v, nil
		},
		// guardCall sees the data of every {{template}} call.
		guardCall: func(v ...any) (any, error) {
			if len(v) == 0 {
				return nil, b.spend(1)
			}
			return v[0], b.spend(1)
		},
	}
}

// guardLoops rewrites every range pipeline P into "P | onward_range_guard"
// and every {{template "x" P}} into {{template "x" P | onward_call_guard}},
// so each execution can count its iterations and calls against a budget.
func guardLoops(trees []*parse.Tree) {
	guard := func(pipe *parse.PipeNode, name string, tree *parse.Tree) {
		id := parse.NewIdentifier(name).SetTree(tree).SetPos(pipe.Pos)
		pipe.Cmds = append(pipe.Cmds, &parse.CommandNode{NodeType: parse.NodeCommand, Pos: pipe.Pos, Args: []parse.Node{id}})
	}
	var walk func(n parse.Node, tree *parse.Tree)
	walk = func(n parse.Node, tree *parse.Tree) {
		switch n := n.(type) {
		case *parse.ListNode:
			if n == nil {
				return
			}
			for _, c := range n.Nodes {
				walk(c, tree)
			}
		case *parse.RangeNode:
			guard(n.Pipe, guardRange, tree)
			walk(n.List, tree)
			walk(n.ElseList, tree)
		case *parse.IfNode:
			walk(n.List, tree)
			walk(n.ElseList, tree)
		case *parse.WithNode:
			walk(n.List, tree)
			walk(n.ElseList, tree)
		case *parse.TemplateNode:
			if n.Pipe == nil {
				n.Pipe = &parse.PipeNode{NodeType: parse.NodePipe, Pos: n.Pos, Line: n.Line}
			}
			guard(n.Pipe, guardCall, tree)
		}
	}
	for _, t := range trees {
		if t != nil && t.Root != nil {
			walk(t.Root, t)
		}
	}
}

// Load parses the built-in templates and, when dir is non-empty and exists,
// the overrides in dir. An override replaces the whole built-in file of the
// same name; kinds without an override keep the built-in one. A missing dir
// is not an error, so a fresh install needs no setup. Files in dir that are
// not named after a kind are an error, because a misspelt override that is
// silently ignored is worse than a refusal to start; hidden files (editor
// swap files, .DS_Store) and sub-folders are ignored.
//
// Every template is executed on Sample data and again with the optional
// fields empty, so mistakes show up here with the file and line.
func Load(dir string) (*Set, error) {
	s, problems, err := Inspect(dir)
	if err != nil {
		return nil, err
	}
	if len(problems) > 0 {
		return nil, problems[0]
	}
	return s, nil
}

// Inspect is Load that goes on past broken overrides, for the commands
// that show and fix them (templates list, show, edit): it returns every
// problem, a misnamed file or a kind's override that is empty, does not
// parse or fails on the sample, each naming the file. The Set it returns
// holds such an override's text and path, for Source and Problem, but
// must not be rendered from. err is set only when dir cannot be read.
func Inspect(dir string) (s *Set, problems []error, err error) {
	overrides, problems, err := readOverrides(dir)
	if err != nil {
		return nil, nil, err
	}
	s = &Set{byKind: make(map[onward.Kind]*entry)}
	for _, kind := range onward.Kinds() {
		file := string(kind) + ".tmpl"
		e := &entry{origin: "built-in", name: "default/" + file}
		s.byKind[kind] = e
		if path, ok := overrides[file]; ok {
			e.origin, e.name = path, path
			b, err := os.ReadFile(path)
			if err != nil {
				e.broken = fmt.Errorf("templates: load %s: %w", path, err)
				problems = append(problems, e.broken)
				continue
			}
			e.src = string(b)
		} else {
			src, err := Default(kind)
			if err != nil {
				return nil, nil, err
			}
			e.src = src
		}
		if e.broken = e.load(kind); e.broken != nil {
			problems = append(problems, e.broken)
		}
	}
	return s, problems, nil
}

// Default returns the built-in template of kind.
func Default(kind onward.Kind) (string, error) {
	b, err := defaults.ReadFile("default/" + string(kind) + ".tmpl")
	if err != nil {
		// Only an unknown kind, or a build that forgot a file, gets here.
		return "", fmt.Errorf("templates: load built-in %s: %w", kind, err)
	}
	return string(b), nil
}

// Check parses src as the template of kind and runs it on the sample
// data, as Load does; name is the file named in errors.
func Check(kind onward.Kind, name, src string) error {
	e := &entry{src: src, origin: name, name: name}
	return e.load(kind)
}

// load parses and checks e's source.
func (e *entry) load(kind onward.Kind) error {
	if len(bytes.TrimSpace([]byte(e.src))) == 0 {
		return fmt.Errorf("templates: %s: the file is empty; delete it to use the built-in template, or fill it with: onward templates edit %s", e.name, kind)
	}
	if err := e.parse(); err != nil {
		return err
	}
	return e.check(kind)
}

// Problem returns what is wrong with the override of kind, or nil.
func (s *Set) Problem(kind onward.Kind) error {
	if e, ok := s.byKind[kind]; ok {
		return e.broken
	}
	return nil
}

// readOverrides maps each override file name in dir to its path; a file
// not named after a kind is a problem.
func readOverrides(dir string) (map[string]string, []error, error) {
	if dir == "" {
		return nil, nil, nil
	}
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("templates: load %s: %w", dir, err)
	}
	valid := make(map[string]bool)
	var names []string
	for _, k := range onward.Kinds() {
		valid[string(k)+".tmpl"] = true
		names = append(names, string(k)+".tmpl")
	}
	found := make(map[string]string)
	var problems []error
	for _, de := range entries {
		name := de.Name()
		if de.IsDir() || strings.HasPrefix(name, ".") {
			continue
		}
		path := filepath.Join(dir, name)
		if !valid[name] {
			problems = append(problems, fmt.Errorf("templates: %s: unknown template file; valid names are %s", path, strings.Join(names, ", ")))
			continue
		}
		found[name] = path
	}
	return found, problems, nil
}

// parse parses the source twice: with text/template for subject and text,
// and with html/template for html. Both see the same functions, so a file
// that parses once parses twice.
func (e *entry) parse() error {
	t, err := texttemplate.New(e.name).Funcs(funcs).Option("missingkey=error").Parse(e.src)
	if err != nil {
		return e.wrap("", err)
	}
	for _, part := range []string{"subject", "text"} {
		if t.Lookup(part) == nil {
			return fmt.Errorf("templates: %s: no {{define %q}}; each file needs \"subject\" and \"text\"", e.name, part)
		}
	}
	// Anything outside a define is never rendered; most likely the user
	// forgot to wrap a body in {{define "text"}}, so say so.
	if t.Tree != nil {
		for _, n := range t.Tree.Root.Nodes {
			pos := int(n.Position())
			if tn, ok := n.(*parse.TextNode); ok {
				if len(bytes.TrimSpace(tn.Text)) == 0 {
					continue
				}
				pos += len(tn.Text) - len(bytes.TrimLeft(tn.Text, " \t\r\n"))
			}
			line := 1 + strings.Count(e.src[:min(pos, len(e.src))], "\n")
			return fmt.Errorf("templates: %s:%d: text outside {{define}} is never used; put it inside \"subject\", \"text\" or \"html\"", e.name, line)
		}
	}
	var trees []*parse.Tree
	for _, x := range t.Templates() {
		trees = append(trees, x.Tree)
	}
	guardLoops(trees)
	t.Funcs(e.budget.funcs())
	e.text = t
	if t.Lookup("html") == nil {
		return nil
	}
	h, err := htmltemplate.New(e.name).Funcs(htmltemplate.FuncMap(funcs)).Option("missingkey=error").Parse(e.src)
	if err != nil {
		return e.wrap("", err)
	}
	trees = trees[:0]
	for _, x := range h.Templates() {
		trees = append(trees, x.Tree)
	}
	guardLoops(trees)
	h.Funcs(e.budget.funcs())
	e.html = h
	return nil
}

// check renders the template on the sample for its kind, on a sparse copy
// of it and on the scenarios of its kind, so branches for missing optional
// data and for each situation are exercised too.
func (e *entry) check(kind onward.Kind) error {
	full := Sample(kind)
	if _, err := e.render(full); err != nil {
		return e.wrap("", err)
	}
	if _, err := e.render(sparse(full)); err != nil {
		return e.wrap("on the sample with role, recruiter, dates, lessons and address empty", err)
	}
	for _, sc := range Scenarios() {
		if sc.Kind != kind {
			continue
		}
		if _, err := e.render(sc.Data); err != nil {
			return e.wrap("on the scenario "+sc.Name, err)
		}
	}
	return nil
}

// Render executes the template of kind with d.
func (s *Set) Render(kind onward.Kind, d Data) (Rendered, error) {
	e, ok := s.byKind[kind]
	if !ok {
		return Rendered{}, fmt.Errorf("templates: render %s: unknown kind; want one of %s", kind, onward.Join(onward.Kinds()))
	}
	if e.broken != nil {
		return Rendered{}, e.broken
	}
	r, err := e.render(d)
	if err != nil {
		return Rendered{}, fmt.Errorf("templates: render %s: %w", kind, cleanError(e.name, err))
	}
	return r, nil
}

// Source returns the template text of kind and where it came from: "built-in"
// or the path of the override. It backs a preview or "show template" command.
func (s *Set) Source(kind onward.Kind) (src, origin string, err error) {
	e, ok := s.byKind[kind]
	if !ok {
		return "", "", fmt.Errorf("templates: source %s: unknown kind; want one of %s", kind, onward.Join(onward.Kinds()))
	}
	return e.src, e.origin, nil
}

func (e *entry) render(d Data) (Rendered, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	var r Rendered
	subject, err := e.execute("subject", d)
	if err != nil {
		return r, err
	}
	r.Subject = strings.TrimSpace(subject)
	// The subject becomes a mail header: a line break in it would let a
	// company name such as "Acme\r\nBcc: x" add headers.
	if strings.ContainsAny(r.Subject, "\r\n") {
		return r, e.partError("subject", "contains a line break; a subject must be one line")
	}
	if r.Subject == "" {
		return r, e.partError("subject", "is empty")
	}
	text, err := e.execute("text", d)
	if err != nil {
		return r, err
	}
	r.Text = tidyText(text)
	if r.Text == "" {
		return r, e.partError("text", "is empty")
	}
	if e.html != nil {
		html, err := e.execute("html", d)
		if err != nil {
			return r, err
		}
		r.HTML = strings.TrimSpace(html) + "\n"
	}
	// No email may carry a NUL: the mailer would refuse every message of
	// this kind at send time, so a template that writes one (a stray byte
	// in an override) is refused at load instead.
	for part, out := range map[string]string{"subject": r.Subject, "text": r.Text, "html": r.HTML} {
		if strings.ContainsRune(out, 0) {
			return r, e.partError(part, "contains a NUL byte, which no email may carry")
		}
	}
	return r, nil
}

// partError points at the define of a part whose output is unusable.
func (e *entry) partError(part, problem string) error {
	loc := e.name
	if t := e.text.Lookup(part); t != nil && t.Tree != nil {
		loc, _ = t.Tree.ErrorContext(t.Tree.Root)
	}
	return fmt.Errorf("%s: %q %s", loc, part, problem)
}

// executor is what text/template and html/template have in common.
type executor interface {
	ExecuteTemplate(w io.Writer, name string, data any) error
}

// execute runs one part with a fresh loop budget; the caller holds e.mu.
func (e *entry) execute(part string, d Data) (string, error) {
	e.budget = budget{left: maxSteps, part: part}
	if part == "html" {
		return execute(e.html, part, d)
	}
	return execute(e.text, part, d)
}

func execute(t executor, name string, d Data) (string, error) {
	w := &limitWriter{part: name, max: maxOutput}
	if err := t.ExecuteTemplate(w, name, d); err != nil {
		return "", err
	}
	return w.buf.String(), nil
}

// tidyText normalises the text body so template authors need not fight
// whitespace: line endings become \n, leading and trailing blank lines go,
// runs of blank lines (left by sections that rendered nothing) become one,
// and the body ends with exactly one newline.
func tidyText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var out []string
	blank := true // drops leading blank lines
	for _, line := range strings.Split(s, "\n") {
		if strings.TrimSpace(line) == "" {
			if !blank {
				out = append(out, "")
			}
			blank = true
			continue
		}
		out = append(out, strings.TrimRight(line, " \t"))
		blank = false
	}
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	if len(out) == 0 {
		return ""
	}
	return strings.Join(out, "\n") + "\n"
}

// wrap turns a template error into one that starts with the file and line,
// as in "templates: /path/thank_you.tmpl:3: function "nope" not defined".
func (e *entry) wrap(context string, err error) error {
	err = cleanError(e.name, err)
	if context != "" {
		return fmt.Errorf("templates: %w (%s)", err, context)
	}
	return fmt.Errorf("templates: %w", err)
}

// cleanError strips the "template: " and "html/template:" prefixes the
// standard library puts on its errors, since ours already say "templates:",
// and makes sure the message names the file. The original error stays
// reachable with errors.Unwrap.
func cleanError(name string, err error) error {
	msg := err.Error()
	// The loop guards are ours, not the author's: keep them out of the
	// action an error quotes.
	msg = strings.NewReplacer(" | "+guardRange, "", " | "+guardCall, "").Replace(msg)
	msg = strings.TrimPrefix(msg, "template: ")
	msg = strings.TrimPrefix(msg, "html/template:")
	msg = strings.TrimSpace(msg)
	if !strings.HasPrefix(msg, name) {
		msg = name + ": " + msg
	}
	return &fileError{msg: msg, err: err}
}

type fileError struct {
	msg string
	err error
}

func (e *fileError) Error() string { return e.msg }
func (e *fileError) Unwrap() error { return e.err }

// limitWriter fails once more than max bytes are written, which stops the
// template execution with an error.
type limitWriter struct {
	buf  bytes.Buffer
	part string
	max  int
}

func (w *limitWriter) Write(p []byte) (int, error) {
	if w.buf.Len()+len(p) > w.max {
		return 0, fmt.Errorf("%q writes more than %d bytes", w.part, w.max)
	}
	return w.buf.Write(p)
}
