package botprovider

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
)

// botJSON is a Retrieve Bot answer in Recall's shape, with fields this
// package does not model, nulls and an integer participant id.
const botJSON = `{
  "id": "8b1b4f2c-0d5e-4d1e-9c1a-000000000001",
  "meeting_url": {"meeting_id": "81234567890", "meeting_password": "pw", "platform": "zoom"},
  "bot_name": "Notetaker",
  "join_at": null,
  "video_url": null,
  "unknown_top_level": {"nested": [1, 2, 3]},
  "status_changes": [
    {"code": "ready", "message": null, "created_at": "2024-05-01T10:00:00.000001Z", "sub_code": null},
    {"code": "joining_call", "message": null, "created_at": "2024-05-01T10:00:05.5Z", "sub_code": null},
    {"code": "in_call_not_recording", "message": null, "created_at": "2024-05-01T10:00:20Z", "sub_code": null},
    {"code": "recording_permission_denied", "message": "Host denied.", "created_at": "2024-05-01T10:01:00.123456", "sub_code": "zoom_local_recording_request_disabled", "extra": true}
  ],
  "meeting_participants": [
    {"id": 16778240, "name": "Alice Host", "is_host": true, "platform": "desktop", "events": []},
    {"id": "p-2", "name": "Bob", "is_host": false, "extra_data": {"zoom": {"guid": "x"}}}
  ],
  "recordings": [
    {
      "id": "rec-1",
      "created_at": "2024-05-01T10:00:20Z",
      "started_at": "2024-05-01T10:00:21Z",
      "completed_at": null,
      "expires_at": "2024-05-08T10:00:21Z",
      "status": {"code": "done", "sub_code": null, "updated_at": "2024-05-01T11:00:00Z"},
      "media_shortcuts": {
        "video_mixed": {"id": "vm-1", "format": "mp4", "status": {"code": "done", "sub_code": null, "updated_at": "2024-05-01T11:00:00Z"},
                        "data": {"download_url": "https://files.example/vm-1.mp4?sig=abc"}, "metadata": {}},
        "transcript": null,
        "participant_events": {"id": "pe-1", "status": {"code": "done"},
                               "data": {"participant_events_download_url": "https://files.example/pe", "speaker_timeline_download_url": "https://files.example/st", "participants_download_url": "https://files.example/p"}},
        "meeting_metadata": {"id": "mm-1", "data": {"title": "Weekly sync", "zoom": {"meeting_uuid": "abc=="}}}
      },
      "metadata": {"tenant": "acme"}
    }
  ],
  "metadata": {"tenant": "acme", "meeting": "81234567890", "n": 7, "gone": null}
}`

