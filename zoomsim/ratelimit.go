package zoomsim

import (
	"maps"
	"sync"
	"time"
)

// X-RateLimit-Type values.
const (
	rateTypeQPS   = "QPS"
	rateTypeDaily = "Daily-limit"
)

// rateLimiter counts requests the way Zoom does: per account, per table and
// label in fixed windows of the simulator clock (the current second, or the
// current minute for Resource-intensive), and per account and table in a daily
// pool for Heavy + Resource-intensive that resets at 00:00 UTC of the simulator
// clock. It never sleeps or reads the wall clock, so tests can move time.
type rateLimiter struct {
	mu       sync.Mutex
	accounts map[string]*accountLimits
}

type accountLimits struct {
	admin  RateLimits             // POST /_sim/ratelimits overrides
	tables map[string]*tableUsage // by table name
}

type tableUsage struct {
	windows  map[string]window // by label
	poolDay  int64             // Unix day of poolUsed
	poolUsed int64
}

// window is a fixed counting window: start is its first Unix second.
type window struct {
	start int64
	count int
}

func newRateLimiter() *rateLimiter { return &rateLimiter{accounts: map[string]*accountLimits{}} }

// reset forgets all usage and admin overrides (a new scenario was loaded).
func (l *rateLimiter) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.accounts = map[string]*accountLimits{}
}

func (l *rateLimiter) account(id string) *accountLimits {
	al := l.accounts[id]
	if al == nil {
		al = &accountLimits{tables: map[string]*tableUsage{}}
		l.accounts[id] = al
	}
	return al
}

func (al *accountLimits) table(name string) *tableUsage {
	tu := al.tables[name]
	if tu == nil {
		tu = &tableUsage{windows: map[string]window{}}
		al.tables[name] = tu
	}
	return tu
}

// limitsFor is the effective limits of one account's table; l.mu is held.
func (l *rateLimiter) limitsFor(a *account, al *accountLimits, table string) effective {
	return effectiveLimits(table, a.Plan, a.rateLimits.forTable(table), al.admin.forTable(table))
}

// unixDay is the number of the UTC day holding t; days start at 00:00 UTC.
func unixDay(t time.Time) int64 { return floorDiv(t.Unix(), 86400) }

func nextMidnight(day int64) time.Time { return time.Unix((day+1)*86400, 0).UTC() }

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// rollPool zeroes the pool when the simulator clock has entered another day.
func (tu *tableUsage) rollPool(day int64) {
	if tu.poolDay != day {
		tu.poolDay, tu.poolUsed = day, 0
	}
}

// decision is the limiter's answer for one request.
type decision struct {
	allowed bool
	// For a rejection: which limit (QPS or Daily-limit), its size and when a
	// daily limit lifts.
	kind       string
	limit      int64
	retryAfter time.Time
	// For a request drawing on the daily pool: its size and what is left
	// after this request.
	pooled        bool
	poolLimit     int64
	poolRemaining int64
}

// take admits or rejects one request of a label at now. A rejected request
// uses nothing; an admitted one takes a slot of its window and, for Heavy and
// Resource-intensive, one request of the daily pool — whatever the handler
// then answers (Zoom counts requests, not successes).
func (l *rateLimiter) take(a *account, table, label string, now time.Time) decision {
	l.mu.Lock()
	defer l.mu.Unlock()
	al := l.account(a.ID)
	tu := al.table(table)
	lim := l.limitsFor(a, al, table)
	day := unixDay(now)
	pooled := drawsOnPool(label)
	if pooled {
		tu.rollPool(day)
		if tu.poolUsed >= lim.dailyPool {
			return decision{kind: rateTypeDaily, limit: lim.dailyPool, retryAfter: nextMidnight(day), pooled: true, poolLimit: lim.dailyPool}
		}
	}
	size := int64(labelWindow(label) / time.Second)
	start := floorDiv(now.Unix(), size) * size
	w := tu.windows[label]
	if w.start != start {
		w = window{start: start}
	}
	perWindow := lim.perWindow[label]
	if w.count >= perWindow {
		return decision{kind: rateTypeQPS, limit: int64(perWindow), pooled: pooled, poolLimit: lim.dailyPool, poolRemaining: max(lim.dailyPool-tu.poolUsed, 0)}
	}
	w.count++
	tu.windows[label] = w
	d := decision{allowed: true, pooled: pooled}
	if pooled {
		tu.poolUsed++
		d.poolLimit, d.poolRemaining = lim.dailyPool, max(lim.dailyPool-tu.poolUsed, 0)
	}
	return d
}

