package zoomsim

import (
	"fmt"
	"net/http"
)

// GET /v2/users/{userId}/settings: a user's settings in Zoom's shape
// (@zoom/rivet UsersGetUserSettingsResponse). Only the recording switches come
// from the scenario (ScenarioUserSettings); the rest are Zoom's defaults for a
// licensed user. "Hosts can give participants the permission to record
// locally" (local_recording_requests) is not exposed, as in Zoom.

type userSettingsJSON struct {
	EmailNotification settingsEmailNotification `json:"email_notification"`
	Feature           settingsFeature           `json:"feature"`
	InMeeting         settingsInMeeting         `json:"in_meeting"`
	Profile           settingsProfile           `json:"profile"`
	Recording         settingsRecording         `json:"recording"`
	ScheduleMeeting   settingsScheduleMeeting   `json:"schedule_meeting"`
	Telephony         settingsTelephony         `json:"telephony"`
}

type settingsEmailNotification struct {
	AlternativeHostReminder        bool `json:"alternative_host_reminder"`
	CancelMeetingReminder          bool `json:"cancel_meeting_reminder"`
	CloudRecordingAvailableRemind  bool `json:"cloud_recording_available_reminder"`
	JBHReminder                    bool `json:"jbh_reminder"`
	RecordingAvailableReminderAlts bool `json:"recording_available_reminder_alternative_hosts"`
	RecordingAvailableReminderSchd bool `json:"recording_available_reminder_schedulers"`
	ScheduleForReminder            bool `json:"schedule_for_reminder"`
}

type settingsFeature struct {
	CNMeeting         bool   `json:"cn_meeting"`
	ConcurrentMeeting string `json:"concurrent_meeting"`
	InMeeting         bool   `json:"in_meeting"`
	LargeMeeting      bool   `json:"large_meeting"`
	MeetingCapacity   int    `json:"meeting_capacity"`
	Webinar           bool   `json:"webinar"`
	ZoomPhone         bool   `json:"zoom_phone"`
}

type settingsInMeeting struct {
	AllowLiveStreaming         bool   `json:"allow_live_streaming"`
	AllowParticipantsChatWith  int    `json:"allow_participants_chat_with"`
	AllowUsersSaveChats        int    `json:"allow_users_save_chats"`
	Annotation                 bool   `json:"annotation"`
	AttendeeOnHold             bool   `json:"attendee_on_hold"`
	AutoSavingChat             bool   `json:"auto_saving_chat"`
	BreakoutRoom               bool   `json:"breakout_room"`
	Chat                       bool   `json:"chat"`
	ClosedCaption              bool   `json:"closed_caption"`
	CoHost                     bool   `json:"co_host"`
	E2EEncryption              bool   `json:"e2e_encryption"`
	EntryExitChime             string `json:"entry_exit_chime"`
	FarEndCameraControl        bool   `json:"far_end_camera_control"`
	Feedback                   bool   `json:"feedback"`
	FileTransfer               bool   `json:"file_transfer"`
	GroupHD                    bool   `json:"group_hd"`
	JoinFromDesktop            bool   `json:"join_from_desktop"`
	JoinFromMobile             bool   `json:"join_from_mobile"`
	MeetingReactions           bool   `json:"meeting_reactions"`
	NonVerbalFeedback          bool   `json:"non_verbal_feedback"`
	Polling                    bool   `json:"polling"`
	PrivateChat                bool   `json:"private_chat"`
	RecordPlayVoice            bool   `json:"record_play_voice"`
	RemoteControl              bool   `json:"remote_control"`
	RemoteSupport              bool   `json:"remote_support"`
	ScreenSharing              bool   `json:"screen_sharing"`
	ShowAJoinFromBrowserLink   bool   `json:"show_a_join_from_your_browser_link"`
	ShowMeetingControlToolbar  bool   `json:"show_meeting_control_toolbar"`
	VirtualBackground          bool   `json:"virtual_background"`
	WaitingRoom                bool   `json:"waiting_room"`
	WhoCanShareScreen          string `json:"who_can_share_screen"`
	WhoCanShareScreenWhenShare string `json:"who_can_share_screen_when_someone_is_sharing"`
}

