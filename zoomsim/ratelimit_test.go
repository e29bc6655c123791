package zoomsim

import (
	"net/http"
	"net/url"
	"testing"
	"time"
)

// call does an authenticated GET and returns status, headers and the decoded
// body (if out is not nil).
func (ts *testSim) call(path, tok string, out any) (int, http.Header) {
	ts.t.Helper()
	st, h, body := fetch(ts.t, ts.ts.URL+path, map[string]string{"Authorization": "Bearer " + tok})
	if out != nil {
		if err := jsonUnmarshal(body, out); err != nil {
			ts.t.Fatalf("GET %s: decode %q: %v", path, body, err)
		}
	}
	return st, h
}

// inOneSecond runs fn with the simulator clock at the start of a second, and
// runs it again (after zeroing rate-limit usage and stats) if the burst happened to
// straddle a second boundary of the ticking clock.
func (ts *testSim) inOneSecond(at time.Time, fn func()) {
	ts.t.Helper()
	for range 5 {
		ts.SetClock(at)
		fn()
		if ts.Now().Unix() == at.Unix() {
			return
		}
		if _, err := ts.SetRateLimits(RateLimitsRequest{ResetUsage: true}); err != nil {
			ts.t.Fatal(err)
		}
		ts.stats.reset()
	}
	ts.t.Fatal("could not fit the burst into one simulated second")
}

func wantHeaders(t *testing.T, h http.Header, want map[string]string) {
	t.Helper()
	for k, v := range want {
		if got, ok := h[http.CanonicalHeaderKey(k)]; v == "" && ok {
			t.Errorf("header %s = %q, want it absent", k, got)
		} else if v != "" && h.Get(k) != v {
			t.Errorf("header %s = %q, want %q", k, h.Get(k), v)
		}
	}
}

func withRateLimits(sc Scenario, i int, rl *RateLimits) Scenario {
	sc.Accounts[i].RateLimits = rl
	return sc
}

func i64(n int64) *int64 { return &n }

func TestPerSecondLimit429(t *testing.T) {
	sim := newTestSim(t, withRateLimits(testScenario(), 0, &RateLimits{LimitOverride: LimitOverride{PerSecond: map[string]int{labelLight: 3}}}))
	at := ts("2026-11-22T10:00:00Z")
	sim.SetClock(at) // tokens expire on the simulator clock: get them after moving it
	tok := sim.token(0)
	var codes []int
	var last http.Header
	var body apiError
	sim.inOneSecond(at, func() {
		codes = codes[:0]
		for range 5 {
			body = apiError{}
			st, h := sim.call("/v2/users/me", tok, &body)
			codes = append(codes, st)
			last = h
		}
	})
	if codes[0] != 200 || codes[2] != 200 || codes[3] != 429 || codes[4] != 429 {
		t.Fatalf("statuses %v, want 3 × 200 then 429", codes)
	}
	if body.Code != 429 || body.Message != msgRateLimitQPS {
		t.Fatalf("429 body %+v", body)
	}
	wantHeaders(t, last, map[string]string{
		"X-RateLimit-Category": "Light", "X-RateLimit-Type": "QPS", "X-RateLimit-Limit": "3",
		"X-RateLimit-Remaining": "0", "Retry-After": "", "Content-Type": "application/json;charset=UTF-8",
	})
	// Another label has its own window; the next second is a fresh window.
	if st, _ := sim.call("/v2/users", tok, nil); st != 200 {
		t.Fatalf("Medium call in the same second: %d", st)
	}
	sim.SetClock(at.Add(time.Second))
	if st, h := sim.call("/v2/users/me", tok, nil); st != 200 || h.Get("X-RateLimit-Remaining") != "" {
		t.Fatalf("next second: %d %v", st, h)
	}
	st := sim.Stats()
	a := st.Accounts[acctID]
	if st.RateLimited.Total != 2 || st.RateLimited.ByLabel["Light"] != 2 || st.RateLimited.ByType["QPS"] != 2 ||
		a.RateLimited.ByType["QPS"] != 2 || a.Labels["Light"] != 6 {
		t.Fatalf("stats: %+v / account %+v", st.RateLimited, a)
	}
	if a.DailyPool == nil || a.DailyPool.Used != 0 || a.DailyPool.Limit != 60000 {
		t.Fatalf("light calls must not draw on the pool: %+v", a.DailyPool)
	}
}

