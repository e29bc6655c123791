package main

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestRTMSEventNames(t *testing.T) {
	for ev, want := range map[string]bool{
		"meeting.rtms_started": true, "webinar.rtms_stopped": true, "session.rtms_interrupted": true,
		"meeting.rtms_paused": false, "meeting.started": false, "recording.completed": false,
	} {
		require.Equal(t, want, isRTMSEvent(ev), ev)
	}
}

// Zoom's samples read the fields directly under payload, some docs under
// payload.object: both shapes give the same fields.
func TestRTMSWebhookFieldsInEitherShape(t *testing.T) {
	for _, body := range []string{
		`{"event":"meeting.rtms_stopped","payload":{"meeting_uuid":"m==","rtms_stream_id":"s","stop_reason":8,"operator_id":"u1"}}`,
		`{"event":"meeting.rtms_stopped","payload":{"object":{"meeting_uuid":"m==","rtms_stream_id":"s","stop_reason":8,"operator_id":"u1"}}}`,
	} {
		var w rtmsWebhook
		require.NoError(t, json.Unmarshal([]byte(body), &w))
		f := w.fields()
		require.Equal(t, "m==", f.MeetingUUID)
		require.Equal(t, "s", f.RTMSStreamID)
		require.NotNil(t, f.StopReason)
		require.Equal(t, 8, *f.StopReason)
		require.Equal(t, "u1", f.OperatorID)
	}
	var w rtmsWebhook
	require.NoError(t, json.Unmarshal([]byte(`{"payload":{"session_id":"v","rtms_stream_id":"s","server_urls":"wss://x"}}`), &w))
	require.Equal(t, "v", w.fields().SessionID)
	require.Equal(t, "wss://x", w.fields().ServerURLs)
}
