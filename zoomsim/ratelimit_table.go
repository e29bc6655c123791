package zoomsim

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// Zoom keeps separate rate-limit tables: one for the main REST API and one for
// Zoom Phone (/v2/phone/...), each with its own per-label limits and its own
// daily pool shared by Heavy and Resource-intensive requests.
const (
	tableAPI   = "api"
	tablePhone = "phone"
)

// rateLabels lists Zoom's rate-limit labels in order of weight.
var rateLabels = []string{labelLight, labelMedium, labelHeavy, labelResourceIntensive}

// limitTable is one plan's row set of one table: requests per window per label
// (per second, per minute for Resource-intensive) and the daily pool.
type limitTable struct {
	perWindow map[string]int
	dailyPool int64
}

// zoomLimits holds Zoom's published limits (developers.zoom.us/docs/api/rate-limits):
// Business+ covers Business, Education, Enterprise and Partner accounts.
var zoomLimits = map[string]map[string]limitTable{
	tableAPI: {
		"business": {perWindow: map[string]int{labelLight: 80, labelMedium: 60, labelHeavy: 40, labelResourceIntensive: 20}, dailyPool: 60000},
		"pro":      {perWindow: map[string]int{labelLight: 30, labelMedium: 20, labelHeavy: 10, labelResourceIntensive: 10}, dailyPool: 30000},
	},
	tablePhone: {
		"business": {perWindow: map[string]int{labelLight: 40, labelMedium: 20, labelHeavy: 10, labelResourceIntensive: 10}, dailyPool: 30000},
		"pro":      {perWindow: map[string]int{labelLight: 20, labelMedium: 10, labelHeavy: 5, labelResourceIntensive: 5}, dailyPool: 15000},
	},
}

// labelWindow is the counting window of a label: Resource-intensive requests
// are counted per minute, the others per second.
func labelWindow(label string) time.Duration {
	if label == labelResourceIntensive {
		return time.Minute
	}
	return time.Second
}

// drawsOnPool reports whether a label's requests count against the daily pool.
func drawsOnPool(label string) bool {
	return label == labelHeavy || label == labelResourceIntensive
}

// tableFor picks the rate-limit table of a route pattern such as
// "GET /v2/phone/call_history": Zoom Phone routes use the Phone table.
func tableFor(pattern string) string {
	path := pattern
	if i := strings.IndexByte(pattern, ' '); i >= 0 {
		path = pattern[i+1:]
	}
	if strings.HasPrefix(path, "/v2/phone/") || path == "/v2/phone" {
		return tablePhone
	}
	return tableAPI
}

// LimitOverride replaces some of one table's limits for an account. PerSecond
// maps a label to its limit per window — per second, except Resource-intensive,
// which Zoom counts per minute. 0 rejects every request of that label.
type LimitOverride struct {
	DailyPool *int64         `json:"daily_pool,omitempty"`
	PerSecond map[string]int `json:"per_second,omitempty"`
}

// RateLimits overrides an account's rate limits (scenario
// ScenarioAccount.rate_limits, POST /_sim/ratelimits). The top-level fields
// apply to the main API table; Phone to the Zoom Phone table.
type RateLimits struct {
	LimitOverride
	Phone *LimitOverride `json:"phone,omitempty"`
}

func (o *LimitOverride) validate() error {
	if o == nil {
		return nil
	}
	if o.DailyPool != nil && *o.DailyPool < 0 {
		return fmt.Errorf("daily_pool %d must not be negative", *o.DailyPool)
	}
	for label, n := range o.PerSecond {
		if !isRateLabel(label) {
			return fmt.Errorf("per_second: unknown label %q (want Light, Medium, Heavy or Resource-intensive)", label)
		}
		if n < 0 {
			return fmt.Errorf("per_second[%s] %d must not be negative", label, n)
		}
	}
	return nil
}

func (r *RateLimits) validate() error {
	if r == nil {
		return nil
	}
	if err := r.LimitOverride.validate(); err != nil {
		return err
	}
	if err := r.Phone.validate(); err != nil {
		return fmt.Errorf("phone: %w", err)
	}
	return nil
}

// forTable returns the part of r that applies to a table (nil if none).
func (r *RateLimits) forTable(table string) *LimitOverride {
	if r == nil {
		return nil
	}
	if table == tablePhone {
		return r.Phone
	}
	return &r.LimitOverride
}

func isRateLabel(label string) bool { return slices.Contains(rateLabels, label) }

// effective is a table's limits for one account after overrides.
type effective struct {
	perWindow map[string]int
	dailyPool int64
}

// effectiveLimits layers the account's scenario override and then the admin
// override over the plan's published limits.
func effectiveLimits(table, plan string, layers ...*LimitOverride) effective {
	base, ok := zoomLimits[table][plan]
	if !ok {
		base = zoomLimits[table]["business"]
	}
	e := effective{perWindow: maps.Clone(base.perWindow), dailyPool: base.dailyPool}
	for _, o := range layers {
		if o == nil {
			continue
		}
		if o.DailyPool != nil {
			e.dailyPool = *o.DailyPool
		}
		for l, n := range o.PerSecond {
			e.perWindow[l] = n
		}
	}
	return e
}