func TestGetBotDecodesRecallShape(t *testing.T) {
	f := newFakeProvider(t)
	f.mux.HandleFunc("GET /api/v1/bot/8b1b4f2c-0d5e-4d1e-9c1a-000000000001/", func(w http.ResponseWriter, r *http.Request) {
		writeRaw(w, http.StatusOK, botJSON)
	})
	bot, err := f.client(t).GetBot(context.Background(), "8b1b4f2c-0d5e-4d1e-9c1a-000000000001")
	if err != nil {
		t.Fatalf("GetBot: %v", err)
	}
	if bot.ID != "8b1b4f2c-0d5e-4d1e-9c1a-000000000001" || bot.BotName != "Notetaker" || !bot.JoinAt.IsZero() {
		t.Errorf("bot header = %q %q %v", bot.ID, bot.BotName, bot.JoinAt)
	}
	wantURL := MeetingURL{Platform: "zoom", MeetingID: "81234567890", MeetingPassword: "pw"}
	if bot.MeetingURL != wantURL || bot.MeetingURL.String() != "zoom:81234567890" {
		t.Errorf("MeetingURL = %+v (%s)", bot.MeetingURL, bot.MeetingURL)
	}
	if len(bot.StatusChanges) != 4 {
		t.Fatalf("status changes = %d", len(bot.StatusChanges))
	}
	if s := bot.StatusChanges[0]; s.Code != StatusReady || s.SubCode != "" || s.Message != "" ||
		!s.CreatedAt.Equal(time.Date(2024, 5, 1, 10, 0, 0, 1000, time.UTC)) {
		t.Errorf("first status = %+v", s)
	}
	last := bot.LatestStatus()
	wantLast := StatusChange{
		Code: StatusRecordingPermissionDenied, SubCode: SubCodeZoomLocalRecordingRequestDisabled,
		Message: "Host denied.", CreatedAt: time.Date(2024, 5, 1, 10, 1, 0, 123456000, time.UTC),
	}
	if last != wantLast {
		t.Errorf("LatestStatus = %+v, want %+v", last, wantLast)
	}
	wantP := []Participant{
		{ID: "16778240", Name: "Alice Host", IsHost: true, Platform: "desktop"},
		{ID: "p-2", Name: "Bob"},
	}
	if !reflect.DeepEqual(bot.MeetingParticipants, wantP) {
		t.Errorf("participants = %+v", bot.MeetingParticipants)
	}
	if len(bot.Recordings) != 1 {
		t.Fatalf("recordings = %d", len(bot.Recordings))
	}
	rec := bot.Recordings[0]
	if rec.ID != "rec-1" || rec.Status.Code != "done" || !rec.CompletedAt.IsZero() ||
		!rec.ExpiresAt.Equal(time.Date(2024, 5, 8, 10, 0, 21, 0, time.UTC)) {
		t.Errorf("recording = %+v", rec)
	}
	ms := rec.MediaShortcuts
	if ms.VideoMixed == nil || ms.VideoMixed.Data.DownloadURL != "https://files.example/vm-1.mp4?sig=abc" || ms.VideoMixed.Format != "mp4" {
		t.Errorf("video_mixed = %+v", ms.VideoMixed)
	}
	if ms.Transcript != nil || ms.AudioMixed != nil {
		t.Errorf("null/missing shortcuts decoded as %+v / %+v", ms.Transcript, ms.AudioMixed)
	}
	if ms.ParticipantEvents == nil || ms.ParticipantEvents.Data.ParticipantsDownloadURL != "https://files.example/p" ||
		ms.ParticipantEvents.Data.SpeakerTimelineDownloadURL != "https://files.example/st" {
		t.Errorf("participant_events = %+v", ms.ParticipantEvents)
	}
	if ms.MeetingMetadata == nil || ms.MeetingMetadata.Data.Title != "Weekly sync" ||
		!strings.Contains(string(ms.MeetingMetadata.Data.Raw), `"meeting_uuid": "abc=="`) {
		t.Errorf("meeting_metadata = %+v", ms.MeetingMetadata)
	}
	wantMeta := Metadata{"tenant": "acme", "meeting": "81234567890", "n": "7"}
	if !reflect.DeepEqual(bot.Metadata, wantMeta) {
		t.Errorf("metadata = %v, want %v", bot.Metadata, wantMeta)
	}
}

func TestGetBotStringMeetingURLAndEmptyStatuses(t *testing.T) {
	f := newFakeProvider(t)
	f.mux.HandleFunc("GET /api/v1/bot/b2/", func(w http.ResponseWriter, r *http.Request) {
		writeRaw(w, http.StatusOK, `{"id":"b2","meeting_url":"https://zoom.us/j/123?pwd=x","status_changes":[],"recordings":null}`)
	})
	bot, err := f.client(t).GetBot(context.Background(), "b2")
	if err != nil {
		t.Fatal(err)
	}
	if bot.MeetingURL.URL != "https://zoom.us/j/123?pwd=x" || bot.MeetingURL.String() != "https://zoom.us/j/123?pwd=x" {
		t.Errorf("MeetingURL = %+v", bot.MeetingURL)
	}
	if got := bot.LatestStatus(); got != (StatusChange{}) {
		t.Errorf("LatestStatus of no changes = %+v", got)
	}
}

