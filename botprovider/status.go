package botprovider

// Bot status codes (StatusChange.Code and the suffix of "bot.<code>" webhook
// events). Providers add codes over time; treat unknown ones as
// informational.
const (
	StatusReady                      = "ready" // internal; ignore
	StatusJoiningCall                = "joining_call"
	StatusInWaitingRoom              = "in_waiting_room"
	StatusParticipantInWaitingRoom   = "participant_in_waiting_room"
	StatusInCallNotRecording         = "in_call_not_recording"
	StatusRecordingPermissionAllowed = "recording_permission_allowed"
	StatusRecordingPermissionDenied  = "recording_permission_denied"
	StatusInCallRecording            = "in_call_recording"
	StatusRecordingDone              = "recording_done"
	StatusCallEnded                  = "call_ended"
	StatusDone                       = "done"
	StatusFatal                      = "fatal"

	// Media and analysis codes that follow the call.
	StatusMediaExpired   = "media_expired"
	StatusAnalysisDone   = "analysis_done"
	StatusAnalysisFailed = "analysis_failed"
)

// IsTerminal reports whether a bot with this status code will not change
// again in the call lifecycle (done or fatal). call_ended is not terminal:
// media processing follows it.
func IsTerminal(code string) bool {
	return code == StatusDone || code == StatusFatal
}

// Documented sub codes. Sub codes are an OPEN set: the provider adds values
// without notice, so compare against these but always handle unknown ones.
const (
	// recording_permission_denied (Zoom).
	SubCodeZoomLocalRecordingDisabled              = "zoom_local_recording_disabled"
	SubCodeZoomLocalRecordingRequestDisabled       = "zoom_local_recording_request_disabled"
	SubCodeZoomLocalRecordingRequestDisabledByHost = "zoom_local_recording_request_disabled_by_host"
	SubCodeZoomLocalRecordingRequestDeniedByHost   = "zoom_local_recording_request_denied_by_host"
	SubCodeZoomLocalRecordingDenied                = "zoom_local_recording_denied"
	SubCodeZoomHostNotPresent                      = "zoom_host_not_present"
	SubCodeZoomBotInWaitingRoom                    = "zoom_bot_in_waiting_room"
	SubCodeZoomLocalRecordingGrantNotSupported     = "zoom_local_recording_grant_not_supported"
	SubCodeZoomSDKKeyBlockedByHostAdmin            = "zoom_sdk_key_blocked_by_host_admin"

	// fatal.
	SubCodeZoomInternalError        = "zoom_internal_error"
	SubCodeZoomJoinTimeout          = "zoom_join_timeout"
	SubCodeZoomInvalidJoinToken     = "zoom_invalid_join_token"
	SubCodeZoomMeetingNotAccessible = "zoom_meeting_not_accessible"
	SubCodeMeetingNotFound          = "meeting_not_found"
	SubCodeMeetingPasswordIncorrect = "meeting_password_incorrect"
	SubCodeMeetingLocked            = "meeting_locked"
	SubCodeMeetingFull              = "meeting_full"
	SubCodeMeetingEnded             = "meeting_ended"
	// SubCodeZoomOBFTokenRequired: the meeting is outside the Zoom app's
	// account and the bot brought neither an OBF token nor a ZAK.
	SubCodeZoomOBFTokenRequired = "zoom_obf_token_required"

	// call_ended.
	SubCodeCallEndedByHost                          = "call_ended_by_host"
	SubCodeBotReceivedLeaveCall                     = "bot_received_leave_call"
	SubCodeBotKickedFromCall                        = "bot_kicked_from_call"
	SubCodeTimeoutExceededWaitingRoom               = "timeout_exceeded_waiting_room"
	SubCodeTimeoutExceededNooneJoined               = "timeout_exceeded_noone_joined"
	SubCodeTimeoutExceededInCallNotRecording        = "timeout_exceeded_in_call_not_recording"
	SubCodeTimeoutExceededRecordingPermissionDenied = "timeout_exceeded_recording_permission_denied"
)

