package zoomsim

import (
	"encoding/base64"
	"fmt"
	"strings"
)

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
	// PoolRetryAfterSeconds is the Retry-After (and the "retry in N
	// seconds" advice) of a 507: default 30, as Recall documents; tests
	// shorten it.
	PoolRetryAfterSeconds int `json:"pool_retry_after_seconds,omitempty"`
	// APIVersion is the Recall API version assumed when a request has no
	// Recall-Api-Version header ("" = an older version). From 2025-01-01
	// participants are a participant-events download, not
	// meeting_participants (bots.go).
	APIVersion string `json:"api_version,omitempty"`
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
	// External: the meeting is hosted outside the Zoom app's account, so
	// Zoom refuses a bot that brings neither an OBF token nor a ZAK (fatal,
	// zoom_obf_token_required).
	External bool `json:"external,omitempty"`
	// The user whose OBF token a bot brings: OBFUserAttends (default true),
	// joining OBFUserJoinsAfterMS after the bot starts joining (the bot
	// waits in joining_call until then) and leaving OBFUserLeavesAfterMS
	// after joining (0: stays), which removes the bot (call_ended,
	// bot_kicked_from_call).
	OBFUserAttends       *bool `json:"obf_user_attends,omitempty"`
	OBFUserJoinsAfterMS  int   `json:"obf_user_joins_after_ms,omitempty"`
	OBFUserLeavesAfterMS int   `json:"obf_user_leaves_after_ms,omitempty"`

	// RecordingSize is the size in bytes of the bot's video_mixed MP4 for
	// one second of recording (default 64 KiB per second recorded).
	BytesPerSecond int64 `json:"bytes_per_second,omitempty"`
}

// liveMeeting is a built ScenarioLiveMeeting (immutable, like the world).
type liveMeeting struct {
	acct *account
	host *user
	spec ScenarioLiveMeeting // every default filled in
}

// obfUserAttends reports the filled-in OBFUserAttends.
func (m *liveMeeting) obfUserAttends() bool {
	return m.spec.OBFUserAttends == nil || *m.spec.OBFUserAttends
}

// hostAttends reports the filled-in HostAttends.
func (m *liveMeeting) hostAttends() bool { return m.spec.HostAttends == nil || *m.spec.HostAttends }

// joinURL is the invite link bots are sent to.
func (m *liveMeeting) joinURL() string {
	return fmt.Sprintf("https://zoom.us/j/%d?pwd=%s", m.spec.ID, m.spec.Passcode)
}

// userSettings are a user's filled-in settings.
type userSettings struct {
	LocalRecording, LocalRecordingRequests, CloudRecording bool
}

func fillUserSettings(s *ScenarioUserSettings) (*ScenarioUserSettings, userSettings) {
	if s == nil {
		s = &ScenarioUserSettings{}
	}
	t := true
	if s.LocalRecording == nil {
		s.LocalRecording = &t
	}
	if s.LocalRecordingRequests == nil {
		s.LocalRecordingRequests = &t
	}
	if s.CloudRecording == nil {
		s.CloudRecording = &t
	}
	return s, userSettings{*s.LocalRecording, *s.LocalRecordingRequests, *s.CloudRecording}
}

