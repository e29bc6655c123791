package workflows

import (
	"fmt"
	"time"
)

// TenantWorkflowID is the ID of a tenant's entity workflow.
func TenantWorkflowID(tenantID string) string { return "tenant/" + tenantID }

// Signals, updates and queries of the Tenant workflow.
const (
	SignalImportNow = "import_now" // ImportNowSignal: import every source up to today, now
	SignalBackfill  = "backfill"   // BackfillSignal: import a past window
	UpdatePause     = "pause"      // PauseRequest → TenantStatus
	UpdateResume    = "resume"     // ResumeRequest → TenantStatus
	UpdatePolicy    = "set_policy" // ImportPolicy → TenantStatus
	QueryStatus     = "status"     // → TenantStatus
)

// Lanes order the tenant's work: webhook-driven work first, then the
// scheduled import, then reconciliation.
const (
	LaneWebhook = iota
	LaneScheduled
	LaneReconcile
	laneCount
)

// LaneNames name the lanes in status output.
var LaneNames = [laneCount]string{"webhook", "scheduled", "reconcile"}

// ImportPolicy is a tenant's import schedule (Verba's "import policy
// schedule") and its share of Zoom's daily Heavy + Resource-intensive pool.
type ImportPolicy struct {
	// Interval between scheduled imports (default 1 h, at least 1 min).
	Interval time.Duration `json:"interval"`
	// Sources imported on schedule (default: meeting).
	Sources []string `json:"sources"`
	// Lookback is how far back the first scheduled import of a source
	// reaches when it has no watermark yet (default 7 days).
	Lookback time.Duration `json:"lookback"`
	// DailyPool is the budget this tenant may spend of the account's daily
	// pool (default 60,000, Business+).
	DailyPool int `json:"daily_pool"`
	// MeetingLogPageSize is the dashboard page size of the meeting log
	// (default 300, Zoom's maximum: one pool request per 300 meetings).
	MeetingLogPageSize int `json:"meeting_log_page_size,omitempty"`
}

// WithDefaults fills zero fields.
func (p ImportPolicy) WithDefaults() ImportPolicy {
	if p.Interval == 0 {
		p.Interval = time.Hour
	}
	if len(p.Sources) == 0 {
		p.Sources = []string{"meeting"}
	}
	if p.Lookback == 0 {
		p.Lookback = 7 * 24 * time.Hour
	}
	if p.DailyPool == 0 {
		p.DailyPool = 60000
	}
	return p
}

// Validate refuses a policy the workflow cannot run.
func (p ImportPolicy) Validate() error {
	p = p.WithDefaults()
	switch {
	case p.Interval < time.Minute:
		return fmt.Errorf("policy: interval %s is below 1 minute", p.Interval)
	case p.DailyPool < 0:
		return fmt.Errorf("policy: daily_pool %d is negative", p.DailyPool)
	case p.Lookback < 0:
		return fmt.Errorf("policy: lookback %s is negative", p.Lookback)
	case p.MeetingLogPageSize < 0 || p.MeetingLogPageSize > 300:
		return fmt.Errorf("policy: meeting_log_page_size %d is outside 1–300", p.MeetingLogPageSize)
	}
	for _, s := range p.Sources {
		if s != "meeting" {
			return fmt.Errorf("policy: source %q cannot be imported yet (meeting only)", s)
		}
	}
	return nil
}

// TenantInput starts (or continues as new) a tenant's entity workflow.
type TenantInput struct {
	TenantID string       `json:"tenant_id"`
	Policy   ImportPolicy `json:"policy"`
	State    *TenantState `json:"state,omitempty"` // set by continue-as-new
	// ImportsPerRun bounds the imports one run makes before it continues as
	// new (default 200), besides the server's own suggestion.
	ImportsPerRun int `json:"imports_per_run,omitempty"`
}

// WorkItem is one unit of the tenant's work in a lane.
type WorkItem struct {
	Lane   int           `json:"lane"`
	Kind   string        `json:"kind"` // scheduled | import_now | backfill
	Source string        `json:"source"`
	From   time.Time     `json:"from"`
	To     time.Time     `json:"to"`
	Cursor *ImportCursor `json:"cursor,omitempty"` // where a blocked import resumes
}

// Budget is the tenant's use of Zoom's daily pool on one UTC day.
type Budget struct {
	Day  string `json:"day"` // yyyy-mm-dd, UTC
	Used int    `json:"used"`
	// ZoomRemaining is Zoom's own X-RateLimit-Remaining when last seen
	// (-1: unknown); other apps on the account draw on the same pool.
	ZoomRemaining int `json:"zoom_remaining"`
	// BlockedUntil is set by a daily 429: no pool call before it.
	BlockedUntil time.Time `json:"blocked_until,omitzero"`
}

// TenantState is everything the entity workflow carries across
// continue-as-new.
type TenantState struct {
	Policy     ImportPolicy          `json:"policy"`
	Paused     bool                  `json:"paused"`
	Budget     Budget                `json:"budget"`
	Watermarks map[string]time.Time  `json:"watermarks"` // source → last day imported (inclusive)
	Lanes      [laneCount][]WorkItem `json:"lanes"`
	NextRun    time.Time             `json:"next_run"`
	Imports    int                   `json:"imports"` // ImportWindow runs finished
	Totals     ImportProgress        `json:"totals"`
	LastError  string                `json:"last_error,omitempty"`
}

// ImportNowSignal asks for an import of every source up to today.
type ImportNowSignal struct{}

// BackfillSignal asks for an import of a past window.
type BackfillSignal struct {
	Source string    `json:"source"`
	From   time.Time `json:"from"`
	To     time.Time `json:"to"`
}

// PauseRequest and ResumeRequest are the pause and resume updates' inputs.
type PauseRequest struct {
	Reason string `json:"reason,omitempty"`
}

// ResumeRequest resumes a paused tenant.
type ResumeRequest struct{}

// TenantStatus answers QueryStatus and the updates.
type TenantStatus struct {
	TenantID      string               `json:"tenant_id"`
	Paused        bool                 `json:"paused"`
	Policy        ImportPolicy         `json:"policy"`
	PoolUsed      int                  `json:"pool_used"`
	PoolRemaining int                  `json:"pool_remaining"`
	PoolLimit     int                  `json:"pool_limit"`
	ZoomRemaining int                  `json:"zoom_remaining"`
	NextReset     time.Time            `json:"next_reset"`
	BlockedUntil  time.Time            `json:"blocked_until,omitzero"`
	NextRun       time.Time            `json:"next_run"`
	Backlog       map[string]int       `json:"backlog"`
	Watermarks    map[string]time.Time `json:"watermarks"`
	Running       *WorkItem            `json:"running,omitempty"`
	Imports       int                  `json:"imports"`
	Totals        ImportProgress       `json:"totals"`
	LastError     string               `json:"last_error,omitempty"`
}
