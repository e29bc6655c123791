package integration

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/meetvault/meetvault/archive"
	"github.com/meetvault/meetvault/workflows"
)

const (
	itBotKey      = "it-bot-key"
	itUserAppID   = "it-user-app"
	itUserAppSec  = "it-user-app-secret"
	itMeetingPass = "pw1"
)

var itBotWebhookSecret = "whsec_" + base64.StdEncoding.EncodeToString([]byte("it-bot-webhook-secret-0123456789"))

// newBotEnv is newEnv with the simulator's bot provider and user OAuth app
// configured in the worker (the scenario uses the same fixed credentials).
func newBotEnv(t *testing.T) *env {
	e := newEnv(t,
		"MEETVAULT_BOT_API_KEY="+itBotKey,
		"MEETVAULT_BOT_WEBHOOK_SECRET="+itBotWebhookSecret,
		"MEETVAULT_ZOOM_USER_CLIENT_ID="+itUserAppID,
		"MEETVAULT_ZOOM_USER_CLIENT_SECRET="+itUserAppSec,
		"MEETVAULT_BOT_SETTINGS_HELP_URL=https://help.example/zoom-local-recording",
	)
	return e
}

// botVars are set after the simulator is up (its URL) and the ingress
// address is known; the worker reads them at start, so restart it.
func (e *env) enableBots() {
	e.vars = append(e.vars, "MEETVAULT_BOT_API_URL="+e.sim.URL(), "MEETVAULT_PUBLIC_URL=http://"+e.ingress)
	e.stopWorker()
	e.startWorker()
}

type liveMeeting map[string]any

func botScenario(e *env, meetings []liveMeeting) map[string]any {
	for _, m := range meetings {
		m["passcode"] = itMeetingPass
	}
	return map[string]any{
		"seed":           7,
		"user_oauth_app": map[string]any{"client_id": itUserAppID, "client_secret": itUserAppSec},
		"bot_provider": map[string]any{"api_key": itBotKey, "webhook_secret": itBotWebhookSecret,
			"webhook_url": "http://" + e.ingress + "/webhooks/bot"},
		"accounts": []any{map[string]any{
			"users": []any{
				map[string]any{"email": "owner@acme.test"},
				map[string]any{"email": "norec@acme.test", "settings": map[string]any{"local_recording": false}},
				map[string]any{"email": "noreq@acme.test", "settings": map[string]any{"local_recording_requests": false}},
				map[string]any{"email": "oauth@acme.test"},
			},
			"meetings":      []any{},
			"live_meetings": meetings,
		}},
	}
}

func meetingURL(id int64) string {
	return fmt.Sprintf("https://zoom.us/j/%d?pwd=%s", id, itMeetingPass)
}

// connectHost runs the Zoom OAuth authorization-code flow for a host: the
// ingress redirects to Zoom's (the simulator's) consent page, which
// approves as the user and redirects back to the ingress callback.
func (e *env) connectHost(email string) {
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get("http://" + e.ingress + "/oauth/zoom/start?tenant=" + url.QueryEscape(e.tenant))
	require.NoError(e.t, err)
	resp.Body.Close()
	require.Equal(e.t, http.StatusFound, resp.StatusCode)
	authorize, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(e.t, err)
	require.True(e.t, strings.HasPrefix(authorize.String(), e.sim.URL()+"/oauth/authorize"), authorize.String())
	q := authorize.Query()
	require.Equal(e.t, "S256", q.Get("code_challenge_method"), "PKCE")
	q.Set("sim_user", email)
	authorize.RawQuery = q.Encode()
	resp, err = http.Get(authorize.String()) // follows the redirect to the callback
	require.NoError(e.t, err)
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(e.t, http.StatusOK, resp.StatusCode, "callback page: %s", page)
	require.Contains(e.t, string(page), email)
}

type simBot struct {
	BotID         string `json:"bot_id"`
	MeetingID     int64  `json:"meeting_id"`
	StatusChanges []struct {
		Code    string `json:"code"`
		SubCode string `json:"sub_code"`
	} `json:"status_changes"`
	ChatMessages []struct {
		To      string `json:"to"`
		Message string `json:"message"`
	} `json:"chat_messages"`
	JoinTokenUsed bool `json:"join_token_used"`
	Recording     *struct {
		ID     string `json:"id"`
		Size   int64  `json:"size"`
		SHA256 string `json:"sha256"`
	} `json:"recording"`
}

func (e *env) simBots() []simBot {
	var body struct {
		Bots []simBot `json:"bots"`
	}
	e.simGET("/_sim/bots", &body)
	return body.Bots
}

func (e *env) botsOf(meetingID int64) []simBot {
	var out []simBot
	for _, b := range e.simBots() {
		if b.MeetingID == meetingID {
			out = append(out, b)
		}
	}
	return out
}

