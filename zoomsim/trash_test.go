package zoomsim

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

func (ts *testSim) del(path, token string) int {
	ts.t.Helper()
	req, _ := http.NewRequest("DELETE", ts.ts.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	return ts.do(req, nil)
}

// listUUIDs lists the host's meetings of October 2026 with extra query.
func (ts *testSim) listUUIDs(tok, extra string) map[string]meetingJSON {
	ts.t.Helper()
	var r listRecordingsResponse
	if st := ts.get("/v2/users/"+hostID+"/recordings?from=2026-10-01&to=2026-10-31&page_size=300"+extra, tok, &r); st != 200 {
		ts.t.Fatalf("list %s: %d", extra, st)
	}
	out := map[string]meetingJSON{}
	for _, m := range r.Meetings {
		out[m.UUID] = m
	}
	return out
}

// The account-wide listing shows every host's meetings with the per-user
// listing's parameters; "me" is the token's account.
func TestAccountRecordingsListTheWholeAccount(t *testing.T) {
	sc := testScenario()
	guestMeeting := ScenarioMeeting{UUID: "R3Vlc3QtbWVldGluZy0wMQ==", HostID: "guest@acme.example", StartTime: ts("2026-10-20T10:00:00Z")}
	sc.Accounts[0].Meetings = append(sc.Accounts[0].Meetings, guestMeeting)
	sim := newTestSim(t, sc)
	tok := sim.token(0)
	var perUser, acct listRecordingsResponse
	sim.get("/v2/users/"+hostID+"/recordings?from=2026-10-01&to=2026-10-31&page_size=300", tok, &perUser)
	for _, id := range []string{"me", acctID} {
		if st := sim.get("/v2/accounts/"+id+"/recordings?from=2026-10-01&to=2026-10-31&page_size=300", tok, &acct); st != 200 {
			t.Fatalf("%s: %d", id, st)
		}
		if acct.TotalRecords != perUser.TotalRecords+1 || acct.Meetings[0].UUID != guestMeeting.UUID {
			t.Fatalf("%s: %d meetings (host has %d), newest %s", id, acct.TotalRecords, perUser.TotalRecords, acct.Meetings[0].UUID)
		}
	}
	// Pages, like the per-user listing.
	var p1, p2 listRecordingsResponse
	sim.get("/v2/accounts/me/recordings?from=2026-10-01&to=2026-10-31&page_size=30", tok, &p1)
	sim.get("/v2/accounts/me/recordings?from=2026-10-01&to=2026-10-31&page_size=30&next_page_token="+p1.NextPageToken, tok, &p2)
	if len(p1.Meetings) != 30 || len(p1.Meetings)+len(p2.Meetings) != acct.TotalRecords || p2.NextPageToken != "" {
		t.Fatalf("pages %d + %d of %d", len(p1.Meetings), len(p2.Meetings), acct.TotalRecords)
	}
	var e apiError
	if st := sim.get("/v2/accounts/"+sim.Accounts()[1].AccountID+"/recordings", tok, &e); st != 400 || e.Code != 200 {
		t.Fatalf("another account: %d %+v", st, e)
	}
	if st := sim.get("/v2/accounts/me/recordings?from=2026-10-01&to=bogus", tok, &e); st != 400 || e.Code != 300 {
		t.Fatalf("bad date: %d %+v", st, e)
	}
	if sim.Stats().Labels["Medium"] < 4 {
		t.Fatalf("account listing is Medium: %v", sim.Stats().Labels)
	}
}

// Trash: DELETE …/recordings (action trash or delete) and DELETE
// …/recordings/{fileId} answer 204; trashed meetings leave the normal
// listing and appear with trash=true; their old download URLs answer 200
// text/html; recording.trashed / recording.deleted webhooks follow; the truth
// shows each file's trash state.
func TestTrashAndDelete(t *testing.T) {
	sim, hr := hookSim(t, testScenario())
	tok := sim.token(0)
	before := sim.meetingFiles(tok, doubleEscape(oddUUID))
	mp4 := before.RecordingFiles[0]
	if st, hdr, _ := fetch(t, withToken(mp4.DownloadURL, tok), nil); st != 200 || hdr.Get("Content-Type") != "video/mp4" {
		t.Fatalf("download before: %d %s", st, hdr.Get("Content-Type"))
	}
	if st := sim.del("/v2/meetings/"+doubleEscape(oddUUID)+"/recordings?action=trash", tok); st != 204 {
		t.Fatalf("trash: %d", st)
	}
	if _, ok := sim.listUUIDs(tok, "")[oddUUID]; ok {
		t.Fatal("trashed meeting still listed")
	}
	trashed := sim.listUUIDs(tok, "&trash=true&trash_type=meeting_recordings")
	if len(trashed) != 1 || len(trashed[oddUUID].RecordingFiles) != len(before.RecordingFiles) {
		t.Fatalf("trash listing %v", trashed)
	}
	if len(sim.listUUIDs(tok, "&trash=true")) != 1 || len(sim.listUUIDs(tok, "&trash=true&trash_type=recording_file")) != 0 {
		t.Fatal("trash_type default or recording_file view")
	}
	var e apiError
	if st := sim.get("/v2/meetings/"+doubleEscape(oddUUID)+"/recordings", tok, &e); st != 404 || e.Code != 3301 {
		t.Fatalf("GET trashed meeting: %d %+v", st, e)
	}
	if st, hdr, _ := fetch(t, withToken(mp4.DownloadURL, tok), nil); st != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "text/html") {
		t.Fatalf("download of a trashed file: %d %s", st, hdr.Get("Content-Type"))
	}
	waitUntil(t, "recording.trashed", func() bool { return len(hr.events()) == 1 })
	ev := decodeCompleted(t, hr.events()[0].body)
	if ev.Event != WebhookRecordingTrashed || ev.Payload.Object.UUID != oddUUID || len(ev.Payload.Object.RecordingFiles) != len(before.RecordingFiles) {
		t.Fatalf("trashed event %s", hr.events()[0].body)
	}
	// Trashing again is a 404; deleting for good from the trash works.
	if st := sim.del("/v2/meetings/"+doubleEscape(oddUUID)+"/recordings", tok); st != 404 {
		t.Fatalf("trash twice: %d", st)
	}
	if st := sim.del("/v2/meetings/"+doubleEscape(oddUUID)+"/recordings?action=delete", tok); st != 204 {
		t.Fatalf("delete: %d", st)
	}
	if len(sim.listUUIDs(tok, "&trash=true")) != 0 {
		t.Fatal("deleted meeting still in the trash")
	}
	waitUntil(t, "recording.deleted", func() bool { return len(hr.events()) == 2 })
	var deleted struct {
		Event   string `json:"event"`
		Payload struct {
			Operator   string `json:"operator"`
			OperatorID string `json:"operator_id"`
		} `json:"payload"`
	}
	if err := json.Unmarshal(hr.events()[1].body, &deleted); err != nil || deleted.Event != WebhookRecordingDeleted || deleted.Payload.OperatorID != hostID {
		t.Fatalf("deleted event %s", hr.events()[1].body)
	}

	// One file of another meeting.
	weeklyFiles := sim.meetingFiles(tok, weekly).RecordingFiles
	one := weeklyFiles[0]
	if st := sim.del("/v2/meetings/"+weekly+"/recordings/"+one.ID+"?action=trash", tok); st != 204 {
		t.Fatalf("trash one file: %d", st)
	}
	if got := sim.meetingFiles(tok, weekly).RecordingFiles; len(got) != len(weeklyFiles)-1 {
		t.Fatalf("after trashing one file: %d files", len(got))
	}
	if v := sim.listUUIDs(tok, "&trash=true&trash_type=recording_file"); len(v) != 1 || len(v[weekly].RecordingFiles) != 1 || v[weekly].RecordingFiles[0].ID != one.ID {
		t.Fatalf("recording_file trash %v", v)
	}
	if _, ok := sim.listUUIDs(tok, "")[weekly]; !ok {
		t.Fatal("meeting with files left vanished")
	}
	if st := sim.del("/v2/meetings/"+weekly+"/recordings/nope", tok); st != 404 {
		t.Fatalf("unknown file: %d", st)
	}
	if st := sim.del("/v2/meetings/"+weekly+"/recordings?action=shred", tok); st != 400 {
		t.Fatalf("bad action: %d", st)
	}
	states := map[string]string{}
	for _, f := range sim.Truth(false).Files {
		states[f.FileID] = f.TrashState
	}
	if states[mp4.ID] != trashDeleted || states[one.ID] != trashTrashed || states[weeklyFiles[1].ID] != trashNone {
		t.Fatalf("truth trash states %v", states)
	}
	// Loading a scenario empties the trash.
	if _, err := sim.LoadScenario(testScenario()); err != nil {
		t.Fatal(err)
	}
	if _, ok := sim.listUUIDs(sim.token(0), "")[oddUUID]; !ok {
		t.Fatal("reload kept the trash")
	}
}

