package zoomsim

import (
	"encoding/json"
	"net/url"
	"reflect"
	"testing"
	"time"
)

const audioUUID = "QXVkaW9NZWV0aW5nMDAwMQ=="

// archiveScenario is testScenario plus a meeting with two per-participant
// audio files: one of the account user Gus and one of a guest.
func archiveScenario() Scenario {
	sc := testScenario()
	sc.Accounts[0].Meetings = append(sc.Accounts[0].Meetings, ScenarioMeeting{
		UUID: audioUUID, ID: 87770001111, HostID: hostID, Topic: "With audio", StartTime: ts("2026-10-07T16:00:00Z"), Duration: 60,
		Files: []ScenarioFile{{FileType: "MP4", Size: 5000}, {FileType: "TIMELINE", Size: 900}},
		ParticipantAudioFiles: []ScenarioFile{
			{FileType: "M4A", FileName: "Audio only - Gus", Size: 3000},
			{FileType: "M4A", FileName: "Audio only - Zed Zulu", Size: 3100},
		},
	})
	return sc
}

func poolUsed(sim *testSim) int64 { return sim.Stats().Accounts[acctID].DailyPool.Used }

func TestDashboardMeetingsShapeAndLabel(t *testing.T) {
	sim := newTestSim(t, testScenario())
	sim.SetClock(ts("2026-11-22T09:00:00Z"))
	tok := sim.token(0)
	var raw map[string]json.RawMessage
	st, h := sim.call("/v2/metrics/meetings?type=past&from=2026-10-01&to=2026-10-31&page_size=10", tok, &raw)
	if st != 200 || h.Get("X-RateLimit-Category") != "Resource-intensive" || h.Get("X-RateLimit-Remaining") != "59999" {
		t.Fatalf("status %d headers %v", st, h)
	}
	for _, k := range []string{"from", "to", "page_count", "page_size", "total_records", "next_page_token", "meetings"} {
		if _, ok := raw[k]; !ok {
			t.Fatalf("response lacks %q: %s", k, raw)
		}
	}
	var page dashboardMeetingsResponse
	sim.call("/v2/metrics/meetings?type=past&from=2026-10-01&to=2026-10-31&page_size=10", tok, &page)
	if page.TotalRecords != 38 || page.PageCount != 4 || len(page.Meetings) != 10 || page.NextPageToken == "" {
		t.Fatalf("page: total %d pages %d len %d", page.TotalRecords, page.PageCount, len(page.Meetings))
	}
	var all []dashboardMeetingJSON
	for next := ""; ; {
		var p dashboardMeetingsResponse
		q := "/v2/metrics/meetings?type=past&from=2026-10-01&to=2026-10-31&page_size=10"
		if next != "" {
			q += "&next_page_token=" + next
		}
		if st, _ := sim.call(q, tok, &p); st != 200 {
			t.Fatalf("page: %d", st)
		}
		all = append(all, p.Meetings...)
		if next = p.NextPageToken; next == "" {
			break
		}
	}
	if len(all) != 38 {
		t.Fatalf("paged %d meetings", len(all))
	}
	var odd *dashboardMeetingJSON
	for i := range all {
		if all[i].UUID == oddUUID {
			odd = &all[i]
		}
	}
	if odd == nil || odd.ID != 81234567890 || odd.Host != "Hana Host" || odd.Email != hostMail || odd.Topic != "Odd UUID" ||
		odd.StartTime != "2026-10-05T14:00:00Z" || odd.EndTime != "2026-10-05T14:42:00Z" || odd.Duration != "42:00" ||
		!odd.HasRecording || !odd.HasScreenShare || !odd.HasArchiving || odd.Participants < 2 || odd.Participants > 9 || odd.UserType != "Licensed" {
		t.Fatalf("odd meeting: %+v", odd)
	}

	// Zoom's default type is live: nothing is live now.
	var live dashboardMeetingsResponse
	if sim.call("/v2/metrics/meetings?from=2026-10-01&to=2026-10-31", tok, &live); live.TotalRecords != 0 {
		t.Fatalf("live meetings: %+v", live)
	}
	var e apiError
	if st, _ := sim.call("/v2/metrics/meetings?type=past&from=2026-09-01&to=2026-10-15", tok, &e); st != 400 || e.Code != 300 {
		t.Fatalf("window over a month: %d %+v", st, e)
	}
	if st, _ := sim.call("/v2/metrics/meetings?type=past&from=2026-05-01&to=2026-05-20", tok, &e); st != 400 || e.Code != 300 {
		t.Fatalf("window older than six months: %d %+v", st, e)
	}
	e = apiError{}
	if st, _ := sim.call("/v2/metrics/meetings?type=past&from=2026-10-01", tok, &e); st != 400 || len(e.Errors) != 1 || e.Errors[0].Field != "to" {
		t.Fatalf("missing to: %d %+v", st, e)
	}
}