func (e *env) joinBot(meetingID int64, extra ...string) string {
	var out struct {
		WorkflowID string `json:"workflow_id"`
	}
	args := append([]string{"bot", "join", "--tenant", e.tenant, "--meeting-url", meetingURL(meetingID),
		"--consent-timeout", "4s", "--waiting-room-timeout", "3s", "--poll-interval", "2s", "--join-retry-interval", "1s"}, extra...)
	require.NoError(e.t, e.starter(&out, args...))
	require.Equal(e.t, workflows.MeetingBotID(e.tenant, fmt.Sprint(meetingID)), out.WorkflowID)
	return out.WorkflowID
}

func (e *env) botResult(id string, timeout time.Duration) workflows.BotState {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var st workflows.BotState
	require.NoError(e.t, e.temporal.GetWorkflow(ctx, id, "").Get(ctx, &st), "bot %s did not finish; worker log:\n%s", id, e.workerLog)
	require.NotNil(e.t, st.Outcome)
	return st
}

// requireBotArchived checks that the bot's recording is in Postgres and S3
// with the simulator's bytes.
func (e *env) requireBotArchived(t *testing.T, meetingID int64, st workflows.BotState) {
	var rec *simBot
	for _, b := range e.botsOf(meetingID) {
		if b.Recording != nil {
			b := b
			rec = &b
		}
	}
	require.NotNil(t, rec, "the simulator has a recording")
	var found bool
	for _, f := range e.archivedFiles() {
		if f.ConversationUUID != rec.BotID {
			continue
		}
		found = true
		require.Equal(t, rec.Recording.SHA256, f.SHA256, "archived bytes are the simulator's")
		require.Equal(t, rec.Recording.Size, f.Size)
		info, ok, err := e.s3.Head(context.Background(), f.Key)
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, rec.Recording.SHA256, info.Metadata[archive.MetaSHA256])
		require.Equal(t, e.tenant, info.Metadata[archive.MetaTenant])
		require.NotEmpty(t, info.ChecksumSHA256)
	}
	require.True(t, found, "bot %s's media archived (outcome %+v)", rec.BotID, st.Outcome)
}

