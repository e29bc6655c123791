package zoomsim

import "net/http"

// userOAuthRoutes registers user-level OAuth and join tokens (placeholder;
// see scenario_live.go for the scenario contract).
func (s *Server) userOAuthRoutes(mux *http.ServeMux) {}
