package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/meetvault/meetvault/codec"
)

// The codec server is on the ingress at /codec/ when configured, behind its
// token, and absent otherwise.
func TestCodecServerIsMountedWhenConfigured(t *testing.T) {
	lookup := codec.LookupEnviron([]string{
		codec.EnvKeys + "=k1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
		codec.EnvAuthToken + "=route-test-token-0123456789",
	})
	srv, err := codec.ServerFromLookup(lookup)
	if err != nil {
		t.Fatal(err)
	}
	h, _, m := newTestHostAuth(&fakeHostAuth{})
	post := func(in *ingress, path, auth string) int {
		req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(`{"payloads":[]}`))
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		w := httptest.NewRecorder()
		in.routes().ServeHTTP(w, req)
		return w.Code
	}
	on := &ingress{host: h, metrics: m, zoom: &zoomWebhooks{}, bot: &botWebhooks{}, codec: srv}
	if got := post(on, "/codec/decode", ""); got != http.StatusUnauthorized {
		t.Fatalf("no token: %d, want 401", got)
	}
	if got := post(on, "/codec/decode", "Bearer route-test-token-0123456789"); got != http.StatusOK {
		t.Fatalf("with token: %d, want 200", got)
	}
	off := &ingress{host: h, metrics: m, zoom: &zoomWebhooks{}, bot: &botWebhooks{}}
	if got := post(off, "/codec/decode", "Bearer route-test-token-0123456789"); got != http.StatusNotFound {
		t.Fatalf("codec server off: %d, want 404", got)
	}
}
