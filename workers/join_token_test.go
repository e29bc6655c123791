package main

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/meetvault/meetvault/hostauth"
)

const testJoinSecret = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA"

func TestJoinTokenServesAFreshToken(t *testing.T) {
	fake := &fakeHostAuth{token: "zoom-join-token-123"}
	h, logs, _ := newTestHostAuth(fake)
	w := get(h.joinToken, "/bot/join-token?secret="+testJoinSecret)
	if w.Code != 200 || w.Body.String() != "zoom-join-token-123" || w.Header().Get("Cache-Control") != "no-store" ||
		!strings.HasPrefix(w.Header().Get("Content-Type"), "text/plain") {
		t.Fatalf("%d %v %q", w.Code, w.Header(), w.Body)
	}
	if len(fake.secrets) != 1 || fake.secrets[0] != testJoinSecret {
		t.Fatalf("secret passed as %v", fake.secrets)
	}
	if strings.Contains(logs.String(), testJoinSecret) || strings.Contains(logs.String(), "zoom-join-token-123") {
		t.Fatalf("secret or token logged: %s", logs)
	}
}

func TestJoinTokenStatuses(t *testing.T) {
	cases := []struct {
		name   string
		err    error
		status int
		body   string
	}{
		{"unknown secret", hostauth.ErrUnknownLink, http.StatusNotFound, "unknown"},
		{"expired link", fmt.Errorf("%w: tenant acme meeting 111", hostauth.ErrLinkExpired), http.StatusGone, "expired"},
		{"dead connection", &hostauth.DeadConnectionError{TenantID: "acme", ZoomUserID: "u-alice", Reason: "invalid_grant: Invalid Token!"},
			http.StatusConflict, "invalid_grant: Invalid Token!"},
		{"not the host", fmt.Errorf("%w: meeting 222", hostauth.ErrNotHost), http.StatusConflict, "no join token"},
		{"zoom unavailable", errors.New("zoom: GET /meetings/111/jointoken/local_recording: 503"), http.StatusServiceUnavailable, "temporarily"},
		{"app credentials rejected", &hostauth.AppConfigError{Reason: "invalid_client: Invalid client_id or client_secret"},
			http.StatusServiceUnavailable, "misconfigured"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// The fake returns a token alongside the error: the handler
			// must never serve it.
			fake := &fakeHostAuth{token: "must-not-leak", mintErr: tc.err}
			h, logs, metrics := newTestHostAuth(fake)
			w := get(h.joinToken, "/bot/join-token?secret="+testJoinSecret)
			if w.Code != tc.status || !strings.Contains(w.Body.String(), tc.body) {
				t.Fatalf("%d %q, want %d %q", w.Code, w.Body, tc.status, tc.body)
			}
			if strings.Contains(w.Body.String(), "must-not-leak") {
				t.Fatal("token served with an error")
			}
			if strings.Contains(logs.String(), testJoinSecret) {
				t.Fatalf("secret logged: %s", logs)
			}
			if w.Header().Get("Cache-Control") != "no-store" {
				t.Fatal("cacheable answer")
			}
			if n := hostOAuthCount(t, metrics, "join_token", "minted"); n != 0 {
				t.Fatalf("counted as minted: %v", n)
			}
		})
	}
}
