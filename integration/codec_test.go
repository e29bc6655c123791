package integration

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	commonpb "go.temporal.io/api/common/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"github.com/meetvault/meetvault/codec"
	"github.com/meetvault/meetvault/workflows"
)

// tokenRecorder is a reverse proxy in front of the simulator that notes
// every token passing through it (OAuth answers, webhook bodies), so the
// test knows the exact secrets to look for afterwards.
type tokenRecorder struct {
	mu     sync.Mutex
	tokens map[string]string // token → where it was seen
}

var tokenFields = regexp.MustCompile(`"(access_token|refresh_token|download_token|download_access_token|zak|token)"\s*:\s*"([^"]{8,})"`)

func (r *tokenRecorder) note(where string, body []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, m := range tokenFields.FindAllSubmatch(body, -1) {
		r.tokens[string(m[2])] = where + " " + string(m[1])
	}
}

func (r *tokenRecorder) proxy(t *testing.T, target string) string {
	u, err := url.Parse(target)
	require.NoError(t, err)
	rp := httputil.NewSingleHostReverseProxy(u)
	rp.ModifyResponse = func(resp *http.Response) error {
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return err
		}
		r.note("response of "+resp.Request.URL.Path, b)
		resp.Body = io.NopCloser(bytes.NewReader(b))
		return nil
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		r.note("request to "+req.URL.Path, b)
		req.Body = io.NopCloser(bytes.NewReader(b))
		rp.ServeHTTP(w, req)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func (r *tokenRecorder) all() map[string]string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string]string{}
	for k, v := range r.tokens {
		out[k] = v
	}
	return out
}

const (
	codecPasscode   = "Nightjar-7731-pass"
	codecBotMeeting = 83000000001
)

