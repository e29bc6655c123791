package zoomsim

import (
	"net/url"
	"testing"
	"time"
)

func TestListUsersPaging(t *testing.T) {
	sim := newTestSim(t, testScenario())
	tok := sim.token(0)
	var p1, p2 listUsersResponse
	if st := sim.get("/v2/users?page_size=1", tok, &p1); st != 200 {
		t.Fatalf("status %d", st)
	}
	if p1.TotalRecords != 2 || p1.PageCount != 2 || p1.PageSize != 1 || len(p1.Users) != 1 || p1.NextPageToken == "" {
		t.Fatalf("page 1: %+v", p1)
	}
	if u := p1.Users[0]; u.ID != hostID || u.Email != hostMail || u.DisplayName != "Hana Host" || u.Type != 2 || u.Status != "active" {
		t.Fatalf("user %+v", u)
	}
	sim.get("/v2/users?page_size=1&next_page_token="+p1.NextPageToken, tok, &p2)
	if len(p2.Users) != 1 || p2.Users[0].Email != "guest@acme.example" || p2.NextPageToken != "" || p2.PageNumber != 2 {
		t.Fatalf("page 2: %+v", p2)
	}
	var big listUsersResponse
	sim.get("/v2/users?page_size=5000", tok, &big)
	if big.PageSize != 300 {
		t.Fatalf("page_size not clamped to 300: %d", big.PageSize)
	}
	var u getUserResponse
	if st := sim.get("/v2/users/"+url.PathEscape(hostMail), tok, &u); st != 200 || u.ID != hostID || u.AccountID != acctID {
		t.Fatalf("get user by email: %d %+v", st, u)
	}
	var e apiError
	if st := sim.get("/v2/users/nobody@acme.example", tok, &e); st != 404 || e.Code != 1001 {
		t.Fatalf("unknown user: %d %+v", st, e)
	}
}

func TestListRecordingsPagesAndTokenExpiry(t *testing.T) {
	sim := newTestSim(t, testScenario())
	tok := sim.token(0)
	base := "/v2/users/" + hostID + "/recordings?from=2026-10-01&to=2026-10-31&page_size=10"
	seen := map[string]bool{}
	next, pages := "", 0
	var last time.Time
	for {
		var r listRecordingsResponse
		q := base
		if next != "" {
			q += "&next_page_token=" + next
		}
		if st := sim.get(q, tok, &r); st != 200 {
			t.Fatalf("page %d: status %d", pages+1, st)
		}
		pages++
		if r.TotalRecords != 38 || r.PageCount != 4 || r.From != "2026-10-01" || r.To != "2026-10-31" {
			t.Fatalf("page %d header: total %d pages %d from %s to %s", pages, r.TotalRecords, r.PageCount, r.From, r.To)
		}
		for _, m := range r.Meetings {
			if seen[m.UUID] {
				t.Fatalf("meeting %s listed twice", m.UUID)
			}
			seen[m.UUID] = true
			st := ts(m.StartTime)
			if !last.IsZero() && st.After(last) {
				t.Fatalf("not newest first: %s after %s", st, last)
			}
			last = st
		}
		if next = r.NextPageToken; next == "" {
			break
		}
	}
	if pages != 4 || len(seen) != 38 {
		t.Fatalf("pages %d meetings %d", pages, len(seen))
	}

	// next_page_token expires after 15 minutes of simulator time.
	var r listRecordingsResponse
	sim.get(base, tok, &r)
	sim.AdvanceClock(16 * time.Minute)
	tok = sim.token(0)
	var e apiError
	if st := sim.get(base+"&next_page_token="+r.NextPageToken, tok, &e); st != 400 || e.Code != 300 || e.Message != "The next page token is invalid or expired." {
		t.Fatalf("expired page token: %d %+v", st, e)
	}
}

