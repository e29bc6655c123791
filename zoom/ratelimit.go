package zoom

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Rate-limit header names Zoom sends.
const (
	headerRateCategory  = "X-RateLimit-Category"
	headerRateType      = "X-RateLimit-Type"
	headerRateLimit     = "X-RateLimit-Limit"
	headerRateRemaining = "X-RateLimit-Remaining"
	headerRateReset     = "X-RateLimit-Reset"
	headerRetryAfter    = "Retry-After"

	// RateLimitTypeQPS and RateLimitTypeDaily are the X-RateLimit-Type values.
	RateLimitTypeQPS   = "QPS"
	RateLimitTypeDaily = "Daily-limit"
)

// RateLimit is what a response's X-RateLimit-* headers say.
type RateLimit struct {
	Category  string // "Light", "Medium", "Heavy", "Resource-intensive"; "" if absent
	Type      string // "QPS" or "Daily-limit"; "" if absent
	Limit     int    // -1 if absent
	Remaining int    // -1 if absent
}

func parseRateLimit(h http.Header) RateLimit {
	return RateLimit{
		Category:  strings.TrimSpace(h.Get(headerRateCategory)),
		Type:      strings.TrimSpace(h.Get(headerRateType)),
		Limit:     headerInt(h, headerRateLimit),
		Remaining: headerInt(h, headerRateRemaining),
	}
}

func headerInt(h http.Header, key string) int {
	v := strings.TrimSpace(h.Get(key))
	if v == "" {
		return -1
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return -1
	}
	return n
}

// RateLimitError is a 429 answer.
type RateLimitError struct {
	Response  *http.Response
	Category  string // X-RateLimit-Category, "" if absent
	Type      string // X-RateLimit-Type, "" if absent
	Limit     int    // -1 if absent
	Remaining int    // -1 if absent
	// RetryAfter is when to try again: from Retry-After (ISO-8601 date-time
	// on daily 429s, or seconds), else X-RateLimit-Reset; without either,
	// the next 00:00 UTC for a daily 429 and one second after the answer
	// arrived (local clock) for a per-second one. Errors built by hand may
	// leave it zero: RetryDelay then says one second.
	RetryAfter time.Time
	// Daily is true when the account's daily pool is exhausted (from
	// X-RateLimit-Type, or from the message when the header is absent).
	Daily   bool
	Message string

	retryDefaulted bool // RetryAfter is the one-second QPS default
}

// defaultQPSBackoff is how long to wait after a per-second 429 that names no
// reset time: Zoom's per-second windows are one second long.
const defaultQPSBackoff = time.Second

func newRateLimitError(r *http.Response, message string, now time.Time) *RateLimitError {
	rl := parseRateLimit(r.Header)
	e := &RateLimitError{
		Response:  r,
		Category:  rl.Category,
		Type:      rl.Type,
		Limit:     rl.Limit,
		Remaining: rl.Remaining,
		Message:   message,
	}
	if rl.Type != "" {
		e.Daily = strings.Contains(strings.ToLower(rl.Type), "daily")
	} else {
		e.Daily = strings.Contains(strings.ToLower(message), "daily")
	}
	base := now.UTC()
	if d, err := http.ParseTime(r.Header.Get("Date")); err == nil {
		base = d.UTC()
	}
	if t, ok := parseResetTime(r.Header.Get(headerRetryAfter), base); ok {
		e.RetryAfter = t
	} else if t, ok := parseResetTime(r.Header.Get(headerRateReset), base); ok {
		e.RetryAfter = t
	} else if e.Daily {
		e.RetryAfter = NextMidnightUTC(base)
	} else {
		// Relative to the local clock: the Date header has one-second
		// precision, too coarse for a one-second back-off.
		e.RetryAfter = now.UTC().Add(defaultQPSBackoff)
		e.retryDefaulted = true
	}
	return e
}

// NextMidnightUTC returns the first 00:00 UTC strictly after t, when Zoom's
// daily limits reset.
func NextMidnightUTC(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, time.UTC)
}

// isoLayouts are the date-time spellings accepted in Retry-After and
// X-RateLimit-Reset besides seconds.
var isoLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04:05", // no zone: UTC
	"2006-01-02 15:04:05",
	"2006-01-02",
}

// parseResetTime reads an ISO-8601 date-time, an HTTP date, a number of
// seconds from base, or a Unix timestamp.
func parseResetTime(v string, base time.Time) (time.Time, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, false
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n < 0 {
			return time.Time{}, false
		}
		if n > 1_000_000_000 { // a Unix timestamp, not a delay
			return time.Unix(n, 0).UTC(), true
		}
		return base.Add(time.Duration(n) * time.Second), true
	}
	for _, layout := range isoLayouts {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), true
		}
	}
	if t, err := http.ParseTime(v); err == nil {
		return t.UTC(), true
	}
	return time.Time{}, false
}

// RetryDelay returns how long to wait from now before retrying; at least one
// second (for a QPS 429 without a reset time) and never negative.
func (e *RateLimitError) RetryDelay(now time.Time) time.Duration {
	if e.RetryAfter.IsZero() {
		return time.Second
	}
	d := e.RetryAfter.Sub(now)
	if d < time.Second {
		return time.Second
	}
	return d
}

func (e *RateLimitError) Error() string {
	var b strings.Builder
	b.WriteString("zoom: ")
	if e.Response != nil && e.Response.Request != nil {
		fmt.Fprintf(&b, "%s %s: ", e.Response.Request.Method, e.Response.Request.URL.EscapedPath())
	}
	kind := "per-second rate limit"
	if e.Daily {
		kind = "daily rate limit"
	}
	fmt.Fprintf(&b, "429 %s reached", kind)
	var details []string
	if e.Category != "" {
		details = append(details, "category "+e.Category)
	}
	if e.Type != "" {
		details = append(details, "type "+e.Type)
	}
	if e.Limit >= 0 {
		details = append(details, fmt.Sprintf("limit %d", e.Limit))
	}
	if e.Remaining >= 0 {
		details = append(details, fmt.Sprintf("remaining %d", e.Remaining))
	}
	if len(details) > 0 {
		fmt.Fprintf(&b, " (%s)", strings.Join(details, ", "))
	}
	if e.Message != "" {
		fmt.Fprintf(&b, ": %s", e.Message)
	}
	switch {
	case e.retryDefaulted && !e.Daily:
		b.WriteString(" — slow down and retry in a second")
	case e.Daily && !e.RetryAfter.IsZero():
		fmt.Fprintf(&b, " — the account's daily pool is used up; retry after %s", e.RetryAfter.UTC().Format(time.RFC3339))
	case e.Daily:
		b.WriteString(" — the account's daily pool is used up; retry after 00:00 UTC")
	case !e.RetryAfter.IsZero():
		fmt.Fprintf(&b, " — slow down and retry after %s", e.RetryAfter.UTC().Format(time.RFC3339))
	default:
		b.WriteString(" — slow down and retry in a second")
	}
	return b.String()
}
