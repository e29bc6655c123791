package integration

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/require"
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
