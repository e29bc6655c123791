package zoomsim

import (
	"net/http"
	"time"
)

// accessTokenTTL is the lifetime of a Server-to-Server OAuth access token.
const accessTokenTTL = time.Hour

// s2sScopes is what the simulated app is granted.
const s2sScopes = "cloud_recording:read:list_user_recordings:admin cloud_recording:read:list_recording_files:admin " +
	"cloud_recording:read:recording:admin cloud_recording:delete:recording_file:admin user:read:list_users:admin " +
	"user:read:user:admin user:read:settings:admin meeting:read:meeting:admin meeting:read:local_recording_token:admin " +
	"report:read:list_meeting_participants:admin dashboard:read:list_meeting_participants:admin"

type oauthError struct {
	Reason string `json:"reason"`
	Error  string `json:"error"`
}

type tokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int    `json:"expires_in"`
	Scope       string `json:"scope"`
	APIURL      string `json:"api_url"`
}

// oauthToken is POST /oauth/token. Server-to-Server apps send
// grant_type=account_credentials and account_id (in the query string or a form
// body) with HTTP Basic client_id:client_secret. Requests from the user OAuth
// app (authorization_code, refresh_token) go to userOAuthToken.
func (s *Server) oauthToken(w http.ResponseWriter, r *http.Request) {
	const route = "POST /oauth/token"
	wd, now := s.world(), s.clock.Now()
	_ = r.ParseForm()
	clientID, secret, ok := r.BasicAuth()
	if !ok {
		clientID, secret = r.Form.Get("client_id"), r.Form.Get("client_secret")
	}
	if isUserAppClient(wd, clientID) { // authorization_code and refresh_token (useroauth.go)
		s.userOAuthToken(w, r, wd, now, secret)
		return
	}
	acct := wd.accountByClient[clientID]
	accountID := ""
	if acct != nil {
		accountID = acct.ID
	}
	s.stats.call(route, "", accountID)

	fail := func(status int, errCode, reason string) {
		writeJSON(w, status, oauthError{Reason: reason, Error: errCode})
	}
	grantType := r.Form.Get("grant_type")
	switch {
	case clientID == "" || secret == "":
		fail(http.StatusBadRequest, "invalid_request", "Client ID or client secret is missing.")
	case grantType == "":
		fail(http.StatusBadRequest, "invalid_request", "Missing grant type")
	case grantType != "account_credentials":
		fail(http.StatusBadRequest, "unsupported_grant_type", "unsupported grant type")
	case acct == nil || acct.ClientSecret != secret:
		fail(http.StatusBadRequest, "invalid_client", "Invalid client_id or client_secret")
	case r.Form.Get("account_id") != acct.ID:
		fail(http.StatusBadRequest, "invalid_request", "Invalid account_id")
	default:
		tok := s.tokens.issue(grant{kind: tokenS2S, accountID: acct.ID, expires: now.Add(accessTokenTTL)}, now)
		if s.faults.s2sSingleToken() {
			s.tokens.revokeS2S(acct.ID, tok) // Zoom has been reported to do this
		}
		w.Header().Set("Cache-Control", "no-store")
		writeJSON(w, http.StatusOK, tokenResponse{
			AccessToken: tok, TokenType: "bearer", ExpiresIn: int(accessTokenTTL / time.Second),
			Scope: s2sScopes, APIURL: baseURL(r),
		})
	}
}
