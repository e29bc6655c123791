package zoom

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// ErrPageTokenExpired is wrapped by the *ErrorResponse Zoom sends when a
// next_page_token is invalid or has expired (tokens live 15 minutes). Restart
// the listing from its first page.
var ErrPageTokenExpired = errors.New("zoom: next page token is invalid or expired; restart the listing from its first page")

// Zoom error codes the client recognises.
const (
	CodeInvalidParameter  = 300  // also "next page token is invalid or expired"
	CodeInvalidToken      = 124  // "Invalid access token."
	CodeUserNotFound      = 1001 // "User does not exist"
	CodeMeetingNotFound   = 3001 // "Meeting does not exist"
	CodeRecordingNotFound = 3301 // "This recording does not exist."
)

// ErrorResponse is a non-2xx answer from Zoom (other than 429, which is a
// *RateLimitError).
type ErrorResponse struct {
	Response *http.Response `json:"-"`
	Code     int            `json:"code"`
	Message  string         `json:"message"`
	// Errors lists field validation problems when Zoom sends them.
	Errors []FieldError `json:"errors,omitempty"`
}

// FieldError is one entry of a validation error's "errors" list.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

func (e *ErrorResponse) Error() string {
	var b strings.Builder
	b.WriteString("zoom: ")
	status := 0
	if e.Response != nil {
		status = e.Response.StatusCode
		if e.Response.Request != nil {
			fmt.Fprintf(&b, "%s %s: ", e.Response.Request.Method, e.Response.Request.URL.EscapedPath())
		}
	}
	fmt.Fprintf(&b, "%d", status)
	if e.Code != 0 {
		fmt.Fprintf(&b, " (code %d)", e.Code)
	}
	if e.Message != "" {
		fmt.Fprintf(&b, ": %s", e.Message)
	}
	for _, fe := range e.Errors {
		fmt.Fprintf(&b, "; %s: %s", fe.Field, fe.Message)
	}
	if hint := e.hint(status); hint != "" {
		b.WriteString(" — ")
		b.WriteString(hint)
	}
	return b.String()
}

func (e *ErrorResponse) hint(status int) string {
	switch {
	case e.pageTokenExpired():
		return "restart the listing from its first page (next_page_token lives 15 minutes)"
	case status == http.StatusUnauthorized || e.Code == CodeInvalidToken:
		return "the access token was rejected; the next call fetches a new one (if it persists, check that the app is activated and has the needed scopes)"
	case status == http.StatusForbidden:
		return "check the app's scopes and the account's plan/settings for this endpoint"
	}
	return ""
}

// Unwrap returns ErrPageTokenExpired when that is what Zoom reported.
func (e *ErrorResponse) Unwrap() error {
	if e.pageTokenExpired() {
		return ErrPageTokenExpired
	}
	return nil
}

func (e *ErrorResponse) pageTokenExpired() bool {
	m := strings.ToLower(e.Message)
	if strings.Contains(m, "next page token") || strings.Contains(m, "next_page_token") {
		return true
	}
	return e.Code == CodeInvalidParameter && strings.Contains(m, "page token")
}

// StatusCode returns the HTTP status, 0 if unknown.
func (e *ErrorResponse) StatusCode() int {
	if e.Response == nil {
		return 0
	}
	return e.Response.StatusCode
}

// checkResponse turns a non-2xx response into a typed error. It reads (a
// bounded part of) the body but does not close it.
func (c *Client) checkResponse(r *http.Response) error {
	if r.StatusCode >= 200 && r.StatusCode < 300 {
		return nil
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, maxErrorBody))
	er := &ErrorResponse{Response: r}
	if err := json.Unmarshal(body, er); err != nil || (er.Code == 0 && er.Message == "") {
		er.Message = snippet(body, 300)
	}
	if r.StatusCode == http.StatusTooManyRequests {
		return newRateLimitError(r, er.Message, c.now())
	}
	if pe := asPermissionError(er); pe != nil {
		return pe
	}
	return er
}

// IsNotFound reports whether err says the user, meeting or recording does
// not exist.
func IsNotFound(err error) bool {
	var er *ErrorResponse
	if !errors.As(err, &er) {
		return false
	}
	if er.StatusCode() == http.StatusNotFound {
		return true
	}
	switch er.Code {
	case CodeUserNotFound, CodeMeetingNotFound, CodeRecordingNotFound:
		return true
	}
	return false
}

// IsUnauthorized reports whether Zoom rejected the credentials or the access
// token (401, code 124, or a rejected OAuth token request); never for a
// *PermissionError, which no new token fixes.
func IsUnauthorized(err error) bool {
	if _, ok := IsPermissionError(err); ok {
		return false // a token without the scope: a new token has none either
	}
	var er *ErrorResponse
	if errors.As(err, &er) {
		return er.StatusCode() == http.StatusUnauthorized || er.Code == CodeInvalidToken
	}
	var te *TokenError
	if errors.As(err, &te) {
		return te.IsCredentialsError()
	}
	return false
}

// IsRateLimited reports whether err is a *RateLimitError and returns it.
func IsRateLimited(err error) (*RateLimitError, bool) {
	var rl *RateLimitError
	ok := errors.As(err, &rl)
	return rl, ok
}
