package zoom

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestUsersPagination(t *testing.T) {
	f := newFakeZoom(t)
	pages := map[string]map[string]any{
		"": {"page_size": 2, "total_records": 3, "next_page_token": "p2", "users": []map[string]any{
			{"id": "u1", "email": "a@x.example", "type": 2, "created_at": "2024-01-02T03:04:05Z"},
			{"id": "u2", "email": "b@x.example", "type": "1", "pmi": "123", "last_login_time": ""},
		}},
		"p2": {"page_size": 2, "total_records": 3, "next_page_token": "", "users": []map[string]any{
			{"id": "u3", "email": "c@x.example", "type": 2},
		}},
	}
	var sizes []string
	f.mux.HandleFunc("GET /v2/users", func(w http.ResponseWriter, r *http.Request) {
		sizes = append(sizes, r.URL.Query().Get("page_size"))
		p, ok := pages[r.URL.Query().Get("next_page_token")]
		if !ok {
			writeJSON(w, 400, map[string]any{"code": 300, "message": "The next page token is invalid or expired."})
			return
		}
		writeJSON(w, 200, p)
	})
	c := f.client(t)

	users, resp, err := c.Users.List(context.Background(), &ListOptions{PageSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(users) != 2 || resp.NextPageToken != "p2" {
		t.Fatalf("first page: %d users, token %q", len(users), resp.NextPageToken)
	}
	if users[1].Type != 1 || users[1].PMI != 123 || !users[1].LastLoginTime.IsZero() {
		t.Errorf("string-typed fields not decoded: %+v", users[1])
	}
	if want := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC); !users[0].CreatedAt.Equal(want) {
		t.Errorf("CreatedAt = %v", users[0].CreatedAt)
	}

	all, err := c.Users.ListAll(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, u := range all {
		ids = append(ids, u.ID)
	}
	if got := strings.Join(ids, ","); got != "u1,u2,u3" {
		t.Errorf("ListAll ids = %s", got)
	}
	if sizes[len(sizes)-1] != "300" {
		t.Errorf("ListAll page_size = %q, want 300", sizes[len(sizes)-1])
	}
}

func TestPageSizeBounds(t *testing.T) {
	f := newFakeZoom(t)
	c := f.client(t)
	for _, n := range []int{-1, 301, 1000} {
		if _, _, err := c.Users.List(context.Background(), &ListOptions{PageSize: n}); err == nil || !strings.Contains(err.Error(), "1–300") {
			t.Errorf("page size %d: err = %v, want range error", n, err)
		}
		if _, _, err := c.Recordings.ListUser(context.Background(), "me", ListRecordingsOptions{PageSize: n}); err == nil {
			t.Errorf("recordings page size %d accepted", n)
		}
	}
	if f.tokenCalls.Load() != 0 {
		t.Error("invalid options reached the network")
	}
}

func TestPageTokenExpired(t *testing.T) {
	f := newFakeZoom(t)
	f.mux.HandleFunc("GET /v2/users", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 400, map[string]any{"code": 300, "message": "The next page token is invalid or expired."})
	})
	c := f.client(t)
	_, resp, err := c.Users.List(context.Background(), &ListOptions{NextPageToken: "old"})
	if !errors.Is(err, ErrPageTokenExpired) {
		t.Fatalf("err = %v, want ErrPageTokenExpired", err)
	}
	if resp == nil || resp.StatusCode != 400 {
		t.Errorf("response not returned with the error")
	}
	if !strings.Contains(err.Error(), "restart the listing") {
		t.Errorf("error lacks advice: %v", err)
	}
}

func TestGetSettings(t *testing.T) {
	f := newFakeZoom(t)
	f.mux.HandleFunc("GET /v2/users/{id}/settings", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("id") != "alice@acme.example" {
			writeJSON(w, 404, map[string]any{"code": 1001, "message": "User does not exist: " + r.PathValue("id")})
			return
		}
		writeJSON(w, 200, map[string]any{"recording": map[string]any{"local_recording": true, "cloud_recording": false, "auto_recording": "none"}})
	})
	c := f.client(t)
	st, _, err := c.Users.GetSettings(context.Background(), "alice@acme.example")
	if err != nil {
		t.Fatal(err)
	}
	if !st.Recording.LocalRecording || st.Recording.CloudRecording || st.Recording.AutoRecording != "none" {
		t.Errorf("settings = %+v", st.Recording)
	}
	_, _, err = c.Users.GetSettings(context.Background(), "bob@acme.example")
	if !IsNotFound(err) {
		t.Errorf("IsNotFound(%v) = false", err)
	}
}
