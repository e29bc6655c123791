package zoomsim

import (
	"encoding/json"
	"testing"
)

// FuzzScenario loads arbitrary scenario files (POST /_sim/scenario).
// Properties: no panic; a scenario that loads exports (GET /_sim/scenario)
// a scenario that loads again. Huge generated accounts are skipped: they
// are slow, not wrong.
func FuzzScenario(f *testing.F) {
	f.Add([]byte(`{"generate":{"seed":7,"accounts":1,"users":3,"meetings":12,"from":"2026-10-01","to":"2026-10-31","processing_files":2}}`))
	f.Add([]byte(`{"seed":5,"accounts":[{"users":[{"email":"host@acme.example"}],"meetings":[{"topic":"t","type":2,"start_time":"2026-10-07T15:00:00Z","duration":60,"files":[{"file_type":"MP4","size":1024}]}]}]}`))
	f.Add([]byte(`{"seed":7,"bot_provider":{"api_key":"k","webhook_secret":"whsec_AAAA"},"accounts":[{"users":[{"email":"o@a.test","settings":{"local_recording":false}}],"meetings":[],"live_meetings":[{"id":81000000001,"host_id":"o@a.test","passcode":"pw","waiting_room":true}]}]}`))
	f.Add([]byte(`{"accounts":[{"users":[],"meetings":[{"type":"8","start_time":"2026-10-07T15:00:00Z","files":[{"file_type":"CC","status":"processing"}]}]}]}`))
	f.Add([]byte(`{"generate":{"meetings":-1}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var sc Scenario
		if err := json.Unmarshal(b, &sc); err != nil {
			return
		}
		if g := sc.Generate; g != nil && (g.Accounts > 3 || g.Users > 20 || g.Meetings > 60 || len(g.LiveMeetings) > 10) {
			return
		}
		if len(sc.Accounts) > 5 {
			return
		}
		for _, a := range sc.Accounts {
			if len(a.Users) > 50 || len(a.Meetings) > 60 || len(a.LiveMeetings) > 10 {
				return
			}
		}
		s := New(Options{Addr: "127.0.0.1:0", Seed: 1})
		defer s.Close()
		if _, err := s.LoadScenario(sc); err != nil {
			return
		}
		exported, err := json.Marshal(s.Scenario())
		if err != nil {
			t.Fatalf("a loaded scenario does not export: %v", err)
		}
		var again Scenario
		if err := json.Unmarshal(exported, &again); err != nil {
			t.Fatalf("the exported scenario does not decode: %v\n%s", err, exported)
		}
		s2 := New(Options{Addr: "127.0.0.1:0", Seed: 1})
		defer s2.Close()
		if _, err := s2.LoadScenario(again); err != nil {
			t.Fatalf("the exported scenario does not load again: %v\ninput %s\nexported %s", err, b, exported)
		}
	})
}
