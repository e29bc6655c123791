package botprovider

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// DefaultPoolRetryDelay is how long to wait before retrying after a 507 that
// carries no Retry-After header; Recall documents "retry in 30 seconds".
const DefaultPoolRetryDelay = 30 * time.Second

// APIError is a non-2xx answer from the provider. A 429 arrives as a
// *RateLimitError and a 507 as a *PoolExhaustedError; both unwrap to their
// *APIError, so errors.As(err, &apiErr) matches every non-2xx answer.
type APIError struct {
	StatusCode int
	Method     string // request method
	Path       string // request path, e.g. /api/v1/bot/
	// Code is the machine-readable "code" field when the provider sent one
	// (e.g. "update_bot_failed").
	Code string
	// Detail is the human-readable explanation: the "detail" (or
	// "message"/"error") field, or the per-field validation messages, or a
	// snippet of a non-JSON body.
	Detail string
	// Body is the raw answer, truncated to 64 KiB.
	Body []byte
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "botprovider: %s %s: %d", e.Method, e.Path, e.StatusCode)
	if t := http.StatusText(e.StatusCode); t != "" {
		b.WriteString(" " + t)
	}
	if e.Code != "" {
		fmt.Fprintf(&b, " (code %s)", e.Code)
	}
	if e.Detail != "" {
		b.WriteString(": " + e.Detail)
	}
	if h := e.hint(); h != "" {
		b.WriteString(" — " + h)
	}
	return b.String()
}

func (e *APIError) hint() string {
	switch e.StatusCode {
	case http.StatusBadRequest:
		return "the provider rejected the request; fix the fields named above (retrying it unchanged will fail again)"
	case http.StatusUnauthorized:
		return "the API key was rejected: check Config.APIKey and that the key belongs to the region in Config.BaseURL (keys are per region)"
	case http.StatusPaymentRequired:
		return "the workspace is out of credit: top up the balance in the provider's dashboard"
	case http.StatusForbidden:
		return "the provider's firewall blocked the request: check the payload (URLs, metadata) and the caller's IP reputation"
	case http.StatusNotFound:
		return "no such bot: check the bot id and that Config.BaseURL is the region the bot was created in"
	case http.StatusMethodNotAllowed:
		return "not allowed in the bot's current state (for example it was already dispatched to the call)"
	case http.StatusConflict:
		return "a conflicting request is in progress: retry with exponential backoff"
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return "the provider is overloaded or failing: retry with backoff"
	}
	return ""
}

// Temporary reports whether retrying the same request later may succeed
// (409, 5xx). 429 and 507 have their own error types, which are always
// temporary.
func (e *APIError) Temporary() bool {
	return e.StatusCode == http.StatusConflict || e.StatusCode >= 500
}

// RateLimitError is a 429 answer. Wait RetryAfter before the next call.
type RateLimitError struct {
	// RetryAfter is the parsed Retry-After header (seconds or an HTTP date);
	// 0 when the header was absent or unreadable.
	RetryAfter time.Duration
	Err        *APIError
}

func (e *RateLimitError) Error() string {
	wait := "retry with exponential backoff (no Retry-After header was sent)"
	if e.RetryAfter > 0 {
		wait = "retry after " + e.RetryAfter.String()
	}
	return fmt.Sprintf("botprovider: %s %s: 429 rate limited by the provider — %s", e.Err.Method, e.Err.Path, wait)
}

// Unwrap returns the underlying *APIError.
func (e *RateLimitError) Unwrap() error { return e.Err }

// PoolExhaustedError is a 507 answer to CreateBot: the provider's pool of
// idle ad-hoc bots is empty. Retry after Delay(); bots scheduled with a
// join_at more than ScheduleAhead ahead never hit this.
type PoolExhaustedError struct {
	// RetryAfter is the parsed Retry-After header, else the delay the
	// answer's explanation advises ("retry in 30 seconds"); 0 if neither.
	RetryAfter time.Duration
	Err        *APIError
}

// Delay is RetryAfter, or DefaultPoolRetryDelay when the provider sent none.
func (e *PoolExhaustedError) Delay() time.Duration {
	if e.RetryAfter > 0 {
		return e.RetryAfter
	}
	return DefaultPoolRetryDelay
}

