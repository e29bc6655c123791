package workflows

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/meetvault/meetvault/activities"
	"github.com/meetvault/meetvault/botprovider"
)

// MeetingBot runs one meeting bot through its lifecycle: create the bot →
// (waiting room) → in the call → consent → recording → call ended → archive
// the bot's media → done. Status changes arrive as signals from the bot
// webhook handler and are polled when none arrive for a while, so a lost
// webhook never strands the workflow. Consent follows the ladder:
//
//   - a host who connected Zoom OAuth and hosts the meeting: the bot gets a
//     join token for local recording and records without a dialog;
//   - otherwise the bot asks, and the workflow waits up to the consent
//     timeout for recording_permission_allowed / _denied;
//   - nobody with the host role answers: at the timeout, fall back to a join
//     token if one can be had by then (a fresh bot), else end host_not_present;
//   - a denial caused by the host's Zoom settings: one chat message naming
//     the setting and linking the fix, then leave (or wait, per policy); a
//     join token does not fix settings, so none is tried;
//   - a plain denial is respected: asked again only as often as the policy
//     allows (default never).
//
// Every end is one of the Bot* outcomes with a sub code and an actionable
// message; the workflow completes with its BotState either way.
func MeetingBot(ctx workflow.Context, in MeetingBotInput) (MeetingBotResult, error) {
	w := &meetingBot{in: in, pol: in.Policy.WithDefaults(), seen: map[string]bool{}}
	if in.Resume != nil {
		w.st = *in.Resume
		if in.Carry != nil {
			w.cur = *in.Carry
		}
		for _, h := range w.st.History {
			w.seen[statusKey(h.BotID, h.Code, h.SubCode, h.At)] = true
		}
	} else {
		w.st = BotState{TenantID: in.TenantID, MeetingID: in.MeetingID, Phase: BotPhaseJoining}
	}
	return w.run(ctx)
}

type meetingBot struct {
	in  MeetingBotInput
	pol BotPolicy
	st  BotState
	// seen dedupes statuses arriving by webhook and by poll.
	seen map[string]bool

	// cur is the lifecycle state beyond BotState, carried across
	// continue-as-new.
	cur          BotCarry
	lastStatusAt time.Time // last status received (webhook or poll)
}

// botHistoryLimit is the history length at which a MeetingBot continues as
// new (a long meeting polled for hours).
const botHistoryLimit = 8000

func (w *meetingBot) run(ctx workflow.Context) (MeetingBotResult, error) {
	if err := workflow.SetQueryHandler(ctx, QueryBotState, func() (BotState, error) { return w.st, nil }); err != nil {
		return w.st, err
	}
	w.upsert(ctx)
	if w.st.BotID == "" {
		plan := w.plan(ctx)
		if !w.newBot(ctx, plan.HostConnected && !w.pol.NoJoinToken && !plan.LocalRecordingOff, plan) {
			return w.finish(ctx)
		}
	} else {
		w.lastStatusAt = workflow.Now(ctx)
	}
	statusCh := workflow.GetSignalChannel(ctx, SignalBotStatus)
	leaveCh := workflow.GetSignalChannel(ctx, SignalBotLeave)
	for w.st.Outcome == nil {
		if workflow.GetInfo(ctx).GetContinueAsNewSuggested() || workflow.GetInfo(ctx).GetCurrentHistoryLength() > botHistoryLimit {
			w.drain(ctx, statusCh)
			if w.st.Outcome == nil {
				in := w.in
				st, carry := w.st, w.cur
				in.Resume, in.Carry = &st, &carry
				return w.st, workflow.NewContinueAsNewError(ctx, MeetingBot, in)
			}
			break
		}
		tctx, cancel := workflow.WithCancel(ctx)
		sel := workflow.NewSelector(ctx)
		var sig BotStatusSignal
		gotStatus, gotLeave, polled, deadline := false, false, false, false
		sel.AddReceive(statusCh, func(c workflow.ReceiveChannel, _ bool) { c.Receive(ctx, &sig); gotStatus = true })
		var leave BotLeaveSignal
		sel.AddReceive(leaveCh, func(c workflow.ReceiveChannel, _ bool) { c.Receive(ctx, &leave); gotLeave = true })
		pollIn := w.pol.PollInterval - workflow.Now(ctx).Sub(w.lastStatusAt)
		if pollIn < time.Second {
			pollIn = time.Second
		}
		sel.AddFuture(workflow.NewTimer(tctx, pollIn), func(workflow.Future) { polled = true })
		if d, ok := w.deadline(); ok {
			wait := d.Sub(workflow.Now(ctx))
			if wait < time.Millisecond {
				wait = time.Millisecond
			}
			sel.AddFuture(workflow.NewTimer(tctx, wait), func(workflow.Future) { deadline = true })
		}
		sel.Select(ctx)
		cancel()
		switch {
		case gotStatus:
			w.onStatus(ctx, BotStatusEntry{BotID: sig.BotID, Code: sig.Code, SubCode: sig.SubCode, Message: sig.Message, At: sig.At, Via: "webhook"})
		case gotLeave:
			w.onLeaveRequest(ctx, leave)
		case polled:
			w.poll(ctx)
		case deadline:
			w.onDeadline(ctx)
		}
	}
	return w.finish(ctx)
}

