package zoomsim

import "testing"

// A generated scenario can give its users recording settings by position,
// so the demo has a host whose local recording is off.
func TestGeneratedScenarioUserSettings(t *testing.T) {
	s := New(Options{Addr: "127.0.0.1:0", Seed: 1})
	defer s.Close()
	off := false
	_, err := s.LoadScenario(Scenario{Generate: &GenerateRequest{Seed: 3, Users: 3, Meetings: 3,
		UserSettings: []*ScenarioUserSettings{nil, {LocalRecording: &off}}}})
	if err != nil {
		t.Fatal(err)
	}
	users := s.Scenario().Accounts[0].Users
	for i, want := range []bool{true, false, true} {
		st := users[i].Settings
		if st == nil || st.LocalRecording == nil || *st.LocalRecording != want || *st.CloudRecording != true {
			t.Fatalf("user %d settings %+v, want local_recording %v", i, st, want)
		}
	}
	// The same request without settings yields the same users (ids, emails).
	s2 := New(Options{Addr: "127.0.0.1:0", Seed: 1})
	defer s2.Close()
	if _, err := s2.LoadScenario(Scenario{Generate: &GenerateRequest{Seed: 3, Users: 3, Meetings: 3}}); err != nil {
		t.Fatal(err)
	}
	if u2 := s2.Scenario().Accounts[0].Users; u2[1].ID != users[1].ID || u2[1].Email != users[1].Email {
		t.Fatalf("settings changed the generated users: %+v vs %+v", u2[1], users[1])
	}
}
