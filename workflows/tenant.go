package workflows

import (
	"errors"
	"fmt"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/meetvault/meetvault/activities"
	"github.com/meetvault/meetvault/zoom"
)

// Tenant is the per-tenant entity workflow (ID tenant/{tenant}). It owns the
// tenant's share of Zoom's daily Heavy + Resource-intensive pool and waits
// on a timer for the 00:00 UTC reset (or a daily 429's Retry-After) when it
// is spent; it runs the tenant's import schedule, keeps a watermark per
// source so every window is imported once, orders work in lanes (webhook,
// scheduled, reconcile), and continues as new with all state in one struct.
func Tenant(ctx workflow.Context, in TenantInput) error {
	t := &tenant{id: in.TenantID, perRun: in.ImportsPerRun}
	if t.perRun <= 0 {
		t.perRun = 200
	}
	if in.State != nil {
		t.st = *in.State
	} else {
		t.st = TenantState{Policy: in.Policy.WithDefaults(), Watermarks: map[string]time.Time{},
			Budget: Budget{ZoomRemaining: -1}}
	}
	if t.st.Watermarks == nil {
		t.st.Watermarks = map[string]time.Time{}
	}
	return t.run(ctx)
}

type tenant struct {
	id        string
	st        TenantState
	running   *WorkItem
	perRun    int // imports before continue-as-new
	runs      int // imports made by this run
	importNow workflow.ReceiveChannel
	backfill  workflow.ReceiveChannel
}

// signalled reports pending signals; wait conditions include it so a signal
// wakes the loop, which drains the channels itself (and before continuing
// as new, so none is lost).
func (t *tenant) signalled() bool { return t.importNow.Len() > 0 || t.backfill.Len() > 0 }

func (t *tenant) drainSignals(ctx workflow.Context) {
	var now ImportNowSignal
	for t.importNow.ReceiveAsync(&now) {
		t.schedule(workflow.Now(ctx).UTC(), "import_now")
	}
	var s BackfillSignal
	for t.backfill.ReceiveAsync(&s) {
		if s.Source == "" {
			s.Source = "meeting"
		}
		if s.To.Before(s.From) {
			t.st.LastError = fmt.Sprintf("backfill %s..%s ignored: it ends before it starts", s.From.Format(time.DateOnly), s.To.Format(time.DateOnly))
		} else {
			t.st.Lanes[LaneScheduled] = append(t.st.Lanes[LaneScheduled], WorkItem{
				Lane: LaneScheduled, Kind: "backfill", Source: s.Source, From: dayOf(s.From), To: dayOf(s.To)})
		}
		s = BackfillSignal{}
	}
}

func (t *tenant) run(ctx workflow.Context) error {
	if t.st.NextRun.IsZero() {
		t.st.NextRun = workflow.Now(ctx).UTC()
	}
	t.importNow = workflow.GetSignalChannel(ctx, SignalImportNow)
	t.backfill = workflow.GetSignalChannel(ctx, SignalBackfill)
	if err := t.registerHandlers(ctx); err != nil {
		return err
	}
	_ = workflow.UpsertTypedSearchAttributes(ctx, AttrTenant.ValueSet(t.id))
	for {
		t.drainSignals(ctx)
		if t.runs >= t.perRun || workflow.GetInfo(ctx).GetContinueAsNewSuggested() {
			if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
				return err
			}
			t.drainSignals(ctx)
			st := t.st
			return workflow.NewContinueAsNewError(ctx, Tenant, TenantInput{TenantID: t.id, Policy: st.Policy, State: &st, ImportsPerRun: t.perRun})
		}
		now := workflow.Now(ctx).UTC()
		t.rollDay(now)
		switch {
		case t.st.Paused:
			// Signals queue work while paused; only resume wakes the loop.
			if err := workflow.Await(ctx, func() bool { return !t.st.Paused || t.signalled() }); err != nil {
				return err
			}
		case t.exhausted(now):
			// The pool is spent: sleep to the reset; a resume, a pause or a
			// policy change (a bigger budget) wakes the loop early.
			wake := t.resetAt(now)
			policy := t.st.Policy
			if _, err := workflow.AwaitWithTimeout(ctx, wake.Sub(now), func() bool {
				return t.st.Paused || t.st.Policy.DailyPool != policy.DailyPool || t.signalled()
			}); err != nil {
				return err
			}
		default:
			item, ok := t.next(now)
			if !ok {
				if _, err := workflow.AwaitWithTimeout(ctx, t.st.NextRun.Sub(now), func() bool {
					return t.st.Paused || t.backlog() > 0 || t.signalled() || !workflow.Now(ctx).Before(t.st.NextRun)
				}); err != nil {
					return err
				}
				continue
			}
			if err := t.runImport(ctx, item); err != nil {
				return err
			}
		}
	}
}

