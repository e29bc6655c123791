package rtms_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"hash"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/meetvault/meetvault/rtms"
	"github.com/meetvault/meetvault/zoomsim"
)

const (
	testAcct   = "AcctRTMSAAAAAAAAAAAAAA"
	testClient = "ClientRTMSAAAAAAAAAAAA"
	testSecret = "SecretRTMSAAAAAAAAAAAAAAAAAAAAAA"
	testUUID   = "rtms/Meeting+uuid=="
)

// startSim serves a simulator with one meeting that streams over RTMS.
func startSim(t *testing.T, spec zoomsim.ScenarioRTMS) *zoomsim.Server {
	t.Helper()
	sim := zoomsim.New(zoomsim.Options{Addr: "127.0.0.1:0"})
	_, err := sim.LoadScenario(zoomsim.Scenario{Accounts: []zoomsim.ScenarioAccount{{
		AccountID: testAcct, ClientID: testClient, ClientSecret: testSecret,
		Users: []zoomsim.ScenarioUser{{Email: "host@example.com", FirstName: "Ada", LastName: "Host"}},
		Meetings: []zoomsim.ScenarioMeeting{{
			UUID: testUUID, Topic: "Streamed", StartTime: time.Now().Add(-time.Minute), Files: []zoomsim.ScenarioFile{},
			RTMS: &spec,
		}},
	}}})
	require.NoError(t, err)
	_, err = sim.Start()
	require.NoError(t, err)
	t.Cleanup(func() { _ = sim.Close() })
	return sim
}

// recorder is a Handler that hashes audio and keeps the rest.
type recorder struct {
	mu          sync.Mutex
	audio       hash.Hash
	frames      int
	transcripts []rtms.Transcript
	video       int
	events      []rtms.Event
	states      []rtms.State
}

func newRecorder() *recorder { return &recorder{audio: sha256.New()} }

func (r *recorder) OnAudio(a rtms.Audio) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.audio.Write(a.Data)
	r.frames++
	return nil
}
func (r *recorder) OnFrame(rtms.Frame) error { r.mu.Lock(); r.video++; r.mu.Unlock(); return nil }
func (r *recorder) OnTranscript(t rtms.Transcript) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.transcripts = append(r.transcripts, t)
	return nil
}
func (r *recorder) OnEvent(e rtms.Event) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
	return nil
}
func (r *recorder) OnState(s rtms.State) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.states = append(r.states, s)
	return nil
}

func config(url, stream string) rtms.Config {
	return rtms.Config{
		ClientID: testClient, ClientSecret: testSecret, MeetingUUID: testUUID, StreamID: stream,
		SignalingURL: url, Media: rtms.MediaAudio | rtms.MediaTranscript | rtms.MediaVideo,
		AllowInsecureLoopback: true, MediaBackoff: rtms.Backoff{Initial: 50 * time.Millisecond, Attempts: 3},
	}
}

func truthOf(sim *zoomsim.Server, id string) zoomsim.RTMSTruth {
	for _, s := range sim.Truth(false).RTMS {
		if s.RTMSStreamID == id {
			return s
		}
	}
	return zoomsim.RTMSTruth{}
}

func TestSessionReceivesTheWholeStream(t *testing.T) {
	sim := startSim(t, zoomsim.ScenarioRTMS{DurationMS: 1500, TranscriptEveryMS: 500, KeepAliveMS: 100})
	st, err := sim.StartRTMS(zoomsim.RTMSStartRequest{MeetingUUID: testUUID})
	require.NoError(t, err)
	time.Sleep(200 * time.Millisecond) // audio before the connect is buffered and sent on connect
	rec := newRecorder()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err = rtms.Run(ctx, config(st.ServerURLs, st.RTMSStreamID), rec)
	var ended *rtms.EndedError
	require.ErrorAs(t, err, &ended)
	require.Equal(t, rtms.StopMeetingEnded, ended.Reason)

	truth := truthOf(sim, st.RTMSStreamID)
	require.Equal(t, 75, truth.AudioFramesSent, "1.5 s of 20 ms frames, the first 200 ms buffered")
	require.Zero(t, truth.AudioFramesLost)
	require.Equal(t, truth.AudioMediaSHA256, hex.EncodeToString(rec.audio.Sum(nil)))
	require.Len(t, rec.transcripts, len(truth.Transcript))
	require.Equal(t, truth.Transcript[0].Text, rec.transcripts[0].Text)
	require.Equal(t, len(truth.Frames), rec.video)
	require.Zero(t, truth.Connections.KeepAliveTimeouts, "keep-alives every 100 ms were answered")
	require.NotEmpty(t, rec.events, "subscribed events (join, active speaker) arrive")
}

