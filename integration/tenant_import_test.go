package integration

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/api/workflowservice/v1"

	"github.com/meetvault/meetvault/workflows"
)

// With the tenant's workflow running, starter import queues the import
// there (the import update) instead of starting ImportWindow beside it: the
// tenant runs it as its child under the ID the ticket named, archives every
// file exactly once, and counts it in its status. --direct still starts the
// import outside the tenant.
func TestImportGoesThroughTheTenantWorkflow(t *testing.T) {
	e := newEnv(t)
	e.simPOST("/_sim/scenario", generate(23, 2, 6, 1))
	e.registerTenant()
	t.Cleanup(func() {
		_ = e.temporal.TerminateWorkflow(context.Background(), workflows.TenantWorkflowID(e.tenant), "", "test over")
	})

	// A long interval and a one-minute lookback: the one scheduled import
	// (today only) covers none of October's meetings.
	require.NoError(t, e.starter(nil, "tenant", "start", e.tenant, "--interval", "24h", "--lookback", "1m"))
	// tenantStatus decodes into a fresh value: JSON leaves absent fields
	// (running) as they were.
	var status workflows.TenantStatus
	tenantStatus := func() bool {
		status = workflows.TenantStatus{}
		return e.starter(&status, "tenant", "status", e.tenant) == nil
	}
	require.Eventually(t, func() bool { return tenantStatus() && status.Imports == 1 && status.Running == nil },
		time.Minute, 200*time.Millisecond, "the first scheduled import did not finish")
	require.Zero(t, status.Totals.FilesArchived)
	watermark := status.Watermarks["meeting"]

	var out struct {
		importOutput
		Via      string `json:"via"`
		Position int    `json:"position"`
	}
	require.NoError(t, e.starter(&out, "import", "--tenant", e.tenant, "--from", "2026-10-01", "--to", "2026-10-31", "--wait"))
	require.Equal(t, "tenant", out.Via)
	require.Zero(t, out.Position, "nothing was queued ahead of it")
	from, to := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 10, 31, 0, 0, 0, 0, time.UTC)
	require.True(t, strings.HasPrefix(out.WorkflowID, workflows.ImportWindowID(e.tenant, "meeting", from, to)+"/op1-"), out.WorkflowID)
	d, err := e.temporal.DescribeWorkflowExecution(context.Background(), out.WorkflowID, "")
	require.NoError(t, err)
	require.Equal(t, workflows.TenantWorkflowID(e.tenant), d.GetWorkflowExecutionInfo().GetParentExecution().GetWorkflowId(),
		"the tenant's workflow ran the import as its child")

	byID := map[string]truthFile{}
	var completed, processing int
	for _, f := range e.truth() {
		if f.Status == "processing" {
			processing++
			continue
		}
		completed++
		byID[f.FileID] = f
	}
	require.Greater(t, completed, 6, "the scenario should hold several files per meeting")
	require.Equal(t, 6, out.Result.Meetings)
	require.Equal(t, completed, out.Result.FilesArchived, "failures: %v", out.Result.Failures)
	require.Zero(t, out.Result.FilesAlreadyArchived)
	require.Equal(t, processing, out.Result.FilesProcessing)
	require.Zero(t, out.Result.FilesFailed)
	files := e.archivedFiles()
	require.Len(t, files, completed)
	seen := map[string]bool{}
	for _, f := range files {
		require.False(t, seen[f.ConversationUUID+"/"+f.FileID], "file %s archived twice", f.FileID)
		seen[f.ConversationUUID+"/"+f.FileID] = true
		if f.ZoomFileID != "" {
			tf, ok := byID[f.ZoomFileID]
			require.True(t, ok, "archived file %s unknown to the simulator", f.ZoomFileID)
			require.Equal(t, tf.SHA256, f.SHA256)
		}
	}

	// The tenant counts the import it ran; an import moves no watermark.
	require.Eventually(t, func() bool { return tenantStatus() && status.Imports == 2 },
		30*time.Second, 200*time.Millisecond, "the tenant did not count the import")
	require.Equal(t, completed, status.Totals.FilesArchived)
	require.Equal(t, 6, status.Totals.Meetings)
	require.Equal(t, watermark, status.Watermarks["meeting"])
	require.Empty(t, status.LastError)

	// --direct starts the import beside the tenant: nothing left to archive.
	var direct struct {
		importOutput
		Via string `json:"via"`
	}
	require.NoError(t, e.starter(&direct, "import", "--tenant", e.tenant, "--from", "2026-10-01", "--to", "2026-10-31", "--wait", "--direct"))
	require.Equal(t, "direct", direct.Via)
	require.Equal(t, workflows.ImportWindowID(e.tenant, "meeting", from, to), direct.WorkflowID)
	require.Zero(t, direct.Result.FilesArchived)
	require.Equal(t, completed, direct.Result.FilesAlreadyArchived)
	require.Len(t, e.archivedFiles(), completed)
}

// Zoom's daily pool runs out during an import the tenant runs for the
// starter: the run ends blocked, the tenant resumes it after the reset under
// the same workflow ID, and starter import --wait follows it to the end.
func TestImportThroughTheTenantWaitsAcrossTheDailyReset(t *testing.T) {
	e := newEnv(t)
	e.tinyPoolTenant(37)
	// The meeting log is listed 2 meetings a page: 6 pool requests for
	// October; the first scheduled import (today) spends 1 of the 4.
	require.NoError(t, e.starter(nil, "tenant", "start", e.tenant, "--interval", "24h", "--lookback", "1m", "--meeting-log-page-size", "2"))
	require.Eventually(t, func() bool {
		var s workflows.TenantStatus
		return e.starter(&s, "tenant", "status", e.tenant) == nil && s.Imports == 1 && s.Running == nil
	}, time.Minute, 200*time.Millisecond, "the first scheduled import did not finish")
	var clock struct {
		Now time.Time `json:"now"`
	}
	e.simGET("/_sim/clock", &clock)
	midnight := time.Date(clock.Now.Year(), clock.Now.Month(), clock.Now.Day()+1, 0, 0, 0, 0, time.UTC)
	e.simPOST("/_sim/clock", map[string]any{"set": midnight.Add(-20 * time.Second).Format(time.RFC3339)})

	var out struct {
		importOutput
		Via string `json:"via"`
	}
	require.NoError(t, e.starter(&out, "import", "--tenant", e.tenant, "--from", "2026-10-01", "--to", "2026-10-31", "--wait"))
	require.Equal(t, "tenant", out.Via)
	require.Equal(t, 10, out.Result.Meetings)
	require.Equal(t, 10, out.Result.FilesArchived, "failures: %v", out.Result.Failures)
	require.Len(t, e.archivedFiles(), 10)

	var stats struct {
		RateLimited struct {
			ByType map[string]int `json:"by_type"`
		} `json:"rate_limited"`
	}
	e.simGET("/_sim/stats", &stats)
	require.Equal(t, 1, stats.RateLimited.ByType["Daily-limit"], "the import was blocked once")
	// Two runs of the same workflow ID: the blocked one and the resumed one.
	require.Eventually(t, func() bool {
		resp, err := e.temporal.ListWorkflow(context.Background(), &workflowservice.ListWorkflowExecutionsRequest{
			Query: fmt.Sprintf("WorkflowId = %q", out.WorkflowID)})
		return err == nil && len(resp.Executions) == 2
	}, 30*time.Second, 500*time.Millisecond, "runs of %s", out.WorkflowID)
}