func TestResourceIntensivePerMinuteWindow(t *testing.T) {
	sim := newTestSim(t, testScenario())
	path := "/v2/metrics/meetings?type=past&from=2026-10-01&to=2026-10-31&page_size=1"
	minute := ts("2026-11-22T10:07:00Z")
	sim.SetClock(minute)
	tok := sim.token(0)
	for i := range 20 { // Business+: 20 per minute
		if st, h := sim.call(path, tok, nil); st != 200 {
			t.Fatalf("call %d: %d %v", i+1, st, h)
		}
	}
	var e apiError
	st, h := sim.call(path, tok, &e)
	if st != 429 || e.Message != msgRateLimitQPS {
		t.Fatalf("21st call in the minute: %d %+v", st, e)
	}
	wantHeaders(t, h, map[string]string{
		"X-RateLimit-Category": "Resource-intensive", "X-RateLimit-Type": "QPS", "X-RateLimit-Limit": "20", "Retry-After": "",
	})
	sim.SetClock(minute.Add(59 * time.Second)) // same minute, other second
	if st, _ := sim.call(path, tok, nil); st != 429 {
		t.Fatalf("later second of the same minute: %d", st)
	}
	sim.SetClock(minute.Add(time.Minute))
	st, h = sim.call(path, tok, nil)
	if st != 200 || h.Get("X-RateLimit-Remaining") != "59979" || h.Get("X-RateLimit-Limit") != "60000" {
		t.Fatalf("next minute: %d remaining %q limit %q", st, h.Get("X-RateLimit-Remaining"), h.Get("X-RateLimit-Limit"))
	}
	if u := sim.Stats().Accounts[acctID].DailyPool; u.Used != 21 {
		t.Fatalf("pool used %d, want 21 (rejected calls use nothing)", u.Used)
	}
}

func TestDailyPoolExhaustionAndMidnightReset(t *testing.T) {
	sim := newTestSim(t, testScenario())
	var res rateLimitsResponse
	if st := sim.post("/_sim/ratelimits", map[string]any{"account_id": acctID, "daily_pool": 5}, &res); st != 200 ||
		len(res.Accounts) != 1 || res.Accounts[0].Tables["api"].DailyPool.Limit != 5 {
		t.Fatalf("override: %d %+v", st, res)
	}
	sim.SetClock(ts("2026-11-22T23:59:30Z"))
	tok := sim.token(0)
	heavy := "/v2/metrics/meetings/" + doubleEscape(oddUUID) + "/participants?type=past"
	for i := range 5 {
		st, h := sim.call(heavy, tok, nil)
		if st != 200 || h.Get("X-RateLimit-Remaining") != []string{"4", "3", "2", "1", "0"}[i] ||
			h.Get("X-RateLimit-Category") != "Heavy" || h.Get("X-RateLimit-Limit") != "5" {
			t.Fatalf("heavy call %d: %d %v", i+1, st, h)
		}
	}
	var e apiError
	st, h := sim.call(heavy, tok, &e)
	if st != 429 || e.Code != 429 || e.Message != msgRateLimitDaily {
		t.Fatalf("over the pool: %d %+v", st, e)
	}
	wantHeaders(t, h, map[string]string{
		"X-RateLimit-Category": "Heavy", "X-RateLimit-Type": "Daily-limit", "X-RateLimit-Limit": "5",
		"X-RateLimit-Remaining": "0", "Retry-After": "2026-11-23T00:00:00Z",
	})
	// Resource-intensive shares the pool; Medium and Light do not use it.
	st, h = sim.call("/v2/metrics/meetings?type=past&from=2026-10-01&to=2026-10-31", tok, nil)
	if st != 429 || h.Get("X-RateLimit-Type") != "Daily-limit" || h.Get("X-RateLimit-Category") != "Resource-intensive" {
		t.Fatalf("resource-intensive after the pool ran out: %d %v", st, h)
	}
	if st, _ := sim.call("/v2/past_meetings/"+doubleEscape(oddUUID)+"/participants", tok, nil); st != 200 {
		t.Fatalf("medium call after the pool ran out: %d", st)
	}
	stats := sim.Stats()
	a := stats.Accounts[acctID]
	if a.DailyPool.Used != 5 || a.DailyPool.Remaining != 0 || a.DailyPool.ResetsAt != "2026-11-23T00:00:00Z" ||
		a.RateLimited.ByType["Daily-limit"] != 2 || a.RateLimited.ByLabel["Heavy"] != 1 || a.RateLimited.ByLabel["Resource-intensive"] != 1 {
		t.Fatalf("stats after exhaustion: pool %+v, 429s %+v", a.DailyPool, a.RateLimited)
	}
	// Cross midnight on the simulator clock through the admin API.
	if st := sim.post("/_sim/clock", map[string]string{"set": "2026-11-23T00:00:01Z"}, nil); st != 200 {
		t.Fatalf("clock: %d", st)
	}
	st, h = sim.call(heavy, tok, nil)
	if st != 200 || h.Get("X-RateLimit-Remaining") != "4" {
		t.Fatalf("after midnight: %d %v", st, h)
	}
	if u := sim.Stats().Accounts[acctID].DailyPool; u.Used != 1 || u.ResetsAt != "2026-11-24T00:00:00Z" {
		t.Fatalf("pool after midnight: %+v", u)
	}
}

