package zoomsim

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

func genRequest(seed int64) Scenario {
	return Scenario{Generate: &GenerateRequest{
		Seed: seed, Accounts: 2, Users: 4, Meetings: 120, From: "2026-10-01", To: "2026-10-31",
		MinFileBytes: 10 << 10, MaxFileBytes: 200 << 10, ProcessingFiles: 3, ParticipantAudio: true,
	}}
}

func TestGeneratorIsDeterministic(t *testing.T) {
	a, b := newTestSim(t, genRequest(42)), newTestSim(t, genRequest(42))
	b.SetClock(a.Now()) // processing deadlines are relative to the clock
	if _, err := b.LoadScenario(genRequest(42)); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a.Accounts(), b.Accounts()) {
		t.Fatal("accounts (credentials, users) differ for the same seed")
	}
	ta, tb := a.Truth(true), b.Truth(true)
	ta.Now, tb.Now = "", ""
	strip := func(t *Truth) {
		for i := range t.Files {
			t.Files[i].DownloadURL = t.Files[i].DownloadURL[strings.Index(t.Files[i].DownloadURL, "/rec/"):]
		}
	}
	strip(&ta)
	strip(&tb)
	if !reflect.DeepEqual(ta, tb) {
		t.Fatal("truth (uuids, file ids, sizes, sha256) differs for the same seed")
	}
	c := newTestSim(t, genRequest(43))
	if reflect.DeepEqual(a.Accounts(), c.Accounts()) {
		t.Fatal("a different seed gave the same accounts")
	}
}

func TestGeneratorMix(t *testing.T) {
	sim := newTestSim(t, genRequest(7))
	truth := sim.Truth(false)
	if len(truth.Conversations) != 240 {
		t.Fatalf("conversations %d", len(truth.Conversations))
	}
	perMeeting := map[string]map[string]int{}
	processing, participant := 0, 0
	for _, f := range truth.Files {
		if perMeeting[f.ConversationUUID] == nil {
			perMeeting[f.ConversationUUID] = map[string]int{}
		}
		perMeeting[f.ConversationUUID][f.FileType]++
		if f.Status == "processing" {
			processing++
		}
		if f.ParticipantAudio {
			participant++
		}
		if f.Size > 200<<10 || f.Size <= 0 {
			t.Fatalf("size %d outside bounds", f.Size)
		}
	}
	counts := map[string]int{}
	for uuid, types := range perMeeting {
		if types["MP4"] == 0 {
			t.Fatalf("meeting %s has no MP4", uuid)
		}
		for ft := range types {
			counts[ft]++
		}
		if types["MP4"] > 1 {
			counts["multi-MP4"]++
		}
		if strings.HasPrefix(uuid, "/") || strings.Contains(uuid, "//") {
			counts["odd-uuid"]++
		}
	}
	for _, k := range []string{"M4A", "CHAT", "TRANSCRIPT", "CC", "TIMELINE", "multi-MP4", "odd-uuid"} {
		if counts[k] == 0 {
			t.Errorf("no meeting with %s in %v", k, counts)
		}
	}
	if processing != 3 || participant == 0 {
		t.Fatalf("processing %d participant audio %d", processing, participant)
	}
	strType := 0
	for _, a := range sim.Scenario().Accounts {
		for _, m := range a.Meetings {
			if m.Type.AsString {
				strType++
			}
			if d := m.StartTime.Format(time.DateOnly); d < "2026-10-01" || d > "2026-10-31" {
				t.Fatalf("start %s outside the window", d)
			}
		}
	}
	if strType == 0 || strType == 240 {
		t.Fatalf("string-typed meetings: %d of 240", strType)
	}
}

func TestScenarioEndpointReloadsIdentically(t *testing.T) {
	sim := newTestSim(t, testScenario())
	var res LoadResult
	if st := sim.post("/_sim/scenario", testScenario(), &res); st != 200 {
		t.Fatalf("load: %d", st)
	}
	if len(res.Accounts) != 2 || res.Accounts[0] != acctID || res.Conversations != 39 || res.Files != 48 {
		t.Fatalf("load result %+v", res)
	}
	first := sim.Truth(true)
	var filled Scenario
	sim.get("/_sim/scenario", "", &filled)
	// Loading the filled-in form, or the same input again, changes nothing.
	for _, sc := range []Scenario{filled, testScenario()} {
		if st := sim.post("/_sim/scenario", sc, &res); st != 200 {
			t.Fatalf("reload: %d", st)
		}
		again := sim.Truth(true)
		first.Now, again.Now = "", ""
		if !reflect.DeepEqual(first, again) {
			t.Fatal("reloading the same scenario changed the truth")
		}
	}
	var e adminError
	if st := sim.post("/_sim/scenario", map[string]any{"seed": 1, "acounts": []any{}}, &e); st != 400 || e.Error == "" {
		t.Fatalf("typo in body: %d %+v", st, e)
	}
	bad := testScenario()
	bad.Accounts[0].Meetings[1].HostID = "ghost"
	if st := sim.post("/_sim/scenario", bad, &e); st != 400 || !strings.Contains(e.Error, "ghost") {
		t.Fatalf("unknown host: %d %+v", st, e)
	}
}

func TestMeetingTypeJSON(t *testing.T) {
	var m ScenarioMeeting
	for in, want := range map[string]MeetingType{`{"type":8}`: {N: 8}, `{"type":"8"}`: {N: 8, AsString: true}} {
		if err := json.Unmarshal([]byte(in), &m); err != nil || m.Type != want {
			t.Fatalf("%s: %+v %v", in, m.Type, err)
		}
		out, _ := json.Marshal(m.Type)
		if !strings.Contains(in, string(out)) {
			t.Fatalf("round trip of %s gave %s", in, out)
		}
	}
}

func TestGeneratedScenarioKeepsLiveMeetingsAndGlobalApps(t *testing.T) {
	s := New(Options{Addr: "127.0.0.1:0", Seed: 1})
	defer s.Close()
	_, err := s.LoadScenario(Scenario{
		Generate:     &GenerateRequest{Seed: 3, Users: 2, Meetings: 3, LiveMeetings: []ScenarioLiveMeeting{{ID: 86000000001, Passcode: "demo"}}},
		BotProvider:  &ScenarioBotProvider{APIKey: "k", WebhookURL: "http://127.0.0.1:8088/webhooks/bot"},
		UserOAuthApp: &ScenarioUserOAuthApp{ClientID: "app", ClientSecret: "secret"},
	})
	if err != nil {
		t.Fatal(err)
	}
	sc := s.Scenario()
	if sc.BotProvider == nil || sc.BotProvider.APIKey != "k" || sc.UserOAuthApp == nil || sc.UserOAuthApp.ClientID != "app" {
		t.Fatalf("global apps lost: %+v %+v", sc.BotProvider, sc.UserOAuthApp)
	}
	if len(sc.Accounts) != 1 || len(sc.Accounts[0].LiveMeetings) != 1 || sc.Accounts[0].LiveMeetings[0].ID != 86000000001 {
		t.Fatalf("live meetings lost: %+v", sc.Accounts)
	}
}
