package zoom

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
)

// Zoom codes that mean the app is not allowed to make the call: a
// configuration problem no retry or new token fixes.
const (
	// CodeNoPermission: "No permission." (the app or user lacks the
	// role or the feature for this endpoint).
	CodeNoPermission = 200
	// CodeInvalidTokenScopes: "Invalid access token, does not contain
	// scopes" (older answers; documented as 4700).
	CodeInvalidTokenScopes = 4700
	// CodeMissingScopes: "Invalid access token, does not contain
	// scopes:[a, b]." — the scopes the endpoint needs are named.
	CodeMissingScopes = 4711
)

// PermissionError is Zoom refusing a call because the app lacks a scope or
// a permission (codes 4711, 4700, 200). It is permanent until someone
// changes the app's scopes in the Zoom App Marketplace (and, for a user-level
// app, the user re-authorises) or the account's roles: retrying, or fetching
// a new token, gives the same answer. It unwraps to the *ErrorResponse.
type PermissionError struct {
	Err *ErrorResponse
	// Scopes are the scopes Zoom named as missing; empty when it named none.
	Scopes []string
}

func (e *PermissionError) Error() string {
	var what string
	if len(e.Scopes) > 0 {
		what = fmt.Sprintf("the app's token lacks the scope(s) %s — add them to the app in the Zoom App Marketplace (Scopes), "+
			"then re-authorise it (user-level apps: the user connects again)", strings.Join(e.Scopes, ", "))
	} else {
		what = "Zoom refused the call for lack of permission — check the app's scopes in the Zoom App Marketplace and the account's role and plan for this endpoint"
	}
	return fmt.Sprintf("%s; not retried: %s", e.Err.Error(), what)
}

// Unwrap returns the *ErrorResponse.
func (e *PermissionError) Unwrap() error { return e.Err }

// scopeList finds "scopes:[a, b]" (or "scopes: a,b") in Zoom's message.
var scopeList = regexp.MustCompile(`(?i)scopes?\s*:\s*\[([^\]]*)\]`)

// asPermissionError returns a *PermissionError when er is a scope or
// permission refusal, else nil.
func asPermissionError(er *ErrorResponse) *PermissionError {
	msg := strings.ToLower(er.Message)
	status := er.StatusCode()
	switch {
	case er.Code == CodeMissingScopes, er.Code == CodeInvalidTokenScopes && strings.Contains(msg, "scope"),
		strings.Contains(msg, "does not contain scope"):
	case er.Code == CodeNoPermission && status >= 400 && status < 500 && status != http.StatusTooManyRequests:
	default:
		return nil
	}
	pe := &PermissionError{Err: er}
	if m := scopeList.FindStringSubmatch(er.Message); m != nil {
		for _, s := range strings.Split(m[1], ",") {
			if s = strings.TrimSpace(strings.Trim(strings.TrimSpace(s), `."'`)); s != "" {
				pe.Scopes = append(pe.Scopes, s)
			}
		}
	}
	return pe
}

// IsPermissionError reports whether err is a *PermissionError and returns it.
func IsPermissionError(err error) (*PermissionError, bool) {
	var pe *PermissionError
	ok := errors.As(err, &pe)
	return pe, ok
}