func TestPlanLimitsProVersusBusiness(t *testing.T) {
	sc := testScenario()
	sc.Accounts[1].Plan = "pro"
	sim := newTestSim(t, sc)
	at := ts("2026-11-22T11:00:00Z")
	sim.SetClock(at)
	business, pro := sim.token(0), sim.token(1)
	var bizCodes, proCodes []int
	sim.inOneSecond(at, func() {
		bizCodes, proCodes = bizCodes[:0], proCodes[:0]
		for range 31 {
			st, _ := sim.call("/v2/users/me", business, nil)
			bizCodes = append(bizCodes, st)
			st, _ = sim.call("/v2/users/me", pro, nil)
			proCodes = append(proCodes, st)
		}
	})
	if proCodes[29] != 200 || proCodes[30] != 429 {
		t.Fatalf("pro Light: %v, want 30 × 200 then 429", proCodes)
	}
	for i, c := range bizCodes {
		if c != 200 {
			t.Fatalf("business Light call %d: %d (limit is 80/s)", i+1, c)
		}
	}
	var res rateLimitsResponse
	sim.get("/_sim/ratelimits", "", &res)
	want := map[string][5]int64{ // Light, Medium, Heavy, Resource-intensive, pool
		"business/api": {80, 60, 40, 20, 60000}, "pro/api": {30, 20, 10, 10, 30000},
		"business/phone": {40, 20, 10, 10, 30000}, "pro/phone": {20, 10, 5, 5, 15000},
	}
	if len(res.Accounts) != 2 {
		t.Fatalf("accounts: %+v", res.Accounts)
	}
	for _, a := range res.Accounts {
		for _, table := range []string{"api", "phone"} {
			ts := a.Tables[table]
			w := want[a.Plan+"/"+table]
			got := [5]int64{int64(ts.Labels["Light"].Limit), int64(ts.Labels["Medium"].Limit), int64(ts.Labels["Heavy"].Limit),
				int64(ts.Labels["Resource-intensive"].Limit), ts.DailyPool.Limit}
			if got != w || ts.Labels["Resource-intensive"].Window != "1m" || ts.Labels["Heavy"].Window != "1s" {
				t.Fatalf("%s %s: %v (%+v), want %v", a.Plan, table, got, ts.Labels, w)
			}
		}
	}
}

