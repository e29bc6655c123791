package zoomsim

import "net/http"

// botRoutes registers the Recall-compatible bot API (placeholder; see
// scenario_live.go for the scenario contract).
func (s *Server) botRoutes(mux *http.ServeMux) {}
