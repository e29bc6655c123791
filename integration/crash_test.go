package integration

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/meetvault/meetvault/archive"
	"github.com/meetvault/meetvault/workflows"
)

// A worker killed with SIGKILL in the middle of a large download: the
// activity's retry on a new worker resumes from the last checkpointed part
// (Range request, parts already in S3 kept) and the archived object is
// byte-identical to Zoom's file.
func TestWorkerKilledMidDownloadResumes(t *testing.T) {
	e := newEnv(t)
	const size = 120 << 20
	e.simPOST("/_sim/scenario", map[string]any{
		"seed": 5,
		"accounts": []map[string]any{{
			"users": []map[string]any{{"email": "host@acme.example", "first_name": "Ada", "last_name": "Host"}},
			"meetings": []map[string]any{{
				"topic": "all hands", "type": 2, "start_time": "2026-10-07T15:00:00Z", "duration": 60,
				"files": []map[string]any{{"file_type": "MP4", "size": size}},
			}},
		}},
	})
	// Slow enough that the SDK flushes a heartbeat (every 0.8 × the 20 s
	// heartbeat timeout) long before the download ends.
	e.simPOST("/_sim/faults", map[string]any{"download_bytes_per_sec": 3 << 20})
	e.registerTenant()
	truth := e.truth()
	require.Len(t, truth, 1)
	file := truth[0]

	var started struct {
		WorkflowID string `json:"workflow_id"`
	}
	require.NoError(t, e.starter(&started, "import", "--tenant", e.tenant, "--from", "2026-10-01", "--to", "2026-10-31"))

	// Wait until at least 4 parts (5 MiB each) are checkpointed, then crash.
	// The import runs the ArchiveFile activity itself (no workflow per meeting).
	var cp archive.Checkpoint
	require.Eventually(t, func() bool {
		d, err := e.temporal.DescribeWorkflowExecution(context.Background(), started.WorkflowID, "")
		if err != nil || len(d.PendingActivities) == 0 || d.PendingActivities[0].HeartbeatDetails == nil {
			return false
		}
		if err := e.dc.FromPayloads(d.PendingActivities[0].HeartbeatDetails, &cp); err != nil {
			return false
		}
		return cp.Offset >= 20<<20
	}, 90*time.Second, 200*time.Millisecond, "no checkpoint reached 20 MiB")
	e.killWorker()
	killedAt := cp.Offset
	downloadedBeforeKill := e.bytesDownloaded()
	require.Less(t, downloadedBeforeKill, int64(size), "the download finished before the kill; slow it down")
	e.simPOST("/_sim/faults", map[string]any{"download_bytes_per_sec": 0})
	e.startWorker()

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var res workflows.ImportWindowResult
	require.NoError(t, e.temporal.GetWorkflow(ctx, started.WorkflowID, "").Get(ctx, &res))
	require.Equal(t, 1, res.FilesArchived, "failures: %v", res.Failures)

	files := e.archivedFiles()
	require.Len(t, files, 1)
	require.Equal(t, file.SHA256, files[0].SHA256)
	sum, n := e.objectSHA256(files[0].Key)
	require.Equal(t, file.SHA256, sum)
	require.Equal(t, int64(size), n)
	// Resumed, not restarted: after the crash only the bytes past the last
	// checkpoint were fetched again.
	total := e.bytesDownloaded()
	t.Logf("file %d bytes, checkpoint at kill %d, downloaded before kill %d, downloaded in all %d", size, killedAt, downloadedBeforeKill, total)
	require.Less(t, total, int64(size)+killedAt,
		"downloaded %d bytes in all for a %d-byte file killed at checkpoint %d: the retry started over", total, size, killedAt)
}
