package main

import (
	"errors"
	"strings"
)

// Exit statuses of every starter command (README, "The starter CLI").
const (
	exitOK      = 0
	exitFailure = 1 // the command failed: the reason is on stderr
	exitUsage   = 2 // wrong flags or arguments: see --help
	exitBlocked = 3 // the configuration blocks recording (starter doctor lists what to fix)
)

// exitError carries a specific exit status up to main.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func usageError(err error) error   { return &exitError{code: exitUsage, err: err} }
func blockedError(err error) error { return &exitError{code: exitBlocked, err: err} }

// cobraUsagePrefixes are the messages cobra returns for bad command lines
// it detects itself, before a command runs (required flags, argument
// counts, unknown commands); flag parsing errors go through
// SetFlagErrorFunc instead.
var cobraUsagePrefixes = []string{"required flag(s) ", "unknown command ", "accepts ", "requires at least ",
	"requires at most ", "invalid argument ", "unknown flag", "flag needs an argument", "if any flags in the group"}

// exitCode maps an error from a command to the process' exit status.
func exitCode(err error) int {
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	msg := err.Error()
	for _, p := range cobraUsagePrefixes {
		if strings.HasPrefix(msg, p) {
			return exitUsage
		}
	}
	return exitFailure
}