type settingsProfile struct {
	RecordingStorageLocation struct {
		AllowedValues []string `json:"allowed_values"`
		Value         string   `json:"value"`
	} `json:"recording_storage_location"`
}

type settingsRecording struct {
	AskHostToConfirmDisclaimer         bool                          `json:"ask_host_to_confirm_disclaimer"`
	AskParticipantsToConsentDisclaimer bool                          `json:"ask_participants_to_consent_disclaimer"`
	AutoDeleteCMR                      bool                          `json:"auto_delete_cmr"`
	AutoRecording                      string                        `json:"auto_recording"`
	CloudRecording                     bool                          `json:"cloud_recording"`
	DisplayParticipantName             bool                          `json:"display_participant_name"`
	HostPauseStopRecording             bool                          `json:"host_pause_stop_recording"`
	IPAddressAccessControl             settingsEnable                `json:"ip_address_access_control"`
	LocalRecording                     bool                          `json:"local_recording"`
	OptimizeRecordingFor3rdPartyEditor bool                          `json:"optimize_recording_for_3rd_party_video_editor"`
	RecordAudioFile                    bool                          `json:"record_audio_file"`
	RecordFilesSeparately              settingsRecordFilesSeparately `json:"record_files_separately"`
	RecordGalleryView                  bool                          `json:"record_gallery_view"`
	RecordSpeakerView                  bool                          `json:"record_speaker_view"`
	RecordingAudioTranscript           bool                          `json:"recording_audio_transcript"`
	RecordingDisclaimer                bool                          `json:"recording_disclaimer"`
	RecordingHighlight                 bool                          `json:"recording_highlight"`
	RecordingThumbnails                bool                          `json:"recording_thumbnails"`
	SaveChatText                       bool                          `json:"save_chat_text"`
	SaveCloseCaption                   bool                          `json:"save_close_caption"`
	SavePanelistChat                   bool                          `json:"save_panelist_chat"`
	SavePollResults                    bool                          `json:"save_poll_results"`
	ShowTimestamp                      bool                          `json:"show_timestamp"`
}

type settingsEnable struct {
	Enable bool `json:"enable"`
}

type settingsRecordFilesSeparately struct {
	ActiveSpeaker bool `json:"active_speaker"`
	GalleryView   bool `json:"gallery_view"`
	SharedScreen  bool `json:"shared_screen"`
}

type settingsScheduleMeeting struct {
	AudioType                           string `json:"audio_type"`
	EmbedPasswordInJoinLink             bool   `json:"embed_password_in_join_link"`
	ForcePMIJBHPassword                 bool   `json:"force_pmi_jbh_password"`
	HostVideo                           bool   `json:"host_video"`
	JoinBeforeHost                      bool   `json:"join_before_host"`
	ParticipantsVideo                   bool   `json:"participants_video"`
	PersonalMeeting                     bool   `json:"personal_meeting"`
	PSTNPasswordProtected               bool   `json:"pstn_password_protected"`
	RequirePasswordForInstantMeetings   bool   `json:"require_password_for_instant_meetings"`
	RequirePasswordForPMIMeetings       string `json:"require_password_for_pmi_meetings"`
	RequirePasswordForScheduledMeetings bool   `json:"require_password_for_scheduled_meetings"`
	RequirePasswordForSchedulingNew     bool   `json:"require_password_for_scheduling_new_meetings"`
	UsePMIForInstantMeetings            bool   `json:"use_pmi_for_instant_meetings"`
	UsePMIForScheduledMeetings          bool   `json:"use_pmi_for_scheduled_meetings"`
}

type settingsTelephony struct {
	AudioConferenceInfo          string `json:"audio_conference_info"`
	ShowInternationalNumbersLink bool   `json:"show_international_numbers_link"`
	ThirdPartyAudio              bool   `json:"third_party_audio"`
	TelephonyRegions             struct {
		AllowedValues   []string `json:"allowed_values"`
		SelectionValues string   `json:"selection_values"`
	} `json:"telephony_regions"`
}

