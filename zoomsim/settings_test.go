package zoomsim

import (
	"testing"
)

// settingsOf fetches GET /v2/users/{id}/settings as a generic map.
func (ts *testSim) uoSettingsOf(id, tok string) (int, map[string]map[string]any) {
	ts.t.Helper()
	var out map[string]map[string]any
	st := ts.get("/v2/users/"+id+"/settings", tok, &out)
	return st, out
}

func TestUserSettingsWithS2SToken(t *testing.T) {
	sim := newTestSim(t, uoScenario())
	tok := sim.token(0)
	st, s := sim.uoSettingsOf(hostID, tok)
	if st != 200 {
		t.Fatalf("status %d", st)
	}
	rec := s["recording"]
	if rec["local_recording"] != true || rec["cloud_recording"] != true || rec["record_speaker_view"] != true || rec["auto_recording"] != "none" {
		t.Fatalf("recording %v", rec)
	}
	if _, ok := rec["local_recording_requests"]; ok {
		t.Fatal("the request boxes are not in Zoom's API")
	}
	if s["schedule_meeting"]["host_video"] != false || s["schedule_meeting"]["join_before_host"] != false || s["in_meeting"]["waiting_room"] != false || s["in_meeting"]["chat"] != true {
		t.Fatalf("other sections %v %v", s["schedule_meeting"], s["in_meeting"])
	}
	// Settings from the scenario, by email; "me" is the owner for S2S.
	if st, s := sim.uoSettingsOf(uoNoRecMail, tok); st != 200 || s["recording"]["local_recording"] != false || s["recording"]["cloud_recording"] != false {
		t.Fatalf("norec: %d %v", st, s["recording"])
	}
	if st, s := sim.uoSettingsOf("me", tok); st != 200 || s["recording"]["local_recording"] != true {
		t.Fatalf("me: %d", st)
	}
	var e apiError
	if st := sim.get("/v2/users/nobody@acme.example/settings", tok, &e); st != 404 || e.Code != 1001 || e.Message != "User does not exist: nobody@acme.example." {
		t.Fatalf("unknown: %d %+v", st, e)
	}
	// Another account's S2S token does not see this account's users.
	if st := sim.get("/v2/users/"+hostID+"/settings", sim.token(1), &e); st != 404 || e.Code != 1001 {
		t.Fatalf("other account: %d %+v", st, e)
	}
	stats := sim.Stats()
	if stats.Calls["GET /v2/users/{userId}/settings"] != 5 || stats.Accounts[acctID].Labels["Medium"] != 4 {
		t.Fatalf("stats %v %v", stats.Calls, stats.Accounts[acctID].Labels)
	}
}

func TestUserSettingsWithUserToken(t *testing.T) {
	sim := newTestSim(t, uoScenario())
	nr := sim.uoUserToken(uoNoRecMail)
	for _, id := range []string{"me", uoNoRecMail} {
		if st, s := sim.uoSettingsOf(id, nr.AccessToken); st != 200 || s["recording"]["local_recording"] != false {
			t.Fatalf("%s: %d %v", id, st, s["recording"])
		}
	}
	// Another user's settings need the admin scope the user app lacks.
	var e apiError
	if st := sim.get("/v2/users/"+hostID+"/settings", nr.AccessToken, &e); st != 400 || e.Code != 4711 ||
		e.Message != "Invalid access token, does not contain scopes:[user:read:settings:admin]." {
		t.Fatalf("other user: %d %+v", st, e)
	}
}
