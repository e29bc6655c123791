package botprovider

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"30", 30 * time.Second},
		{" 5 ", 5 * time.Second},
		{"0", 0},
		{"-4", 0},
		{"999999999999", 24 * time.Hour},
		{"Sun, 01 Mar 2026 12:01:30 GMT", 90 * time.Second},
		{"2026-03-01T12:00:10Z", 10 * time.Second},
		{"Sun, 01 Mar 2026 11:00:00 GMT", 0}, // in the past
		{"soon", 0},
	} {
		if got := parseRetryAfter(tc.in, now); got != tc.want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestParseErrorBody(t *testing.T) {
	for _, tc := range []struct {
		body, code, detail string
	}{
		{`{"detail":"Invalid token."}`, "", "Invalid token."},
		{`{"code":"update_bot_failed","detail":"Only non-dispatched bots can be updated"}`, "update_bot_failed", "Only non-dispatched bots can be updated"},
		{`{"message":"boom"}`, "", "boom"},
		{`{"error":"bad"}`, "", "bad"},
		{`{"b":["two"],"a":"one","n":3}`, "", "a: one; b: two"},
		{`{"code":"x","n":3}`, "x", `{"code":"x","n":3}`},
		{`not json`, "", "not json"},
		{``, "", ""},
		{strings.Repeat("é", 400), "", strings.Repeat("é", 150) + "…"},
	} {
		code, detail := parseErrorBody([]byte(tc.body))
		if code != tc.code || detail != tc.detail {
			t.Errorf("parseErrorBody(%.40q) = %q, %q; want %q, %q", tc.body, code, detail, tc.code, tc.detail)
		}
	}
}

func TestAPIErrorAdviceForEveryDocumentedStatus(t *testing.T) {
	for status, want := range map[int]string{
		400: "fix the fields", 401: "Config.APIKey", 402: "top up", 403: "firewall",
		404: "check the bot id", 405: "current state", 409: "exponential backoff",
		500: "retry with backoff", 502: "retry with backoff", 503: "retry with backoff", 504: "retry with backoff",
	} {
		e := &APIError{StatusCode: status, Method: "GET", Path: "/api/v1/bot/x/"}
		if msg := e.Error(); !strings.Contains(msg, want) {
			t.Errorf("%d: %q lacks %q", status, msg, want)
		}
		if got, wantTemp := e.Temporary(), status == 409 || status >= 500; got != wantTemp {
			t.Errorf("%d: Temporary() = %v", status, got)
		}
	}
}

func TestRateLimitErrorWithoutRetryAfter(t *testing.T) {
	e := &RateLimitError{Err: &APIError{StatusCode: 429, Method: "GET", Path: "/p/"}}
	if msg := e.Error(); !strings.Contains(msg, "exponential backoff") {
		t.Errorf("message %q", msg)
	}
}

func TestPoolExhaustedFollowsTheProvidersAdvice(t *testing.T) {
	for _, tc := range []struct {
		header, body string
		want         time.Duration
	}{
		{"12", `{"detail":"No bots available, retry in 30 seconds"}`, 12 * time.Second}, // the header wins
		{"", `{"detail":"No bots are available right now. Please retry in 30 seconds."}`, 30 * time.Second},
		{"", `{"detail":"try again after 45s"}`, 45 * time.Second},
		{"", `{"detail":"no bots"}`, DefaultPoolRetryDelay},
	} {
		r := &http.Response{StatusCode: 507, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(tc.body))}
		if tc.header != "" {
			r.Header.Set("Retry-After", tc.header)
		}
		var pool *PoolExhaustedError
		if err := checkResponse(r); !errors.As(err, &pool) || pool.Delay() != tc.want {
			t.Errorf("%q %s: %v, want a delay of %v", tc.header, tc.body, err, tc.want)
		}
	}
}
