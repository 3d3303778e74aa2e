package main

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/store"
)

// This file holds shell completion beyond commands and flags: the
// applications, drafts, kinds, statuses, stages, tags and time zones a
// command takes. Completion runs at every press of Tab, perhaps while the
// daemon writes: it opens the database read-only, never creates or
// migrates it, and on any failure offers nothing rather than an error.

type completer func(ctx context.Context, toComplete string) []string

// addCompletions gives every command below root the completions its
// arguments and flags call for, read off its Use line and its flag names,
// so that a command added later gets them too. A command or flag with a
// completion of its own keeps it.
func (a *app) addCompletions(root *cobra.Command) {
	flags := map[string]completer{
		"app":          a.appCandidates,
		"status":       fixed(onward.Statuses()),
		"stage":        fixed(onward.Stages()),
		"tag":          a.tagCandidates,
		"recruiter-tz": zoneCandidates,
	}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for name, fn := range flags {
			if c.Flags().Lookup(name) == nil {
				continue
			}
			if _, ok := c.GetFlagCompletionFunc(name); ok {
				continue
			}
			_ = c.RegisterFlagCompletionFunc(name, only(fn, -1))
		}
		if c.ValidArgsFunction == nil && c.Runnable() {
			if fn := a.argCompleter(c); fn != nil {
				c.ValidArgsFunction = fn
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// argCompleter completes the first positional argument named in c's Use
// line: APP, a draft's or a lesson's ID, a KIND; nothing (not file names)
// when it takes none.
func (a *app) argCompleter(c *cobra.Command) cobra.CompletionFunc {
	_, rest, _ := strings.Cut(c.Use, " ")
	rest = optionalFlag.ReplaceAllString(rest, "")
	rest = flagWithValue.ReplaceAllString(rest, "")
	var first string
	if words := strings.Fields(rest); len(words) > 0 {
		first = strings.Trim(words[0], "[].")
	}
	switch {
	case first == "" || first == "flags":
		return cobra.NoFileCompletions
	case first == "APP":
		return only(a.appCandidates, 0)
	case first == "ID" && c.HasParent() && c.Parent().Name() == "drafts":
		return only(a.draftCandidates, 0)
	case first == "ID" && c.HasParent() && c.Parent().Name() == "lessons":
		return only(a.lessonCandidates, 0)
	case first == "KIND" && c.HasParent() && c.Parent().Name() == "templates":
		return only(kindCandidates, 0)
	}
	return nil
}

var (
	optionalFlag  = regexp.MustCompile(`\[-[^\]]*\]`)
	flagWithValue = regexp.MustCompile(`--?[a-z][a-z-]*(=\S+| [A-Z][A-Z_]*)?`)
)

// only wraps a completer as cobra wants it; at is the argument it
// completes (-1 for a flag's value), and any later argument gets nothing.
func only(fn completer, at int) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if at >= 0 && len(args) != at {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		parent := cmd.Context()
		if parent == nil {
			parent = context.Background()
		}
		ctx, cancel := context.WithTimeout(parent, 2*time.Second)
		defer cancel()
		return fn(ctx, toComplete), cobra.ShellCompDirectiveNoFileComp
	}
}

func fixed[T ~string](values []T) completer {
	return func(_ context.Context, toComplete string) []string {
		var out []string
		for _, v := range values {
			if strings.HasPrefix(string(v), toComplete) {
				out = append(out, string(v))
			}
		}
		return out
	}
}

func kindCandidates(_ context.Context, toComplete string) []string {
	var out []string
	for _, k := range onward.Kinds() {
		if strings.HasPrefix(string(k), toComplete) {
			out = append(out, string(k)+"\t"+k.Label()+", to the "+string(k.Audience()))
		}
	}
	return out
}

// readOnly opens the database for completion, or returns nil.
func (a *app) readOnly(ctx context.Context) *store.Store {
	cfg, err := a.config()
	if err != nil {
		return nil
	}
	st, err := store.OpenReadOnly(ctx, cfg.Storage.Database)
	if err != nil {
		return nil
	}
	return st
}

// appCandidates are the applications' ids (described by company and
// role) and company names.
func (a *app) appCandidates(ctx context.Context, toComplete string) []string {
	st := a.readOnly(ctx)
	if st == nil {
		return nil
	}
	defer st.Close()
	apps, err := st.Applications(ctx)
	if err != nil {
		return nil
	}
	var ids, names []string
	lower := strings.ToLower(toComplete)
	for _, ap := range apps {
		id := strconv.FormatInt(ap.ID, 10)
		if strings.HasPrefix(id, toComplete) {
			ids = append(ids, id+"\t"+ap.Company+" — "+ap.Role+" ("+string(ap.Stage)+")")
		}
		if strings.HasPrefix(strings.ToLower(ap.Company), lower) && !slices.Contains(names, ap.Company) {
			names = append(names, ap.Company)
		}
	}
	return append(ids, names...)
}

// draftCandidates are the ids of the recruiter drafts waiting.
func (a *app) draftCandidates(ctx context.Context, toComplete string) []string {
	st := a.readOnly(ctx)
	if st == nil {
		return nil
	}
	defer st.Close()
	msgs, err := st.Messages(ctx, store.MessageFilter{Status: onward.StatusDrafted, NoBodies: true})
	if err != nil {
		return nil
	}
	var out []string
	for _, m := range msgs {
		if id := strconv.FormatInt(m.ID, 10); strings.HasPrefix(id, toComplete) {
			out = append(out, id+"\t"+string(m.Kind)+" to "+recipient(m))
		}
	}
	return out
}

// lessonCandidates are the ids of the lessons logged, with their start.
func (a *app) lessonCandidates(ctx context.Context, toComplete string) []string {
	st := a.readOnly(ctx)
	if st == nil {
		return nil
	}
	defer st.Close()
	ls, err := st.Lessons(ctx, store.LessonFilter{})
	if err != nil {
		return nil
	}
	var out []string
	for _, l := range ls {
		if id := strconv.FormatInt(l.ID, 10); strings.HasPrefix(id, toComplete) {
			out = append(out, id+"\t"+clip(strings.Join(strings.Fields(l.Text), " "), 50))
		}
	}
	return out
}

// tagCandidates are the tags on the lessons logged.
func (a *app) tagCandidates(ctx context.Context, toComplete string) []string {
	st := a.readOnly(ctx)
	if st == nil {
		return nil
	}
	defer st.Close()
	tags, err := st.TagCounts(ctx, time.Time{})
	if err != nil {
		return nil
	}
	var out []string
	for _, t := range tags {
		if strings.HasPrefix(t.Tag, toComplete) {
			out = append(out, t.Tag)
		}
	}
	return out
}

// zoneCandidates are the IANA zone names of this machine's zone database
// that start with toComplete; folders that cannot hold a match are not
// read.
func zoneCandidates(_ context.Context, toComplete string) []string {
	for _, root := range []string{os.Getenv("ZONEINFO"), "/usr/share/zoneinfo", "/usr/share/lib/zoneinfo", "/usr/lib/locale/TZ"} {
		if root == "" {
			continue
		}
		if fi, err := os.Stat(root); err != nil || !fi.IsDir() {
			continue
		}
		var out []string
		_ = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || path == root {
				return nil
			}
			rel, _ := filepath.Rel(root, path)
			rel = filepath.ToSlash(rel)
			name := d.Name()
			// Zone names start with a capital letter; "posix" and "right"
			// hold copies, and the rest are data files.
			if name[0] < 'A' || name[0] > 'Z' || strings.Contains(name, ".") {
				if d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if d.IsDir() {
				if !strings.HasPrefix(rel, toComplete) && !strings.HasPrefix(toComplete, rel+"/") {
					return fs.SkipDir
				}
				return nil
			}
			if strings.HasPrefix(rel, toComplete) {
				out = append(out, rel)
			}
			return nil
		})
		return out
	}
	return nil
}
