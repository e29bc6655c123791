package integration

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"sort"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/require"
)

func generate(seed, users, meetings, processing int) map[string]any {
	return map[string]any{"generate": map[string]any{
		"seed": seed, "accounts": 1, "users": users, "meetings": meetings,
		"from": "2026-10-01", "to": "2026-10-31", "processing_files": processing,
	}}
}

func (e *env) bytesDownloaded() int64 {
	var stats struct {
		BytesDownloaded int64 `json:"bytes_downloaded"`
	}
	e.simGET("/_sim/stats", &stats)
	return stats.BytesDownloaded
}

// s3Client reads objects back, independently of the archive package.
func (e *env) s3Client() *s3.Client {
	return s3.New(s3.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(mustEnv(e.t, "MEETVAULT_S3_ENDPOINT")),
		UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider(
			mustEnv(e.t, "MEETVAULT_S3_ACCESS_KEY"), mustEnv(e.t, "MEETVAULT_S3_SECRET_KEY"), ""),
	})
}

// objectSHA256 downloads an archived object and hashes its bytes.
func (e *env) objectSHA256(key string) (string, int64) {
	out, err := e.s3Client().GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(e.bucket), Key: aws.String(key)})
	require.NoError(e.t, err)
	defer out.Body.Close()
	h := sha256.New()
	n, err := io.Copy(h, out.Body)
	require.NoError(e.t, err)
	return hex.EncodeToString(h.Sum(nil)), n
}

func TestImportArchivesEveryCompletedFileExactlyOnce(t *testing.T) {
	e := newEnv(t)
	e.simPOST("/_sim/scenario", generate(7, 3, 12, 2))
	e.registerTenant()

	out := e.importWindow("2026-10-01", "2026-10-31")
	truth := e.truth()
	var completed, processing int
	want := map[string][]string{} // conversation → sorted sha256 of completed files
	byID := map[string]truthFile{}
	for _, f := range truth {
		byID[f.FileID] = f
		if f.Status == "processing" {
			processing++
			continue
		}
		completed++
		want[f.ConversationUUID] = append(want[f.ConversationUUID], f.SHA256)
	}
	require.Greater(t, completed, 12, "the scenario should hold several files per meeting")
	require.Equal(t, 12, out.Result.Meetings)
	require.Equal(t, completed, out.Result.FilesArchived, "failures: %v", out.Result.Failures)
	require.Equal(t, processing, out.Result.FilesProcessing)
	require.Zero(t, out.Result.FilesFailed)

	files := e.archivedFiles()
	require.Len(t, files, completed)
	got := map[string][]string{}
	for _, f := range files {
		got[f.ConversationUUID] = append(got[f.ConversationUUID], f.SHA256)
		if f.ZoomFileID != "" {
			tf, ok := byID[f.ZoomFileID]
			require.True(t, ok, "archived file %s unknown to the simulator", f.ZoomFileID)
			require.Equal(t, tf.SHA256, f.SHA256)
			require.Equal(t, tf.Size, f.Size)
		} else {
			require.Contains(t, []string{"CC", "TIMELINE", "TB"}, f.FileType, "only CC and TIMELINE come without a Zoom id")
		}
		info, ok, err := e.s3.Head(context.Background(), f.Key)
		require.NoError(t, err)
		require.True(t, ok, "object %s missing", f.Key)
		require.Equal(t, f.SHA256, info.Metadata["sha256"])
		require.Equal(t, e.tenant, info.Metadata["tenant"])
		require.Equal(t, f.FileID, info.Metadata["zoom-file-id"])
		require.NotEmpty(t, info.ChecksumSHA256, "object %s lacks an S3 SHA-256 checksum", f.Key)
		require.Equal(t, f.Size, info.Size)
	}
	for _, v := range want {
		sort.Strings(v)
	}
	for _, v := range got {
		sort.Strings(v)
	}
	require.Equal(t, want, got)
	// The bytes in S3 are the bytes Zoom served, not just their recorded hash.
	for _, f := range files[:3] {
		sum, n := e.objectSHA256(f.Key)
		require.Equal(t, f.SHA256, sum)
		require.Equal(t, f.Size, n)
	}

	// A second import of the same window archives nothing twice and
	// downloads nothing.
	before := e.bytesDownloaded()
	again := e.importWindow("2026-10-01", "2026-10-31")
	require.Zero(t, again.Result.FilesArchived)
	require.Equal(t, completed, again.Result.FilesAlreadyArchived)
	require.Equal(t, before, e.bytesDownloaded())
	require.Len(t, e.archivedFiles(), completed)

	var report struct {
		Conversations   int64 `json:"conversations"`
		FilesArchived   int64 `json:"files_archived"`
		FilesProcessing int64 `json:"files_processing_at_zoom"`
	}
	require.NoError(t, e.starter(&report, "report", "--tenant", e.tenant))
	require.Equal(t, int64(12), report.Conversations)
	require.Equal(t, int64(completed), report.FilesArchived)
	require.Equal(t, int64(processing), report.FilesProcessing)
}

