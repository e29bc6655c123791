package zoomsim

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

const (
	oddUUID  = "/Xq3k9//Ab+cdEFgh1234w=="
	weekly   = "R2d2C3poQkItOEFfUTRuZw=="
	acctID   = "AcctTestAAAAAAAAAAAAAA"
	clientA  = "ClientTestAAAAAAAAAAAA"
	secretA  = "SecretTestAAAAAAAAAAAAAAAAAAAAAA"
	hostID   = "HostUserAAAAAAAAAAAAAA"
	hostMail = "host@acme.example"
)

func ts(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func tp(t time.Time) *time.Time { return &t }

// testScenario has one account with a host who recorded an odd-UUID meeting
// with every file type, a recurring meeting with two instances (one still
// processing), and 35 filler meetings for paging; plus a second account.
func testScenario() Scenario {
	full := []ScenarioFile{
		{FileType: "MP4", RecordingType: "shared_screen_with_speaker_view", Size: 3<<20 + 17},
		{FileType: "MP4", RecordingType: "gallery_view", Size: 2 << 20},
		{FileType: "M4A", Size: 300 << 10},
		{FileType: "CHAT", Size: 4000},
		{FileType: "TRANSCRIPT", Size: 20000},
		{FileType: "CC", Size: 21000},
		{FileType: "TIMELINE", Size: 9000},
	}
	meetings := []ScenarioMeeting{
		{UUID: oddUUID, ID: 81234567890, HostID: hostID, Topic: "Odd UUID", Type: MeetingType{N: 2},
			StartTime: ts("2026-10-05T14:00:00Z"), Duration: 42, Files: full},
		{UUID: weekly, ID: 85550001111, HostID: hostMail, Topic: "Weekly", Type: MeetingType{N: 8, AsString: true},
			StartTime: ts("2026-10-06T15:00:00Z"), Duration: 30},
		{UUID: "V2Vla2x5LW5ld2VyLTAwMQ==", ID: 85550001111, HostID: hostID, Topic: "Weekly", Type: MeetingType{N: 8, AsString: true},
			StartTime: ts("2026-10-13T15:00:00Z"), Duration: 30, ProcessingUntil: tp(ts("2030-01-01T00:00:00Z"))},
	}
	for i := range 35 {
		meetings = append(meetings, ScenarioMeeting{
			HostID: hostID, Topic: fmt.Sprintf("Filler %d", i), StartTime: ts("2026-10-10T09:00:00Z").Add(time.Duration(i) * time.Hour),
			Files: []ScenarioFile{{FileType: "MP4", Size: 1000 + int64(i)}},
		})
	}
	// Transcripts ride in recording.completed here whatever the default
	// (webhook_transcript_test.go covers late transcripts).
	return Scenario{Seed: 99, Zoom: &ScenarioZoom{LateTranscripts: ptr(false)}, Accounts: []ScenarioAccount{
		{AccountID: acctID, ClientID: clientA, ClientSecret: secretA, Users: []ScenarioUser{
			{ID: hostID, Email: hostMail, FirstName: "Hana", LastName: "Host"},
			{Email: "guest@acme.example", FirstName: "Gus", LastName: "Guest"},
		}, Meetings: meetings},
		{Users: []ScenarioUser{{FirstName: "Other"}}, Meetings: []ScenarioMeeting{
			{StartTime: ts("2026-10-07T10:00:00Z")},
		}},
	}}
}

type testSim struct {
	*Server
	ts *httptest.Server
	t  *testing.T
}

func newTestSim(t *testing.T, sc Scenario) *testSim {
	t.Helper()
	s := New(Options{Seed: 1})
	if _, err := s.LoadScenario(sc); err != nil {
		t.Fatalf("load scenario: %v", err)
	}
	h := httptest.NewServer(s.Handler())
	t.Cleanup(h.Close)
	return &testSim{Server: s, ts: h, t: t}
}

// token gets an S2S access token for account i.
func (ts *testSim) token(i int) string {
	ts.t.Helper()
	a := ts.Accounts()[i]
	req, _ := http.NewRequest("POST", ts.ts.URL+"/oauth/token?grant_type=account_credentials&account_id="+a.AccountID, nil)
	req.SetBasicAuth(a.ClientID, a.ClientSecret)
	var tr tokenResponse
	if st := ts.do(req, &tr); st != 200 {
		ts.t.Fatalf("token: status %d", st)
	}
	return tr.AccessToken
}

// get does a GET with a bearer token (if any) and decodes JSON into out.
func (ts *testSim) get(path, token string, out any) int {
	ts.t.Helper()
	req, _ := http.NewRequest("GET", ts.ts.URL+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return ts.do(req, out)
}

func (ts *testSim) post(path string, body any, out any) int {
	ts.t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", ts.ts.URL+path, strings.NewReader(string(b)))
	req.Header.Set("Content-Type", "application/json")
	return ts.do(req, out)
}

func (ts *testSim) do(req *http.Request, out any) int {
	ts.t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		ts.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			ts.t.Fatalf("%s %s: decode %q: %v", req.Method, req.URL, b, err)
		}
	}
	return resp.StatusCode
}

// fetch downloads a URL (following redirects) and returns status, headers, body.
func fetch(t *testing.T, u string, hdr map[string]string) (int, http.Header, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", u, nil)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read %s: %v", u, err)
	}
	return resp.StatusCode, resp.Header, b
}

func withToken(u, tok string) string { return u + "?access_token=" + url.QueryEscape(tok) }

// meetingFiles fetches a meeting's recordings by raw path segment.
func (ts *testSim) meetingFiles(tok, rawID string) meetingJSON {
	ts.t.Helper()
	var m meetingJSON
	if st := ts.get("/v2/meetings/"+rawID+"/recordings", tok, &m); st != 200 {
		ts.t.Fatalf("meeting %s: status %d", rawID, st)
	}
	return m
}

// doubleEscape encodes a meeting UUID for a path the way Zoom asks for UUIDs
// that begin with "/" or contain "//".
func doubleEscape(uuid string) string { return url.PathEscape(url.PathEscape(uuid)) }

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