// drain handles signals already delivered (before continue-as-new).
func (w *meetingBot) drain(ctx workflow.Context, ch workflow.ReceiveChannel) {
	var sig BotStatusSignal
	for w.st.Outcome == nil && ch.ReceiveAsync(&sig) {
		w.onStatus(ctx, BotStatusEntry{BotID: sig.BotID, Code: sig.Code, SubCode: sig.SubCode, Message: sig.Message, At: sig.At, Via: "webhook"})
		sig = BotStatusSignal{}
	}
}

func (w *meetingBot) actx(ctx workflow.Context, attempts int32) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 30 * time.Second,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: 30 * time.Second,
			MaximumAttempts: attempts, NonRetryableErrorTypes: append([]string{activities.ErrBotsDisabled, activities.ErrBotRejected, activities.ErrBotMediaMissing}, activities.NonRetryable...),
		},
	})
}

// plan asks whether the meeting's host connected Zoom OAuth.
func (w *meetingBot) plan(ctx workflow.Context) activities.PlanBotResult {
	var plan activities.PlanBotResult
	if w.pol.NoJoinToken {
		return plan
	}
	if err := workflow.ExecuteActivity(w.actx(ctx, 5), a.PlanBot, activities.PlanBotInput{
		TenantID: w.in.TenantID, MeetingID: w.in.MeetingID,
	}).Get(ctx, &plan); err != nil {
		// Without the host lookup the bot still asks for consent.
		w.event(ctx, "host lookup failed, asking for consent instead: "+errMessage(err))
		return activities.PlanBotResult{}
	}
	w.st.HostConnected = plan.HostConnected
	if plan.Note != "" {
		w.event(ctx, plan.Note)
	}
	if plan.LocalRecordingOff {
		w.event(ctx, "the connected host's local recording setting is off: a join token cannot record, asking for consent")
	}
	return plan
}

// newBot creates a bot (with the host's join token when useToken). It
// reports false when the workflow must end (an outcome is set).
func (w *meetingBot) newBot(ctx workflow.Context, useToken bool, plan activities.PlanBotResult) bool {
	now := workflow.Now(ctx)
	in := activities.CreateBotInput{
		TenantID: w.in.TenantID, WorkflowID: workflow.GetInfo(ctx).WorkflowExecution.ID,
		MeetingURL: w.in.MeetingURL, MeetingID: w.in.MeetingID, BotName: w.in.BotName,
		WaitingRoomTimeout: int(w.pol.WaitingRoomTimeout / time.Second),
		// The workflow acts on its own consent timeout; the provider's
		// timeout is a backstop.
		InCallNotRecordingTimeout: int((w.pol.ConsentTimeout + 5*time.Minute) / time.Second),
		// Leave time for the chat message after a settings denial.
		PermissionDeniedTimeout: 120,
	}
	if w.pol.OnSettingsDenial == "wait" {
		in.PermissionDeniedTimeout = int((w.pol.ConsentTimeout + time.Minute) / time.Second)
	}
	if w.in.JoinAt.After(now) && len(w.st.Bots) == 0 {
		in.JoinAt = w.in.JoinAt
	}
	if useToken {
		in.JoinTokenUser = plan.HostZoomUserID
		in.LinkExpires = now.Add(w.pol.MaxDuration + w.pol.WaitingRoomTimeout)
		if in.JoinAt.After(now) {
			in.LinkExpires = in.JoinAt.Add(w.pol.MaxDuration + w.pol.WaitingRoomTimeout)
		}
	}
	var res activities.CreateBotResult
	w.st.JoinAttempts++
	// One key per bot this workflow sends: an activity retry after a lost
	// answer gets the same bot back instead of a second bot in the meeting.
	info := workflow.GetInfo(ctx)
	in.IdempotencyKey = fmt.Sprintf("%s/%s/%d", info.WorkflowExecution.ID, info.FirstRunID, w.st.JoinAttempts)
	if err := workflow.ExecuteActivity(w.actx(ctx, 8), a.CreateBot, in).Get(ctx, &res); err != nil {
		w.st.Outcome = &BotOutcome{State: BotProviderUnavailable, SubCode: SubCodeProviderError,
			Message: "the bot provider did not create a bot: " + errMessage(err),
			Advice:  "check MEETVAULT_BOT_API_URL / MEETVAULT_BOT_API_KEY and the provider's status, then start the bot again (starter bot join)"}
		return false
	}
	w.st.BotID = res.BotID
	w.st.Bots = append(w.st.Bots, res.BotID)
	w.st.JoinToken = useToken
	w.st.LastStatus = ""
	w.cur = BotCarry{AnyRecorded: w.cur.AnyRecorded, RecordedBot: w.cur.RecordedBot}
	w.cur.PhaseSince, w.lastStatusAt = now, now
	w.setPhase(ctx, BotPhaseJoining)
	how := "asking the host for consent"
	if useToken {
		how = "with " + plan.HostEmail + "'s join token for local recording (no consent dialog)"
	}
	w.event(ctx, fmt.Sprintf("bot %s created (attempt %d), %s", res.BotID, w.st.JoinAttempts, how))
	// Webhooks the provider sent before the bot was registered were
	// ignored by the ingress: read what happened so far.
	w.poll(ctx)
	return true
}

