package config

import (
	"reflect"
	"strings"
)

// knownKeys is every dotted key the config file may set, read off the
// struct tags of Config so that a new field is known without a list to
// keep in step.
var knownKeys = func() []string {
	var out []string
	var walk func(t reflect.Type, prefix string)
	walk = func(t reflect.Type, prefix string) {
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
			if name == "-" {
				continue
			}
			if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
				walk(f.Type, prefix) // an embedded struct's keys are its parent's
				continue
			}
			if name == "" {
				name = f.Name
			}
			key := prefix + name
			if f.Type.Kind() == reflect.Struct {
				walk(f.Type, key+".")
				continue
			}
			out = append(out, key)
		}
	}
	walk(reflect.TypeFor[Config](), "")
	return out
}()

// suggestKey returns the known key closest to an unknown one, or "" when
// none is close enough to be what was meant: a misspelling in the same
// table ("smtp.pasword"), or a key put in the wrong table
// ("schedule.timezone" for "user.timezone").
func suggestKey(unknown string) string {
	table, leaf := splitKey(unknown)
	best, bestDist := "", -1
	for _, k := range knownKeys {
		kt, kl := splitKey(k)
		d := -1
		switch {
		case kt == table:
			d = distance(leaf, kl)
		case kl == leaf:
			d = 1 // the right key in the wrong table
		case strings.EqualFold(table, kt):
			d = distance(leaf, kl)
		}
		if d < 0 || d > maxTypos(leaf) {
			continue
		}
		if bestDist < 0 || d < bestDist {
			best, bestDist = k, d
		}
	}
	if best == "" && !strings.Contains(unknown, ".") {
		// A table name on its own: "[smpt]".
		for _, k := range knownKeys {
			kt, _ := splitKey(k)
			if d := distance(unknown, kt); d <= maxTypos(unknown) && (bestDist < 0 || d < bestDist) {
				best, bestDist = kt, d
			}
		}
	}
	return best
}

func splitKey(k string) (table, leaf string) {
	i := strings.LastIndex(k, ".")
	if i < 0 {
		return "", k
	}
	return k[:i], k[i+1:]
}

// maxTypos is how many edits still read as a typo of a word this long.
func maxTypos(s string) int {
	return max(1, min(3, len(s)/3))
}

// distance is the Levenshtein distance between a and b, ignoring case.
func distance(a, b string) int {
	ra, rb := []rune(strings.ToLower(a)), []rune(strings.ToLower(b))
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
