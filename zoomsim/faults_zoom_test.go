package zoomsim

import (
	"slices"
	"testing"
	"time"
)

// api_latency_ms delays each /v2 request of a label by a uniform draw from
// its range; other labels answer at once; the draws follow the seed.
func TestAPILatencyPerLabel(t *testing.T) {
	sim := newTestSim(t, testScenario())
	tok := sim.token(0)
	var f Faults
	if st := sim.post("/_sim/faults", map[string]any{"api_latency_ms": map[string][]int{"Medium": {60, 90}}, "api_latency_seed": 7}, &f); st != 200 || f.APILatencyMS["Medium"] != [2]int{60, 90} {
		t.Fatalf("set latency: %d %+v", st, f)
	}
	timed := func(path string) time.Duration {
		start := time.Now()
		if st := sim.get(path, tok, nil); st != 200 {
			t.Fatalf("%s: %d", path, st)
		}
		return time.Since(start)
	}
	for range 3 {
		if d := timed("/v2/users"); d < 60*time.Millisecond || d > 400*time.Millisecond {
			t.Errorf("Medium request took %v, want 60–90 ms plus overhead", d)
		}
	}
	if d := timed("/v2/users/me"); d > 50*time.Millisecond { // Light: no latency set
		t.Errorf("Light request took %v", d)
	}
	for _, bad := range []map[string]any{
		{"api_latency_ms": map[string][]int{"Median": {1, 2}}},
		{"api_latency_ms": map[string][]int{"Light": {90, 60}}},
		{"api_latency_ms": map[string][]int{"Light": {-1, 60}}},
	} {
		if st := sim.post("/_sim/faults", bad, nil); st != 400 {
			t.Errorf("%v: %d", bad, st)
		}
	}
	// Same seed, same draws.
	draws := func() []time.Duration {
		sim.UpdateFaults(FaultsPatch{APILatencyMS: map[string][2]int{"Heavy": {20, 80}}, APILatencySeed: ptr(int64(3))})
		var out []time.Duration
		for range 20 {
			out = append(out, sim.faults.apiLatency(labelHeavy))
		}
		return out
	}
	a, b := draws(), draws()
	if !slices.Equal(a, b) || slices.Min(a) < 20*time.Millisecond || slices.Max(a) > 80*time.Millisecond || slices.Min(a) == slices.Max(a) {
		t.Fatalf("draws %v vs %v", a, b)
	}
	if sim.UpdateFaults(FaultsPatch{Reset: true}); sim.faults.apiLatency(labelHeavy) != 0 || len(sim.Faults().APILatencyMS) != 0 {
		t.Fatal("reset keeps the latency")
	}
}

// With s2s_token_invalidates_previous a new Server-to-Server token makes the
// account's earlier ones answer 401 code 124; other accounts keep theirs.
func TestNewS2STokenInvalidatesEarlierOnes(t *testing.T) {
	sim := newTestSim(t, testScenario())
	old, other := sim.token(0), sim.token(1)
	if second := sim.token(0); sim.get("/v2/users/me", old, nil) != 200 || sim.get("/v2/users/me", second, nil) != 200 {
		t.Fatal("by default tokens live side by side")
	}
	sim.UpdateFaults(FaultsPatch{S2STokenInvalidatesPrevious: ptr(true)})
	fresh := sim.token(0)
	var e apiError
	if st := sim.get("/v2/users/me", old, &e); st != 401 || e.Code != 124 || e.Message != "Invalid access token." {
		t.Fatalf("old token: %d %+v", st, e)
	}
	if sim.get("/v2/users/me", fresh, nil) != 200 || sim.get("/v2/users/me", other, nil) != 200 {
		t.Fatal("the new token or another account's token stopped working")
	}
	f := completedFile(t, sim.Server)
	if _, hdr, _ := fetch(t, withToken(sim.ts.URL+f.DownloadURL, old), nil); hdr.Get("Content-Type") != "text/html;charset=utf-8" {
		t.Fatal("revoked token still downloads")
	}
}
