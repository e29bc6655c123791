package workflows

import (
	"errors"
	"fmt"
	"slices"
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
// source so every window is imported once, orders work in lanes (now,
// scheduled, retry), parks an item that keeps failing, and continues as new
// with all state in one struct, at the latest every RunLifetime.
//
// Tenant runs forever, so it moves to each new build (auto-upgrade) and
// every change to its command sequence is a new logic version, chosen once
// per run with workflow.GetVersion (README, Versioning policy).
func Tenant(ctx workflow.Context, in TenantInput) error {
	t := &tenant{id: in.TenantID, perRun: in.ImportsPerRun, lifetime: in.RunLifetime}
	if t.perRun <= 0 {
		t.perRun = 200
	}
	if t.lifetime <= 0 {
		t.lifetime = DefaultTenantRunLifetime
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

// DefaultTenantRunLifetime is the longest a Tenant run lasts before it
// continues as new, idle and paused ones included, so a run never outlives
// the patches of the code that started it by more than this.
const DefaultTenantRunLifetime = 72 * time.Hour

// Tenant's logic versions (workflow.GetVersion, once per run).
const (
	tenantLogicChange = "tenant-logic"
	// tenantLogicV1: one deadline timer the loop waits on, re-armed when
	// its deadline moves (set_policy takes effect at once); a failing item
	// is parked with backoff instead of blocking its lane; import-now runs
	// in the now lane, retries in the retry lane; continue-as-new after
	// RunLifetime.
	tenantLogicV1     workflow.Version = 1
	tenantLogicLatest                  = tenantLogicV1
)

type tenant struct {
	id        string
	st        TenantState
	logic     workflow.Version // this run's logic version
	running   *WorkItem
	perRun    int           // imports before continue-as-new
	lifetime  time.Duration // age of a run at which it continues as new
	runs      int           // imports made by this run
	wake      deadlineTimer
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
		t.schedule(workflow.Now(ctx).UTC(), "import_now", t.importNowLane())
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
	t.logic = workflow.GetVersion(ctx, tenantLogicChange, workflow.DefaultVersion, tenantLogicLatest)
	if t.st.NextRun.IsZero() {
		t.st.NextRun = workflow.Now(ctx).UTC()
	}
	t.importNow = workflow.GetSignalChannel(ctx, SignalImportNow)
	t.backfill = workflow.GetSignalChannel(ctx, SignalBackfill)
	if err := t.registerHandlers(ctx); err != nil {
		return err
	}
	_ = workflow.UpsertTypedSearchAttributes(ctx, AttrTenant.ValueSet(t.id))
	if t.logic < tenantLogicV1 {
		return t.runV0(ctx)
	}
	return t.runV1(ctx)
}

// Modes of the loop, each with the deadline it waits for.
type tenantMode int

const (
	modePaused    tenantMode = iota // until resumed (or the run's end)
	modeExhausted                   // until the pool resets
	modeIdle                        // until the next scheduled run
	modeWork                        // an item is ready
)

// runV1 is the loop of logic version 1: work while items are ready;
// otherwise wait, on one timer, for the earliest of the mode's deadline,
// the next parked item's retry and the run's end, or for a signal, an
// update or a policy change that changes the mode or moves the deadline.
func (t *tenant) runV1(ctx workflow.Context) error {
	end := workflow.GetInfo(ctx).WorkflowStartTime.UTC().Add(t.lifetime)
	for {
		t.drainSignals(ctx)
		now := workflow.Now(ctx).UTC()
		if t.runs >= t.perRun || workflow.GetInfo(ctx).GetContinueAsNewSuggested() || !now.Before(end) {
			return t.continueAsNew(ctx)
		}
		t.rollDay(now)
		t.unpark(now)
		mode, deadline := t.plan(now)
		if mode == modeWork {
			if item, ok := t.next(now); ok {
				if err := t.runImport(ctx, item); err != nil {
					return err
				}
				continue
			}
			mode, deadline = modeIdle, t.st.NextRun
		}
		wake := t.wakeAt(deadline, end)
		t.wake.arm(ctx, wake)
		if err := workflow.Await(ctx, func() bool {
			if t.wake.fired || t.signalled() {
				return true
			}
			m, d := t.plan(workflow.Now(ctx).UTC())
			return m != mode || !t.wakeAt(d, end).Equal(wake)
		}); err != nil {
			return err
		}
	}
}

// plan says what the loop does now and until when; it changes nothing, so
// the wait condition can call it to notice a change.
func (t *tenant) plan(now time.Time) (tenantMode, time.Time) {
	switch {
	case t.st.Paused:
		return modePaused, time.Time{}
	case t.exhausted(now):
		return modeExhausted, t.resetAt(now)
	case t.backlog() > 0 || !now.Before(t.st.NextRun):
		return modeWork, now
	default:
		return modeIdle, t.st.NextRun
	}
}

// wakeAt is the earliest of the mode's deadline (zero: none), the next
// parked item's retry and the run's end.
func (t *tenant) wakeAt(deadline, end time.Time) time.Time {
	wake := end
	for _, at := range []time.Time{deadline, t.nextRetry()} {
		if !at.IsZero() && at.Before(wake) {
			wake = at
		}
	}
	return wake
}

// continueAsNew carries the whole state into a new run, once the handlers
// have finished and every pending signal is in the state.
func (t *tenant) continueAsNew(ctx workflow.Context) error {
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return err
	}
	t.drainSignals(ctx)
	st := t.st
	return workflow.NewContinueAsNewError(ctx, Tenant, TenantInput{TenantID: t.id, Policy: st.Policy, State: &st,
		ImportsPerRun: t.perRun, RunLifetime: t.lifetime})
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
		t.schedule(now, "scheduled", LaneScheduled)
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

// schedule enqueues in lane, per source, the window from the day after its
// watermark (or the lookback) through today, unless one is queued already.
func (t *tenant) schedule(now time.Time, kind string, lane int) {
	today := dayOf(now)
	for _, src := range t.st.Policy.Sources {
		if t.queued(src, kind, lane) {
			continue
		}
		from := today.Add(-t.st.Policy.Lookback)
		if wm, ok := t.st.Watermarks[src]; ok {
			// Today is imported again until it is over: recordings of a day
			// keep arriving while it lasts. Sources whose listings cannot
			// filter by arrival (phone) re-check a small overlap before it.
			from = wm.Add(-activities.ListingOverlap(src))
		}
		t.st.Lanes[lane] = append(t.st.Lanes[lane], WorkItem{
			Lane: lane, Kind: kind, Source: src, From: dayOf(from), To: today})
	}
}

func (t *tenant) queued(source, kind string, lane int) bool {
	for _, it := range t.st.Lanes[lane] {
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
		// Anything else (Zoom down, credentials revoked): keep the item
		// and note the error. Version 1 parks it, to be retried with
		// backoff, and goes on with the other items.
		t.st.LastError = err.Error()
		if t.logic < tenantLogicV1 {
			return t.failedV0(ctx, item)
		}
		t.park(item, err.Error(), workflow.Now(ctx).UTC())
		return nil
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
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateRelease,
		func(ctx workflow.Context, r ReleaseRequest) (TenantStatus, error) { return t.release(ctx, r), nil },
		workflow.UpdateHandlerOptions{Validator: func(ctx workflow.Context, r ReleaseRequest) error { return t.validateRelease(r) }},
	); err != nil {
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
		Parked: slices.Clone(t.st.Parked),
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