// override merges an admin override into an account's: given fields replace
// the current values, per_second entries replace one label each. Reset drops
// the account's earlier admin overrides first; resetUsage zeroes its windows
// and pools.
func (l *rateLimiter) override(accountID string, o *RateLimits, reset, resetUsage bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	al := l.account(accountID)
	if reset {
		al.admin = RateLimits{}
	}
	if resetUsage {
		al.tables = map[string]*tableUsage{}
	}
	if o == nil {
		return
	}
	mergeOverride(&al.admin.LimitOverride, &o.LimitOverride)
	if o.Phone != nil {
		if al.admin.Phone == nil {
			al.admin.Phone = &LimitOverride{}
		}
		mergeOverride(al.admin.Phone, o.Phone)
	}
}

func mergeOverride(dst, src *LimitOverride) {
	if src.DailyPool != nil {
		n := *src.DailyPool
		dst.DailyPool = &n
	}
	if len(src.PerSecond) > 0 {
		if dst.PerSecond == nil {
			dst.PerSecond = map[string]int{}
		}
		maps.Copy(dst.PerSecond, src.PerSecond)
	}
}

// RateLimitStatus is one account's limits and usage, as GET /_sim/ratelimits
// lists them.
type RateLimitStatus struct {
	AccountID string                 `json:"account_id"`
	Plan      string                 `json:"plan"`
	Tables    map[string]TableStatus `json:"tables"` // "api", "phone"
}

// TableStatus is one rate-limit table of an account.
type TableStatus struct {
	Labels    map[string]LabelLimit `json:"labels"`
	DailyPool PoolUsage             `json:"daily_pool"`
}

// LabelLimit is how many requests of a label fit in one window ("1s", or "1m"
// for Resource-intensive) and how many the current window has taken.
type LabelLimit struct {
	Limit  int    `json:"limit"`
	Window string `json:"window"`
	Used   int    `json:"used"`
}

// PoolUsage is the daily pool shared by Heavy and Resource-intensive
// requests: used today (simulator clock, UTC), the limit, what is left and
// when it resets (the next 00:00 UTC).
type PoolUsage struct {
	Used      int64  `json:"used"`
	Limit     int64  `json:"limit"`
	Remaining int64  `json:"remaining"`
	ResetsAt  string `json:"resets_at"`
}

// status reports an account's limits and usage at now.
func (l *rateLimiter) status(a *account, now time.Time) RateLimitStatus {
	l.mu.Lock()
	defer l.mu.Unlock()
	al := l.accounts[a.ID]
	if al == nil {
		al = &accountLimits{tables: map[string]*tableUsage{}}
	}
	st := RateLimitStatus{AccountID: a.ID, Plan: a.Plan, Tables: map[string]TableStatus{}}
	day := unixDay(now)
	for _, table := range []string{tableAPI, tablePhone} {
		lim := l.limitsFor(a, al, table)
		ts := TableStatus{Labels: map[string]LabelLimit{}}
		tu := al.tables[table]
		for _, label := range rateLabels {
			ll := LabelLimit{Limit: lim.perWindow[label], Window: "1s"}
			size := int64(labelWindow(label) / time.Second)
			if size == 60 {
				ll.Window = "1m"
			}
			if tu != nil {
				if w := tu.windows[label]; w.start == floorDiv(now.Unix(), size)*size {
					ll.Used = w.count
				}
			}
			ts.Labels[label] = ll
		}
		var used int64
		if tu != nil && tu.poolDay == day {
			used = tu.poolUsed
		}
		ts.DailyPool = PoolUsage{Used: used, Limit: lim.dailyPool, Remaining: max(lim.dailyPool-used, 0), ResetsAt: zoomTime(nextMidnight(day))}
		st.Tables[table] = ts
	}
	return st
}