func TestPhoneRoutesUseThePhoneTable(t *testing.T) {
	if tableFor("GET /v2/phone/call_history") != tablePhone || tableFor("GET /v2/phone/users/{userId}/recordings") != tablePhone ||
		tableFor("GET /v2/users/{userId}/recordings") != tableAPI || tableFor("GET /v2/metrics/meetings") != tableAPI {
		t.Fatal("tableFor picks the wrong table")
	}
	sim := newTestSim(t, withRateLimits(testScenario(), 0, &RateLimits{Phone: &LimitOverride{DailyPool: i64(2)}}))
	a := sim.world().accountByID[acctID]
	now := ts("2026-11-22T12:00:00Z")
	for i := range 2 {
		if d := sim.limits.take(a, tablePhone, labelHeavy, now); !d.allowed || d.poolLimit != 2 {
			t.Fatalf("phone heavy %d: %+v", i+1, d)
		}
	}
	if d := sim.limits.take(a, tablePhone, labelResourceIntensive, now); d.allowed || d.kind != rateTypeDaily {
		t.Fatalf("phone pool must be exhausted: %+v", d)
	}
	if d := sim.limits.take(a, tableAPI, labelHeavy, now); !d.allowed || d.poolRemaining != 59999 {
		t.Fatalf("main pool is separate: %+v", d)
	}
	// Phone Business+ allows Light 40/s and Medium 20/s.
	later := now.Add(time.Hour)
	for label, want := range map[string]int{labelLight: 40, labelMedium: 20} {
		n := 0
		for sim.limits.take(a, tablePhone, label, later).allowed {
			n++
		}
		if n != want {
			t.Fatalf("phone Business+ %s admitted %d in a second, want %d", label, n, want)
		}
	}
	sim.SetClock(now)
	if st := sim.Stats().Accounts[acctID].PhoneDailyPool; st == nil || st.Limit != 2 || st.Used != 2 {
		t.Fatalf("phone pool in stats: %+v", st)
	}
}

func TestRateLimitHeaderFault(t *testing.T) {
	sim := newTestSim(t, withRateLimits(testScenario(), 0, &RateLimits{LimitOverride: LimitOverride{DailyPool: i64(0)}}))
	tok := sim.token(0)
	heavy := "/v2/metrics/meetings/" + doubleEscape(oddUUID) + "/participants?type=past"
	var f Faults
	if st := sim.post("/_sim/faults", map[string]string{"ratelimit_headers": "some"}, &f); st != 200 || f.RateLimitHeaders != "some" {
		t.Fatalf("set fault: %d %+v", st, f)
	}
	st, h := sim.call(heavy, tok, nil)
	if st != 429 {
		t.Fatalf("status %d", st)
	}
	wantHeaders(t, h, map[string]string{
		"X-RateLimit-Category": "Heavy", "X-RateLimit-Limit": "0", "X-RateLimit-Remaining": "0",
		"X-RateLimit-Type": "", "Retry-After": "",
	})
	sim.post("/_sim/faults", map[string]string{"ratelimit_headers": "none"}, nil)
	var e apiError
	st, h = sim.call(heavy, tok, &e)
	if st != 429 || e.Message != msgRateLimitDaily {
		t.Fatalf("none: %d %+v", st, e)
	}
	wantHeaders(t, h, map[string]string{
		"X-RateLimit-Category": "", "X-RateLimit-Limit": "", "X-RateLimit-Remaining": "", "X-RateLimit-Type": "", "Retry-After": "",
	})
	if st := sim.post("/_sim/faults", map[string]string{"ratelimit_headers": "most"}, nil); st != 400 {
		t.Fatalf("bad value accepted: %d", st)
	}
	sim.post("/_sim/faults", map[string]bool{"reset": true}, &f)
	if f.RateLimitHeaders != "all" {
		t.Fatalf("default: %+v", f)
	}
	_, h = sim.call(heavy, tok, nil)
	if h.Get("Retry-After") == "" || h.Get("X-RateLimit-Type") != "Daily-limit" {
		t.Fatalf("all: %v", h)
	}
}

