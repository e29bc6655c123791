package zoom

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func day(s string) time.Time {
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestListUserQuery(t *testing.T) {
	f := newFakeZoom(t)
	var gotPath, gotQuery string
	f.mux.HandleFunc("GET /v2/users/{user}/recordings", func(w http.ResponseWriter, r *http.Request) {
		gotPath, gotQuery = r.URL.EscapedPath(), r.URL.RawQuery
		writeJSON(w, 200, map[string]any{"from": "2026-01-02", "to": "2026-01-31", "page_size": 300, "total_records": 1,
			"next_page_token": "n1", "meetings": []map[string]any{{"uuid": "u==", "id": 123, "type": 2}}})
	})
	c := f.client(t)
	est := time.FixedZone("EST", -5*3600)
	list, resp, err := c.Recordings.ListUser(context.Background(), "alice@acme.example", ListRecordingsOptions{
		From: time.Date(2026, 1, 1, 23, 30, 0, 0, est), // 2026-01-02 in UTC
		To:   day("2026-01-31"), PageSize: 300, Trash: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	if gotPath != "/v2/users/alice@acme.example/recordings" {
		t.Errorf("path = %q", gotPath)
	}
	if want := "from=2026-01-02&page_size=300&to=2026-01-31&trash=true"; gotQuery != want {
		t.Errorf("query = %q, want %q", gotQuery, want)
	}
	if list.NextPageToken != "n1" || resp.NextPageToken != "n1" || len(list.Meetings) != 1 || list.Meetings[0].ID != 123 {
		t.Errorf("list = %+v, resp token %q", list, resp.NextPageToken)
	}
}

func TestListUserRejectsLongWindow(t *testing.T) {
	f := newFakeZoom(t)
	c := f.client(t)
	_, _, err := c.Recordings.ListUser(context.Background(), "me", ListRecordingsOptions{From: day("2026-01-01"), To: day("2026-02-02")})
	if err == nil || !strings.Contains(err.Error(), "ListUserWindow") {
		t.Fatalf("err = %v, want advice to use ListUserWindow", err)
	}
	// Exactly one month is allowed client-side and reaches the server
	// (which has no handler here, hence 404).
	_, _, err = c.Recordings.ListUser(context.Background(), "me", ListRecordingsOptions{From: day("2026-01-01"), To: day("2026-02-01")})
	if !IsNotFound(err) {
		t.Errorf("one-month window: err = %v, want the fake's 404", err)
	}
}

func TestSplitWindow(t *testing.T) {
	tests := []struct {
		from, to string
		want     []string
	}{
		{"2026-03-05", "2026-03-05", []string{"2026-03-05..2026-03-05"}},
		{"2026-02-01", "2026-02-28", []string{"2026-02-01..2026-02-28"}},
		{"2026-01-01", "2026-01-31", []string{"2026-01-01..2026-01-30", "2026-01-31..2026-01-31"}},
		{"2026-01-01", "2026-03-15", []string{"2026-01-01..2026-01-30", "2026-01-31..2026-03-01", "2026-03-02..2026-03-15"}},
		{"2026-02-10", "2026-01-01", nil},
	}
	for _, tt := range tests {
		t.Run(tt.from+"_"+tt.to, func(t *testing.T) {
			var got []string
			for _, r := range SplitWindow(day(tt.from), day(tt.to)) {
				got = append(got, r.From.Format(dateLayout)+".."+r.To.Format(dateLayout))
			}
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// TestSplitWindowProperties checks every chunk against both readings of
// "at most one month", contiguity and coverage, for every start day of a
// leap and a non-leap year.
func TestSplitWindowProperties(t *testing.T) {
	for _, year := range []int{2024, 2026} {
		for d := 0; d < 366; d++ {
			from := time.Date(year, 1, 1+d, 0, 0, 0, 0, time.UTC)
			to := from.AddDate(0, 4, 3)
			chunks := SplitWindow(from, to)
			next := from
			for _, c := range chunks {
				if !c.From.Equal(next) {
					t.Fatalf("%s: gap or overlap at %s", from.Format(dateLayout), c.From.Format(dateLayout))
				}
				if c.To.After(c.From.AddDate(0, 1, 0)) || c.To.Sub(c.From) > 29*24*time.Hour {
					t.Fatalf("chunk %s..%s longer than a month", c.From.Format(dateLayout), c.To.Format(dateLayout))
				}
				next = c.To.AddDate(0, 0, 1)
			}
			if !chunks[len(chunks)-1].To.Equal(to) {
				t.Fatalf("%s: window not covered", from.Format(dateLayout))
			}
		}
	}
}

// windowFake serves recordings, rejecting windows Zoom would reject, with
// two pages in the first chunk.
func windowFake(t *testing.T) (*fakeZoom, *[]string) {
	f := newFakeZoom(t)
	var calls []string
	f.mux.HandleFunc("GET /v2/users/{user}/recordings", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		from, to := day(q.Get("from")), day(q.Get("to"))
		calls = append(calls, fmt.Sprintf("%s..%s#%s", q.Get("from"), q.Get("to"), q.Get("next_page_token")))
		if to.After(from.AddDate(0, 1, 0)) {
			writeJSON(w, 400, map[string]any{"code": 300, "message": "The date range should not exceed one month."})
			return
		}
		if q.Get("page_size") != "300" {
			t.Errorf("page_size = %q", q.Get("page_size"))
		}
		body := map[string]any{"from": q.Get("from"), "to": q.Get("to"),
			"meetings": []map[string]any{{"uuid": q.Get("from") + "/" + q.Get("next_page_token")}}}
		if q.Get("next_page_token") == "" && q.Get("from") == "2026-01-01" {
			body["next_page_token"] = "page2"
		}
		writeJSON(w, 200, body)
	})
	return f, &calls
}

func TestListUserWindow(t *testing.T) {
	f, calls := windowFake(t)
	c := f.client(t)
	var uuids []string
	var checkpoints []WindowOptions
	opts := WindowOptions{From: day("2026-01-01"), To: day("2026-03-15")}
	err := c.Recordings.ListUserWindow(context.Background(), "me", opts, func(p *WindowPage) error {
		for _, m := range p.List.Meetings {
			uuids = append(uuids, m.UUID)
		}
		next, more := p.Next()
		if more {
			checkpoints = append(checkpoints, next)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	wantCalls := "2026-01-01..2026-01-30# 2026-01-01..2026-01-30#page2 2026-01-31..2026-03-01# 2026-03-02..2026-03-15#"
	if got := strings.Join(*calls, " "); got != wantCalls {
		t.Errorf("calls:\n got %s\nwant %s", got, wantCalls)
	}
	if got := strings.Join(uuids, " "); got != "2026-01-01/ 2026-01-01/page2 2026-01-31/ 2026-03-02/" {
		t.Errorf("meetings = %s", got)
	}
	// Checkpoints: mid-chunk keeps the token; end of chunk moves to the next day.
	if len(checkpoints) != 3 ||
		!checkpoints[0].From.Equal(day("2026-01-01")) || checkpoints[0].NextPageToken != "page2" ||
		!checkpoints[1].From.Equal(day("2026-01-31")) || checkpoints[1].NextPageToken != "" ||
		!checkpoints[2].From.Equal(day("2026-03-02")) {
		t.Errorf("checkpoints = %+v", checkpoints)
	}

	// Resuming from the first checkpoint continues with page 2.
	*calls = nil
	if err := c.Recordings.ListUserWindow(context.Background(), "me", checkpoints[0], func(*WindowPage) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if (*calls)[0] != "2026-01-01..2026-01-30#page2" || len(*calls) != 3 {
		t.Errorf("resume calls = %v", *calls)
	}
}

func TestListUserWindowStopsOnCallbackError(t *testing.T) {
	f, calls := windowFake(t)
	c := f.client(t)
	stop := errors.New("stop")
	err := c.Recordings.ListUserWindow(context.Background(), "me", WindowOptions{From: day("2026-01-01"), To: day("2026-03-15")},
		func(*WindowPage) error { return stop })
	if err != stop || len(*calls) != 1 {
		t.Errorf("err = %v after %d calls; want the callback's error after 1", err, len(*calls))
	}
}

func TestGetMeetingEscapesUUIDAndAsksForToken(t *testing.T) {
	f := newFakeZoom(t)
	var requestURI string
	f.mux.HandleFunc("GET /v2/meetings/{id}/recordings", func(w http.ResponseWriter, r *http.Request) {
		requestURI = r.RequestURI
		writeJSON(w, 200, map[string]any{"uuid": "/abc==", "id": "85012345678", "type": "8", "total_size": "1024",
			"start_time": "2026-01-15T10:00:00Z", "download_access_token": "dat-1",
			"recording_files": []map[string]any{{"id": "f1", "file_type": "MP4", "file_size": 1024, "status": "completed"}}})
	})
	c := f.client(t)
	m, _, err := c.Recordings.GetMeeting(context.Background(), "/abc==", &GetMeetingRecordingsOptions{IncludeDownloadAccessToken: true, TTL: 3600})
	if err != nil {
		t.Fatal(err)
	}
	if want := "/v2/meetings/%252Fabc%253D%253D/recordings?include_fields=download_access_token&ttl=3600"; requestURI != want {
		t.Errorf("request URI = %q, want %q", requestURI, want)
	}
	if m.DownloadAccessToken != "dat-1" || m.ID != 85012345678 || m.Type != MeetingTypeRecurringFixedTime || m.TotalSize != 1024 {
		t.Errorf("meeting = %+v", m)
	}
	if _, _, err := c.Recordings.GetMeeting(context.Background(), "1", &GetMeetingRecordingsOptions{TTL: 604801}); err == nil {
		t.Error("ttl above 604800 accepted")
	}
}

func TestGetMeetingNotFound(t *testing.T) {
	f := newFakeZoom(t)
	f.mux.HandleFunc("GET /v2/meetings/{id}/recordings", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 404, map[string]any{"code": 3301, "message": "This recording does not exist."})
	})
	c := f.client(t)
	_, resp, err := c.Recordings.GetMeeting(context.Background(), "abc", nil)
	if !IsNotFound(err) {
		t.Fatalf("IsNotFound(%v) = false", err)
	}
	if want := "zoom: GET /v2/meetings/abc/recordings: 404 (code 3301): This recording does not exist."; err.Error() != want {
		t.Errorf("error = %q\nwant    %q", err, want)
	}
	if resp == nil || resp.StatusCode != 404 {
		t.Error("Response missing on error")
	}
}

func TestDeleteMeeting(t *testing.T) {
	f := newFakeZoom(t)
	var got string
	f.mux.HandleFunc("DELETE /v2/meetings/{id}/recordings", func(w http.ResponseWriter, r *http.Request) {
		got = r.RequestURI
		w.WriteHeader(http.StatusNoContent)
	})
	c := f.client(t)
	if _, err := c.Recordings.DeleteMeeting(context.Background(), "a//b", ""); err != nil {
		t.Fatal(err)
	}
	if want := "/v2/meetings/a%252F%252Fb/recordings?action=trash"; got != want {
		t.Errorf("request URI = %q, want %q", got, want)
	}
	if _, err := c.Recordings.DeleteMeeting(context.Background(), "x", "purge"); err == nil {
		t.Error("unknown action accepted")
	}
}

func TestEscapeMeetingUUID(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/abc==", "%252Fabc%253D%253D"},
		{"abc==", "abc%3D%3D"},
		{"ab//c+d", "ab%252F%252Fc%252Bd"},
		{"a/b", "a%2Fb"}, // a single inner slash: encoded once
		{"85012345678", "85012345678"},
		{"4444AAAiAAAAAiAiAiiAii==", "4444AAAiAAAAAiAiAiiAii%3D%3D"},
	}
	for _, tt := range tests {
		if got := EscapeMeetingUUID(tt.in); got != tt.want {
			t.Errorf("EscapeMeetingUUID(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestLocalRecordingJoinToken(t *testing.T) {
	f := newFakeZoom(t)
	f.mux.HandleFunc("GET /v2/meetings/{id}/jointoken/local_recording", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("id") != "85012345678" || r.URL.Query().Get("bypass_waiting_room") != "true" {
			t.Errorf("request %s", r.RequestURI)
		}
		writeJSON(w, 200, map[string]any{"token": "jt-1", "expire_in": 120})
	})
	c := f.client(t)
	jt, _, err := c.Meetings.LocalRecordingJoinToken(context.Background(), "85012345678", true)
	if err != nil || jt.Token != "jt-1" || jt.ExpireIn != 120 {
		t.Fatalf("join token = %+v, %v", jt, err)
	}
}

func TestUserTokenMintsOBFAndZAK(t *testing.T) {
	f := newFakeZoom(t)
	var queries []url.Values
	f.mux.HandleFunc("GET /v2/users/me/token", func(w http.ResponseWriter, r *http.Request) {
		queries = append(queries, r.URL.Query())
		if r.URL.Query().Get("type") == "zak" {
			writeJSON(w, 200, map[string]any{"token": ""})
			return
		}
		writeJSON(w, 200, map[string]any{"token": "obf-" + r.URL.Query().Get("meeting_id")})
	})
	c := f.client(t)
	tok, _, err := c.Users.Token(context.Background(), "me", UserTokenOnBehalf, &UserTokenOptions{MeetingID: "85012345678"})
	if err != nil || tok.Token != "obf-85012345678" {
		t.Fatalf("%+v %v", tok, err)
	}
	if _, _, err := c.Users.Token(context.Background(), "me", UserTokenZAK, nil); err == nil {
		t.Fatal("an empty token must be an error")
	}
	if _, _, err := c.Users.Token(context.Background(), "me", "token", nil); err == nil {
		t.Fatal("the deprecated type is refused")
	}
	if queries[0].Get("type") != "onbehalf" || queries[1].Get("type") != "zak" || len(queries) != 2 {
		t.Fatalf("queries %v", queries)
	}
	if Label("GET", "/v2/users/me/token") != LabelLight {
		t.Fatal("label")
	}
}
