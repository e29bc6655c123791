package zoom

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// clientWith builds a client on f whose Config is adjusted by mod.
func (f *fakeZoom) clientWith(t *testing.T, base string, mod func(*Config)) *Client {
	t.Helper()
	cfg := Config{
		APIBaseURL:   f.srv.URL + base,
		OAuthBaseURL: f.srv.URL,
		AccountID:    testAccount,
		ClientID:     testClient,
		ClientSecret: testSecret,
	}
	if mod != nil {
		mod(&cfg)
	}
	c, err := NewClient(context.Background(), cfg)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return c
}

// sendGET sends a raw GET through the client, as the typed methods do.
func sendGET(t *testing.T, c *Client, path string) (*Response, error) {
	t.Helper()
	req, err := c.NewRequest(context.Background(), http.MethodGet, path, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c.Do(req, nil)
}

func TestPoolCallsCountHeavyAndResourceIntensiveOnly(t *testing.T) {
	f := newFakeZoom(t)
	var served atomic.Int32
	f.mux.HandleFunc("/v2/", func(w http.ResponseWriter, r *http.Request) {
		served.Add(1)
		if Label(r.Method, r.URL.EscapedPath()).DrawsDailyPool() {
			w.Header().Set("X-RateLimit-Category", string(Label(r.Method, r.URL.EscapedPath())))
			w.Header().Set("X-RateLimit-Limit", "60000")
			w.Header().Set("X-RateLimit-Remaining", "59990")
		}
		writeJSON(w, 200, map[string]any{})
	})
	c := f.client(t)
	calls := []struct {
		path      string
		pool      int64 // PoolCalls after the call
		phonePool int64
	}{
		{"/users", 0, 0},                                     // Medium
		{"/meetings/1/recordings", 0, 0},                     // Light
		{"/metrics/meetings", 1, 0},                          // Resource-intensive
		{"/metrics/meetings/abc/participants", 2, 0},         // Heavy
		{"/report/users/u1/meetings", 3, 0},                  // Heavy
		{"/past_meetings/abc/participants", 3, 0},            // Medium
		{"/archive_files", 3, 0},                             // Medium
		{"/phone/call_history", 3, 1},                        // Phone Heavy: its own pool
		{"/metrics/meetings/%252Fa%253D/participants", 4, 1}, // double-encoded UUID
	}
	for _, call := range calls {
		resp, err := sendGET(t, c, call.path)
		if err != nil {
			t.Fatalf("%s: %v", call.path, err)
		}
		if got := c.PoolCalls(); got != call.pool {
			t.Errorf("after %s: PoolCalls = %d, want %d", call.path, got, call.pool)
		}
		if got := c.PhonePoolCalls(); got != call.phonePool {
			t.Errorf("after %s: PhonePoolCalls = %d, want %d", call.path, got, call.phonePool)
		}
		if Label("GET", call.path).DrawsDailyPool() && (resp.RateLimit.Remaining != 59990 || resp.RateLimit.Limit != 60000) {
			t.Errorf("%s: Response.RateLimit = %+v", call.path, resp.RateLimit)
		}
	}
	if int(served.Load()) != len(calls) {
		t.Errorf("server saw %d requests, want %d", served.Load(), len(calls))
	}
}

func TestPoolCallsCount429AndErrors(t *testing.T) {
	f := newFakeZoom(t)
	f.mux.HandleFunc("GET /v2/metrics/meetings/{id}/participants", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-RateLimit-Category", "Heavy")
		w.Header().Set("X-RateLimit-Type", "QPS")
		w.Header().Set("X-RateLimit-Limit", "10")
		w.Header().Set("X-RateLimit-Remaining", "0")
		writeJSON(w, http.StatusTooManyRequests, map[string]any{"code": 429, "message": "You have reached the maximum per-second rate limit for this API. Try again later."})
	})
	f.mux.HandleFunc("GET /v2/metrics/meetings", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusBadRequest, map[string]any{"code": 300, "message": "The date range is invalid."})
	})
	c := f.client(t)
	before := time.Now()
	_, resp, err := c.Dashboards.ListMeetingParticipants(context.Background(), "abc", nil)
	rl, ok := IsRateLimited(err)
	if !ok {
		t.Fatalf("err = %v, want *RateLimitError", err)
	}
	if rl.Daily || rl.Category != "Heavy" || resp == nil || resp.RateLimit.Category != "Heavy" {
		t.Errorf("RateLimitError %+v, RateLimit %+v", rl, resp.RateLimit)
	}
	// QPS 429 without a reset header: RetryAfter defaults to one second.
	if d := rl.RetryAfter.Sub(before); d < 500*time.Millisecond || d > 3*time.Second {
		t.Errorf("RetryAfter %v is %v after the call, want about 1 s", rl.RetryAfter, d)
	}
	if c.PoolCalls() != 1 {
		t.Errorf("PoolCalls after a 429 = %d, want 1", c.PoolCalls())
	}
	// A 400 from Zoom also counts (it reached Zoom).
	_, _, err = c.Dashboards.ListMeetings(context.Background(), DashboardMeetingsOptions{From: time.Now().AddDate(0, 0, -2), To: time.Now()})
	if err == nil {
		t.Fatal("400 not returned")
	}
	if c.PoolCalls() != 2 {
		t.Errorf("PoolCalls after a 400 = %d, want 2", c.PoolCalls())
	}
	// Invalid options never leave the client.
	if _, _, err := c.Dashboards.ListMeetings(context.Background(), DashboardMeetingsOptions{}); err == nil {
		t.Error("missing window accepted")
	}
	if c.PoolCalls() != 2 {
		t.Errorf("PoolCalls after a client-side validation error = %d, want 2", c.PoolCalls())
	}
}

