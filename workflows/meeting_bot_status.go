package workflows

import (
	"fmt"

	"go.temporal.io/sdk/workflow"

	"github.com/meetvault/meetvault/activities"
	"github.com/meetvault/meetvault/botprovider"
)

// applyStatus moves the ladder by one provider status of the current bot.
func (w *meetingBot) applyStatus(ctx workflow.Context, s BotStatusEntry) {
	if s.BotID != w.s.BotID || s.Code == "" || w.lifecycleOver() || w.s.seen(s) {
		return // an earlier bot of this workflow, noise, or known already
	}
	// Webhooks and polls interleave: a status older than one already
	// applied is kept in the history but does not move the phase back.
	b := &w.s.Bot
	stale := !s.At.IsZero() && s.At.Before(b.LatestAt)
	w.s.insertHistory(s)
	if !stale {
		b.LatestAt = s.At
		b.LastStatus = s.Code
	}
	w.upsert(ctx)

	switch s.Code {
	case botprovider.StatusJoiningCall:
		if !b.LeaveAsked && !stale {
			w.setPhase(ctx, BotPhaseJoining)
		}
	case botprovider.StatusInWaitingRoom:
		if !b.LeaveAsked && !stale {
			w.setPhase(ctx, BotPhaseWaitingRoom)
		}
	case botprovider.StatusInCallNotRecording:
		if !b.LeaveAsked && !stale && b.Pending == nil {
			w.setPhase(ctx, BotPhaseAwaitingConsent)
		}
	case botprovider.StatusInCallRecording:
		b.Recorded, w.s.RecordedBot = true, s.BotID
		if !b.LeaveAsked {
			b.Pending = nil // a later grant wins over a denial we were waiting out
			w.setPhase(ctx, BotPhaseRecording)
		}
	case botprovider.StatusRecordingDone:
		b.Recorded, w.s.RecordedBot = true, s.BotID
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

// onDenied: a settings denial gets the chat message and ends the bot (or
// waits, per policy); a plain denial is respected (re-asked only as the
// policy allows); "no host" is the consent timeout come early.
func (w *meetingBot) onDenied(ctx workflow.Context, s BotStatusEntry) {
	if w.s.Bot.LeaveAsked {
		return
	}
	if setting, ok := settingsDenials[s.SubCode]; ok {
		w.sendSettingsChat(ctx, setting)
		out := settingsBlocked(s.SubCode, setting, w.helpURL())
		if w.pol.OnSettingsDenial == "wait" {
			w.s.Bot.Pending = out // wait until the consent timeout, in case the host fixes it
			w.event(ctx, "settings denial: waiting for the host to fix the setting, per policy")
			return
		}
		w.leave(ctx, out)
		return
	}
	switch {
	case s.SubCode == botprovider.SubCodeZoomHostNotPresent:
		w.consentTimedOut(ctx)
	case s.SubCode == botprovider.SubCodeZoomBotInWaitingRoom:
		w.leave(ctx, &BotOutcome{State: BotWaitingRoomTimeout, SubCode: s.SubCode,
			Message: "the bot was still in the waiting room when recording was requested",
			Advice:  botprovider.DescribeSubCode(s.SubCode)})
	case plainDenials[s.SubCode]:
		w.s.HostDeclined = true
		if w.s.Reasks < w.pol.ReaskAfterDenial {
			w.s.Reasks++
			w.event(ctx, fmt.Sprintf("the host denied recording; asking again with a fresh bot (%d of %d, per policy)",
				w.s.Reasks, w.pol.ReaskAfterDenial))
			w.leaveQuietly(ctx)
			w.newBot(ctx, activities.PlanBotResult{}, false)
			return
		}
		w.leave(ctx, hostDenied(s.SubCode))
	default:
		w.leave(ctx, unknownDenial(s))
	}
}

// onCallEnded: the call is over. A bot that recorded waits for its media;
// otherwise the sub code says how the workflow ends (unless a decision to
// leave already did).
func (w *meetingBot) onCallEnded(ctx workflow.Context, s BotStatusEntry) {
	b := &w.s.Bot
	b.CallEnded = true
	if b.Recorded {
		w.setPhase(ctx, BotPhaseProcessing)
	} else {
		w.setPhase(ctx, BotPhaseLeaving)
	}
	w.s.PhaseSince = workflow.Now(ctx) // the end-confirmation deadline starts now
	if b.Recorded || b.Pending != nil {
		return
	}
	b.Pending = callEndedOutcome(s)
}

// onFatal: the bot failed. What it recorded is archived; a Zoom-internal
// failure while joining gets a fresh bot (bounded, with backoff); anything
// else ends the workflow with the sub code's outcome.
func (w *meetingBot) onFatal(ctx workflow.Context, s BotStatusEntry) {
	b := &w.s.Bot
	if b.Recorded {
		w.event(ctx, "the bot failed after recording ("+orDefault(s.SubCode, "no sub code")+"); archiving what was recorded")
		w.conclude(ctx)
		return
	}
	if s.SubCode == botprovider.SubCodeZoomInternalError && w.s.JoinAttempts < w.pol.MaxJoinAttempts && !b.LeaveAsked {
		w.retryJoin(ctx)
		return
	}
	if b.Pending == nil {
		b.Pending = fatalOutcome(s, w.s.JoinAttempts, w.in.TenantID)
	}
	w.conclude(ctx)
}

// retryJoin sends a fresh bot after a Zoom-internal failure, after a
// backoff that a leave request cuts short (then no bot is sent).
func (w *meetingBot) retryJoin(ctx workflow.Context) {
	wait := w.pol.JoinRetryInterval << (w.s.JoinAttempts - 1)
	w.event(ctx, fmt.Sprintf("Zoom failed internally while the bot joined; retrying with a fresh bot in %s (attempt %d of %d)",
		wait, w.s.JoinAttempts+1, w.pol.MaxJoinAttempts))
	leave, err := workflow.AwaitWithOptions(ctx, workflow.AwaitOptions{
		Timeout:      wait,
		TimerOptions: workflow.TimerOptions{Summary: "backoff before a fresh bot"},
	}, func() bool { return w.leaveCh.Len() > 0 || len(w.s.LeaveRequests) > 0 })
	if err != nil {
		return
	}
	if leave {
		w.receiveSignals(ctx)
		sig := w.s.LeaveRequests[0]
		w.s.LeaveRequests = w.s.LeaveRequests[1:]
		w.event(ctx, "leave requested"+suffix(sig.Reason)+" during the backoff: no fresh bot")
		if w.s.Bot.Pending == nil {
			w.s.Bot.Pending = leftByRequest(sig.Reason)
		}
		w.conclude(ctx)
		return
	}
	plan, token := w.joinToken(ctx)
	w.newBot(ctx, plan, token)
}

func (w *meetingBot) onLeaveRequest(ctx workflow.Context, sig BotLeaveSignal) {
	w.event(ctx, "leave requested"+suffix(sig.Reason))
	if w.s.Bot.Recorded {
		w.leave(ctx, nil) // archive what was recorded
		return
	}
	w.leave(ctx, leftByRequest(sig.Reason))
}

// The deadlines' actions (the table in meeting_bot_deadlines.go).

func (w *meetingBot) waitingRoomTimedOut(ctx workflow.Context) {
	w.leave(ctx, &BotOutcome{State: BotWaitingRoomTimeout, SubCode: SubCodeWaitingRoomTimeout,
		Message: fmt.Sprintf("nobody admitted the bot from the waiting room within %s", w.pol.WaitingRoomTimeout)})
}

// consentTimedOut: no answer from a host. Fall back to a join token when
// one can be had now (a fresh bot), else end host_not_present.
func (w *meetingBot) consentTimedOut(ctx workflow.Context) {
	if w.s.Bot.Pending != nil {
		w.leave(ctx, nil) // a settings denial waited out per policy
		return
	}
	if !w.s.JoinToken && !w.s.FallbackTried {
		w.s.FallbackTried = true
		if plan, ok := w.joinToken(ctx); ok {
			w.event(ctx, fmt.Sprintf("no consent within %s; falling back to the host's join token with a fresh bot", w.pol.ConsentTimeout))
			w.leaveQuietly(ctx)
			w.newBot(ctx, plan, true)
			return
		}
	}
	w.leave(ctx, hostNotPresent(w.hostPresent(ctx), w.pol.ConsentTimeout, w.in.TenantID))
}

func (w *meetingBot) maxDurationReached(ctx workflow.Context) {
	w.event(ctx, fmt.Sprintf("the bot recorded for the policy's maximum of %s; leaving", w.pol.MaxDuration))
	w.leave(ctx, nil)
}

func (w *meetingBot) endNotConfirmed(ctx workflow.Context) {
	w.event(ctx, "the provider did not confirm the end of the call; finishing without it")
	w.conclude(ctx)
}

// leave asks the bot to leave; out (if any) is how the workflow ends unless
// the bot recorded.
func (w *meetingBot) leave(ctx workflow.Context, out *BotOutcome) {
	b := &w.s.Bot
	if out != nil && b.Pending == nil {
		b.Pending = out
	}
	if b.LeaveAsked || b.CallEnded {
		if b.CallEnded && !b.Recorded {
			w.conclude(ctx)
		}
		return
	}
	b.LeaveAsked = true
	w.setPhase(ctx, BotPhaseLeaving)
	w.s.PhaseSince = workflow.Now(ctx)
	if err := w.leaveBot(ctx); err != nil {
		w.event(ctx, "asking the bot to leave failed: "+errMessage(err))
		w.conclude(ctx)
		return
	}
	w.event(ctx, "asked bot "+w.s.BotID+" to leave")
}

// leaveQuietly takes the current bot out before a replacement joins.
func (w *meetingBot) leaveQuietly(ctx workflow.Context) {
	if err := w.leaveBot(ctx); err != nil {
		w.event(ctx, "asking bot "+w.s.BotID+" to leave failed: "+errMessage(err))
	}
}

// conclude ends the bot's lifecycle; run then archives or reports.
func (w *meetingBot) conclude(workflow.Context) { w.s.Over = true }

// report ends the workflow: archive the media when a bot recorded, else
// end with the pending outcome.
func (w *meetingBot) report(ctx workflow.Context) {
	w.fillHistory(ctx)
	if w.s.RecordedBot != "" {
		w.archive(ctx)
		return
	}
	out := w.s.Bot.Pending
	if out == nil {
		out = &BotOutcome{State: BotMeetingEnded, SubCode: orDefault(lastSub(w.s.History), "none"),
			Message: "the bot's call ended before it recorded"}
	}
	w.s.Outcome = out
}
