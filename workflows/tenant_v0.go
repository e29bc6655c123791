package workflows

import "go.temporal.io/sdk/workflow"

// runV0 is the tenant loop of logic version 0 (workflow.DefaultVersion):
// runs started before logic version 1 replay and continue on it until they
// continue as new, which starts them on the latest version. It is the code
// as it was, kept command for command; delete it (and the v0 branches in
// runImport and drainSignals) once no Tenant run of version 0 is open
// (README, Versioning policy).
func (t *tenant) runV0(ctx workflow.Context) error {
	for {
		t.drainSignals(ctx)
		if t.runs >= t.perRun || workflow.GetInfo(ctx).GetContinueAsNewSuggested() {
			return t.continueAsNew(ctx)
		}
		now := workflow.Now(ctx).UTC()
		t.rollDay(now)
		switch {
		case t.st.Paused:
			// Signals queue work while paused; only resume wakes the loop.
			if err := workflow.Await(ctx, func() bool { return !t.st.Paused || t.signalled() }); err != nil {
				return err
			}
		case t.exhausted(now):
			// The pool is spent: sleep to the reset; a resume, a pause or a
			// policy change (a bigger budget) wakes the loop early.
			wake := t.resetAt(now)
			policy := t.st.Policy
			if _, err := workflow.AwaitWithTimeout(ctx, wake.Sub(now), func() bool {
				return t.st.Paused || t.st.Policy.DailyPool != policy.DailyPool || t.signalled()
			}); err != nil {
				return err
			}
		default:
			item, ok := t.next(now)
			if !ok {
				if _, err := workflow.AwaitWithTimeout(ctx, t.st.NextRun.Sub(now), func() bool {
					return t.st.Paused || t.backlog() > 0 || t.signalled() || !workflow.Now(ctx).Before(t.st.NextRun)
				}); err != nil {
					return err
				}
				continue
			}
			if err := t.runImport(ctx, item); err != nil {
				return err
			}
		}
	}
}

// failedV0 keeps a failed item at the head of its lane and idles until the
// next scheduled run: the version 0 answer to a failure, which blocks the
// lane behind the item (version 1 parks it instead).
func (t *tenant) failedV0(ctx workflow.Context, item WorkItem) error {
	t.st.Lanes[item.Lane] = append([]WorkItem{item}, t.st.Lanes[item.Lane]...)
	t.st.NextRun = workflow.Now(ctx).UTC().Add(t.st.Policy.Interval)
	now := workflow.Now(ctx)
	_, err := workflow.AwaitWithTimeout(ctx, t.st.NextRun.Sub(now), func() bool { return t.st.Paused || t.signalled() })
	return err
}

// importNowLane is where import-now is queued: ahead of the schedule and
// the backfills since version 1, in the scheduled lane before.
func (t *tenant) importNowLane() int {
	if t.logic < tenantLogicV1 {
		return LaneScheduled
	}
	return LaneNow
}
