package zoomsim

import (
	"crypto/sha256"
	"encoding/base64"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

const (
	uoClient      = "UserAppClientAAAAAAAAA"
	uoSecret      = "UserAppSecretAAAAAAAAAAAAAAAAAAA"
	uoGuestMail   = "guest@acme.example"
	uoNoRecMail   = "norec@acme.example"
	uoLiveID      = int64(87000000001)
	uoNoRecLiveID = int64(87000000002)
	uoOtherLiveID = int64(87000000003)
	uoCallbackURL = "https://app.example/zoom/callback?tenant=t1"
	uoVerifier    = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
)

// uoScenario is testScenario plus the user OAuth app (10-minute access
// tokens), a host without local recording and live meetings in both accounts.
func uoScenario() Scenario {
	sc := testScenario()
	off := false
	sc.UserOAuthApp = &ScenarioUserOAuthApp{ClientID: uoClient, ClientSecret: uoSecret, AccessTokenTTLSeconds: 600}
	a := &sc.Accounts[0]
	a.Users = append(a.Users,
		ScenarioUser{Email: uoNoRecMail, FirstName: "Nora", LastName: "NoRec", Settings: &ScenarioUserSettings{LocalRecording: &off, CloudRecording: &off}},
		ScenarioUser{Email: "gone@acme.example", FirstName: "Gone", Status: "inactive"},
	)
	a.LiveMeetings = []ScenarioLiveMeeting{
		{ID: uoLiveID, HostID: hostMail, Topic: "Live standup", Passcode: "pass123", WaitingRoom: true},
		{ID: uoNoRecLiveID, HostID: uoNoRecMail},
	}
	sc.Accounts[1].LiveMeetings = []ScenarioLiveMeeting{{ID: uoOtherLiveID}}
	return sc
}

var uoNoRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func uoS256(v string) string {
	sum := sha256.Sum256([]byte(v))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// authorizeRaw does GET /oauth/authorize with the given parameters and returns
// the status, Location and body.
func (ts *testSim) uoAuthorizeRaw(params url.Values) (int, *url.URL, string) {
	ts.t.Helper()
	resp, err := uoNoRedirect.Get(ts.ts.URL + "/oauth/authorize?" + params.Encode())
	if err != nil {
		ts.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var loc *url.URL
	if l := resp.Header.Get("Location"); l != "" {
		if loc, err = url.Parse(l); err != nil {
			ts.t.Fatalf("Location %q: %v", l, err)
		}
	}
	return resp.StatusCode, loc, string(b)
}

func uoAuthParams(user string, extra ...string) url.Values {
	v := url.Values{"response_type": {"code"}, "client_id": {uoClient}, "redirect_uri": {uoCallbackURL}, "state": {"st-1"}}
	if user != "" {
		v.Set("sim_user", user)
	}
	for i := 0; i+1 < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	return v
}

// authorize approves as user with an S256 challenge of uoVerifier and
// returns the code.
func (ts *testSim) uoAuthorize(user string) string {
	ts.t.Helper()
	st, loc, body := ts.uoAuthorizeRaw(uoAuthParams(user, "code_challenge", uoS256(uoVerifier), "code_challenge_method", "S256"))
	if st != http.StatusFound || loc == nil || loc.Query().Get("code") == "" {
		ts.t.Fatalf("authorize %s: %d %v %s", user, st, loc, body)
	}
	return loc.Query().Get("code")
}

// tokenRequest posts a form to /oauth/token with HTTP Basic credentials.
func (ts *testSim) uoTokenRequest(form url.Values, id, secret string, out any) int {
	ts.t.Helper()
	req, _ := http.NewRequest("POST", ts.ts.URL+"/oauth/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if id != "" {
		req.SetBasicAuth(id, secret)
	}
	return ts.do(req, out)
}

func (ts *testSim) uoExchange(code, verifier string) (int, userTokenResponse, oauthError) {
	ts.t.Helper()
	form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {uoCallbackURL}}
	if verifier != "" {
		form.Set("code_verifier", verifier)
	}
	return ts.uoTokenCall(form)
}

func (ts *testSim) uoRefresh(rt string) (int, userTokenResponse, oauthError) {
	ts.t.Helper()
	return ts.uoTokenCall(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}})
}

