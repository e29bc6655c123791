package zoomsim

import (
	"fmt"
	"testing"
	"time"
)

func TestGetLiveMeeting(t *testing.T) {
	sim := newTestSim(t, uoScenario())
	tok := sim.token(0)
	var m meetingDetailJSON
	if st := sim.get(fmt.Sprint("/v2/meetings/", uoLiveID), tok, &m); st != 200 {
		t.Fatalf("status %d", st)
	}
	if m.ID != uoLiveID || m.UUID == "" || m.HostID != hostID || m.HostEmail != hostMail || m.Type != 2 || m.Status != "started" ||
		m.Topic != "Live standup" || m.Password != "pass123" || m.JoinURL != fmt.Sprintf("https://zoom.us/j/%d?pwd=pass123", uoLiveID) ||
		!m.Settings.WaitingRoom || m.Timezone == "" || m.Duration == 0 {
		t.Fatalf("meeting %+v", m)
	}
	start, err := time.Parse(time.RFC3339, m.StartTime)
	if err != nil || start.After(sim.Now()) {
		t.Fatalf("start_time %q: %v", m.StartTime, err)
	}
	if _, err := time.Parse(time.RFC3339, m.CreatedAt); err != nil {
		t.Fatalf("created_at %q", m.CreatedAt)
	}
	// start_time stays put.
	sim.AdvanceClock(10 * time.Minute)
	var again meetingDetailJSON
	sim.get(fmt.Sprint("/v2/meetings/", uoLiveID), tok, &again)
	if again.StartTime != m.StartTime {
		t.Fatalf("start_time moved: %s → %s", m.StartTime, again.StartTime)
	}
	// The host's user token sees it; another user's token does not.
	host := sim.uoUserToken(hostMail)
	if st := sim.get(fmt.Sprint("/v2/meetings/", uoLiveID), host.AccessToken, &m); st != 200 || m.HostID != hostID {
		t.Fatalf("host token: %d", st)
	}
	guest := sim.uoUserToken(uoGuestMail)
	var e apiError
	if st := sim.get(fmt.Sprint("/v2/meetings/", uoLiveID), guest.AccessToken, &e); st != 404 || e.Code != 3001 {
		t.Fatalf("guest token: %d %+v", st, e)
	}
	stats := sim.Stats()
	if stats.Calls["GET /v2/meetings/{meetingId}"] != 4 || stats.Accounts[acctID].Labels["Light"] != 4 {
		t.Fatalf("stats %v", stats.Calls)
	}
}

func TestGetMeetingNotFound(t *testing.T) {
	sim := newTestSim(t, uoScenario())
	tok := sim.token(0)
	for _, id := range []string{"12345", fmt.Sprint(uoOtherLiveID), "abc"} {
		var e apiError
		if st := sim.get("/v2/meetings/"+id, tok, &e); st != 404 || e.Code != 3001 || e.Message != "Meeting does not exist: "+id+"." {
			t.Fatalf("%s: %d %+v", id, st, e)
		}
	}
	// The other account sees its own live meeting.
	var m meetingDetailJSON
	if st := sim.get(fmt.Sprint("/v2/meetings/", uoOtherLiveID), sim.token(1), &m); st != 200 || m.Status != "started" {
		t.Fatalf("other account: %d %+v", st, m)
	}
}

func TestGetRecordedMeeting(t *testing.T) {
	sim := newTestSim(t, uoScenario())
	var m meetingDetailJSON
	if st := sim.get("/v2/meetings/85550001111", sim.token(0), &m); st != 200 {
		t.Fatalf("status %d", st)
	}
	// The latest instance of the recurring meeting, not running.
	if m.Status != "waiting" || m.UUID != "V2Vla2x5LW5ld2VyLTAwMQ==" || m.Type != 8 || m.HostID != hostID || m.StartTime != "2026-10-13T15:00:00Z" || m.JoinURL == "" {
		t.Fatalf("meeting %+v", m)
	}
}