func TestSessionRefusedOnBadSignature(t *testing.T) {
	sim := startSim(t, zoomsim.ScenarioRTMS{DurationMS: 2000})
	st, err := sim.StartRTMS(zoomsim.RTMSStartRequest{MeetingUUID: testUUID})
	require.NoError(t, err)
	cfg := config(st.ServerURLs, st.RTMSStreamID)
	cfg.ClientSecret = "wrong"
	err = rtms.Run(context.Background(), cfg, newRecorder())
	var he *rtms.HandshakeError
	require.ErrorAs(t, err, &he)
	require.Equal(t, rtms.StatusInvalidSignature, he.Status)
	require.True(t, he.Permanent())
	require.Equal(t, 1, truthOf(sim, st.RTMSStreamID).Connections.SignatureRefused)
}

func TestSessionReconnectsMediaOnly(t *testing.T) {
	sim := startSim(t, zoomsim.ScenarioRTMS{DurationMS: 1500, VideoFPS: -1,
		Faults: []zoomsim.ScenarioRTMSFault{{AtMS: 500, Kind: "drop_media"}}})
	st, err := sim.StartRTMS(zoomsim.RTMSStartRequest{MeetingUUID: testUUID})
	require.NoError(t, err)
	rec := newRecorder()
	err = rtms.Run(context.Background(), config(st.ServerURLs, st.RTMSStreamID), rec)
	var ended *rtms.EndedError
	require.ErrorAs(t, err, &ended)
	truth := truthOf(sim, st.RTMSStreamID)
	require.Equal(t, 2, truth.Connections.Media, "one media reconnect")
	require.Equal(t, 1, truth.Connections.Signaling, "signalling stayed up")
	require.Equal(t, truth.AudioFramesSent, rec.frames)
	require.Equal(t, truth.AudioMediaSHA256, hex.EncodeToString(rec.audio.Sum(nil)))
	require.Equal(t, 75, truth.AudioFramesSent+truth.AudioFramesLost)
	var kinds []string
	for _, s := range rec.states {
		kinds = append(kinds, s.Kind)
	}
	require.Contains(t, kinds, "media_lost")
	require.Contains(t, kinds, "media_reconnected")
}

func TestSessionLostOnFailover(t *testing.T) {
	sim := startSim(t, zoomsim.ScenarioRTMS{DurationMS: 3000, Faults: []zoomsim.ScenarioRTMSFault{{AtMS: 300, Kind: "failover"}}})
	st, err := sim.StartRTMS(zoomsim.RTMSStartRequest{MeetingUUID: testUUID})
	require.NoError(t, err)
	err = rtms.Run(context.Background(), config(st.ServerURLs, st.RTMSStreamID), newRecorder())
	require.True(t, rtms.IsLost(err), "failover loses the signalling socket: %v", err)
	// The old server is gone; the new URL (second rtms_started) works.
	require.Error(t, rtms.Run(context.Background(), config(st.ServerURLs, st.RTMSStreamID), newRecorder()))
	truth := truthOf(sim, st.RTMSStreamID)
	require.Equal(t, 2, truth.Servers)
}

func TestPlainWebSocketOnlyToLoopbackWhenAllowed(t *testing.T) {
	cfg := config("ws://example.com/rtms", "s")
	err := rtms.Run(context.Background(), cfg, newRecorder())
	require.ErrorContains(t, err, "loopback")
	cfg = config("ws://127.0.0.1:1/rtms", "s")
	cfg.AllowInsecureLoopback = false
	err = rtms.Run(context.Background(), cfg, newRecorder())
	require.ErrorContains(t, err, "not wss")
	require.False(t, errors.Is(err, context.Canceled))
}

func TestNormalizeMillis(t *testing.T) {
	ms := int64(1_780_000_000_000)
	require.Equal(t, ms, rtms.NormalizeMillis(ms))
	require.Equal(t, ms, rtms.NormalizeMillis(ms*1000))
	require.Equal(t, ms, rtms.NormalizeMillis(ms/1000))
}

func TestBackoffDoublesToCap(t *testing.T) {
	b := rtms.DefaultBackoff
	require.Equal(t, 3*time.Second, b.Delay(0))
	require.Equal(t, 6*time.Second, b.Delay(1))
	require.Equal(t, 24*time.Second, b.Delay(3))
	require.Equal(t, 30*time.Second, b.Delay(4))
	require.Equal(t, 30*time.Second, b.Delay(10))
}