func TestLatestStatusOrdersByTime(t *testing.T) {
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	b := Bot{StatusChanges: []StatusChange{
		{Code: StatusJoiningCall, CreatedAt: t0},
		{Code: StatusCallEnded, CreatedAt: t0.Add(2 * time.Minute)},
		{Code: StatusInCallRecording, CreatedAt: t0.Add(time.Minute)}, // out of order
	}}
	if got := b.LatestStatus().Code; got != StatusCallEnded {
		t.Errorf("LatestStatus = %q, want call_ended", got)
	}
	b.StatusChanges = append(b.StatusChanges, StatusChange{Code: StatusDone, CreatedAt: t0.Add(2 * time.Minute)})
	if got := b.LatestStatus().Code; got != StatusDone {
		t.Errorf("tie: LatestStatus = %q, want the later entry (done)", got)
	}
}

func TestCreateBotSendsEveryField(t *testing.T) {
	f := newFakeProvider(t)
	f.mux.HandleFunc("POST /api/v1/bot/", func(w http.ResponseWriter, r *http.Request) {
		writeRaw(w, http.StatusCreated, `{"id":"new-bot","meeting_url":{"meeting_id":"81234567890","platform":"zoom"},"status_changes":[],"metadata":{"tenant":"acme"}}`)
	})
	joinAt := time.Date(2030, 1, 2, 3, 4, 5, 0, time.FixedZone("CET", 3600))
	bot, err := f.client(t).CreateBot(context.Background(), CreateBotRequest{
		MeetingURL:      "https://zoom.us/j/81234567890?pwd=x",
		BotName:         "Notetaker",
		JoinAt:          joinAt,
		RecordingConfig: RecordingOptions{VideoMixedMP4: true, ParticipantEvents: true, MeetingMetadata: true, VideoMixedLayout: "speaker_view"}.JSON(),
		AutomaticLeave: &AutomaticLeave{
			WaitingRoomTimeout: 600, NooneJoinedTimeout: 900,
			InCallNotRecordingTimeout: 1800, RecordingPermissionDeniedTimeout: 120,
		},
		Zoom:     &ZoomConfig{JoinTokenURL: "https://mv.example/jt?s=secret", ZakURL: "https://mv.example/zak?s=secret", UserEmail: "bot@acme.example"},
		Metadata: map[string]string{"tenant": "acme", "meeting": "81234567890"},
	})
	if err != nil {
		t.Fatalf("CreateBot: %v", err)
	}
	if bot.ID != "new-bot" || bot.Metadata["tenant"] != "acme" {
		t.Errorf("bot = %+v", bot)
	}
	r := f.last(t)
	if r.Method != http.MethodPost || r.Path != "/api/v1/bot/" || r.Header.Get("Content-Type") != "application/json" {
		t.Errorf("request = %s %s (%s)", r.Method, r.Path, r.Header.Get("Content-Type"))
	}
	var got map[string]any
	if err := json.Unmarshal(r.Body, &got); err != nil {
		t.Fatalf("body %s: %v", r.Body, err)
	}
	want := map[string]any{
		"meeting_url": "https://zoom.us/j/81234567890?pwd=x",
		"bot_name":    "Notetaker",
		"join_at":     "2030-01-02T02:04:05Z",
		"recording_config": map[string]any{
			"video_mixed_mp4": map[string]any{}, "participant_events": map[string]any{},
			"meeting_metadata": map[string]any{}, "video_mixed_layout": "speaker_view",
		},
		"automatic_leave": map[string]any{
			"waiting_room_timeout": 600.0, "noone_joined_timeout": 900.0,
			"in_call_not_recording_timeout": 1800.0, "recording_permission_denied_timeout": 120.0,
		},
		"zoom": map[string]any{
			"join_token_url": "https://mv.example/jt?s=secret", "zak_url": "https://mv.example/zak?s=secret",
			"user_email": "bot@acme.example",
		},
		"metadata": map[string]any{"tenant": "acme", "meeting": "81234567890"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("body =\n%v\nwant\n%v", got, want)
	}
}

func TestCreateBotMinimalBodyOmitsOptionalFields(t *testing.T) {
	f := newFakeProvider(t)
	f.mux.HandleFunc("POST /api/v1/bot/", func(w http.ResponseWriter, r *http.Request) {
		writeRaw(w, http.StatusCreated, `{"id":"b"}`)
	})
	if _, err := f.client(t).CreateBot(context.Background(), CreateBotRequest{
		MeetingURL:     "https://zoom.us/j/1",
		AutomaticLeave: &AutomaticLeave{RecordingPermissionDeniedTimeout: 300},
	}); err != nil {
		t.Fatal(err)
	}
	if got, want := string(f.last(t).Body), `{"meeting_url":"https://zoom.us/j/1","automatic_leave":{"recording_permission_denied_timeout":300}}`; got != want {
		t.Errorf("body = %s, want %s", got, want)
	}
}

func TestCreateBotRejectsBadInputBeforeCalling(t *testing.T) {
	f := newFakeProvider(t)
	c := f.client(t)
	if _, err := c.CreateBot(context.Background(), CreateBotRequest{}); err == nil || !strings.Contains(err.Error(), "MeetingURL is empty") {
		t.Errorf("empty URL: %v", err)
	}
	if _, err := c.CreateBot(context.Background(), CreateBotRequest{MeetingURL: "u", RecordingConfig: json.RawMessage(`[1]`)}); err == nil || !strings.Contains(err.Error(), "RecordingConfig must be a JSON object") {
		t.Errorf("array config: %v", err)
	}
	f.mu.Lock()
	n := len(f.reqs)
	f.mu.Unlock()
	if n != 0 {
		t.Errorf("%d requests sent for invalid input", n)
	}
}

func TestCreateBotPoolExhausted(t *testing.T) {
	for _, tc := range []struct {
		name       string
		retryAfter string
		wantDelay  time.Duration
		wantRA     time.Duration
	}{
		{"with Retry-After", "12", 12 * time.Second, 12 * time.Second},
		// The body's advice ("retry in 30 seconds") stands in for the header.
		{"without Retry-After", "", 30 * time.Second, 30 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeProvider(t)
			f.mux.HandleFunc("POST /api/v1/bot/", func(w http.ResponseWriter, r *http.Request) {
				if tc.retryAfter != "" {
					w.Header().Set("Retry-After", tc.retryAfter)
				}
				writeRaw(w, http.StatusInsufficientStorage, `{"detail":"Out of adhoc bots. Please retry in 30 seconds."}`)
			})
			_, err := f.client(t).CreateBot(context.Background(), CreateBotRequest{MeetingURL: "https://zoom.us/j/1"})
			var pe *PoolExhaustedError
			if !errors.As(err, &pe) {
				t.Fatalf("err = %T %v, want *PoolExhaustedError", err, err)
			}
			if pe.RetryAfter != tc.wantRA || pe.Delay() != tc.wantDelay {
				t.Errorf("RetryAfter %v Delay %v, want %v %v", pe.RetryAfter, pe.Delay(), tc.wantRA, tc.wantDelay)
			}
			var apiErr *APIError
			if !errors.As(err, &apiErr) || apiErr.StatusCode != 507 || !strings.Contains(apiErr.Detail, "Out of adhoc bots") {
				t.Errorf("unwrapped APIError = %+v", apiErr)
			}
			msg := err.Error()
			for _, want := range []string{"POST /api/v1/bot/", "507", "bot pool exhausted", "retry in " + tc.wantDelay.String(), "join_at"} {
				if !strings.Contains(msg, want) {
					t.Errorf("message %q lacks %q", msg, want)
				}
			}
		})
	}
}

