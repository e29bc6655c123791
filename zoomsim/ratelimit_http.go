package zoomsim

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// Zoom's documented 429 messages (developers.zoom.us/docs/api/rate-limits,
// "Error table"). Resource-intensive per-minute rejections use the per-second
// text, as Zoom lists no other.
const (
	msgRateLimitQPS   = "You have reached the maximum per-second rate limit for this API. Try again later."
	msgRateLimitDaily = "You have reached the maximum daily rate limit for this API. Refer to the response header for details on when you can make another request."
)

// Values of the ratelimit_headers fault setting.
const (
	rateHeadersAll  = "all"
	rateHeadersNone = "none"
	rateHeadersSome = "some" // drop Retry-After and X-RateLimit-Type
)

// admitRequest applies the account's rate limits to one REST request. It
// answers 429 itself and returns false when the request is over a limit;
// otherwise it sets the pool headers of Heavy and Resource-intensive requests
// and returns true.
func (s *Server) admitRequest(w http.ResponseWriter, pattern, label string, a *account, now time.Time) bool {
	// A server's Date header carries its own clock: clients that turn an
	// absolute Retry-After into a delay use it, so the simulated clock's
	// midnight is a real delay away even when the clock was moved.
	w.Header().Set("Date", now.UTC().Format(http.TimeFormat))
	if label == "" {
		return true
	}
	d := s.limits.take(a, tableFor(pattern), label, now)
	mode := s.faults.rateLimitHeaders()
	h := w.Header()
	if d.allowed {
		if d.pooled && mode != rateHeadersNone {
			h.Set("X-RateLimit-Category", label)
			h.Set("X-RateLimit-Limit", strconv.FormatInt(d.poolLimit, 10))
			h.Set("X-RateLimit-Remaining", strconv.FormatInt(d.poolRemaining, 10))
		}
		return true
	}
	s.stats.rateLimited(label, d.kind, a.ID)
	if mode != rateHeadersNone {
		h.Set("X-RateLimit-Category", label)
		h.Set("X-RateLimit-Limit", strconv.FormatInt(d.limit, 10))
		h.Set("X-RateLimit-Remaining", "0")
		if mode == rateHeadersAll {
			h.Set("X-RateLimit-Type", d.kind)
			if d.kind == rateTypeDaily {
				h.Set("Retry-After", zoomTime(d.retryAfter))
			}
		}
	}
	msg := msgRateLimitQPS
	if d.kind == rateTypeDaily {
		msg = msgRateLimitDaily
	}
	writeAPIError(w, http.StatusTooManyRequests, http.StatusTooManyRequests, msg)
	return false
}

// RateLimitsRequest is the body of POST /_sim/ratelimits. AccountID selects
// one account ("" = every loaded account). Reset first drops earlier admin
// overrides (back to the scenario's and the plan's limits); the override
// fields then replace what they name; ResetUsage zeroes the current windows and
// the daily pools.
type RateLimitsRequest struct {
	AccountID string `json:"account_id,omitempty"`
	RateLimits
	Reset      bool `json:"reset,omitempty"`
	ResetUsage bool `json:"reset_usage,omitempty"`
}

type rateLimitsResponse struct {
	Accounts []RateLimitStatus `json:"accounts"`
}

var errUnknownAccount = errors.New("unknown account")

// RateLimits lists every loaded account's limits and usage (GET /_sim/ratelimits).
func (s *Server) RateLimits() []RateLimitStatus {
	now := s.clock.Now()
	out := []RateLimitStatus{}
	for _, a := range s.world().accounts {
		out = append(out, s.limits.status(a, now))
	}
	return out
}

// SetRateLimits applies a POST /_sim/ratelimits request and returns the
// affected accounts' limits and usage.
func (s *Server) SetRateLimits(req RateLimitsRequest) ([]RateLimitStatus, error) {
	if err := req.RateLimits.validate(); err != nil {
		return nil, err
	}
	wd := s.world()
	targets := wd.accounts
	if req.AccountID != "" {
		a := wd.accountByID[req.AccountID]
		if a == nil {
			return nil, fmt.Errorf("%w %q", errUnknownAccount, req.AccountID)
		}
		targets = []*account{a}
	}
	now := s.clock.Now()
	out := []RateLimitStatus{}
	for _, a := range targets {
		s.limits.override(a.ID, &req.RateLimits, req.Reset, req.ResetUsage)
		out = append(out, s.limits.status(a, now))
	}
	return out, nil
}

func (s *Server) adminRateLimits(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		writeJSON(w, http.StatusOK, rateLimitsResponse{Accounts: s.RateLimits()})
		return
	}
	var req RateLimitsRequest
	if !decodeBody(w, r, &req) {
		return
	}
	out, err := s.SetRateLimits(req)
	if err != nil {
		status := http.StatusBadRequest
		if errors.Is(err, errUnknownAccount) {
			status = http.StatusNotFound
		}
		writeAdminError(w, status, err)
		return
	}
	s.log.Info("zoomsim rate limits updated", "account", req.AccountID)
	writeJSON(w, http.StatusOK, rateLimitsResponse{Accounts: out})
}

// withPools adds each loaded account's daily-pool usage to a stats snapshot.
func (s *Server) withPools(st Stats) Stats {
	now := s.clock.Now()
	for _, a := range s.world().accounts {
		as := st.Accounts[a.ID]
		if as == nil {
			as = &AccountStats{Calls: map[string]int64{}, Labels: map[string]int64{}, RateLimited: newRateLimitStats()}
			st.Accounts[a.ID] = as
		}
		rs := s.limits.status(a, now)
		api, phone := rs.Tables[tableAPI].DailyPool, rs.Tables[tablePhone].DailyPool
		as.DailyPool, as.PhoneDailyPool = &api, &phone
	}
	return st
}

func validRateHeaders(v string) bool {
	return v == rateHeadersAll || v == rateHeadersNone || v == rateHeadersSome
}

// validateFaultsPatch rejects settings apply would ignore.
func validateFaultsPatch(p FaultsPatch) error {
	if p.RateLimitHeaders != nil && !validRateHeaders(*p.RateLimitHeaders) {
		return fmt.Errorf("ratelimit_headers %q: want all, none or some", *p.RateLimitHeaders)
	}
	return validateLatency(p.APILatencyMS)
}

func (s *faultState) rateLimitHeaders() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.f.RateLimitHeaders == "" {
		return rateHeadersAll
	}
	return s.f.RateLimitHeaders
}
