package activities

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
)

// A newer API version leaves meeting_participants empty and publishes the
// host flag in the participant-events download: the host is found there.
func TestGetBotStatusReadsTheHostFromTheParticipantsDownload(t *testing.T) {
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/v1/bot/b1/":
			fmt.Fprintf(w, `{"id":"b1","status_changes":[{"code":"in_call_not_recording"}],"meeting_participants":[],
				"recordings":[{"id":"r1","media_shortcuts":{"participant_events":{"id":"pe","data":{"participants_download_url":"%s/p.json"}}}}]}`, srv.URL)
		case "/api/v1/bot/b2/":
			fmt.Fprint(w, `{"id":"b2","status_changes":[{"code":"joining_call"}],"meeting_participants":[]}`)
		case "/p.json":
			fmt.Fprint(w, `[{"id":1,"name":"Guest","is_host":false},{"id":2,"name":"Host","is_host":true,"platform":"desktop"}]`)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	a := botActivities(t, srv)
	res, err := a.GetBotStatus(context.Background(), BotStatusInput{BotID: "b1"})
	if err != nil || !res.HostPresent || res.Participants != 2 || res.ParticipantSource != "participants_download" {
		t.Fatalf("%+v %v", res, err)
	}
	res, err = a.GetBotStatus(context.Background(), BotStatusInput{BotID: "b2"})
	if err != nil || res.HostPresent || res.ParticipantSource != "" {
		t.Fatalf("no source yet: %+v %v (unknown, not absent)", res, err)
	}
}
