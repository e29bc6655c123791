package zoom

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestDashboardListMeetingsDecodeAndPaging(t *testing.T) {
	f := newFakeZoom(t)
	var queries []url.Values
	f.mux.HandleFunc("GET /v2/metrics/meetings", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		queries = append(queries, q)
		switch q.Get("next_page_token") {
		case "":
			_, _ = w.Write([]byte(`{"from":"2026-11-01","to":"2026-11-20","page_count":2,"page_size":2,"total_records":3,"next_page_token":"tok2",
			 "meetings":[
			  {"uuid":"/ab//c==","id":85746065432,"topic":"Weekly","host":"Alice Doe","email":"alice@acme.example","user_type":"Licensed",
			   "start_time":"2026-11-20T10:00:00Z","end_time":"2026-11-20T11:02:03Z","duration":"01:02:03","participants":4,
			   "has_pstn":true,"has_voip":true,"has_3rd_party_audio":false,"has_video":true,"has_screen_share":true,"has_recording":true,
			   "has_sip":false,"has_archiving":true,"has_manual_captions":false,"has_automated_captions":true,"dept":"Sales",
			   "audio_quality":"good","video_quality":"fair","screen_share_quality":"poor"},
			  {"uuid":"u2","id":"123","start_time":"2026-11-19T10:00:00Z","end_time":"","duration":45,"participants":"2","user_type":1,"has_recording":false}
			 ]}`))
		case "tok2":
			_, _ = w.Write([]byte(`{"page_size":2,"total_records":3,"next_page_token":"","meetings":[{"uuid":"u3","id":3,"duration":"25:00:01"},{"uuid":"u4","duration":"bogus"}]}`))
		default:
			writeJSON(w, 400, map[string]any{"code": 300, "message": "The next page token is invalid or expired."})
		}
	})
	c := f.client(t)
	from := time.Date(2026, 11, 1, 23, 0, 0, 0, time.FixedZone("EST", -5*3600)) // 2026-11-02 UTC
	to := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	l, resp, err := c.Dashboards.ListMeetings(context.Background(), DashboardMeetingsOptions{Type: "past", From: from, To: to, PageSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	q := queries[0]
	if q.Get("type") != "past" || q.Get("from") != "2026-11-02" || q.Get("to") != "2026-11-20" || q.Get("page_size") != "2" || q.Has("next_page_token") {
		t.Errorf("query = %v", q)
	}
	if resp.NextPageToken != "tok2" || l.NextPageToken != "tok2" || l.TotalRecords != 3 || l.PageCount != 2 || len(l.Meetings) != 2 {
		t.Fatalf("page 1: token %q/%q, %+v", resp.NextPageToken, l.NextPageToken, l)
	}
	m := l.Meetings[0]
	want := DashboardMeeting{
		UUID: "/ab//c==", ID: 85746065432, Topic: "Weekly", Host: "Alice Doe", Email: "alice@acme.example", UserType: "Licensed", Dept: "Sales",
		StartTime: time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC), EndTime: time.Date(2026, 11, 20, 11, 2, 3, 0, time.UTC),
		Duration: time.Hour + 2*time.Minute + 3*time.Second, DurationRaw: "01:02:03", Participants: 4,
		HasRecording: true, HasPSTN: true, HasVoIP: true, HasVideo: true, HasScreenShare: true, HasArchiving: true, HasAutomatedCaptions: true,
		AudioQuality: "good", VideoQuality: "fair", ScreenShareQuality: "poor",
	}
	if m != want {
		t.Errorf("meeting 1\n got %+v\nwant %+v", m, want)
	}
	m2 := l.Meetings[1]
	if m2.ID != 123 || m2.Participants != 2 || m2.UserType != "1" || !m2.EndTime.IsZero() || m2.Duration != 45*time.Minute || m2.DurationRaw != "45" {
		t.Errorf("loose meeting 2 = %+v", m2)
	}

	l2, resp2, err := c.Dashboards.ListMeetings(context.Background(), DashboardMeetingsOptions{From: from, To: to, NextPageToken: resp.NextPageToken})
	if err != nil {
		t.Fatal(err)
	}
	if queries[1].Get("next_page_token") != "tok2" || queries[1].Get("type") != "past" {
		t.Errorf("page 2 query = %v (empty Type must mean past)", queries[1])
	}
	if resp2.NextPageToken != "" || len(l2.Meetings) != 2 {
		t.Fatalf("page 2: token %q, %d meetings", resp2.NextPageToken, len(l2.Meetings))
	}
	if d := l2.Meetings[0].Duration; d != 25*time.Hour+time.Second {
		t.Errorf("25:00:01 → %v", d)
	}
	if m := l2.Meetings[1]; m.Duration != 0 || m.DurationRaw != "bogus" {
		t.Errorf("unreadable duration → %v %q, want 0 and the raw text", m.Duration, m.DurationRaw)
	}

	// A JSON round trip (Temporal payloads) keeps every field.
	b, err := json.Marshal(l.Meetings)
	if err != nil {
		t.Fatal(err)
	}
	var back []DashboardMeeting
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back[0] != l.Meetings[0] || back[1] != l.Meetings[1] {
		t.Errorf("round trip changed meetings:\n%+v\n%+v", back, l.Meetings)
	}
}