func TestRateLimitOverrides(t *testing.T) {
	over := &RateLimits{LimitOverride: LimitOverride{DailyPool: i64(50), PerSecond: map[string]int{labelLight: 5, labelResourceIntensive: 2}}}
	sim := newTestSim(t, withRateLimits(testScenario(), 0, over))
	// The scenario override survives GET /_sim/scenario and shows in the status.
	var sc Scenario
	sim.get("/_sim/scenario", "", &sc)
	if rl := sc.Accounts[0].RateLimits; rl == nil || *rl.DailyPool != 50 || rl.PerSecond["Light"] != 5 {
		t.Fatalf("scenario round trip: %+v", rl)
	}
	api := sim.RateLimits()[0].Tables["api"]
	if api.DailyPool.Limit != 50 || api.Labels["Light"].Limit != 5 || api.Labels["Medium"].Limit != 60 || api.Labels["Resource-intensive"].Limit != 2 {
		t.Fatalf("scenario override: %+v", api)
	}
	// Admin overrides merge over it, per field; reset drops them again.
	var res rateLimitsResponse
	if st := sim.post("/_sim/ratelimits", map[string]any{"account_id": acctID, "per_second": map[string]int{"Medium": 7}}, &res); st != 200 {
		t.Fatalf("admin override: %d", st)
	}
	if l := res.Accounts[0].Tables["api"].Labels; l["Medium"].Limit != 7 || l["Light"].Limit != 5 {
		t.Fatalf("merged: %+v", l)
	}
	tok := sim.token(0)
	sim.call("/v2/metrics/meetings/"+doubleEscape(oddUUID)+"/participants?type=past", tok, nil)
	if u := sim.RateLimits()[0].Tables["api"].DailyPool; u.Used != 1 || u.Remaining != 49 {
		t.Fatalf("usage: %+v", u)
	}
	sim.post("/_sim/ratelimits", map[string]any{"account_id": acctID, "reset": true, "reset_usage": true}, &res)
	if a := res.Accounts[0].Tables["api"]; a.Labels["Medium"].Limit != 60 || a.Labels["Light"].Limit != 5 || a.DailyPool.Used != 0 {
		t.Fatalf("after reset: %+v", a)
	}
	// Without account_id the request applies to every account.
	sim.post("/_sim/ratelimits", map[string]any{"daily_pool": 7}, &res)
	if len(res.Accounts) != 2 || res.Accounts[1].Tables["api"].DailyPool.Limit != 7 {
		t.Fatalf("all accounts: %+v", res.Accounts)
	}
	var e adminError
	if st := sim.post("/_sim/ratelimits", map[string]any{"account_id": "nope"}, &e); st != 404 {
		t.Fatalf("unknown account: %d %+v", st, e)
	}
	if st := sim.post("/_sim/ratelimits", map[string]any{"per_second": map[string]int{"Feather": 1}}, &e); st != 400 {
		t.Fatalf("unknown label: %d %+v", st, e)
	}
	if st := sim.post("/_sim/ratelimits", map[string]any{"daily_pool": -1}, &e); st != 400 {
		t.Fatalf("negative pool: %d %+v", st, e)
	}
	bad := withRateLimits(testScenario(), 0, &RateLimits{LimitOverride: LimitOverride{PerSecond: map[string]int{"heavy": 1}}})
	if _, err := sim.LoadScenario(bad); err == nil {
		t.Fatal("a scenario with an unknown label loaded")
	}
	// Loading a scenario forgets admin overrides and usage.
	if _, err := sim.LoadScenario(testScenario()); err != nil {
		t.Fatal(err)
	}
	if a := sim.RateLimits()[0].Tables["api"]; a.DailyPool.Limit != 60000 || a.Labels["Light"].Limit != 80 {
		t.Fatalf("after reload: %+v", a)
	}
}

func TestUnauthenticatedCallsAreNotRateLimited(t *testing.T) {
	sim := newTestSim(t, withRateLimits(testScenario(), 0, &RateLimits{LimitOverride: LimitOverride{PerSecond: map[string]int{labelMedium: 0}}}))
	var e apiError
	if st, _ := sim.call("/v2/users", "bogus", &e); st != 401 || e.Code != 124 {
		t.Fatalf("bad token: %d %+v", st, e)
	}
	tok := sim.token(0)
	if st, h := sim.call("/v2/users?"+url.Values{"page_size": {"1"}}.Encode(), tok, &e); st != 429 || h.Get("X-RateLimit-Limit") != "0" {
		t.Fatalf("limit 0 rejects everything: %d %v", st, h)
	}
	if sim.Stats().RateLimited.Total != 1 {
		t.Fatalf("429s: %+v", sim.Stats().RateLimited)
	}
}