// One environment, every consent scenario at once: each meeting of the
// scenario exercises one branch, all bots run concurrently.
func TestMeetingBotScenarios(t *testing.T) {
	e := newBotEnv(t)
	meetings := []liveMeeting{
		{"id": 81000000001, "host_id": "owner@acme.test", "host_joins_after_ms": 300, "answer_after_ms": 300, "ends_after_ms": 4000},
		{"id": 81000000002, "host_id": "owner@acme.test", "host_answer": "deny", "ends_after_ms": 20000},
		{"id": 81000000003, "host_id": "norec@acme.test", "ends_after_ms": 20000},
		{"id": 81000000004, "host_id": "noreq@acme.test", "ends_after_ms": 20000},
		{"id": 81000000005, "host_id": "owner@acme.test", "requests_disabled_in_meeting": true, "ends_after_ms": 20000},
		{"id": 81000000006, "host_id": "owner@acme.test", "host_attends": false, "ends_after_ms": 30000},
		{"id": 81000000007, "host_id": "oauth@acme.test", "host_attends": false, "ends_after_ms": 4000},
		{"id": 81000000008, "host_id": "owner@acme.test", "host_signed_in_elsewhere": true, "ends_after_ms": 30000},
		{"id": 81000000009, "host_id": "owner@acme.test", "waiting_room": true, "ends_after_ms": 30000},
		{"id": 81000000010, "host_id": "owner@acme.test", "join_internal_errors": 1, "ends_after_ms": 4000},
		{"id": 81000000011, "host_id": "owner@acme.test", "join_internal_errors": -1},
	}
	e.simPOST("/_sim/scenario", botScenario(e, meetings))
	e.enableBots()
	e.registerTenant()
	e.connectHost("oauth@acme.test")

	ids := map[int64]string{}
	for _, m := range meetings {
		id := m["id"].(int)
		ids[int64(id)] = e.joinBot(int64(id))
	}
	results := map[int64]workflows.BotState{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for m, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st := e.botResult(id, 2*time.Minute)
			mu.Lock()
			results[m] = st
			mu.Unlock()
		}()
	}
	wg.Wait()
	outcome := func(m int64) workflows.BotOutcome { return *results[m].Outcome }
	if testing.Verbose() {
		for m, st := range results {
			t.Logf("meeting %d: %+v", m, *st.Outcome)
			for _, h := range st.History {
				t.Logf("  %s %s %s %s %s", h.At.Format("15:04:05.000"), h.BotID, h.Code, h.SubCode, h.Via)
			}
			for _, ev := range st.Events {
				t.Logf("  %s %s", ev.At.Format("15:04:05.000"), ev.What)
			}
		}
	}

	t.Run("host allows", func(t *testing.T) {
		require.Equal(t, workflows.BotArchived, outcome(81000000001).State, "%+v", outcome(81000000001))
		e.requireBotArchived(t, 81000000001, results[81000000001])
		require.Empty(t, e.botsOf(81000000001)[0].ChatMessages)
	})
	t.Run("host denies", func(t *testing.T) {
		o := outcome(81000000002)
		require.Equal(t, workflows.BotHostDenied, o.State, "%+v", o)
		require.Equal(t, "zoom_local_recording_request_denied_by_host", o.SubCode)
		bots := e.botsOf(81000000002)
		require.Len(t, bots, 1, "not asked again")
		require.Empty(t, bots[0].ChatMessages)
	})
	for m, c := range map[int64]struct{ sub, text string }{
		81000000003: {"zoom_local_recording_disabled", "Local recording"},
		81000000004: {"zoom_local_recording_request_disabled", "request permission to record locally"},
		81000000005: {"zoom_local_recording_request_disabled_by_host", "recording requests are turned off in this meeting"},
	} {
		t.Run("settings "+c.sub, func(t *testing.T) {
			o := outcome(m)
			require.Equal(t, workflows.BotSettingsBlocked, o.State, "%+v", o)
			require.Equal(t, c.sub, o.SubCode)
			bots := e.botsOf(m)
			require.Len(t, bots, 1, "no join-token retry for a settings denial")
			require.Len(t, bots[0].ChatMessages, 1, "one chat message")
			require.Equal(t, "host", bots[0].ChatMessages[0].To)
			require.Contains(t, bots[0].ChatMessages[0].Message, c.text)
			require.Contains(t, bots[0].ChatMessages[0].Message, "https://help.example/zoom-local-recording")
		})
	}
	t.Run("host absent without OAuth", func(t *testing.T) {
		o := outcome(81000000006)
		require.Equal(t, workflows.BotHostNotPresent, o.State, "%+v", o)
		require.Equal(t, "zoom_host_not_present", o.SubCode)
		require.Contains(t, o.Advice, "starter host connect")
	})
	t.Run("host absent with OAuth", func(t *testing.T) {
		st := results[81000000007]
		require.Equal(t, workflows.BotArchived, st.Outcome.State, "%+v", st.Outcome)
		require.True(t, st.JoinToken)
		bots := e.botsOf(81000000007)
		require.Len(t, bots, 1)
		require.True(t, bots[0].JoinTokenUsed, "recorded with a join token minted through the ingress")
		e.requireBotArchived(t, 81000000007, st)
	})
	t.Run("host signed into another account", func(t *testing.T) {
		o := outcome(81000000008)
		require.Equal(t, workflows.BotHostNotPresent, o.State, "%+v", o)
		require.Contains(t, o.Advice, "signed in to the Zoom account that owns the meeting")
	})
	t.Run("waiting room timeout", func(t *testing.T) {
		o := outcome(81000000009)
		require.Equal(t, workflows.BotWaitingRoomTimeout, o.State, "%+v", o)
		require.Contains(t, []string{"timeout_exceeded_waiting_room", workflows.SubCodeWaitingRoomTimeout}, o.SubCode)
	})
	t.Run("transient zoom_internal_error", func(t *testing.T) {
		st := results[81000000010]
		require.Equal(t, workflows.BotArchived, st.Outcome.State, "%+v", st.Outcome)
		require.Len(t, st.Bots, 2)
		e.requireBotArchived(t, 81000000010, st)
	})
	t.Run("persistent zoom_internal_error", func(t *testing.T) {
		st := results[81000000011]
		require.Equal(t, workflows.BotJoinFailed, st.Outcome.State, "%+v", st.Outcome)
		require.Equal(t, "zoom_internal_error", st.Outcome.SubCode)
		require.Len(t, st.Bots, 3)
	})
	t.Run("status webhooks delivered", func(t *testing.T) {
		var viaWebhook int
		for _, st := range results {
			for _, h := range st.History {
				if h.Via == "webhook" {
					viaWebhook++
				}
			}
		}
		assert.Positive(t, viaWebhook, "statuses arrived by signed webhook")
	})
}

// Webhooks lost and a worker killed mid-meeting: polling catches up, the
// workflow resumes on the restarted worker, and the media is archived once.
func TestMeetingBotSurvivesLostWebhooksAndWorkerCrash(t *testing.T) {
	e := newBotEnv(t)
	meetings := []liveMeeting{
		{"id": 82000000001, "host_id": "owner@acme.test", "host_joins_after_ms": 200, "answer_after_ms": 200, "ends_after_ms": 8000},
	}
	e.simPOST("/_sim/scenario", botScenario(e, meetings))
	e.simPOST("/_sim/faults", map[string]any{"bot_webhook_drop_rate": 1})
	e.enableBots()
	e.registerTenant()
	id := e.joinBot(82000000001)

	// Kill the worker once the bot records.
	require.Eventually(t, func() bool {
		for _, b := range e.botsOf(82000000001) {
			for _, s := range b.StatusChanges {
				if s.Code == "in_call_recording" {
					return true
				}
			}
		}
		return false
	}, 60*time.Second, 100*time.Millisecond)
	e.killWorker()
	time.Sleep(3 * time.Second)
	e.startWorker()

	st := e.botResult(id, 2*time.Minute)
	require.Equal(t, workflows.BotArchived, st.Outcome.State, "%+v", st.Outcome)
	for _, h := range st.History {
		require.Equal(t, "poll", h.Via, "every webhook was dropped")
	}
	e.requireBotArchived(t, 82000000001, st)
	require.Len(t, e.archivedFiles(), 1, "archived once")
}
