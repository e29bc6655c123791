package workflows

import (
	"time"

	"go.temporal.io/sdk/workflow"
)

// deadlineTimer is the one timer the tenant loop waits on. arm re-creates
// it only when the deadline changes (a signal or an update that leaves the
// deadline where it was keeps the running timer), after cancelling the old
// one; fired is set when the timer for the current deadline fires.
type deadlineTimer struct {
	at     time.Time
	armed  bool
	fired  bool
	cancel workflow.CancelFunc
}

func (d *deadlineTimer) arm(ctx workflow.Context, at time.Time) {
	if d.armed && d.at.Equal(at) {
		return
	}
	if d.cancel != nil {
		d.cancel()
		d.cancel = nil
	}
	d.at, d.armed, d.fired = at, true, false
	wait := at.Sub(workflow.Now(ctx))
	if wait <= 0 {
		d.fired = true
		return
	}
	tctx, cancel := workflow.WithCancel(ctx)
	d.cancel = cancel
	timer := workflow.NewTimer(tctx, wait)
	workflow.Go(ctx, func(gctx workflow.Context) {
		// A cancelled timer returns an error; a timer that fired after it
		// was replaced no longer stands for the deadline.
		if timer.Get(gctx, nil) == nil && d.at.Equal(at) {
			d.fired = true
		}
	})
}
