package botprovider

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestNewValidatesConfig(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
		want string
	}{
		{"no base url", Config{APIKey: "k"}, "BaseURL is empty"},
		{"relative base url", Config{BaseURL: "us-east-1.recall.ai", APIKey: "k"}, "not an absolute http(s) URL"},
		{"ftp base url", Config{BaseURL: "ftp://x", APIKey: "k"}, "not an absolute http(s) URL"},
		{"query in base url", Config{BaseURL: "https://x.example?a=1", APIKey: "k"}, "must not carry a query"},
		{"no key", Config{BaseURL: "https://us-east-1.recall.ai"}, "APIKey is empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("New(%+v) = %v, want error containing %q", tc.cfg, err, tc.want)
			}
		})
	}
	c, err := New(Config{BaseURL: "https://us-east-1.recall.ai/", APIKey: "k"})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.BaseURL(); got != "https://us-east-1.recall.ai" {
		t.Errorf("BaseURL() = %q", got)
	}
	if c.http.Timeout != defaultTimeout || c.userAgent != DefaultUserAgent {
		t.Errorf("defaults not applied: timeout %v, user agent %q", c.http.Timeout, c.userAgent)
	}
}

func TestEndpointKeepsPrefixAndEscapes(t *testing.T) {
	c, err := New(Config{BaseURL: "https://example.com/recall/", APIKey: "k"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		segs []string
		want string
	}{
		{[]string{"bot"}, "https://example.com/recall/api/v1/bot/"},
		{[]string{"bot", "abc-1"}, "https://example.com/recall/api/v1/bot/abc-1/"},
		{[]string{"bot", "a/b?c", "leave_call"}, "https://example.com/recall/api/v1/bot/a%2Fb%3Fc/leave_call/"},
	} {
		if got := c.endpoint(tc.segs...); got != tc.want {
			t.Errorf("endpoint(%q) = %q, want %q", tc.segs, got, tc.want)
		}
	}
}

func TestRequestHeaders(t *testing.T) {
	f := newFakeProvider(t)
	f.mux.HandleFunc("GET /api/v1/bot/b1/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"id": "b1"})
	})
	c, err := New(Config{BaseURL: f.srv.URL, APIKey: testKey, UserAgent: "ua-test/9"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetBot(context.Background(), "b1"); err != nil {
		t.Fatal(err)
	}
	r := f.last(t)
	if got := r.Header.Get("Authorization"); got != "Token "+testKey {
		t.Errorf("Authorization = %q", got)
	}
	if got := r.Header.Get("User-Agent"); got != "ua-test/9" {
		t.Errorf("User-Agent = %q", got)
	}
	if got := r.Header.Get("Accept"); got != "application/json" {
		t.Errorf("Accept = %q", got)
	}
	if got := r.Header.Get("Content-Type"); got != "" {
		t.Errorf("GET sent Content-Type %q", got)
	}
}

func TestWrongKeyIsAPIErrorWithAdvice(t *testing.T) {
	f := newFakeProvider(t)
	c, err := New(Config{BaseURL: f.srv.URL, APIKey: "wrong"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetBot(context.Background(), "b1")
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusUnauthorized {
		t.Fatalf("err = %v, want *APIError 401", err)
	}
	for _, want := range []string{"GET /api/v1/bot/b1/", "401", "Invalid token.", "Config.APIKey", "region"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "wrong") {
		t.Errorf("error leaks the API key: %q", err)
	}
}

func TestContextCancelled(t *testing.T) {
	f := newFakeProvider(t)
	f.mux.HandleFunc("GET /api/v1/bot/slow/", func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := f.client(t).GetBot(ctx, "slow")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want context.DeadlineExceeded", err)
	}
}

func TestUndecodableAnswer(t *testing.T) {
	f := newFakeProvider(t)
	f.mux.HandleFunc("GET /api/v1/bot/b1/", func(w http.ResponseWriter, r *http.Request) {
		writeRaw(w, http.StatusOK, `<html>oops</html>`)
	})
	_, err := f.client(t).GetBot(context.Background(), "b1")
	if err == nil || !strings.Contains(err.Error(), "decode 200 answer") {
		t.Fatalf("err = %v, want a decode error", err)
	}
}