// An import, webhook deliveries and a meeting bot run through the whole
// stack with the payload codec on. Afterwards the raw histories, read from
// the dev server without the codec, hold none of the meetings' topics, the
// hosts' e-mails or the passcode; the codec server on the ingress decodes
// them for a caller with the token only; and the worker's log (at debug
// level) names none of the secrets and tokens that went through it.
func TestPayloadsAreEncryptedAndLogsHoldNoSecrets(t *testing.T) {
	requireStack(t)
	key := make([]byte, 32)
	_, err := rand.Read(key)
	require.NoError(t, err)
	codecToken := "it-codec-token-" + base64.RawURLEncoding.EncodeToString(key[:12])
	codecVars := []string{
		"MEETVAULT_CODEC_KEY_FILE=", // the stack's key, if any, is not this test's
		"MEETVAULT_CODEC_KEYS=it-key:" + base64.StdEncoding.EncodeToString(key),
		"MEETVAULT_CODEC_CURRENT_KEY_ID=it-key",
		"MEETVAULT_CODEC_AUTH_TOKEN=" + codecToken,
		"MEETVAULT_LOG_LEVEL=debug",
	}
	e := newEnv(t, append(codecVars,
		"MEETVAULT_BOT_API_KEY="+itBotKey,
		"MEETVAULT_BOT_WEBHOOK_SECRET="+itBotWebhookSecret,
		"MEETVAULT_ZOOM_USER_CLIENT_ID="+itUserAppID,
		"MEETVAULT_ZOOM_USER_CLIENT_SECRET="+itUserAppSec)...)
	rec := &tokenRecorder{tokens: map[string]string{}}
	oauthProxy := rec.proxy(t, e.sim.URL())
	e.vars = append(e.vars, "MEETVAULT_ZOOM_OAUTH_URL="+oauthProxy)

	hosts := []string{"cfo.quietly@nightjar-holdings.test", "legal.counsel@nightjar-holdings.test"}
	topics := []string{"Project Nightjar: confidential layoffs plan", "Nightjar acquisition term sheet review"}
	var meetings []map[string]any
	for i, topic := range topics {
		meetings = append(meetings, map[string]any{
			"topic": topic, "host_id": hosts[i], "type": 2, "duration": 30,
			"start_time": fmt.Sprintf("2026-10-%02dT15:00:00Z", 5+i),
			"files":      []map[string]any{{"file_type": "MP4", "size": 200 << 10}, {"file_type": "TRANSCRIPT", "size": 4 << 10}},
		})
	}
	e.simPOST("/_sim/scenario", map[string]any{
		"seed": 11,
		"bot_provider": map[string]any{"api_key": itBotKey, "webhook_secret": itBotWebhookSecret,
			"webhook_url": "http://" + e.ingress + "/webhooks/bot"},
		"accounts": []any{map[string]any{
			"users": []any{
				map[string]any{"email": hosts[0], "first_name": "Quinn", "last_name": "Nightjarcfo"},
				map[string]any{"email": hosts[1], "first_name": "Lee", "last_name": "Nightjarlegal"},
			},
			"meetings": meetings,
			"live_meetings": []any{map[string]any{
				"id": codecBotMeeting, "host_id": hosts[0], "passcode": codecPasscode,
				"host_joins_after_ms": 300, "answer_after_ms": 300, "ends_after_ms": 4000,
			}},
		}},
	})
	e.enableBots() // restarts the worker with the OAuth proxy too
	e.registerTenant()

	var accounts struct {
		Accounts []struct {
			AccountID          string `json:"account_id"`
			ClientSecret       string `json:"client_secret"`
			WebhookSecretToken string `json:"webhook_secret_token"`
		} `json:"accounts"`
	}
	e.simGET("/_sim/accounts", &accounts)
	acct := accounts.Accounts[0]

	// Webhooks go through the recorder, which keeps their download_tokens.
	hookProxy := rec.proxy(t, "http://"+e.ingress)
	e.simPOST("/_sim/webhooks", map[string]any{"account_id": acct.AccountID, "url": hookProxy + "/webhooks/zoom/" + e.tenant})
	e.simPOST("/_sim/webhooks/send", map[string]any{"account_id": acct.AccountID, "event": "recording.completed", "all": true})
	require.Eventually(t, func() bool { return len(e.archivedFiles()) == 4 }, 60*time.Second, 250*time.Millisecond,
		"webhooks archived %d of 4 files; worker log:\n%s", len(e.archivedFiles()), e.workerLog)
	imp := e.importWindow("2026-10-01", "2026-10-31")
	require.Equal(t, 4, imp.Result.FilesAlreadyArchived, "%+v", imp.Result)

	var bot struct {
		WorkflowID string `json:"workflow_id"`
	}
	require.NoError(t, e.starter(&bot, "bot", "join", "--tenant", e.tenant,
		"--meeting-url", fmt.Sprintf("https://zoom.us/j/%d?pwd=%s", codecBotMeeting, codecPasscode),
		"--consent-timeout", "4s", "--poll-interval", "2s"))
	st := e.botResult(bot.WorkflowID, 2*time.Minute) // decoded by the codec-aware client
	require.Equal(t, workflows.BotArchived, st.Outcome.State, "%+v", st.Outcome)

	// Raw histories: a client without the codec sees ciphertext only.
	raw, err := client.DialContext(context.Background(), client.Options{HostPort: mustEnv(t, "MEETVAULT_TEMPORAL_ADDRESS")})
	require.NoError(t, err)
	defer raw.Close()
	secrets := map[string]string{"passcode": codecPasscode}
	for i := range topics {
		secrets["topic "+topics[i]] = topics[i]
		secrets["host e-mail "+hosts[i]] = hosts[i]
	}
	histories, encrypted := e.rawHistories(raw)
	require.GreaterOrEqual(t, len(histories), 3, "an import, archives and a bot ran")
	require.Positive(t, encrypted, "payloads carry the codec's encoding")
	for id, h := range histories {
		for what, s := range secrets {
			require.False(t, bytes.Contains(h, []byte(s)), "workflow %s's raw history shows the %s", id, what)
			require.False(t, bytes.Contains(h, []byte(base64.StdEncoding.EncodeToString([]byte(s))[:12])), "workflow %s's history shows the %s base64-encoded", id, what)
		}
	}

	// The codec server decodes for a caller with the token, not without.
	e.requireCodecServer(raw, bot.WorkflowID, codecToken)

	// The temporal CLI reads the history through it, as the README says.
	if bin := os.Getenv("MEETVAULT_TEMPORAL_BIN"); bin != "" {
		show := func(extra ...string) string {
			args := append([]string{"workflow", "show", "-w", bot.WorkflowID, "--address", mustEnv(t, "MEETVAULT_TEMPORAL_ADDRESS"), "-o", "json"}, extra...)
			out, err := exec.Command(bin, args...).CombinedOutput()
			require.NoError(t, err, "%s", out)
			return string(out)
		}
		// -o json prints payload metadata base64-encoded.
		encrypted64 := base64.StdEncoding.EncodeToString([]byte(codec.Encoding))
		plain64 := base64.StdEncoding.EncodeToString([]byte("json/plain"))
		// Search attributes stay json/plain (the server indexes them).
		rawOut := show()
		require.True(t, strings.Contains(rawOut, encrypted64), "without the codec the CLI shows encrypted payloads")
		decoded := show("--codec-endpoint", "http://"+e.ingress+"/codec", "--codec-auth", codecToken)
		require.False(t, strings.Contains(decoded, encrypted64), "every payload decoded through the codec server")
		require.Greater(t, strings.Count(decoded, plain64), strings.Count(rawOut, plain64))
	}

	// The worker's log names none of the secrets and tokens it handled.
	e.stopWorker()
	logText := e.workerLog.String()
	require.NotEmpty(t, logText)
	check := map[string]string{
		"Zoom client secret":        acct.ClientSecret,
		"Zoom webhook secret token": acct.WebhookSecretToken,
		"bot API key":               itBotKey,
		"bot webhook secret":        itBotWebhookSecret,
		"user OAuth app secret":     itUserAppSec,
		"MEETVAULT_SECRET_KEY":      mustEnv(t, "MEETVAULT_SECRET_KEY"),
		"codec key":                 base64.StdEncoding.EncodeToString(key),
		"codec token":               codecToken,
		"passcode":                  codecPasscode,
	}
	tokens := rec.all()
	var sawDownloadToken, sawAccessToken bool
	for tok, where := range tokens {
		check["token ("+where+")"] = tok
		sawDownloadToken = sawDownloadToken || strings.HasSuffix(where, "download_token")
		sawAccessToken = sawAccessToken || strings.HasSuffix(where, "access_token")
	}
	require.True(t, sawDownloadToken, "the recorder saw the webhooks' download tokens: %v", tokens)
	require.True(t, sawAccessToken, "the recorder saw the OAuth access tokens: %v", tokens)
	for what, s := range check {
		require.NotEmpty(t, s, what)
		require.False(t, strings.Contains(logText, s), "the worker log shows the %s", what)
	}
	require.NotRegexp(t, `(?i)access_token=[^&\s"]{8,}|bearer [A-Za-z0-9._~+/-]{16,}|X-Amz-Signature=`, logText)
}