func (ts *testSim) uoTokenCall(form url.Values) (int, userTokenResponse, oauthError) {
	ts.t.Helper()
	var both struct {
		userTokenResponse
		oauthError
	}
	st := ts.uoTokenRequest(form, uoClient, uoSecret, &both)
	return st, both.userTokenResponse, both.oauthError
}

// userToken runs the whole flow for user and returns the token response.
func (ts *testSim) uoUserToken(user string) userTokenResponse {
	ts.t.Helper()
	st, tr, oe := ts.uoExchange(ts.uoAuthorize(user), uoVerifier)
	if st != 200 {
		ts.t.Fatalf("exchange for %s: %d %+v", user, st, oe)
	}
	return tr
}

func TestAuthorizeRedirectsWithCodeAndState(t *testing.T) {
	sim := newTestSim(t, uoScenario())
	st, loc, _ := sim.uoAuthorizeRaw(uoAuthParams(uoGuestMail))
	if st != http.StatusFound || loc == nil {
		t.Fatalf("status %d", st)
	}
	q := loc.Query()
	if loc.Host != "app.example" || loc.Path != "/zoom/callback" || q.Get("tenant") != "t1" || q.Get("state") != "st-1" || len(q.Get("code")) < 20 {
		t.Fatalf("redirect %s", loc)
	}
	// sim_user by id works too.
	if st, loc, _ := sim.uoAuthorizeRaw(uoAuthParams(hostID)); st != http.StatusFound || loc.Query().Get("code") == "" {
		t.Fatalf("by id: %d %v", st, loc)
	}
}

func TestAuthorizeErrors(t *testing.T) {
	sim := newTestSim(t, uoScenario())
	// Redirected errors carry the state.
	for name, c := range map[string]struct {
		params  url.Values
		wantErr string
	}{
		"deny":           {uoAuthParams(uoGuestMail, "sim_deny", "1"), "access_denied"},
		"deny no user":   {uoAuthParams("", "sim_deny", "1"), "access_denied"},
		"response type":  {uoAuthParams(uoGuestMail, "response_type", "token"), "unsupported_response_type"},
		"method":         {uoAuthParams(uoGuestMail, "code_challenge", uoS256(uoVerifier), "code_challenge_method", "S512"), "invalid_request"},
		"short verifier": {uoAuthParams(uoGuestMail, "code_challenge", "abc", "code_challenge_method", "plain"), "invalid_request"},
	} {
		t.Run(name, func(t *testing.T) {
			st, loc, _ := sim.uoAuthorizeRaw(c.params)
			if st != http.StatusFound || loc == nil {
				t.Fatalf("status %d", st)
			}
			if q := loc.Query(); q.Get("error") != c.wantErr || q.Get("state") != "st-1" || q.Get("code") != "" || loc.Host != "app.example" {
				t.Fatalf("redirect %s", loc)
			}
		})
	}
	// Never redirect to an unvalidated URI: bad client or redirect_uri → 400 page.
	for name, params := range map[string]url.Values{
		"bad client":      uoAuthParams(uoGuestMail, "client_id", clientA),
		"no client":       uoAuthParams(uoGuestMail, "client_id", ""),
		"no redirect":     uoAuthParams(uoGuestMail, "redirect_uri", ""),
		"js redirect":     uoAuthParams(uoGuestMail, "redirect_uri", "javascript:alert(1)"),
		"relative":        uoAuthParams(uoGuestMail, "redirect_uri", "/callback"),
		"fragment":        uoAuthParams(uoGuestMail, "redirect_uri", "https://app.example/cb#x"),
		"unknown user":    uoAuthParams("nobody@acme.example"),
		"inactive user":   uoAuthParams("gone@acme.example"),
		"bad client+deny": uoAuthParams("", "client_id", "nope", "sim_deny", "1"),
	} {
		t.Run(name, func(t *testing.T) {
			st, loc, body := sim.uoAuthorizeRaw(params)
			if st != http.StatusBadRequest || loc != nil || !strings.Contains(body, "<html") {
				t.Fatalf("status %d, location %v", st, loc)
			}
		})
	}
}

