package workflows

import (
	"time"

	"go.temporal.io/sdk/workflow"
)

// phaseDeadline is how long a phase may last and what happens when it has.
type phaseDeadline struct {
	after func(BotPolicy) time.Duration
	// summary names the timer (the Web UI shows it on the timer event).
	summary string
	// then runs when the deadline passes in this phase.
	then func(*meetingBot, workflow.Context)
}

// endConfirmation is how long the workflow waits for the provider to
// confirm the end of a call it was asked to leave, or that ended.
const endConfirmation = 3 * time.Minute

// phaseDeadlines is the one table of deadlines. A phase without a row
// waits without one: joining lasts until the provider moves the bot (its
// own automatic_leave timeouts end a bot nobody lets in).
var phaseDeadlines = map[string]phaseDeadline{
	// The provider leaves at WaitingRoomTimeout itself; this is the backstop.
	BotPhaseWaitingRoom: {
		after:   func(p BotPolicy) time.Duration { return p.WaitingRoomTimeout + time.Minute },
		summary: "waiting room timeout",
		then:    (*meetingBot).waitingRoomTimedOut,
	},
	BotPhaseAwaitingConsent: {
		after:   func(p BotPolicy) time.Duration { return p.ConsentTimeout },
		summary: "consent timeout",
		then:    (*meetingBot).consentTimedOut,
	},
	BotPhaseRecording: {
		after:   func(p BotPolicy) time.Duration { return p.MaxDuration },
		summary: "maximum recording duration",
		then:    (*meetingBot).maxDurationReached,
	},
	BotPhaseLeaving: {
		after:   func(BotPolicy) time.Duration { return endConfirmation },
		summary: "end of call not confirmed",
		then:    (*meetingBot).endNotConfirmed,
	},
	BotPhaseProcessing: {
		after:   func(BotPolicy) time.Duration { return endConfirmation },
		summary: "end of call not confirmed",
		then:    (*meetingBot).endNotConfirmed,
	},
}

// timerOptions describe a timer. Summary becomes the timer's summary in
// the Web UI; more (a name for metrics, say) can be added here without
// touching the callers.
type timerOptions struct {
	Summary string
}

// newTimer starts a timer of d (at least a millisecond) with opts.
func newTimer(ctx workflow.Context, d time.Duration, opts timerOptions) workflow.Future {
	return workflow.NewTimerWithOptions(ctx, max(d, time.Millisecond), workflow.TimerOptions{Summary: opts.Summary})
}

// wakeUp is one wake-up time a loop waits on, backed by at most one
// Temporal timer. As in Temporal's scheduler workflow, a timer is started
// only when the wake-up time changes (the previous one is cancelled), not
// on every turn of the loop; a time that was reached is not armed again.
type wakeUp struct {
	at     time.Time // the time armed (or reached); zero: none
	fut    workflow.Future
	cancel workflow.CancelFunc
}

// arm sets the wake-up time (zero: none).
func (t *wakeUp) arm(ctx workflow.Context, at time.Time, opts timerOptions) {
	if at.Equal(t.at) {
		return
	}
	t.stop()
	t.at = at
	if at.IsZero() {
		return
	}
	tctx, cancel := workflow.WithCancel(ctx)
	t.fut, t.cancel = newTimer(tctx, at.Sub(workflow.Now(ctx)), opts), cancel
}

// armBy makes sure the loop wakes up by at: a pending timer that fires
// earlier is kept (the loop finds nothing due and arms again), so a
// wake-up time that moves later with every status costs no timer.
func (t *wakeUp) armBy(ctx workflow.Context, at time.Time, opts timerOptions) {
	if t.fut != nil && !t.at.After(at) {
		return
	}
	t.arm(ctx, at, opts)
}

// reached reports whether the armed time has come.
func (t *wakeUp) reached() bool { return t.fut != nil && t.fut.IsReady() }

// take consumes a reached wake-up: it stays recorded, so arming the same
// time again starts no timer.
func (t *wakeUp) take() { t.fut, t.cancel = nil, nil }

func (t *wakeUp) stop() {
	if t.cancel != nil {
		t.cancel()
	}
	t.at, t.fut, t.cancel = time.Time{}, nil, nil
}
