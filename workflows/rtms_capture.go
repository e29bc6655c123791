package workflows

import (
	"errors"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/meetvault/meetvault/activities"
)

// RTMSCapture captures one RTMS stream until rtms_stopped. The workflow owns
// the failover table; one CaptureRTMS activity owns one connection episode
// (and media-only reconnects inside it):
//
//   - rtms_started again with new URLs (Zoom's server failover): the running
//     episode is cancelled and a new one connects to the new server.
//   - the connection lost (the activity returns "lost"), rtms_interrupted:
//     reconnect both sockets, after a backoff (3 s doubling to 30 s, bounded),
//     sooner when a new URL arrives.
//   - a worker killed mid-stream: the activity's heartbeat times out and its
//     retry resumes from the heartbeated state into new segments.
//   - the stream ended: wait for rtms_stopped (its reason and operator),
//     then finish (manifest, rows), or revoke on reason 8 (STREAM_REVOKED).
//
// Signal handlers only update state; run reads top to bottom.
func RTMSCapture(ctx workflow.Context, in RTMSCaptureInput) (RTMSCaptureResult, error) {
	w := &rtmsCapture{in: in}
	w.result.Status = StatusCapturing
	return w.run(ctx)
}

type rtmsCapture struct {
	in     RTMSCaptureInput
	result RTMSCaptureResult
	state  activities.RTMSCaptureState

	url        string
	urlGen     int // bumps with every new server URL
	startedAt  time.Time
	stopped    bool // rtms_stopped received
	stopReason int
	operator   string
	stoppedAt  time.Time
	interrupts int // rtms_interrupted received
}

var ra *activities.RTMSActivities

func (w *rtmsCapture) onSignal(s RTMSEventSignal) {
	switch s.Kind {
	case RTMSEventStarted:
		if s.ServerURLs != "" && s.ServerURLs != w.url {
			if w.url != "" {
				w.result.Failovers++
			}
			w.url = s.ServerURLs
			w.urlGen++
		}
	case RTMSEventInterrupted:
		w.interrupts++
	case RTMSEventStopped:
		w.stopped, w.stopReason, w.operator, w.stoppedAt = true, s.StopReason, s.Operator, s.At
	}
}

func (w *rtmsCapture) run(ctx workflow.Context) (RTMSCaptureResult, error) {
	if err := workflow.SetQueryHandler(ctx, QueryRTMS, func() (RTMSCaptureResult, error) { return w.view(), nil }); err != nil {
		return w.result, err
	}
	w.startedAt = workflow.Now(ctx).UTC()
	signals := workflow.GetSignalChannel(ctx, SignalRTMSEvent)
	workflow.Go(ctx, func(ctx workflow.Context) {
		for {
			var s RTMSEventSignal
			signals.Receive(ctx, &s)
			w.onSignal(s)
		}
	})
	// The signal that started us is delivered before the first Await returns.
	_ = workflow.Await(ctx, func() bool { return w.url != "" || w.stopped })
	outcome, message, endedReason := "", "", -1
	attempt, cause := 0, "first"
	for !w.stopped {
		res, err := w.episode(ctx, cause)
		if err != nil {
			return w.fail(ctx, err)
		}
		outcome, message = res.Outcome, res.Message
		if res.Outcome == activities.RTMSRefused && len(w.state.Segments) == 0 {
			w.result.Status, w.result.Message = StatusRefused, res.Message
			w.setStatus(ctx, StatusRefused)
			return w.result, nil
		}
		if res.Outcome == activities.RTMSRefused {
			// A reconnect refused after media was captured (the stream ended
			// meanwhile): what was captured is finalised.
			w.result.Message = res.Message
			break
		}
		if res.Outcome == activities.RTMSEnded {
			endedReason = res.StopReason
			if !w.awaitStop(ctx, res.StopReason) {
				break
			}
			continue // a full restart: a new rtms_started came
		}
		if res.Outcome == "" {
			cause = "failover" // cancelled for a new URL
			attempt = 0
			continue
		}
		// Lost: reconnect both sockets after a backoff, at once on a new URL.
		gen, interrupts := w.urlGen, w.interrupts
		if attempt >= w.attempts() {
			w.result.Status, w.result.Message = StatusLost, "gave up reconnecting: "+res.Message
			break
		}
		_, _ = workflow.AwaitWithTimeout(ctx, w.delay(attempt), func() bool {
			return w.urlGen != gen || w.stopped || w.interrupts != interrupts
		})
		cause = "reconnect"
		if w.urlGen != gen {
			w.markFailover(ctx) // the connection was lost because Zoom's server failed over
			cause, attempt = "failover", 0
		} else {
			attempt++
		}
	}
	reason := w.stopReason
	if !w.stopped && endedReason >= 0 {
		reason = endedReason
	}
	w.result.StopReason = reason
	if w.stoppedAt.IsZero() {
		w.stoppedAt = workflow.Now(ctx).UTC()
	}
	if reason == 8 {
		return w.revoke(ctx)
	}
	return w.finish(ctx, outcome, message)
}

