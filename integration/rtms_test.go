package integration

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/require"

	"github.com/meetvault/meetvault/workflows"
	"github.com/meetvault/meetvault/zoomsim"
)

// rtmsEnv is an environment whose worker captures RTMS from the simulator
// over plain ws:// on loopback (allowed only by the explicit setting), with
// one-second audio segments so a short stream spans several objects.
func rtmsEnv(t *testing.T, extra ...string) (*env, string) {
	e := newEnv(t, append([]string{
		"MEETVAULT_RTMS_ALLOW_INSECURE_LOOPBACK=true",
		"MEETVAULT_RTMS_MEDIA=audio,transcript,video",
		"MEETVAULT_RTMS_SEGMENT_SECONDS=1",
	}, extra...)...)
	e.simPOST("/_sim/scenario", generate(41, 1, 2, 0))
	e.registerTenant()
	var accounts struct {
		Accounts []struct {
			AccountID string `json:"account_id"`
		} `json:"accounts"`
	}
	e.simGET("/_sim/accounts", &accounts)
	e.simPOST("/_sim/webhooks", map[string]any{"account_id": accounts.Accounts[0].AccountID,
		"url": "http://" + e.ingress + "/webhooks/zoom/" + e.tenant})
	var truth struct {
		Conversations []struct {
			ConversationUUID string `json:"conversation_uuid"`
		} `json:"conversations"`
	}
	e.simGET("/_sim/truth", &truth)
	return e, truth.Conversations[0].ConversationUUID
}

// startRTMS starts streaming meeting uuid with spec and returns the stream id.
func (e *env) startRTMS(uuid string, spec zoomsim.ScenarioRTMS) string {
	b, err := json.Marshal(zoomsim.RTMSStartRequest{MeetingUUID: uuid, RTMS: &spec})
	require.NoError(e.t, err)
	resp, err := http.Post(e.sim.URL()+"/_sim/rtms/start", "application/json", bytes.NewReader(b))
	require.NoError(e.t, err)
	defer resp.Body.Close()
	require.Equal(e.t, http.StatusOK, resp.StatusCode)
	var res zoomsim.RTMSStartResult
	require.NoError(e.t, json.NewDecoder(resp.Body).Decode(&res))
	return res.RTMSStreamID
}

func (e *env) rtmsTruth(stream string) zoomsim.RTMSTruth {
	for _, s := range e.sim.Truth(false).RTMS {
		if s.RTMSStreamID == stream {
			return s
		}
	}
	e.t.Fatalf("no stream %s in the truth", stream)
	return zoomsim.RTMSTruth{}
}

// captureResult waits for the stream's RTMSCapture to finish.
func (e *env) captureResult(uuid, stream string, timeout time.Duration) workflows.RTMSCaptureResult {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	id := workflows.RTMSCaptureID(e.tenant, uuid, stream)
	require.Eventually(e.t, func() bool {
		_, err := e.temporal.DescribeWorkflowExecution(ctx, id, "")
		return err == nil
	}, 15*time.Second, 100*time.Millisecond, "the ingress did not start %s", id)
	var res workflows.RTMSCaptureResult
	require.NoError(e.t, e.temporal.GetWorkflow(ctx, id, "").Get(ctx, &res))
	return res
}

type rtmsManifest struct {
	AudioMediaSHA256 string `json:"audio_media_sha256"`
	AudioBytes       int64  `json:"audio_bytes"`
	Gaps             []struct {
		StartMS int64  `json:"start_ms"`
		EndMS   int64  `json:"end_ms"`
		Reason  string `json:"reason"`
	} `json:"gaps"`
	Segments []struct {
		Kind        string `json:"kind"`
		Key         string `json:"key"`
		MediaSHA256 string `json:"media_sha256"`
		StartMS     int64  `json:"start_ms"`
		Items       int    `json:"items"`
	} `json:"segments"`
}