// fillGlobal fills the simulator-wide user OAuth app and bot provider.
func fillGlobal(d deriver, sc *Scenario) error {
	r := d.rng("global")
	defClient, defSecret, defKey, defHook := clientID(r), clientSecret(r), randString(r, alnumAlphabet, 40), randString(r, alnumAlphabet, 32)
	app := ScenarioUserOAuthApp{}
	if sc.UserOAuthApp != nil {
		app = *sc.UserOAuthApp
	}
	app.ClientID = orDefault(app.ClientID, defClient)
	app.ClientSecret = orDefault(app.ClientSecret, defSecret)
	if app.AccessTokenTTLSeconds == 0 {
		app.AccessTokenTTLSeconds = 3599
	}
	if app.AccessTokenTTLSeconds < 0 {
		return fmt.Errorf("user_oauth_app.access_token_ttl_seconds must be positive")
	}
	sc.UserOAuthApp = &app
	bp := ScenarioBotProvider{}
	if sc.BotProvider != nil {
		bp = *sc.BotProvider
	}
	bp.APIKey = orDefault(bp.APIKey, defKey)
	bp.WebhookSecret = orDefault(bp.WebhookSecret, "whsec_"+base64.StdEncoding.EncodeToString([]byte(defHook)))
	bp.WebhookHeaders = orDefault(bp.WebhookHeaders, "webhook")
	if bp.WebhookHeaders != "webhook" && bp.WebhookHeaders != "svix" {
		return fmt.Errorf("bot_provider.webhook_headers %q: want webhook or svix", bp.WebhookHeaders)
	}
	if !strings.HasPrefix(bp.WebhookSecret, "whsec_") {
		return fmt.Errorf("bot_provider.webhook_secret must start with whsec_")
	}
	if _, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(bp.WebhookSecret, "whsec_")); err != nil {
		return fmt.Errorf("bot_provider.webhook_secret: %w", err)
	}
	if bp.WebhookURL != "" {
		if err := checkWebhookURL(bp.WebhookURL); err != nil {
			return fmt.Errorf("bot_provider.webhook_url: %w", err)
		}
	}
	if bp.PoolRetryAfterSeconds == 0 {
		bp.PoolRetryAfterSeconds = botPoolRetryAfterSeconds
	}
	if bp.PoolRetryAfterSeconds < 0 {
		return fmt.Errorf("bot_provider.pool_retry_after_seconds must be positive")
	}
	if bp.APIVersion != "" && !recallVersion.MatchString(bp.APIVersion) {
		return fmt.Errorf("bot_provider.api_version %q: want a date, yyyy-mm-dd", bp.APIVersion)
	}
	sc.BotProvider = &bp
	return nil
}

// addLiveMeeting fills in and indexes one live meeting of account a.
func (w *world) addLiveMeeting(d deriver, a *account, sm *ScenarioLiveMeeting, label string) error {
	r := d.rng(label)
	defID, defPass := 80000000000+r.Int64N(19999999999), randString(r, alnumAlphabet, 10)
	defUUID := meetingUUID(r, false)
	if sm.ID == 0 {
		sm.ID = defID
	}
	sm.UUID = orDefault(sm.UUID, defUUID)
	sm.Passcode = orDefault(sm.Passcode, defPass)
	sm.Topic = orDefault(sm.Topic, fmt.Sprintf("Live meeting %d", sm.ID))
	if len(a.users) == 0 {
		return fmt.Errorf("account has no users to host it")
	}
	host := a.users[0]
	if sm.HostID != "" {
		if host = a.findUser(sm.HostID); host == nil {
			return fmt.Errorf("host_id %q is not a user of the account", sm.HostID)
		}
	}
	sm.HostID = host.ID
	if sm.HostAttends == nil {
		t := true
		sm.HostAttends = &t
	}
	if sm.OBFUserAttends == nil {
		t := true
		sm.OBFUserAttends = &t
	}
	if sm.OBFUserJoinsAfterMS < 0 || sm.OBFUserLeavesAfterMS < 0 {
		return fmt.Errorf("obf_user_joins_after_ms and obf_user_leaves_after_ms must not be negative")
	}
	switch sm.HostAnswer {
	case "":
		sm.HostAnswer = "allow"
	case "allow", "deny", "ignore":
	default:
		return fmt.Errorf("host_answer %q: want allow, deny or ignore", sm.HostAnswer)
	}
	if sm.EndsAfterMS == 0 {
		sm.EndsAfterMS = 5000
	}
	if sm.BytesPerSecond == 0 {
		sm.BytesPerSecond = 64 << 10
	}
	if sm.EndsAfterMS < 0 || sm.HostJoinsAfterMS < 0 || sm.AnswerAfterMS < 0 || sm.AdmitAfterMS < 0 || sm.BytesPerSecond < 0 || sm.JoinInternalErrors < -1 {
		return fmt.Errorf("negative durations or sizes")
	}
	if w.liveMeetingByID[sm.ID] != nil {
		return fmt.Errorf("duplicate live meeting id %d", sm.ID)
	}
	w.liveMeetingByID[sm.ID] = &liveMeeting{acct: a, host: host, spec: *sm}
	return nil
}
