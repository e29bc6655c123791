package integration

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/meetvault/meetvault/workflows"
)

// todaysMeetings is an account whose recurring meetings carry today's file
// shapes and quirks:
// TIMELINE entries with an id, CC in the older shape (no id: its identity is
// meeting UUID + type + recording start), webhook download URLs that differ
// from the listing's, webhooks whose start_time is the series' start.
func todaysMeetings(seed int) map[string]any {
	var meetings []map[string]any
	for i := 0; i < 3; i++ {
		meetings = append(meetings, map[string]any{
			"topic": fmt.Sprintf("review %d", i), "type": 8, "start_time": fmt.Sprintf("2026-10-%02dT15:00:00Z", i+5), "duration": 30,
			// A recurring instance: its webhooks name the series' start.
			"series_start_time": "2026-09-01T15:00:00Z",
			"files": []map[string]any{
				{"file_type": "MP4", "recording_type": "shared_screen_with_speaker_view", "size": 200000},
				{"file_type": "M4A", "size": 50000},
				{"file_type": "TIMELINE", "size": 3000},
				{"file_type": "CC", "size": 2000},
				{"file_type": "CHAT", "size": 500},
			},
		})
	}
	return map[string]any{"seed": seed, "accounts": []map[string]any{{
		"users":    []map[string]any{{"email": "host@acme.example"}},
		"meetings": meetings,
	}}}
}

func (e *env) account() string {
	var accounts struct {
		Accounts []struct {
			AccountID string `json:"account_id"`
		} `json:"accounts"`
	}
	e.simGET("/_sim/accounts", &accounts)
	return accounts.Accounts[0].AccountID
}

// deliverAllRecordingWebhooks subscribes the ingress and has Zoom send every
// meeting's recording.completed, then waits until want files are archived.
func (e *env) deliverAllRecordingWebhooks(want int) {
	account := e.account()
	e.simPOST("/_sim/webhooks", map[string]any{"account_id": account, "url": "http://" + e.ingress + "/webhooks/zoom/" + e.tenant})
	e.simPOST("/_sim/webhooks/send", map[string]any{"account_id": account, "event": "recording.completed", "all": true})
	// A delivery the ingress could not make durable in time (a loaded
	// machine) is retried by Zoom after 5 minutes of its clock: move it on
	// now and then.
	deadline := time.Now().Add(90 * time.Second)
	for next := time.Now().Add(10 * time.Second); len(e.archivedFiles()) < want; time.Sleep(250 * time.Millisecond) {
		require.True(e.t, time.Now().Before(deadline), "webhooks archived %d of %d files", len(e.archivedFiles()), want)
		if time.Now().After(next) {
			e.simPOST("/_sim/clock", map[string]any{"advance": "6m"})
			next = time.Now().Add(10 * time.Second)
		}
	}
}

// objectCount counts the archived objects under the tenant's prefix.
func (e *env) objectCount() int {
	out, err := e.s3Client().ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{
		Bucket: aws.String(e.bucket), Prefix: aws.String(e.tenant + "/")})
	require.NoError(e.t, err)
	return len(out.Contents)
}