func TestCreateBotRateLimited(t *testing.T) {
	f := newFakeProvider(t)
	f.mux.HandleFunc("POST /api/v1/bot/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "7")
		writeRaw(w, http.StatusTooManyRequests, `{"detail":"Request was throttled."}`)
	})
	_, err := f.client(t).CreateBot(context.Background(), CreateBotRequest{MeetingURL: "https://zoom.us/j/1"})
	var rl *RateLimitError
	if !errors.As(err, &rl) || rl.RetryAfter != 7*time.Second {
		t.Fatalf("err = %v, want *RateLimitError{7s}", err)
	}
	var pe *PoolExhaustedError
	if errors.As(err, &pe) {
		t.Error("a 429 must not be a PoolExhaustedError")
	}
	if msg := err.Error(); !strings.Contains(msg, "429") || !strings.Contains(msg, "retry after 7s") {
		t.Errorf("message %q", msg)
	}
}

func TestCreateBotValidationError(t *testing.T) {
	f := newFakeProvider(t)
	f.mux.HandleFunc("POST /api/v1/bot/", func(w http.ResponseWriter, r *http.Request) {
		writeRaw(w, http.StatusBadRequest, `{"meeting_url":["Enter a valid URL."],"join_at":["Must be in the future.","Bad format."]}`)
	})
	_, err := f.client(t).CreateBot(context.Background(), CreateBotRequest{MeetingURL: "nope"})
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 400 {
		t.Fatalf("err = %v", err)
	}
	if apiErr.Detail != "join_at: Must be in the future. Bad format.; meeting_url: Enter a valid URL." {
		t.Errorf("Detail = %q", apiErr.Detail)
	}
	if apiErr.Temporary() {
		t.Error("400 reported as temporary")
	}
	if !strings.Contains(err.Error(), "fix the fields") {
		t.Errorf("message %q gives no advice", err)
	}
}