// rollDay starts a new budget day at 00:00 UTC.
func (t *tenant) rollDay(now time.Time) {
	day := now.Format(time.DateOnly)
	if t.st.Budget.Day != day {
		t.st.Budget = Budget{Day: day, ZoomRemaining: -1, BlockedUntil: t.st.Budget.BlockedUntil}
	}
	if !t.st.Budget.BlockedUntil.IsZero() && !now.Before(t.st.Budget.BlockedUntil) {
		t.st.Budget.BlockedUntil = time.Time{}
	}
}

// exhausted reports whether no pool call may be made now.
func (t *tenant) exhausted(now time.Time) bool {
	b := t.st.Budget
	return now.Before(b.BlockedUntil) || b.Used >= t.st.Policy.DailyPool || b.ZoomRemaining == 0
}

// resetAt is when the pool may be used again: the next 00:00 UTC when the
// tenant's budget (or Zoom's remaining count) is spent, and no earlier than
// a daily 429's Retry-After.
func (t *tenant) resetAt(now time.Time) time.Time {
	var until time.Time
	if t.st.Budget.Used >= t.st.Policy.DailyPool || t.st.Budget.ZoomRemaining == 0 {
		until = zoom.NextMidnightUTC(now)
	}
	if b := t.st.Budget.BlockedUntil; b.After(until) {
		until = b
	}
	return until
}

// next takes the first item of the most urgent lane, or enqueues the
// scheduled import when it is due.
func (t *tenant) next(now time.Time) (WorkItem, bool) {
	if !now.Before(t.st.NextRun) {
		t.schedule(now, "scheduled")
		t.st.NextRun = now.Add(t.st.Policy.Interval)
	}
	for lane := range t.st.Lanes {
		if q := t.st.Lanes[lane]; len(q) > 0 {
			t.st.Lanes[lane] = q[1:]
			return q[0], true
		}
	}
	return WorkItem{}, false
}

// schedule enqueues, per source, the window from the day after its
// watermark (or the lookback) through today, unless one is queued already.
func (t *tenant) schedule(now time.Time, kind string) {
	today := dayOf(now)
	for _, src := range t.st.Policy.Sources {
		if t.queued(src, kind) {
			continue
		}
		from := today.Add(-t.st.Policy.Lookback)
		if wm, ok := t.st.Watermarks[src]; ok {
			// Today is imported again until it is over: recordings of a day
			// keep arriving while it lasts. Sources whose listings cannot
			// filter by arrival (phone) re-check a small overlap before it.
			from = wm.Add(-activities.ListingOverlap(src))
		}
		t.st.Lanes[LaneScheduled] = append(t.st.Lanes[LaneScheduled], WorkItem{
			Lane: LaneScheduled, Kind: kind, Source: src, From: dayOf(from), To: today})
	}
}

func (t *tenant) queued(source, kind string) bool {
	for _, it := range t.st.Lanes[LaneScheduled] {
		if it.Source == source && it.Kind == kind {
			return true
		}
	}
	return false
}