func TestPoolCallsNotCountedWhenTokenFails(t *testing.T) {
	f := newFakeZoom(t)
	var served atomic.Int32
	f.mux.HandleFunc("GET /v2/metrics/meetings", func(w http.ResponseWriter, r *http.Request) { served.Add(1) })
	c := f.clientWith(t, "/v2", func(cfg *Config) { cfg.ClientSecret = "wrong" })
	if _, err := sendGET(t, c, "/metrics/meetings"); err == nil {
		t.Fatal("bad credentials accepted")
	}
	if c.PoolCalls() != 0 || served.Load() != 0 {
		t.Errorf("PoolCalls %d, served %d after a token failure; want 0, 0", c.PoolCalls(), served.Load())
	}
}

func TestPoolCallsUnderPrefixedBaseURL(t *testing.T) {
	f := newFakeZoom(t)
	f.mux.HandleFunc("/sim/v2/", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, map[string]any{}) })
	c := f.clientWith(t, "/sim/v2", nil)
	for _, p := range []string{"/users", "/metrics/meetings", "/report/users/u/meetings"} {
		if _, err := sendGET(t, c, p); err != nil {
			t.Fatal(err)
		}
	}
	if c.PoolCalls() != 2 {
		t.Errorf("PoolCalls = %d, want 2", c.PoolCalls())
	}
}

func TestClientWaitsOnSharedLimiter(t *testing.T) {
	f := newFakeZoom(t)
	var mu sync.Mutex
	var times []time.Time
	f.mux.HandleFunc("GET /v2/report/users/{id}/meetings", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		times = append(times, time.Now())
		mu.Unlock()
		writeJSON(w, 200, map[string]any{})
	})
	f.mux.HandleFunc("GET /v2/users", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, map[string]any{}) })
	var reg LimiterRegistry
	mod := func(cfg *Config) { cfg.Limiter = reg.For(cfg.AccountID, PlanPro) }
	c1, c2 := f.clientWith(t, "/v2", mod), f.clientWith(t, "/v2", mod)
	// Warm the token caches so the timing below is the limiter's.
	if _, err := sendGET(t, c1, "/users"); err != nil {
		t.Fatal(err)
	}
	if _, err := sendGET(t, c2, "/users"); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	var wg sync.WaitGroup
	for _, c := range []*Client{c1, c2, c1, c2} {
		wg.Go(func() {
			if _, err := sendGET(t, c, "/report/users/u1/meetings"); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	// Pro Heavy is 10/s with a burst of 1 for the account, whichever client
	// sends: 4 requests need at least 0.3 s.
	if el := time.Since(start); el < 290*time.Millisecond {
		t.Errorf("4 Heavy calls from two clients of one account took %v, want ≥ 0.3 s", el)
	}
	if c1.PoolCalls()+c2.PoolCalls() != 4 {
		t.Errorf("PoolCalls %d + %d, want 4", c1.PoolCalls(), c2.PoolCalls())
	}
}

func TestClientLimiterRefusalNotSentNorCounted(t *testing.T) {
	f := newFakeZoom(t)
	var served atomic.Int32
	f.mux.HandleFunc("GET /v2/metrics/meetings", func(w http.ResponseWriter, r *http.Request) {
		served.Add(1)
		writeJSON(w, 200, map[string]any{"meetings": []any{}})
	})
	lim := NewLimiter(PlanPro) // Resource-intensive: one every 6 s
	c := f.clientWith(t, "/v2", func(cfg *Config) { cfg.Limiter = lim })
	opts := DashboardMeetingsOptions{From: time.Now().AddDate(0, 0, -1), To: time.Now()}
	if _, _, err := c.Dashboards.ListMeetings(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, resp, err := c.Dashboards.ListMeetings(ctx, opts)
	if !errors.Is(err, context.DeadlineExceeded) || resp != nil {
		t.Fatalf("err = %v, resp = %v; want DeadlineExceeded and no response", err, resp)
	}
	if served.Load() != 1 || c.PoolCalls() != 1 {
		t.Errorf("served %d, PoolCalls %d; want 1, 1", served.Load(), c.PoolCalls())
	}
}
