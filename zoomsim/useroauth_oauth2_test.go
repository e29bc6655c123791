package zoomsim_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/meetvault/meetvault/zoomsim"
)

// TestUserOAuthWithXOAuth2 drives the authorization-code flow with PKCE and
// refresh-token rotation through golang.org/x/oauth2 itself, the library the
// production Zoom client uses, so the simulator's endpoints and response
// shapes are checked against a client it did not write.
func TestUserOAuthWithXOAuth2(t *testing.T) {
	const ttl = 300
	sim := zoomsim.New(zoomsim.Options{})
	_, err := sim.LoadScenario(zoomsim.Scenario{
		Seed:         7,
		UserOAuthApp: &zoomsim.ScenarioUserOAuthApp{AccessTokenTTLSeconds: ttl},
		Accounts: []zoomsim.ScenarioAccount{{
			Users:        []zoomsim.ScenarioUser{{Email: "owner@acme.example"}, {Email: "hana.host@acme.example", FirstName: "Hana"}},
			Meetings:     []zoomsim.ScenarioMeeting{},
			LiveMeetings: []zoomsim.ScenarioLiveMeeting{{ID: 86000000001, HostID: "hana.host@acme.example"}},
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim.Handler())
	t.Cleanup(srv.Close)
	app := sim.UserOAuthApp()
	if app.ClientID == "" || app.ClientSecret == "" || app.AccessTokenTTLSeconds != ttl {
		t.Fatalf("app %+v", app)
	}
	cfg := &oauth2.Config{
		ClientID: app.ClientID, ClientSecret: app.ClientSecret,
		Endpoint: oauth2.Endpoint{
			AuthURL: srv.URL + "/oauth/authorize", TokenURL: srv.URL + "/oauth/token",
			AuthStyle: oauth2.AuthStyleInHeader,
		},
		RedirectURL: "http://127.0.0.1:8088/zoom/oauth/callback",
	}
	ctx := context.Background()

	authorize := func(verifier string) string {
		t.Helper()
		u := cfg.AuthCodeURL("state-42", oauth2.S256ChallengeOption(verifier),
			oauth2.SetAuthURLParam("sim_user", "hana.host@acme.example"))
		noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := noFollow.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		loc, err := url.Parse(resp.Header.Get("Location"))
		if resp.StatusCode != http.StatusFound || err != nil {
			t.Fatalf("authorize: %d %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		if loc.Query().Get("state") != "state-42" || loc.Path != "/zoom/oauth/callback" {
			t.Fatalf("redirect %s", loc)
		}
		return loc.Query().Get("code")
	}

	// A wrong verifier is refused with invalid_grant.
	v := oauth2.GenerateVerifier()
	_, err = cfg.Exchange(ctx, authorize(v), oauth2.VerifierOption(oauth2.GenerateVerifier()))
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.ErrorCode != "invalid_grant" || re.Response.StatusCode != 400 {
		t.Fatalf("PKCE mismatch: %v", err)
	}

	verifier := oauth2.GenerateVerifier()
	tok, err := cfg.Exchange(ctx, authorize(verifier), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken == "" || tok.RefreshToken == "" || tok.Type() != "Bearer" {
		t.Fatalf("token %+v", tok)
	}
	if d := time.Until(tok.Expiry); d < (ttl-10)*time.Second || d > ttl*time.Second {
		t.Fatalf("expiry in %s", d)
	}

	me := func(tok *oauth2.Token) (int, map[string]any) {
		t.Helper()
		resp, err := cfg.Client(ctx, tok).Get(srv.URL + "/v2/users/me")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, out
	}
	if st, u := me(tok); st != 200 || u["email"] != "hana.host@acme.example" {
		t.Fatalf("users/me: %d %v", st, u)
	}

	// The simulated clock passes the expiry: the server rejects the token.
	sim.AdvanceClock((ttl + 1) * time.Second)
	req, _ := http.NewRequest("GET", srv.URL+"/v2/users/me", nil)
	tok.SetAuthHeader(req)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Fatalf("expired token: %d", resp.StatusCode)
	}
	// oauth2 judges expiry by the wall clock, so the client's copy is aged by
	// hand; its TokenSource then refreshes.
	old := *tok
	old.Expiry = time.Now().Add(-time.Second)
	fresh, err := cfg.TokenSource(ctx, &old).Token()
	if err != nil {
		t.Fatalf("refresh: %v", err)
	}
	if fresh.AccessToken == tok.AccessToken || fresh.RefreshToken == "" || fresh.RefreshToken == tok.RefreshToken {
		t.Fatalf("refresh did not rotate: old %q new %q", tok.RefreshToken, fresh.RefreshToken)
	}
	if st, _ := me(fresh); st != 200 {
		t.Fatalf("refreshed token: %d", st)
	}
	// The old refresh token is dead at once.
	_, err = cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: tok.RefreshToken, Expiry: time.Now().Add(-time.Second)}).Token()
	if !errors.As(err, &re) || re.ErrorCode != "invalid_grant" || re.Response.StatusCode != 400 {
		t.Fatalf("old refresh token: %v", err)
	}

	// A join token for the host's live meeting, with the refreshed token.
	resp, err = cfg.Client(ctx, fresh).Get(srv.URL + "/v2/meetings/86000000001/jointoken/local_recording?bypass_waiting_room=true")
	if err != nil {
		t.Fatal(err)
	}
	var jt struct {
		Token    string `json:"token"`
		ExpireIn int    `json:"expire_in"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&jt)
	resp.Body.Close()
	if resp.StatusCode != 200 || jt.Token == "" || jt.ExpireIn != 120 {
		t.Fatalf("join token: %d %+v", resp.StatusCode, jt)
	}

	// Revocation (the user removes the app) kills the grant.
	if n, err := sim.RevokeUserGrants("hana.host@acme.example"); n != 1 || err != nil {
		t.Fatalf("revoke: %d %v", n, err)
	}
	_, err = cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: fresh.RefreshToken, Expiry: time.Now().Add(-time.Second)}).Token()
	if !errors.As(err, &re) || re.ErrorCode != "invalid_grant" {
		t.Fatalf("revoked refresh token: %v", err)
	}
	if st, body := me(fresh); st != 401 || body["code"] != float64(124) {
		t.Fatalf("revoked access token: %d %v", st, body)
	}
	gs := sim.OAuthGrants()
	if len(gs) != 1 || !gs[0].Revoked || gs[0].RefreshCount != 1 {
		t.Fatalf("grants %+v", gs)
	}
}
