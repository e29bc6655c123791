package workflows

import (
	"fmt"
	"time"

	"github.com/meetvault/meetvault/botprovider"
)

// The outcomes a MeetingBot ends with, and the texts users act on. Each
// constructor is the one place its message and advice are written.

const defaultSettingsHelpURL = "https://support.zoom.com/hc/en/article?id=zm_kb&sysparm_article=KB0063640"

const unknownSubCodeAdvice = "unrecognised sub code from the bot provider; the raw code is kept"

// settingsDenials are the denials the host's settings cause, with the
// setting to name in the chat message.
var settingsDenials = map[string]string{
	botprovider.SubCodeZoomLocalRecordingDisabled: `"Local recording" (Settings › Recording › Record to computer files) ` +
		`is turned off in your Zoom settings`,
	botprovider.SubCodeZoomLocalRecordingRequestDisabled: `your Zoom settings do not let participants request permission to ` +
		`record locally (Settings › Recording › Local recording › "Hosts can give participants the permission to record locally")`,
	botprovider.SubCodeZoomLocalRecordingRequestDisabledByHost: `recording requests are turned off in this meeting ` +
		`(in the meeting: Security or Participants › allow participants to request recording permission)`,
}

// plainDenials are a host saying no.
var plainDenials = map[string]bool{
	botprovider.SubCodeZoomLocalRecordingDenied:              true,
	botprovider.SubCodeZoomLocalRecordingRequestDeniedByHost: true,
	"": true,
}

func settingsBlocked(sub, setting, helpURL string) *BotOutcome {
	return &BotOutcome{State: BotSettingsBlocked, SubCode: sub,
		Message: "the host's Zoom settings block local recording: " + setting,
		Advice: botprovider.DescribeSubCode(sub) + "; instructions: " + helpURL +
			". A join token does not change settings, so none was tried."}
}

func hostDenied(sub string) *BotOutcome {
	return &BotOutcome{State: BotHostDenied, SubCode: orDefault(sub, botprovider.SubCodeZoomLocalRecordingDenied),
		Message: "the host declined the recording request; the decision is respected and the bot left",
		Advice:  "nothing to fix: ask the host before the meeting if it should be recorded"}
}

// unknownDenial: a denial sub code we do not know; the raw code is kept.
func unknownDenial(s BotStatusEntry) *BotOutcome {
	return &BotOutcome{State: BotEndedUnknown, SubCode: s.SubCode,
		Message: "recording permission denied: " + orDefault(s.Message, s.SubCode),
		Advice: orDefault(botprovider.DescribeSubCode(s.SubCode),
			"unrecognised sub code from the bot provider; see the provider's documentation for "+s.SubCode)}
}

func hostNotPresent(hostInCall bool, timeout time.Duration, tenant string) *BotOutcome {
	out := &BotOutcome{State: BotHostNotPresent, SubCode: botprovider.SubCodeZoomHostNotPresent,
		Message: fmt.Sprintf("no participant with the host role granted recording within %s", timeout),
		Advice: "the host must join signed in to the Zoom account that owns the meeting " +
			"(a host signed into another account has no host role), or make an alternative host who attends; " +
			"or have the host connect Zoom OAuth (starter host connect --tenant " + tenant + ") " +
			"so bots record their meetings with a join token, without a dialog"}
	if hostInCall {
		out.SubCode = SubCodeConsentTimeout
		out.Message = fmt.Sprintf("the host was in the meeting but did not answer the recording request within %s", timeout)
	}
	return out
}

func leftByRequest(reason string) *BotOutcome {
	return &BotOutcome{State: BotLeftByRequest, SubCode: SubCodeLeaveRequested,
		Message: "an operator took the bot out of the meeting before it recorded" + suffix(reason)}
}

func providerUnavailable(err error) *BotOutcome {
	return &BotOutcome{State: BotProviderUnavailable, SubCode: SubCodeProviderError,
		Message: "the bot provider did not create a bot: " + errMessage(err),
		Advice: "check MEETVAULT_BOT_API_URL / MEETVAULT_BOT_API_KEY and the provider's status, " +
			"then start the bot again (starter bot join)"}
}

