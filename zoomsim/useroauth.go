package zoomsim

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// User-level OAuth (authorization code grant with optional PKCE) for the one
// simulator-wide user OAuth app (Scenario.UserOAuthApp), the REST endpoints
// that need a user's consent (settings, meetings, join tokens for local
// recording) and the admin API under /_sim/oauth. README.md, "User OAuth and
// join tokens", documents the behaviour.

// userScopes is what a user grants the app: user-level granular scopes, so
// its tokens reach the user's own resources only (another user's settings or
// meetings need the ":admin" variants, which the app does not have).
const userScopes = "meeting:read:meeting meeting:read:local_recording_token user:read:user user:read:settings user:read:token"

// userOAuthRoutes registers user-level OAuth and join tokens.
func (s *Server) userOAuthRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /oauth/authorize", s.oauthAuthorize)
	s.rest(mux, "GET /v2/users/{userId}/settings", labelMedium, s.getUserSettings)
	s.rest(mux, "GET /v2/meetings/{meetingId}", labelLight, s.getMeeting)
	s.rest(mux, "GET /v2/meetings/{meetingId}/jointoken/local_recording", labelLight, s.getLocalRecordingJoinToken)
	s.rest(mux, "GET /v2/users/{userId}/token", labelLight, s.getUserToken) // OBF and ZAK (usertoken.go)
	mux.HandleFunc("GET /_sim/oauth", s.adminOAuth)
	mux.HandleFunc("POST /_sim/oauth/revoke", s.adminOAuthRevoke)
}

// pkceValue is the syntax RFC 7636 gives code verifiers and challenges.
var pkceValue = regexp.MustCompile(`^[A-Za-z0-9._~-]{43,128}$`)

// validRedirectURI accepts absolute http(s) URLs without a fragment. The
// simulated app has no redirect allow list, so any such URL is accepted.
func validRedirectURI(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.Fragment == "" && !strings.Contains(raw, "#")
}

