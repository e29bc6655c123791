package workflows

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"
)

func callTimes(calls []importCall) []string {
	var out []string
	for _, c := range calls {
		out = append(out, c.at.Format("01-02 15:04"))
	}
	return out
}

func update(t *testing.T, env *testsuite.TestWorkflowEnvironment, name, id string, arg any, out *TenantStatus) {
	env.UpdateWorkflow(name, id, &testsuite.TestUpdateCallback{
		OnAccept: func() {}, OnReject: func(err error) { t.Errorf("%s %s rejected: %v", name, id, err) },
		OnComplete: func(v any, err error) {
			require.NoError(t, err)
			if out != nil {
				*out = v.(TenantStatus)
			}
		}}, arg)
}

func queryStatus(t *testing.T, env *testsuite.TestWorkflowEnvironment, out *TenantStatus) {
	v, err := env.QueryWorkflow(QueryStatus)
	require.NoError(t, err)
	require.NoError(t, v.Get(out))
}

// set_policy takes effect at once: a tenant idling on a 24-hour schedule
// that is moved to hourly runs its next import an hour after the change,
// not at the end of the old wait (the timer is re-armed for the new
// deadline).
func TestTenantPolicyChangeRearmsTheWait(t *testing.T) {
	env, calls := tenantEnv(t, at("2026-11-22T10:00:00Z"), func(int, ImportWindowInput) ImportWindowResult { return done() })
	var after TenantStatus
	env.RegisterDelayedCallback(func() {
		update(t, env, UpdatePolicy, "hourly", ImportPolicy{Interval: time.Hour}, &after)
	}, time.Hour)
	env.RegisterDelayedCallback(env.CancelWorkflow, 3*time.Hour+30*time.Minute)
	env.ExecuteWorkflow(Tenant, TenantInput{TenantID: "acme", Policy: ImportPolicy{Interval: 24 * time.Hour}})
	require.Equal(t, at("2026-11-22T12:00:00Z"), after.NextRun)
	require.Equal(t, []string{"11-22 10:00", "11-22 12:00", "11-22 13:00"}, callTimes(*calls))
}

// A run continues as new when it reaches its lifetime, also when it has
// nothing to do (idle on a weekly schedule) or is paused, so no run keeps
// an old logic version alive for long.
func TestTenantContinuesAsNewAtItsLifetimeWhenIdleOrPaused(t *testing.T) {
	for name, st := range map[string]*TenantState{
		"idle":   nil,
		"paused": {Paused: true, Policy: ImportPolicy{Interval: 7 * 24 * time.Hour}.WithDefaults()},
	} {
		t.Run(name, func(t *testing.T) {
			start := at("2026-11-22T10:00:00Z")
			env, calls := tenantEnv(t, start, func(int, ImportWindowInput) ImportWindowResult { return done() })
			env.ExecuteWorkflow(Tenant, TenantInput{TenantID: "acme", State: st, Policy: ImportPolicy{Interval: 7 * 24 * time.Hour}})
			var can *workflow.ContinueAsNewError
			require.True(t, errors.As(env.GetWorkflowError(), &can), "got %v", env.GetWorkflowError())
			require.Equal(t, start.Add(DefaultTenantRunLifetime), env.Now().UTC())
			var next TenantInput
			require.NoError(t, converter.GetDefaultDataConverter().FromPayloads(can.Input, &next))
			require.Equal(t, DefaultTenantRunLifetime, next.RunLifetime)
			if st != nil {
				require.True(t, next.State.Paused, "still paused in the next run")
				require.Empty(t, *calls)
			} else {
				require.Len(t, *calls, 1, "the first scheduled import, then idle")
				require.Equal(t, at("2026-11-29T10:00:00Z"), next.State.NextRun, "the schedule is carried over")
			}
		})
	}
}

// A backfill whose import keeps failing is parked instead of blocking its
// lane: the scheduled import behind it runs at once; the backfill is
// retried with a doubling backoff in the retry lane, shows in status, is
// retried at once by the release update, and is forgotten on a drop.
func TestTenantParksAFailingItemAndGoesOn(t *testing.T) {
	env, calls := tenantEnvE(t, at("2026-11-22T10:00:00Z"), func(n int, in ImportWindowInput) (ImportWindowResult, error) {
		if in.From.Equal(day("2026-01-01")) {
			return ImportWindowResult{}, errors.New("zoom: credentials revoked")
		}
		return done(), nil
	})
	env.RegisterDelayedCallback(func() {
		env.SignalWorkflow(SignalBackfill, BackfillSignal{From: day("2026-01-01"), To: day("2026-01-31")})
	}, 0)
	var parked, released, dropped TenantStatus
	env.RegisterDelayedCallback(func() { queryStatus(t, env, &parked) }, 4*time.Minute)
	env.RegisterDelayedCallback(func() { update(t, env, UpdateRelease, "r1", ReleaseRequest{ID: "p1"}, &released) }, 5*time.Minute)
	env.RegisterDelayedCallback(func() { update(t, env, UpdateRelease, "r2", ReleaseRequest{ID: "p1", Drop: true}, &dropped) }, 6*time.Minute)
	var rejected error
	env.RegisterDelayedCallback(func() {
		env.UpdateWorkflow(UpdateRelease, "r3", &testsuite.TestUpdateCallback{OnAccept: func() { t.Error("released an unknown item") },
			OnReject: func(err error) { rejected = err }, OnComplete: func(any, error) {}}, ReleaseRequest{ID: "p9"})
	}, 7*time.Minute)
	env.RegisterDelayedCallback(env.CancelWorkflow, 2*time.Hour)
	env.ExecuteWorkflow(Tenant, TenantInput{TenantID: "acme", Policy: ImportPolicy{Interval: 24 * time.Hour, Lookback: 24 * time.Hour}})

	var backfills []string
	scheduled := 0
	for _, c := range *calls {
		if c.in.From.Equal(day("2026-01-01")) {
			backfills = append(backfills, c.at.Format("15:04"))
		} else {
			scheduled++
			require.Equal(t, "10:00", c.at.Format("15:04"), "the scheduled import ran behind the failed backfill at once")
		}
	}
	require.Equal(t, 1, scheduled)
	// 10:00 fails (retry in 1 m), 10:01 (2 m), 10:03 (4 m: 10:07), released at 10:05, dropped at 10:06.
	require.Equal(t, []string{"10:00", "10:01", "10:03", "10:05"}, backfills)
	require.Len(t, parked.Parked, 1)
	p := parked.Parked[0]
	require.Equal(t, "p1", p.ID)
	require.Equal(t, "backfill", p.Kind)
	require.Equal(t, 3, p.Attempts)
	require.Equal(t, at("2026-11-22T10:07:00Z"), p.RetryAt)
	require.Contains(t, p.Error, "credentials revoked")
	require.Zero(t, parked.Backlog["scheduled"], "nothing waits behind the parked item")
	require.Equal(t, 1, released.Backlog["retry"], "released: at the head of the retry lane")
	require.Empty(t, dropped.Parked)
	require.ErrorContains(t, rejected, `no parked item "p9"`)
}

