package integration

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/meetvault/meetvault/workflows"
	"github.com/meetvault/meetvault/zoomsim"
)

// phoneTruth is the simulator's phone recordings (source "phone").
type phoneTruth struct {
	Files         []phoneTruthFile
	Conversations []phoneTruthConversation
}

type phoneTruthFile struct {
	Source           string `json:"source"`
	ConversationUUID string `json:"conversation_uuid"`
	FileID           string `json:"file_id"`
	Status           string `json:"status"`
	SHA256           string `json:"sha256"`
	Size             int64  `json:"size"`
}

type phoneTruthConversation struct {
	Source           string             `json:"source"`
	ConversationUUID string             `json:"conversation_uuid"`
	HostID           string             `json:"host_id"`
	Call             *zoomsim.TruthCall `json:"call"`
}

func (e *env) phoneTruth() phoneTruth {
	var raw phoneTruth
	var body struct {
		Files         []phoneTruthFile         `json:"files"`
		Conversations []phoneTruthConversation `json:"conversations"`
	}
	e.simGET("/_sim/truth", &body)
	for _, f := range body.Files {
		if f.Source == "phone" {
			raw.Files = append(raw.Files, f)
		}
	}
	for _, c := range body.Conversations {
		if c.Source == "phone" {
			require.NotNil(e.t, c.Call, "phone conversation %s without its call", c.ConversationUUID)
			raw.Conversations = append(raw.Conversations, c)
		}
	}
	return raw
}

type phoneRow struct {
	UUID, CallID, Platform, Type, UserID, Direction, UserDirection, From, FromName, To, ToName, Extension string
	Duration                                                                                              int
	FilesArchived                                                                                         int
}

func (e *env) phoneRows() map[string]phoneRow {
	rows, err := e.store.Pool().Query(context.Background(), `SELECT conversation_uuid, platform_call_id, source_platform,
		conversation_type, recorded_user_id, direction, user_direction, from_party, from_name, to_party, to_name, extension,
		coalesce(duration_seconds, 0), files_archived
		FROM conversations WHERE tenant_id = $1 AND source = 'phone'`, e.tenant)
	require.NoError(e.t, err)
	defer rows.Close()
	out := map[string]phoneRow{}
	for rows.Next() {
		var r phoneRow
		require.NoError(e.t, rows.Scan(&r.UUID, &r.CallID, &r.Platform, &r.Type, &r.UserID, &r.Direction, &r.UserDirection,
			&r.From, &r.FromName, &r.To, &r.ToName, &r.Extension, &r.Duration, &r.FilesArchived))
		out[r.UUID] = r
	}
	require.NoError(e.t, rows.Err())
	return out
}

// checkPhoneArchive compares every available phone recording of the
// simulator with its S3 object and its rows: same bytes (SHA-256, size, read
// back from S3), an object under {tenant}/phone/, and the call's metadata.
func (e *env) checkPhoneArchive(truth phoneTruth, want int) {
	t := e.t
	files := map[string]dbFile{}
	for _, f := range e.archivedFiles() {
		files[f.ConversationUUID] = f
	}
	rows := e.phoneRows()
	n := 0
	for _, tf := range truth.Files {
		if tf.Status != "completed" {
			require.NotContains(t, files, tf.ConversationUUID, "recording %s is not available yet but was archived", tf.FileID)
			continue
		}
		n++
		f, ok := files[tf.ConversationUUID]
		require.True(t, ok, "phone recording %s was not archived", tf.FileID)
		require.Equal(t, tf.FileID, f.ZoomFileID)
		require.Equal(t, "MP3", f.FileType)
		require.Equal(t, tf.SHA256, f.SHA256, "recording %s", tf.FileID)
		require.Equal(t, tf.Size, f.Size)
		require.True(t, strings.HasPrefix(f.Key, e.tenant+"/phone/"), "object key %s", f.Key)
		info, ok, err := e.s3.Head(context.Background(), f.Key)
		require.NoError(t, err)
		require.True(t, ok, "object %s missing", f.Key)
		require.Equal(t, tf.Size, info.Size)
	}
	require.Equal(t, want, n, "available phone recordings")
	require.Len(t, files, want)
	for _, c := range truth.Conversations {
		r, ok := rows[c.ConversationUUID]
		if _, archived := files[c.ConversationUUID]; !archived {
			require.False(t, ok, "a row for %s, which is not archived", c.ConversationUUID)
			continue
		}
		require.True(t, ok, "no conversation row for %s", c.ConversationUUID)
		require.Equal(t, "Zoom Phone", r.Platform)
		require.Equal(t, "voice", r.Type)
		require.Equal(t, c.Call.CallID, r.CallID)
		require.Equal(t, c.HostID, r.UserID)
		require.Equal(t, c.Call.Direction, r.UserDirection)
		require.Equal(t, c.Call.CallerNumber, r.From)
		require.Equal(t, c.Call.CallerName, r.FromName)
		require.Equal(t, c.Call.CalleeNumber, r.To)
		require.Equal(t, c.Call.CalleeName, r.ToName)
		require.Equal(t, c.Call.DurationSeconds, r.Duration)
		require.Equal(t, 1, r.FilesArchived)
		require.NotEmpty(t, r.Extension)
	}
}