// subCodeAdvice maps known sub codes to what an operator should do.
var subCodeAdvice = map[string]string{
	SubCodeZoomLocalRecordingDisabled:               "the host's Zoom setting Settings › Recording › \"Local recording\" (record to computer files) is off: the host or an account admin must turn it on",
	SubCodeZoomLocalRecordingRequestDisabled:        "the host does not let participants request permission to record locally: enable \"Hosts can give participants the permission to record locally\" (and the internal/external request boxes) under Settings › Recording",
	SubCodeZoomLocalRecordingRequestDisabledByHost:  "the host turned off recording requests inside this meeting: ask the host to allow participants to request recording permission from the meeting controls",
	SubCodeZoomLocalRecordingRequestDeniedByHost:    "the host declined the recording request: respect the decision; do not ask again beyond policy",
	SubCodeZoomLocalRecordingDenied:                 "the host denied recording permission: respect the decision; do not ask again beyond policy",
	SubCodeZoomHostNotPresent:                       "no host was in the meeting to grant recording permission: have the host join (signed in to the account that owns the meeting) or use an OAuth join token for local recording",
	SubCodeZoomBotInWaitingRoom:                     "the bot was still in the waiting room: the host must admit it, or use a join token with bypass_waiting_room",
	SubCodeZoomLocalRecordingGrantNotSupported:      "the host's Zoom client cannot grant local recording permission: the host should update or switch Zoom clients",
	SubCodeZoomSDKKeyBlockedByHostAdmin:             "the host's Zoom admin blocks this bot's SDK app: an admin must allow the app in the Zoom account",
	SubCodeZoomInternalError:                        "Zoom failed internally while the bot joined: retry the bot (rare)",
	SubCodeZoomJoinTimeout:                          "the bot could not join in time: check the meeting link and retry",
	SubCodeZoomInvalidJoinToken:                     "the join token was rejected (expired, used twice or for another meeting): mint a fresh token just before joining",
	SubCodeZoomMeetingNotAccessible:                 "the meeting is restricted (e.g. authenticated or same-account users only): relax the meeting's join restrictions or join as an allowed user",
	SubCodeMeetingNotFound:                          "the meeting does not exist: check the meeting link",
	SubCodeMeetingPasswordIncorrect:                 "the meeting passcode is wrong: use the invite link that embeds the passcode",
	SubCodeMeetingLocked:                            "the host locked the meeting: ask the host to unlock it",
	SubCodeMeetingFull:                              "the meeting reached its participant limit",
	SubCodeMeetingEnded:                             "the meeting had already ended when the bot joined",
	SubCodeZoomOBFTokenRequired:                     "the meeting is hosted outside the Zoom app's account and Zoom admits bots there only with an OBF token or a ZAK: the user who sends the bot must connect Zoom OAuth granting user:read:token, attend the meeting, and be named as the bot's on-behalf-of user",
	SubCodeTimeoutExceededWaitingRoom:               "nobody admitted the bot from the waiting room before automatic_leave.waiting_room_timeout",
	SubCodeTimeoutExceededNooneJoined:               "nobody joined the meeting before automatic_leave.noone_joined_timeout",
	SubCodeTimeoutExceededInCallNotRecording:        "the bot never got recording permission before automatic_leave.in_call_not_recording_timeout (host absent or never answered)",
	SubCodeTimeoutExceededRecordingPermissionDenied: "the bot left automatic_leave.recording_permission_denied_timeout after the denial",
	SubCodeBotKickedFromCall:                        "a participant removed the bot from the meeting",
}

// DescribeSubCode returns actionable advice for a known sub code, or "" for
// unknown ones (use StatusChange.Message then).
func DescribeSubCode(subCode string) string {
	return subCodeAdvice[subCode]
}