// deadline is when the current phase times out.
func (w *meetingBot) deadline() (time.Time, bool) {
	switch {
	case w.cur.LeaveAsked || w.cur.CallEnded:
		// The provider confirms the end; if it never does, stop waiting.
		return w.cur.PhaseSince.Add(3 * time.Minute), true
	case w.st.Phase == BotPhaseWaitingRoom:
		return w.cur.PhaseSince.Add(w.pol.WaitingRoomTimeout + time.Minute), true
	case w.st.Phase == BotPhaseAwaitingConsent:
		return w.cur.PhaseSince.Add(w.pol.ConsentTimeout), true
	case w.st.Phase == BotPhaseRecording:
		return w.cur.PhaseSince.Add(w.pol.MaxDuration), true
	}
	return time.Time{}, false
}

func (w *meetingBot) onDeadline(ctx workflow.Context) {
	switch {
	case w.cur.LeaveAsked || w.cur.CallEnded:
		w.event(ctx, "the provider did not confirm the end of the call; finishing without it")
		w.conclude(ctx)
	case w.st.Phase == BotPhaseWaitingRoom:
		w.leave(ctx, &BotOutcome{State: BotWaitingRoomTimeout, SubCode: SubCodeWaitingRoomTimeout,
			Message: fmt.Sprintf("nobody admitted the bot from the waiting room within %s", w.pol.WaitingRoomTimeout)})
	case w.st.Phase == BotPhaseAwaitingConsent:
		w.onConsentTimeout(ctx)
	case w.st.Phase == BotPhaseRecording:
		w.event(ctx, fmt.Sprintf("the bot recorded for the policy's maximum of %s; leaving", w.pol.MaxDuration))
		w.leave(ctx, nil)
	}
}

// onConsentTimeout: no answer from a host. Fall back to a join token when
// one can be had now (a fresh bot), else end host_not_present.
func (w *meetingBot) onConsentTimeout(ctx workflow.Context) {
	if w.cur.Pending != nil {
		w.leave(ctx, nil) // a settings denial waited out per policy
		return
	}
	if !w.st.JoinToken && !w.st.FallbackTried && !w.pol.NoJoinToken {
		w.st.FallbackTried = true
		plan := w.plan(ctx)
		if plan.HostConnected && !plan.LocalRecordingOff {
			w.event(ctx, fmt.Sprintf("no consent within %s; falling back to the host's join token with a fresh bot", w.pol.ConsentTimeout))
			w.leaveQuietly(ctx)
			w.newBot(ctx, true, plan)
			return
		}
	}
	host := w.hostPresent(ctx)
	msg := fmt.Sprintf("no participant with the host role granted recording within %s", w.pol.ConsentTimeout)
	if host {
		msg = fmt.Sprintf("the host was in the meeting but did not answer the recording request within %s", w.pol.ConsentTimeout)
	}
	sub := botprovider.SubCodeZoomHostNotPresent
	if host {
		sub = SubCodeConsentTimeout
	}
	w.leave(ctx, &BotOutcome{State: BotHostNotPresent, SubCode: sub, Message: msg,
		Advice: "the host must join signed in to the Zoom account that owns the meeting (a host signed into another account has no host role), " +
			"or make an alternative host who attends; or have the host connect Zoom OAuth (starter host connect --tenant " + w.in.TenantID +
			") so bots record their meetings with a join token, without a dialog"})
}

