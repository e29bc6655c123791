package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/meetvault/meetvault/hostauth"
	"github.com/meetvault/meetvault/workflows"
)

// The ingress's OBF and ZAK links, end to end with the simulator's bot
// provider: a bot sent to a meeting outside the app's account with an
// obf_token_url (or a zak_url) on the ingress fetches a token minted at that
// moment through the connected user's Zoom OAuth and is admitted; one with
// neither is refused (fatal / zoom_obf_token_required); a link of another
// kind or an unknown secret answers 404.
func TestOBFAndZAKLinksAdmitABotToAnExternalMeeting(t *testing.T) {
	e := newBotEnv(t)
	const obfMeeting, zakMeeting, bareMeeting = 87000000001, 87000000002, 87000000003
	meetings := []liveMeeting{
		{"id": obfMeeting, "host_id": "owner@acme.test", "external": true, "ends_after_ms": 20000},
		{"id": zakMeeting, "host_id": "owner@acme.test", "external": true, "ends_after_ms": 20000},
		{"id": bareMeeting, "host_id": "owner@acme.test", "external": true, "ends_after_ms": 20000},
	}
	e.simPOST("/_sim/scenario", botScenario(e, meetings))
	e.enableBots()
	e.registerTenant()
	e.connectHost("oauth@acme.test")

	// The links the bot creation activity issues, issued here through the
	// same service and database.
	ctx := context.Background()
	svc, err := hostauth.New(hostauth.Config{ClientID: itUserAppID, ClientSecret: itUserAppSec, OAuthURL: e.sim.URL(),
		APIURL: e.sim.URL() + "/v2", PublicURL: "http://" + e.ingress}, e.store)
	require.NoError(t, err)
	user, err := svc.UserConnection(ctx, e.tenant, "oauth@acme.test")
	require.NoError(t, err)
	require.NotNil(t, user)
	expires := time.Now().Add(time.Hour)
	obf, err := svc.IssueTokenURL(ctx, hostauth.KindOBF, e.tenant, "87000000001", user.ZoomUserID, "it", false, expires)
	require.NoError(t, err)
	zak, err := svc.IssueTokenURL(ctx, hostauth.KindZAK, e.tenant, "87000000002", user.ZoomUserID, "it", false, expires)
	require.NoError(t, err)

	// Scoped and secret: a ZAK link's secret on the OBF route, and a wrong
	// secret, are 404 (the provider's "no token").
	for _, link := range []string{
		"http://" + e.ingress + hostauth.OBFTokenPath + "?secret=" + secretParam(t, zak),
		"http://" + e.ingress + hostauth.ZAKPath + "?secret=nope",
	} {
		resp, err := http.Get(link)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusNotFound, resp.StatusCode, link)
	}

	e.createSimBot(obfMeeting, map[string]any{"obf_token_url": obf})
	e.createSimBot(zakMeeting, map[string]any{"zak_url": zak})
	e.createSimBot(bareMeeting, nil)
	joinedWith := func(id int64) string {
		for _, b := range e.rawSimBots() {
			if int64(b["meeting_id"].(float64)) == id {
				return b["joined_with"].(string)
			}
		}
		return ""
	}
	require.Eventually(t, func() bool { return joinedWith(obfMeeting) == "obf" && joinedWith(zakMeeting) == "zak" },
		30*time.Second, 200*time.Millisecond, "bots %v", e.rawSimBots())
	require.Eventually(t, func() bool {
		for _, b := range e.botsOf(bareMeeting) {
			for _, s := range b.StatusChanges {
				if s.Code == "fatal" && s.SubCode == "zoom_obf_token_required" {
					return true
				}
			}
		}
		return false
	}, 30*time.Second, 200*time.Millisecond, "a bot without OBF or ZAK must be refused: %v", e.botsOf(bareMeeting))
}

func secretParam(t *testing.T, link string) string {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, link, nil)
	require.NoError(t, err)
	return req.URL.Query().Get("secret")
}

// createSimBot creates a bot directly at the simulator's provider.
func (e *env) createSimBot(meetingID int64, zoom map[string]any) {
	body := map[string]any{"meeting_url": meetingURL(meetingID), "bot_name": "it"}
	if zoom != nil {
		body["zoom"] = zoom
	}
	b, err := json.Marshal(body)
	require.NoError(e.t, err)
	req, err := http.NewRequest(http.MethodPost, e.sim.URL()+"/api/v1/bot/", bytes.NewReader(b))
	require.NoError(e.t, err)
	req.Header.Set("Authorization", "Token "+itBotKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(e.t, err)
	resp.Body.Close()
	require.Equal(e.t, http.StatusCreated, resp.StatusCode)
}

func (e *env) rawSimBots() []map[string]any {
	var body struct {
		Bots []map[string]any `json:"bots"`
	}
	e.simGET("/_sim/bots", &body)
	return body.Bots
}

// A bot the workflow sends to a meeting outside the tenant's account, end to
// end through the worker: sent on behalf of a user who connected Zoom OAuth,
// its creation attaches that user's OBF and ZAK links, the provider fetches a token
// from the ingress, and the recording is archived; sent on behalf of nobody,
// the workflow ends external_meeting_no_token at once with the advice,
// without creating a bot the provider would refuse.
func TestExternalMeetingBotJoinsOnBehalfOfAConnectedUser(t *testing.T) {
	e := newBotEnv(t)
	const viaOBF, unaided = 87100000001, 87100000002
	meetings := []liveMeeting{
		{"id": viaOBF, "host_id": "owner@acme.test", "external": true, "answer_after_ms": 300, "ends_after_ms": 4000},
		{"id": unaided, "host_id": "owner@acme.test", "external": true, "ends_after_ms": 20000},
	}
	e.simPOST("/_sim/scenario", botScenario(e, meetings))
	e.enableBots()
	e.registerTenant()
	e.connectHost("oauth@acme.test")

	withOBF := e.joinBot(viaOBF, "--on-behalf-of", "oauth@acme.test")
	bare := e.joinBot(unaided)

	st := e.botResult(withOBF, 2*time.Minute)
	require.NotNil(t, st.Outcome)
	require.Equal(t, workflows.BotArchived, st.Outcome.State, "%+v", *st.Outcome)
	e.requireBotArchived(t, viaOBF, st)
	bots := e.botsOf(viaOBF)
	require.NotEmpty(t, bots)
	joined := ""
	for _, b := range e.rawSimBots() {
		if int64(b["meeting_id"].(float64)) == viaOBF {
			joined, _ = b["joined_with"].(string)
		}
	}
	require.Contains(t, []string{"obf", "zak"}, joined, "the bot joined with a token the ingress minted (both links are attached)")

	st = e.botResult(bare, 2*time.Minute)
	require.NotNil(t, st.Outcome)
	require.Equal(t, workflows.BotExternalMeetingNoToken, st.Outcome.State, "%+v", *st.Outcome)
	require.Contains(t, st.Outcome.Message, "user:read:token")
	require.Empty(t, e.botsOf(unaided), "no bot is sent that Zoom would refuse")
}
