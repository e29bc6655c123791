package zoomsim

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// Status webhooks are retried on the simulated clock, Svix's schedule, for
// 24 h: nothing is retried until the clock moves, and the delivery is given
// up once the next attempt would fall beyond 24 h after the first.
func TestBotWebhookRetriesFollowTheSimulatedClockFor24h(t *testing.T) {
	t.Parallel()
	// The receiver refuses the first event (joining_call) and takes the rest.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if strings.Contains(string(body), `"bot.joining_call"`) {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(srv.Close)
	bs := newBotSim(t, botScenario(ScenarioBotProvider{WebhookURL: srv.URL}, ScenarioLiveMeeting{ID: botLiveID, JoinInternalErrors: -1}))
	bs.waitEnd(bs.create(map[string]any{"meeting_url": botJoinURL(botLiveID, botPass)}))
	atLeast := func(n int64) {
		t.Helper()
		bs.waitHooks(func(w BotWebhookStats) bool { return w.Attempts >= n })
	}
	atLeast(1)
	time.Sleep(200 * time.Millisecond)
	if w := bs.BotsState().Webhooks; w.Attempts != 1 {
		t.Fatalf("retried without the clock moving: %+v", w)
	}
	// 5 s, 5 min, 30 min, 2 h, 5 h, 10 h: the last 17 h 35 min 5 s after the
	// first. The next (+10 h) would be 27.6 h after it: given up, and the
	// bot's next webhook (fatal) goes through.
	for i, d := range []time.Duration{5 * time.Second, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour, 5 * time.Hour, 10 * time.Hour} {
		bs.AdvanceClock(d)
		atLeast(int64(i + 2))
	}
	w := bs.waitHooks(func(w BotWebhookStats) bool { return w.Sent == 1 })
	if w.Attempts != 8 || w.Failed != 1 {
		t.Fatalf("after 24 h: %+v, want 7 attempts of the first event and 1 of the second", w)
	}
}

// tokenServer serves one token per path: 200 text, or 404 for "".
func tokenServer(t *testing.T, tokens map[string]string) (*httptest.Server, *atomic.Int32) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if r.Header.Get("Authorization") != "" || r.URL.Query().Get("secret") != "s3cret" {
			http.Error(w, "want a plain GET with the query string kept", http.StatusBadRequest)
			return
		}
		tok, ok := tokens[r.URL.Path]
		if !ok || tok == "" {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write([]byte(tok + "\n"))
	}))
	t.Cleanup(srv.Close)
	return srv, &calls
}

// Meetings outside the app's account refuse a bot with neither an OBF token
// nor a ZAK (404 from both URLs is "no token") and admit one that brings
// either; junk tokens are refused; a bot in an internal meeting needs none.
func TestBotExternalMeetingNeedsOBFOrZAK(t *testing.T) {
	t.Parallel()
	external := ScenarioLiveMeeting{ID: botLiveID, External: true, HostJoinsAfterMS: 10, AnswerAfterMS: 10, EndsAfterMS: 300}
	internal := ScenarioLiveMeeting{ID: botLiveID + 1, HostJoinsAfterMS: 10, AnswerAfterMS: 10, EndsAfterMS: 300}
	bs := newBotSim(t, botScenario(ScenarioBotProvider{}, external, internal))
	obf, err := bs.MintUserToken(botHost, "onbehalf")
	if err != nil {
		t.Fatal(err)
	}
	zak, _ := bs.MintUserToken("host@bots.example", "zak")
	srv, calls := tokenServer(t, map[string]string{"/obf": obf, "/zak": zak, "/junk": "not-a-token"})
	url := func(p string) string { return srv.URL + p + "?secret=s3cret" }
	run := func(id int64, z map[string]any) BotTruth {
		t.Helper()
		return bs.waitEnd(bs.create(map[string]any{"meeting_url": botJoinURL(id, botPass), "zoom": z}))
	}

	b := run(botLiveID, map[string]any{"obf_token_url": url("/none"), "zak_url": url("/none")})
	if b.Status != botFatal || b.SubCode != subOBFTokenRequired || b.OBFTokenFetches != 1 || b.ZAKFetches != 1 {
		t.Fatalf("anonymous bot in an external meeting: %s/%s, fetches %d %d", b.Status, b.SubCode, b.OBFTokenFetches, b.ZAKFetches)
	}
	if b := run(botLiveID, nil); b.SubCode != subOBFTokenRequired {
		t.Fatalf("no token URLs: %s/%s", b.Status, b.SubCode)
	}
	b = run(botLiveID, map[string]any{"obf_token_url": url("/obf"), "zak_url": url("/none")})
	if b.Recording == nil || b.JoinedWith != "obf" || !slices.Contains(botSeq(b), "call_ended/call_ended_by_host") {
		t.Fatalf("with OBF: %v joined with %q", botSeq(b), b.JoinedWith)
	}
	b = run(botLiveID, map[string]any{"zak_url": url("/zak")})
	if b.Recording == nil || b.JoinedWith != "zak" {
		t.Fatalf("with ZAK: %v joined with %q", botSeq(b), b.JoinedWith)
	}
	// OBF tokens are single use; junk is refused.
	if b := run(botLiveID, map[string]any{"obf_token_url": url("/obf")}); b.SubCode != subInvalidOBFToken {
		t.Fatalf("reused OBF: %s/%s", b.Status, b.SubCode)
	}
	if b := run(botLiveID, map[string]any{"zak_url": url("/junk")}); b.SubCode != subInvalidZAK {
		t.Fatalf("junk ZAK: %s/%s", b.Status, b.SubCode)
	}
	if b := run(botLiveID+1, map[string]any{"obf_token_url": url("/none")}); b.Recording == nil || b.JoinedWith != "" {
		t.Fatalf("internal meeting without a token: %v", botSeq(b))
	}
	if calls.Load() != 8 {
		t.Fatalf("%d token fetches, want 8", calls.Load())
	}
}

