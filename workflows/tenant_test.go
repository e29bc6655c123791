package workflows

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"
)

type importCall struct {
	at time.Time
	id string // the child's workflow ID
	in ImportWindowInput
}

// tenantEnv runs Tenant with ImportWindow mocked by fn, from start (UTC).
func tenantEnv(t *testing.T, start time.Time, fn func(n int, in ImportWindowInput) ImportWindowResult) (*testsuite.TestWorkflowEnvironment, *[]importCall) {
	return tenantEnvE(t, start, func(n int, in ImportWindowInput) (ImportWindowResult, error) { return fn(n, in), nil })
}

// tenantEnvE is tenantEnv with imports that may fail.
func tenantEnvE(t *testing.T, start time.Time, fn func(n int, in ImportWindowInput) (ImportWindowResult, error)) (*testsuite.TestWorkflowEnvironment, *[]importCall) {
	env, _ := newEnv(t)
	env.RegisterWorkflow(Tenant)
	env.SetStartTime(start)
	var calls []importCall
	env.OnWorkflow(ImportWindow, mock.Anything, mock.Anything).Return(
		func(ctx workflow.Context, in ImportWindowInput) (ImportWindowResult, error) {
			calls = append(calls, importCall{at: workflow.Now(ctx).UTC(), id: workflow.GetInfo(ctx).WorkflowExecution.ID, in: in})
			return fn(len(calls), in)
		})
	return env, &calls
}

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func done() ImportWindowResult { return ImportWindowResult{Done: true, ZoomPoolRemaining: -1} }

// Zoom's pool runs out at 23:10 UTC: the import stops with its cursor, the
// tenant sleeps on a timer to 00:00 UTC and resumes the same import there.
func TestTenantSleepsToMidnightAndResumesWhereItStopped(t *testing.T) {
	cursor := &ImportCursor{UserIndex: 3, Chunk: 1, PageToken: "p7", Progress: ImportProgress{PoolCalls: 4}}
	env, calls := tenantEnv(t, at("2026-11-22T23:10:00Z"), func(n int, in ImportWindowInput) ImportWindowResult {
		if n == 1 {
			return ImportWindowResult{Blocked: true, Cursor: cursor, PoolCalls: 4, ZoomPoolRemaining: -1} // no Retry-After given
		}
		r := done()
		r.PoolCalls = 4 + 2 // cumulative since the first run
		return r
	})
	var status TenantStatus
	env.RegisterDelayedCallback(func() {
		v, err := env.QueryWorkflow(QueryStatus)
		require.NoError(t, err)
		require.NoError(t, v.Get(&status))
	}, time.Hour)
	env.RegisterDelayedCallback(env.CancelWorkflow, 2*time.Hour)
	env.ExecuteWorkflow(Tenant, TenantInput{TenantID: "acme", Policy: ImportPolicy{Interval: 6 * time.Hour}})
	require.GreaterOrEqual(t, len(*calls), 2)
	first, second := (*calls)[0], (*calls)[1]
	require.Equal(t, at("2026-11-22T23:10:00Z"), first.at)
	require.Nil(t, first.in.Cursor)
	require.Equal(t, at("2026-11-23T00:00:00Z"), second.at, "resumed at the reset, not before")
	require.Equal(t, cursor, second.in.Cursor, "resumed exactly where it stopped")
	require.Equal(t, first.in.From, second.in.From)
	require.Equal(t, first.in.To, second.in.To)
	require.Equal(t, 2, status.PoolUsed, "the new day counts only the resumed run's new calls")
	require.Equal(t, 6, status.Totals.PoolCalls)
}

// A daily 429 whose Retry-After is later than midnight is honoured.
func TestTenantHonoursRetryAfter(t *testing.T) {
	env, calls := tenantEnv(t, at("2026-11-22T23:50:00Z"), func(n int, in ImportWindowInput) ImportWindowResult {
		if n == 1 {
			return ImportWindowResult{Blocked: true, BlockedUntil: at("2026-11-23T00:30:00Z"), Cursor: &ImportCursor{}, ZoomPoolRemaining: -1}
		}
		return done()
	})
	env.RegisterDelayedCallback(env.CancelWorkflow, 3*time.Hour)
	env.ExecuteWorkflow(Tenant, TenantInput{TenantID: "acme", Policy: ImportPolicy{Interval: 6 * time.Hour}})
	require.GreaterOrEqual(t, len(*calls), 2)
	require.Equal(t, at("2026-11-23T00:30:00Z"), (*calls)[1].at)
}