func dayOf(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

func (t *tenant) backlog() int {
	n := 0
	for _, q := range t.st.Lanes {
		n += len(q)
	}
	return n
}

// runImport runs one window as an ImportWindow child. A child blocked by
// Zoom's daily limit returns its cursor: the item goes back to the front of
// its lane and the loop sleeps until the reset.
func (t *tenant) runImport(ctx workflow.Context, item WorkItem) error {
	t.runs++
	t.running = &item
	defer func() { t.running = nil }()
	id := item.WorkflowID
	if id == "" {
		id = fmt.Sprintf("%s/%s", ImportWindowID(t.id, item.Source, item.From, item.To), workflow.GetInfo(ctx).WorkflowExecution.RunID[:8])
	}
	cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
		WorkflowID: id,
		// An import resumed after a daily 429 runs again under its ID.
		WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
		ParentClosePolicy:     enumspb.PARENT_CLOSE_POLICY_REQUEST_CANCEL,
	})
	var res ImportWindowResult
	err := workflow.ExecuteChildWorkflow(cctx, ImportWindow, ImportWindowInput{
		TenantID: t.id, Source: item.Source, From: item.From, To: item.To, Cursor: item.Cursor,
		DashboardPageSize: t.st.Policy.MeetingLogPageSize, SkipMeetingLog: item.SkipMeetingLog,
		MaxConcurrentArchives: item.MaxConcurrentArchives, DownloadRetry: item.DownloadRetry,
	}).Get(ctx, &res)
	if err != nil {
		var appErr *temporal.ApplicationError
		if errors.As(err, &appErr) && appErr.Type() == "bad_window" {
			t.st.LastError = err.Error()
			return nil // drop the item: retrying cannot fix it
		}
		// Anything else (Zoom down, credentials revoked): keep the item,
		// note the error, and try again at the next scheduled run.
		t.st.LastError = err.Error()
		t.st.Lanes[item.Lane] = append([]WorkItem{item}, t.st.Lanes[item.Lane]...)
		t.st.NextRun = workflow.Now(ctx).UTC().Add(t.st.Policy.Interval)
		return t.idleUntilNextRun(ctx)
	}
	// A resumed import reports its calls since the first run: count only the new ones.
	spent := res.PoolCalls
	if item.Cursor != nil {
		spent -= item.Cursor.Progress.PoolCalls
	}
	t.st.Budget.Used += max(0, spent)
	if res.ZoomPoolRemaining >= 0 {
		t.st.Budget.ZoomRemaining = res.ZoomPoolRemaining
	}
	if res.Blocked {
		// Zoom's Retry-After supersedes its remaining count until then.
		t.st.Budget.ZoomRemaining = -1
		item.Cursor = res.Cursor
		t.st.Lanes[item.Lane] = append([]WorkItem{item}, t.st.Lanes[item.Lane]...)
		until := res.BlockedUntil
		if until.IsZero() {
			until = zoom.NextMidnightUTC(workflow.Now(ctx))
		}
		t.st.Budget.BlockedUntil = until
		return nil
	}
	t.st.LastError = ""
	t.st.Imports++
	addProgress(&t.st.Totals, res)
	if item.movesWatermark() {
		if wm, ok := t.st.Watermarks[item.Source]; !ok || item.To.After(wm) {
			t.st.Watermarks[item.Source] = item.To
		}
	}
	return nil
}

// idleUntilNextRun waits after a failed import so a broken tenant does not
// spin; signals, updates and the schedule wake it.
func (t *tenant) idleUntilNextRun(ctx workflow.Context) error {
	now := workflow.Now(ctx)
	_, err := workflow.AwaitWithTimeout(ctx, t.st.NextRun.Sub(now), func() bool { return t.st.Paused || t.signalled() })
	return err
}

func addProgress(total *ImportProgress, r ImportProgress) {
	total.Meetings += r.Meetings
	total.MeetingsDone += r.MeetingsDone
	total.MeetingsFailed += r.MeetingsFailed
	total.FilesArchived += r.FilesArchived
	total.FilesAlreadyArchived += r.FilesAlreadyArchived
	total.FilesProcessing += r.FilesProcessing
	total.FilesFailed += r.FilesFailed
	total.BytesArchived += r.BytesArchived
	total.Pages += r.Pages
	total.MeetingsLogged += r.MeetingsLogged
	total.PoolCalls += r.PoolCalls
}

