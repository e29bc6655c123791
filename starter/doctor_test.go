package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/meetvault/meetvault/store"
	"github.com/meetvault/meetvault/zoom"
)

// validatingIngress answers endpoint.url_validation as the worker's ingress
// does for tenant acme, verifying Zoom's signature with secret.
func validatingIngress(t *testing.T, secret string) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/webhooks/zoom/acme" {
			http.NotFound(w, r)
			return
		}
		body, _ := io.ReadAll(r.Body)
		if err := zoom.VerifyWebhook(secret, r.Header, body, time.Now()); err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		var ev struct {
			Event   string `json:"event"`
			Payload struct {
				PlainToken string `json:"plainToken"`
			} `json:"payload"`
		}
		require.NoError(t, json.Unmarshal(body, &ev))
		require.Equal(t, "endpoint.url_validation", ev.Event)
		_ = json.NewEncoder(w).Encode(map[string]string{"plainToken": ev.Payload.PlainToken,
			"encryptedToken": zoom.URLValidationResponse(secret, ev.Payload.PlainToken)})
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestCheckWebhookRoundTrip(t *testing.T) {
	ctx, now := context.Background(), time.Now()
	srv := validatingIngress(t, "right-secret")
	tenant := store.Tenant{ID: "acme", WebhookSecretToken: "right-secret"}

	detail, ps := checkWebhook(ctx, srv.Client(), srv.URL+"/", tenant, now)
	require.Empty(t, ps)
	require.Equal(t, srv.URL+"/webhooks/zoom/acme answers Zoom's URL validation", detail)

	// The ingress holds another secret: Zoom's signature check fails there.
	_, ps = checkWebhook(ctx, srv.Client(), srv.URL, store.Tenant{ID: "acme", WebhookSecretToken: "stale"}, now)
	require.Len(t, ps, 1)
	require.Contains(t, ps[0].Problem, "HTTP 401")
	require.False(t, ps[0].Blocks, "imports still archive without webhooks")

	// An ingress that answers with another secret's token.
	liar := validatingIngress(t, "stale")
	_, ps = checkWebhook(ctx, liar.Client(), liar.URL, store.Tenant{ID: "acme", WebhookSecretToken: "stale"}, now)
	require.Empty(t, ps, "same secret on both sides")

	_, ps = checkWebhook(ctx, srv.Client(), srv.URL, store.Tenant{ID: "other", WebhookSecretToken: "x"}, now)
	require.Contains(t, ps[0].Problem, "HTTP 404")
	require.Contains(t, ps[0].Fix, srv.URL+"/webhooks/zoom/other")

	_, ps = checkWebhook(ctx, srv.Client(), "http://127.0.0.1:1", tenant, now)
	require.Contains(t, ps[0].Problem, "would fail")

	_, ps = checkWebhook(ctx, srv.Client(), srv.URL, store.Tenant{ID: "acme"}, now)
	require.Contains(t, ps[0].Problem, "no webhook secret token")
	require.Contains(t, ps[0].Fix, "--webhook-secret-file")
}

func TestCheckWebhookRejectsAWrongAnswer(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, `{"plainToken":"x","encryptedToken":"y"}`)
	}))
	defer srv.Close()
	_, ps := checkWebhook(context.Background(), srv.Client(), srv.URL, store.Tenant{ID: "acme", WebhookSecretToken: "s"}, time.Now())
	require.Len(t, ps, 1)
	require.Contains(t, ps[0].Problem, "signed with another secret token")
}

func TestHostConnectionProblems(t *testing.T) {
	detail, ps := hostConnectionProblems([]store.HostConnection{
		{ZoomUserID: "u1", Email: "alice@acme.example", Status: store.HostConnectionActive,
			Scope: "meeting:read:meeting meeting:read:local_recording_token user:read:user user:read:settings"},
		{ZoomUserID: "u2", Email: "bob@acme.example", Status: store.HostConnectionDead, DeadReason: "invalid_grant"},
		{ZoomUserID: "u3", Status: store.HostConnectionDead},
	}, "acme")
	require.Equal(t, "3 connection(s), 2 dead", detail)
	require.Len(t, ps, 2)
	require.Equal(t, "bob@acme.example", ps[0].User)
	require.Contains(t, ps[0].Problem, "(invalid_grant)")
	require.Equal(t, "the host reconnects Zoom through the link of: starter host connect --tenant acme", ps[0].Fix)
	require.Equal(t, "u3", ps[1].User, "no e-mail: the Zoom user id")
	require.False(t, ps[0].Blocks || ps[1].Blocks, "bots still ask for consent")
}

func TestDoctorReportOrderTextAndJSON(t *testing.T) {
	r := &doctorReport{Tenant: "acme", Problems: []problem{}}
	r.add("host_oauth", "1 dead", problem{User: "zed@acme.example", Problem: "dead", Fix: "reconnect"})
	r.add("zoom_settings", "2 users", problem{User: "bob@acme.example", Check: "local_recording", Problem: "local recording is off", Fix: "turn it on", Blocks: true})
	r.add("s3", "bucket reachable")
	r.skip("webhook", "no URL")
	r.sortProblems()
	require.True(t, r.Blocked)
	require.Equal(t, 1, r.blocking())
	require.Equal(t, "bob@acme.example", r.Problems[0].User, "blocking problems first")
	require.Equal(t, "host_oauth", r.Problems[1].Check, "the check's name fills in")

	var text bytes.Buffer
	r.writeText(&text)
	lines := strings.Split(strings.TrimSpace(text.String()), "\n")
	require.Equal(t, []string{
		"doctor: tenant acme",
		"  WARN host_oauth       1 dead",
		"  FAIL zoom_settings    2 users",
		"  ok   s3               bucket reachable",
		"  skip webhook          no URL",
		"2 problem(s), 1 blocking recording:",
		"bob@acme.example: local recording is off: turn it on",
		"zed@acme.example: dead: reconnect",
	}, lines)

	b, err := json.Marshal(r)
	require.NoError(t, err)
	var decoded struct {
		Problems []map[string]any `json:"problems"`
		Blocked  bool             `json:"blocked"`
	}
	require.NoError(t, json.Unmarshal(b, &decoded))
	require.True(t, decoded.Blocked)
	require.Equal(t, map[string]any{"user": "bob@acme.example", "check": "local_recording", "problem": "local recording is off",
		"fix": "turn it on", "blocks_recording": true}, decoded.Problems[0])
}

func TestHostConnectionScopes(t *testing.T) {
	_, ps := hostConnectionProblems([]store.HostConnection{
		{ZoomUserID: "u1", Email: "alice@acme.example", Status: store.HostConnectionActive, Scope: "meeting:read:meeting user:read:user"},
		{ZoomUserID: "u2", Email: "bob@acme.example", Status: store.HostConnectionActive, Scope: "meeting:read user:read"},
		{ZoomUserID: "u3", Email: "carmen@acme.example", Status: store.HostConnectionActive, Scope: ""},
	}, "acme")
	require.Len(t, ps, 1, "the classic meeting:read covers both; an unknown grant is not judged: %+v", ps)
	require.Equal(t, "alice@acme.example", ps[0].User)
	require.Equal(t, "host_oauth_scopes", ps[0].Check)
	require.Contains(t, ps[0].Problem, "lacks meeting:read:local_recording_token")
	require.Contains(t, ps[0].Fix, "starter host connect --tenant acme")
	require.False(t, ps[0].Blocks)
}
