package zoom

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
)

func TestNewClientValidatesConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want []string // substrings of the error; nil = no error
	}{
		{"ok with defaults", Config{AccountID: "a", ClientID: "c", ClientSecret: "s"}, nil},
		{"missing everything", Config{}, []string{"AccountID is empty", "ClientID is empty", "ClientSecret is empty"}},
		{"missing secret names account", Config{AccountID: "acme", ClientID: "c"}, []string{`account "acme"`, "ClientSecret is empty"}},
		{"relative api url", Config{AccountID: "a", ClientID: "c", ClientSecret: "s", APIBaseURL: "api.zoom.us/v2"}, []string{"APIBaseURL", "absolute http(s) URL"}},
		{"bad oauth scheme", Config{AccountID: "a", ClientID: "c", ClientSecret: "s", OAuthBaseURL: "ftp://zoom.us"}, []string{"OAuthBaseURL"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := NewClient(context.Background(), tt.cfg)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if got := c.BaseURL().String(); got != DefaultAPIBaseURL {
					t.Errorf("base URL = %q, want default %q", got, DefaultAPIBaseURL)
				}
				return
			}
			if err == nil {
				t.Fatal("expected an error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestTokenFetchAndCaching(t *testing.T) {
	f := newFakeZoom(t)
	var gotAuth []string
	f.mux.HandleFunc("GET /v2/users", func(w http.ResponseWriter, r *http.Request) {
		gotAuth = append(gotAuth, r.Header.Get("Authorization"))
		writeJSON(w, 200, map[string]any{"users": []any{}})
	})
	c := f.client(t)
	for i := 0; i < 3; i++ {
		if _, _, err := c.Users.List(context.Background(), nil); err != nil {
			t.Fatalf("List: %v", err)
		}
	}
	if n := f.tokenCalls.Load(); n != 1 {
		t.Errorf("token fetched %d times, want 1 (cached)", n)
	}
	for _, a := range gotAuth {
		if a != "Bearer tok-1" {
			t.Errorf("Authorization = %q, want %q", a, "Bearer tok-1")
		}
	}
	tok, err := c.AccessToken(context.Background())
	if err != nil || tok != "tok-1" {
		t.Errorf("AccessToken = %q, %v; want tok-1", tok, err)
	}
}

func TestTokenRefetchedWhenNearExpiry(t *testing.T) {
	f := newFakeZoom(t)
	f.expiresIn = 30 // inside the one-minute early-expiry margin: never reused
	c := f.client(t)
	for i := 0; i < 2; i++ {
		if _, err := c.AccessToken(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if n := f.tokenCalls.Load(); n != 2 {
		t.Errorf("token fetched %d times, want 2", n)
	}
}

func TestTokenRequestShape(t *testing.T) {
	f := newFakeZoom(t)
	var form, query, user, ctype string
	f.onToken = func(r *http.Request) {
		query = r.URL.RawQuery
		ctype = r.Header.Get("Content-Type")
		user, _, _ = r.BasicAuth()
		_ = r.ParseForm()
		form = r.PostForm.Encode()
	}
	c := f.client(t)
	if _, err := c.AccessToken(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := "account_id=acc-1&grant_type=account_credentials"
	if query != want || form != want {
		t.Errorf("query %q form %q; want both %q", query, form, want)
	}
	if user != testClient || ctype != "application/x-www-form-urlencoded" {
		t.Errorf("basic user %q content type %q", user, ctype)
	}
}

func TestTokenInvalidClient(t *testing.T) {
	f := newFakeZoom(t)
	c, err := NewClient(context.Background(), Config{
		APIBaseURL: f.srv.URL + "/v2", OAuthBaseURL: f.srv.URL,
		AccountID: testAccount, ClientID: testClient, ClientSecret: "wrong",
	})
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = c.Users.List(context.Background(), nil)
	var te *TokenError
	if !errors.As(err, &te) {
		t.Fatalf("error %T %v, want *TokenError", err, err)
	}
	msg := err.Error()
	for _, w := range []string{`account "acc-1"`, "invalid_client", "check the client ID and client secret"} {
		if !strings.Contains(msg, w) {
			t.Errorf("error %q does not mention %q", msg, w)
		}
	}
	if !IsUnauthorized(err) {
		t.Error("IsUnauthorized(invalid_client) = false")
	}
}

func TestUnauthorizedDropsCachedToken(t *testing.T) {
	f := newFakeZoom(t)
	calls := 0
	f.mux.HandleFunc("GET /v2/users", func(w http.ResponseWriter, r *http.Request) {
		calls++
		if calls == 1 {
			writeJSON(w, 401, map[string]any{"code": 124, "message": "Invalid access token."})
			return
		}
		writeJSON(w, 200, map[string]any{"users": []any{}})
	})
	c := f.client(t)
	_, _, err := c.Users.List(context.Background(), nil)
	if !IsUnauthorized(err) {
		t.Fatalf("first call: %v, want unauthorized", err)
	}
	if !strings.Contains(err.Error(), "fetches a new one") {
		t.Errorf("401 error lacks a hint: %v", err)
	}
	if _, _, err := c.Users.List(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if n := f.tokenCalls.Load(); n != 2 {
		t.Errorf("token fetched %d times, want 2 (cache dropped after 401)", n)
	}
}
