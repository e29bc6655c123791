package zoom

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"

	"golang.org/x/oauth2"
)

type countingTransport struct{ n atomic.Int32 }

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return http.DefaultTransport.RoundTrip(r)
}

func TestClientWithTokenSourceAndCustomTransport(t *testing.T) {
	f := newFakeZoom(t)
	var auth, ua string
	f.mux.HandleFunc("GET /v2/accounts/{id}/recordings", func(w http.ResponseWriter, r *http.Request) {
		auth, ua = r.Header.Get("Authorization"), r.Header.Get("User-Agent")
		writeJSON(w, 200, map[string]any{"meetings": []any{}})
	})
	tr := &countingTransport{}
	c, err := NewClientWithTokenSource(Config{
		APIBaseURL: f.srv.URL + "/v2/", HTTPClient: &http.Client{Transport: tr}, UserAgent: "meetvault-test",
	}, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "user-token"}))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Recordings.ListAccount(context.Background(), "me", ListRecordingsOptions{}); err != nil {
		t.Fatal(err)
	}
	if auth != "Bearer user-token" || ua != "meetvault-test" {
		t.Errorf("Authorization %q User-Agent %q", auth, ua)
	}
	if tr.n.Load() != 1 {
		t.Errorf("custom transport used %d times, want 1", tr.n.Load())
	}
	if f.tokenCalls.Load() != 0 {
		t.Error("S2S token fetched by a user-token client")
	}
	if _, err := NewClientWithTokenSource(Config{}, nil); err == nil {
		t.Error("nil token source accepted")
	}
}
