package config

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"
)

// maxFileSize bounds what Load reads; a config file is a few kilobytes.
const maxFileSize = 1 << 20

// Find returns the config path to use: flag, else $ONWARD_CONFIG, else the
// default under $XDG_CONFIG_HOME. explicit reports whether the user named
// it, in which case a missing file is an error rather than "use defaults".
func Find(flag string) (path string, explicit bool) {
	if flag != "" {
		return expandHome(flag), true
	}
	if env := os.Getenv("ONWARD_CONFIG"); env != "" {
		return expandHome(env), true
	}
	return DefaultPath(), false
}

// Load reads and validates the config at path. A missing file is not an
// error unless explicit is set: the built-in defaults apply.
func Load(path string, explicit bool) (*Config, error) {
	c := Default()
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist) && !explicit:
		if err := c.Validate(); err != nil {
			return nil, err
		}
		return c, nil
	case errors.Is(err, fs.ErrNotExist):
		return nil, &Error{File: path, Err: err, Msg: "no such file; write one with `onward init`, or leave out --config and $ONWARD_CONFIG to use the defaults"}
	case err != nil:
		return nil, &Error{File: path, Err: err, Msg: strings.TrimPrefix(err.Error(), "read "+path+": ")}
	}
	if len(data) > maxFileSize {
		return nil, &Error{File: path, Msg: "file is larger than 1 MiB; is it really a config file?"}
	}
	c.Path = path
	decodeErr := c.decode(data)
	var cfgErr *Error
	if decodeErr != nil && !(errors.As(decodeErr, &cfgErr) && cfgErr.Key != "" && c.lines != nil) {
		// The file could not be read as TOML at all: nothing to validate.
		return nil, decodeErr
	}
	// Unknown keys are reported together with the other problems, so
	// one edit can fix them all.
	if err := errors.Join(decodeErr, c.Validate()); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Config) decode(data []byte) error {
	if !utf8.Valid(data) {
		return &Error{File: c.Path, Msg: "file is not valid UTF-8"}
	}
	dec := toml.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	err := dec.Decode(c)
	var strict *toml.StrictMissingError
	var de *toml.DecodeError
	switch {
	case err == nil:
	case errors.As(err, &strict):
		errs := make([]error, 0, len(strict.Errors))
		for _, e := range strict.Errors {
			line, _ := e.Position()
			key := strings.Join(e.Key(), ".")
			msg := "unknown key (see config.example.toml for the keys onward knows)"
			if near := suggestKey(key); near != "" {
				msg = "unknown key; did you mean " + near + "?"
			}
			errs = append(errs, &Error{File: c.Path, Line: line, Key: key, Msg: msg})
		}
		c.lines = keyLines(data)
		return errors.Join(errs...)
	case errors.As(err, &de):
		line, _ := de.Position()
		msg := strings.TrimPrefix(de.Error(), "toml: ")
		return &Error{File: c.Path, Line: line, Key: strings.Join(de.Key(), "."), Msg: msg}
	default:
		return &Error{File: c.Path, Msg: err.Error()}
	}
	c.lines = keyLines(data)
	return nil
}

// keyLines maps each dotted key of a TOML document to the line it is on,
// so that problems found after decoding can still point at the line.
func keyLines(data []byte) map[string]int {
	lines := map[string]int{}
	var p unstable.Parser
	p.Reset(data)
	var table []string
	for p.NextExpression() {
		n := p.Expression()
		switch n.Kind {
		case unstable.Table, unstable.ArrayTable:
			table = table[:0]
			for it := n.Key(); it.Next(); {
				table = append(table, string(it.Node().Data))
			}
			if k := n.Child(); k != nil {
				lines[strings.Join(table, ".")] = lineOf(&p, k.Data)
			}
		case unstable.KeyValue:
			key := append([]string(nil), table...)
			for it := n.Key(); it.Next(); {
				key = append(key, string(it.Node().Data))
			}
			lines[strings.Join(key, ".")] = p.Shape(n.Raw).Start.Line
		}
	}
	return lines
}

// lineOf finds the line of b inside the parser's input, or 0 if b was
// copied out of it (a quoted key with escapes).
func lineOf(p *unstable.Parser, b []byte) (line int) {
	defer func() {
		if recover() != nil {
			line = 0
		}
	}()
	return p.Shape(p.Range(b)).Start.Line
}

// LoadLocation is time.LoadLocation with an error a user can act on. It
// refuses "Local", which means a different thing on every machine.
func LoadLocation(name string) (*time.Location, error) {
	if name == "" || name == "Local" || strings.ContainsAny(name, "\x00\r\n") {
		return nil, fmt.Errorf("%q is not a time zone; use an IANA name such as Europe/Berlin or America/New_York", name)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("unknown time zone %q; use an IANA name such as Europe/Berlin or America/New_York", name)
	}
	return loc, nil
}