// awaitStop waits for rtms_stopped after the server ended the stream; it
// reports whether to connect again (a restartable reason and a new URL).
func (w *rtmsCapture) awaitStop(ctx workflow.Context, reason int) bool {
	wait := w.in.StopWait
	if wait <= 0 {
		wait = time.Minute
	}
	gen := w.urlGen
	restartable := (reason >= 10 && reason <= 19) || reason == 24
	_, _ = workflow.AwaitWithTimeout(ctx, wait, func() bool { return w.stopped || (restartable && w.urlGen != gen) })
	return !w.stopped && w.urlGen != gen
}

// episode runs one CaptureRTMS; a new URL arriving meanwhile cancels it.
// An empty Outcome means it was cancelled for a failover.
func (w *rtmsCapture) episode(ctx workflow.Context, cause string) (activities.CaptureRTMSResult, error) {
	actx, cancel := workflow.WithCancel(ctx)
	actx = workflow.WithActivityOptions(actx, workflow.ActivityOptions{
		TaskQueue:           RTMSTaskQueue(workflow.GetInfo(ctx).TaskQueueName),
		StartToCloseTimeout: 24 * time.Hour,
		// A killed worker's stream is picked up within Zoom's 60 s window; the
		// capture worker sends heartbeats at least every 10 s (RTMS worker
		// options), leaving 20 s of slack for a loaded server.
		HeartbeatTimeout:    30 * time.Second,
		WaitForCancellation: true,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: 10 * time.Second,
			MaximumAttempts: 10, NonRetryableErrorTypes: append(activities.NonRetryable, activities.ErrRTMSCredentials),
		},
	})
	gen := w.urlGen
	w.result.Connections++
	fut := workflow.ExecuteActivity(actx, ra.CaptureRTMS, activities.CaptureRTMSInput{
		Stream: w.in.Stream, SignalingURL: w.url, Media: w.in.Media, State: w.state, Cause: cause,
	})
	cancelled := false
	for !fut.IsReady() && !cancelled {
		_ = workflow.Await(ctx, func() bool { return fut.IsReady() || w.urlGen != gen || w.stopped })
		switch {
		case fut.IsReady():
		case w.urlGen != gen:
			cancelled = true
			cancel() // failover: the old server is gone; connect to the new one
		case w.stopped:
			// Zoom stopped the stream; the server ends the session itself,
			// give it a grace period before hanging up.
			if ok, _ := workflow.AwaitWithTimeout(ctx, 30*time.Second, fut.IsReady); !ok {
				cancelled = true
				cancel()
			}
		}
	}
	var res activities.CaptureRTMSResult
	err := fut.Get(ctx, &res)
	var canceled *temporal.CanceledError
	if errors.As(err, &canceled) {
		res = activities.CaptureRTMSResult{State: w.state}
		if canceled.HasDetails() {
			_ = canceled.Details(&res)
		}
		res.Outcome = ""
		err = nil
	}
	if err != nil {
		return res, err
	}
	w.state = res.State
	if cancelled && res.Outcome == activities.RTMSLost {
		res.Outcome = "" // lost because the server failed over: the new URL is waiting
	}
	if res.Outcome == "" && w.urlGen != gen {
		w.markFailover(ctx)
	}
	return res, nil
}

