package integration

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	enumspb "go.temporal.io/api/enums/v1"

	"github.com/meetvault/meetvault/workflows"
)

// Webinar recordings (types 5, 6, 9) come in the same listing as meetings
// and are archived as webinars: their own conversation rows ("Zoom
// Webinar") and objects under {tenant}/webinar/, the bytes /_sim/truth
// names; meetings stay meetings. A recording.completed of a webinar starts a
// webinar ArchiveMeeting that finds them archived.
func TestWebinarsAreArchivedAsWebinars(t *testing.T) {
	e := newEnv(t)
	e.simPOST("/_sim/scenario", map[string]any{"generate": map[string]any{
		"seed": 57, "accounts": 1, "users": 2, "meetings": 3, "webinars": 4,
		"from": "2026-10-01", "to": "2026-10-31", "min_file_bytes": 1 << 16, "max_file_bytes": 1 << 20,
	}})
	e.registerTenant()
	out := e.importWindow("2026-10-01", "2026-10-31")
	require.Equal(t, 7, out.Result.Meetings, "failures: %v", out.Result.Failures)
	require.Zero(t, out.Result.FilesFailed, "failures: %v", out.Result.Failures)

	var truth struct {
		Files []struct {
			Source           string `json:"source"`
			ConversationUUID string `json:"conversation_uuid"`
			FileID           string `json:"file_id"`
			Status           string `json:"status"`
			SHA256           string `json:"sha256"`
		} `json:"files"`
	}
	e.simGET("/_sim/truth", &truth)
	sources := map[string]string{} // conversation uuid → source
	want := map[string]string{}    // zoom file id → sha256
	for _, f := range truth.Files {
		sources[f.ConversationUUID] = f.Source
		if f.Status == "completed" {
			want[f.FileID] = f.SHA256
		}
	}
	rows, err := e.store.Pool().Query(context.Background(), `SELECT f.conversation_uuid, f.source, f.zoom_file_id, f.sha256, f.s3_key, c.source_platform
		FROM recording_files f JOIN conversations c USING (tenant_id, source, conversation_uuid) WHERE f.tenant_id = $1`, e.tenant)
	require.NoError(t, err)
	defer rows.Close()
	webinars, files := map[string]bool{}, 0
	for rows.Next() {
		var uuid, source, zoomID, sum, key, platform string
		require.NoError(t, rows.Scan(&uuid, &source, &zoomID, &sum, &key, &platform))
		files++
		require.Equal(t, sources[uuid], source, "conversation %s", uuid)
		require.True(t, strings.HasPrefix(key, e.tenant+"/"+source+"/"), "key %s of a %s", key, source)
		if zoomID != "" {
			require.Equal(t, want[zoomID], sum, "file %s", zoomID)
		}
		if source == "webinar" {
			webinars[uuid] = true
			require.Equal(t, "Zoom Webinar", platform)
		} else {
			require.Equal(t, "Zoom Meeting", platform)
		}
	}
	require.NoError(t, rows.Err())
	require.Len(t, webinars, 4)
	require.Equal(t, len(want), files)

	// recording.completed of every conversation: the webinars' go to their
	// webinar ArchiveMeeting, which finds every file archived.
	account := e.sim.Accounts()[0].AccountID
	e.simPOST("/_sim/webhooks", map[string]any{"account_id": account, "url": "http://" + e.ingress + "/webhooks/zoom/" + e.tenant})
	e.simPOST("/_sim/webhooks/send", map[string]any{"account_id": account, "event": "recording.completed", "all": true})
	for uuid := range webinars {
		id := workflows.ArchiveMeetingID(e.tenant, "webinar", uuid)
		require.Eventually(t, func() bool {
			d, err := e.temporal.DescribeWorkflowExecution(context.Background(), id, "")
			return err == nil && d.GetWorkflowExecutionInfo().GetStatus() == enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED
		}, time.Minute, 200*time.Millisecond, "the webinar's recording.completed did not run %s", id)
	}
	require.Len(t, e.archivedFiles(), files, "no file archived twice, none under another source")
}
