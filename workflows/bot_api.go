package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/meetvault/meetvault/activities"
	"github.com/meetvault/meetvault/botprovider"
)

// Search attributes of MeetingBot (registered with the others): the
// provider's latest status code and the sub code that explains the outcome,
// so the Web UI can list, say, every bot denied for settings this week:
// MeetvaultSubCode = "zoom_local_recording_disabled".
var (
	AttrBotStatus = temporal.NewSearchAttributeKeyKeyword("MeetvaultBotStatus")
	AttrSubCode   = temporal.NewSearchAttributeKeyKeyword("MeetvaultSubCode")
)

// SignalBotLeave asks a MeetingBot to take its bot out of the meeting (what
// was recorded so far is still archived). Payload: BotLeaveSignal.
const SignalBotLeave = "bot_leave"

// BotLeaveSignal is the payload of SignalBotLeave.
type BotLeaveSignal struct {
	Reason string `json:"reason,omitempty"`
}

// QueryBotState answers a MeetingBot's BotState.
const QueryBotState = "bot_state"

// Phases of a running MeetingBot (MeetvaultStatus while it runs).
const (
	BotPhaseJoining         = "joining"          // bot created, entering the call
	BotPhaseWaitingRoom     = "waiting_room"     // held in the waiting room
	BotPhaseAwaitingConsent = "awaiting_consent" // in the call, asking the host to record
	BotPhaseRecording       = "recording"        // recording
	BotPhaseLeaving         = "leaving"          // asked to leave, or the call ended unrecorded; waiting for the provider to confirm
	BotPhaseProcessing      = "processing"       // call over; the provider renders the media
	BotPhaseArchiving       = "archiving"        // media streaming into the archive
)

// Terminal outcomes of a MeetingBot: the documented set (README, "Meeting
// bots"). Each comes with a sub code (the provider's, or ours) and a message
// a user can act on.
const (
	BotArchived               = "archived"                  // recorded and archived
	BotArchiveFailed          = "archive_failed"            // recorded, but the media could not be archived
	BotHostDenied             = "host_denied"               // the host declined recording; respected
	BotSettingsBlocked        = "settings_blocked"          // the host's Zoom settings forbid local recording
	BotHostNotPresent         = "host_not_present"          // nobody with the host role answered before the consent timeout
	BotWaitingRoomTimeout     = "waiting_room_timeout"      // nobody admitted the bot
	BotJoinFailed             = "join_failed"               // the bot could not enter the meeting
	BotMeetingEnded           = "meeting_ended_unrecorded"  // the meeting ended before recording started
	BotLeftByRequest          = "left_by_request"           // an operator took the bot out before it recorded
	BotRemoved                = "bot_removed"               // a participant removed the bot
	BotProviderUnavailable    = "provider_unavailable"      // the bot provider refused to create a bot
	BotExternalMeetingNoToken = "external_meeting_no_token" // a meeting outside the tenant's Zoom account, and no OBF token or ZAK
	BotEndedUnknown           = "ended_unknown"             // the provider ended the bot with a sub code we do not know
)

// Sub codes meetvault adds where the provider has none.
const (
	SubCodeConsentTimeout     = "meetvault_consent_timeout"      // our consent timeout expired
	SubCodeWaitingRoomTimeout = "meetvault_waiting_room_timeout" // our waiting-room deadline expired
	SubCodeLeaveRequested     = "meetvault_leave_requested"      // starter bot leave
	SubCodeProviderError      = "meetvault_provider_error"       // bot creation failed at the provider
	SubCodeMaxDuration        = "meetvault_max_duration"         // the bot stayed longer than policy allows
	SubCodeNoOBFToken         = "meetvault_no_obf_token"         // bot creation found no OBF token or ZAK for an outside meeting
)

// The names the bot-creation activity and the provider use for a meeting
// outside the tenant's account that the bot cannot join without an OBF
// token or ZAK.
const (
	errTypeBotExternalMeetingNoToken = activities.BotExternalMeetingNoToken
	subCodeZoomOBFTokenRequired      = botprovider.SubCodeZoomOBFTokenRequired
)

// BotPolicy tunes a MeetingBot; zero fields take the defaults.
type BotPolicy struct {
	// ConsentTimeout is how long the bot waits in the call for recording
	// permission before the consent ladder moves on (default 10m).
	ConsentTimeout time.Duration `json:"consent_timeout,omitempty"`
	// WaitingRoomTimeout is how long the bot waits to be admitted (default 20m).
	WaitingRoomTimeout time.Duration `json:"waiting_room_timeout,omitempty"`
	// OnSettingsDenial is "leave" (default: after the chat message) or
	// "wait" (stay until the consent timeout in case the host fixes the
	// setting and grants permission).
	OnSettingsDenial string `json:"on_settings_denial,omitempty"`
	// ReaskAfterDenial is how many times a host who said no is asked again
	// (by a fresh bot); default 0: a denial is final.
	ReaskAfterDenial int `json:"reask_after_denial,omitempty"`
	// MaxJoinAttempts bounds bots created for zoom_internal_error (default 3),
	// JoinRetryInterval is the first wait between them (default 30s, doubling).
	MaxJoinAttempts   int           `json:"max_join_attempts,omitempty"`
	JoinRetryInterval time.Duration `json:"join_retry_interval,omitempty"`
	// NoJoinToken never uses the host's OAuth connection.
	NoJoinToken bool `json:"no_join_token,omitempty"`
	// PollInterval: the provider is polled when no status arrived for this
	// long, so a lost webhook never strands the workflow (default 30s).
	PollInterval time.Duration `json:"poll_interval,omitempty"`
	// MaxDuration takes the bot out after this long in the call (default 6h).
	MaxDuration time.Duration `json:"max_duration,omitempty"`
	// SettingsHelpURL is linked in the chat message about settings (default:
	// the worker's MEETVAULT_BOT_SETTINGS_HELP_URL).
	SettingsHelpURL string `json:"settings_help_url,omitempty"`
}

