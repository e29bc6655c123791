package zoomsim

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"
)

const maxAdminBody = 64 << 20

// AccountInfo is one account as GET /_sim/accounts lists it, credentials
// included.
type AccountInfo struct {
	AccountID          string     `json:"account_id"`
	ClientID           string     `json:"client_id"`
	ClientSecret       string     `json:"client_secret"`
	WebhookSecretToken string     `json:"webhook_secret_token"`
	Plan               string     `json:"plan"`
	Users              []UserInfo `json:"users"`
}

// UserInfo is one user of an account.
type UserInfo struct {
	ID        string `json:"id"`
	Email     string `json:"email"`
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	Type      int    `json:"type"`
	Status    string `json:"status"`
	Timezone  string `json:"timezone"`
}

// Accounts lists the loaded accounts with their credentials and users.
func (s *Server) Accounts() []AccountInfo {
	out := []AccountInfo{}
	for _, a := range s.world().accounts {
		ai := AccountInfo{
			AccountID: a.ID, ClientID: a.ClientID, ClientSecret: a.ClientSecret,
			WebhookSecretToken: a.WebhookSecretToken, Plan: a.Plan, Users: []UserInfo{},
		}
		for _, u := range a.users {
			ai.Users = append(ai.Users, UserInfo{
				ID: u.ID, Email: u.Email, FirstName: u.FirstName, LastName: u.LastName,
				Type: u.Type, Status: u.Status, Timezone: u.Timezone,
			})
		}
		out = append(out, ai)
	}
	return out
}

type adminError struct {
	Error string `json:"error"`
}

func writeAdminError(w http.ResponseWriter, status int, err error) {
	writeJSON(w, status, adminError{Error: err.Error()})
}

func decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxAdminBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		writeAdminError(w, http.StatusBadRequest, fmt.Errorf("invalid JSON body: %w", err))
		return false
	}
	return true
}

// adminTruth is GET /_sim/truth; ?sha256=false skips the digests.
func (s *Server) adminTruth(w http.ResponseWriter, r *http.Request) {
	withSHA := r.URL.Query().Get("sha256") != "false" && r.URL.Query().Get("sha256") != "0"
	writeJSON(w, http.StatusOK, s.truth(baseURL(r), withSHA))
}

func (s *Server) adminAccounts(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"accounts": s.Accounts()})
}

func (s *Server) adminStats(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.Stats())
}

func (s *Server) adminStatsReset(w http.ResponseWriter, r *http.Request) {
	s.stats.reset()
	writeJSON(w, http.StatusOK, s.Stats())
}

// clockRequest is the body of POST /_sim/clock: set an RFC 3339 time, advance
// by a Go duration ("25h", "-90m"), or both (set first).
type clockRequest struct {
	Set     string `json:"set,omitempty"`
	Advance string `json:"advance,omitempty"`
}

type clockResponse struct {
	Now string `json:"now"`
}

func (s *Server) adminClock(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost {
		var req clockRequest
		if !decodeBody(w, r, &req) {
			return
		}
		if req.Set == "" && req.Advance == "" {
			writeAdminError(w, http.StatusBadRequest, errors.New(`give "set" (RFC 3339) or "advance" (duration such as "25h")`))
			return
		}
		var d time.Duration
		if req.Advance != "" {
			var err error
			if d, err = time.ParseDuration(req.Advance); err != nil {
				writeAdminError(w, http.StatusBadRequest, fmt.Errorf("advance: %w", err))
				return
			}
		}
		if req.Set != "" {
			t, err := time.Parse(time.RFC3339Nano, req.Set)
			if err != nil {
				writeAdminError(w, http.StatusBadRequest, fmt.Errorf("set: %w", err))
				return
			}
			s.clock.Set(t)
		}
		s.clock.Advance(d)
		s.hooks.kick()        // fire due webhook retries, announce finished files
		s.bots.clockChanged() // and due bot webhook retries
		s.log.Info("zoomsim clock moved", "now", s.clock.Now())
	}
	writeJSON(w, http.StatusOK, clockResponse{Now: s.clock.Now().Format(time.RFC3339Nano)})
}

func (s *Server) adminGetScenario(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.Scenario())
}

func (s *Server) adminLoadScenario(w http.ResponseWriter, r *http.Request) {
	var sc Scenario
	if !decodeBody(w, r, &sc) {
		return
	}
	res, err := s.LoadScenario(sc)
	if err != nil {
		writeAdminError(w, http.StatusBadRequest, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

func (s *Server) adminFaults(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost {
		var p FaultsPatch
		if !decodeBody(w, r, &p) {
			return
		}
		if err := validateFaultsPatch(p); err != nil {
			writeAdminError(w, http.StatusBadRequest, err)
			return
		}
		f := s.faults.apply(p)
		s.log.Info("zoomsim faults updated", "faults", f)
		writeJSON(w, http.StatusOK, f)
		return
	}
	writeJSON(w, http.StatusOK, s.faults.get())
}