func TestCreateBotCodedErrorAndServerErrors(t *testing.T) {
	f := newFakeProvider(t)
	status := http.StatusBadRequest
	body := `{"code":"teams_blacklisted_tenant","detail":"No bots allowed here."}`
	f.mux.HandleFunc("POST /api/v1/bot/", func(w http.ResponseWriter, r *http.Request) {
		writeRaw(w, status, body)
	})
	c := f.client(t)
	_, err := c.CreateBot(context.Background(), CreateBotRequest{MeetingURL: "u"})
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Code != "teams_blacklisted_tenant" || apiErr.Detail != "No bots allowed here." {
		t.Fatalf("err = %#v", err)
	}
	if !strings.Contains(err.Error(), "(code teams_blacklisted_tenant): No bots allowed here.") {
		t.Errorf("message %q", err)
	}

	status, body = http.StatusServiceUnavailable, "<html>upstream overloaded</html>"
	_, err = c.CreateBot(context.Background(), CreateBotRequest{MeetingURL: "u"})
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 503 || !apiErr.Temporary() || apiErr.Detail != "<html>upstream overloaded</html>" {
		t.Fatalf("503: %#v", err)
	}
	if !strings.Contains(err.Error(), "retry with backoff") {
		t.Errorf("503 message %q", err)
	}
}

func TestCreateBotWithoutIDIsAnError(t *testing.T) {
	f := newFakeProvider(t)
	f.mux.HandleFunc("POST /api/v1/bot/", func(w http.ResponseWriter, r *http.Request) {
		writeRaw(w, http.StatusCreated, `{}`)
	})
	if _, err := f.client(t).CreateBot(context.Background(), CreateBotRequest{MeetingURL: "u"}); err == nil {
		t.Fatal("want an error for a bot without id")
	}
}