func TestDashboardListMeetingsValidation(t *testing.T) {
	f := newFakeZoom(t)
	c := f.client(t)
	day := time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC)
	bad := []struct {
		opts DashboardMeetingsOptions
		want string
	}{
		{DashboardMeetingsOptions{}, "required"},
		{DashboardMeetingsOptions{From: day}, "required"},
		{DashboardMeetingsOptions{From: day, To: day.AddDate(0, 0, -1)}, "ends before it starts"},
		{DashboardMeetingsOptions{From: day, To: day.AddDate(0, 1, 1)}, "exceeds one month"},
		{DashboardMeetingsOptions{From: day, To: day, Type: "yesterday"}, "dashboard type"},
		{DashboardMeetingsOptions{From: day, To: day, QueryDateType: "created"}, "query date type"},
		{DashboardMeetingsOptions{From: day, To: day, PageSize: 301}, "1–300"},
	}
	for _, b := range bad {
		_, _, err := c.Dashboards.ListMeetings(context.Background(), b.opts)
		if err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("%+v: err = %v, want %q", b.opts, err, b.want)
		}
	}
	if f.tokenCalls.Load() != 0 {
		t.Error("invalid options reached the network")
	}

	// Exactly one month, and live with end_time filtering, are accepted.
	var got url.Values
	f.mux.HandleFunc("GET /v2/metrics/meetings", func(w http.ResponseWriter, r *http.Request) {
		got = r.URL.Query()
		writeJSON(w, 200, map[string]any{"meetings": []any{}})
	})
	if _, _, err := c.Dashboards.ListMeetings(context.Background(), DashboardMeetingsOptions{
		Type: DashboardTypeLive, From: day, To: day.AddDate(0, 1, 0), QueryDateType: "end_time",
	}); err != nil {
		t.Fatal(err)
	}
	if got.Get("type") != "live" || got.Get("query_date_type") != "end_time" || got.Get("to") != "2026-04-15" {
		t.Errorf("query = %v", got)
	}
}

