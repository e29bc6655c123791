package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os/exec"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/meetvault/meetvault/store"
)

type doctorProblem struct {
	User   string `json:"user"`
	Check  string `json:"check"`
	Fix    string `json:"fix"`
	Blocks bool   `json:"blocks_recording"`
}

type doctorOutput struct {
	Problems []doctorProblem `json:"problems"`
	Checks   []struct {
		Check, Status string
	} `json:"checks"`
	Blocked bool `json:"blocked"`
}

// doctor runs `starter doctor --json` with extra variables and returns its
// report and exit status.
func (e *env) doctor(extra ...string) (doctorOutput, int) {
	e.t.Helper()
	cmd := exec.Command(bins.starter, "doctor", "--tenant", e.tenant, "--json")
	cmd.Env = append(append([]string{}, e.vars...), extra...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else {
		require.NoError(e.t, err)
	}
	var out doctorOutput
	require.NoError(e.t, json.Unmarshal(stdout.Bytes(), &out), "stdout %q stderr %q", stdout.String(), stderr.String())
	return out, code
}

func (o doctorOutput) status(check string) string {
	for _, c := range o.Checks {
		if c.Check == check {
			return c.Status
		}
	}
	return ""
}

// TestDoctor runs the doctor against the simulator: hosts whose local or
// cloud recording is off block recording (exit 3, one problem each with
// the Zoom setting to change); a healthy tenant passes (exit 0) while a dead
// host connection and an unreachable webhook URL are reported without
// failing it; the webhook check is a real URL-validation round trip to the
// worker's ingress.
func TestDoctor(t *testing.T) {
	e := newEnv(t)
	off := false
	scenario := func(settings ...map[string]any) map[string]any {
		return map[string]any{"generate": map[string]any{"seed": 41, "users": 4, "meetings": 4,
			"from": "2026-10-01", "to": "2026-10-07", "user_settings": settings},
			"bot_provider": map[string]any{"api_key": "doctor-bot-key"}}
	}
	// The simulator's bot provider, with the key the scenario sets.
	e.vars = append(e.vars, "MEETVAULT_BOT_API_URL="+e.sim.URL(), "MEETVAULT_BOT_API_KEY=doctor-bot-key",
		"MEETVAULT_BOT_WEBHOOK_SECRET=whsec_ZG9jdG9y")
	e.simPOST("/_sim/scenario", scenario(nil, map[string]any{"local_recording": off}, map[string]any{"cloud_recording": off}))
	e.registerTenant()
	users := e.sim.Scenario().Accounts[0].Users
	ingress := "MEETVAULT_PUBLIC_URL=http://" + e.ingress

	out, code := e.doctor(ingress)
	require.Equal(t, 3, code, "blocked by configuration: %+v", out)
	require.True(t, out.Blocked)
	require.ElementsMatch(t, []doctorProblem{
		{User: users[1].Email, Check: "local_recording", Blocks: true,
			Fix: "Settings › Recording › Record to computer files (the host, or an admin if it is locked at the account or group level)"},
		{User: users[2].Email, Check: "cloud_recording", Blocks: true,
			Fix: "Settings › Recording › Cloud recording (the host, or an admin if it is locked at the account or group level)"},
	}, out.Problems)
	for _, c := range []string{"postgres", "tenant", "zoom_credentials", "zoom_users", "zoom_scopes", "host_oauth", "webhook",
		"bot_provider", "s3", "temporal"} {
		require.Equal(t, "ok", out.status(c), "check %s: %+v", c, out.Checks)
	}
	require.Equal(t, "problem", out.status("zoom_settings"))

	// The same account with every setting on; a host whose OAuth
	// connection died; a webhook URL nobody answers.
	e.simPOST("/_sim/scenario", scenario())
	ctx := context.Background()
	require.NoError(t, e.store.SaveHostConnection(ctx, store.HostConnection{TenantID: e.tenant, ZoomUserID: users[3].ID,
		ZoomAccountID: "acct", Email: users[3].Email, Scope: "user:read:user", AccessToken: "a", RefreshToken: "r",
		AccessExpiresAt: time.Now().Add(time.Hour), ConnectedAt: time.Now()}))
	require.NoError(t, e.store.LockHostConnection(ctx, e.tenant, users[3].ID,
		func(ctx context.Context, _ store.HostConnection, w store.HostConnectionWriter) error {
			return w.MarkDead(ctx, "invalid_grant")
		}))
	out, code = e.doctor("MEETVAULT_PUBLIC_URL=http://127.0.0.1:1")
	require.Equal(t, 0, code, "nothing blocks recording: %+v", out)
	require.False(t, out.Blocked)
	require.Len(t, out.Problems, 2, "%+v", out.Problems)
	byCheck := map[string]doctorProblem{}
	for _, p := range out.Problems {
		require.False(t, p.Blocks, "%+v", p)
		byCheck[p.Check] = p
	}
	require.Equal(t, users[3].Email, byCheck["host_oauth"].User)
	require.Contains(t, byCheck["host_oauth"].Fix, "starter host connect --tenant "+e.tenant)
	require.Contains(t, byCheck["webhook"].Fix, "http://127.0.0.1:1/webhooks/zoom/"+e.tenant)
	require.Equal(t, "ok", out.status("zoom_settings"))
	require.Equal(t, "warning", out.status("host_oauth"))
	require.Equal(t, "warning", out.status("webhook"))

	// A rejected bot-provider key blocks bots.
	out, code = e.doctor(ingress, "MEETVAULT_BOT_API_KEY=stale")
	require.Equal(t, 3, code)
	require.Equal(t, "problem", out.status("bot_provider"))
	require.Contains(t, out.Problems, doctorProblem{Check: "bot_provider", Blocks: true,
		Fix: "set MEETVAULT_BOT_API_KEY to a key of the workspace in that region (keys are per region)"})

	// A secret key other than the tenants' is named as such.
	out, code = e.doctor(ingress, "MEETVAULT_SECRET_KEY=not-base64")
	require.Equal(t, 3, code)
	require.Equal(t, "ok", out.status("postgres"))
	require.Equal(t, "problem", out.status("secret_key"))

	// An unknown tenant is blocked with the command that registers it.
	e.tenant = "nobody"
	out, code = e.doctor()
	require.Equal(t, 3, code)
	require.Equal(t, "tenant", out.Problems[0].Check)
	require.Contains(t, out.Problems[0].Fix, "starter tenant add --id nobody")
}