func TestAuthorizePageListsEveryUser(t *testing.T) {
	sim := newTestSim(t, uoScenario())
	st, _, body := sim.uoAuthorizeRaw(uoAuthParams(""))
	if st != 200 {
		t.Fatalf("status %d", st)
	}
	for _, a := range sim.Accounts() {
		for _, u := range a.Users {
			if !strings.Contains(body, u.Email) {
				t.Errorf("page lacks %s", u.Email)
			}
			link := "sim_user=" + url.QueryEscape(u.ID)
			if has := strings.Contains(body, link); has != (u.Status == "active") {
				t.Errorf("%s (%s): link present %v", u.Email, u.Status, has)
			}
		}
	}
	if !strings.Contains(body, "sim_deny=1") {
		t.Error("no decline link")
	}
	// Following a user's link approves as that user.
	i := strings.Index(body, `href="/oauth/authorize?`)
	if i < 0 {
		t.Fatal("no link")
	}
	href := body[i+len(`href="`):]
	href = strings.ReplaceAll(href[:strings.Index(href, `"`)], "&amp;", "&")
	resp, err := uoNoRedirect.Get(sim.ts.URL + href)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc, _ := url.Parse(resp.Header.Get("Location")); resp.StatusCode != 302 || loc.Query().Get("code") == "" {
		t.Fatalf("link: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
}

func TestCodeExchangeAndUserMe(t *testing.T) {
	sim := newTestSim(t, uoScenario())
	tr := sim.uoUserToken(uoGuestMail)
	if tr.AccessToken == "" || tr.RefreshToken == "" || tr.TokenType != "bearer" || tr.ExpiresIn != 600 || !strings.Contains(tr.Scope, "meeting:read:local_recording_token") {
		t.Fatalf("token %+v", tr)
	}
	// "me" is the token's user, not the account owner.
	var u getUserResponse
	if st := sim.get("/v2/users/me", tr.AccessToken, &u); st != 200 || u.Email != uoGuestMail || u.AccountID != acctID {
		t.Fatalf("users/me: %d %+v", st, u)
	}
	if st := sim.get("/v2/users/"+hostID, tr.AccessToken, &u); st != 200 || u.ID != hostID {
		t.Fatalf("users/{id} with a user token: %d", st)
	}
	// The S2S "me" is still the owner.
	if st := sim.get("/v2/users/me", sim.token(0), &u); st != 200 || u.ID != hostID {
		t.Fatalf("S2S me: %d %+v", st, u)
	}
	// Calls are counted per account.
	if c := sim.Stats().Accounts[acctID].Calls["GET /v2/users/{userId}"]; c != 3 {
		t.Fatalf("calls %d", c)
	}
}

func TestCodeExchangeErrors(t *testing.T) {
	sim := newTestSim(t, uoScenario())
	check := func(t *testing.T, st int, oe oauthError, wantErr, wantReason string) {
		t.Helper()
		if st != 400 || oe.Error != wantErr || oe.Reason != wantReason {
			t.Fatalf("got %d %+v, want 400 %s %q", st, oe, wantErr, wantReason)
		}
	}
	t.Run("code reuse", func(t *testing.T) {
		code := sim.uoAuthorize(uoGuestMail)
		if st, _, oe := sim.uoExchange(code, uoVerifier); st != 200 {
			t.Fatalf("first: %d %+v", st, oe)
		}
		st, _, oe := sim.uoExchange(code, uoVerifier)
		check(t, st, oe, "invalid_grant", "Invalid authorization code")
	})
	t.Run("pkce mismatch", func(t *testing.T) {
		code := sim.uoAuthorize(uoGuestMail)
		st, _, oe := sim.uoExchange(code, strings.Repeat("x", 43))
		check(t, st, oe, "invalid_grant", "Invalid authorization code")
		// The code was used up by the failed attempt.
		st, _, oe = sim.uoExchange(code, uoVerifier)
		check(t, st, oe, "invalid_grant", "Invalid authorization code")
	})
	t.Run("pkce missing verifier", func(t *testing.T) {
		st, _, oe := sim.uoExchange(sim.uoAuthorize(uoGuestMail), "")
		check(t, st, oe, "invalid_grant", "Invalid authorization code")
	})
	t.Run("plain pkce", func(t *testing.T) {
		_, loc, _ := sim.uoAuthorizeRaw(uoAuthParams(uoGuestMail, "code_challenge", uoVerifier))
		if st, _, oe := sim.uoExchange(loc.Query().Get("code"), uoVerifier); st != 200 {
			t.Fatalf("plain: %d %+v", st, oe)
		}
	})
	t.Run("no pkce", func(t *testing.T) {
		_, loc, _ := sim.uoAuthorizeRaw(uoAuthParams(uoGuestMail))
		if st, _, oe := sim.uoExchange(loc.Query().Get("code"), ""); st != 200 {
			t.Fatalf("no pkce: %d %+v", st, oe)
		}
	})
	t.Run("redirect mismatch", func(t *testing.T) {
		form := url.Values{"grant_type": {"authorization_code"}, "code": {sim.uoAuthorize(uoGuestMail)},
			"redirect_uri": {"https://app.example/zoom/callback"}, "code_verifier": {uoVerifier}}
		st, _, oe := sim.uoTokenCall(form)
		check(t, st, oe, "invalid_grant", "Redirect URI mismatch.")
	})
	t.Run("expired code", func(t *testing.T) {
		code := sim.uoAuthorize(uoGuestMail)
		sim.AdvanceClock(authCodeTTL + time.Second)
		st, _, oe := sim.uoExchange(code, uoVerifier)
		check(t, st, oe, "invalid_grant", "Code is expired")
	})
	t.Run("wrong secret", func(t *testing.T) {
		var oe oauthError
		form := url.Values{"grant_type": {"authorization_code"}, "code": {sim.uoAuthorize(uoGuestMail)}, "redirect_uri": {uoCallbackURL}, "code_verifier": {uoVerifier}}
		st := sim.uoTokenRequest(form, uoClient, "nope", &oe)
		check(t, st, oe, "invalid_client", "Invalid client_id or client_secret")
	})
	t.Run("form credentials", func(t *testing.T) {
		var tr userTokenResponse
		form := url.Values{"grant_type": {"authorization_code"}, "code": {sim.uoAuthorize(uoGuestMail)}, "redirect_uri": {uoCallbackURL},
			"code_verifier": {uoVerifier}, "client_id": {uoClient}, "client_secret": {uoSecret}}
		if st := sim.uoTokenRequest(form, "", "", &tr); st != 200 || tr.RefreshToken == "" {
			t.Fatalf("form credentials: %d %+v", st, tr)
		}
	})
	t.Run("unknown code", func(t *testing.T) {
		st, _, oe := sim.uoExchange("made-up", uoVerifier)
		check(t, st, oe, "invalid_grant", "Invalid authorization code")
	})
	t.Run("grant type", func(t *testing.T) {
		st, _, oe := sim.uoTokenCall(url.Values{"grant_type": {"password"}})
		check(t, st, oe, "unsupported_grant_type", "unsupported grant type")
	})
	t.Run("S2S client cannot use codes", func(t *testing.T) {
		var oe oauthError
		form := url.Values{"grant_type": {"authorization_code"}, "code": {sim.uoAuthorize(uoGuestMail)}, "redirect_uri": {uoCallbackURL}}
		st := sim.uoTokenRequest(form, clientA, secretA, &oe)
		check(t, st, oe, "unsupported_grant_type", "unsupported grant type")
	})
}

func TestRefreshRotation(t *testing.T) {
	sim := newTestSim(t, uoScenario())
	first := sim.uoUserToken(uoGuestMail)
	st, second, oe := sim.uoRefresh(first.RefreshToken)
	if st != 200 || second.AccessToken == "" || second.AccessToken == first.AccessToken ||
		second.RefreshToken == "" || second.RefreshToken == first.RefreshToken || second.ExpiresIn != 600 {
		t.Fatalf("refresh: %d %+v %+v", st, second, oe)
	}
	// The presented refresh token stopped working at once.
	if st, _, oe := sim.uoRefresh(first.RefreshToken); st != 400 || oe.Error != "invalid_grant" || oe.Reason != "Invalid Token!" {
		t.Fatalf("old refresh token: %d %+v", st, oe)
	}
	if st, _, oe := sim.uoRefresh("made-up"); st != 400 || oe.Error != "invalid_grant" {
		t.Fatalf("unknown refresh token: %d %+v", st, oe)
	}
	st, third, _ := sim.uoRefresh(second.RefreshToken)
	if st != 200 {
		t.Fatalf("second refresh: %d", st)
	}
	if st := sim.get("/v2/users/me", third.AccessToken, nil); st != 200 {
		t.Fatalf("new access token: %d", st)
	}
	gs := sim.OAuthGrants()
	if len(gs) != 1 || gs[0].RefreshCount != 2 || gs[0].LastRefreshAt == nil || gs[0].Revoked || gs[0].Email != uoGuestMail || gs[0].AccountID != acctID {
		t.Fatalf("grants %+v", gs)
	}
	// Access tokens expire after access_token_ttl_seconds of simulated time.
	sim.AdvanceClock(600 * time.Second)
	var e apiError
	if st := sim.get("/v2/users/me", third.AccessToken, &e); st != 401 || e.Code != 124 || e.Message != "Access token is expired." {
		t.Fatalf("expired: %d %+v", st, e)
	}
	if st, _, _ := sim.uoRefresh(third.RefreshToken); st != 200 {
		t.Fatalf("refresh after expiry: %d", st)
	}
	if st, _, _ := sim.uoRefresh(third.RefreshToken); st != 400 {
		t.Fatal("used refresh token accepted again")
	}
}

func TestRefreshTokenExpires(t *testing.T) {
	sim := newTestSim(t, uoScenario())
	tr := sim.uoUserToken(uoGuestMail)
	sim.AdvanceClock(refreshTokenTTL + time.Second)
	if st, _, oe := sim.uoRefresh(tr.RefreshToken); st != 400 || oe.Error != "invalid_grant" {
		t.Fatalf("expired refresh token: %d %+v", st, oe)
	}
}

func TestRevokeUserGrants(t *testing.T) {
	sim := newTestSim(t, uoScenario())
	guest := sim.uoUserToken(uoGuestMail)
	host := sim.uoUserToken(hostID)
	var res struct {
		User    string `json:"user"`
		Revoked int    `json:"revoked"`
	}
	if st := sim.post("/_sim/oauth/revoke", map[string]string{"user": strings.ToUpper(uoGuestMail)}, &res); st != 200 || res.Revoked != 1 {
		t.Fatalf("revoke: %d %+v", st, res)
	}
	var e apiError
	if st := sim.get("/v2/users/me", guest.AccessToken, &e); st != 401 || e.Code != 124 || e.Message != "Invalid access token." {
		t.Fatalf("revoked access token: %d %+v", st, e)
	}
	if st, _, oe := sim.uoRefresh(guest.RefreshToken); st != 400 || oe.Error != "invalid_grant" || oe.Reason != "Invalid Token!" {
		t.Fatalf("revoked refresh token: %d %+v", st, oe)
	}
	// Other users are untouched.
	if st := sim.get("/v2/users/me", host.AccessToken, nil); st != 200 {
		t.Fatalf("host token: %d", st)
	}
	// Again: nothing left to revoke.
	if st := sim.post("/_sim/oauth/revoke", map[string]string{"user": uoGuestMail}, &res); st != 200 || res.Revoked != 0 {
		t.Fatalf("second revoke: %d %+v", st, res)
	}
	var ae adminError
	if st := sim.post("/_sim/oauth/revoke", map[string]string{"user": "nobody@x.example"}, &ae); st != 404 || ae.Error == "" {
		t.Fatalf("unknown user: %d %+v", st, ae)
	}
	if st := sim.post("/_sim/oauth/revoke", map[string]string{}, &ae); st != 400 {
		t.Fatalf("no user: %d", st)
	}
	var state OAuthState
	if st := sim.get("/_sim/oauth", "", &state); st != 200 {
		t.Fatalf("GET /_sim/oauth: %d", st)
	}
	if state.App.ClientID != uoClient || state.App.ClientSecret != uoSecret || state.App.AccessTokenTTLSeconds != 600 {
		t.Fatalf("app %+v", state.App)
	}
	if len(state.Grants) != 2 || !state.Grants[0].Revoked || state.Grants[0].RevokedReason != "revoked" || state.Grants[0].RevokedAt == nil ||
		state.Grants[1].Revoked || state.Grants[1].UserID != hostID {
		t.Fatalf("grants %+v", state.Grants)
	}
	// The user can authorise the app again.
	again := sim.uoUserToken(uoGuestMail)
	if st := sim.get("/v2/users/me", again.AccessToken, nil); st != 200 {
		t.Fatalf("after reconnect: %d", st)
	}
}

func TestReauthorizationSupersedesEarlierGrant(t *testing.T) {
	sim := newTestSim(t, uoScenario())
	first := sim.uoUserToken(uoGuestMail)
	second := sim.uoUserToken(uoGuestMail)
	if st, _, oe := sim.uoRefresh(first.RefreshToken); st != 400 || oe.Error != "invalid_grant" {
		t.Fatalf("superseded refresh token: %d %+v", st, oe)
	}
	if st := sim.get("/v2/users/me", first.AccessToken, nil); st != 401 {
		t.Fatalf("superseded access token: %d", st)
	}
	if st := sim.get("/v2/users/me", second.AccessToken, nil); st != 200 {
		t.Fatalf("latest access token: %d", st)
	}
	gs := sim.OAuthGrants()
	if len(gs) != 2 || gs[0].RevokedReason != "superseded" || gs[1].Revoked {
		t.Fatalf("grants %+v", gs)
	}
}

func TestScenarioLoadClearsUserGrantsAndJoinTokens(t *testing.T) {
	sim := newTestSim(t, uoScenario())
	tr := sim.uoUserToken(uoGuestMail)
	jt := sim.MintJoinToken(uoLiveID, false)
	code := sim.uoAuthorize(uoGuestMail)
	if _, err := sim.LoadScenario(uoScenario()); err != nil {
		t.Fatal(err)
	}
	if st := sim.get("/v2/users/me", tr.AccessToken, nil); st != 401 {
		t.Fatalf("old access token: %d", st)
	}
	if st, _, _ := sim.uoRefresh(tr.RefreshToken); st != 400 {
		t.Fatalf("old refresh token: %d", st)
	}
	if st, _, _ := sim.uoExchange(code, uoVerifier); st != 400 {
		t.Fatalf("old code: %d", st)
	}
	if _, ok := sim.redeemJoinToken(jt, uoLiveID); ok {
		t.Fatal("old join token redeemed")
	}
	if st := sim.OAuthState(); len(st.Grants) != 0 || st.JoinTokens.Minted != 0 {
		t.Fatalf("state %+v", st)
	}
}

func TestIssueUserTokens(t *testing.T) {
	sim := newTestSim(t, uoScenario())
	ut, err := sim.IssueUserTokens(hostMail)
	if err != nil || ut.UserID != hostID || ut.AccountID != acctID || ut.ExpiresIn != 600 {
		t.Fatalf("%+v %v", ut, err)
	}
	if st := sim.get("/v2/users/me", ut.AccessToken, nil); st != 200 {
		t.Fatalf("issued token: %d", st)
	}
	if st, _, _ := sim.uoRefresh(ut.RefreshToken); st != 200 {
		t.Fatalf("issued refresh token: %d", st)
	}
	if _, err := sim.IssueUserTokens("nobody"); err == nil {
		t.Fatal("unknown user accepted")
	}
	if app := sim.UserOAuthApp(); app.ClientID != uoClient {
		t.Fatalf("app %+v", app)
	}
}