// The tenant's own budget: once the pool calls of the day reach it, no
// further import starts before 00:00 UTC even though the schedule is due;
// a run without rate-limit headers (remaining -1) changes nothing.
func TestTenantStopsAtItsBudgetUntilTheReset(t *testing.T) {
	env, calls := tenantEnv(t, at("2026-11-22T22:00:00Z"), func(n int, in ImportWindowInput) ImportWindowResult {
		r := done()
		r.PoolCalls = 5
		return r
	})
	var status TenantStatus
	env.RegisterDelayedCallback(func() {
		v, err := env.QueryWorkflow(QueryStatus)
		require.NoError(t, err)
		require.NoError(t, v.Get(&status))
	}, 90*time.Minute)
	env.RegisterDelayedCallback(env.CancelWorkflow, 2*time.Hour+30*time.Minute)
	env.ExecuteWorkflow(Tenant, TenantInput{TenantID: "acme", Policy: ImportPolicy{Interval: 30 * time.Minute, DailyPool: 10}})
	var times []time.Time
	for _, c := range *calls {
		times = append(times, c.at)
	}
	require.Equal(t, []time.Time{at("2026-11-22T22:00:00Z"), at("2026-11-22T22:30:00Z"), at("2026-11-23T00:00:00Z"), at("2026-11-23T00:30:00Z")}, times)
	require.Equal(t, 10, status.PoolUsed)
	require.Zero(t, status.PoolRemaining)
	require.Equal(t, at("2026-11-23T00:00:00Z"), status.NextReset)
	require.Equal(t, -1, status.ZoomRemaining)
}

// Zoom's own count (X-RateLimit-Remaining) wins when other apps spent the pool.
func TestTenantFollowsZoomsRemainingCount(t *testing.T) {
	env, calls := tenantEnv(t, at("2026-11-22T20:00:00Z"), func(n int, in ImportWindowInput) ImportWindowResult {
		r := done()
		r.PoolCalls = 1
		r.ZoomPoolRemaining = 0
		return r
	})
	env.RegisterDelayedCallback(env.CancelWorkflow, 4*time.Hour+10*time.Minute)
	env.ExecuteWorkflow(Tenant, TenantInput{TenantID: "acme", Policy: ImportPolicy{Interval: time.Hour}})
	require.Len(t, *calls, 1+1, "one run before Zoom's pool hit 0, the next at midnight")
	require.Equal(t, at("2026-11-23T00:00:00Z"), (*calls)[1].at)
}

// The schedule imports each window once: the next run starts at the
// watermark; backfills and import-now go through the same lanes; a paused
// tenant starts nothing until resumed.
func TestTenantScheduleWatermarksSignalsAndPause(t *testing.T) {
	env, calls := tenantEnv(t, at("2026-11-22T10:00:00Z"), func(n int, in ImportWindowInput) ImportWindowResult { return done() })
	env.RegisterDelayedCallback(func() {
		env.SignalWorkflow(SignalBackfill, BackfillSignal{From: day("2026-01-01"), To: day("2026-01-31")})
	}, 10*time.Minute)
	env.RegisterDelayedCallback(func() {
		env.UpdateWorkflow(UpdatePause, "p1", &testsuite.TestUpdateCallback{
			OnAccept: func() {}, OnReject: func(err error) { t.Error(err) }, OnComplete: func(any, error) {}}, PauseRequest{})
	}, 20*time.Minute)
	env.RegisterDelayedCallback(func() { env.SignalWorkflow(SignalImportNow, ImportNowSignal{}) }, 30*time.Minute)
	env.RegisterDelayedCallback(func() {
		env.UpdateWorkflow(UpdateResume, "r1", &testsuite.TestUpdateCallback{
			OnAccept: func() {}, OnReject: func(err error) { t.Error(err) }, OnComplete: func(any, error) {}}, ResumeRequest{})
	}, 5*time.Hour)
	env.RegisterDelayedCallback(func() {
		env.UpdateWorkflow(UpdatePolicy, "bad", &testsuite.TestUpdateCallback{
			OnAccept: func() { t.Error("a 1-second interval was accepted") }, OnReject: func(error) {}, OnComplete: func(any, error) {}},
			ImportPolicy{Interval: time.Second})
	}, 5*time.Hour+time.Minute)
	env.RegisterDelayedCallback(env.CancelWorkflow, 5*time.Hour+30*time.Minute)
	env.ExecuteWorkflow(Tenant, TenantInput{TenantID: "acme", Policy: ImportPolicy{Interval: 4 * time.Hour, Lookback: 48 * time.Hour}})

	type win struct{ at, from, to string }
	var got []win
	for _, c := range *calls {
		got = append(got, win{c.at.Format("15:04"), c.in.From.Format(time.DateOnly), c.in.To.Format(time.DateOnly)})
	}
	require.Equal(t, []win{
		{"10:00", "2026-11-20", "2026-11-22"}, // first run: lookback through today
		{"10:10", "2026-01-01", "2026-01-31"}, // backfill
		// paused at 10:20: neither import-now (10:30) nor the 14:00 schedule run
		{"15:00", "2026-11-22", "2026-11-22"}, // resumed: import-now from the watermark
	}, got[:3])
}