// hostPresent polls the provider for a participant with the host role.
func (w *meetingBot) hostPresent(ctx workflow.Context) bool {
	var res activities.BotStatusResult
	if err := workflow.ExecuteActivity(w.actx(ctx, 3), a.GetBotStatus, activities.BotStatusInput{BotID: w.st.BotID}).Get(ctx, &res); err != nil {
		return false
	}
	return res.HostPresent
}

// poll reads the provider's status history (the fallback for lost webhooks).
func (w *meetingBot) poll(ctx workflow.Context) {
	w.lastStatusAt = workflow.Now(ctx)
	bot := w.st.BotID
	var res activities.BotStatusResult
	if err := workflow.ExecuteActivity(w.actx(ctx, 3), a.GetBotStatus, activities.BotStatusInput{BotID: bot}).Get(ctx, &res); err != nil {
		w.event(ctx, "polling the provider failed (will retry): "+errMessage(err))
		return
	}
	for _, s := range res.Statuses {
		if w.st.Outcome != nil || w.st.BotID != bot {
			return
		}
		w.onStatus(ctx, BotStatusEntry{BotID: bot, Code: s.Code, SubCode: s.SubCode, Message: s.Message, At: s.At, Via: "poll"})
	}
}

// fillHistory adds statuses of the current bot that no webhook or poll
// brought (a lost webhook between others) to the history, without acting on
// them: the lifecycle is over.
func (w *meetingBot) fillHistory(ctx workflow.Context) {
	var res activities.BotStatusResult
	if err := workflow.ExecuteActivity(w.actx(ctx, 2), a.GetBotStatus, activities.BotStatusInput{BotID: w.st.BotID}).Get(ctx, &res); err != nil {
		return
	}
	for _, s := range res.Statuses {
		key := statusKey(w.st.BotID, s.Code, s.SubCode, s.At)
		if w.seen[key] {
			continue
		}
		w.seen[key] = true
		w.insertHistory(BotStatusEntry{BotID: w.st.BotID, Code: s.Code, SubCode: s.SubCode, Message: s.Message, At: s.At, Via: "poll"})
	}
}

// insertHistory keeps the history in the provider's order.
func (w *meetingBot) insertHistory(s BotStatusEntry) {
	i := len(w.st.History)
	for i > 0 && s.At.Before(w.st.History[i-1].At) {
		i--
	}
	w.st.History = append(w.st.History[:i], append([]BotStatusEntry{s}, w.st.History[i:]...)...)
}

func statusKey(bot, code, sub string, at time.Time) string {
	return bot + "|" + code + "|" + sub + "|" + at.UTC().Truncate(time.Millisecond).Format(time.RFC3339Nano)
}

// onStatus applies one provider status of the current bot.
func (w *meetingBot) onStatus(ctx workflow.Context, s BotStatusEntry) {
	if s.BotID != w.st.BotID || s.Code == "" {
		return // an earlier bot of this workflow, or noise
	}
	w.lastStatusAt = workflow.Now(ctx)
	key := statusKey(s.BotID, s.Code, s.SubCode, s.At)
	if w.seen[key] {
		return
	}
	w.seen[key] = true
	// Webhooks and polls interleave: a status older than one already
	// applied is kept in the history but does not move the phase back.
	stale := !s.At.IsZero() && s.At.Before(w.cur.LatestAt)
	w.insertHistory(s)
	if !stale {
		w.cur.LatestAt = s.At
		w.st.LastStatus = s.Code
	}
	w.upsert(ctx)

	switch s.Code {
	case botprovider.StatusJoiningCall:
		if !w.cur.LeaveAsked && !stale {
			w.setPhase(ctx, BotPhaseJoining)
		}
	case botprovider.StatusInWaitingRoom:
		if !w.cur.LeaveAsked && !stale && w.st.Phase != BotPhaseWaitingRoom {
			w.setPhase(ctx, BotPhaseWaitingRoom)
		}
	case botprovider.StatusInCallNotRecording:
		if !w.cur.LeaveAsked && !stale && w.st.Phase != BotPhaseAwaitingConsent && w.cur.Pending == nil {
			w.setPhase(ctx, BotPhaseAwaitingConsent)
		}
	case botprovider.StatusInCallRecording:
		w.cur.Recorded, w.cur.AnyRecorded, w.cur.RecordedBot = true, true, s.BotID
		if !w.cur.LeaveAsked {
			w.cur.Pending = nil // a later grant wins over a denial we were waiting out
			w.setPhase(ctx, BotPhaseRecording)
		}
	case botprovider.StatusRecordingDone:
		w.cur.Recorded, w.cur.AnyRecorded, w.cur.RecordedBot = true, true, s.BotID
	case botprovider.StatusRecordingPermissionDenied:
		w.onDenied(ctx, s)
	case botprovider.StatusCallEnded:
		w.onCallEnded(ctx, s)
	case botprovider.StatusDone:
		w.conclude(ctx)
	case botprovider.StatusFatal:
		w.onFatal(ctx, s)
	}
}