func (t *tenant) registerHandlers(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, QueryStatus, func() (TenantStatus, error) {
		return t.status(workflow.Now(ctx).UTC()), nil
	}); err != nil {
		return err
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateImport,
		func(ctx workflow.Context, r ImportRequest) (ImportTicket, error) { return t.queueImport(ctx, r), nil },
		workflow.UpdateHandlerOptions{Validator: func(ctx workflow.Context, r ImportRequest) error { return r.Validate() }},
	); err != nil {
		return err
	}
	if err := workflow.SetUpdateHandler(ctx, UpdatePause, func(ctx workflow.Context, r PauseRequest) (TenantStatus, error) {
		t.st.Paused = true
		return t.status(workflow.Now(ctx).UTC()), nil
	}); err != nil {
		return err
	}
	if err := workflow.SetUpdateHandler(ctx, UpdateResume, func(ctx workflow.Context, r ResumeRequest) (TenantStatus, error) {
		t.st.Paused = false
		return t.status(workflow.Now(ctx).UTC()), nil
	}); err != nil {
		return err
	}
	return workflow.SetUpdateHandlerWithOptions(ctx, UpdatePolicy,
		func(ctx workflow.Context, p ImportPolicy) (TenantStatus, error) {
			p = p.WithDefaults()
			if p.Interval != t.st.Policy.Interval {
				t.st.NextRun = workflow.Now(ctx).UTC().Add(p.Interval)
			}
			t.st.Policy = p
			return t.status(workflow.Now(ctx).UTC()), nil
		},
		workflow.UpdateHandlerOptions{Validator: func(ctx workflow.Context, p ImportPolicy) error { return p.Validate() }})
}

// queueImport appends an operator's import to the scheduled lane, behind
// the work queued before it, under a workflow ID that is fixed now: the
// window's ImportWindowID plus the item's ID, op{n}-{tag}, numbered in the
// tenant's state (so it survives continue-as-new) and tagged with the
// tenant workflow's first run (so a tenant workflow started afresh never
// reuses an earlier one's IDs).
func (t *tenant) queueImport(ctx workflow.Context, r ImportRequest) ImportTicket {
	if r.Source == "" {
		r.Source = "meeting"
	}
	if t.st.ImportTag == "" {
		info := workflow.GetInfo(ctx)
		tag := info.FirstRunID
		if tag == "" {
			tag = info.WorkflowExecution.RunID
		}
		t.st.ImportTag = tag[:min(8, len(tag))]
	}
	t.st.ImportSeq++
	item := WorkItem{Lane: LaneScheduled, Kind: "import", Source: r.Source, From: dayOf(r.From), To: dayOf(r.To),
		ID: fmt.Sprintf("op%d-%s", t.st.ImportSeq, t.st.ImportTag), SkipMeetingLog: r.SkipMeetingLog,
		MaxConcurrentArchives: r.MaxConcurrentArchives, DownloadRetry: r.DownloadRetry}
	item.WorkflowID = ImportWindowID(t.id, item.Source, item.From, item.To) + "/" + item.ID
	position := 0
	for lane := range LaneScheduled + 1 {
		position += len(t.st.Lanes[lane])
	}
	t.st.Lanes[LaneScheduled] = append(t.st.Lanes[LaneScheduled], item)
	return ImportTicket{WorkflowID: item.WorkflowID, Position: position, Status: t.status(workflow.Now(ctx).UTC())}
}

func (t *tenant) status(now time.Time) TenantStatus {
	b := t.st.Budget
	if b.Day != now.Format(time.DateOnly) {
		b.Used = 0 // a new day began; the loop rolls the budget on its next turn
	}
	s := TenantStatus{
		TenantID: t.id, Paused: t.st.Paused, Policy: t.st.Policy,
		PoolUsed: b.Used, PoolLimit: t.st.Policy.DailyPool, PoolRemaining: max(0, t.st.Policy.DailyPool-b.Used),
		ZoomRemaining: b.ZoomRemaining, NextReset: zoom.NextMidnightUTC(now), NextRun: t.st.NextRun,
		Backlog: map[string]int{}, Watermarks: map[string]time.Time{}, Running: t.running,
		Imports: t.st.Imports, Totals: t.st.Totals, LastError: t.st.LastError,
	}
	if b.BlockedUntil.After(now) {
		s.BlockedUntil = b.BlockedUntil
	}
	for lane, q := range t.st.Lanes {
		s.Backlog[LaneNames[lane]] = len(q)
	}
	for _, k := range workflow.DeterministicKeys(t.st.Watermarks) {
		s.Watermarks[k] = t.st.Watermarks[k]
	}
	return s
}
