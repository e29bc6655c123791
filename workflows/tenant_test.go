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
	in ImportWindowInput
}

// tenantEnv runs Tenant with ImportWindow mocked by fn, from start (UTC).
func tenantEnv(t *testing.T, start time.Time, fn func(n int, in ImportWindowInput) ImportWindowResult) (*testsuite.TestWorkflowEnvironment, *[]importCall) {
	env, _ := newEnv(t)
	env.RegisterWorkflow(Tenant)
	env.SetStartTime(start)
	var calls []importCall
	env.OnWorkflow(ImportWindow, mock.Anything, mock.Anything).Return(
		func(ctx workflow.Context, in ImportWindowInput) (ImportWindowResult, error) {
			calls = append(calls, importCall{at: workflow.Now(ctx).UTC(), in: in})
			return fn(len(calls), in), nil
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
