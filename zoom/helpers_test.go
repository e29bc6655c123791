package zoom

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
)

// fakeZoom is a tiny per-test Zoom: /oauth/token plus whatever handlers the
// test registers under /v2/.
type fakeZoom struct {
	srv         *httptest.Server
	mux         *http.ServeMux
	tokenCalls  atomic.Int32
	expiresIn   int
	tokenPrefix string
	onToken     func(*http.Request) // optional hook to inspect token requests
}

const (
	testAccount = "acc-1"
	testClient  = "client-1"
	testSecret  = "secret-1"
)

func newFakeZoom(t *testing.T) *fakeZoom {
	t.Helper()
	f := &fakeZoom{mux: http.NewServeMux(), expiresIn: 3600, tokenPrefix: "tok"}
	f.mux.HandleFunc("POST /oauth/token", func(w http.ResponseWriter, r *http.Request) {
		if f.onToken != nil {
			f.onToken(r)
		}
		id, secret, ok := r.BasicAuth()
		if !ok || id != testClient || secret != testSecret {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"reason":"Invalid client_id or client_secret","error":"invalid_client"}`))
			return
		}
		if r.URL.Query().Get("grant_type") != "account_credentials" || r.URL.Query().Get("account_id") != testAccount {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"reason":"unsupported grant type","error":"unsupported_grant_type"}`))
			return
		}
		n := f.tokenCalls.Add(1)
		writeJSON(w, http.StatusOK, map[string]any{
			"access_token": fmt.Sprintf("%s-%d", f.tokenPrefix, n),
			"token_type":   "bearer",
			"expires_in":   f.expiresIn,
			"scope":        "cloud_recording:read:list_user_recordings:admin",
		})
	})
	f.srv = httptest.NewServer(f.mux)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeZoom) client(t *testing.T) *Client {
	t.Helper()
	c, err := NewClient(context.Background(), Config{
		APIBaseURL:   f.srv.URL + "/v2",
		OAuthBaseURL: f.srv.URL,
		AccountID:    testAccount,
		ClientID:     testClient,
		ClientSecret: testSecret,
	})
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return c
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