// withParams adds query parameters to a redirect URI, keeping its own.
func withParams(base string, params url.Values) string {
	u, _ := url.Parse(base) // validated by validRedirectURI
	q := u.Query()
	for k, v := range params {
		q[k] = v
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// oauthAuthorize is GET /oauth/authorize?response_type=code&client_id&
// redirect_uri&state&code_challenge&code_challenge_method. There is no
// sign-in: sim_user=<user id or email> approves as that user at once,
// sim_deny=1 declines, and without either it answers a page listing every
// user as a link that approves as them.
func (s *Server) oauthAuthorize(w http.ResponseWriter, r *http.Request) {
	const route = "GET /oauth/authorize"
	wd, now := s.world(), s.clock.Now()
	q := r.URL.Query()
	app := wd.scenario.UserOAuthApp
	var u *user
	if su := q.Get("sim_user"); su != "" {
		if _, users := usersMatching(wd, su); len(users) > 0 {
			u = users[0]
		}
	}
	accountID := ""
	if u != nil {
		accountID = wd.accountOf(u)
	}
	s.stats.call(route, "", accountID)

	clientID, redirectURI := q.Get("client_id"), q.Get("redirect_uri")
	switch {
	case app == nil || clientID == "" || clientID != app.ClientID:
		writeHTMLError(w, http.StatusBadRequest, "Invalid client_id",
			"Invalid client_id: "+template.HTMLEscapeString(clientID)+" (error code 4702)")
		return
	case redirectURI == "" || !validRedirectURI(redirectURI):
		writeHTMLError(w, http.StatusBadRequest, "Redirect URI mismatch",
			"Redirect URI mismatch: "+template.HTMLEscapeString(redirectURI)+" (error code 4709)")
		return
	}
	back := func(params url.Values) {
		if st := q.Get("state"); st != "" {
			params.Set("state", st)
		}
		w.Header().Set("Cache-Control", "no-store")
		http.Redirect(w, r, withParams(redirectURI, params), http.StatusFound)
	}
	fail := func(code, desc string) {
		back(url.Values{"error": {code}, "error_description": {desc}})
	}
	challenge, method := q.Get("code_challenge"), q.Get("code_challenge_method")
	if challenge != "" && method == "" {
		method = "plain" // RFC 7636 and Zoom: plain unless told
	}
	switch {
	case q.Get("response_type") != "code":
		fail("unsupported_response_type", "response_type must be code")
		return
	case method != "" && method != "S256" && method != "plain":
		fail("invalid_request", "code_challenge_method must be S256 or plain")
		return
	case method != "" && !pkceValue.MatchString(challenge):
		fail("invalid_request", "code_challenge must be 43 to 128 characters of [A-Za-z0-9-._~]")
		return
	case q.Get("sim_deny") != "" && q.Get("sim_deny") != "0" && q.Get("sim_deny") != "false":
		fail("access_denied", "The user declined the authorization.")
		return
	}
	if su := q.Get("sim_user"); su != "" {
		if u == nil {
			writeHTMLError(w, http.StatusBadRequest, "Unknown user",
				"sim_user "+template.HTMLEscapeString(su)+" is not a user of any simulated account.")
			return
		}
		if u.Status != "active" {
			writeHTMLError(w, http.StatusBadRequest, "Cannot sign in",
				"User "+template.HTMLEscapeString(u.Email)+" is "+template.HTMLEscapeString(u.Status)+" and cannot sign in.")
			return
		}
		code := s.tokens.user.newCode(authCode{
			redirectURI: redirectURI, challenge: challenge, method: method,
			accountID: accountID, userID: u.ID, expires: now.Add(authCodeTTL),
		}, now)
		back(url.Values{"code": {code}})
		return
	}
	s.authorizePage(w, r, wd, clientID)
}

type authorizeUser struct {
	Name, Email, Status string
	Link                string // "" when the user cannot sign in
}

type authorizeAccount struct {
	ID    string
	Users []authorizeUser
}

var authorizeTmpl = template.Must(template.New("authorize").Parse(`<!DOCTYPE html>
<html lang="en-US"><head><meta charset="utf-8"><title>Authorize app - Zoom (simulated)</title></head>
<body><h1>Authorize app</h1>
<p>The app <code>{{.ClientID}}</code> would like to access your Zoom account
(<code>{{.Scopes}}</code>). This is the Zoom simulator: pick who you are to
approve as that user.</p>
{{range .Accounts}}<h2>Account {{.ID}}</h2>
<ul>{{range .Users}}
<li>{{if .Link}}<a href="{{.Link}}">{{.Name}} &lt;{{.Email}}&gt;</a>{{else}}{{.Name}} &lt;{{.Email}}&gt; ({{.Status}}: cannot sign in){{end}}</li>{{end}}
</ul>{{end}}
<p><a href="{{.Deny}}">Decline</a></p>
</body></html>
`))

func (s *Server) authorizePage(w http.ResponseWriter, r *http.Request, wd *world, clientID string) {
	link := func(k, v string) string {
		q := r.URL.Query()
		q.Set(k, v)
		return r.URL.Path + "?" + q.Encode()
	}
	data := struct {
		ClientID, Scopes, Deny string
		Accounts               []authorizeAccount
	}{ClientID: clientID, Scopes: userScopes, Deny: link("sim_deny", "1")}
	for _, a := range wd.accounts {
		aa := authorizeAccount{ID: a.ID}
		for _, u := range a.users {
			au := authorizeUser{Name: u.displayName(), Email: u.Email, Status: u.Status}
			if u.Status == "active" {
				au.Link = link("sim_user", u.ID)
			}
			aa.Users = append(aa.Users, au)
		}
		data.Accounts = append(data.Accounts, aa)
	}
	w.Header().Set("Content-Type", "text/html;charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_ = authorizeTmpl.Execute(w, data)
}

// accountOf returns the id of the account u belongs to.
func (w *world) accountOf(u *user) string {
	for _, a := range w.accounts {
		if a.userByID[u.ID] == u {
			return a.ID
		}
	}
	return ""
}

type userTokenResponse struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	RefreshToken string `json:"refresh_token"`
	ExpiresIn    int    `json:"expires_in"`
	Scope        string `json:"scope"`
	APIURL       string `json:"api_url"`
}

// isUserAppClient reports whether the client id of a token request (HTTP
// Basic, possibly form-encoded as golang.org/x/oauth2 sends it, or a form
// parameter) is the user OAuth app's.
func isUserAppClient(wd *world, clientID string) bool {
	app := wd.scenario.UserOAuthApp
	if app == nil || clientID == "" {
		return false
	}
	if clientID == app.ClientID {
		return true
	}
	un, err := url.QueryUnescape(clientID)
	return err == nil && un == app.ClientID
}

// userOAuthToken is POST /oauth/token for the user OAuth app:
// grant_type=authorization_code (code, redirect_uri, code_verifier) and
// grant_type=refresh_token (refresh_token; rotation: every refresh answers a
// new refresh token and the presented one stops working).
func (s *Server) userOAuthToken(w http.ResponseWriter, r *http.Request, wd *world, now time.Time, secret string) {
	const route = "POST /oauth/token"
	app := *wd.scenario.UserOAuthApp
	accountID := ""
	defer func() { s.stats.call(route, "", accountID) }()
	fail := func(status int, errCode, reason string) {
		w.Header().Set("Cache-Control", "no-store")
		writeJSON(w, status, oauthError{Reason: reason, Error: errCode})
	}
	if un, err := url.QueryUnescape(secret); secret != app.ClientSecret && (err != nil || un != app.ClientSecret) {
		fail(http.StatusBadRequest, "invalid_client", "Invalid client_id or client_secret")
		return
	}
	ttl := time.Duration(app.AccessTokenTTLSeconds) * time.Second
	answer := func(acct *account, u *user, grantID, refresh string) {
		tok := s.tokens.issue(grant{kind: tokenUser, accountID: acct.ID, userID: u.ID, grantID: grantID, expires: now.Add(ttl)}, now)
		w.Header().Set("Cache-Control", "no-store")
		writeJSON(w, http.StatusOK, userTokenResponse{
			AccessToken: tok, TokenType: "bearer", RefreshToken: refresh,
			ExpiresIn: app.AccessTokenTTLSeconds, Scope: userScopes, APIURL: baseURL(r),
		})
	}
	switch gt := r.Form.Get("grant_type"); gt {
	case "":
		fail(http.StatusBadRequest, "invalid_request", "Missing grant type")
	case "authorization_code":
		code := r.Form.Get("code")
		if code == "" {
			fail(http.StatusBadRequest, "invalid_request", "Missing authorization code")
			return
		}
		ac, ok := s.tokens.user.takeCode(code)
		if !ok {
			fail(http.StatusBadRequest, "invalid_grant", "Invalid authorization code")
			return
		}
		accountID = ac.accountID
		switch {
		case !now.Before(ac.expires):
			fail(http.StatusBadRequest, "invalid_grant", "Code is expired")
			return
		case r.Form.Get("redirect_uri") != ac.redirectURI:
			fail(http.StatusBadRequest, "invalid_grant", "Redirect URI mismatch.")
			return
		case ac.challenge != "" && !pkceVerifies(ac.challenge, ac.method, r.Form.Get("code_verifier")):
			// What Zoom answers for a verifier that does not match.
			fail(http.StatusBadRequest, "invalid_grant", "Invalid authorization code")
			return
		}
		acct, u := wd.accountUser(ac.accountID, ac.userID)
		if u == nil {
			fail(http.StatusBadRequest, "invalid_grant", "The owner of the token does not exist.")
			return
		}
		g, refresh := s.tokens.user.newGrant(acct.ID, u.ID, u.Email, now)
		answer(acct, u, g.id, refresh)
	case "refresh_token":
		rt := r.Form.Get("refresh_token")
		if rt == "" {
			fail(http.StatusBadRequest, "invalid_request", "Missing refresh token")
			return
		}
		g, refresh, ok := s.tokens.user.refreshGrant(rt, now)
		if !ok {
			fail(http.StatusBadRequest, "invalid_grant", "Invalid Token!")
			return
		}
		accountID = g.accountID
		acct, u := wd.accountUser(g.accountID, g.userID)
		if u == nil {
			fail(http.StatusBadRequest, "invalid_grant", "The owner of the token does not exist.")
			return
		}
		answer(acct, u, g.id, refresh)
	default:
		fail(http.StatusBadRequest, "unsupported_grant_type", "unsupported grant type")
	}
}

// pkceVerifies checks a code_verifier against the stored challenge.
func pkceVerifies(challenge, method, verifier string) bool {
	if !pkceValue.MatchString(verifier) {
		return false
	}
	want := verifier
	if method == "S256" {
		sum := sha256.Sum256([]byte(verifier))
		want = base64.RawURLEncoding.EncodeToString(sum[:])
	}
	return subtle.ConstantTimeCompare([]byte(want), []byte(challenge)) == 1
}

// UserGrantInfo is one authorization of the user OAuth app by a user, as
// GET /_sim/oauth lists it.
type UserGrantInfo struct {
	GrantID               string     `json:"grant_id"`
	UserID                string     `json:"user_id"`
	Email                 string     `json:"email"`
	AccountID             string     `json:"account_id"`
	CreatedAt             time.Time  `json:"created_at"`
	RefreshCount          int        `json:"refresh_count"`
	LastRefreshAt         *time.Time `json:"last_refresh_at"`
	RefreshTokenExpiresAt time.Time  `json:"refresh_token_expires_at"`
	Revoked               bool       `json:"revoked"`
	// RevokedReason is "revoked" (POST /_sim/oauth/revoke: the user removed
	// the app) or "superseded" (the user authorised the app again).
	RevokedReason string     `json:"revoked_reason,omitempty"`
	RevokedAt     *time.Time `json:"revoked_at,omitempty"`
}

// JoinTokenStats counts join tokens for local recording.
type JoinTokenStats struct {
	Minted   int64 `json:"minted"`
	Redeemed int64 `json:"redeemed"`
	// Rejected counts redeem attempts that failed (unknown, used, expired or
	// minted for another meeting).
	Rejected int64 `json:"rejected"`
	// Outstanding counts minted tokens neither redeemed nor expired.
	Outstanding int `json:"outstanding"`
}

// OAuthState answers GET /_sim/oauth.
type OAuthState struct {
	App        ScenarioUserOAuthApp `json:"app"`
	Grants     []UserGrantInfo      `json:"grants"`
	JoinTokens JoinTokenStats       `json:"join_tokens"`
}

// UserOAuthApp returns the user OAuth app's credentials and access-token TTL.
func (s *Server) UserOAuthApp() ScenarioUserOAuthApp {
	if app := s.world().scenario.UserOAuthApp; app != nil {
		return *app
	}
	return ScenarioUserOAuthApp{}
}

// OAuthGrants lists every authorization of the user OAuth app since the
// scenario was loaded, oldest first, revoked ones included.
func (s *Server) OAuthGrants() []UserGrantInfo { return s.tokens.user.grantInfos() }

// OAuthState is GET /_sim/oauth: the app, its grants and join-token counters.
func (s *Server) OAuthState() OAuthState {
	return OAuthState{App: s.UserOAuthApp(), Grants: s.OAuthGrants(), JoinTokens: s.tokens.user.joinStats(s.clock.Now())}
}

// ErrUnknownUser is returned for a user id or email no account has.
var ErrUnknownUser = errors.New("no user of any account has that id or email")

// RevokeUserGrants revokes every working grant of a user (id or email, in any
// account), as if the user removed the app: its access tokens are answered
// 401 code 124 and its refresh token invalid_grant. It returns how many grants
// it revoked.
func (s *Server) RevokeUserGrants(userIDOrEmail string) (int, error) {
	keys, users := usersMatching(s.world(), userIDOrEmail)
	if len(users) == 0 {
		return 0, fmt.Errorf("%w: %q", ErrUnknownUser, userIDOrEmail)
	}
	return s.tokens.user.revokeUsers(keys, s.clock.Now()), nil
}

// UserTokens is what a completed authorization hands the app.
type UserTokens struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	ExpiresIn    int    `json:"expires_in"`
	UserID       string `json:"user_id"`
	AccountID    string `json:"account_id"`
}

// IssueUserTokens completes an authorization of the user OAuth app by a user
// (id or email) without the browser round trip, for Go tests. Like a real
// authorization it supersedes the user's earlier grants.
func (s *Server) IssueUserTokens(userIDOrEmail string) (UserTokens, error) {
	wd, now := s.world(), s.clock.Now()
	_, users := usersMatching(wd, userIDOrEmail)
	if len(users) == 0 {
		return UserTokens{}, fmt.Errorf("%w: %q", ErrUnknownUser, userIDOrEmail)
	}
	u := users[0]
	acctID := wd.accountOf(u)
	app := s.UserOAuthApp()
	g, refresh := s.tokens.user.newGrant(acctID, u.ID, u.Email, now)
	ttl := time.Duration(app.AccessTokenTTLSeconds) * time.Second
	tok := s.tokens.issue(grant{kind: tokenUser, accountID: acctID, userID: u.ID, grantID: g.id, expires: now.Add(ttl)}, now)
	return UserTokens{AccessToken: tok, RefreshToken: refresh, ExpiresIn: app.AccessTokenTTLSeconds, UserID: u.ID, AccountID: acctID}, nil
}

func (s *Server) adminOAuth(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.OAuthState())
}

// OAuthRevokeRequest is the body of POST /_sim/oauth/revoke.
type OAuthRevokeRequest struct {
	User string `json:"user"` // user id or email
}

func (s *Server) adminOAuthRevoke(w http.ResponseWriter, r *http.Request) {
	var req OAuthRevokeRequest
	if !decodeBody(w, r, &req) {
		return
	}
	if req.User == "" {
		writeAdminError(w, http.StatusBadRequest, errors.New("user (id or email) is required"))
		return
	}
	n, err := s.RevokeUserGrants(req.User)
	if err != nil {
		writeAdminError(w, http.StatusNotFound, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"user": req.User, "revoked": n})
}

// accountUser finds a user of an account; u is nil when either is gone.
func (w *world) accountUser(accountID, userID string) (acct *account, u *user) {
	if acct = w.accountByID[accountID]; acct != nil {
		u = acct.userByID[userID]
	}
	return acct, u
}
