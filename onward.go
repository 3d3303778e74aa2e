// Package onward is the vocabulary of the job hunt: the kinds of message,
// who each is for, the events that change a plan, the stages of an
// application and the statuses of a message. Every other package speaks in
// these words, so adding a kind of message starts here. The strings are what
// the database stores and what the user types, so they never change.
//
// The package also holds the files the binary carries from the top of the
// repository, so that what `onward init` writes is the documented example.
// It imports only the standard library: it is the leaf everything stands on.
package onward

import _ "embed"

// ExampleConfig is config.example.toml, commented line by line.
//
//go:embed config.example.toml
var ExampleConfig []byte
