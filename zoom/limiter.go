package zoom

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Plan is a Zoom account's plan as far as rate limits go.
type Plan string

// Plans with distinct rate-limit tables. Business, Education, Enterprise and
// Partner accounts share the "Business+" table.
const (
	PlanBusiness Plan = "business"
	PlanPro      Plan = "pro"
)

// ParsePlan reads a plan name: "business" (also "business+", "enterprise",
// "education", "partner") or "pro", case-insensitive.
func ParsePlan(s string) (Plan, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "business", "business+", "business_plus", "enterprise", "education", "partner":
		return PlanBusiness, nil
	case "pro":
		return PlanPro, nil
	}
	return "", fmt.Errorf("zoom: unknown plan %q: use %q (Business, Education, Enterprise, Partner) or %q", s, PlanBusiness, PlanPro)
}

// labelRates are one rate-limit table: requests per second for Light, Medium
// and Heavy, per minute for Resource-intensive.
type labelRates struct {
	light, medium, heavy float64 // per second
	resourceIntensive    float64 // per minute
}

func (t labelRates) limit(l RateLabel) rate.Limit {
	switch l {
	case LabelLight:
		return rate.Limit(t.light)
	case LabelHeavy:
		return rate.Limit(t.heavy)
	case LabelResourceIntensive:
		return rate.Limit(t.resourceIntensive / 60)
	}
	return rate.Limit(t.medium)
}

// Zoom's published per-account limits (developers.zoom.us/docs/api/rate-limits).
var (
	apiRates = map[Plan]labelRates{
		PlanBusiness: {light: 80, medium: 60, heavy: 40, resourceIntensive: 20},
		PlanPro:      {light: 30, medium: 20, heavy: 10, resourceIntensive: 10},
	}
	phoneRates = map[Plan]labelRates{
		PlanBusiness: {light: 40, medium: 20, heavy: 10, resourceIntensive: 10},
		PlanPro:      {light: 20, medium: 10, heavy: 5, resourceIntensive: 5},
	}
)

var allLabels = []RateLabel{LabelLight, LabelMedium, LabelHeavy, LabelResourceIntensive}

// Limiter paces requests to one Zoom account so that they stay under the
// account's per-second (Resource-intensive: per-minute) limits: one token
// bucket (golang.org/x/time/rate) per label, and a second set for the Zoom
// Phone API, which has its own table.
//
// Zoom counts limits per account, across every app and client, so one Limiter
// must be shared by every Client of the same account in a process (get it
// from a LimiterRegistry). It is safe for concurrent use. It does not track
// the daily pool: that is Zoom's to count (see Client.PoolCalls and the
// X-RateLimit-Remaining header).
//
// Each bucket admits at the label's rate with a burst of one: Zoom counts
// fixed one-second (one-minute) windows, and evenly spaced requests never put
// more than the limit into any window, whereas a full-size burst could put
// twice the limit into one. Other apps on the account and network jitter can
// still cause an occasional QPS 429, which the caller handles.
type Limiter struct {
	mu   sync.Mutex // guards plan
	plan Plan
	// The maps are filled once by NewLimiter and only read afterwards;
	// rate.Limiter is itself safe for concurrent use.
	api, phone map[RateLabel]*rate.Limiter
}

// NewLimiter returns a Limiter for an account on plan. An unknown plan gets
// the Pro limits, the lowest paid table.
func NewLimiter(plan Plan) *Limiter {
	plan = knownPlan(plan)
	l := &Limiter{plan: plan, api: map[RateLabel]*rate.Limiter{}, phone: map[RateLabel]*rate.Limiter{}}
	for _, lb := range allLabels {
		l.api[lb] = rate.NewLimiter(apiRates[plan].limit(lb), 1)
		l.phone[lb] = rate.NewLimiter(phoneRates[plan].limit(lb), 1)
	}
	return l
}

func knownPlan(p Plan) Plan {
	if _, ok := apiRates[p]; ok {
		return p
	}
	return PlanPro
}

// Plan returns the plan whose limits are applied.
func (l *Limiter) Plan() Plan {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.plan
}

// SetPlan switches to plan's limits (after an upgrade or downgrade) without
// replacing the Limiter its clients share.
func (l *Limiter) SetPlan(plan Plan) {
	plan = knownPlan(plan)
	l.mu.Lock()
	defer l.mu.Unlock()
	if plan == l.plan {
		return
	}
	l.plan = plan
	for _, lb := range allLabels {
		l.api[lb].SetLimit(apiRates[plan].limit(lb))
		l.phone[lb].SetLimit(phoneRates[plan].limit(lb))
	}
}

// Limit returns the rate (requests per second) applied to method and path;
// see Label for how the path is read.
func (l *Limiter) Limit(method, path string) rate.Limit {
	return l.bucket(method, path).Limit()
}

func (l *Limiter) bucket(method, path string) *rate.Limiter {
	if isPhonePath(path) {
		return l.phone[Label(method, path)]
	}
	return l.api[Label(method, path)]
}

// Wait blocks until a request to method and path may be sent under the
// account's limits, or ctx ends. When the wait would outlast ctx's deadline
// it returns at once with an error wrapping context.DeadlineExceeded and
// gives the slot back. A nil Limiter never waits.
func (l *Limiter) Wait(ctx context.Context, method, path string) error {
	if l == nil {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	now := time.Now()
	r := l.bucket(method, path).ReserveN(now, 1)
	if !r.OK() {
		return fmt.Errorf("zoom: %s rate limit admits no requests", Label(method, path))
	}
	d := r.DelayFrom(now)
	if d <= 0 {
		return nil
	}
	if deadline, ok := ctx.Deadline(); ok && now.Add(d).After(deadline) {
		r.CancelAt(now)
		return fmt.Errorf("zoom: %s %s: the next %s request slot is %s away, after the context deadline: %w",
			method, path, Label(method, path), d.Round(time.Millisecond), context.DeadlineExceeded)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		r.Cancel()
		return ctx.Err()
	}
}

// LimiterRegistry hands out one Limiter per Zoom account so that every Client
// of an account in the process shares it. The zero value is ready to use and
// it is safe for concurrent use.
type LimiterRegistry struct {
	mu       sync.Mutex
	limiters map[string]*Limiter
}

// For returns the account's Limiter, creating it on first use. Later calls
// for the same account return the same Limiter; a different plan switches
// its limits (Limiter.SetPlan) rather than creating a second one.
func (r *LimiterRegistry) For(accountID string, plan Plan) *Limiter {
	r.mu.Lock()
	defer r.mu.Unlock()
	if l, ok := r.limiters[accountID]; ok {
		l.SetPlan(plan)
		return l
	}
	if r.limiters == nil {
		r.limiters = map[string]*Limiter{}
	}
	l := NewLimiter(plan)
	r.limiters[accountID] = l
	return l
}