func renderUserSettings(u *user) userSettingsJSON {
	st := u.Settings
	licensed := u.Type != 1
	capacity, concurrent := 100, "None"
	if licensed {
		capacity, concurrent = 300, "Basic"
	}
	out := userSettingsJSON{
		EmailNotification: settingsEmailNotification{
			AlternativeHostReminder: true, CancelMeetingReminder: true, CloudRecordingAvailableRemind: true,
			JBHReminder: true, RecordingAvailableReminderAlts: true, RecordingAvailableReminderSchd: true,
			ScheduleForReminder: true,
		},
		Feature: settingsFeature{ConcurrentMeeting: concurrent, MeetingCapacity: capacity},
		InMeeting: settingsInMeeting{
			AllowParticipantsChatWith: 4, AllowUsersSaveChats: 2, Annotation: true, BreakoutRoom: true,
			Chat: true, ClosedCaption: true, CoHost: true, EntryExitChime: "none", FileTransfer: true,
			JoinFromDesktop: true, JoinFromMobile: true, MeetingReactions: true, NonVerbalFeedback: true,
			Polling: true, PrivateChat: true, RemoteControl: true, ScreenSharing: true,
			ShowAJoinFromBrowserLink: true, VirtualBackground: true, WhoCanShareScreen: "host",
			WhoCanShareScreenWhenShare: "host",
		},
		Recording: settingsRecording{
			AutoRecording: "none", CloudRecording: st.CloudRecording, LocalRecording: st.LocalRecording,
			DisplayParticipantName: true, HostPauseStopRecording: true, RecordingThumbnails: true,
			RecordSpeakerView: st.CloudRecording, RecordGalleryView: st.CloudRecording,
			RecordAudioFile: st.CloudRecording, SaveChatText: st.CloudRecording, ShowTimestamp: st.CloudRecording,
			RecordingAudioTranscript: st.CloudRecording, SavePollResults: st.CloudRecording,
		},
		ScheduleMeeting: settingsScheduleMeeting{
			AudioType: "both", EmbedPasswordInJoinLink: true, PersonalMeeting: true, PSTNPasswordProtected: true,
			RequirePasswordForInstantMeetings: true, RequirePasswordForPMIMeetings: "jbh_only",
			RequirePasswordForScheduledMeetings: true, RequirePasswordForSchedulingNew: true,
		},
		Telephony: settingsTelephony{ShowInternationalNumbersLink: true},
	}
	out.Profile.RecordingStorageLocation.AllowedValues = []string{"US"}
	out.Profile.RecordingStorageLocation.Value = "US"
	out.Telephony.TelephonyRegions.AllowedValues = []string{"US"}
	out.Telephony.TelephonyRegions.SelectionValues = "US"
	return out
}

// codeMissingScopes is Zoom's "Invalid access token, does not contain
// scopes:[…]." (HTTP 400): here, a user token reaching another user's
// resources, which needs the ":admin" scope the user app does not have.
const codeMissingScopes = 4711

func writeMissingScope(w http.ResponseWriter, scope string) {
	writeAPIError(w, http.StatusBadRequest, codeMissingScopes,
		fmt.Sprintf("Invalid access token, does not contain scopes:[%s].", scope))
}

// getUserSettings is GET /v2/users/{userId}/settings (id, email or "me").
// Server-to-Server tokens read any user of their account; a user token reads
// its own user only.
func (s *Server) getUserSettings(w http.ResponseWriter, r *http.Request, c *call) {
	id := r.PathValue("userId")
	u := c.acct.findUser(id)
	if c.user != nil && u != c.user {
		writeMissingScope(w, "user:read:settings:admin")
		return
	}
	if u == nil {
		writeAPIError(w, http.StatusNotFound, codeUserNotFound, fmt.Sprintf("User does not exist: %s.", id))
		return
	}
	writeJSON(w, http.StatusOK, renderUserSettings(u))
}
