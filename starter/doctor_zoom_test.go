package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/meetvault/meetvault/store"
	"github.com/meetvault/meetvault/zoom"
)

// fakeZoom answers the few Zoom calls the doctor makes, in Zoom's shapes:
// per-user settings, Zoom's 4711 for a missing scope, 1001 for an unknown
// user and 401 from the token endpoint when told to.
type fakeZoom struct {
	users        []map[string]any           // GET /users
	settings     map[string]map[string]bool // user id or email → recording settings
	noScope      map[string]string          // path prefix → the scope Zoom says is missing
	refuseTokens bool
}

func (f *fakeZoom) serve(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/oauth/token" {
			if f.refuseTokens {
				w.WriteHeader(http.StatusUnauthorized)
				fmt.Fprint(w, `{"reason":"Invalid client_id or client_secret","error":"invalid_client"}`)
				return
			}
			fmt.Fprint(w, `{"access_token":"tok","token_type":"bearer","expires_in":3599,"scope":"user:read:list_users:admin"}`)
			return
		}
		for prefix, scope := range f.noScope {
			if strings.HasPrefix(r.URL.Path, prefix) {
				w.WriteHeader(http.StatusBadRequest)
				fmt.Fprintf(w, `{"code":4711,"message":"Invalid access token, does not contain scopes:[%s]."}`, scope)
				return
			}
		}
		switch parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/v2/users"), "/"); {
		case r.URL.Path == "/v2/users":
			_ = json.NewEncoder(w).Encode(map[string]any{"page_size": 300, "total_records": len(f.users), "users": f.users})
		case len(parts) == 3 && parts[2] == "settings":
			rec, ok := f.settings[parts[1]]
			if !ok {
				w.WriteHeader(http.StatusNotFound)
				fmt.Fprintf(w, `{"code":1001,"message":"User does not exist: %s."}`, parts[1])
				return
			}
			_ = json.NewEncoder(w).Encode(map[string]any{"recording": rec})
		case len(parts) == 3 && parts[2] == "recordings":
			fmt.Fprint(w, `{"from":"2026-10-01","to":"2026-10-02","page_size":1,"total_records":0,"next_page_token":"","meetings":[]}`)
		default:
			t.Errorf("unexpected call %s %s", r.Method, r.URL)
			w.WriteHeader(http.StatusNotFound)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func (f *fakeZoom) doctor(t *testing.T, recorded []store.RecordedUser) *doctorReport {
	srv := f.serve(t)
	c, err := zoom.NewClient(context.Background(), zoom.Config{APIBaseURL: srv.URL + "/v2", OAuthBaseURL: srv.URL,
		AccountID: "acct1", ClientID: "id", ClientSecret: "secret"})
	require.NoError(t, err)
	d := &zoomDoctor{tenant: store.Tenant{ID: "acme", ZoomAccountID: "acct1"}, client: c, recorded: recorded, parallel: 3,
		now: func() time.Time { return time.Date(2026, 10, 2, 12, 0, 0, 0, time.UTC) }}
	r := &doctorReport{Tenant: "acme", Problems: []problem{}}
	d.run(context.Background(), r)
	r.sortProblems()
	return r
}

func user(id, email string) map[string]any {
	return map[string]any{"id": id, "email": email, "type": 2}
}

func on(local, cloud bool) map[string]bool {
	return map[string]bool{"local_recording": local, "cloud_recording": cloud}
}