func TestListRecordingsWindow(t *testing.T) {
	sim := newTestSim(t, testScenario())
	tok := sim.token(0)
	var e apiError
	if st := sim.get("/v2/users/"+hostID+"/recordings?from=2026-09-01&to=2026-10-15", tok, &e); st != 400 || e.Code != 300 {
		t.Fatalf("window over a month: %d %+v", st, e)
	}
	var r listRecordingsResponse
	if st := sim.get("/v2/users/"+hostID+"/recordings?from=2026-09-15&to=2026-10-15&page_size=300", tok, &r); st != 200 || r.TotalRecords != 38 {
		t.Fatalf("exactly a month: %d total %d", st, r.TotalRecords)
	}
	if st := sim.get("/v2/users/"+hostID+"/recordings?from=2026-10-06&to=2026-10-06", tok, &r); st != 200 || r.TotalRecords != 1 || r.Meetings[0].UUID != weekly {
		t.Fatalf("one day: %d %+v", st, r)
	}
	if st := sim.get("/v2/users/"+hostID+"/recordings?from=2026-10-31&to=2026-10-01", tok, &e); st != 400 {
		t.Fatalf("from after to: %d", st)
	}
	clamp := true
	sim.UpdateFaults(FaultsPatch{ClampLongWindows: &clamp})
	if st := sim.get("/v2/users/"+hostID+"/recordings?from=2026-01-01&to=2026-10-15", tok, &r); st != 200 || r.From != "2026-09-15" {
		t.Fatalf("clamped window: %d from %s", st, r.From)
	}
}

func TestMeetingRecordingsUUIDEncoding(t *testing.T) {
	sim := newTestSim(t, testScenario())
	tok := sim.token(0)
	m := sim.meetingFiles(tok, doubleEscape(oddUUID))
	if m.UUID != oddUUID || m.ID != 81234567890 || len(m.RecordingFiles) != 7 {
		t.Fatalf("double-encoded lookup: %+v", m)
	}
	var e apiError
	if st := sim.get("/v2/meetings/"+url.PathEscape(oddUUID)+"/recordings", tok, &e); st != 404 || e.Code != 3301 || e.Message != "This recording does not exist." {
		t.Fatalf("single-encoded odd uuid must not be found: %d %+v", st, e)
	}
	// An ordinary UUID works single- or double-encoded; a numeric id gives the latest instance.
	if m := sim.meetingFiles(tok, url.PathEscape(weekly)); m.UUID != weekly {
		t.Fatalf("single-encoded plain uuid: %s", m.UUID)
	}
	if m := sim.meetingFiles(tok, doubleEscape(weekly)); m.UUID != weekly {
		t.Fatalf("double-encoded plain uuid: %s", m.UUID)
	}
	if m := sim.meetingFiles(tok, "85550001111"); m.UUID != "V2Vla2x5LW5ld2VyLTAwMQ==" {
		t.Fatalf("numeric id should give the latest instance, got %s", m.UUID)
	}
	// Another account's meeting is invisible.
	other := sim.Scenario().Accounts[1].Meetings[0].UUID
	if st := sim.get("/v2/meetings/"+doubleEscape(other)+"/recordings", tok, &e); st != 404 {
		t.Fatalf("other account's meeting: %d", st)
	}
	// download_access_token on request, ttl at most 7 days.
	var withTok meetingJSON
	sim.get("/v2/meetings/"+doubleEscape(oddUUID)+"/recordings?include_fields=download_access_token&ttl=604800", tok, &withTok)
	if withTok.DownloadAccessToken == "" || m.DownloadAccessToken != "" {
		t.Fatalf("download_access_token: with %q without %q", withTok.DownloadAccessToken, m.DownloadAccessToken)
	}
	if st := sim.get("/v2/meetings/"+doubleEscape(oddUUID)+"/recordings?include_fields=download_access_token&ttl=604801", tok, &e); st != 400 || e.Code != 300 {
		t.Fatalf("ttl too long: %d %+v", st, e)
	}
}

