package workflows

import (
	"time"

	"go.temporal.io/sdk/workflow"
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
//     allows (default never), and never bypassed with a join token.
//
// Every end is one of the Bot* outcomes with a sub code and an actionable
// message; the workflow completes with its BotState either way.
//
// The code is laid out like the ladder: run (this file) creates the bot and
// waits, phase by phase, for the next status, leave request, poll or
// deadline; meeting_bot_status.go applies statuses; meeting_bot_deadlines.go
// is the table of what each phase waits for at most and what happens then;
// meeting_bot_provider.go holds the provider calls and the one join-token
// decision; meeting_bot_state.go the state carried through continue-as-new.
func MeetingBot(ctx workflow.Context, in MeetingBotInput) (MeetingBotResult, error) {
	w := &meetingBot{in: in, pol: in.Policy.WithDefaults(), s: initialState(ctx, in)}
	return w.run(ctx)
}

type meetingBot struct {
	in  MeetingBotInput
	pol BotPolicy
	s   meetingBotState

	statusCh, leaveCh workflow.ReceiveChannel
	// deadline is the current phase's deadline; poll when the provider is
	// polled next.
	deadline, poll wakeUp
}

// botHistoryLimit is the history length at which a MeetingBot continues as
// new (a long meeting polled for hours).
const botHistoryLimit = 8000

// run is the ladder, top to bottom:
//
//  1. the first bot carries the host's join token if one can be had
//     (joinToken, the one place that decides it), else it asks;
//  2. each phase then waits (step) for the provider's next status, an
//     operator's bot_leave, or its deadline in phaseDeadlines: admission
//     (waitingRoomTimedOut), consent (consentTimedOut: a fresh bot with a
//     join token, else host_not_present), recording (maxDurationReached),
//     the end of the call (endNotConfirmed);
//  3. statuses move it on (applyStatus): a denial by settings or by the
//     host (onDenied), the end of the call (onCallEnded), a failure
//     (onFatal, which retries Zoom-internal ones);
//  4. once the lifecycle is over, report archives what a bot recorded or
//     ends with the outcome decided on the way.
//
// A long meeting continues as new between two steps.
func (w *meetingBot) run(ctx workflow.Context) (MeetingBotResult, error) {
	if err := workflow.SetQueryHandler(ctx, QueryBotState, func() (BotState, error) { return w.s.view(w.in), nil }); err != nil {
		return w.s.view(w.in), err
	}
	w.statusCh = workflow.GetSignalChannel(ctx, SignalBotStatus)
	w.leaveCh = workflow.GetSignalChannel(ctx, SignalBotLeave)
	w.upsert(ctx)
	if w.s.BotID == "" && w.s.Outcome == nil {
		plan, token := w.joinToken(ctx)
		w.newBot(ctx, plan, token)
	}
	for !w.lifecycleOver() {
		if w.continueAsNewDue(ctx) {
			return w.s.view(w.in), w.continueAsNew(ctx)
		}
		if err := w.step(ctx); err != nil {
			return w.cancelled(ctx, err)
		}
	}
	if w.s.Outcome == nil {
		w.report(ctx)
	}
	return w.finish(ctx)
}

// lifecycleOver: the bot's lifecycle ended (Over) or the workflow already
// knows its outcome (no bot could be created).
func (w *meetingBot) lifecycleOver() bool { return w.s.Over || w.s.Outcome != nil }

// step waits in the current phase for the next thing to act on and acts
// on it: one status, one leave request, the phase's deadline (the table in
// meeting_bot_deadlines.go), or a poll when no status came for a while.
func (w *meetingBot) step(ctx workflow.Context) error {
	if err := w.await(ctx); err != nil {
		return err
	}
	switch {
	case len(w.s.Inbox) > 0:
		e := w.s.Inbox[0]
		w.s.Inbox = w.s.Inbox[1:]
		w.applyStatus(ctx, e)
	case len(w.s.LeaveRequests) > 0:
		sig := w.s.LeaveRequests[0]
		w.s.LeaveRequests = w.s.LeaveRequests[1:]
		w.onLeaveRequest(ctx, sig)
	case w.deadline.reached():
		w.deadline.take()
		if d, ok := phaseDeadlines[w.s.Phase]; ok { // armed only for a phase with a row
			d.then(w, ctx)
		}
	case w.poll.reached():
		w.poll.take()
		if !workflow.Now(ctx).Before(w.pollDue()) {
			w.pollProvider(ctx)
		}
	}
	return nil
}

// cancelled: the workflow was cancelled. The bot must not stay in the
// meeting: it is asked to leave on a context the cancellation does not
// reach, and the workflow ends cancelled.
func (w *meetingBot) cancelled(ctx workflow.Context, err error) (MeetingBotResult, error) {
	dctx, _ := workflow.NewDisconnectedContext(ctx)
	if !w.s.Bot.LeaveAsked && !w.s.Bot.CallEnded {
		w.leaveQuietly(dctx)
	}
	w.event(dctx, "the workflow was cancelled; the bot was asked to leave")
	return w.s.view(w.in), err
}

// await arms the phase's deadline and the next poll, and waits until a
// signal is waiting or one of the two is reached. It awaits a condition
// rather than calling AwaitWithTimeout, which would start a timer per turn.
func (w *meetingBot) await(ctx workflow.Context) error {
	var at time.Time
	d, ok := phaseDeadlines[w.s.Phase]
	if ok {
		at = w.s.PhaseSince.Add(d.after(w.pol))
	}
	w.deadline.arm(ctx, at, timerOptions{Summary: d.summary})
	// Not sooner than a second from now (a resumed run whose last status
	// is long past polls at once, but not in a tight loop).
	pollAt := maxTime(w.pollDue(), workflow.Now(ctx).Add(time.Second))
	w.poll.armBy(ctx, pollAt, timerOptions{Summary: "poll the bot provider (no status for a while)"})
	err := workflow.Await(ctx, func() bool {
		return len(w.s.Inbox) > 0 || len(w.s.LeaveRequests) > 0 || w.statusCh.Len() > 0 || w.leaveCh.Len() > 0 ||
			w.deadline.reached() || w.poll.reached()
	})
	w.receiveSignals(ctx)
	return err
}

// pollDue is when the provider is polled: PollInterval after the last
// status (webhook or poll).
func (w *meetingBot) pollDue() time.Time {
	return w.s.LastStatusAt.Add(w.pol.PollInterval)
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// receiveSignals is the signal handler, the only reader of the signal
// channels: it moves every signal delivered so far into the state's inbox
// and does nothing else. (Goroutines blocked on Receive would take a
// signal out of its channel before running, where continue-as-new could
// no longer see it.)
func (w *meetingBot) receiveSignals(ctx workflow.Context) {
	for {
		var sig BotStatusSignal
		if !w.statusCh.ReceiveAsync(&sig) {
			break
		}
		w.s.LastStatusAt = workflow.Now(ctx)
		w.enqueue(BotStatusEntry{BotID: sig.BotID, Code: sig.Code, SubCode: sig.SubCode, Message: sig.Message, At: sig.At, Via: "webhook"})
	}
	for {
		var sig BotLeaveSignal
		if !w.leaveCh.ReceiveAsync(&sig) {
			break
		}
		w.s.LeaveRequests = append(w.s.LeaveRequests, sig)
	}
}

// enqueue adds a status to the inbox unless it is known already.
func (w *meetingBot) enqueue(e BotStatusEntry) {
	if e.Code == "" || w.s.seen(e) {
		return
	}
	w.s.Inbox = append(w.s.Inbox, e)
}

func (w *meetingBot) continueAsNewDue(ctx workflow.Context) bool {
	info := workflow.GetInfo(ctx)
	return info.GetContinueAsNewSuggested() || info.GetCurrentHistoryLength() > botHistoryLimit
}

// continueAsNew carries the whole state into a new run. Signals delivered
// in this very task are still in their channels: they are read into the
// state first, or the next run would never see them (a bot_leave was lost
// that way).
func (w *meetingBot) continueAsNew(ctx workflow.Context) error {
	w.receiveSignals(ctx)
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return err
	}
	in := w.in
	st := w.s
	in.State, in.Resume, in.Carry = &st, nil, nil
	return workflow.NewContinueAsNewError(ctx, MeetingBot, in)
}

func (w *meetingBot) finish(ctx workflow.Context) (MeetingBotResult, error) {
	if w.s.Outcome == nil {
		w.s.Outcome = &BotOutcome{State: BotEndedUnknown, Message: "the workflow ended without an outcome"}
	}
	w.s.Phase = w.s.Outcome.State
	w.event(ctx, "ended: "+w.s.Outcome.State+suffix(w.s.Outcome.SubCode))
	w.upsert(ctx)
	return w.s.view(w.in), nil
}

func (w *meetingBot) setPhase(ctx workflow.Context, phase string) {
	if w.s.Phase == phase {
		return
	}
	w.s.Phase = phase
	w.s.PhaseSince = workflow.Now(ctx)
	w.upsert(ctx)
}

func (w *meetingBot) upsert(ctx workflow.Context) {
	sub := ""
	if w.s.Outcome != nil {
		sub = w.s.Outcome.SubCode
	} else if n := len(w.s.History); n > 0 {
		sub = w.s.History[n-1].SubCode
	}
	_ = workflow.UpsertTypedSearchAttributes(ctx,
		AttrTenant.ValueSet(w.in.TenantID),
		AttrMeetingUUID.ValueSet(w.in.MeetingID),
		AttrStatus.ValueSet(w.s.Phase),
		AttrBotStatus.ValueSet(w.s.Bot.LastStatus),
		AttrSubCode.ValueSet(sub))
}

func (w *meetingBot) event(ctx workflow.Context, what string) {
	w.s.Events = append(w.s.Events, BotEvent{At: workflow.Now(ctx), What: what})
}