func phoneScenario(now time.Time) zoomsim.Scenario {
	late := now.Add(time.Hour)
	return zoomsim.Scenario{Seed: 41, Accounts: []zoomsim.ScenarioAccount{{
		Users: []zoomsim.ScenarioUser{
			{ID: "PhoneUserAAAAAAAAAAAAA", Email: "ada@acme.example", FirstName: "Ada", LastName: "Lovelace"},
			{ID: "PhoneUserBBBBBBBBBBBBB", Email: "bob@acme.example", FirstName: "Bob", LastName: "Babbage"},
		},
		Meetings: []zoomsim.ScenarioMeeting{},
		PhoneCalls: []zoomsim.ScenarioPhoneCall{
			{ID: "rec-old", DateTime: now.Add(-72 * time.Hour), Direction: "inbound", Duration: 95},
			{ID: "rec-late", DateTime: now.Add(-20 * time.Hour), Direction: "outbound", Duration: 61, AvailableAt: &late},
			{ID: "rec-recent", DateTime: now.Add(-10 * time.Hour), Direction: "outbound", Duration: 300},
			{ID: "rec-internal", OwnerID: "bob@acme.example", DateTime: now.Add(-5 * time.Hour), Direction: "inbound",
				PeerInternal: true, PeerName: "Ada Lovelace", Duration: 42},
		},
	}}}
}

// A scheduled phone import archives every available call recording as the
// simulator holds it; the tenant's watermark then keeps the next scheduled
// import from listing the calls archived before the overlap again, while
// the overlap's re-check catches a recording that appeared late (listed by
// Zoom under its call's date, which the watermark had passed).
func TestPhoneImportWatermarkCatchesALateCall(t *testing.T) {
	e := newEnv(t)
	e.simPOST("/_sim/scenario", phoneScenario(time.Now().UTC()))
	e.registerTenant()
	t.Cleanup(func() {
		_ = e.temporal.TerminateWorkflow(context.Background(), workflows.TenantWorkflowID(e.tenant), "", "test over")
	})
	require.NoError(t, e.starter(nil, "tenant", "start", e.tenant, "--interval", "24h", "--lookback", "96h", "--sources", "phone"))
	var status workflows.TenantStatus
	waitImports := func(n int) {
		require.Eventually(t, func() bool {
			status = workflows.TenantStatus{}
			return e.starter(&status, "tenant", "status", e.tenant) == nil && status.Imports == n && status.Running == nil
		}, time.Minute, 200*time.Millisecond, "scheduled phone import %d did not finish (last error %q)", n, status.LastError)
	}
	waitImports(1)
	require.Empty(t, status.LastError)
	require.Equal(t, 3, status.Totals.FilesArchived, "the late recording is not listed yet")
	require.Zero(t, status.Totals.PoolCalls, "listing phone recordings spends nothing of the daily pool")
	watermark := status.Watermarks["phone"]
	require.False(t, watermark.IsZero())
	e.checkPhoneArchive(e.phoneTruth(), 3)

	// The late recording becomes available; the next scheduled run lists
	// from the watermark minus the overlap.
	e.simPOST("/_sim/clock", map[string]any{"advance": "2h"})
	require.NoError(t, e.temporal.SignalWorkflow(context.Background(), workflows.TenantWorkflowID(e.tenant), "",
		workflows.SignalImportNow, workflows.ImportNowSignal{}))
	waitImports(2)
	require.Empty(t, status.LastError)
	require.Equal(t, 4, status.Totals.FilesArchived, "the late recording was caught")
	require.Equal(t, 2, status.Totals.FilesAlreadyArchived, "the overlap's two calls were re-listed but not downloaded again")

	truth := e.phoneTruth()
	e.checkPhoneArchive(truth, 4)
	listed := map[string]int64{}
	for _, c := range truth.Conversations {
		listed[c.ConversationUUID] = c.Call.TimesListed
	}
	require.Equal(t, map[string]int64{"rec-old": 1, "rec-late": 1, "rec-recent": 2, "rec-internal": 2}, listed,
		"only calls within the overlap are listed again")

	rows := e.phoneRows()
	require.Equal(t, "internal", rows["rec-internal"].Direction, "both ends are extensions")
	require.Equal(t, "inbound", rows["rec-old"].Direction)
	require.Equal(t, "outbound", rows["rec-recent"].Direction)
}

// phone.recording_completed starts an ArchiveMeeting for the call (source
// phone), which archives its MP3 and call metadata like the import does.
func TestPhoneWebhookArchivesTheCall(t *testing.T) {
	e := newEnv(t)
	e.simPOST("/_sim/scenario", phoneScenario(time.Now().UTC()))
	e.registerTenant()
	account := e.sim.Accounts()[0].AccountID
	e.simPOST("/_sim/webhooks", map[string]any{"account_id": account, "url": "http://" + e.ingress + "/webhooks/zoom/" + e.tenant})
	e.simPOST("/_sim/phone/webhooks/send", map[string]any{"account_id": account, "all": true})
	require.Eventually(t, func() bool {
		done := 0
		for _, r := range e.phoneRows() {
			done += r.FilesArchived
		}
		return done == 3
	}, time.Minute, 200*time.Millisecond, "the three available recordings were not archived")
	e.checkPhoneArchive(e.phoneTruth(), 3)

	// An operator's phone import of the same days finds them archived.
	var out importOutput
	today := time.Now().UTC()
	require.NoError(t, e.starter(&out, "import", "--tenant", e.tenant, "--source", "phone",
		"--from", today.AddDate(0, 0, -4).Format(time.DateOnly), "--to", today.Format(time.DateOnly), "--wait"))
	require.Equal(t, 3, out.Result.Meetings, "failures: %v", out.Result.Failures)
	require.Zero(t, out.Result.FilesArchived)
	require.Equal(t, 3, out.Result.FilesAlreadyArchived)
	require.True(t, strings.HasPrefix(out.WorkflowID, "import/"+e.tenant+"/phone/"), out.WorkflowID)
}