// The same meetings archived by webhook and by import, in either order:
// whatever the URLs (the webhook's /rec/webhook_download/{a}/{b}, the
// listing's /rec/download/{a}), with and without Zoom ids (TIMELINE has one,
// CC in the older shape none), every file lands on one row and one object,
// downloaded once.
func TestWebhookAndImportOfTheSameMeetingsArchiveEachFileOnce(t *testing.T) {
	for _, webhookFirst := range []bool{true, false} {
		name := map[bool]string{true: "webhook_first", false: "import_first"}[webhookFirst]
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			e.simPOST("/_sim/scenario", todaysMeetings(41))
			e.simPOST("/_sim/faults", map[string]any{"legacy_file_shapes": []string{"CC"}})
			e.registerTenant()

			var want int
			var wantBytes int64
			byID := map[string]truthFile{}
			var body struct {
				Files []struct {
					truthFile
					DownloadURL        string `json:"download_url"`
					WebhookDownloadURL string `json:"webhook_download_url"`
				} `json:"files"`
			}
			e.simGET("/_sim/truth", &body)
			for _, f := range body.Files {
				require.NotEqual(t, f.DownloadURL, f.WebhookDownloadURL, "the webhook's URL must differ from the listing's")
				want++
				wantBytes += f.Size
				byID[f.FileID] = f.truthFile
			}
			require.Equal(t, 15, want)

			if webhookFirst {
				e.deliverAllRecordingWebhooks(want)
				out := e.importWindow("2026-10-01", "2026-10-31")
				require.Equal(t, 0, out.Result.FilesArchived, "import after webhooks: failures %v", out.Result.Failures)
				require.Equal(t, want, out.Result.FilesAlreadyArchived)
			} else {
				out := e.importWindow("2026-10-01", "2026-10-31")
				require.Equal(t, want, out.Result.FilesArchived, "failures %v", out.Result.Failures)
				e.deliverAllRecordingWebhooks(want)
				// Let the webhook-driven archives finish (and fail to add).
				time.Sleep(3 * time.Second)
			}

			files := e.archivedFiles()
			require.Len(t, files, want, "one row per file")
			require.Equal(t, want, e.objectCount(), "one object per file")
			ids := map[string]bool{}
			var withoutZoomID int
			for _, f := range files {
				require.False(t, ids[f.ConversationUUID+"/"+f.FileID], "file %s twice", f.FileID)
				ids[f.ConversationUUID+"/"+f.FileID] = true
				require.False(t, strings.HasPrefix(f.FileID, "dl-"), "id %s derived from a URL", f.FileID)
				require.Contains(t, f.Key, "/2026/10/", "object %s filed under the series' start, not the instance's", f.Key)
				if f.ZoomFileID == "" {
					withoutZoomID++
					require.Equal(t, "CC", f.FileType)
					continue
				}
				require.Equal(t, byID[f.ZoomFileID].SHA256, f.SHA256, "file %s", f.ZoomFileID)
			}
			require.Equal(t, 3, withoutZoomID, "the three legacy CC files have no Zoom id")
			require.Equal(t, wantBytes, e.bytesDownloaded(), "every file downloaded once")
		})
	}
}

// A transcript that finishes after the other files is announced only by
// recording.transcript_completed (recording.completed leaves it out): it is
// archived, from that event, into the meeting's archive.
func TestLateTranscriptArrivesByTranscriptCompletedAndIsArchived(t *testing.T) {
	e := newEnv(t)
	var clock struct {
		Now time.Time `json:"now"`
	}
	e.simGET("/_sim/clock", &clock)
	start := clock.Now.Add(-time.Hour).UTC()
	done := clock.Now.Add(5 * time.Minute).UTC()
	e.simPOST("/_sim/scenario", map[string]any{"seed": 43,
		"zoom": map[string]any{"late_transcripts": true, "transcript_lag": "10m"},
		"accounts": []map[string]any{{
			"users": []map[string]any{{"email": "host@acme.example"}},
			"meetings": []map[string]any{{
				"topic": "all hands", "type": 2, "start_time": start.Format(time.RFC3339), "duration": 30,
				"files": []map[string]any{
					{"file_type": "MP4", "size": 100000, "completes_at": done.Format(time.RFC3339)},
					{"file_type": "TRANSCRIPT", "size": 4000, "completes_at": done.Format(time.RFC3339)},
				},
			}},
		}}})
	e.registerTenant()
	e.simPOST("/_sim/webhooks", map[string]any{"account_id": e.account(), "url": "http://" + e.ingress + "/webhooks/zoom/" + e.tenant})

	// The MP4 completes: its recording.completed, without the transcript.
	e.simPOST("/_sim/clock", map[string]any{"advance": "6m"})
	require.Eventually(t, func() bool { return len(e.archivedFiles()) == 1 }, time.Minute, 250*time.Millisecond)
	require.Equal(t, "MP4", e.archivedFiles()[0].FileType)
	time.Sleep(time.Second)
	require.Len(t, e.archivedFiles(), 1, "nothing announces the transcript yet")

	// Ten minutes later the transcript completes, in its own event.
	e.simPOST("/_sim/clock", map[string]any{"advance": "11m"})
	require.Eventually(t, func() bool { return len(e.archivedFiles()) == 2 }, time.Minute, 250*time.Millisecond,
		"the transcript was not archived from recording.transcript_completed")

	var log struct {
		Deliveries []map[string]any `json:"deliveries"`
	}
	e.simGET("/_sim/webhooks", &log)
	events := map[string]int{}
	for _, d := range log.Deliveries {
		events[fmt.Sprint(d["event"])]++
	}
	require.Positive(t, events["recording.transcript_completed"], "deliveries %v", log.Deliveries)

	truth := map[string]truthFile{}
	for _, f := range e.truth() {
		truth[f.FileID] = f
	}
	var transcript dbFile
	for _, f := range e.archivedFiles() {
		require.Equal(t, truth[f.ZoomFileID].SHA256, f.SHA256)
		if f.FileType == "TRANSCRIPT" {
			transcript = f
		}
	}
	require.NotEmpty(t, transcript.Key, "the transcript row")
	sum, _ := e.objectSHA256(transcript.Key)
	require.Equal(t, truth[transcript.ZoomFileID].SHA256, sum)
}