// markFailover records that the connection ended because Zoom's server
// failed over: the open "connection_lost" interruption is relabelled, or a
// new one opened; the next episode closes it.
func (w *rtmsCapture) markFailover(ctx workflow.Context) {
	w.state.Reconnected = true
	if n := len(w.state.Interruptions); n > 0 && w.state.Interruptions[n-1].End.IsZero() {
		w.state.Interruptions[n-1].Cause = "failover"
		return
	}
	w.state.Interruptions = append(w.state.Interruptions, activities.RTMSInterruption{Start: workflow.Now(ctx).UTC(), Cause: "failover"})
}

func (w *rtmsCapture) attempts() int {
	if w.in.ReconnectAttempts > 0 {
		return w.in.ReconnectAttempts
	}
	return 5
}

func (w *rtmsCapture) delay(attempt int) time.Duration {
	d, maxD := w.in.ReconnectInitial, w.in.ReconnectMax
	if d <= 0 {
		d = 3 * time.Second
	}
	if maxD <= 0 {
		maxD = 30 * time.Second
	}
	for range attempt {
		d *= 2
	}
	return min(d, maxD)
}

func (w *rtmsCapture) rtmsOptions(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 5 * time.Minute,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: time.Minute, MaximumAttempts: 10,
		},
	})
}

func (w *rtmsCapture) finish(ctx workflow.Context, outcome, message string) (RTMSCaptureResult, error) {
	var res activities.FinishRTMSResult
	if err := workflow.ExecuteActivity(w.rtmsOptions(ctx), ra.FinishRTMS, activities.FinishRTMSInput{
		Stream: w.in.Stream, State: w.state, StopReason: w.result.StopReason, StartedAt: w.startedAt,
		StoppedAt: w.stoppedAt, Outcome: outcome, Message: message,
	}).Get(ctx, &res); err != nil {
		return w.fail(ctx, err)
	}
	w.result.Manifest, w.result.AudioSHA256 = res.Manifest.Key, res.AudioSHA256
	if w.result.Status == StatusCapturing {
		w.result.Status = StatusCaptured
	}
	w.setStatus(ctx, w.result.Status)
	return w.view(), nil
}

func (w *rtmsCapture) revoke(ctx workflow.Context) (RTMSCaptureResult, error) {
	by := w.operator
	if by == "" {
		by = "zoom (rtms_stopped stop_reason 8 STREAM_REVOKED)"
	}
	var res activities.RevokeRTMSResult
	if err := workflow.ExecuteActivity(w.rtmsOptions(ctx), ra.RevokeRTMS, activities.RevokeRTMSInput{
		Stream: w.in.Stream, State: w.state, RevokedAt: w.stoppedAt, RevokedBy: by,
	}).Get(ctx, &res); err != nil {
		return w.fail(ctx, err)
	}
	w.result.Status, w.result.Revoked = StatusRevoked, &res
	w.setStatus(ctx, StatusRevoked)
	return w.view(), nil
}

func (w *rtmsCapture) fail(ctx workflow.Context, err error) (RTMSCaptureResult, error) {
	w.result.Status, w.result.Message = StatusFailed, err.Error()
	w.setStatus(ctx, StatusFailed)
	return w.view(), err
}

func (w *rtmsCapture) setStatus(ctx workflow.Context, status string) {
	_ = workflow.UpsertTypedSearchAttributes(ctx, AttrStatus.ValueSet(status))
}

func (w *rtmsCapture) view() RTMSCaptureResult {
	v := w.result
	v.Gaps, v.Interruptions, v.Segments = w.state.Gaps, w.state.Interruptions, len(w.state.Segments)
	v.AudioBytes, v.Transcripts = w.state.AudioBytes, w.state.Transcripts
	return v
}