func (e *env) getObject(key string) ([]byte, map[string]string) {
	out, err := e.s3Client().GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(e.bucket), Key: aws.String(key)})
	require.NoError(e.t, err, key)
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	require.NoError(e.t, err)
	return b, out.Metadata
}

// archivedPCM reads every audio segment of the capture and returns the PCM
// Zoom sent: the WAVs' data in order with the recorded gaps' silence cut out.
func (e *env) archivedPCM(m rtmsManifest) []byte {
	var pcm []byte
	var first int64
	for _, s := range m.Segments {
		if s.Kind != "audio" {
			continue
		}
		b, meta := e.getObject(s.Key)
		require.Equal(e.t, "RIFF", string(b[:4]))
		require.Equal(e.t, uint32(len(b)-44), binary.LittleEndian.Uint32(b[40:44]), "WAV data size of %s", s.Key)
		require.Equal(e.t, e.tenant, meta["tenant"])
		require.NotEmpty(e.t, meta["zoom-file-id"])
		require.Equal(e.t, s.MediaSHA256, meta["media-sha256"])
		sum := sha256.Sum256(b)
		require.Equal(e.t, hex.EncodeToString(sum[:]), meta["sha256"])
		if first == 0 {
			first = s.StartMS
		}
		pcm = append(pcm, b[44:]...)
	}
	// Cut the gaps from the end backwards so earlier offsets stay valid.
	for i := len(m.Gaps) - 1; i >= 0; i-- {
		g := m.Gaps[i]
		from, to := (g.StartMS-first)*32, (g.EndMS-first)*32
		pcm = append(pcm[:from], pcm[to:]...)
	}
	return pcm
}

func (e *env) manifest(res workflows.RTMSCaptureResult) rtmsManifest {
	require.True(e.t, strings.HasPrefix(res.Manifest, e.tenant+"/rtms/"), res.Manifest)
	b, meta := e.getObject(res.Manifest)
	var m rtmsManifest
	require.NoError(e.t, json.Unmarshal(b, &m))
	require.Equal(e.t, m.AudioMediaSHA256, meta["media-sha256"])
	return m
}

func TestRTMSStreamIsCapturedByteExact(t *testing.T) {
	e, uuid := rtmsEnv(t)
	stream := e.startRTMS(uuid, zoomsim.ScenarioRTMS{DurationMS: 3500, MutedMS: [][2]int{{1000, 1600}}, TranscriptEveryMS: 500})
	res := e.captureResult(uuid, stream, 60*time.Second)
	truth := e.rtmsTruth(stream)

	require.Equal(t, workflows.StatusCaptured, res.Status, res.Message)
	require.Equal(t, 6, res.StopReason, "MEETING_ENDED")
	require.Equal(t, truth.AudioMediaSHA256, res.AudioSHA256)
	m := e.manifest(res)
	require.Equal(t, truth.AudioBytesSent, m.AudioBytes)
	pcm := e.archivedPCM(m)
	sum := sha256.Sum256(pcm)
	require.Equal(t, truth.AudioMediaSHA256, hex.EncodeToString(sum[:]), "the WAVs minus the recorded gaps are what Zoom sent")
	require.Len(t, m.Gaps, 1)
	require.Equal(t, "no_audio", m.Gaps[0].Reason)
	require.InDelta(t, 600, m.Gaps[0].EndMS-m.Gaps[0].StartMS, 20, "the muted 600 ms")

	var turns []string
	frames := 0
	for _, s := range m.Segments {
		switch s.Kind {
		case "transcript":
			b, _ := e.getObject(s.Key)
			for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
				var tr struct {
					Text     string `json:"text"`
					UserName string `json:"user_name"`
				}
				require.NoError(t, json.Unmarshal([]byte(line), &tr))
				turns = append(turns, tr.Text)
			}
		case "video":
			frames += s.Items
		}
	}
	require.Len(t, turns, len(truth.Transcript))
	for i, seg := range truth.Transcript {
		require.Equal(t, seg.Text, turns[i])
	}
	require.Equal(t, len(truth.Frames), frames)
	require.NotZero(t, frames)

	// One conversation for the meeting, a file row per object.
	rows := 0
	for _, f := range e.archivedFiles() {
		if f.ConversationUUID == uuid && strings.HasPrefix(f.FileID, "rtms-"+stream) {
			rows++
		}
	}
	require.Equal(t, len(m.Segments)+1, rows)
}

