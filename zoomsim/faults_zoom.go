package zoomsim

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"time"
)

// This file holds the fault settings that choose between generations of
// Zoom's behaviour (today's by default, older shapes on request) rather than
// injecting failures.

// applyZoomPatch applies the behaviour fields of p; the caller holds s.mu.
func (s *faultState) applyZoomPatch(p FaultsPatch) {
	if p.LegacyFileShapes != nil {
		types := make([]string, 0, len(p.LegacyFileShapes))
		for _, t := range p.LegacyFileShapes {
			if t = strings.ToUpper(strings.TrimSpace(t)); t != "" && !slices.Contains(types, t) {
				types = append(types, t)
			}
		}
		s.f.LegacyFileShapes = types
	}
	if p.S2STokenInvalidatesPrevious != nil {
		s.f.S2STokenInvalidatesPrevious = *p.S2STokenInvalidatesPrevious
	}
	if p.APILatencySeed != nil {
		s.f.APILatencySeed = *p.APILatencySeed
	}
	if p.APILatencyMS != nil {
		s.f.APILatencyMS = maps.Clone(p.APILatencyMS)
	}
	if p.Reset || p.APILatencyMS != nil || p.APILatencySeed != nil {
		seed := uint64(s.f.APILatencySeed)
		s.latency = rand.New(rand.NewPCG(seed, seed^0x5a17))
	}
}

// maxAPILatencyMS bounds a latency setting (a minute: beyond any client's
// patience, so surely a typo).
const maxAPILatencyMS = 60000

func validateLatency(m map[string][2]int) error {
	for label, r := range m {
		if !slices.Contains(rateLabels, label) {
			return fmt.Errorf("api_latency_ms: unknown rate-limit label %q (want one of %v)", label, rateLabels)
		}
		if r[0] < 0 || r[1] < r[0] || r[1] > maxAPILatencyMS {
			return fmt.Errorf("api_latency_ms[%q] = %v: want [min, max] with 0 <= min <= max <= %d", label, r, maxAPILatencyMS)
		}
	}
	return nil
}

// apiLatency draws the delay of one request of label (0 when none is set).
func (s *faultState) apiLatency(label string) time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.f.APILatencyMS[label]
	if !ok || r[1] == 0 {
		return 0
	}
	ms := r[0] + s.latency.IntN(r[1]-r[0]+1)
	return time.Duration(ms) * time.Millisecond
}

// sleepAPILatency waits out the configured latency of label, or until the
// client goes away.
func (s *Server) sleepAPILatency(r *http.Request, label string) {
	d := s.faults.apiLatency(label)
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-r.Context().Done():
	}
}

// legacyShapes is the set of file types rendered in the older entry shape.
func (s *faultState) legacyShapes() map[string]bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]bool, len(s.f.LegacyFileShapes))
	for _, t := range s.f.LegacyFileShapes {
		out[t] = true
		if t == "TIMELINE" {
			out["TB"] = true // the timeline's older file_type
		}
	}
	return out
}

func (s *faultState) s2sSingleToken() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.f.S2STokenInvalidatesPrevious
}
