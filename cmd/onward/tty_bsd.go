//go:build darwin || freebsd || netbsd || openbsd || dragonfly

package main

import "syscall"

// getTermios is the ioctl that reads a terminal's settings; it fails on
// anything that is not a terminal.
const getTermios = syscall.TIOCGETA
