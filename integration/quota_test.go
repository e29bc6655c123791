package integration

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/meetvault/meetvault/workflows"
)

// A tenant whose Zoom account has a daily Heavy + Resource-intensive pool of
// 4 requests, and a backfill whose meeting log needs 6: the tenant workflow
// spends the pool, gets one daily 429 a few seconds before the simulator's
// midnight, sleeps on a timer to the reset (Retry-After measured against
// Zoom's Date header), resumes the same import at the page where it stopped
// and archives every file exactly once.
func TestTenantCrossesTheDailyResetAndFinishes(t *testing.T) {
	e := newEnv(t)
	e.tinyPoolTenant(31)

	// The meeting log is listed 2 meetings a page: 5 pages for Oct 1–30 and 1
	// for Oct 31 = 6 pool requests. 25 s before the simulator's midnight, 3
	// requests are left in its pool.
	e.backfillOctoberBeforeMidnight(25 * time.Second)
	require.Eventually(t, func() bool { return len(e.archivedFiles()) == 10 }, 2*time.Minute, 500*time.Millisecond,
		"archived %d of 10 files", len(e.archivedFiles()))

	var status workflows.TenantStatus
	deadline := time.Now().Add(time.Minute)
	for {
		err := e.starter(&status, "tenant", "status", e.tenant)
		if err == nil && status.Totals.MeetingsLogged >= 10 {
			break
		}
		require.True(t, time.Now().Before(deadline), "tenant status: %+v (%v)", status, err)
		time.Sleep(500 * time.Millisecond)
	}
	t.Logf("tenant status: %+v", status)
	require.Equal(t, 10, status.Totals.MeetingsLogged)
	// 1 (first scheduled import) + 6 (backfill, across the reset), each counted once.
	require.Equal(t, 7, status.Totals.PoolCalls)
	require.Equal(t, 7, status.PoolUsed)

	var stats struct {
		RateLimited struct {
			ByType map[string]int `json:"by_type"`
		} `json:"rate_limited"`
	}
	e.simGET("/_sim/stats", &stats)
	require.Equal(t, 1, stats.RateLimited.ByType["Daily-limit"], "one daily 429 for the one reset crossed")

	byID := map[string]truthFile{}
	for _, f := range e.truth() {
		byID[f.FileID] = f
	}
	for _, f := range e.archivedFiles() {
		require.Equal(t, byID[f.ZoomFileID].SHA256, f.SHA256)
	}
	var logged int
	require.NoError(t, e.store.Pool().QueryRow(context.Background(),
		`SELECT count(*) FROM meeting_log WHERE tenant_id = $1`, e.tenant).Scan(&logged))
	require.Equal(t, 10, logged)
}

// tinyPoolTenant loads ten one-file meetings in October into an account
// whose daily pool holds 4 requests, registers it as the test's tenant, and
// terminates the tenant's workflow when the test ends.
func (e *env) tinyPoolTenant(seed int) {
	var meetings []map[string]any
	for i := 0; i < 10; i++ {
		meetings = append(meetings, map[string]any{
			"topic": fmt.Sprintf("standup %d", i), "type": 2, "start_time": fmt.Sprintf("2026-10-%02dT15:00:00Z", i+2), "duration": 15,
			"files": []map[string]any{{"file_type": "MP4", "size": 4096}},
		})
	}
	e.simPOST("/_sim/scenario", map[string]any{"seed": seed, "accounts": []map[string]any{{
		"users":       []map[string]any{{"email": "host@acme.example"}},
		"meetings":    meetings,
		"rate_limits": map[string]any{"daily_pool": 4},
	}}})
	e.registerTenant()
	e.t.Cleanup(func() {
		_ = e.temporal.TerminateWorkflow(context.Background(), workflows.TenantWorkflowID(e.tenant), "", "test over")
	})
}

// backfillOctoberBeforeMidnight starts the tenant workflow (a meeting log of
// 2 meetings a page), waits for its first scheduled import (the last day: one
// pool request), sets the simulator's clock to before its next midnight and
// queues a backfill of October. It returns that midnight.
func (e *env) backfillOctoberBeforeMidnight(before time.Duration) time.Time {
	t := e.t
	require.NoError(t, e.starter(nil, "tenant", "start", e.tenant, "--interval", "24h", "--lookback", "24h", "--meeting-log-page-size", "2"))
	var first workflows.TenantStatus
	require.Eventually(t, func() bool {
		return e.starter(&first, "tenant", "status", e.tenant) == nil && first.Imports == 1
	}, time.Minute, 200*time.Millisecond)
	var clock struct {
		Now time.Time `json:"now"`
	}
	e.simGET("/_sim/clock", &clock)
	midnight := time.Date(clock.Now.Year(), clock.Now.Month(), clock.Now.Day()+1, 0, 0, 0, 0, time.UTC)
	e.simPOST("/_sim/clock", map[string]any{"set": midnight.Add(-before).Format(time.RFC3339)})
	require.NoError(t, e.starter(nil, "backfill", "--tenant", e.tenant, "--from", "2026-10-01", "--to", "2026-10-31"))
	return midnight
}
