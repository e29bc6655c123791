package zoomsim

import (
	"slices"
	"strings"
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
