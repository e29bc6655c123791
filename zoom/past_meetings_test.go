package zoom

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestPastMeetingParticipantsDecodeAndPaging(t *testing.T) {
	f := newFakeZoom(t)
	var uris []string
	f.mux.HandleFunc("GET /v2/past_meetings/{id}/participants", func(w http.ResponseWriter, r *http.Request) {
		uris = append(uris, r.RequestURI)
		switch r.URL.Query().Get("next_page_token") {
		case "":
			_, _ = w.Write([]byte(`{"page_count":2,"page_size":2,"total_records":3,"next_page_token":"n2","participants":[
			  {"id":"hostUserId","name":"Alice Doe","user_id":"16778240","registrant_id":"","user_email":"alice@acme.example",
			   "join_time":"2026-11-20T10:00:00Z","leave_time":"2026-11-20T11:00:00Z","duration":3600,"failover":false,
			   "status":"in_meeting","internal_user":true},
			  {"name":"Guest","user_id":16778241,"user_email":"","join_time":"2026-11-20T10:05:00Z","leave_time":"","duration":"300","internal_user":false}]}`))
		case "n2":
			_, _ = w.Write([]byte(`{"page_size":2,"total_records":3,"next_page_token":"","participants":[{"id":"u3","name":"Gus","duration":60}]}`))
		default:
			writeJSON(w, 400, map[string]any{"code": 300, "message": "The next page token is invalid or expired."})
		}
	})
	c := f.client(t)
	ps, resp, err := c.PastMeetings.ListParticipants(context.Background(), "//xyz==", &ListOptions{PageSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	if want := "/v2/past_meetings/%252F%252Fxyz%253D%253D/participants?page_size=2"; uris[0] != want {
		t.Errorf("request %s, want %s", uris[0], want)
	}
	if resp.NextPageToken != "n2" || len(ps) != 2 {
		t.Fatalf("page 1: token %q, %d participants", resp.NextPageToken, len(ps))
	}
	want := PastParticipant{
		ID: "hostUserId", Name: "Alice Doe", UserID: "16778240", UserEmail: "alice@acme.example",
		JoinTime: time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC), LeaveTime: time.Date(2026, 11, 20, 11, 0, 0, 0, time.UTC),
		Duration: 3600, Status: "in_meeting", InternalUser: true,
	}
	if ps[0] != want {
		t.Errorf("participant\n got %+v\nwant %+v", ps[0], want)
	}
	if g := ps[1]; g.UserID != "16778241" || g.Duration != 300 || !g.LeaveTime.IsZero() || g.ID != "" {
		t.Errorf("guest = %+v", g)
	}

	all, err := c.PastMeetings.ListAllParticipants(context.Background(), "abc==")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range all {
		names = append(names, p.Name)
	}
	if got := strings.Join(names, ","); got != "Alice Doe,Guest,Gus" {
		t.Errorf("ListAllParticipants names = %s", got)
	}
	if uris[1] != "/v2/past_meetings/abc%3D%3D/participants?page_size=300" ||
		uris[2] != "/v2/past_meetings/abc%3D%3D/participants?next_page_token=n2&page_size=300" {
		t.Errorf("ListAll requests %v", uris[1:])
	}
	if c.PoolCalls() != 0 {
		t.Errorf("PoolCalls = %d for a Medium endpoint", c.PoolCalls())
	}
}

func TestPastMeetingParticipantsErrors(t *testing.T) {
	f := newFakeZoom(t)
	f.mux.HandleFunc("GET /v2/past_meetings/{id}/participants", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("id") == "loop" {
			writeJSON(w, 200, map[string]any{"next_page_token": "same", "participants": []map[string]any{{"name": "x"}}})
			return
		}
		writeJSON(w, 404, map[string]any{"code": 3001, "message": "Meeting does not exist: " + r.PathValue("id") + "."})
	})
	c := f.client(t)
	if _, _, err := c.PastMeetings.ListParticipants(context.Background(), "", nil); err == nil {
		t.Error("empty uuid accepted")
	}
	if _, _, err := c.PastMeetings.ListParticipants(context.Background(), "x", &ListOptions{PageSize: 301}); err == nil || !strings.Contains(err.Error(), "1–300") {
		t.Errorf("page size 301: err = %v", err)
	}
	_, resp, err := c.PastMeetings.ListParticipants(context.Background(), "gone", nil)
	if !IsNotFound(err) || resp == nil || resp.StatusCode != 404 {
		t.Errorf("unknown meeting: err = %v", err)
	}
	got, err := c.PastMeetings.ListAllParticipants(context.Background(), "loop")
	if err == nil || !strings.Contains(err.Error(), "repeated") || len(got) != 2 {
		t.Errorf("repeated token: %d participants, err = %v", len(got), err)
	}
}
