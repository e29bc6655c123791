package zoomsim

import "testing"

// Generated webinars (types 5, 6, 9) are listed with the meetings and named
// "webinar" in the truth; the meetings stay as they were without them.
func TestGeneratedWebinarsAreWebinarsInTheTruth(t *testing.T) {
	req := GenerateRequest{Seed: 9, Users: 3, Meetings: 4, From: "2026-10-01", To: "2026-10-07"}
	plain := newTestSim(t, Scenario{Generate: &req}).Truth(false)
	req.Webinars = 5
	sim := newTestSim(t, Scenario{Generate: &req})
	tr := sim.Truth(false)
	before := map[string]bool{}
	for _, c := range plain.Conversations {
		before[c.ConversationUUID+c.StartTime] = true
	}
	count := map[string]int{}
	for _, c := range tr.Conversations {
		count[c.Source]++
		isWebinar := c.Type == 5 || c.Type == 6 || c.Type == 9
		if isWebinar != (c.Source == sourceWebinar) {
			t.Fatalf("conversation %s of type %d has source %q", c.ConversationUUID, c.Type, c.Source)
		}
		if c.Source == sourceMeeting && !before[c.ConversationUUID+c.StartTime] {
			t.Fatalf("meeting %s changed with webinars generated", c.ConversationUUID)
		}
	}
	if count[sourceWebinar] != 5 || count[sourceMeeting] != 4 {
		t.Fatalf("sources %v, want 5 webinars and 4 meetings", count)
	}
	for _, f := range tr.Files {
		if f.Source == "" {
			t.Fatalf("file %s without source", f.FileID)
		}
	}
	var list listRecordingsResponse
	sim.get("/v2/users/"+tr.Conversations[0].HostID+"/recordings?from=2026-10-01&to=2026-10-08&page_size=300", sim.token(0), &list)
	if len(list.Meetings) == 0 {
		t.Fatal("the host's listing is empty")
	}
}
