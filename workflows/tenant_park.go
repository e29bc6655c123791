package workflows

import (
	"fmt"
	"slices"
	"time"

	"go.temporal.io/sdk/workflow"
)

// Parking (logic version 1): an item whose import failed for a reason a
// retry may fix (Zoom down, credentials revoked) leaves its lane for the
// parked list, visible in status, and comes back in the retry lane, the
// last in priority, after a backoff that doubles with each failure. The
// items behind it, and the schedule, go on meanwhile. The release update
// retries a parked item now or drops it.
const (
	parkBackoffFirst = time.Minute
	parkBackoffMax   = 6 * time.Hour
)

// parkBackoff is the wait after the n-th failure (n ≥ 1).
func parkBackoff(n int) time.Duration {
	d := parkBackoffFirst
	for i := 1; i < n && d < parkBackoffMax; i++ {
		d *= 2
	}
	return min(d, parkBackoffMax)
}

// park moves a failed item to the parked list. A schedule window (which
// always starts at its source's watermark) replaces a parked window of the
// same kind and source: the later window covers the earlier one, so a
// tenant that fails on every run keeps one parked item, not one per run.
func (t *tenant) park(item WorkItem, reason string, now time.Time) {
	if item.movesWatermark() {
		t.st.Parked = slices.DeleteFunc(t.st.Parked, func(p WorkItem) bool {
			if p.Source == item.Source && p.Kind == item.Kind {
				item.Attempts = max(item.Attempts, p.Attempts)
				return true
			}
			return false
		})
	}
	if item.ID == "" {
		t.st.ParkSeq++
		item.ID = fmt.Sprintf("p%d", t.st.ParkSeq)
	}
	item.Attempts++
	item.Error = reason
	item.RetryAt = now.Add(parkBackoff(item.Attempts))
	t.st.Parked = append(t.st.Parked, item)
}

// unpark queues, in the retry lane, the parked items whose retry is due.
func (t *tenant) unpark(now time.Time) {
	t.st.Parked = slices.DeleteFunc(t.st.Parked, func(p WorkItem) bool {
		if now.Before(p.RetryAt) {
			return false
		}
		t.retry(p)
		return true
	})
}

func (t *tenant) retry(p WorkItem) {
	p.Lane, p.RetryAt = LaneRetry, time.Time{}
	t.st.Lanes[LaneRetry] = append(t.st.Lanes[LaneRetry], p)
}

// nextRetry is the earliest parked item's retry time (zero: none parked).
func (t *tenant) nextRetry() time.Time {
	var next time.Time
	for _, p := range t.st.Parked {
		if next.IsZero() || p.RetryAt.Before(next) {
			next = p.RetryAt
		}
	}
	return next
}

func (t *tenant) parkedIndex(id string) int {
	return slices.IndexFunc(t.st.Parked, func(p WorkItem) bool { return p.ID == id })
}

// release answers the release update: the parked item is retried now (at
// the head of the retry lane) or, with Drop, forgotten.
func (t *tenant) release(ctx workflow.Context, r ReleaseRequest) TenantStatus {
	if i := t.parkedIndex(r.ID); i >= 0 {
		p := t.st.Parked[i]
		t.st.Parked = slices.Delete(t.st.Parked, i, i+1)
		if !r.Drop {
			p.Lane, p.RetryAt = LaneRetry, time.Time{}
			t.st.Lanes[LaneRetry] = append([]WorkItem{p}, t.st.Lanes[LaneRetry]...)
		}
	}
	return t.status(workflow.Now(ctx).UTC())
}

func (t *tenant) validateRelease(r ReleaseRequest) error {
	if t.parkedIndex(r.ID) < 0 {
		ids := make([]string, 0, len(t.st.Parked))
		for _, p := range t.st.Parked {
			ids = append(ids, p.ID)
		}
		return fmt.Errorf("release: no parked item %q (parked: %v; see the status's parked list)", r.ID, ids)
	}
	return nil
}