// settingsDenials are the denials the host's settings cause, with the
// setting to name in the chat message.
var settingsDenials = map[string]string{
	botprovider.SubCodeZoomLocalRecordingDisabled:              `"Local recording" (Settings › Recording › Record to computer files) is turned off in your Zoom settings`,
	botprovider.SubCodeZoomLocalRecordingRequestDisabled:       `your Zoom settings do not let participants request permission to record locally (Settings › Recording › Local recording › "Hosts can give participants the permission to record locally")`,
	botprovider.SubCodeZoomLocalRecordingRequestDisabledByHost: `recording requests are turned off in this meeting (in the meeting: Security or Participants › allow participants to request recording permission)`,
}

// plainDenials are a host saying no.
var plainDenials = map[string]bool{
	botprovider.SubCodeZoomLocalRecordingDenied:              true,
	botprovider.SubCodeZoomLocalRecordingRequestDeniedByHost: true,
	"": true,
}

func (w *meetingBot) onDenied(ctx workflow.Context, s BotStatusEntry) {
	if w.cur.LeaveAsked || w.st.Outcome != nil {
		return
	}
	if setting, ok := settingsDenials[s.SubCode]; ok {
		w.sendSettingsChat(ctx, setting)
		out := &BotOutcome{State: BotSettingsBlocked, SubCode: s.SubCode,
			Message: "the host's Zoom settings block local recording: " + setting,
			Advice: botprovider.DescribeSubCode(s.SubCode) + "; instructions: " + w.helpURL() +
				". A join token does not change settings, so none was tried."}
		if w.pol.OnSettingsDenial == "wait" {
			w.cur.Pending = out // keep waiting until the consent timeout, in case the host fixes it
			w.event(ctx, "settings denial: waiting for the host to fix the setting, per policy")
			return
		}
		w.leave(ctx, out)
		return
	}
	switch {
	case s.SubCode == botprovider.SubCodeZoomHostNotPresent:
		w.onConsentTimeout(ctx)
		return
	case s.SubCode == botprovider.SubCodeZoomBotInWaitingRoom:
		w.leave(ctx, &BotOutcome{State: BotWaitingRoomTimeout, SubCode: s.SubCode,
			Message: "the bot was still in the waiting room when recording was requested", Advice: botprovider.DescribeSubCode(s.SubCode)})
		return
	case plainDenials[s.SubCode]:
		if w.st.Reasks < w.pol.ReaskAfterDenial {
			w.st.Reasks++
			w.event(ctx, fmt.Sprintf("the host denied recording; asking again with a fresh bot (%d of %d, per policy)", w.st.Reasks, w.pol.ReaskAfterDenial))
			w.leaveQuietly(ctx)
			w.newBot(ctx, false, activities.PlanBotResult{})
			return
		}
		w.leave(ctx, &BotOutcome{State: BotHostDenied, SubCode: orDefault(s.SubCode, botprovider.SubCodeZoomLocalRecordingDenied),
			Message: "the host declined the recording request; the decision is respected and the bot left",
			Advice:  "nothing to fix: ask the host before the meeting if it should be recorded"})
		return
	}
	// A denial sub code we do not know: keep the raw code, leave cleanly.
	w.leave(ctx, &BotOutcome{State: BotEndedUnknown, SubCode: s.SubCode,
		Message: "recording permission denied: " + orDefault(s.Message, s.SubCode),
		Advice:  orDefault(botprovider.DescribeSubCode(s.SubCode), "unrecognised sub code from the bot provider; see the provider's documentation for "+s.SubCode)})
}

func (w *meetingBot) helpURL() string {
	if w.pol.SettingsHelpURL != "" {
		return w.pol.SettingsHelpURL
	}
	return "https://support.zoom.com/hc/en/article?id=zm_kb&sysparm_article=KB0063640"
}

