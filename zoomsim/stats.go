package zoomsim

import (
	"maps"
	"sync"
)

// Zoom's rate-limit labels.
const (
	labelLight             = "Light"
	labelMedium            = "Medium"
	labelHeavy             = "Heavy"
	labelResourceIntensive = "Resource-intensive"
)

// Stats answers GET /_sim/stats.
type Stats struct {
	// Calls counts requests per route pattern, e.g. "GET /v2/users".
	Calls map[string]int64 `json:"calls"`
	// Labels counts REST requests per rate-limit label.
	Labels   map[string]int64         `json:"labels"`
	Accounts map[string]*AccountStats `json:"accounts"`
	// RateLimited counts 429 responses sent.
	RateLimited RateLimitStats `json:"rate_limited"`
	// BytesDownloaded counts file bytes written to download responses;
	// Downloads counts responses that started sending file bytes.
	BytesDownloaded int64 `json:"bytes_downloaded"`
	Downloads       int64 `json:"downloads"`
	// Webhooks counts webhook deliveries (see GET /_sim/webhooks).
	Webhooks WebhookStats `json:"webhooks"`
	// FileHostAuthRefused counts requests to the file host that carried an
	// Authorization header (a bearer token forwarded across hosts), refused.
	FileHostAuthRefused int64 `json:"file_host_auth_refused"`
}

// AccountStats is the per-account part of Stats.
type AccountStats struct {
	Calls           map[string]int64 `json:"calls"`
	Labels          map[string]int64 `json:"labels"`
	RateLimited     RateLimitStats   `json:"rate_limited"`
	BytesDownloaded int64            `json:"bytes_downloaded"`
	Downloads       int64            `json:"downloads"`
	// DailyPool and PhoneDailyPool are the account's Heavy + Resource-intensive
	// daily pools (main API and Zoom Phone) on the simulator clock; every loaded
	// account has them.
	DailyPool      *PoolUsage `json:"daily_pool,omitempty"`
	PhoneDailyPool *PoolUsage `json:"phone_daily_pool,omitempty"`
}

// RateLimitStats counts 429s by label and by type ("QPS", "Daily-limit").
type RateLimitStats struct {
	Total   int64            `json:"total"`
	ByLabel map[string]int64 `json:"by_label"`
	ByType  map[string]int64 `json:"by_type"`
}

func newRateLimitStats() RateLimitStats {
	return RateLimitStats{ByLabel: map[string]int64{}, ByType: map[string]int64{}}
}

func (r *RateLimitStats) add(label, typ string) {
	r.Total++
	r.ByLabel[label]++
	r.ByType[typ]++
}

func (r RateLimitStats) clone() RateLimitStats {
	return RateLimitStats{Total: r.Total, ByLabel: maps.Clone(r.ByLabel), ByType: maps.Clone(r.ByType)}
}

type statsRecorder struct {
	mu sync.Mutex
	s  Stats
}

func newStatsRecorder() *statsRecorder {
	r := &statsRecorder{}
	r.reset()
	return r
}

func (r *statsRecorder) reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.s = Stats{Calls: map[string]int64{}, Labels: map[string]int64{}, Accounts: map[string]*AccountStats{}, RateLimited: newRateLimitStats()}
}

func (r *statsRecorder) account(id string) *AccountStats {
	a := r.s.Accounts[id]
	if a == nil {
		a = &AccountStats{Calls: map[string]int64{}, Labels: map[string]int64{}, RateLimited: newRateLimitStats()}
		r.s.Accounts[id] = a
	}
	return a
}

// call records one request to route; label is "" for non-REST routes and
// accountID "" when the caller could not be identified.
func (r *statsRecorder) call(route, label, accountID string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.s.Calls[route]++
	if label != "" {
		r.s.Labels[label]++
	}
	if accountID != "" {
		a := r.account(accountID)
		a.Calls[route]++
		if label != "" {
			a.Labels[label]++
		}
	}
}

// rateLimited records a 429 sent (used by the rate limiter).
func (r *statsRecorder) rateLimited(label, typ, accountID string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.s.RateLimited.add(label, typ)
	if accountID != "" {
		r.account(accountID).RateLimited.add(label, typ)
	}
}

func (r *statsRecorder) downloadStarted(accountID string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.s.Downloads++
	r.account(accountID).Downloads++
}

func (r *statsRecorder) fileHostAuthRefused() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.s.FileHostAuthRefused++
}

func (r *statsRecorder) bytesSent(accountID string, n int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.s.BytesDownloaded += n
	r.account(accountID).BytesDownloaded += n
}

func (r *statsRecorder) snapshot() Stats {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := Stats{
		Calls: maps.Clone(r.s.Calls), Labels: maps.Clone(r.s.Labels),
		Accounts: make(map[string]*AccountStats, len(r.s.Accounts)), RateLimited: r.s.RateLimited.clone(),
		BytesDownloaded: r.s.BytesDownloaded, Downloads: r.s.Downloads, Webhooks: r.s.Webhooks,
		FileHostAuthRefused: r.s.FileHostAuthRefused,
	}
	for id, a := range r.s.Accounts {
		out.Accounts[id] = &AccountStats{
			Calls: maps.Clone(a.Calls), Labels: maps.Clone(a.Labels), RateLimited: a.RateLimited.clone(),
			BytesDownloaded: a.BytesDownloaded, Downloads: a.Downloads,
		}
	}
	return out
}
