package activities

import (
	"testing"
	"time"

	"github.com/meetvault/meetvault/store"
	"github.com/meetvault/meetvault/zoom"
)

func TestSystemDirectionFromNumberTypes(t *testing.T) {
	for _, tc := range []struct {
		caller, callee int
		user, want     string
	}{
		{1, 1, "outbound", "internal"},
		{1, 2, "outbound", "outbound"},
		{2, 1, "inbound", "inbound"},
		{0, 0, "Inbound", "inbound"}, // no number types: the recorded user's view
	} {
		got := systemDirection(zoom.PhoneRecording{CallerNumberType: tc.caller, CalleeNumberType: tc.callee, Direction: tc.user})
		if got != tc.want {
			t.Errorf("caller type %d, callee type %d, user view %s: %s, want %s", tc.caller, tc.callee, tc.user, got, tc.want)
		}
	}
}

// A phone recording becomes a conversation with one MP3 keyed by the
// recording's id, and its call metadata lands in the conversation row.
func TestMeetingFromPhoneKeepsTheCall(t *testing.T) {
	start := time.Date(2026, 11, 3, 10, 0, 0, 0, time.UTC)
	m := MeetingFromPhone(zoom.PhoneRecording{
		ID: "r1", CallID: "c1", CallerNumber: "+15550001111", CallerName: "Carol", CallerNumberType: 2,
		CalleeNumber: "101", CalleeName: "Ada", CalleeNumberType: 1, Direction: "inbound", Duration: 95,
		FileURL: "https://zoom.us/v2/phone/recording/download/k1", DateTime: start, RecordingType: "Automatic",
		Owner: zoom.PhoneOwner{Type: "user", ID: "u1", Name: "Ada", ExtensionNumber: "101"},
	})
	if m.Source != SourcePhone || m.UUID != "r1" || len(m.Files) != 1 || m.Files[0].FileID != "r1" ||
		m.Files[0].FileType != "MP3" || m.Files[0].DownloadURL == "" || m.Duration != 2 {
		t.Fatalf("meeting %+v", m)
	}
	var c store.Conversation
	applyCall(&c, m.Call)
	if c.PlatformCallID != "c1" || c.Direction != "inbound" || c.UserDirection != "inbound" || c.FromParty != "+15550001111" ||
		c.FromName != "Carol" || c.ToParty != "101" || c.ToName != "Ada" || c.Extension != "101" ||
		c.DurationSeconds == nil || *c.DurationSeconds != 95 || !c.EndTime.Equal(start.Add(95*time.Second)) || c.ConversationType != "voice" {
		t.Fatalf("conversation %+v", c)
	}
	if ListingOverlap(SourcePhone) != 24*time.Hour || ListingOverlap(SourceMeeting) != 0 {
		t.Fatal("only phone imports re-check an overlap")
	}
}
