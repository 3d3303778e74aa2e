// Package transfer reads and writes the job hunt in the formats people
// already use: onward's own JSON export (complete, versioned), and CSV
// spreadsheets, one row per application. It turns files into records and
// back; the writes go through tracker.
package transfer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/onward-app/onward/store"
)

// Version is the version of the JSON shape, the value of "onward_export".
// It changes when a field changes meaning or goes away; fields added by
// later versions of the database appear without a change of version, and
// a reader ignores the ones it does not know.
const Version = 1

// timeLayout writes times in UTC to the millisecond, the precision onward
// keeps.
const timeLayout = "2006-01-02T15:04:05.000Z07:00"

// WriteJSON writes d as onward's JSON export (docs/EXPORT.md), times as
// RFC 3339 in UTC.
func WriteJSON(w io.Writer, d store.Dump, now time.Time) error {
	doc := map[string]any{"onward_export": Version, "exported_at": now.UTC().Format(timeLayout), "schema_version": d.Version}
	for name, rows := range d.Tables {
		doc[name] = outRows(rows)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

func outRows(rows []store.Row) []store.Row {
	out := make([]store.Row, 0, len(rows))
	for _, r := range rows {
		o := make(store.Row, len(r))
		for k, v := range r {
			if ms, ok := v.(int64); ok && store.TimeColumn(k) {
				o[k] = time.UnixMilli(ms).UTC().Format(timeLayout)
				continue
			}
			if b, ok := v.([]byte); ok {
				v = string(b)
			}
			o[k] = v
		}
		out = append(out, o)
	}
	return out
}

// IsJSON reports whether data looks like onward's JSON export rather than
// a spreadsheet.
func IsJSON(data []byte) bool {
	return bytes.HasPrefix(bytes.TrimSpace(data), []byte("{"))
}

// ReadJSON reads onward's JSON export. A file of a newer version, or one
// that is not an export at all, is refused with what is wrong.
func ReadJSON(data []byte) (store.Dump, error) {
	d := store.Dump{Tables: map[string][]store.Row{}}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(data, &doc); err != nil {
		return d, fmt.Errorf("not onward's JSON export: %w", err)
	}
	var version int
	raw, ok := doc["onward_export"]
	if !ok {
		return d, fmt.Errorf(`not onward's JSON export: it has no "onward_export" version`)
	}
	if err := json.Unmarshal(raw, &version); err != nil || version > Version || version < 1 {
		return d, fmt.Errorf(`"onward_export" is %s; this onward reads version %d`, raw, Version)
	}
	if raw, ok := doc["schema_version"]; ok {
		if err := json.Unmarshal(raw, &d.Version); err != nil {
			return d, fmt.Errorf("schema_version: %w", err)
		}
	}
	for _, name := range store.DumpTables {
		raw, ok := doc[name]
		if !ok {
			continue
		}
		var rows []store.Row
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		if err := dec.Decode(&rows); err != nil {
			return d, fmt.Errorf("%s: %w", name, err)
		}
		in, err := inRows(name, rows)
		if err != nil {
			return d, err
		}
		d.Tables[name] = in
	}
	return d, nil
}

func inRows(table string, rows []store.Row) ([]store.Row, error) {
	out := make([]store.Row, 0, len(rows))
	for i, r := range rows {
		o := make(store.Row, len(r))
		keys := make([]string, 0, len(r))
		for k := range r {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			v, err := inValue(table, k, r[k])
			if err != nil {
				return nil, fmt.Errorf("%s[%d].%s: %w", table, i, k, err)
			}
			o[k] = v
		}
		out = append(out, o)
	}
	return out, nil
}

func inValue(table, key string, v any) (any, error) {
	switch v := v.(type) {
	case nil, bool:
		return v, nil
	case json.Number:
		if n, err := v.Int64(); err == nil {
			return n, nil
		}
		f, err := v.Float64()
		return f, err
	case string:
		if store.TimeColumn(key) {
			t, err := time.Parse(time.RFC3339Nano, v)
			if err != nil {
				return nil, fmt.Errorf("%q is not an RFC 3339 time", v)
			}
			return t.UnixMilli(), nil
		}
		return v, nil
	case []any:
		if table == "lessons" && key == "tags" {
			tags := make([]string, 0, len(v))
			for _, t := range v {
				s, ok := t.(string)
				if !ok {
					return nil, fmt.Errorf("a tag is not a string")
				}
				tags = append(tags, strings.TrimSpace(s))
			}
			return tags, nil
		}
	}
	return nil, fmt.Errorf("unexpected %T", v)
}
