package activities

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
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

// A 429 is retried after the provider's Retry-After; a scheduled bot is
// created at once with its join_at, a past join_at is dropped.
func TestCreateBotFollowsRetryAfterAndSendsJoinAt(t *testing.T) {
	var joinAts []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			JoinAt string `json:"join_at"`
		}
		_ = json.NewDecoder(r.Body).Decode(&body)
		joinAts = append(joinAts, body.JoinAt)
		w.Header().Set("Retry-After", "9")
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	defer srv.Close()
	a := botActivities(t, srv)
	var s testsuite.WorkflowTestSuite
	env := s.NewTestActivityEnvironment()
	env.RegisterActivity(a.CreateBot)
	at := time.Now().Add(2 * time.Hour).UTC().Truncate(time.Second)
	_, err := env.ExecuteActivity(a.CreateBot, CreateBotInput{TenantID: "t", MeetingURL: "https://zoom.us/j/1", JoinAt: at})
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) || appErr.NonRetryable() || appErr.NextRetryDelay() != 9*time.Second {
		t.Fatalf("429: %v (delay %v), want a retry after 9s", err, appErr.NextRetryDelay())
	}
	_, _ = env.ExecuteActivity(a.CreateBot, CreateBotInput{TenantID: "t", MeetingURL: "https://zoom.us/j/1", JoinAt: time.Now().Add(-time.Minute)})
	if len(joinAts) != 2 || joinAts[0] != at.Format(time.RFC3339Nano) || joinAts[1] != "" {
		t.Fatalf("join_at sent %q, want %s then none", joinAts, at.Format(time.RFC3339Nano))
	}
}