// externalMeetingNoToken: the meeting is outside the tenant's Zoom account
// and the bot has no OBF token or ZAK, so Zoom does not let it in (since
// March 2026). Found by CreateBot (sub SubCodeNoOBFToken) or reported by
// the provider (zoom_obf_token_required). No retry helps until a user
// connects Zoom OAuth with the token scope.
func externalMeetingNoToken(sub, detail, tenant string) *BotOutcome {
	return &BotOutcome{State: BotExternalMeetingNoToken, SubCode: sub,
		Message: "the bot cannot join a meeting outside the tenant's Zoom account without an on-behalf-of (OBF) token or ZAK, " +
			"and none can be had" + suffix(detail),
		Advice: "the meeting's host, or a user of the tenant who attends the meeting, must connect Zoom OAuth " +
			"granting the scope user:read:token (starter host connect --tenant " + tenant + "), then send the bot again"}
}

// callEndedOutcome is how a call that ended before the bot recorded ends
// the workflow, by the provider's sub code.
func callEndedOutcome(s BotStatusEntry) *BotOutcome {
	advice := botprovider.DescribeSubCode(s.SubCode)
	switch s.SubCode {
	case botprovider.SubCodeTimeoutExceededWaitingRoom:
		return &BotOutcome{State: BotWaitingRoomTimeout, SubCode: s.SubCode,
			Message: "nobody admitted the bot from the waiting room",
			Advice:  advice + "; or connect the host's Zoom OAuth so the join token bypasses the waiting room"}
	case botprovider.SubCodeTimeoutExceededInCallNotRecording, botprovider.SubCodeTimeoutExceededNooneJoined:
		return &BotOutcome{State: BotHostNotPresent, SubCode: s.SubCode,
			Message: "the bot never got recording permission before the provider's timeout", Advice: advice}
	case botprovider.SubCodeTimeoutExceededRecordingPermissionDenied:
		return &BotOutcome{State: BotHostDenied, SubCode: s.SubCode,
			Message: "the bot left after recording permission was denied", Advice: advice}
	case botprovider.SubCodeCallEndedByHost, "call_ended_by_platform_idle", "call_ended_by_platform_max_length":
		return &BotOutcome{State: BotMeetingEnded, SubCode: s.SubCode,
			Message: "the meeting ended before the bot could record",
			Advice:  "start the bot earlier, or have the host grant recording sooner (or connect Zoom OAuth)"}
	case botprovider.SubCodeBotKickedFromCall:
		return &BotOutcome{State: BotRemoved, SubCode: s.SubCode,
			Message: "a participant removed the bot from the meeting", Advice: advice}
	case botprovider.SubCodeBotReceivedLeaveCall:
		return &BotOutcome{State: BotLeftByRequest, SubCode: s.SubCode, Message: "the bot was asked to leave before it recorded"}
	}
	return &BotOutcome{State: BotEndedUnknown, SubCode: s.SubCode,
		Message: "the call ended: " + orDefault(s.Message, orDefault(s.SubCode, "no reason given")),
		Advice:  orDefault(advice, unknownSubCodeAdvice)}
}

// fatalOutcome is how a bot that failed before recording ends the
// workflow, by the provider's sub code.
func fatalOutcome(s BotStatusEntry, joinAttempts int, tenant string) *BotOutcome {
	if s.SubCode == subCodeZoomOBFTokenRequired {
		return externalMeetingNoToken(s.SubCode, s.Message, tenant)
	}
	msg := "the bot could not join the meeting: " + orDefault(s.Message, orDefault(s.SubCode, "fatal error"))
	if s.SubCode == botprovider.SubCodeZoomInternalError {
		msg = fmt.Sprintf("Zoom failed internally on each of %d join attempts", joinAttempts)
	}
	advice := botprovider.DescribeSubCode(s.SubCode)
	if advice == "" {
		return &BotOutcome{State: BotEndedUnknown, SubCode: s.SubCode, Message: msg, Advice: unknownSubCodeAdvice}
	}
	return &BotOutcome{State: BotJoinFailed, SubCode: s.SubCode, Message: msg, Advice: advice}
}