func TestBadDownloadsAreRefusedAndLoseNothing(t *testing.T) {
	e := newEnv(t)
	e.simPOST("/_sim/scenario", generate(11, 1, 3, 0))
	e.registerTenant()
	var mp4s []truthFile
	for _, f := range e.truth() {
		if f.FileType == "MP4" {
			mp4s = append(mp4s, f)
		}
	}
	require.GreaterOrEqual(t, len(mp4s), 2)
	htmlFile, cutFile := mp4s[0], mp4s[1]
	e.simPOST("/_sim/faults", map[string]any{
		"html_error_files": []string{htmlFile.FileID},
		"truncate_files":   map[string]int64{cutFile.FileID: cutFile.Size / 2},
	})

	var out importOutput
	require.NoError(t, e.starter(&out, "import", "--tenant", e.tenant, "--from", "2026-10-01", "--to", "2026-10-31",
		"--wait", "--download-attempts", "2", "--download-retry-interval", "200ms"))
	require.Equal(t, 2, out.Result.FilesFailed, "failures: %v", out.Result.Failures)

	var report struct {
		Failures []struct {
			FileID string `json:"file_id"`
			Reason string `json:"reason"`
		} `json:"failures"`
	}
	require.NoError(t, e.starter(&report, "report", "--tenant", e.tenant))
	reasons := map[string]string{}
	for _, f := range report.Failures {
		reasons[f.FileID] = f.Reason
	}
	require.Equal(t, "html_error_page", reasons[htmlFile.FileID])
	require.Contains(t, []string{"truncated_download", "size_mismatch"}, reasons[cutFile.FileID])
	for _, f := range e.archivedFiles() {
		require.NotEqual(t, htmlFile.FileID, f.FileID, "an HTML page was archived as media")
		require.NotEqual(t, cutFile.FileID, f.FileID, "a truncated download was archived")
	}

	// Once Zoom serves the files again, the next import archives them: the
	// failure cost nothing but a retry.
	e.simPOST("/_sim/faults", map[string]any{"html_error_files": []string{}, "truncate_files": map[string]int64{}})
	again := e.importWindow("2026-10-01", "2026-10-31")
	require.Equal(t, 2, again.Result.FilesArchived, "failures: %v", again.Result.Failures)
	require.Zero(t, again.Result.FilesFailed)
	require.NoError(t, e.starter(&report, "report", "--tenant", e.tenant))
	require.Empty(t, report.Failures)
	archived := map[string]string{}
	for _, f := range e.archivedFiles() {
		archived[f.FileID] = f.SHA256
	}
	require.Equal(t, htmlFile.SHA256, archived[htmlFile.FileID])
	require.Equal(t, cutFile.SHA256, archived[cutFile.FileID])
}