func TestRTMSBadSignatureIsRefused(t *testing.T) {
	e, uuid := rtmsEnv(t)
	ctx := context.Background()
	tn, err := e.store.Tenant(ctx, e.tenant)
	require.NoError(t, err)
	tn.ZoomClientSecret = "not-the-secret"
	require.NoError(t, e.store.UpsertTenant(ctx, tn))
	stream := e.startRTMS(uuid, zoomsim.ScenarioRTMS{DurationMS: 3000})
	res := e.captureResult(uuid, stream, 30*time.Second)
	require.Equal(t, workflows.StatusRefused, res.Status)
	require.Contains(t, res.Message, "INVALID_SIGNATURE")
	require.Equal(t, 1, e.rtmsTruth(stream).Connections.SignatureRefused)
	require.Zero(t, e.rtmsTruth(stream).AudioFramesSent)
}

func TestRTMSMediaDropAndFailoverAreResumedWithTheGapRecorded(t *testing.T) {
	e, uuid := rtmsEnv(t)
	stream := e.startRTMS(uuid, zoomsim.ScenarioRTMS{DurationMS: 6000, VideoFPS: -1, Faults: []zoomsim.ScenarioRTMSFault{
		{AtMS: 1000, Kind: "drop_media"}, {AtMS: 2500, Kind: "failover"},
	}})
	res := e.captureResult(uuid, stream, 60*time.Second)
	truth := e.rtmsTruth(stream)
	require.Equal(t, workflows.StatusCaptured, res.Status, res.Message)
	require.Equal(t, 2, truth.Servers)
	require.Equal(t, 1, res.Failovers)
	require.Equal(t, 2, res.Connections, "one episode before the failover, one after")
	require.Positive(t, truth.AudioFramesLost, "frames due while disconnected are lost at Zoom")
	require.Equal(t, truth.AudioMediaSHA256, res.AudioSHA256, "every frame sent was archived")
	m := e.manifest(res)
	sum := sha256.Sum256(e.archivedPCM(m))
	require.Equal(t, truth.AudioMediaSHA256, hex.EncodeToString(sum[:]))
	var disconnected int64
	for _, g := range m.Gaps {
		require.Equal(t, "disconnected", g.Reason)
		disconnected += g.EndMS - g.StartMS
	}
	require.Len(t, m.Gaps, 2, "the media drop and the failover")
	require.InDelta(t, truth.AudioFramesLost*20, disconnected, 40, "the gaps cover exactly the frames lost")
	causes := map[string]bool{}
	for _, in := range res.Interruptions {
		causes[in.Cause] = true
		require.False(t, in.End.IsZero(), "interruption %s closed", in.Cause)
	}
	require.True(t, causes["media_lost"] && causes["failover"], "%v", res.Interruptions)
}