func (ts *testSim) put(path, token string, body any) int {
	ts.t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest("PUT", ts.ts.URL+path, strings.NewReader(string(b)))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	return ts.do(req, nil)
}

// PUT …/recordings/status {"action":"recover"} brings a trashed meeting back
// (and PUT …/recordings/{id}/status one file); deleted ones stay gone; a
// recording.recovered webhook follows.
func TestRecoverFromTrash(t *testing.T) {
	sim, hr := hookSim(t, testScenario())
	tok := sim.token(0)
	files := sim.meetingFiles(tok, weekly).RecordingFiles
	if sim.del("/v2/meetings/"+weekly+"/recordings", tok) != 204 {
		t.Fatal("trash")
	}
	if st := sim.put("/v2/meetings/"+weekly+"/recordings/status", tok, map[string]string{"action": "undo"}); st != 400 {
		t.Fatalf("bad action: %d", st)
	}
	if st := sim.put("/v2/meetings/"+weekly+"/recordings/status", tok, map[string]string{"action": "recover"}); st != 204 {
		t.Fatalf("recover: %d", st)
	}
	if got := sim.meetingFiles(tok, weekly).RecordingFiles; len(got) != len(files) {
		t.Fatalf("recovered %d of %d files", len(got), len(files))
	}
	if st, hdr, _ := fetch(t, withToken(files[0].DownloadURL, tok), nil); st != 200 || hdr.Get("Content-Type") != "video/mp4" {
		t.Fatalf("download after recovery: %d %s", st, hdr.Get("Content-Type"))
	}
	waitUntil(t, "trashed and recovered", func() bool { return len(hr.events()) == 2 })
	if ev := decodeCompleted(t, hr.events()[1].body); ev.Event != WebhookRecordingRecovered || len(ev.Payload.Object.RecordingFiles) != len(files) {
		t.Fatalf("recovered event %s", hr.events()[1].body)
	}
	if st := sim.put("/v2/meetings/"+weekly+"/recordings/status", tok, map[string]string{"action": "recover"}); st != 404 {
		t.Fatalf("recover what is not in the trash: %d", st)
	}
	// One file, trashed then recovered on its own.
	if sim.del("/v2/meetings/"+weekly+"/recordings/"+files[1].ID, tok) != 204 {
		t.Fatal("trash one file")
	}
	if st := sim.put("/v2/meetings/"+weekly+"/recordings/"+files[1].ID+"/status", tok, map[string]string{"action": "recover"}); st != 204 {
		t.Fatalf("recover one file: %d", st)
	}
	if got := sim.meetingFiles(tok, weekly).RecordingFiles; len(got) != len(files) {
		t.Fatalf("after recovering one file: %d", len(got))
	}
	// Deleted for good cannot be recovered.
	if sim.del("/v2/meetings/"+weekly+"/recordings?action=delete", tok) != 204 {
		t.Fatal("delete")
	}
	if st := sim.put("/v2/meetings/"+weekly+"/recordings/status", tok, map[string]string{"action": "recover"}); st != 404 {
		t.Fatalf("recover a deleted meeting: %d", st)
	}
}
