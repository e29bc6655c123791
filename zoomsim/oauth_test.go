package zoomsim

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestOAuthIssuesToken(t *testing.T) {
	sim := newTestSim(t, testScenario())
	req, _ := http.NewRequest("POST", sim.ts.URL+"/oauth/token?grant_type=account_credentials&account_id="+acctID, nil)
	req.SetBasicAuth(clientA, secretA)
	var tr tokenResponse
	if st := sim.do(req, &tr); st != 200 {
		t.Fatalf("status %d", st)
	}
	if tr.AccessToken == "" || tr.TokenType != "bearer" || tr.ExpiresIn != 3600 || tr.Scope == "" {
		t.Fatalf("token response %+v", tr)
	}

	// rivet and most SDKs send the parameters as a form body instead.
	form := url.Values{"grant_type": {"account_credentials"}, "account_id": {acctID}}
	req, _ = http.NewRequest("POST", sim.ts.URL+"/oauth/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(clientA, secretA)
	if st := sim.do(req, &tr); st != 200 || tr.AccessToken == "" {
		t.Fatalf("form body: status %d %+v", st, tr)
	}
}

func TestOAuthRejects(t *testing.T) {
	sim := newTestSim(t, testScenario())
	cases := []struct {
		name, query, id, secret, wantErr, wantReason string
	}{
		{"wrong secret", "grant_type=account_credentials&account_id=" + acctID, clientA, "nope", "invalid_client", "Invalid client_id or client_secret"},
		{"unknown client", "grant_type=account_credentials&account_id=" + acctID, "nobody", secretA, "invalid_client", "Invalid client_id or client_secret"},
		{"grant type", "grant_type=client_credentials&account_id=" + acctID, clientA, secretA, "unsupported_grant_type", "unsupported grant type"},
		{"other account", "grant_type=account_credentials&account_id=someone-else", clientA, secretA, "invalid_request", "Invalid account_id"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, _ := http.NewRequest("POST", sim.ts.URL+"/oauth/token?"+c.query, nil)
			req.SetBasicAuth(c.id, c.secret)
			var e oauthError
			if st := sim.do(req, &e); st != 400 {
				t.Fatalf("status %d, want 400", st)
			}
			if e.Error != c.wantErr || e.Reason != c.wantReason {
				t.Fatalf("got %+v", e)
			}
		})
	}
}

func TestRESTRequiresValidToken(t *testing.T) {
	sim := newTestSim(t, testScenario())
	var e apiError
	if st := sim.get("/v2/users", "", &e); st != 401 || e.Code != 124 || e.Message != "Invalid access token." {
		t.Fatalf("no token: %d %+v", st, e)
	}
	if st := sim.get("/v2/users", "made-up", &e); st != 401 || e.Code != 124 {
		t.Fatalf("bad token: %d %+v", st, e)
	}
	tok := sim.token(0)
	if st := sim.get("/v2/users", tok, nil); st != 200 {
		t.Fatalf("good token: %d", st)
	}
	// A download_access_token is not an API token.
	var m meetingJSON
	sim.get("/v2/meetings/81234567890/recordings?include_fields=download_access_token", tok, &m)
	if st := sim.get("/v2/users", m.DownloadAccessToken, &e); st != 401 {
		t.Fatalf("download token on REST: %d", st)
	}
	// Tokens expire after an hour of simulator time.
	sim.AdvanceClock(time.Hour + time.Second)
	if st := sim.get("/v2/users", tok, &e); st != 401 || e.Code != 124 || e.Message != "Access token is expired." {
		t.Fatalf("expired: %d %+v", st, e)
	}
}
