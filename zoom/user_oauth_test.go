package zoom

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

func TestUserOAuthEndpoint(t *testing.T) {
	e := UserOAuthEndpoint("http://127.0.0.1:9090/")
	if e.AuthURL != "http://127.0.0.1:9090/oauth/authorize" || e.TokenURL != "http://127.0.0.1:9090/oauth/token" || e.AuthStyle != oauth2.AuthStyleInHeader {
		t.Fatalf("endpoint %+v", e)
	}
	if d := UserOAuthEndpoint(""); d.AuthURL != "https://zoom.us/oauth/authorize" {
		t.Fatalf("default endpoint %+v", d)
	}
}

// The authorization-code exchange through golang.org/x/oauth2 sends what
// Zoom expects: HTTP Basic client credentials, the code, the redirect URI and
// the PKCE verifier; a refresh sends the refresh token.
func TestUserOAuthExchangeAndRefreshThroughOAuth2(t *testing.T) {
	f := newFakeZoom(t)
	var forms []url.Values
	f.mux.HandleFunc("POST /oauth/authcode/token", func(w http.ResponseWriter, r *http.Request) {
		id, secret, ok := r.BasicAuth()
		if !ok || id != "uc" || secret != "us" {
			writeJSON(w, 401, map[string]any{"error": "invalid_client", "reason": "Invalid client_id or client_secret"})
			return
		}
		_ = r.ParseForm()
		forms = append(forms, r.PostForm)
		writeJSON(w, 200, map[string]any{"access_token": "a1", "refresh_token": "r1", "token_type": "bearer", "expires_in": 3599, "scope": "meeting:read"})
	})
	end := UserOAuthEndpoint(f.srv.URL)
	end.TokenURL = f.srv.URL + "/oauth/authcode/token"
	cfg := &oauth2.Config{ClientID: "uc", ClientSecret: "us", Endpoint: end, RedirectURL: "https://mv.example/oauth/zoom/callback"}
	verifier := oauth2.GenerateVerifier()
	u, _ := url.Parse(cfg.AuthCodeURL("st", oauth2.S256ChallengeOption(verifier)))
	if q := u.Query(); q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") != oauth2.S256ChallengeFromVerifier(verifier) || q.Get("state") != "st" || q.Get("response_type") != "code" {
		t.Fatalf("authorize URL %s", u)
	}
	tok, err := cfg.Exchange(context.Background(), "c0de", oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken != "a1" || tok.RefreshToken != "r1" {
		t.Fatalf("token %+v", tok)
	}
	got := forms[0]
	if got.Get("grant_type") != "authorization_code" || got.Get("code") != "c0de" || got.Get("code_verifier") != verifier ||
		got.Get("redirect_uri") != "https://mv.example/oauth/zoom/callback" || got.Get("client_secret") != "" {
		t.Fatalf("exchange form %v", got)
	}
	if _, err := cfg.TokenSource(context.Background(), &oauth2.Token{RefreshToken: "r1"}).Token(); err != nil {
		t.Fatal(err)
	}
	if got := forms[1]; got.Get("grant_type") != "refresh_token" || got.Get("refresh_token") != "r1" {
		t.Fatalf("refresh form %v", got)
	}
}

func userClient(t *testing.T, f *fakeZoom) *Client {
	t.Helper()
	c, err := NewClientWithTokenSource(Config{APIBaseURL: f.srv.URL + "/v2"}, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "user-token"}))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestMeMeetingAndJoinTokenWithAUserToken(t *testing.T) {
	f := newFakeZoom(t)
	var auth []string
	f.mux.HandleFunc("GET /v2/users/me", func(w http.ResponseWriter, r *http.Request) {
		auth = append(auth, r.Header.Get("Authorization"))
		writeJSON(w, 200, map[string]any{"id": "u-alice", "account_id": "acc-1", "email": "alice@acme.example", "type": "2"})
	})
	f.mux.HandleFunc("GET /v2/meetings/{id}", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("id") != "81234567890" {
			writeJSON(w, 404, map[string]any{"code": 3001, "message": "Meeting does not exist: " + r.PathValue("id")})
			return
		}
		writeJSON(w, 200, map[string]any{"id": 81234567890, "uuid": "aBc==", "host_id": "u-alice", "host_email": "alice@acme.example",
			"topic": "Standup", "type": "2", "status": "started", "start_time": "", "join_url": "https://zoom.us/j/81234567890"})
	})
	var bypass []string
	f.mux.HandleFunc("GET /v2/meetings/{id}/jointoken/local_recording", func(w http.ResponseWriter, r *http.Request) {
		bypass = append(bypass, r.URL.Query().Get("bypass_waiting_room"))
		writeJSON(w, 200, map[string]any{"token": "jt-1", "expire_in": 120})
	})
	c := userClient(t, f)
	ctx := context.Background()

	me, _, err := c.Users.Me(ctx)
	if err != nil || me.ID != "u-alice" || me.AccountID != "acc-1" || me.Email != "alice@acme.example" || me.Type != 2 {
		t.Fatalf("me %+v, %v", me, err)
	}
	if auth[0] != "Bearer user-token" {
		t.Fatalf("Authorization %q", auth[0])
	}
	m, _, err := c.Meetings.Get(ctx, "81234567890")
	if err != nil || m.ID != 81234567890 || m.HostID != "u-alice" || m.Type != 2 || m.Status != "started" || m.JoinURL == "" || !m.StartTime.IsZero() {
		t.Fatalf("meeting %+v, %v", m, err)
	}
	if _, _, err := c.Meetings.Get(ctx, "999"); !IsNotFound(err) {
		t.Fatalf("someone else's meeting: %v", err)
	}
	jt, _, err := c.Meetings.LocalRecordingJoinToken(ctx, "81234567890", true)
	if err != nil || jt.Token != "jt-1" || jt.ExpiresIn() != 120*time.Second {
		t.Fatalf("join token %+v, %v", jt, err)
	}
	if _, _, err := c.Meetings.LocalRecordingJoinToken(ctx, "81234567890", false); err != nil {
		t.Fatal(err)
	}
	if strings.Join(bypass, ",") != "true," {
		t.Fatalf("bypass_waiting_room sent as %q", bypass)
	}
	if (&JoinToken{}).ExpiresIn() != 120*time.Second {
		t.Fatal("a join token without expire_in lives Zoom's 120 s")
	}
}