// sendSettingsChat tells the host, once per bot, which setting blocks the
// recording and where the fix is explained.
func (w *meetingBot) sendSettingsChat(ctx workflow.Context, setting string) {
	if w.cur.ChatSent {
		return
	}
	w.cur.ChatSent = true
	msg := "Hi! This meeting's notetaker can't record because " + setting + ". To allow it, see: " + w.helpURL()
	err := workflow.ExecuteActivity(w.actx(ctx, 3), a.SendBotChat, activities.BotChatInput{
		BotID: w.st.BotID, To: botprovider.ChatToHost, Message: msg}).Get(ctx, nil)
	if err != nil {
		w.event(ctx, "the chat message about settings could not be sent: "+errMessage(err))
		return
	}
	w.st.ChatMessages = append(w.st.ChatMessages, msg)
	w.event(ctx, "chat message sent to the host naming the blocking setting")
}

func (w *meetingBot) onCallEnded(ctx workflow.Context, s BotStatusEntry) {
	w.cur.CallEnded = true
	w.cur.PhaseSince = workflow.Now(ctx)
	if w.cur.Recorded {
		w.setPhase(ctx, BotPhaseProcessing)
		return
	}
	if w.cur.Pending != nil {
		return // the outcome was decided when we chose to leave
	}
	switch s.SubCode {
	case botprovider.SubCodeTimeoutExceededWaitingRoom:
		w.cur.Pending = &BotOutcome{State: BotWaitingRoomTimeout, SubCode: s.SubCode,
			Message: "nobody admitted the bot from the waiting room", Advice: botprovider.DescribeSubCode(s.SubCode) + "; or connect the host's Zoom OAuth so the join token bypasses the waiting room"}
	case botprovider.SubCodeTimeoutExceededInCallNotRecording, botprovider.SubCodeTimeoutExceededNooneJoined:
		w.cur.Pending = &BotOutcome{State: BotHostNotPresent, SubCode: s.SubCode,
			Message: "the bot never got recording permission before the provider's timeout", Advice: botprovider.DescribeSubCode(s.SubCode)}
	case botprovider.SubCodeTimeoutExceededRecordingPermissionDenied:
		w.cur.Pending = &BotOutcome{State: BotHostDenied, SubCode: s.SubCode,
			Message: "the bot left after recording permission was denied", Advice: botprovider.DescribeSubCode(s.SubCode)}
	case botprovider.SubCodeCallEndedByHost, "call_ended_by_platform_idle", "call_ended_by_platform_max_length":
		w.cur.Pending = &BotOutcome{State: BotMeetingEnded, SubCode: s.SubCode,
			Message: "the meeting ended before the bot could record", Advice: "start the bot earlier, or have the host grant recording sooner (or connect Zoom OAuth)"}
	case botprovider.SubCodeBotKickedFromCall:
		w.cur.Pending = &BotOutcome{State: BotRemoved, SubCode: s.SubCode,
			Message: "a participant removed the bot from the meeting", Advice: botprovider.DescribeSubCode(s.SubCode)}
	case botprovider.SubCodeBotReceivedLeaveCall:
		w.cur.Pending = &BotOutcome{State: BotLeftByRequest, SubCode: s.SubCode, Message: "the bot was asked to leave before it recorded"}
	default:
		w.cur.Pending = &BotOutcome{State: BotEndedUnknown, SubCode: s.SubCode,
			Message: "the call ended: " + orDefault(s.Message, orDefault(s.SubCode, "no reason given")),
			Advice:  orDefault(botprovider.DescribeSubCode(s.SubCode), "unrecognised sub code from the bot provider; the raw code is kept")}
	}
}

func (w *meetingBot) onFatal(ctx workflow.Context, s BotStatusEntry) {
	if w.cur.Recorded {
		w.event(ctx, "the bot failed after recording ("+orDefault(s.SubCode, "no sub code")+"); archiving what was recorded")
		w.conclude(ctx)
		return
	}
	if s.SubCode == botprovider.SubCodeZoomInternalError && w.st.JoinAttempts < w.pol.MaxJoinAttempts && !w.cur.LeaveAsked {
		wait := w.pol.JoinRetryInterval << (w.st.JoinAttempts - 1)
		w.event(ctx, fmt.Sprintf("Zoom failed internally while the bot joined; retrying with a fresh bot in %s (attempt %d of %d)",
			wait, w.st.JoinAttempts+1, w.pol.MaxJoinAttempts))
		if err := workflow.Sleep(ctx, wait); err != nil {
			return
		}
		// Keep the join token if the host's connection still serves one.
		var plan activities.PlanBotResult
		if w.st.JoinToken {
			plan = w.plan(ctx)
		}
		w.newBot(ctx, plan.HostConnected && !plan.LocalRecordingOff, plan)
		return
	}
	if w.cur.Pending != nil {
		w.conclude(ctx)
		return
	}
	msg := "the bot could not join the meeting: " + orDefault(s.Message, orDefault(s.SubCode, "fatal error"))
	if s.SubCode == botprovider.SubCodeZoomInternalError {
		msg = fmt.Sprintf("Zoom failed internally on each of %d join attempts", w.st.JoinAttempts)
	}
	advice := botprovider.DescribeSubCode(s.SubCode)
	state := BotJoinFailed
	if advice == "" {
		state, advice = BotEndedUnknown, "unrecognised sub code from the bot provider; the raw code is kept"
	}
	w.cur.Pending = &BotOutcome{State: state, SubCode: s.SubCode, Message: msg, Advice: advice}
	w.conclude(ctx)
}

