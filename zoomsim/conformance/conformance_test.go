// Package conformance drives the Zoom simulator with Zoom's official Node SDK,
// @zoom/rivet, so the simulator's paths, auth and field names are checked
// against a client Zoom wrote rather than against our own assumptions.
package conformance

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/meetvault/meetvault/zoomsim"
)

const oddUUID = "/pQ9x//Zt4Kq2mWc8Rr1Ng=="

func scenario() zoomsim.Scenario {
	start := time.Date(2026, 10, 5, 14, 0, 0, 0, time.UTC)
	every := []zoomsim.ScenarioFile{
		{FileType: "MP4", RecordingType: "shared_screen_with_speaker_view", Size: 1<<20 + 123},
		{FileType: "MP4", RecordingType: "gallery_view", Size: 700 << 10},
		{FileType: "M4A", Size: 90 << 10},
		{FileType: "CHAT", Size: 2000},
		{FileType: "TRANSCRIPT", Size: 9000},
		{FileType: "CC", Size: 9100},
		{FileType: "TIMELINE", Size: 4000},
	}
	return zoomsim.Scenario{Seed: 2026, Accounts: []zoomsim.ScenarioAccount{{
		Users: []zoomsim.ScenarioUser{
			{Email: "hana.host@acme.example", FirstName: "Hana", LastName: "Host"},
			{Email: "gus.guest@acme.example", FirstName: "Gus", LastName: "Guest"},
			{Email: "ida.intern@acme.example", FirstName: "Ida", LastName: "Intern", Type: 1},
		},
		Meetings: []zoomsim.ScenarioMeeting{
			{UUID: oddUUID, Topic: "Odd UUID review", StartTime: start, Duration: 41, Files: every},
			{Topic: "Weekly", Type: zoomsim.MeetingType{N: 8, AsString: true}, StartTime: start.AddDate(0, 0, 2)},
			{Topic: "Instant", Type: zoomsim.MeetingType{N: 1}, StartTime: start.AddDate(0, 0, 9)},
		},
	}}}
}

// expectation is what check.mjs compares against (ZOOMSIM_EXPECT).
type expectation struct {
	AccountID      string   `json:"account_id"`
	ClientID       string   `json:"client_id"`
	ClientSecret   string   `json:"client_secret"`
	UserEmails     []string `json:"user_emails"`
	HostID         string   `json:"host_id"`
	HostEmail      string   `json:"host_email"`
	From           string   `json:"from"`
	To             string   `json:"to"`
	MeetingCount   int      `json:"meeting_count"`
	OddUUID        string   `json:"odd_uuid"`
	DownloadFileID string   `json:"download_file_id"`
	DownloadSHA256 string   `json:"download_sha256"`
}

func TestRivetConformance(t *testing.T) {
	if os.Getenv("MEETVAULT_SKIP_NODE") == "1" {
		t.Skip("MEETVAULT_SKIP_NODE=1: skipping the @zoom/rivet conformance test")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("node not found in PATH: the @zoom/rivet conformance test needs Node.js 18 or later " +
			"(e.g. apt-get install nodejs npm); set MEETVAULT_SKIP_NODE=1 to skip it")
	}
	dir, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	installRivet(t, dir)

	sim := zoomsim.New(zoomsim.Options{Addr: "127.0.0.1:0"})
	if _, err := sim.LoadScenario(scenario()); err != nil {
		t.Fatal(err)
	}
	base, err := sim.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sim.Close() })

	exp := buildExpectation(t, sim)
	want, _ := json.Marshal(exp)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "check.mjs")
	cmd.Dir = dir
	cmd.Env = append(localOnlyEnv(), "ZOOMSIM_URL="+base, "ZOOMSIM_EXPECT="+string(want))
	out, err := cmd.CombinedOutput()
	t.Logf("check.mjs output:\n%s", out)
	if err != nil {
		t.Fatalf("rivet conformance failed: %v", err)
	}

	// The SDK's calls really reached the simulator.
	st := sim.Stats()
	for _, route := range []string{"POST /oauth/token", "GET /v2/users", "GET /v2/users/{userId}",
		"GET /v2/users/{userId}/recordings", "GET /v2/meetings/{meetingId}/recordings", "GET /rec/download/{opaque}"} {
		if st.Calls[route] == 0 {
			t.Errorf("no %s call reached the simulator", route)
		}
	}
}

func buildExpectation(t *testing.T, sim *zoomsim.Server) expectation {
	t.Helper()
	acct := sim.Accounts()[0]
	exp := expectation{
		AccountID: acct.AccountID, ClientID: acct.ClientID, ClientSecret: acct.ClientSecret,
		HostID: acct.Users[0].ID, HostEmail: acct.Users[0].Email,
		From: "2026-10-01", To: "2026-10-31", OddUUID: oddUUID,
	}
	for _, u := range acct.Users {
		exp.UserEmails = append(exp.UserEmails, u.Email)
	}
	truth := sim.Truth(true)
	exp.MeetingCount = len(truth.Conversations)
	for _, f := range truth.Files {
		if f.ConversationUUID == oddUUID && f.FileType == "MP4" && f.RecordingType == "shared_screen_with_speaker_view" {
			exp.DownloadFileID, exp.DownloadSHA256 = f.FileID, f.SHA256
		}
	}
	if exp.DownloadFileID == "" {
		t.Fatal("scenario lacks the MP4 to download")
	}
	return exp
}

// installRivet runs `npm ci` when node_modules lacks @zoom/rivet.
func installRivet(t *testing.T, dir string) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "@zoom", "rivet", "package.json")); err == nil {
		return
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		t.Fatal("npm not found in PATH: needed once to install @zoom/rivet into zoomsim/conformance/node_modules " +
			"(or run `npm ci` there yourself); set MEETVAULT_SKIP_NODE=1 to skip this test")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, npm, "ci", "--no-audit", "--no-fund")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("npm ci in %s: %v\n%s", dir, err, out)
	}
}

// localOnlyEnv is the environment without proxy settings, so Node talks to
// the simulator on 127.0.0.1 directly.
func localOnlyEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasSuffix(strings.ToLower(name), "_proxy") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "NO_PROXY=127.0.0.1,localhost", "no_proxy=127.0.0.1,localhost")
}