func TestRTMSRevokedStreamIsDeletedWithItsRecord(t *testing.T) {
	e, uuid := rtmsEnv(t)
	stream := e.startRTMS(uuid, zoomsim.ScenarioRTMS{DurationMS: 60000, Faults: []zoomsim.ScenarioRTMSFault{
		{AtMS: 2500, Kind: "stop", Reason: 8},
	}})
	res := e.captureResult(uuid, stream, 60*time.Second)
	require.Equal(t, workflows.StatusRevoked, res.Status, res.Message)
	require.NotNil(t, res.Revoked)
	require.Positive(t, res.Revoked.ObjectsDeleted)

	// Nothing of the stream is left in S3 or Postgres.
	list, err := e.s3Client().ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{
		Bucket: aws.String(e.bucket), Prefix: aws.String(e.tenant + "/rtms/")})
	require.NoError(t, err)
	require.Empty(t, list.Contents)
	for _, f := range e.archivedFiles() {
		require.False(t, strings.HasPrefix(f.FileID, "rtms-"+stream), f.FileID)
	}
	// The record names what was deleted, with checksums.
	var report struct {
		Revocations []struct {
			StreamID  string `json:"rtms_stream_id"`
			RevokedBy string `json:"revoked_by"`
			Objects   []struct {
				Key     string `json:"key"`
				SHA256  string `json:"sha256"`
				Deleted bool   `json:"deleted"`
			} `json:"objects"`
			ObjectsDeleted int `json:"objects_deleted"`
		} `json:"rtms_revocations"`
	}
	require.NoError(t, e.starter(&report, "report", "--tenant", e.tenant))
	require.Len(t, report.Revocations, 1)
	r := report.Revocations[0]
	require.Equal(t, stream, r.StreamID)
	require.NotEmpty(t, r.RevokedBy)
	require.Equal(t, res.Revoked.ObjectsDeleted, r.ObjectsDeleted)
	keys := []string{}
	for _, o := range r.Objects {
		require.True(t, o.Deleted)
		require.Len(t, o.SHA256, 64)
		keys = append(keys, o.Key)
	}
	sort.Strings(keys)
	require.NotEmpty(t, keys)
}

func TestRTMSWorkerKilledMidStreamReconnectsIntoNewSegments(t *testing.T) {
	e, uuid := rtmsEnv(t)
	// Zoom keeps a stream about 60 s for a client to come back; the worker's
	// capture is picked up after its heartbeat timeout (30 s).
	stream := e.startRTMS(uuid, zoomsim.ScenarioRTMS{DurationMS: 50000, VideoFPS: -1, TranscriptEveryMS: 1000})
	id := workflows.RTMSCaptureID(e.tenant, uuid, stream)
	require.Eventually(t, func() bool {
		return e.rtmsTruth(stream).AudioFramesSent > 150 // 3 s captured, a few segments written
	}, 20*time.Second, 100*time.Millisecond)
	e.killWorker()
	killedAt := time.Now()
	e.startWorker()
	res := e.captureResult(uuid, stream, 120*time.Second)
	truth := e.rtmsTruth(stream)
	require.Equal(t, workflows.StatusCaptured, res.Status, "%s: %s", id, res.Message)

	var restart *time.Time
	for _, in := range res.Interruptions {
		if in.Cause == "worker_restart" {
			require.False(t, in.End.IsZero())
			require.True(t, in.End.After(killedAt), "ends when the retry reconnected")
			restart = &in.End
		}
	}
	require.NotNil(t, restart, "the interruption is recorded: %v", res.Interruptions)
	m := e.manifest(res)
	sum := sha256.Sum256(e.archivedPCM(m))
	require.Equal(t, m.AudioMediaSHA256, hex.EncodeToString(sum[:]), "the archive is consistent with its manifest")
	var disconnected int64
	for _, g := range m.Gaps {
		if g.Reason == "disconnected" {
			disconnected += g.EndMS - g.StartMS
		}
	}
	lostMS := (truth.AudioBytesSent - m.AudioBytes) / 32
	require.Positive(t, disconnected, "the outage is a recorded gap")
	require.GreaterOrEqual(t, disconnected, lostMS, "every byte not archived lies in a recorded gap")
	require.Less(t, disconnected, int64(40000), "capture continued after the restart")
	t.Logf("worker kill: %d ms of audio not archived, %d ms of gap recorded, %d segments", lostMS, disconnected, res.Segments)
}