// A scheduled window that fails on every run stays one parked item (the
// later window covers the earlier), its attempts counted across runs, and
// the retries back off.
func TestTenantKeepsOneParkedItemPerFailingSchedule(t *testing.T) {
	env, calls := tenantEnvE(t, at("2026-11-22T10:00:00Z"), func(int, ImportWindowInput) (ImportWindowResult, error) {
		return ImportWindowResult{}, errors.New("zoom: 503")
	})
	var status TenantStatus
	env.RegisterDelayedCallback(func() { queryStatus(t, env, &status) }, 3*time.Hour+30*time.Minute)
	env.RegisterDelayedCallback(env.CancelWorkflow, 4*time.Hour)
	env.ExecuteWorkflow(Tenant, TenantInput{TenantID: "acme", Policy: ImportPolicy{Interval: time.Hour}})
	require.Len(t, status.Parked, 1, "%+v", status.Parked)
	require.Greater(t, status.Parked[0].Attempts, 4, "attempts counted across the runs' windows")
	// Four scheduled runs (10:00–13:00) and the backed-off retries between them.
	require.Less(t, len(*calls), 15, "failures back off instead of spinning")
	require.Contains(t, status.LastError, "503")
}

// The loop's timer is re-created only when its deadline moves: an
// import-now (which leaves the next scheduled run where it was) and a
// policy change that keeps the interval wait on the same timer; a new
// interval replaces it with one for the new deadline.
func TestTenantTimerIsRecreatedOnlyWhenTheDeadlineMoves(t *testing.T) {
	env, calls := tenantEnv(t, at("2026-11-22T10:00:00Z"), func(int, ImportWindowInput) ImportWindowResult { return done() })
	var scheduled []time.Duration
	env.SetOnTimerScheduledListener(func(_ string, d time.Duration) { scheduled = append(scheduled, d) })
	env.RegisterDelayedCallback(func() { env.SignalWorkflow(SignalImportNow, ImportNowSignal{}) }, time.Hour)
	env.RegisterDelayedCallback(func() {
		update(t, env, UpdatePolicy, "pool", ImportPolicy{Interval: 24 * time.Hour, DailyPool: 500}, nil)
	}, 90*time.Minute)
	env.RegisterDelayedCallback(func() {
		update(t, env, UpdatePolicy, "hourly", ImportPolicy{Interval: time.Hour, DailyPool: 500}, nil)
	}, 105*time.Minute)
	env.RegisterDelayedCallback(env.CancelWorkflow, 110*time.Minute)
	env.ExecuteWorkflow(Tenant, TenantInput{TenantID: "acme", Policy: ImportPolicy{Interval: 24 * time.Hour}})
	require.Equal(t, []string{"11-22 10:00", "11-22 11:00"}, callTimes(*calls))
	// The first wait (to tomorrow 10:00), then only the new deadline (12:45).
	require.Equal(t, []time.Duration{24 * time.Hour, time.Hour}, scheduled)
}

// Import-now goes to the now lane, ahead of backfills queued before it.
func TestTenantImportNowRunsAheadOfQueuedBackfills(t *testing.T) {
	env, calls := tenantEnv(t, at("2026-11-22T10:00:00Z"), func(int, ImportWindowInput) ImportWindowResult { return done() })
	env.RegisterDelayedCallback(func() {
		update(t, env, UpdatePause, "p", PauseRequest{}, nil)
	}, time.Minute)
	env.RegisterDelayedCallback(func() {
		env.SignalWorkflow(SignalBackfill, BackfillSignal{From: day("2026-01-01"), To: day("2026-01-31")})
		env.SignalWorkflow(SignalImportNow, ImportNowSignal{})
	}, 2*time.Minute)
	env.RegisterDelayedCallback(func() { update(t, env, UpdateResume, "r", ResumeRequest{}, nil) }, 3*time.Minute)
	env.RegisterDelayedCallback(env.CancelWorkflow, time.Hour)
	env.ExecuteWorkflow(Tenant, TenantInput{TenantID: "acme", Policy: ImportPolicy{Interval: 24 * time.Hour, Lookback: 24 * time.Hour}})
	require.Len(t, *calls, 3)
	require.Equal(t, day("2026-11-22"), (*calls)[1].in.From, "import-now first (from the watermark)")
	require.Equal(t, day("2026-01-01"), (*calls)[2].in.From, "then the backfill queued before it")
}