func TestDashboardAndPastParticipants(t *testing.T) {
	sim := newTestSim(t, testScenario())
	sim.SetClock(ts("2026-11-22T09:00:00Z"))
	tok := sim.token(0)
	var list dashboardMeetingsResponse
	sim.call("/v2/metrics/meetings?type=past&from=2026-10-05&to=2026-10-05", tok, &list)
	if len(list.Meetings) != 1 {
		t.Fatalf("meetings on Oct 5: %+v", list)
	}
	count := list.Meetings[0].Participants

	before := poolUsed(sim)
	var dp dashboardParticipantsResponse
	st, h := sim.call("/v2/metrics/meetings/"+doubleEscape(oddUUID)+"/participants?type=past&page_size=300", tok, &dp)
	if st != 200 || h.Get("X-RateLimit-Category") != "Heavy" || h.Get("X-RateLimit-Remaining") == "" {
		t.Fatalf("heavy call: %d %v", st, h)
	}
	if poolUsed(sim) != before+1 {
		t.Fatalf("a Heavy call must draw one request from the pool: %d → %d", before, poolUsed(sim))
	}
	if dp.TotalRecords != count || len(dp.Participants) != count {
		t.Fatalf("participants %d/%d, dashboard says %d", dp.TotalRecords, len(dp.Participants), count)
	}
	host := dp.Participants[0]
	if host.Role != "host" || !host.Recording || host.ID != hostID || host.UserName != "Hana Host" || host.Email != hostMail ||
		host.JoinTime != "2026-10-05T14:00:00Z" || host.LeaveTime != "2026-10-05T14:42:00Z" || host.UserID == "" {
		t.Fatalf("host: %+v", host)
	}
	for _, p := range dp.Participants[1:] {
		if p.Role != "attendee" || p.Recording || p.JoinTime < "2026-10-05T14:00:00Z" || p.LeaveTime > "2026-10-05T14:42:00Z" || p.UserName == "" {
			t.Fatalf("attendee: %+v", p)
		}
	}
	var e apiError
	if st, _ := sim.call("/v2/metrics/meetings/"+url.PathEscape(oddUUID)+"/participants?type=past", tok, &e); st != 404 || e.Code != 3001 {
		t.Fatalf("single-encoded odd UUID: %d %+v", st, e)
	}
	if st, _ := sim.call("/v2/metrics/meetings/"+doubleEscape(oddUUID)+"/participants", tok, &e); st != 404 {
		t.Fatalf("type defaults to live, and the meeting is past: %d", st)
	}

	// Past meeting participants (Medium) list the same people and use no pool.
	before = poolUsed(sim)
	var pp pastParticipantsResponse
	st, h = sim.call("/v2/past_meetings/"+doubleEscape(oddUUID)+"/participants?page_size=500", tok, &pp)
	if st != 200 || h.Get("X-RateLimit-Remaining") != "" || h.Get("X-RateLimit-Category") != "" {
		t.Fatalf("medium call: %d %v", st, h)
	}
	if poolUsed(sim) != before {
		t.Fatal("a Medium call drew on the pool")
	}
	if pp.PageSize != 300 || pp.TotalRecords != count || len(pp.Participants) != count {
		t.Fatalf("past participants: size %d total %d", pp.PageSize, pp.TotalRecords)
	}
	for i, p := range pp.Participants {
		d := dp.Participants[i]
		join, _ := time.Parse(time.RFC3339, p.JoinTime)
		leave, _ := time.Parse(time.RFC3339, p.LeaveTime)
		if p.Name != d.UserName || p.UserEmail != d.Email || p.ID != d.ID || p.UserID != d.UserID || p.JoinTime != d.JoinTime ||
			p.LeaveTime != d.LeaveTime || p.Duration != int(leave.Sub(join).Seconds()) || p.InternalUser != (p.ID != "") || p.Status != "in_meeting" {
			t.Fatalf("participant %d: past %+v, dashboard %+v", i, p, d)
		}
	}
	// Paging, a numeric id (latest instance) and determinism across loads.
	var names []string
	for next := ""; ; {
		var p pastParticipantsResponse
		q := "/v2/past_meetings/" + doubleEscape(oddUUID) + "/participants?page_size=1"
		if next != "" {
			q += "&next_page_token=" + next
		}
		sim.call(q, tok, &p)
		for _, x := range p.Participants {
			names = append(names, x.Name)
		}
		if next = p.NextPageToken; next == "" {
			break
		}
	}
	if len(names) != count {
		t.Fatalf("paged %d of %d", len(names), count)
	}
	var byID, byUUID pastParticipantsResponse
	sim.call("/v2/past_meetings/85550001111/participants", tok, &byID)
	sim.call("/v2/past_meetings/"+url.PathEscape("V2Vla2x5LW5ld2VyLTAwMQ==")+"/participants", tok, &byUUID)
	if !reflect.DeepEqual(byID.Participants, byUUID.Participants) || len(byID.Participants) < 2 {
		t.Fatalf("numeric id must give the latest instance: %+v vs %+v", byID, byUUID)
	}
	again := newTestSim(t, testScenario())
	again.SetClock(ts("2026-11-22T09:00:00Z"))
	var pp2 pastParticipantsResponse
	again.call("/v2/past_meetings/"+doubleEscape(oddUUID)+"/participants?page_size=300", again.token(0), &pp2)
	if !reflect.DeepEqual(pp.Participants, pp2.Participants) {
		t.Fatal("participants differ between two loads of the same scenario")
	}
	if st, _ := sim.call("/v2/past_meetings/12345/participants", tok, &e); st != 404 || e.Code != 3001 || e.Message != "Meeting does not exist: 12345." {
		t.Fatalf("unknown meeting: %d %+v", st, e)
	}
}

