package zoomsim

// Scenario types for live meetings, meeting bots and user-level OAuth: the
// contract between the bot-provider simulation (bots*.go) and the user OAuth
// and join-token simulation (useroauth*.go, jointoken*.go). Durations in
// live meetings are wall-clock milliseconds measured from the moment the bot
// is admitted to the meeting (or created, where noted), so tests run in
// seconds; they do not follow the simulated clock.

// ScenarioUserSettings are the recording settings of a user, as
// GET /v2/users/{userId}/settings reports them (recording.local_recording) plus
// the boxes Zoom does not expose through the API.
type ScenarioUserSettings struct {
	// LocalRecording is "Record to computer files"; default true.
	LocalRecording *bool `json:"local_recording,omitempty"`
	// LocalRecordingRequests is "Hosts can give participants the permission
	// to record locally" with the internal/external request boxes; default
	// true. Not in the API; it shows only as the denial sub code
	// zoom_local_recording_request_disabled.
	LocalRecordingRequests *bool `json:"local_recording_requests,omitempty"`
	// CloudRecording is "Cloud recording"; default true.
	CloudRecording *bool `json:"cloud_recording,omitempty"`
}

// ScenarioUserOAuthApp is the marketplace app (authorization-code grant with
// PKCE) whose users' tokens can mint join tokens for local recording. One per
// simulator, installable by users of every account.
type ScenarioUserOAuthApp struct {
	ClientID     string `json:"client_id,omitempty"`
	ClientSecret string `json:"client_secret,omitempty"`
	// AccessTokenTTLSeconds defaults to 3599 (Zoom's); tests shorten it to
	// exercise refresh-token rotation.
	AccessTokenTTLSeconds int `json:"access_token_ttl_seconds,omitempty"`
}

// ScenarioBotProvider configures the simulated Recall-compatible bot service.
type ScenarioBotProvider struct {
	// APIKey is checked in "Authorization: Token <key>".
	APIKey string `json:"api_key,omitempty"`
	// WebhookURL receives signed status webhooks; empty sends none.
	WebhookURL string `json:"webhook_url,omitempty"`
	// WebhookSecret is the Standard-Webhooks secret ("whsec_" + base64).
	WebhookSecret string `json:"webhook_secret,omitempty"`
	// WebhookHeaders is "webhook" (webhook-id/-timestamp/-signature, default)
	// or "svix" (svix-id/-timestamp/-signature).
	WebhookHeaders string `json:"webhook_headers,omitempty"`
	// PoolExhausted answers the next N bot creations with 507.
	PoolExhausted int `json:"pool_exhausted,omitempty"`
}

// ScenarioLiveMeeting is a meeting a bot can be sent to. Its join URL is
// https://zoom.us/j/{id}?pwd={passcode}; the bot API accepts any URL whose
// path is /j/{id} (or /wc/join/{id}) on any host.
type ScenarioLiveMeeting struct {
	ID       int64  `json:"id,omitempty"`
	UUID     string `json:"uuid,omitempty"`
	HostID   string `json:"host_id,omitempty"` // user id or email; default: first user
	Topic    string `json:"topic,omitempty"`
	Passcode string `json:"passcode,omitempty"`

	// Host behaviour. HostAttends defaults to true.
	HostAttends *bool `json:"host_attends,omitempty"`
	// HostJoinsAfterMS: when the host arrives, after the bot is in the call.
	HostJoinsAfterMS int `json:"host_joins_after_ms,omitempty"`
	// HostSignedInElsewhere: the host attends signed into another Zoom
	// account, so no participant has is_host and no dialog is answered.
	HostSignedInElsewhere bool `json:"host_signed_in_elsewhere,omitempty"`
	// HostAnswer to the bot's recording-permission request: "allow"
	// (default), "deny" or "ignore".
	HostAnswer string `json:"host_answer,omitempty"`
	// AnswerAfterMS: how long the host takes to answer, after the request.
	AnswerAfterMS int `json:"answer_after_ms,omitempty"`
	// RequestsDisabledInMeeting: the host turned off recording requests
	// inside this meeting (zoom_local_recording_request_disabled_by_host).
	RequestsDisabledInMeeting bool `json:"requests_disabled_in_meeting,omitempty"`

	// WaitingRoom holds the bot until AdmitAfterMS (measured from joining);
	// AdmitAfterMS 0 with WaitingRoom set means nobody admits it. A join token
	// minted with bypass_waiting_room=true skips the waiting room.
	WaitingRoom  bool `json:"waiting_room,omitempty"`
	AdmitAfterMS int  `json:"admit_after_ms,omitempty"`

	// JoinInternalErrors: the first N join attempts fail with fatal /
	// zoom_internal_error; -1 makes every attempt fail.
	JoinInternalErrors int `json:"join_internal_errors,omitempty"`

	// EndsAfterMS: the host ends the meeting this long after the bot is in
	// the call (default 5000).
	EndsAfterMS int `json:"ends_after_ms,omitempty"`
	// RecordingSize is the size in bytes of the bot's video_mixed MP4 for
	// one second of recording (default 64 KiB per second recorded).
	BytesPerSecond int64 `json:"bytes_per_second,omitempty"`
}
