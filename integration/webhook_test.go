package integration

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A tenant whose recordings arrive only by webhook: Zoom (the simulator)
// delivers every recording.completed twice, drops the first attempt of each
// so that its retry (+5 min) is what gets through, announces renditions out
// of order, and sends another recording.completed when a processing file
// completes. Every file is archived exactly once, and downloaded once.
func TestWebhookOnlyTenantIsArchivedExactlyOnce(t *testing.T) {
	e := newEnv(t)
	e.simPOST("/_sim/scenario", generate(23, 2, 6, 2))
	e.registerTenant()
	var accounts struct {
		Accounts []struct {
			AccountID string `json:"account_id"`
		} `json:"accounts"`
	}
	e.simGET("/_sim/accounts", &accounts)
	account := accounts.Accounts[0].AccountID
	// Subscribing runs Zoom's URL validation handshake against the ingress.
	e.simPOST("/_sim/webhooks", map[string]any{"account_id": account, "url": "http://" + e.ingress + "/webhooks/zoom/" + e.tenant})
	e.simPOST("/_sim/faults", map[string]any{"webhook_duplicates": 1, "webhook_drop_first": 1, "webhook_out_of_order": true})
	e.simPOST("/_sim/webhooks/send", map[string]any{"account_id": account, "event": "recording.completed", "all": true})

	// Let the retries (+5 min) fire, then let the processing files complete
	// and their own recording.completed (and its retry) go out.
	for i := 0; i < 8; i++ {
		time.Sleep(500 * time.Millisecond)
		e.simPOST("/_sim/clock", map[string]any{"advance": "6m"})
	}
	e.simPOST("/_sim/clock", map[string]any{"advance": "3h"})
	for i := 0; i < 4; i++ {
		time.Sleep(500 * time.Millisecond)
		e.simPOST("/_sim/clock", map[string]any{"advance": "6m"})
	}

	truth := e.truth()
	var want int
	var wantBytes int64
	for _, f := range truth {
		require.Equal(t, "completed", f.Status, "every file completes within 2 h of loading")
		want++
		wantBytes += f.Size
	}
	ok := assert.Eventually(t, func() bool { return len(e.archivedFiles()) == want }, 90*time.Second, 250*time.Millisecond,
		"archived %d of %d files", len(e.archivedFiles()), want)
	if !ok {
		have := map[string]bool{}
		for _, f := range e.archivedFiles() {
			have[f.ConversationUUID+"/"+f.FileType] = true
		}
		var log struct {
			Deliveries []map[string]any `json:"deliveries"`
			Pending    []map[string]any `json:"pending"`
		}
		e.simGET("/_sim/webhooks", &log)
		for _, f := range truth {
			if !have[f.ConversationUUID+"/"+f.FileType] {
				t.Logf("missing %s %s (%s)", f.ConversationUUID, f.FileID, f.FileType)
				for _, d := range log.Deliveries {
					if d["meeting_uuid"] == f.ConversationUUID {
						t.Logf("  delivery %v", d)
					}
				}
			}
		}
		t.Logf("pending: %v", log.Pending)
		t.FailNow()
	}

	byID := map[string]truthFile{}
	for _, f := range truth {
		byID[f.FileID] = f
	}
	for _, f := range e.archivedFiles() {
		if f.ZoomFileID != "" {
			require.Equal(t, byID[f.ZoomFileID].SHA256, f.SHA256)
		}
	}
	// Duplicates and retries cost no second download.
	require.Equal(t, wantBytes, e.bytesDownloaded())

	var hooks struct {
		Stats struct {
			Succeeded int `json:"succeeded"`
			Dropped   int `json:"dropped"`
			Failed    int `json:"failed"`
		} `json:"stats"`
	}
	e.simGET("/_sim/webhooks", &hooks)
	require.Positive(t, hooks.Stats.Dropped, "the drop fault should have cost first attempts")
	require.Equal(t, hooks.Stats.Dropped, hooks.Stats.Failed, "every delivery that reached the ingress was accepted")
	require.GreaterOrEqual(t, hooks.Stats.Succeeded, 2*6, "each meeting's event arrives at least twice")
}