// rawHistories returns every history of the test's task queue as protobuf
// bytes, and how many payloads in them are encrypted.
func (e *env) rawHistories(raw client.Client) (map[string][]byte, int) {
	ctx := context.Background()
	out := map[string][]byte{}
	encrypted := 0
	var token []byte
	for {
		resp, err := raw.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Query: fmt.Sprintf("TaskQueue = %q", e.taskQueue), NextPageToken: token})
		require.NoError(e.t, err)
		for _, ex := range resp.Executions {
			id := ex.Execution.WorkflowId + "/" + ex.Execution.RunId
			var buf bytes.Buffer
			it := raw.GetWorkflowHistory(ctx, ex.Execution.WorkflowId, ex.Execution.RunId, false, 0)
			for it.HasNext() {
				ev, err := it.Next()
				require.NoError(e.t, err)
				b, err := proto.Marshal(ev)
				require.NoError(e.t, err)
				buf.Write(b)
				encrypted += countEncrypted(ev)
			}
			out[id] = buf.Bytes()
		}
		if token = resp.NextPageToken; len(token) == 0 {
			return out, encrypted
		}
	}
}

func countEncrypted(ev *historypb.HistoryEvent) int {
	n := 0
	b, _ := protojson.Marshal(ev)
	n += strings.Count(string(b), base64.StdEncoding.EncodeToString([]byte(codec.Encoding)))
	return n
}

