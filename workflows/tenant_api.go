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
	UpdateImport    = "import"     // ImportRequest → ImportTicket: an operator's import, queued in the lanes
	UpdatePause     = "pause"      // PauseRequest → TenantStatus
	UpdateResume    = "resume"     // ResumeRequest → TenantStatus
	UpdatePolicy    = "set_policy" // ImportPolicy → TenantStatus
	UpdateRelease   = "release"    // ReleaseRequest → TenantStatus: retry a parked item now, or drop it
	QueryStatus     = "status"     // → TenantStatus
)

// Lanes order the tenant's work: what an operator asked for now
// (import-now), then the schedule, the backfills and the operators' imports
// in the order queued, then retries of parked items. (The state's lanes
// array keeps its three slots: lane 0 was "webhook" and lane 2 "reconcile"
// before logic version 1, both never filled.)
const (
	LaneNow = iota
	LaneScheduled
	LaneRetry
	laneCount
)

// LaneNames name the lanes in status output.
var LaneNames = [laneCount]string{"now", "scheduled", "retry"}

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
		if s != "meeting" && s != "phone" {
			return fmt.Errorf("policy: source %q cannot be imported yet (meeting or phone)", s)
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
	// RunLifetime bounds a run's age, idle or paused (default
	// DefaultTenantRunLifetime).
	RunLifetime time.Duration `json:"run_lifetime,omitempty"`
}

// WorkItem is one unit of the tenant's work in a lane.
type WorkItem struct {
	Lane   int           `json:"lane"`
	Kind   string        `json:"kind"` // scheduled | import_now | backfill | import
	Source string        `json:"source"`
	From   time.Time     `json:"from"`
	To     time.Time     `json:"to"`
	Cursor *ImportCursor `json:"cursor,omitempty"` // where a blocked import resumes
	// ID and WorkflowID are set on items the import update queues: the
	// ImportWindow child always runs as WorkflowID, also when it resumes
	// after a daily 429, so the operator who queued it can follow it.
	ID         string `json:"id,omitempty"`
	WorkflowID string `json:"workflow_id,omitempty"`
	// Options of an import update, passed on to ImportWindowInput.
	SkipMeetingLog        bool          `json:"skip_meeting_log,omitempty"`
	MaxConcurrentArchives int           `json:"max_concurrent_archives,omitempty"`
	DownloadRetry         DownloadRetry `json:"download_retry,omitzero"`
	// Attempts, Error and RetryAt describe a parked item: the imports that
	// failed, the last error, and when it goes to the retry lane.
	Attempts int       `json:"attempts,omitempty"`
	Error    string    `json:"error,omitempty"`
	RetryAt  time.Time `json:"retry_at,omitzero"`
}

// movesWatermark reports whether a finished item advances its source's
// watermark: only the schedule's own windows do; backfills and operators'
// imports are windows of their choosing.
func (it WorkItem) movesWatermark() bool { return it.Kind == "scheduled" || it.Kind == "import_now" }

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
	// ImportSeq numbers the import update's items; ImportTag (the first 8
	// characters of the tenant workflow's first run ID) keeps their
	// workflow IDs apart from those of an earlier tenant workflow.
	ImportSeq int    `json:"import_seq,omitempty"`
	ImportTag string `json:"import_tag,omitempty"`
	// Parked holds the items whose import failed, each retried after its
	// RetryAt; ParkSeq numbers the IDs (p{n}) of those that had none.
	Parked  []WorkItem `json:"parked,omitempty"`
	ParkSeq int        `json:"park_seq,omitempty"`
}

// ImportNowSignal asks for an import of every source up to today.
type ImportNowSignal struct{}

// BackfillSignal asks for an import of a past window.
type BackfillSignal struct {
	Source string    `json:"source"`
	From   time.Time `json:"from"`
	To     time.Time `json:"to"`
}

// ImportRequest is the import update's input: an operator's import of one
// source for [From, To] (dates, inclusive, UTC), run by the tenant in its
// scheduled lane so it spends the tenant's pool budget in order.
type ImportRequest struct {
	Source string    `json:"source"` // default meeting
	From   time.Time `json:"from"`
	To     time.Time `json:"to"`
	// SkipMeetingLog leaves out the dashboard listing (no pool calls).
	SkipMeetingLog bool `json:"skip_meeting_log,omitempty"`
	// MaxConcurrentArchives bounds the meetings archived at once (default 32).
	MaxConcurrentArchives int `json:"max_concurrent_archives,omitempty"`
	// DownloadRetry tunes the retries of file downloads (zero: defaults).
	DownloadRetry DownloadRetry `json:"download_retry,omitzero"`
}

// Validate refuses a request the tenant cannot run.
func (r ImportRequest) Validate() error {
	switch {
	case r.Source != "" && r.Source != "meeting" && r.Source != "phone":
		return fmt.Errorf("import: source %q cannot be imported yet (meeting or phone)", r.Source)
	case r.From.IsZero() || r.To.IsZero():
		return fmt.Errorf("import: the window needs both from and to dates")
	case dayOf(r.To).Before(dayOf(r.From)):
		return fmt.Errorf("import: window %s..%s ends before it starts", r.From.Format(time.DateOnly), r.To.Format(time.DateOnly))
	case r.MaxConcurrentArchives < 0:
		return fmt.Errorf("import: max_concurrent_archives %d is negative", r.MaxConcurrentArchives)
	case r.DownloadRetry.MaximumAttempts < 0 || r.DownloadRetry.InitialInterval < 0:
		return fmt.Errorf("import: download_retry is negative")
	}
	return nil
}

// ImportTicket answers the import update.
type ImportTicket struct {
	// WorkflowID is the ImportWindow child that runs the import, now or
	// later, and again under the same ID when it resumes after a daily 429.
	WorkflowID string `json:"workflow_id"`
	// Position counts the items ahead of it in the lanes (0: it is next; an
	// item running now is not counted).
	Position int          `json:"position"`
	Status   TenantStatus `json:"status"`
}

// PauseRequest and ResumeRequest are the pause and resume updates' inputs.
type PauseRequest struct {
	Reason string `json:"reason,omitempty"`
}

// ResumeRequest resumes a paused tenant.
type ResumeRequest struct{}

// ReleaseRequest is the release update's input: the parked item (its ID in
// the status's parked list) is retried now, or dropped with Drop.
type ReleaseRequest struct {
	ID   string `json:"id"`
	Drop bool   `json:"drop,omitempty"`
}

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
	Parked        []WorkItem           `json:"parked,omitempty"`
}