// The meeting log of a backfill is stopped by Zoom's daily pool a little
// before the simulator's midnight, with a next_page_token for its fourth
// page. The tenant sleeps to the reset; meanwhile the simulator's clock
// passes midnight and the token's 15 minutes. The resumed walk meets
// "The next page token is invalid or expired.", logs the chunk again from
// its first page and logs every meeting, each counted once.
func TestMeetingLogResumedAfterMidnightWithAnExpiredPageTokenLogsEveryMeeting(t *testing.T) {
	e := newEnv(t)
	e.tinyPoolTenant(47)
	e.backfillOctoberBeforeMidnight(40 * time.Second)

	type rateStats struct {
		RateLimited struct {
			ByType map[string]int `json:"by_type"`
		} `json:"rate_limited"`
	}
	require.Eventually(t, func() bool {
		var st rateStats
		e.simGET("/_sim/stats", &st)
		return st.RateLimited.ByType["Daily-limit"] == 1
	}, 30*time.Second, 100*time.Millisecond, "the backfill never met the daily limit")
	// While the tenant sleeps to the reset (about 40 s), the simulator's
	// clock passes midnight and the page token's 15 minutes. The new day's
	// pool is large enough for the chunk listed again.
	e.simPOST("/_sim/ratelimits", map[string]any{"daily_pool": 100})
	e.simPOST("/_sim/clock", map[string]any{"advance": "20m"})

	var status workflows.TenantStatus
	if !assert.Eventually(t, func() bool { return len(e.archivedFiles()) == 10 }, 2*time.Minute, 500*time.Millisecond) {
		_ = e.starter(&status, "tenant", "status", e.tenant)
		t.Fatalf("archived %d of 10 files; tenant %+v", len(e.archivedFiles()), status)
	}
	require.Eventually(t, func() bool {
		return e.starter(&status, "tenant", "status", e.tenant) == nil && status.Totals.MeetingsLogged >= 10
	}, time.Minute, 500*time.Millisecond, "tenant status %+v", status)

	var logged int
	require.NoError(t, e.store.Pool().QueryRow(context.Background(),
		`SELECT count(*) FROM meeting_log WHERE tenant_id = $1`, e.tenant).Scan(&logged))
	require.Equal(t, 10, logged, "every meeting logged, none skipped with the expired page")
	require.Equal(t, 10, status.Totals.MeetingsLogged, "each meeting counted once")
	// 1 (first scheduled import) + 3 (before the limit) + 5 (the chunk
	// again, from its first page) + 1 (Oct 31).
	require.Equal(t, 10, status.Totals.PoolCalls, "the chunk was listed again from its first page")
	var st rateStats
	e.simGET("/_sim/stats", &st)
	require.Equal(t, 1, st.RateLimited.ByType["Daily-limit"])
}