// requireCodecServer takes the bot workflow's first encrypted payload and
// has the ingress decode it.
func (e *env) requireCodecServer(raw client.Client, workflowID, token string) {
	it := raw.GetWorkflowHistory(context.Background(), workflowID, "", false, 0)
	var payload *commonpb.Payload
	for it.HasNext() && payload == nil {
		ev, err := it.Next()
		require.NoError(e.t, err)
		if a := ev.GetWorkflowExecutionStartedEventAttributes(); a != nil && len(a.GetInput().GetPayloads()) > 0 {
			payload = a.GetInput().GetPayloads()[0]
		}
	}
	require.NotNil(e.t, payload, "the bot workflow has an input")
	require.Equal(e.t, codec.Encoding, string(payload.Metadata["encoding"]))
	body, err := protojson.Marshal(&commonpb.Payloads{Payloads: []*commonpb.Payload{payload}})
	require.NoError(e.t, err)

	call := func(path, auth string) (int, string) {
		req, err := http.NewRequest(http.MethodPost, "http://"+e.ingress+path, bytes.NewReader(body))
		require.NoError(e.t, err)
		req.Header.Set("Content-Type", "application/json")
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(e.t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	status, got := call("/codec/decode", "")
	require.Equal(e.t, http.StatusUnauthorized, status, got)
	for _, c := range []struct{ path, auth string }{{"/codec/decode", "Bearer " + token}, {"/codec/" + token + "/decode", ""}} {
		status, got = call(c.path, c.auth)
		require.Equal(e.t, http.StatusOK, status, got)
		var ps commonpb.Payloads
		require.NoError(e.t, protojson.Unmarshal([]byte(got), &ps))
		require.Len(e.t, ps.Payloads, 1)
		require.Equal(e.t, "json/plain", string(ps.Payloads[0].Metadata["encoding"]))
		var in workflows.MeetingBotInput
		require.NoError(e.t, json.Unmarshal(ps.Payloads[0].Data, &in))
		require.Contains(e.t, in.MeetingURL, codecPasscode, "the bot's input (its meeting URL) is readable through the codec server")
	}
}

// A sealing-key rotation through the CLI: with the new key in
// MEETVAULT_SECRET_KEY and the old in MEETVAULT_SECRET_PREVIOUS_KEYS,
// `starter admin reseal` rewrites the tenant's secrets; afterwards the new
// key alone reads them and `--check` passes.
func TestAdminResealRotatesTheSealingKey(t *testing.T) {
	e := newEnv(t)
	e.simPOST("/_sim/scenario", generate(3, 1, 2, 0))
	e.registerTenant()
	e.stopWorker() // the worker holds the old key only
	oldKey := mustEnv(t, "MEETVAULT_SECRET_KEY")
	newKey := make([]byte, 32)
	_, err := rand.Read(newKey)
	require.NoError(t, err)
	newB64 := base64.StdEncoding.EncodeToString(newKey)
	oldVars := e.vars

	e.vars = append(oldVars, "MEETVAULT_SECRET_KEY="+newB64)
	require.ErrorContains(t, e.starter(nil, "admin", "reseal", "--check"), "still need a previous key")

	e.vars = append(oldVars, "MEETVAULT_SECRET_KEY="+newB64, "MEETVAULT_SECRET_PREVIOUS_KEYS="+oldKey)
	var rep struct {
		KeyID   string `json:"key_id"`
		Columns []struct {
			Column   string `json:"column"`
			Resealed int    `json:"resealed"`
			Failed   int    `json:"failed"`
		} `json:"columns"`
	}
	require.NoError(t, e.starter(&rep, "admin", "reseal"))
	resealed := map[string]int{}
	for _, c := range rep.Columns {
		resealed[c.Column] = c.Resealed
		require.Zero(t, c.Failed, c.Column)
	}
	require.Equal(t, 1, resealed["tenants.zoom_client_secret_sealed"], "%+v", rep)
	require.Equal(t, 1, resealed["tenants.webhook_secret_sealed"], "%+v", rep)

	e.vars = append(oldVars, "MEETVAULT_SECRET_KEY="+newB64)
	require.NoError(t, e.starter(nil, "admin", "reseal", "--check"))
	// The worker starts with the new key alone and reads the tenant.
	e.startWorker()
	imp := e.importWindow("2026-10-01", "2026-10-31")
	require.Equal(t, 2, imp.Result.Meetings, "%+v", imp.Result)
	require.Zero(t, imp.Result.FilesFailed, "%+v", imp.Result)
}
