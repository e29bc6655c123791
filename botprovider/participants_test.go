package botprovider

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// Participants reads the inline list when the provider fills it, else the
// participant-events download (no API key sent there); an empty inline list
// without a download is "unknown", not "nobody".
func TestParticipantsFromWhicheverSourceTheVersionOffers(t *testing.T) {
	var downloadAuth []string
	var versions []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/v1/bot/b1/":
			versions = append(versions, r.Header.Get(HeaderAPIVersion))
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"id":"b1","meeting_participants":[],"recordings":[{"id":"r1","media_shortcuts":{"participant_events":` +
				`{"id":"pe1","data":{"participants_download_url":"http://` + r.Host + `/signed/participants.json?X-Amz-Signature=s"}}}}]}`))
		case "/signed/participants.json":
			downloadAuth = append(downloadAuth, r.Header.Get("Authorization"))
			_ = json.NewEncoder(w).Encode([]map[string]any{
				{"id": 100, "name": "Host", "is_host": true, "platform": "desktop"},
				{"id": 101, "name": "Guest", "is_host": false, "platform": "web"},
			})
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	c, err := New(Config{BaseURL: srv.URL, APIKey: "secret-key", APIVersion: "2025-06-01"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	bot, err := c.GetBot(ctx, "b1")
	if err != nil {
		t.Fatal(err)
	}
	list, src, err := c.Participants(ctx, bot)
	if err != nil || src != ParticipantsDownload || len(list) != 2 || !HostPresent(list) || list[0].ID != "100" {
		t.Fatalf("download: %+v %q %v", list, src, err)
	}
	if len(versions) != 1 || versions[0] != "2025-06-01" {
		t.Fatalf("Recall-Api-Version sent as %q", versions)
	}
	if len(downloadAuth) != 1 || downloadAuth[0] != "" {
		t.Fatalf("the API key went to the download link: %q", downloadAuth)
	}

	inline := &Bot{ID: "b2", MeetingParticipants: []Participant{{ID: "1", Name: "Guest"}}}
	if list, src, err := c.Participants(ctx, inline); err != nil || src != ParticipantsInline || len(list) != 1 || HostPresent(list) {
		t.Fatalf("inline: %+v %q %v", list, src, err)
	}
	if list, src, err := c.Participants(ctx, &Bot{ID: "b3"}); err != nil || src != ParticipantsNone || list != nil {
		t.Fatalf("no source: %+v %q %v", list, src, err)
	}
	broken := &Bot{ID: "b4", Recordings: []Recording{{ID: "r", MediaShortcuts: MediaShortcuts{ParticipantEvents: &MediaShortcut{
		Data: MediaData{ParticipantsDownloadURL: srv.URL + "/gone?X-Amz-Signature=secret"}}}}}}
	_, _, err = c.Participants(ctx, broken)
	if err == nil || strings.Contains(err.Error(), "X-Amz-Signature") {
		t.Fatalf("a failed download: %v (must fail, without the signed link)", err)
	}
}