func TestRecordingFileShapes(t *testing.T) {
	sim := newTestSim(t, testScenario())
	tok := sim.token(0)
	always := []string{"meeting_id", "recording_start", "recording_end", "file_type", "file_extension", "download_url"}
	sized := []string{"id", "status", "file_size", "recording_type"}
	entries := func() map[string][]map[string]any {
		var raw map[string]any
		sim.get("/v2/meetings/"+doubleEscape(oddUUID)+"/recordings", tok, &raw)
		out := map[string][]map[string]any{}
		for _, f := range raw["recording_files"].([]any) {
			e := f.(map[string]any)
			for _, k := range always {
				if _, ok := e[k]; !ok {
					t.Errorf("%s entry lacks %s", e["file_type"], k)
				}
			}
			out[e["file_type"].(string)] = append(out[e["file_type"].(string)], e)
		}
		return out
	}
	// Today's shape: every entry has id, status, file_size and
	// recording_type; TIMELINE (recording_type "timeline") and CC have no
	// play_url.
	types := entries()
	for ft, es := range types {
		for _, e := range es {
			for _, k := range sized {
				if _, ok := e[k]; !ok {
					t.Errorf("%s entry lacks %s", ft, k)
				}
			}
			_, play := e["play_url"]
			if play == (ft == "CC" || ft == "TIMELINE") {
				t.Errorf("%s entry: play_url present = %v", ft, play)
			}
		}
	}
	if tl := types["TIMELINE"][0]; tl["recording_type"] != "timeline" || tl["status"] != "completed" || tl["file_size"].(float64) <= 0 {
		t.Errorf("timeline entry %v", tl)
	}
	if len(types["MP4"]) != 2 || len(types["CC"]) != 1 || len(types["TIMELINE"]) != 1 || len(types["CHAT"]) != 1 {
		t.Fatalf("file types %v", types)
	}
	// The older shape on request, type by type (CC's id is configurable on its own).
	sim.UpdateFaults(FaultsPatch{LegacyFileShapes: []string{"timeline"}})
	types = entries()
	for _, k := range append(sized, "play_url") {
		if _, ok := types["TIMELINE"][0][k]; ok {
			t.Errorf("legacy TIMELINE has %s", k)
		}
	}
	if _, ok := types["CC"][0]["id"]; !ok {
		t.Error("CC lost its id with only TIMELINE legacy")
	}
	sim.UpdateFaults(FaultsPatch{LegacyFileShapes: []string{"CC", "TIMELINE"}})
	if _, ok := entries()["CC"][0]["id"]; ok {
		t.Error("legacy CC has an id")
	}
	// The truth keeps the simulator's own id for them.
	for _, f := range sim.Truth(false).Files {
		if f.FileID == "" {
			t.Errorf("truth file without id: %+v", f)
		}
	}
	sim.UpdateFaults(FaultsPatch{Reset: true})

	var raw map[string]any
	sim.get("/v2/meetings/"+doubleEscape(oddUUID)+"/recordings", tok, &raw)
	if raw["type"] != float64(2) || raw["recording_count"] != float64(7) {
		t.Fatalf("meeting type %v count %v", raw["type"], raw["recording_count"])
	}
	// A meeting scenario-marked as string type renders "8".
	sim.get("/v2/meetings/"+url.PathEscape(weekly)+"/recordings", tok, &raw)
	if raw["type"] != "8" {
		t.Fatalf("string type: %#v", raw["type"])
	}
	var total int64
	for _, f := range sim.meetingFiles(tok, doubleEscape(oddUUID)).RecordingFiles {
		if f.FileSize != nil {
			total += *f.FileSize
		}
	}
	if sim.meetingFiles(tok, doubleEscape(oddUUID)).TotalSize != total {
		t.Fatalf("total_size mismatch")
	}
}

func TestProcessingFilesComplete(t *testing.T) {
	sc := testScenario()
	soon := ts("2026-11-01T00:00:00Z")
	sc.Accounts[0].Meetings[2].ProcessingUntil = &soon
	sim := newTestSim(t, sc)
	sim.SetClock(soon.Add(-time.Hour))
	tok := sim.token(0)
	m := sim.meetingFiles(tok, "85550001111")
	for _, f := range m.RecordingFiles {
		if f.Status != "processing" || *f.FileSize != 0 {
			t.Fatalf("before: %+v", f)
		}
	}
	code, hdr, body := fetch(t, withToken(m.RecordingFiles[0].DownloadURL, tok), nil)
	if code != 200 || hdr.Get("Content-Type") != "text/html;charset=utf-8" || len(body) == 0 {
		t.Fatalf("download while processing: %d %s", code, hdr.Get("Content-Type"))
	}
	sim.AdvanceClock(2 * time.Hour)
	tok = sim.token(0)
	m = sim.meetingFiles(tok, "85550001111")
	for _, f := range m.RecordingFiles {
		if f.Status != "completed" || *f.FileSize == 0 {
			t.Fatalf("after: %+v", f)
		}
	}
}
