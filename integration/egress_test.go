package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/require"

	"github.com/meetvault/meetvault/zoom"
)

// A file given up on (its last attempt failed) leaves no incomplete
// multipart upload behind: ArchiveFile aborts it, instead of leaving its
// parts to cost storage until a lifecycle rule reaps them.
func TestGivenUpUploadIsAborted(t *testing.T) {
	e := newEnv(t)
	const size = 20 << 20 // parts of 5 MiB in the test worker
	e.simPOST("/_sim/scenario", map[string]any{"seed": 5, "accounts": []map[string]any{{
		"users": []map[string]any{{"email": "host@acme.example"}},
		"meetings": []map[string]any{{"topic": "big", "type": 2, "start_time": "2026-10-05T15:00:00Z", "duration": 60,
			"files": []map[string]any{{"file_type": "MP4", "size": size}}}},
	}}})
	e.registerTenant()
	files := e.truth()
	require.Len(t, files, 1)
	// Every response stops after 6 MiB: each attempt (resuming at its last
	// whole part) uploads a part, and neither reaches the end.
	e.simPOST("/_sim/faults", map[string]any{"truncate_files": map[string]int64{files[0].FileID: 6 << 20}})

	var out importOutput
	require.NoError(t, e.starter(&out, "import", "--tenant", e.tenant, "--from", "2026-10-01", "--to", "2026-10-31",
		"--wait", "--download-attempts", "2", "--download-retry-interval", "200ms"))
	require.Equal(t, 1, out.Result.FilesFailed, "failures: %v", out.Result.Failures)

	ups, err := e.s3Client().ListMultipartUploads(context.Background(), &s3.ListMultipartUploadsInput{Bucket: aws.String(e.bucket)})
	require.NoError(t, err)
	require.Empty(t, ups.Uploads, "the upload of a file given up on is aborted")
	require.Empty(t, e.archivedFiles())
}

// A signed webhook names the download URLs and file ids. Whoever can sign
// for a tenant (its own Zoom admin, say) must not make the worker fetch an
// internal address with the tenant's token, nor climb out of the tenant's
// key prefix: the files fail as download_refused, the internal service sees
// no request, nothing is written, and no secret reaches Postgres.
func TestHostileWebhookCannotReachInsideOrLeaveThePrefix(t *testing.T) {
	e := newEnv(t)
	e.simPOST("/_sim/scenario", generate(31, 1, 1, 0))
	e.registerTenant()
	var accounts struct {
		Accounts []struct {
			AccountID          string `json:"account_id"`
			WebhookSecretToken string `json:"webhook_secret_token"`
		} `json:"accounts"`
	}
	e.simGET("/_sim/accounts", &accounts)
	acct := accounts.Accounts[0]

	var hits atomic.Int64
	inside := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Write([]byte("internal secrets"))
	}))
	defer inside.Close()

	const uuid = "hostile+/uuid=="
	body, err := json.Marshal(map[string]any{
		"event": "recording.completed", "event_ts": time.Now().UnixMilli(), "download_token": "dl-SECRET-TOKEN",
		"payload": map[string]any{"account_id": acct.AccountID, "object": map[string]any{
			"uuid": uuid, "id": 81234567890, "topic": "t", "type": 2, "start_time": "2026-10-05T10:00:00Z", "duration": 5,
			"recording_files": []map[string]any{
				{"id": "inside-1", "file_type": "MP4", "file_extension": "MP4", "file_size": 16, "status": "completed",
					"recording_type": "shared_screen_with_speaker_view", "download_url": inside.URL + "/admin?X-Amz-Signature=SIG-SECRET"},
				{"id": "../../../other-tenant/meeting/x", "file_type": "M4A", "file_extension": "../m4a", "file_size": 16, "status": "completed",
					"recording_type": "audio_only", "download_url": "http://169.254.169.254/latest/meta-data/iam?access_token=TOKEN-SECRET"},
			},
		}},
	})
	require.NoError(t, err)
	ts := time.Now().Unix()
	req, err := http.NewRequest("POST", "http://"+e.ingress+"/webhooks/zoom/"+e.tenant, bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(zoom.HeaderWebhookTimestamp, strconv.FormatInt(ts, 10))
	req.Header.Set(zoom.HeaderWebhookSignature, zoom.WebhookSignature(acct.WebhookSecretToken, ts, body))
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)

	type failure struct{ fileID, reason, message string }
	var failures []failure
	require.Eventually(t, func() bool {
		rows, err := e.store.Pool().Query(context.Background(),
			`SELECT file_id, reason, message FROM recording_file_failures WHERE tenant_id = $1 AND conversation_uuid = $2`, e.tenant, uuid)
		if err != nil {
			return false
		}
		defer rows.Close()
		failures = failures[:0]
		for rows.Next() {
			var f failure
			if rows.Scan(&f.fileID, &f.reason, &f.message) == nil {
				failures = append(failures, f)
			}
		}
		return len(failures) == 2
	}, 60*time.Second, 250*time.Millisecond, "failures recorded: %v", failures)
	for _, f := range failures {
		require.Equal(t, "download_refused", f.reason, "%+v", f)
		for _, secret := range []string{"SIG-SECRET", "TOKEN-SECRET", "dl-SECRET-TOKEN"} {
			require.NotContains(t, f.message, secret)
		}
	}
	require.Zero(t, hits.Load(), "the internal service was fetched")
	require.Empty(t, e.archivedFiles())
	objs, err := e.s3Client().ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: aws.String(e.bucket)})
	require.NoError(t, err)
	require.Empty(t, objs.Contents, "nothing was written")
}
