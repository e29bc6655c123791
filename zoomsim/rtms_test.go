package zoomsim

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/require"
)

func rtmsTestServer(t *testing.T, spec ScenarioRTMS) (*Server, RTMSStartResult) {
	t.Helper()
	s := New(Options{Addr: "127.0.0.1:0"})
	_, err := s.LoadScenario(Scenario{Accounts: []ScenarioAccount{{
		AccountID: acctID, ClientID: clientA, ClientSecret: secretA,
		Users:    []ScenarioUser{{ID: hostID, Email: hostMail}},
		Meetings: []ScenarioMeeting{{UUID: oddUUID, HostID: hostID, StartTime: time.Now(), Files: []ScenarioFile{}, RTMS: &spec}},
	}}})
	require.NoError(t, err)
	_, err = s.Start()
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	st, err := s.StartRTMS(RTMSStartRequest{MeetingUUID: oddUUID})
	require.NoError(t, err)
	return s, st
}

func rtmsSign(secret, stream string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(clientA + "," + oddUUID + "," + stream))
	return hex.EncodeToString(m.Sum(nil))
}

// signal opens the signalling socket and returns the handshake answer.
func rtmsSignalHandshake(t *testing.T, url, stream, sig string) (*websocket.Conn, map[string]any) {
	t.Helper()
	ctx := context.Background()
	c, _, err := websocket.Dial(ctx, url, nil)
	require.NoError(t, err)
	b, _ := json.Marshal(map[string]any{"msg_type": 1, "protocol_version": 1, "meeting_uuid": oddUUID, "rtms_stream_id": stream, "signature": sig})
	require.NoError(t, c.Write(ctx, websocket.MessageText, b))
	_, resp, err := c.Read(ctx)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(resp, &m))
	return c, m
}

func TestRTMSWrongSignatureGetsInvalidSignature(t *testing.T) {
	s, st := rtmsTestServer(t, ScenarioRTMS{DurationMS: 5000})
	c, m := rtmsSignalHandshake(t, st.ServerURLs, st.RTMSStreamID, rtmsSign("wrong", st.RTMSStreamID))
	defer func() { _ = c.CloseNow() }()
	require.EqualValues(t, 2, m["msg_type"])
	require.EqualValues(t, 3, m["status_code"], "INVALID_SIGNATURE")
	_, _, err := c.Read(context.Background())
	require.Error(t, err, "the socket is closed after the refusal")
	require.Equal(t, 1, s.Truth(false).RTMS[0].Connections.SignatureRefused)
}

func TestRTMSClosesSignallingAfterThreeMissedKeepAlives(t *testing.T) {
	s, st := rtmsTestServer(t, ScenarioRTMS{DurationMS: 10000, KeepAliveMS: 50})
	c, m := rtmsSignalHandshake(t, st.ServerURLs, st.RTMSStreamID, rtmsSign(secretA, st.RTMSStreamID))
	defer func() { _ = c.CloseNow() }()
	require.EqualValues(t, 0, m["status_code"])
	media := m["media_server"].(map[string]any)["server_urls"].(map[string]any)
	require.NotEmpty(t, media["all"])
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	keepAlives := 0
	for {
		_, b, err := c.Read(ctx)
		if err != nil {
			require.Equal(t, websocket.StatusPolicyViolation, websocket.CloseStatus(err), "closed by the server: %v", err)
			break
		}
		var msg map[string]any
		require.NoError(t, json.Unmarshal(b, &msg))
		if msg["msg_type"] == float64(12) {
			keepAlives++ // never answered
		}
	}
	require.Equal(t, 3, keepAlives)
	require.Equal(t, 1, s.Truth(false).RTMS[0].Connections.KeepAliveTimeouts)
}

func TestRTMSAnsweredKeepAlivesKeepTheSocket(t *testing.T) {
	s, st := rtmsTestServer(t, ScenarioRTMS{DurationMS: 600, KeepAliveMS: 50})
	c, _ := rtmsSignalHandshake(t, st.ServerURLs, st.RTMSStreamID, rtmsSign(secretA, st.RTMSStreamID))
	defer func() { _ = c.CloseNow() }()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	var last map[string]any
	for {
		_, b, err := c.Read(ctx)
		if err != nil {
			break
		}
		var msg map[string]any
		require.NoError(t, json.Unmarshal(b, &msg))
		if msg["msg_type"] == float64(12) {
			ans, _ := json.Marshal(map[string]any{"msg_type": 13, "timestamp": msg["timestamp"]})
			require.NoError(t, c.Write(ctx, websocket.MessageText, ans))
		}
		last = msg
	}
	require.EqualValues(t, 9, last["msg_type"], "the stream ended with SESSION_STATE_UPDATE")
	require.EqualValues(t, 5, last["state"], "STOPPED")
	require.EqualValues(t, 6, last["stop_reason"], "MEETING_ENDED")
	require.Zero(t, s.Truth(false).RTMS[0].Connections.KeepAliveTimeouts)
}