func TestArchiveFiles(t *testing.T) {
	sim := newTestSim(t, archiveScenario())
	sim.SetClock(ts("2026-11-22T09:00:00Z"))
	tok := sim.token(0)
	before := poolUsed(sim)
	var raw struct {
		Meetings []map[string]json.RawMessage `json:"meetings"`
	}
	q := "/v2/archive_files?from=2026-10-05T00:00:00Z&to=2026-10-12T00:00:00Z&page_size=300"
	st, h := sim.call(q, tok, &raw)
	if st != 200 || h.Get("X-RateLimit-Remaining") != "" || poolUsed(sim) != before {
		t.Fatalf("medium call: %d %v", st, h)
	}
	for _, k := range []string{"uuid", "id", "host_id", "topic", "type", "start_time", "timezone", "duration", "duration_in_second",
		"total_size", "recording_count", "meeting_type", "account_name", "complete_time", "is_breakout_room", "status", "archive_files"} {
		if _, ok := raw.Meetings[0][k]; !ok {
			t.Fatalf("archived meeting lacks %q", k)
		}
	}
	var res archiveFilesResponse
	sim.call(q, tok, &res)
	// Oct 5 (odd), Oct 6 (weekly), Oct 7 (audio), 35 fillers from Oct 10 09:00 to Oct 11 19:00.
	if res.TotalRecords != 38 || res.From != "2026-10-05T00:00:00Z" || res.To != "2026-10-12T00:00:00Z" {
		t.Fatalf("total %d from %s to %s", res.TotalRecords, res.From, res.To)
	}
	found := map[string]archivedMeetingJSON{}
	for _, m := range res.Meetings {
		found[m.UUID] = m
		if m.IsBreakoutRoom {
			t.Fatalf("breakout room: %+v", m)
		}
	}
	odd := found[oddUUID]
	types := map[string]int{}
	for _, f := range odd.ArchiveFiles {
		types[f.FileType]++
		if f.Individual || f.ID == "" || f.Status != "completed" || len(f.EncryptionFingerprint) != 64 {
			t.Fatalf("odd file: %+v", f)
		}
	}
	if !reflect.DeepEqual(types, map[string]int{"MP4": 2, "M4A": 1, "CHAT": 1, "TRANSCRIPT": 1, "CC": 1}) || odd.RecordingCount != 6 ||
		odd.Duration != 42 || odd.DurationInSecond != 2520 || odd.Status != "completed" {
		t.Fatalf("odd archived meeting: types %v, %+v", types, odd)
	}
	// Archived files keep the recording's ids and download URLs.
	rec := sim.meetingFiles(tok, doubleEscape(oddUUID))
	for _, f := range odd.ArchiveFiles {
		if f.FileType == "CHAT" && f.DownloadURL != rec.RecordingFiles[3].DownloadURL {
			t.Fatalf("chat download url %s vs %s", f.DownloadURL, rec.RecordingFiles[3].DownloadURL)
		}
	}

	// Per-participant files are individual and match the participants.
	audio := found[audioUUID]
	var pp pastParticipantsResponse
	sim.call("/v2/past_meetings/"+url.PathEscape(audioUUID)+"/participants", tok, &pp)
	byName := map[string]pastParticipantJSON{}
	for _, p := range pp.Participants {
		byName[p.Name] = p
	}
	gus, zed := byName["Gus Guest"], byName["Zed Zulu"]
	if gus.UserEmail != "guest@acme.example" || !gus.InternalUser || zed.Name != "Zed Zulu" || zed.InternalUser {
		t.Fatalf("audio participants: %+v", pp.Participants)
	}
	var individual []archiveFileJSON
	for _, f := range audio.ArchiveFiles {
		if f.Individual {
			individual = append(individual, f)
		}
	}
	if len(individual) != 2 || audio.RecordingCount != 3 || audio.MeetingType == "" {
		t.Fatalf("audio meeting files: %+v", audio)
	}
	g := individual[0]
	if g.ParticipantEmail != gus.UserEmail || g.ParticipantJoinTime != gus.JoinTime || g.ParticipantLeaveTime != gus.LeaveTime ||
		g.FileType != "M4A" || g.RecordingType != "audio_only" || g.FileSize != 3000 {
		t.Fatalf("gus's file %+v vs participant %+v", g, gus)
	}
	if individual[1].ParticipantEmail != zed.UserEmail || individual[1].ParticipantJoinTime != zed.JoinTime {
		t.Fatalf("zed's file %+v vs participant %+v", individual[1], zed)
	}

	// A processing meeting is listed as processing with zero sizes.
	var later archiveFilesResponse
	sim.call("/v2/archive_files?from=2026-10-13&to=2026-10-13", tok, &later)
	if later.TotalRecords != 1 || later.Meetings[0].Status != "processing" || later.Meetings[0].TotalSize != 0 {
		t.Fatalf("processing meeting: %+v", later)
	}
	var e apiError
	if st, _ := sim.call("/v2/archive_files?from=2026-10-01T00:00:00Z&to=2026-10-08T00:00:01Z", tok, &e); st != 400 || e.Code != 300 {
		t.Fatalf("window over seven days: %d %+v", st, e)
	}
	if st, _ := sim.call("/v2/archive_files?from=yesterday", tok, &e); st != 400 {
		t.Fatalf("bad from: %d", st)
	}
	if len(found) != 38 {
		t.Fatalf("distinct meetings %d", len(found))
	}
}