func (e *PoolExhaustedError) Error() string {
	return fmt.Sprintf("botprovider: %s %s: 507 bot pool exhausted: the provider has no idle ad-hoc bot right now — retry in %s, or schedule bots with join_at at least 10 minutes ahead to avoid the pool",
		e.Err.Method, e.Err.Path, e.Delay())
}

// Unwrap returns the underlying *APIError.
func (e *PoolExhaustedError) Unwrap() error { return e.Err }

// checkResponse turns a non-2xx response into a typed error. It reads a
// bounded part of the body but does not close it.
func checkResponse(r *http.Response) error {
	if r.StatusCode >= 200 && r.StatusCode < 300 {
		return nil
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, maxErrorBody))
	e := &APIError{StatusCode: r.StatusCode, Body: body}
	if r.Request != nil {
		e.Method = r.Request.Method
		e.Path = r.Request.URL.EscapedPath()
	}
	e.Code, e.Detail = parseErrorBody(body)

	var now time.Time
	if d := r.Header.Get("Date"); d != "" {
		now, _ = http.ParseTime(d)
	}
	if now.IsZero() {
		now = time.Now()
	}
	switch r.StatusCode {
	case http.StatusTooManyRequests:
		return &RateLimitError{RetryAfter: parseRetryAfter(r.Header.Get("Retry-After"), now), Err: e}
	case http.StatusInsufficientStorage:
		wait := parseRetryAfter(r.Header.Get("Retry-After"), now)
		if wait == 0 {
			wait = adviceDelay(e.Detail)
		}
		return &PoolExhaustedError{RetryAfter: wait, Err: e}
	}
	return e
}

// retryAdvice finds "retry in 30 seconds" / "try again after 30s" in a
// provider's explanation (Recall's documented 507 advice).
var retryAdvice = regexp.MustCompile(`(?i)(?:retry|try again)\s+(?:in|after)\s+(\d{1,5})\s*(?:s\b|sec|second)`)

// adviceDelay returns the delay the provider's explanation advises, 0 when
// it names none.
func adviceDelay(detail string) time.Duration {
	m := retryAdvice.FindStringSubmatch(detail)
	if m == nil {
		return 0
	}
	n, err := strconv.Atoi(m[1])
	if err != nil || n <= 0 {
		return 0
	}
	return min(time.Duration(n)*time.Second, time.Hour)
}

// parseErrorBody extracts a code and a detail from the shapes providers use:
// {"code": "...", "detail": "..."}, {"detail": "..."}, {"message": "..."},
// {"error": "..."} and Django REST framework field errors
// {"meeting_url": ["Enter a valid URL."]}. Anything else becomes a snippet.
func parseErrorBody(body []byte) (code, detail string) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		return "", snippet(body, 300)
	}
	str := func(k string) string {
		var s string
		if raw, ok := m[k]; ok && json.Unmarshal(raw, &s) == nil {
			return strings.TrimSpace(s)
		}
		return ""
	}
	code = str("code")
	for _, k := range []string{"detail", "message", "error"} {
		if detail = str(k); detail != "" {
			return code, detail
		}
	}
	// Field errors: each remaining key maps to a string or a list of strings.
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		if k == "code" {
			continue
		}
		var list []string
		if json.Unmarshal(m[k], &list) == nil && len(list) > 0 {
			parts = append(parts, k+": "+strings.Join(list, " "))
			continue
		}
		if s := str(k); s != "" {
			parts = append(parts, k+": "+s)
		}
	}
	if len(parts) > 0 {
		return code, strings.Join(parts, "; ")
	}
	return code, snippet(body, 300)
}

// parseRetryAfter reads delay-seconds, an HTTP date or an RFC 3339 time.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		if secs > int64(24*time.Hour/time.Second) {
			secs = int64(24 * time.Hour / time.Second)
		}
		return time.Duration(secs) * time.Second
	}
	t, err := http.ParseTime(v)
	if err != nil {
		if t, err = time.Parse(time.RFC3339, v); err != nil {
			return 0
		}
	}
	if d := t.Sub(now); d > 0 {
		return d.Round(time.Second)
	}
	return 0
}

func snippet(b []byte, n int) string {
	s := strings.TrimSpace(string(b))
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for len(s) > 0 && !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s + "…"
}