// With OBF the bot stays joining_call until its user joins, and is removed
// (call_ended, bot_kicked_from_call) when that user leaves; a user who never
// comes makes it give up (fatal, zoom_join_timeout).
func TestBotWithOBFFollowsItsUser(t *testing.T) {
	t.Parallel()
	follows := ScenarioLiveMeeting{ID: botLiveID, External: true, OBFUserJoinsAfterMS: 400, OBFUserLeavesAfterMS: 300,
		HostJoinsAfterMS: 10, AnswerAfterMS: 10, EndsAfterMS: 60000}
	absent := ScenarioLiveMeeting{ID: botLiveID + 1, External: true, OBFUserAttends: botBoolp(false), EndsAfterMS: 60000}
	bs := newBotSim(t, botScenario(ScenarioBotProvider{}, follows, absent))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, _ := bs.MintUserToken(botHost, "onbehalf")
		_, _ = w.Write([]byte(tok))
	}))
	t.Cleanup(srv.Close)

	id := bs.create(map[string]any{"meeting_url": botJoinURL(botLiveID, botPass), "zoom": map[string]any{"obf_token_url": srv.URL}})
	time.Sleep(200 * time.Millisecond)
	if b, _ := bs.Bot(id); b.Status != botJoiningCall {
		t.Fatalf("before its user joined: %v", botSeq(b))
	}
	b := bs.waitEnd(id)
	want := []string{"joining_call", "in_call_not_recording", "recording_permission_allowed", "in_call_recording",
		"recording_done", "call_ended/bot_kicked_from_call", "done"}
	if got := botSeq(b); !slices.Equal(got, want) {
		t.Fatalf("statuses %v, want %v", got, want)
	}
	if in := b.StatusChanges[1].CreatedAt.Sub(b.StatusChanges[0].CreatedAt); in < 350*time.Millisecond {
		t.Fatalf("entered %v after joining, want after the OBF user (400 ms)", in)
	}

	id = bs.create(map[string]any{"meeting_url": botJoinURL(botLiveID+1, botPass), "zoom": map[string]any{"obf_token_url": srv.URL},
		"automatic_leave": map[string]any{"waiting_room_timeout": 0.3}})
	if b := bs.waitEnd(id); !slices.Equal(botSeq(b), []string{"joining_call", "fatal/zoom_join_timeout"}) {
		t.Fatalf("OBF user never joins: %v", botSeq(b))
	}
}