func (w *meetingBot) onLeaveRequest(ctx workflow.Context, sig BotLeaveSignal) {
	w.event(ctx, "leave requested"+suffix(sig.Reason))
	if w.cur.Recorded {
		w.leave(ctx, nil) // archive what was recorded
		return
	}
	w.leave(ctx, &BotOutcome{State: BotLeftByRequest, SubCode: SubCodeLeaveRequested,
		Message: "an operator took the bot out of the meeting before it recorded" + suffix(sig.Reason)})
}

// leave asks the bot to leave; out (if any) is how the workflow ends unless
// the bot recorded.
func (w *meetingBot) leave(ctx workflow.Context, out *BotOutcome) {
	if out != nil && w.cur.Pending == nil {
		w.cur.Pending = out
	}
	if w.cur.LeaveAsked || w.cur.CallEnded {
		if w.cur.CallEnded && !w.cur.Recorded {
			w.conclude(ctx)
		}
		return
	}
	w.cur.LeaveAsked = true
	w.cur.PhaseSince = workflow.Now(ctx)
	w.setPhase(ctx, BotPhaseLeaving)
	if err := workflow.ExecuteActivity(w.actx(ctx, 5), a.LeaveBot, activities.BotStatusInput{BotID: w.st.BotID}).Get(ctx, nil); err != nil {
		w.event(ctx, "asking the bot to leave failed: "+errMessage(err))
		w.conclude(ctx)
		return
	}
	w.event(ctx, "asked bot "+w.st.BotID+" to leave")
}

// leaveQuietly takes the current bot out before a replacement joins.
func (w *meetingBot) leaveQuietly(ctx workflow.Context) {
	if err := workflow.ExecuteActivity(w.actx(ctx, 5), a.LeaveBot, activities.BotStatusInput{BotID: w.st.BotID}).Get(ctx, nil); err != nil {
		w.event(ctx, "asking bot "+w.st.BotID+" to leave failed: "+errMessage(err))
	}
}

// conclude ends the lifecycle: archive the media when a bot recorded, else
// end with the pending outcome.
func (w *meetingBot) conclude(ctx workflow.Context) {
	if w.st.Outcome != nil {
		return
	}
	w.fillHistory(ctx)
	if w.cur.AnyRecorded {
		w.archive(ctx)
		return
	}
	out := w.cur.Pending
	if out == nil {
		out = &BotOutcome{State: BotMeetingEnded, SubCode: orDefault(lastSub(w.st.History), "none"),
			Message: "the bot's call ended before it recorded"}
	}
	w.st.Outcome = out
}

func lastSub(h []BotStatusEntry) string {
	for i := len(h) - 1; i >= 0; i-- {
		if h[i].SubCode != "" {
			return h[i].SubCode
		}
	}
	return ""
}