func TestDashboardListMeetingParticipants(t *testing.T) {
	f := newFakeZoom(t)
	var uris []string
	f.mux.HandleFunc("GET /v2/metrics/meetings/{id}/participants", func(w http.ResponseWriter, r *http.Request) {
		uris = append(uris, r.RequestURI)
		if r.URL.Query().Get("next_page_token") == "" {
			_, _ = w.Write([]byte(`{"page_count":2,"page_size":1,"total_records":2,"next_page_token":"p2","participants":[
			  {"id":"hostUserId","user_id":"16778240","participant_user_id":"hostUserId","user_name":"Alice Doe","email":"alice@acme.example",
			   "role":"host","device":"Mac","ip_address":"192.0.2.1","location":"Paris (FR)","network_type":"Wifi","data_center":"FR",
			   "full_data_center":"France (FR)","connection_type":"UDP","join_time":"2026-11-20T10:00:00Z","leave_time":"2026-11-20T11:00:00Z",
			   "leave_reason":"Host ended the meeting.","share_application":false,"share_desktop":true,"share_whiteboard":false,
			   "recording":true,"status":"in_meeting","version":"6.2.0","audio_quality":"good","video_quality":"","screen_share_quality":"fair",
			   "registrant_id":"r1","bo_mtg_id":""}]}`))
			return
		}
		_, _ = w.Write([]byte(`{"page_size":1,"total_records":2,"next_page_token":"","participants":[{"user_id":16778241,"user_name":"Guest","join_time":"2026-11-20T10:05:00Z","leave_time":""}]}`))
	})
	c := f.client(t)
	l, resp, err := c.Dashboards.ListMeetingParticipants(context.Background(), "/ab//c==", &DashboardParticipantsOptions{PageSize: 1, IncludeRegistrantID: true})
	if err != nil {
		t.Fatal(err)
	}
	if want := "/v2/metrics/meetings/%252Fab%252F%252Fc%253D%253D/participants?"; !strings.HasPrefix(uris[0], want) {
		t.Errorf("request %s, want prefix %s", uris[0], want)
	}
	q, _ := url.ParseQuery(strings.SplitN(uris[0], "?", 2)[1])
	if q.Get("type") != "past" || q.Get("page_size") != "1" || q.Get("include_fields") != "registrant_id" {
		t.Errorf("query = %v", q)
	}
	if resp.NextPageToken != "p2" || l.TotalRecords != 2 || len(l.Participants) != 1 {
		t.Fatalf("page 1: %q %+v", resp.NextPageToken, l)
	}
	p := l.Participants[0]
	want := DashboardParticipant{
		ID: "hostUserId", UserID: "16778240", ParticipantUserID: "hostUserId", UserName: "Alice Doe", Email: "alice@acme.example",
		RegistrantID: "r1", Role: "host", JoinTime: time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC), LeaveTime: time.Date(2026, 11, 20, 11, 0, 0, 0, time.UTC),
		LeaveReason: "Host ended the meeting.", Recording: true, ShareDesktop: true, Status: "in_meeting", Device: "Mac", Version: "6.2.0",
		IPAddress: "192.0.2.1", Location: "Paris (FR)", NetworkType: "Wifi", ConnectionType: "UDP", DataCenter: "FR", FullDataCenter: "France (FR)",
		AudioQuality: "good", ScreenShareQuality: "fair",
	}
	if p != want {
		t.Errorf("participant\n got %+v\nwant %+v", p, want)
	}

	l2, _, err := c.Dashboards.ListMeetingParticipants(context.Background(), "85746065432", &DashboardParticipantsOptions{NextPageToken: "p2"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(uris[1], "/v2/metrics/meetings/85746065432/participants?") || !strings.Contains(uris[1], "next_page_token=p2") {
		t.Errorf("page 2 request %s", uris[1])
	}
	if g := l2.Participants[0]; g.UserID != "16778241" || g.ID != "" || !g.LeaveTime.IsZero() || g.Recording {
		t.Errorf("guest = %+v", g)
	}
	if c.PoolCalls() != 2 {
		t.Errorf("PoolCalls = %d, want 2 (Heavy)", c.PoolCalls())
	}

	if _, _, err := c.Dashboards.ListMeetingParticipants(context.Background(), "", nil); err == nil {
		t.Error("empty uuid accepted")
	}
	if _, _, err := c.Dashboards.ListMeetingParticipants(context.Background(), "x", &DashboardParticipantsOptions{Type: "old"}); err == nil {
		t.Error("bad type accepted")
	}
}

func TestParseClockDuration(t *testing.T) {
	good := map[string]time.Duration{
		"00:00:00": 0, "01:02:03": time.Hour + 2*time.Minute + 3*time.Second, "1:05:10": time.Hour + 5*time.Minute + 10*time.Second,
		"125:00:00": 125 * time.Hour, "05:30": 5*time.Minute + 30*time.Second, "90": 90 * time.Minute, "1.5": 90 * time.Second,
	}
	for in, want := range good {
		if got, ok := parseClockDuration(in); !ok || got != want {
			t.Errorf("parseClockDuration(%q) = %v, %v; want %v", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "x", "1:60:00", "1:2:3:4", "-5", "01:-1:00"} {
		if _, ok := parseClockDuration(in); ok {
			t.Errorf("parseClockDuration(%q) accepted", in)
		}
	}
}
