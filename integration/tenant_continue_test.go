package integration

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"

	"github.com/meetvault/meetvault/workflows"
)

// A tenant workflow that continues as new after every two imports keeps its
// state (imports counted, watermark, totals) across runs on the real
// server, and the backfills queued before and after a continue-as-new all
// run. It also records a Tenant history across continue-as-new for the
// replay tests (scripts/record-histories.sh).
func TestTenantContinuesAsNewAndKeepsItsState(t *testing.T) {
	e := newEnv(t)
	e.simPOST("/_sim/scenario", generate(41, 1, 3, 0))
	e.registerTenant()
	ctx := context.Background()
	id := workflows.TenantWorkflowID(e.tenant)
	t.Cleanup(func() { _ = e.temporal.TerminateWorkflow(ctx, id, "", "test over") })

	run, err := e.temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: e.taskQueue}, workflows.Tenant,
		workflows.TenantInput{TenantID: e.tenant, ImportsPerRun: 2,
			Policy: workflows.ImportPolicy{Interval: 24 * time.Hour, Lookback: 24 * time.Hour}})
	require.NoError(t, err)
	status := func() workflows.TenantStatus {
		var s workflows.TenantStatus
		v, err := e.temporal.QueryWorkflow(ctx, id, "", workflows.QueryStatus)
		if err == nil {
			_ = v.Get(&s)
		}
		return s
	}
	require.Eventually(t, func() bool { return status().Imports == 1 }, time.Minute, 200*time.Millisecond)
	for _, w := range [][2]string{{"2026-10-01", "2026-10-15"}, {"2026-10-16", "2026-10-31"}, {"2026-10-01", "2026-10-31"}} {
		from, _ := time.Parse(time.DateOnly, w[0])
		to, _ := time.Parse(time.DateOnly, w[1])
		require.NoError(t, e.temporal.SignalWorkflow(ctx, id, "", workflows.SignalBackfill,
			workflows.BackfillSignal{Source: "meeting", From: from, To: to}))
	}
	require.Eventually(t, func() bool { return status().Imports == 4 }, 2*time.Minute, 300*time.Millisecond)
	s := status()
	// The two halves list the 3 meetings once, the whole month again (its
	// files found archived): totals carried across both continue-as-news.
	require.Equal(t, 6, s.Totals.Meetings)
	require.Equal(t, 6, s.Totals.MeetingsDone)
	require.Equal(t, s.Totals.FilesArchived, s.Totals.FilesAlreadyArchived)
	require.Positive(t, s.Totals.FilesArchived)
	require.Empty(t, s.LastError)
	d, err := e.temporal.DescribeWorkflowExecution(ctx, id, "")
	require.NoError(t, err)
	require.NotEqual(t, run.GetRunID(), d.GetWorkflowExecutionInfo().GetExecution().GetRunId(), "the tenant continued as new")
	require.Equal(t, run.GetRunID(), d.GetWorkflowExecutionInfo().GetFirstRunId())
}