// archive streams the recorded bot's media into the archive through
// ArchiveMeeting, like a cloud recording.
func (w *meetingBot) archive(ctx workflow.Context) {
	w.setPhase(ctx, BotPhaseArchiving)
	bot := w.cur.RecordedBot
	mctx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 30 * time.Second,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval: 2 * time.Second, BackoffCoefficient: 1.5, MaximumInterval: time.Minute,
			MaximumAttempts: 60, NonRetryableErrorTypes: []string{activities.ErrBotsDisabled, activities.ErrBotRejected, activities.ErrBotMediaMissing},
		},
	})
	var media activities.BotMediaResult
	if err := workflow.ExecuteActivity(mctx, a.BotMedia, activities.BotStatusInput{BotID: bot}).Get(ctx, &media); err != nil {
		w.st.Outcome = &BotOutcome{State: BotArchiveFailed, SubCode: errType(err),
			Message: "the bot recorded, but its media could not be fetched: " + errMessage(err),
			Advice:  "check the recording at the bot provider (media is kept there for a limited time) and retry"}
		return
	}
	start := media.StartedAt
	if start.IsZero() {
		start = workflow.Now(ctx)
	}
	meetingNo, _ := parseMeetingNumber(w.in.MeetingID)
	in := ArchiveMeetingInput{TenantID: w.in.TenantID, Source: activities.SourceBot, Meeting: activities.Meeting{
		UUID: bot, ID: meetingNo, Topic: "Zoom meeting " + w.in.MeetingID + " (bot)", Type: 2, StartTime: start, Files: media.Files,
	}}
	cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
		WorkflowID: ArchiveMeetingID(w.in.TenantID, activities.SourceBot, bot),
		TypedSearchAttributes: temporal.NewSearchAttributes(
			AttrTenant.ValueSet(w.in.TenantID), AttrSource.ValueSet(activities.SourceBot),
			AttrMeetingUUID.ValueSet(bot), AttrStatus.ValueSet(StatusArchiving)),
	})
	var res ArchiveMeetingResult
	err := workflow.ExecuteChildWorkflow(cctx, ArchiveMeeting, in).Get(ctx, &res)
	var already *temporal.ChildWorkflowExecutionAlreadyStartedError
	if errors.As(err, &already) {
		err = nil // archived by an earlier run of this workflow
		res.Status = StatusArchived
	}
	w.st.Archive = &res
	switch {
	case err != nil:
		w.st.Outcome = &BotOutcome{State: BotArchiveFailed, SubCode: errType(err),
			Message: "the bot recorded, but archiving failed: " + errMessage(err), Advice: "see the archive workflow " + ArchiveMeetingID(w.in.TenantID, activities.SourceBot, bot)}
	case res.Status == StatusArchived:
		w.st.Outcome = &BotOutcome{State: BotArchived, SubCode: "recorded",
			Message: fmt.Sprintf("recorded and archived %d file(s), %d bytes", res.FilesArchived+res.FilesAlreadyArchived, res.BytesArchived)}
		if w.cur.Pending != nil {
			w.st.Outcome.Message += " (then: " + w.cur.Pending.Message + ")"
		}
	default:
		reason := "archive_failed"
		if len(res.Failures) > 0 {
			reason = res.Failures[0].Reason
		}
		w.st.Outcome = &BotOutcome{State: BotArchiveFailed, SubCode: reason,
			Message: "the bot recorded, but its media could not be archived", Advice: "see the archive workflow " + ArchiveMeetingID(w.in.TenantID, activities.SourceBot, bot)}
	}
}

func (w *meetingBot) finish(ctx workflow.Context) (MeetingBotResult, error) {
	if w.st.Outcome == nil {
		w.st.Outcome = &BotOutcome{State: BotEndedUnknown, Message: "the workflow ended without an outcome"}
	}
	w.st.Phase = w.st.Outcome.State
	w.event(ctx, "ended: "+w.st.Outcome.State+suffix(w.st.Outcome.SubCode))
	w.upsert(ctx)
	return w.st, nil
}

func (w *meetingBot) setPhase(ctx workflow.Context, phase string) {
	if w.st.Phase == phase {
		return
	}
	w.st.Phase = phase
	w.cur.PhaseSince = workflow.Now(ctx)
	w.upsert(ctx)
}

func (w *meetingBot) upsert(ctx workflow.Context) {
	sub := ""
	if w.st.Outcome != nil {
		sub = w.st.Outcome.SubCode
	} else if n := len(w.st.History); n > 0 {
		sub = w.st.History[n-1].SubCode
	}
	_ = workflow.UpsertTypedSearchAttributes(ctx,
		AttrTenant.ValueSet(w.in.TenantID),
		AttrMeetingUUID.ValueSet(w.in.MeetingID),
		AttrStatus.ValueSet(w.st.Phase),
		AttrBotStatus.ValueSet(w.st.LastStatus),
		AttrSubCode.ValueSet(sub))
}

func (w *meetingBot) event(ctx workflow.Context, what string) {
	w.st.Events = append(w.st.Events, BotEvent{At: workflow.Now(ctx), What: what})
}

func errMessage(err error) string {
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) {
		return appErr.Message()
	}
	return err.Error()
}

func errType(err error) string {
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) && appErr.Type() != "" {
		return appErr.Type()
	}
	return "error"
}

func suffix(s string) string {
	if s == "" {
		return ""
	}
	return " (" + s + ")"
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// parseMeetingNumber reads a Zoom meeting number.
func parseMeetingNumber(s string) (int64, bool) {
	var n int64
	s = strings.ReplaceAll(s, " ", "")
	if s == "" {
		return 0, false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}