// Continue-as-new carries the whole state (watermarks, budget, lanes, totals).
func TestTenantContinuesAsNewWithItsState(t *testing.T) {
	env, _ := tenantEnv(t, at("2026-11-22T10:00:00Z"), func(n int, in ImportWindowInput) ImportWindowResult {
		r := done()
		r.PoolCalls = 2
		r.FilesArchived = 3
		return r
	})
	env.RegisterDelayedCallback(func() {
		env.SignalWorkflow(SignalBackfill, BackfillSignal{From: day("2026-03-01"), To: day("2026-03-02")})
		env.SignalWorkflow(SignalBackfill, BackfillSignal{From: day("2026-04-01"), To: day("2026-04-02")})
	}, 0)
	env.ExecuteWorkflow(Tenant, TenantInput{TenantID: "acme", ImportsPerRun: 2, Policy: ImportPolicy{Interval: time.Hour}})
	err := env.GetWorkflowError()
	var can *workflow.ContinueAsNewError
	require.True(t, errors.As(err, &can), "got %v", err)
	var next TenantInput
	require.NoError(t, converter.GetDefaultDataConverter().FromPayloads(can.Input, &next))
	require.Equal(t, "acme", next.TenantID)
	require.NotNil(t, next.State)
	require.Equal(t, 4, next.State.Budget.Used)
	require.Equal(t, 6, next.State.Totals.FilesArchived)
	require.Empty(t, next.State.Watermarks, "backfills do not move the watermark")
	require.Len(t, next.State.Lanes[LaneScheduled], 1, "the scheduled import queued behind the backfills is carried over")
	require.Equal(t, "scheduled", next.State.Lanes[LaneScheduled][0].Kind)
	require.Equal(t, at("2026-11-22T11:00:00Z"), next.State.NextRun)
	require.Equal(t, time.Hour, next.State.Policy.Interval)
	require.Equal(t, 2, next.ImportsPerRun)
}

// sendImport sends the import update; ticket is set when it completes,
// rejected when the validator refuses it.
func sendImport(t *testing.T, env *testsuite.TestWorkflowEnvironment, id string, r ImportRequest, ticket *ImportTicket, rejected *error) {
	env.UpdateWorkflow(UpdateImport, id, &testsuite.TestUpdateCallback{
		OnAccept: func() {},
		OnReject: func(err error) {
			if rejected == nil {
				t.Errorf("import %s rejected: %v", id, err)
				return
			}
			*rejected = err
		},
		OnComplete: func(v any, err error) {
			require.NoError(t, err)
			if ticket != nil {
				*ticket = v.(ImportTicket)
			}
		},
	}, r)
}

// The tenant's first run ID in the test environment is "default-test-run-id":
// its first 8 characters tag the import update's workflow IDs.
const testImportTag = "default-"

