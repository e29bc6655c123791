package benchkit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// DefaultLatency is the simulated Zoom API round trip the benchmarks run
// with unless told otherwise: the same per-label ranges as scripts/demo.sh,
// an internet round trip to Zoom's API from a cloud region, heavier calls
// slower. Figures measured on loopback without it flatter every client that
// makes many sequential API calls.
const DefaultLatency = "Light=40-120,Medium=60-250,Heavy=80-300,Resource-intensive=100-400"

// LatencySeed seeds the simulator's latency draws, so a sequential client
// sees the same delays on every run.
const LatencySeed = 1

// Latency is a per-rate-limit-label API latency setting for the simulator
// (its api_latency_ms fault): label → [min, max] milliseconds, drawn
// uniformly. Empty means off.
type Latency map[string][2]int

// ParseLatency reads a -latency flag value: "off" (or empty), or
// comma-separated Label=min-max entries in milliseconds, e.g.
// "Light=40-120,Medium=60-250". Labels are the simulator's rate-limit labels
// (Light, Medium, Heavy, Resource-intensive); it validates them itself.
func ParseLatency(s string) (Latency, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "off" {
		return Latency{}, nil
	}
	l := Latency{}
	for _, entry := range strings.Split(s, ",") {
		label, rng, ok := strings.Cut(strings.TrimSpace(entry), "=")
		lo, hi, ok2 := strings.Cut(rng, "-")
		if !ok || !ok2 {
			return nil, fmt.Errorf("-latency entry %q: want Label=min-max in ms (e.g. Medium=60-250) or off", entry)
		}
		a, err1 := strconv.Atoi(lo)
		b, err2 := strconv.Atoi(hi)
		if err1 != nil || err2 != nil || a < 0 || b < a {
			return nil, fmt.Errorf("-latency entry %q: want 0 <= min <= max, whole milliseconds", entry)
		}
		l[label] = [2]int{a, b}
	}
	return l, nil
}

// On reports whether any label is delayed.
func (l Latency) On() bool { return len(l) > 0 }

// String describes the setting for a benchmark's output: "off", or
// "on (Light 40–120 ms, Medium 60–250 ms, …; seed 1)" in a fixed label order.
func (l Latency) String() string {
	if !l.On() {
		return "off"
	}
	order := map[string]int{"Light": 0, "Medium": 1, "Heavy": 2, "Resource-intensive": 3}
	labels := make([]string, 0, len(l))
	for k := range l {
		labels = append(labels, k)
	}
	sort.Slice(labels, func(i, j int) bool { return order[labels[i]] < order[labels[j]] })
	parts := make([]string, len(labels))
	for i, k := range labels {
		parts[i] = fmt.Sprintf("%s %d–%d ms", k, l[k][0], l[k][1])
	}
	return fmt.Sprintf("on (%s; seed %d)", strings.Join(parts, ", "), LatencySeed)
}

// Apply sets the latency on the simulator at simURL through its admin API
// (POST /_sim/faults), replacing any earlier setting; off clears it.
func (l Latency) Apply(simURL string) error {
	body, _ := json.Marshal(map[string]any{"api_latency_ms": map[string][2]int(l), "api_latency_seed": LatencySeed})
	resp, err := http.Post(simURL+"/_sim/faults", "application/json", bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("setting the simulator's API latency: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("setting the simulator's API latency: %s: %s (check -latency)", resp.Status, b)
	}
	return nil
}
