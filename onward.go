// Package onward holds the files the binary carries from the top of the
// repository, so that what `onward init` writes is the documented example.
package onward

import _ "embed"

// ExampleConfig is config.example.toml, commented line by line.
//
//go:embed config.example.toml
var ExampleConfig []byte