func TestGetBotNotFound(t *testing.T) {
	f := newFakeProvider(t)
	f.mux.HandleFunc("GET /api/v1/bot/{id}/", func(w http.ResponseWriter, r *http.Request) {
		writeRaw(w, http.StatusNotFound, `{"detail":"Not found."}`)
	})
	_, err := f.client(t).GetBot(context.Background(), "missing")
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 404 {
		t.Fatalf("err = %v", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "Not found.") || !strings.Contains(msg, "region the bot was created in") {
		t.Errorf("message %q", msg)
	}
}

func TestSendChatMessage(t *testing.T) {
	f := newFakeProvider(t)
	f.mux.HandleFunc("POST /api/v1/bot/b1/send_chat_message/", func(w http.ResponseWriter, r *http.Request) {
		writeRaw(w, http.StatusOK, `{"id":"b1"}`)
	})
	c := f.client(t)
	msg := "Recording is blocked by your Zoom settings: see https://mv.example/fix"
	if err := c.SendChatMessage(context.Background(), "b1", ChatToHost, msg); err != nil {
		t.Fatal(err)
	}
	var got map[string]string
	if err := json.Unmarshal(f.last(t).Body, &got); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, map[string]string{"to": "host", "message": msg}) {
		t.Errorf("body = %v", got)
	}
	if err := c.SendChatMessage(context.Background(), "b1", "", "hi"); err != nil {
		t.Fatal(err)
	}
	if got := string(f.last(t).Body); got != `{"message":"hi"}` {
		t.Errorf("empty to: body = %s", got)
	}
	if err := c.SendChatMessage(context.Background(), "b1", ChatToHost, "  "); err == nil {
		t.Error("empty message accepted")
	}
}

func TestSendChatMessageBotGone(t *testing.T) {
	f := newFakeProvider(t)
	f.mux.HandleFunc("POST /api/v1/bot/b1/send_chat_message/", func(w http.ResponseWriter, r *http.Request) {
		writeRaw(w, http.StatusBadRequest, `{"detail":"Bot is not in the call."}`)
	})
	err := f.client(t).SendChatMessage(context.Background(), "b1", ChatToEveryone, "hi")
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Detail != "Bot is not in the call." {
		t.Fatalf("err = %v", err)
	}
}

func TestLeaveCall(t *testing.T) {
	f := newFakeProvider(t)
	f.mux.HandleFunc("POST /api/v1/bot/b1/leave_call/", func(w http.ResponseWriter, r *http.Request) {
		writeRaw(w, http.StatusOK, `{"id":"b1"}`)
	})
	f.mux.HandleFunc("POST /api/v1/bot/done-bot/leave_call/", func(w http.ResponseWriter, r *http.Request) {
		writeRaw(w, http.StatusMethodNotAllowed, `{"detail":"Bot already left."}`)
	})
	c := f.client(t)
	if err := c.LeaveCall(context.Background(), "b1"); err != nil {
		t.Fatal(err)
	}
	r := f.last(t)
	if r.Method != http.MethodPost || r.Path != "/api/v1/bot/b1/leave_call/" || len(r.Body) != 0 {
		t.Errorf("request = %s %s body %q", r.Method, r.Path, r.Body)
	}
	err := c.LeaveCall(context.Background(), "done-bot")
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 405 || !strings.Contains(err.Error(), "current state") {
		t.Fatalf("err = %v", err)
	}
}

func TestBotIDIsEscapedAndValidated(t *testing.T) {
	f := newFakeProvider(t)
	f.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeRaw(w, http.StatusOK, `{"id":"x"}`)
	})
	c := f.client(t)
	if _, err := c.GetBot(context.Background(), "a/b c"); err != nil {
		t.Fatal(err)
	}
	if got := f.last(t).RawPath; got != "/api/v1/bot/a%2Fb%20c/" {
		t.Errorf("escaped path = %q", got)
	}
	for _, id := range []string{"", " ", ".", ".."} {
		if _, err := c.GetBot(context.Background(), id); err == nil {
			t.Errorf("GetBot(%q) accepted", id)
		}
		if err := c.LeaveCall(context.Background(), id); err == nil {
			t.Errorf("LeaveCall(%q) accepted", id)
		}
		if err := c.SendChatMessage(context.Background(), id, "", "m"); err == nil {
			t.Errorf("SendChatMessage(%q) accepted", id)
		}
	}
}
