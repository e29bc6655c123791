package zoom

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestRateLimitHeadersOnEveryResponse(t *testing.T) {
	f := newFakeZoom(t)
	f.mux.HandleFunc("GET /v2/users", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-RateLimit-Category", "Medium")
		w.Header().Set("X-RateLimit-Type", "QPS")
		w.Header().Set("X-RateLimit-Limit", "60")
		w.Header().Set("X-RateLimit-Remaining", "59")
		writeJSON(w, 200, map[string]any{"users": []any{}})
	})
	f.mux.HandleFunc("GET /v2/users/{id}/settings", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{})
	})
	c := f.client(t)
	_, resp, err := c.Users.List(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := (RateLimit{Category: "Medium", Type: "QPS", Limit: 60, Remaining: 59}); resp.RateLimit != want {
		t.Errorf("RateLimit = %+v, want %+v", resp.RateLimit, want)
	}
	_, resp, err = c.Users.GetSettings(context.Background(), "me")
	if err != nil {
		t.Fatal(err)
	}
	if want := (RateLimit{Limit: -1, Remaining: -1}); resp.RateLimit != want {
		t.Errorf("absent headers: RateLimit = %+v, want %+v", resp.RateLimit, want)
	}
}

func TestRateLimitErrors(t *testing.T) {
	date := time.Date(2026, 11, 22, 17, 30, 0, 0, time.UTC)
	httpDate := date.Format(http.TimeFormat)
	clock := date.Add(700 * time.Millisecond) // the client's clock when the 429 arrives
	tests := []struct {
		name      string
		headers   map[string]string
		message   string
		want      RateLimitError // Response ignored
		wantInErr string
	}{
		{
			name: "qps with headers",
			headers: map[string]string{"X-RateLimit-Category": "Medium", "X-RateLimit-Type": "QPS",
				"X-RateLimit-Limit": "60", "X-RateLimit-Remaining": "0", "Date": httpDate},
			message:   "You have reached the maximum per-second rate limit for this API. Try again later.",
			want:      RateLimitError{Category: "Medium", Type: "QPS", Limit: 60, Remaining: 0, RetryAfter: clock.Add(time.Second), retryDefaulted: true},
			wantInErr: "retry in a second",
		},
		{
			name:      "qps without headers",
			headers:   map[string]string{"Date": httpDate},
			message:   "You have reached the maximum per-second rate limit for this API. Try again later.",
			want:      RateLimitError{Limit: -1, Remaining: -1, RetryAfter: clock.Add(time.Second), retryDefaulted: true},
			wantInErr: "per-second",
		},
		{
			name:    "qps with retry-after seconds",
			headers: map[string]string{"X-RateLimit-Type": "QPS", "Retry-After": "2", "Date": httpDate},
			message: "Too many requests",
			want:    RateLimitError{Type: "QPS", Limit: -1, Remaining: -1, RetryAfter: date.Add(2 * time.Second)},
		},
		{
			name: "daily with ISO-8601 retry-after",
			headers: map[string]string{"X-RateLimit-Category": "Heavy", "X-RateLimit-Type": "Daily-limit",
				"X-RateLimit-Limit": "60000", "X-RateLimit-Remaining": "0", "Retry-After": "2026-11-23T00:00:00Z", "Date": httpDate},
			message:   "You have reached the maximum daily rate limit for this API.",
			want:      RateLimitError{Category: "Heavy", Type: "Daily-limit", Limit: 60000, Remaining: 0, Daily: true, RetryAfter: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)},
			wantInErr: "retry after 2026-11-23T00:00:00Z",
		},
		{
			name:      "daily without any header: inferred from message, next midnight from Date",
			headers:   map[string]string{"Date": httpDate},
			message:   "You have reached the maximum daily rate limit for this API. Refer to the response header for details on when you can make another request.",
			want:      RateLimitError{Limit: -1, Remaining: -1, Daily: true, RetryAfter: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)},
			wantInErr: "daily pool",
		},
		{
			name:    "daily with X-RateLimit-Reset only",
			headers: map[string]string{"X-RateLimit-Type": "Daily-limit", "X-RateLimit-Reset": "2026-11-23T00:00:00Z", "Date": httpDate},
			message: "daily",
			want:    RateLimitError{Type: "Daily-limit", Limit: -1, Remaining: -1, Daily: true, RetryAfter: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeZoom(t)
			f.mux.HandleFunc("GET /v2/users/{id}/recordings", func(w http.ResponseWriter, r *http.Request) {
				for k, v := range tt.headers {
					w.Header().Set(k, v)
				}
				writeJSON(w, http.StatusTooManyRequests, map[string]any{"code": 429, "message": tt.message})
			})
			c := f.client(t)
			c.now = func() time.Time { return clock }
			_, resp, err := c.Recordings.ListUser(context.Background(), "me", ListRecordingsOptions{})
			rl, ok := IsRateLimited(err)
			if !ok {
				t.Fatalf("err = %T %v, want *RateLimitError", err, err)
			}
			got := *rl
			got.Response = nil
			tt.want.Message = tt.message
			if got != tt.want {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
			if tt.wantInErr != "" && !strings.Contains(err.Error(), tt.wantInErr) {
				t.Errorf("error %q lacks %q", err, tt.wantInErr)
			}
			if !strings.Contains(err.Error(), "GET /v2/users/me/recordings") {
				t.Errorf("error %q does not name the request", err)
			}
			if resp == nil || resp.StatusCode != 429 {
				t.Error("Response missing on 429")
			}
		})
	}
}

func TestDailyWithoutDateUsesClock(t *testing.T) {
	r := &http.Response{StatusCode: 429, Header: http.Header{}}
	now := time.Date(2026, 12, 31, 23, 59, 0, 0, time.FixedZone("X", 3600))
	e := newRateLimitError(r, "daily limit reached", now)
	if want := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC); !e.RetryAfter.Equal(want) || !e.Daily {
		t.Errorf("RetryAfter = %v daily %v, want %v", e.RetryAfter, e.Daily, want)
	}
	if d := e.RetryDelay(time.Date(2026, 12, 31, 23, 0, 0, 0, time.UTC)); d != time.Hour {
		t.Errorf("RetryDelay = %v, want 1h", d)
	}
}

func TestParseResetTime(t *testing.T) {
	base := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	tests := map[string]time.Time{
		"30":                            base.Add(30 * time.Second),
		"1767312000":                    time.Unix(1767312000, 0).UTC(),
		"2026-01-02T00:00:00Z":          time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC),
		"2026-01-02T01:00:00+01:00":     time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC),
		"2026-01-02T00:00:00":           time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC),
		"Fri, 02 Jan 2026 00:00:00 GMT": time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC),
	}
	for in, want := range tests {
		got, ok := parseResetTime(in, base)
		if !ok || !got.Equal(want) {
			t.Errorf("parseResetTime(%q) = %v, %v; want %v", in, got, ok, want)
		}
	}
	for _, bad := range []string{"", "soon", "-5"} {
		if _, ok := parseResetTime(bad, base); ok {
			t.Errorf("parseResetTime(%q) accepted", bad)
		}
	}
}