// An operator's import is queued in the scheduled lane behind the work
// already there, under a workflow ID fixed when it is queued; the child
// receives the request's options, and the import does not move the
// watermark.
func TestTenantImportUpdateQueuesBehindTheLanesUnderAPredictableID(t *testing.T) {
	env, calls := tenantEnv(t, at("2026-11-22T10:00:00Z"), func(n int, in ImportWindowInput) ImportWindowResult { return done() })
	env.RegisterDelayedCallback(func() {
		env.UpdateWorkflow(UpdatePause, "p1", &testsuite.TestUpdateCallback{
			OnAccept: func() {}, OnReject: func(err error) { t.Error(err) }, OnComplete: func(any, error) {}}, PauseRequest{})
	}, 10*time.Minute)
	env.RegisterDelayedCallback(func() {
		env.SignalWorkflow(SignalBackfill, BackfillSignal{From: day("2026-01-01"), To: day("2026-01-31")})
		env.SignalWorkflow(SignalBackfill, BackfillSignal{From: day("2026-02-01"), To: day("2026-02-28")})
	}, 20*time.Minute)
	var first, second ImportTicket
	retry := DownloadRetry{InitialInterval: 3 * time.Second, MaximumAttempts: 2}
	env.RegisterDelayedCallback(func() {
		sendImport(t, env, "i1", ImportRequest{Source: "meeting", From: day("2026-10-01"), To: day("2026-10-31"),
			SkipMeetingLog: true, MaxConcurrentArchives: 4, DownloadRetry: retry}, &first, nil)
	}, 30*time.Minute)
	env.RegisterDelayedCallback(func() {
		// Later than the watermark: an import must not move it.
		sendImport(t, env, "i2", ImportRequest{From: day("2026-11-01"), To: day("2026-11-30")}, &second, nil)
	}, 31*time.Minute)
	env.RegisterDelayedCallback(func() {
		env.UpdateWorkflow(UpdateResume, "r1", &testsuite.TestUpdateCallback{
			OnAccept: func() {}, OnReject: func(err error) { t.Error(err) }, OnComplete: func(any, error) {}}, ResumeRequest{})
	}, time.Hour)
	var status TenantStatus
	env.RegisterDelayedCallback(func() {
		v, err := env.QueryWorkflow(QueryStatus)
		require.NoError(t, err)
		require.NoError(t, v.Get(&status))
	}, 2*time.Hour)
	env.RegisterDelayedCallback(env.CancelWorkflow, 2*time.Hour+time.Minute)
	env.ExecuteWorkflow(Tenant, TenantInput{TenantID: "acme", Policy: ImportPolicy{Interval: 4 * time.Hour, Lookback: 48 * time.Hour}})

	require.Equal(t, ImportWindowID("acme", "meeting", day("2026-10-01"), day("2026-10-31"))+"/op1-"+testImportTag, first.WorkflowID)
	require.Equal(t, ImportWindowID("acme", "meeting", day("2026-11-01"), day("2026-11-30"))+"/op2-"+testImportTag, second.WorkflowID)
	require.Equal(t, 2, first.Position, "behind the two backfills")
	require.Equal(t, 3, second.Position, "behind the backfills and the first import")
	require.True(t, first.Status.Paused)
	require.Equal(t, 3, first.Status.Backlog["scheduled"], "the ticket's status counts the import itself")

	require.Len(t, *calls, 5)
	var kinds []string
	for _, c := range *calls {
		kinds = append(kinds, c.at.Format("15:04")+" "+c.in.From.Format(time.DateOnly))
	}
	require.Equal(t, []string{"10:00 2026-11-20", "11:00 2026-01-01", "11:00 2026-02-01", "11:00 2026-10-01", "11:00 2026-11-01"}, kinds)
	imp := (*calls)[3]
	require.Equal(t, first.WorkflowID, imp.id, "the child runs under the ID the ticket named")
	require.Equal(t, ImportWindowInput{TenantID: "acme", Source: "meeting", From: day("2026-10-01"), To: day("2026-10-31"),
		SkipMeetingLog: true, MaxConcurrentArchives: 4, DownloadRetry: retry}, imp.in)
	require.Equal(t, second.WorkflowID, (*calls)[4].id)
	require.False(t, (*calls)[4].in.SkipMeetingLog)

	require.Equal(t, 5, status.Imports)
	require.Equal(t, day("2026-11-22"), status.Watermarks["meeting"], "imports, like backfills, leave the watermark alone")
}

// The validator refuses what the tenant cannot run, and nothing is queued.
func TestTenantImportUpdateRejectsBadRequests(t *testing.T) {
	env, calls := tenantEnv(t, at("2026-11-22T10:00:00Z"), func(n int, in ImportWindowInput) ImportWindowResult { return done() })
	bad := map[string]ImportRequest{
		"backwards": {From: day("2026-10-31"), To: day("2026-10-01")},
		"no from":   {To: day("2026-10-01")},
		"webinar":   {Source: "webinar", From: day("2026-10-01"), To: day("2026-10-31")},
		"negative":  {From: day("2026-10-01"), To: day("2026-10-31"), MaxConcurrentArchives: -1},
	}
	errs := map[string]*error{}
	env.RegisterDelayedCallback(func() {
		for name, r := range bad {
			errs[name] = new(error)
			sendImport(t, env, name, r, nil, errs[name])
		}
	}, 10*time.Minute)
	env.RegisterDelayedCallback(env.CancelWorkflow, time.Hour)
	env.ExecuteWorkflow(Tenant, TenantInput{TenantID: "acme", Policy: ImportPolicy{Interval: 4 * time.Hour}})
	for name := range bad {
		require.Error(t, *errs[name], name)
	}
	require.ErrorContains(t, *errs["backwards"], "ends before it starts")
	require.ErrorContains(t, *errs["no from"], "needs both from and to")
	require.ErrorContains(t, *errs["webinar"], `source "webinar" cannot be imported yet (meeting or phone)`)
	require.Len(t, *calls, 1, "only the scheduled import ran")
}