func TestDoctorZoomSettingsOfEveryUser(t *testing.T) {
	f := &fakeZoom{
		users:    []map[string]any{user("u1", "alice@acme.example"), user("u2", "bob@acme.example"), user("u3", "carmen@acme.example")},
		settings: map[string]map[string]bool{"u1": on(false, true), "u2": on(true, false), "u3": on(true, true)},
	}
	r := f.doctor(t, nil)
	require.Equal(t, []problem{
		{User: "alice@acme.example", Check: "local_recording", Problem: "local recording is off (meeting bots cannot record this host's meetings)", Fix: fixLocalRecording, Blocks: true},
		{User: "bob@acme.example", Check: "cloud_recording", Problem: "cloud recording is off (Zoom keeps no cloud recordings of this user to import)", Fix: fixCloudRecording, Blocks: true},
	}, r.Problems)
	require.True(t, r.Blocked)
	require.Equal(t, "alice@acme.example: local recording is off (meeting bots cannot record this host's meetings): "+
		"Settings › Recording › Record to computer files (the host, or an admin if it is locked at the account or group level)", r.Problems[0].line())
	require.Contains(t, r.Checks, checkResult{Check: "zoom_settings", Status: statusProblem, Detail: "3 user(s) checked: local and cloud recording"})
	require.Contains(t, r.Checks, checkResult{Check: "zoom_scopes", Status: statusOK, Detail: "recording listing and user settings readable"})
	require.Equal(t, []string{noteRecordingRequests}, r.Notes)
}

func TestDoctorZoomMissingScopesReportedOnce(t *testing.T) {
	f := &fakeZoom{
		users:    []map[string]any{user("u1", "alice@acme.example"), user("u2", "bob@acme.example")},
		settings: map[string]map[string]bool{},
		noScope: map[string]string{
			"/v2/users/u1/settings":   "user:read:settings:admin",
			"/v2/users/u2/settings":   "user:read:settings:admin",
			"/v2/users/u1/recordings": "cloud_recording:read:list_user_recordings:admin",
		},
	}
	r := f.doctor(t, nil)
	require.Len(t, r.Problems, 2, "one problem per missing scope, not per user: %+v", r.Problems)
	for _, p := range r.Problems {
		require.Equal(t, "scopes", p.Check)
		require.True(t, p.Blocks)
		require.Empty(t, p.User)
	}
	fixes := r.Problems[0].Fix + "\n" + r.Problems[1].Fix
	require.Contains(t, fixes, "add the scope(s) user:read:settings:admin to the tenant's Server-to-Server OAuth app")
	require.Contains(t, fixes, "add the scope(s) cloud_recording:read:list_user_recordings:admin")
	require.Contains(t, r.Checks, checkResult{Check: "zoom_scopes", Status: statusProblem, Detail: "recording listing and user settings readable"})
}

func TestDoctorZoomListedUsersAndUnknownOnes(t *testing.T) {
	f := &fakeZoom{settings: map[string]map[string]bool{"alice@acme.example": on(true, true)}}
	r := f.doctor(t, []store.RecordedUser{{Email: "alice@acme.example"}, {Email: "ghost@acme.example"}})
	require.Equal(t, []problem{{User: "ghost@acme.example", Check: "zoom_user", Problem: "no such user in Zoom account acct1",
		Fix: fmt.Sprintf(fixUnknownUser, "acme"), Blocks: true}}, r.Problems)
}

func TestDoctorZoomRefusedCredentials(t *testing.T) {
	r := (&fakeZoom{refuseTokens: true}).doctor(t, nil)
	require.Len(t, r.Problems, 1)
	require.Equal(t, "zoom_credentials", r.Problems[0].Check)
	require.Equal(t, fmt.Sprintf(fixCredentials, "acme"), r.Problems[0].Fix)
	require.Contains(t, r.Checks, checkResult{Check: "zoom_settings", Status: statusSkipped, Detail: "no Zoom token"})
}

func TestMissingScopesParsesZoomsMessage(t *testing.T) {
	er := &zoom.ErrorResponse{Code: 4711, Message: "Invalid access token, does not contain scopes:[a:b:admin, c:d]."}
	s, ok := missingScopes(fmt.Errorf("wrapped: %w", er))
	require.True(t, ok)
	require.Equal(t, "a:b:admin, c:d", s)
	_, ok = missingScopes(&zoom.ErrorResponse{Code: 124, Message: "Invalid access token."})
	require.False(t, ok)
	s, ok = missingScopes(&zoom.ErrorResponse{Code: 4711, Message: "Insufficient scopes."})
	require.True(t, ok)
	require.Contains(t, s, "Insufficient scopes.")
}