// Older API versions list participants in meeting_participants; from
// 2025-01-01 that list is empty and the recording links a participant-events
// download (JSON array of {id, name, is_host, platform}). The header
// Recall-Api-Version selects; the scenario's api_version is the default.
func TestBotParticipantsByAPIVersion(t *testing.T) {
	t.Parallel()
	bs := newBotSim(t, botScenario(ScenarioBotProvider{}, ScenarioLiveMeeting{ID: botLiveID, HostJoinsAfterMS: 10, AnswerAfterMS: 10, EndsAfterMS: 60000}))
	id := bs.create(map[string]any{"meeting_url": botJoinURL(botLiveID, botPass)})
	bs.waitStatus(id, botInCallRecording)
	get := func(version string) botAPIView {
		t.Helper()
		req, _ := http.NewRequest("GET", bs.url+"/api/v1/bot/"+id+"/", nil)
		req.Header.Set("Authorization", "Token "+botKey)
		if version != "" {
			req.Header.Set("Recall-Api-Version", version)
		}
		var v botAPIView
		if st := (&testSim{t: t}).do(req, &v); st != 200 {
			t.Fatalf("get bot: %d", st)
		}
		return v
	}
	for _, old := range []string{"", "2023-10-01", "2024-12-31"} {
		v := get(old)
		if len(v.MeetingParticipants) != 2 || !slices.ContainsFunc(v.MeetingParticipants, func(p BotParticipant) bool { return p.IsHost }) ||
			v.Recordings[0].MediaShortcuts.ParticipantEvents != nil {
			t.Fatalf("version %q: participants %+v, events %+v", old, v.MeetingParticipants, v.Recordings[0].MediaShortcuts.ParticipantEvents)
		}
	}
	v := get("2025-01-01")
	pe := v.Recordings[0].MediaShortcuts.ParticipantEvents
	if len(v.MeetingParticipants) != 0 || pe == nil || pe.Data.ParticipantsDownloadURL == nil {
		t.Fatalf("newer version: participants %+v, events %+v", v.MeetingParticipants, pe)
	}
	st, hdr, body := fetch(t, *pe.Data.ParticipantsDownloadURL, nil)
	var ps []map[string]any
	if st != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "application/json") || json.Unmarshal(body, &ps) != nil || len(ps) != 2 {
		t.Fatalf("participants download: %d %s %s", st, hdr.Get("Content-Type"), body)
	}
	for _, p := range ps {
		for _, k := range []string{"id", "name", "is_host", "platform"} {
			if _, ok := p[k]; !ok {
				t.Errorf("participant %v lacks %s", p, k)
			}
		}
	}
	if st, _, _ := fetch(t, *pe.Data.ParticipantsDownloadURL+"x", nil); st != http.StatusForbidden {
		t.Fatalf("bad token: %d", st)
	}

	// The scenario default applies without the header.
	bs2 := newBotSim(t, botScenario(ScenarioBotProvider{APIVersion: "2025-06-01"}, ScenarioLiveMeeting{ID: botLiveID, EndsAfterMS: 200}))
	var created botAPIView
	if st, _, body := bs2.api("POST", "/api/v1/bot/", map[string]any{"meeting_url": botJoinURL(botLiveID, botPass)}, &created); st != 201 || created.MeetingParticipants == nil {
		t.Fatalf("create: %d %s", st, body)
	}
	b := bs2.waitEnd(created.ID)
	var later botAPIView
	bs2.api("GET", "/api/v1/bot/"+created.ID+"/", nil, &later)
	if len(b.Participants) == 0 || len(later.MeetingParticipants) != 0 || later.Recordings[0].MediaShortcuts.ParticipantEvents == nil {
		t.Fatalf("scenario default 2025-06-01: inline %+v", later.MeetingParticipants)
	}
}

// A ZAK of the meeting's host skips the waiting room; another user's ZAK
// waits like anyone.
func TestBotWithTheHostsZAKSkipsTheWaitingRoom(t *testing.T) {
	t.Parallel()
	live := ScenarioLiveMeeting{ID: botLiveID, External: true, WaitingRoom: true, AdmitAfterMS: 200, HostJoinsAfterMS: 10, AnswerAfterMS: 10, EndsAfterMS: 300}
	bs := newBotSim(t, botScenario(ScenarioBotProvider{}, live))
	for _, c := range []struct {
		user string
		room bool
	}{{botHost, false}, {botNoLocal, true}} {
		zak, err := bs.MintUserToken(c.user, "zak")
		if err != nil {
			t.Fatal(err)
		}
		srv, _ := tokenServer(t, map[string]string{"/zak": zak})
		b := bs.waitEnd(bs.create(map[string]any{"meeting_url": botJoinURL(botLiveID, botPass), "zoom": map[string]any{"zak_url": srv.URL + "/zak?secret=s3cret"}}))
		if got := slices.Contains(botSeq(b), botInWaitingRoom); got != c.room || b.JoinedWith != "zak" || b.Recording == nil {
			t.Fatalf("ZAK of %s: %v (waiting room %v, want %v)", c.user, botSeq(b), got, c.room)
		}
	}
}