// An import stopped by Zoom's daily pool goes back to the front of its lane
// with its cursor and resumes at the reset under the same workflow ID.
func TestTenantBlockedImportResumesUnderTheSameID(t *testing.T) {
	cursor := &ImportCursor{UserIndex: 1, PageToken: "p2", Progress: ImportProgress{PoolCalls: 3}}
	env, calls := tenantEnv(t, at("2026-11-22T23:00:00Z"), func(n int, in ImportWindowInput) ImportWindowResult {
		if n == 2 {
			return ImportWindowResult{Blocked: true, Cursor: cursor, PoolCalls: 3, ZoomPoolRemaining: -1}
		}
		r := done()
		if n == 3 {
			r.PoolCalls, r.FilesArchived = 5, 7
		}
		return r
	})
	var ticket ImportTicket
	env.RegisterDelayedCallback(func() {
		sendImport(t, env, "i1", ImportRequest{From: day("2026-09-01"), To: day("2026-09-30"), MaxConcurrentArchives: 2}, &ticket, nil)
	}, 10*time.Minute)
	var status TenantStatus
	env.RegisterDelayedCallback(func() {
		v, err := env.QueryWorkflow(QueryStatus)
		require.NoError(t, err)
		require.NoError(t, v.Get(&status))
	}, 90*time.Minute)
	env.RegisterDelayedCallback(env.CancelWorkflow, 2*time.Hour)
	env.ExecuteWorkflow(Tenant, TenantInput{TenantID: "acme", Policy: ImportPolicy{Interval: 6 * time.Hour}})

	require.Len(t, *calls, 3)
	blocked, resumed := (*calls)[1], (*calls)[2]
	require.Equal(t, at("2026-11-22T23:10:00Z"), blocked.at)
	require.Equal(t, at("2026-11-23T00:00:00Z"), resumed.at, "resumed at the reset")
	require.Equal(t, ticket.WorkflowID, blocked.id)
	require.Equal(t, ticket.WorkflowID, resumed.id, "the same workflow ID across the reset")
	require.Nil(t, blocked.in.Cursor)
	require.Equal(t, cursor, resumed.in.Cursor)
	require.Equal(t, 2, resumed.in.MaxConcurrentArchives, "the options survive the re-queue")
	require.Equal(t, 2, status.Imports)
	require.Equal(t, 7, status.Totals.FilesArchived)
	require.Equal(t, 2, status.PoolUsed, "the new day counts only the resumed run's new calls")
	require.Equal(t, day("2026-11-22"), status.Watermarks["meeting"])
}

// An import queued before continue-as-new keeps its workflow ID, and the
// numbering goes on in the next run.
func TestTenantImportSurvivesContinueAsNew(t *testing.T) {
	env, _ := tenantEnv(t, at("2026-11-22T10:00:00Z"), func(n int, in ImportWindowInput) ImportWindowResult { return done() })
	var ticket ImportTicket
	env.RegisterDelayedCallback(func() {
		sendImport(t, env, "i1", ImportRequest{From: day("2026-10-01"), To: day("2026-10-02"), SkipMeetingLog: true}, &ticket, nil)
		sendImport(t, env, "i2", ImportRequest{From: day("2026-10-03"), To: day("2026-10-04")}, nil, nil)
	}, 0)
	env.ExecuteWorkflow(Tenant, TenantInput{TenantID: "acme", ImportsPerRun: 1, Policy: ImportPolicy{Interval: time.Hour}})
	var can *workflow.ContinueAsNewError
	require.True(t, errors.As(env.GetWorkflowError(), &can), "got %v", env.GetWorkflowError())
	var next TenantInput
	require.NoError(t, converter.GetDefaultDataConverter().FromPayloads(can.Input, &next))
	require.Equal(t, 2, next.State.ImportSeq)
	require.Equal(t, testImportTag, next.State.ImportTag, "the next run tags its imports as this one did")
	var queued []WorkItem
	for _, it := range next.State.Lanes[LaneScheduled] {
		if it.Kind == "import" {
			queued = append(queued, it)
		}
	}
	require.Len(t, queued, 1, "one import ran before continue-as-new, the other waits in the lane")
	require.Equal(t, ImportWindowID("acme", "meeting", day("2026-10-03"), day("2026-10-04"))+"/op2-"+testImportTag, queued[0].WorkflowID)
	require.Equal(t, ImportWindowID("acme", "meeting", day("2026-10-01"), day("2026-10-02"))+"/op1-"+testImportTag, ticket.WorkflowID)
}