// WithDefaults fills in the zero fields.
func (p BotPolicy) WithDefaults() BotPolicy {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&p.ConsentTimeout, 10*time.Minute)
	def(&p.WaitingRoomTimeout, 20*time.Minute)
	def(&p.JoinRetryInterval, 30*time.Second)
	def(&p.PollInterval, 30*time.Second)
	def(&p.MaxDuration, 6*time.Hour)
	if p.OnSettingsDenial != "wait" {
		p.OnSettingsDenial = "leave"
	}
	if p.MaxJoinAttempts <= 0 {
		p.MaxJoinAttempts = 3
	}
	if p.ReaskAfterDenial < 0 {
		p.ReaskAfterDenial = 0
	}
	return p
}

// MeetingBotInput starts a MeetingBot.
type MeetingBotInput struct {
	TenantID   string `json:"tenant_id"`
	MeetingURL string `json:"meeting_url"`
	// MeetingID is the Zoom meeting number (from the URL); it names the workflow.
	MeetingID string    `json:"meeting_id"`
	BotName   string    `json:"bot_name,omitempty"`
	JoinAt    time.Time `json:"join_at,omitzero"`
	// OnBehalfOf names the tenant user (Zoom user id or e-mail) who sends
	// the bot: for a meeting outside the tenant's account the bot joins
	// with that user's OBF token (or ZAK), minted through their Zoom OAuth
	// connection.
	OnBehalfOf string    `json:"on_behalf_of,omitempty"`
	Policy     BotPolicy `json:"policy,omitzero"`
	// State is the whole state a run continued as new with; callers leave
	// it nil.
	State *meetingBotState `json:"state,omitempty"`

	// Deprecated: Resume and Carry are what runs of the previous release
	// continued as new with; a new run still reads them (legacyState), none
	// writes them. Remove them with BotCarry.
	Resume *BotState `json:"resume,omitempty"`
	Carry  *BotCarry `json:"carry,omitempty"`
}

// BotCarry is what a MeetingBot of the previous release carried beside
// its BotState through continue-as-new.
//
// Deprecated: read only, by legacyState.
type BotCarry struct {
	PhaseSince time.Time `json:"phase_since"` // when the current phase began
	// LatestAt is the provider time of the newest status applied.
	LatestAt   time.Time   `json:"latest_at"`
	Recorded   bool        `json:"recorded,omitempty"`    // the current bot recorded
	ChatSent   bool        `json:"chat_sent,omitempty"`   // the settings chat message went out
	LeaveAsked bool        `json:"leave_asked,omitempty"` // LeaveBot was called for the current bot
	CallEnded  bool        `json:"call_ended,omitempty"`
	Pending    *BotOutcome `json:"pending,omitempty"` // how it ends unless a bot recorded
	// AnyRecorded and RecordedBot: some bot of this workflow recorded, and
	// which one's media gets archived.
	AnyRecorded bool   `json:"any_recorded,omitempty"`
	RecordedBot string `json:"recorded_bot,omitempty"`
}

// BotStatusEntry is one status change the workflow saw (webhook or poll).
type BotStatusEntry struct {
	BotID   string    `json:"bot_id"`
	Code    string    `json:"code"`
	SubCode string    `json:"sub_code,omitempty"`
	Message string    `json:"message,omitempty"`
	At      time.Time `json:"at,omitzero"`
	Via     string    `json:"via"` // webhook | poll
}

// BotEvent is something the workflow did (create a bot, send a chat message,
// fall back to a join token, leave, archive).
type BotEvent struct {
	At   time.Time `json:"at"`
	What string    `json:"what"`
}

// BotOutcome is how a MeetingBot ended.
type BotOutcome struct {
	State   string `json:"state"`
	SubCode string `json:"sub_code,omitempty"`
	// Message says what happened; Advice what to do about it.
	Message string `json:"message"`
	Advice  string `json:"advice,omitempty"`
}

// BotState answers QueryBotState; the final one is the workflow's result.
type BotState struct {
	TenantID  string `json:"tenant_id"`
	MeetingID string `json:"meeting_id"`
	Phase     string `json:"phase"`
	// BotID is the current bot; Bots every bot created, in order.
	BotID string   `json:"bot_id,omitempty"`
	Bots  []string `json:"bots,omitempty"`
	// LastStatus is the provider's latest status code of the current bot.
	LastStatus string `json:"last_status,omitempty"`
	// JoinToken tells whether the current bot was given the host's join
	// token (OAuth) instead of asking for permission.
	JoinToken bool `json:"join_token"`
	// HostConnected: the meeting's host has connected Zoom OAuth.
	HostConnected bool             `json:"host_connected"`
	History       []BotStatusEntry `json:"history"`
	Events        []BotEvent       `json:"events"`
	ChatMessages  []string         `json:"chat_messages,omitempty"`
	// Archive is the archive of the bot's media (when recorded).
	Archive *ArchiveMeetingResult `json:"archive,omitempty"`
	// Outcome is set once the workflow has ended (or decided how it ends).
	Outcome *BotOutcome `json:"outcome,omitempty"`

	// Counters of the ladder.
	JoinAttempts  int  `json:"join_attempts"`
	Reasks        int  `json:"reasks"`
	FallbackTried bool `json:"fallback_tried"`
}

// MeetingBotResult is the final BotState.
type MeetingBotResult = BotState
