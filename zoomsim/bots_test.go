package zoomsim

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

const botLiveID = int64(81234500001)

// TestBotLifecycle runs one bot per scenario branch and checks its whole
// status sequence, its participants and whether it recorded.
func TestBotLifecycle(t *testing.T) {
	t.Parallel()
	const (
		nobody    = iota // not in the call
		guestOnly        // the guest
		host             // guest + host with is_host
		elsewhere        // guest + host without is_host
	)
	quick := map[string]any{"recording_permission_denied_timeout": 0.2, "in_call_not_recording_timeout": 0.3}
	recorded := []string{"joining_call", "in_call_not_recording", "recording_permission_allowed", "in_call_recording",
		"recording_done", "call_ended/call_ended_by_host", "done"}
	deniedThen := func(sub string) []string {
		return []string{"joining_call", "in_call_not_recording", "recording_permission_denied/" + sub,
			"call_ended/timeout_exceeded_recording_permission_denied", "done"}
	}
	notRecording := []string{"joining_call", "in_call_not_recording", "call_ended/timeout_exceeded_in_call_not_recording", "done"}
	cases := []struct {
		name         string
		live         ScenarioLiveMeeting
		leave        map[string]any
		url          string
		want         []string
		participants int
		recording    bool
	}{
		{name: "host allows", live: ScenarioLiveMeeting{HostJoinsAfterMS: 50, AnswerAfterMS: 50, EndsAfterMS: 700},
			want: recorded, participants: host, recording: true},
		{name: "host denies", live: ScenarioLiveMeeting{HostAnswer: "deny", AnswerAfterMS: 30, EndsAfterMS: 20000}, leave: quick,
			want: deniedThen("zoom_local_recording_request_denied_by_host"), participants: host},
		{name: "local recording off", live: ScenarioLiveMeeting{HostID: botNoLocal, EndsAfterMS: 20000}, leave: quick,
			want: deniedThen("zoom_local_recording_disabled"), participants: host},
		{name: "recording requests off", live: ScenarioLiveMeeting{HostID: botNoRequests, EndsAfterMS: 20000}, leave: quick,
			want: deniedThen("zoom_local_recording_request_disabled"), participants: host},
		{name: "requests disabled in meeting", live: ScenarioLiveMeeting{RequestsDisabledInMeeting: true, EndsAfterMS: 20000}, leave: quick,
			want: deniedThen("zoom_local_recording_request_disabled_by_host"), participants: host},
		{name: "denied then meeting ends", live: ScenarioLiveMeeting{HostAnswer: "deny", EndsAfterMS: 400},
			want: []string{"joining_call", "in_call_not_recording", "recording_permission_denied/zoom_local_recording_request_denied_by_host",
				"call_ended/call_ended_by_host", "done"}, participants: host},
		{name: "host absent", live: ScenarioLiveMeeting{HostAttends: botBoolp(false), EndsAfterMS: 20000}, leave: quick,
			want: notRecording, participants: guestOnly},
		{name: "host signed in elsewhere", live: ScenarioLiveMeeting{HostSignedInElsewhere: true, EndsAfterMS: 20000}, leave: quick,
			want: notRecording, participants: elsewhere},
		{name: "host ignores the request", live: ScenarioLiveMeeting{HostAnswer: "ignore", EndsAfterMS: 20000}, leave: quick,
			want: notRecording, participants: host},
		{name: "meeting ends before consent", live: ScenarioLiveMeeting{HostAttends: botBoolp(false), EndsAfterMS: 300},
			want: []string{"joining_call", "in_call_not_recording", "call_ended/call_ended_by_host", "done"}, participants: guestOnly},
		{name: "waiting room admitted", live: ScenarioLiveMeeting{WaitingRoom: true, AdmitAfterMS: 100, EndsAfterMS: 500},
			want: slices.Insert(slices.Clone(recorded), 1, "in_waiting_room"), participants: host, recording: true},
		{name: "waiting room never admitted", live: ScenarioLiveMeeting{WaitingRoom: true}, leave: map[string]any{"waiting_room_timeout": 0.2},
			want: []string{"joining_call", "in_waiting_room", "call_ended/timeout_exceeded_waiting_room", "done"}},
		{name: "waiting room admits too late", live: ScenarioLiveMeeting{WaitingRoom: true, AdmitAfterMS: 5000}, leave: map[string]any{"waiting_room_timeout": 0.2},
			want: []string{"joining_call", "in_waiting_room", "call_ended/timeout_exceeded_waiting_room", "done"}},
		{name: "zoom internal error always", live: ScenarioLiveMeeting{JoinInternalErrors: -1},
			want: []string{"joining_call", "fatal/zoom_internal_error"}},
		{name: "unknown meeting", url: botJoinURL(89999999999, botPass),
			want: []string{"joining_call", "fatal/meeting_not_found"}},
		{name: "wrong passcode", url: botJoinURL(botLiveID, "nope"),
			want: []string{"joining_call", "fatal/meeting_password_incorrect"}},
		{name: "web client url", url: "https://zoom.us/wc/join/" + "81234500001" + "?pwd=" + botPass, live: ScenarioLiveMeeting{EndsAfterMS: 300},
			want: recorded, participants: host, recording: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.live.ID = botLiveID
			bs := newBotSim(t, botScenario(ScenarioBotProvider{}, tc.live))
			req := map[string]any{"meeting_url": botJoinURL(botLiveID, botPass), "bot_name": "Archiver", "metadata": map[string]string{"case": tc.name}}
			if tc.url != "" {
				req["meeting_url"] = tc.url
			}
			if tc.leave != nil {
				req["automatic_leave"] = tc.leave
			}
			id := bs.create(req)
			b := bs.waitEnd(id)
			if got := botSeq(b); !slices.Equal(got, tc.want) {
				t.Fatalf("statuses\n got %v\nwant %v", got, tc.want)
			}
			for i, s := range b.StatusChanges {
				if s.Message == "" {
					t.Errorf("status %d (%s) has no message", i, s.Code)
				}
				if i > 0 && s.CreatedAt.Before(b.StatusChanges[i-1].CreatedAt) {
					t.Errorf("status %d goes back in time", i)
				}
			}
			guest := BotParticipant{ID: 16778240, Name: "Guest", Platform: "desktop"}
			wantP := []BotParticipant{}
			switch tc.participants {
			case guestOnly:
				wantP = append(wantP, guest)
			case host, elsewhere:
				name := map[string]string{"": "Hana Host", botNoLocal: "Nora Nolocal", botNoRequests: "Rex Norequest"}[tc.live.HostID]
				wantP = append(wantP, guest, BotParticipant{ID: 16779264, Name: name, IsHost: tc.participants == host, Platform: "desktop"})
			}
			if !slices.Equal(b.Participants, wantP) {
				t.Errorf("participants %+v, want %+v", b.Participants, wantP)
			}
			if (b.Recording != nil) != tc.recording {
				t.Fatalf("recording %+v, want recorded=%v", b.Recording, tc.recording)
			}
			if tc.recording && (b.Recording.Status != "done" || b.Recording.SHA256 == "" || b.Recording.Size < 64<<10) {
				t.Errorf("recording %+v not processed", b.Recording)
			}
			if b.Metadata["case"] != tc.name || b.BotName != "Archiver" || b.MeetingID == 0 {
				t.Errorf("truth %+v lost the request's fields", b)
			}
		})
	}
}

// TestBotInternalErrorTransient: the first join attempt of the meeting fails
// with zoom_internal_error, the next bot gets in.
func TestBotInternalErrorTransient(t *testing.T) {
	t.Parallel()
	bs := newBotSim(t, botScenario(ScenarioBotProvider{}, ScenarioLiveMeeting{ID: botLiveID, JoinInternalErrors: 1, EndsAfterMS: 300}))
	req := map[string]any{"meeting_url": botJoinURL(botLiveID, botPass)}
	first := bs.waitEnd(bs.create(req))
	if got := botSeq(first); !slices.Equal(got, []string{"joining_call", "fatal/zoom_internal_error"}) {
		t.Fatalf("first bot: %v", got)
	}
	second := bs.waitEnd(bs.create(req))
	if second.Status != botDone || second.Recording == nil {
		t.Fatalf("second bot: %v", botSeq(second))
	}
}

// TestBotPoolExhausted: the first ad-hoc creations (and bots due within 10
// minutes) answer 507 with Recall's advice, retry in 30 s (body and
// Retry-After); scheduled bots more than 10 minutes ahead never do; then
// creation succeeds.
func TestBotPoolExhausted(t *testing.T) {
	t.Parallel()
	bs := newBotSim(t, botScenario(ScenarioBotProvider{PoolExhausted: 2}, ScenarioLiveMeeting{ID: botLiveID}))
	req := map[string]any{"meeting_url": botJoinURL(botLiveID, botPass)}
	for _, ahead := range []time.Duration{11 * time.Minute, time.Hour} {
		scheduled := map[string]any{"meeting_url": botJoinURL(botLiveID, botPass), "join_at": time.Now().Add(ahead).Format(time.RFC3339)}
		if st, _, body := bs.api("POST", "/api/v1/bot/", scheduled, nil); st != http.StatusCreated {
			t.Fatalf("bot scheduled %v ahead: %d %s", ahead, st, body)
		}
	}
	soon := map[string]any{"meeting_url": botJoinURL(botLiveID, botPass), "join_at": time.Now().Add(9 * time.Minute).Format(time.RFC3339)}
	for i, body := range []map[string]any{soon, req} {
		var d botDetail
		st, h, raw := bs.api("POST", "/api/v1/bot/", body, &d)
		if st != http.StatusInsufficientStorage || h.Get("Retry-After") != "30" || !strings.Contains(d.Detail, "retry in 30 seconds") {
			t.Fatalf("attempt %d: %d Retry-After %q %s", i, st, h.Get("Retry-After"), raw)
		}
		if left := bs.BotsState().PoolExhaustedLeft; left != 1-i {
			t.Fatalf("pool_exhausted_left %d after %d", left, i+1)
		}
	}
	bs.create(req)
	if n := len(bs.Bots()); n != 3 {
		t.Fatalf("%d bots, want 3 (507s create none)", n)
	}
	// Tests may shorten the advice.
	short := newBotSim(t, botScenario(ScenarioBotProvider{PoolExhausted: 1, PoolRetryAfterSeconds: 1}, ScenarioLiveMeeting{ID: botLiveID}))
	if st, h, raw := short.api("POST", "/api/v1/bot/", req, nil); st != http.StatusInsufficientStorage || h.Get("Retry-After") != "1" || !strings.Contains(string(raw), "retry in 1 seconds") {
		t.Fatalf("shortened: %d %q %s", st, h.Get("Retry-After"), raw)
	}
}

// TestBotLeaveCall: leave_call stops the recording and ends the bot.
func TestBotLeaveCall(t *testing.T) {
	t.Parallel()
	bs := newBotSim(t, botScenario(ScenarioBotProvider{}, ScenarioLiveMeeting{ID: botLiveID, EndsAfterMS: 60000, BytesPerSecond: 1000}))
	id := bs.create(map[string]any{"meeting_url": botJoinURL(botLiveID, botPass)})
	bs.waitStatus(id, botInCallRecording)
	if st, _, body := bs.api("POST", "/api/v1/bot/"+id+"/leave_call/", nil, nil); st != http.StatusOK {
		t.Fatalf("leave_call: %d %s", st, body)
	}
	b := bs.waitEnd(id)
	want := []string{"joining_call", "in_call_not_recording", "recording_permission_allowed", "in_call_recording",
		"recording_done", "call_ended/bot_received_leave_call", "done"}
	if got := botSeq(b); !slices.Equal(got, want) {
		t.Fatalf("statuses %v, want %v", got, want)
	}
	if !b.LeftByAPI || b.Recording == nil || b.Recording.Size < 1000 {
		t.Fatalf("truth %+v", b)
	}
	var d botDetail
	if st, _, _ := bs.api("POST", "/api/v1/bot/"+id+"/leave_call/", nil, &d); st != http.StatusBadRequest || d.Detail == "" {
		t.Fatalf("second leave_call: %d %+v", st, d)
	}
}

// TestBotLeaveBeforeJoining: a scheduled bot removed before join_at never
// joins.
func TestBotLeaveBeforeJoining(t *testing.T) {
	t.Parallel()
	bs := newBotSim(t, botScenario(ScenarioBotProvider{}, ScenarioLiveMeeting{ID: botLiveID}))
	var created struct {
		StatusChanges []json.RawMessage `json:"status_changes"`
		JoinAt        *string           `json:"join_at"`
	}
	joinAt := time.Now().Add(time.Hour).UTC()
	st, _, body := bs.api("POST", "/api/v1/bot/", map[string]any{"meeting_url": botJoinURL(botLiveID, botPass), "join_at": joinAt.Format(time.RFC3339Nano)}, &created)
	if st != http.StatusCreated || len(created.StatusChanges) != 0 || created.JoinAt == nil {
		t.Fatalf("create: %d %s", st, body)
	}
	id := bs.Bots()[0].BotID
	if st, _, body := bs.api("POST", "/api/v1/bot/"+id+"/leave_call/", nil, nil); st != http.StatusOK {
		t.Fatalf("leave_call: %d %s", st, body)
	}
	b := bs.waitEnd(id)
	if got := botSeq(b); !slices.Equal(got, []string{"call_ended/bot_received_leave_call", "done"}) {
		t.Fatalf("statuses %v", got)
	}
}

// TestBotScheduledJoin: a bot with join_at in the near future has no status
// until then.
func TestBotScheduledJoin(t *testing.T) {
	t.Parallel()
	bs := newBotSim(t, botScenario(ScenarioBotProvider{}, ScenarioLiveMeeting{ID: botLiveID, EndsAfterMS: 200}))
	joinAt := time.Now().Add(400 * time.Millisecond)
	id := bs.create(map[string]any{"meeting_url": botJoinURL(botLiveID, botPass), "join_at": joinAt.Format(time.RFC3339Nano)})
	if b, _ := bs.Bot(id); len(b.StatusChanges) != 0 && b.StatusChanges[0].CreatedAt.Before(joinAt) {
		t.Fatalf("statuses before join_at: %v", botSeq(b))
	}
	b := bs.waitEnd(id)
	if b.Status != botDone || b.StatusChanges[0].Code != botJoiningCall || b.StatusChanges[0].CreatedAt.Before(joinAt.Truncate(time.Microsecond)) {
		t.Fatalf("statuses %v, first at %v, join_at %v", botSeq(b), b.StatusChanges[0].CreatedAt, joinAt)
	}
}

// TestBotChat: chat messages are accepted only while the bot is in the call.
func TestBotChat(t *testing.T) {
	t.Parallel()
	bs := newBotSim(t, botScenario(ScenarioBotProvider{}, ScenarioLiveMeeting{ID: botLiveID, HostAnswer: "ignore", EndsAfterMS: 60000}))
	id := bs.create(map[string]any{"meeting_url": botJoinURL(botLiveID, botPass)})
	chat := func(body any) (int, []byte) {
		st, _, b := bs.api("POST", "/api/v1/bot/"+id+"/send_chat_message/", body, nil)
		return st, b
	}
	bs.wait(id, "the host in the call", func(b BotTruth) bool { return len(b.Participants) == 2 })
	for _, body := range []any{
		map[string]any{"to": "host", "message": "Please allow recording: https://example.com/fix"},
		map[string]any{"message": "hello everyone"},
		map[string]any{"to": "16778240", "message": "hi guest"},
		map[string]any{"to": 16779264, "message": "hi host"},
	} {
		if st, b := chat(body); st != http.StatusOK {
			t.Fatalf("chat %v: %d %s", body, st, b)
		}
	}
	for _, body := range []any{
		map[string]any{"to": "nobody", "message": "x"},
		map[string]any{"to": "host", "message": "  "},
		map[string]any{"to": "host"},
		"not json",
	} {
		if st, b := chat(body); st != http.StatusBadRequest {
			t.Fatalf("chat %v: %d %s, want 400", body, st, b)
		}
	}
	bs.api("POST", "/api/v1/bot/"+id+"/leave_call/", nil, nil)
	bs.waitEnd(id)
	if st, b := chat(map[string]any{"message": "too late"}); st != http.StatusBadRequest {
		t.Fatalf("chat after leaving: %d %s", st, b)
	}
	b, _ := bs.Bot(id)
	var got []string
	for _, m := range b.ChatMessages {
		if m.At.IsZero() {
			t.Errorf("message %q has no time", m.Message)
		}
		got = append(got, m.To+":"+m.Message)
	}
	want := []string{"host:Please allow recording: https://example.com/fix", "everyone:hello everyone", "16778240:hi guest", "16779264:hi host"}
	if !slices.Equal(got, want) {
		t.Fatalf("chat messages %v, want %v", got, want)
	}
}

// TestBotMediaDownload: the recording's download_url serves deterministic
// bytes whose size and SHA-256 match the truth, with Range and HEAD.
func TestBotMediaDownload(t *testing.T) {
	t.Parallel()
	const bps = 10000
	bs := newBotSim(t, botScenario(ScenarioBotProvider{}, ScenarioLiveMeeting{ID: botLiveID, EndsAfterMS: 1500, BytesPerSecond: bps}))
	id := bs.create(map[string]any{"meeting_url": botJoinURL(botLiveID, botPass)})
	b := bs.waitEnd(id)
	if b.Recording == nil || b.Recording.Size != 1500*bps/1000 {
		t.Fatalf("recording %+v, want size %d (1.5 s recorded)", b.Recording, 1500*bps/1000)
	}
	var view botAPIView
	if st, _, body := bs.api("GET", "/api/v1/bot/"+id+"/", nil, &view); st != http.StatusOK {
		t.Fatalf("get: %d %s", st, body)
	}
	rec := view.Recordings[0]
	vm := rec.MediaShortcuts.VideoMixed
	if rec.Status.Code != "done" || vm == nil || vm.Format != "mp4" || vm.Data.DownloadURL == nil || rec.CompletedAt == nil {
		t.Fatalf("recording view %+v", rec)
	}
	u := *vm.Data.DownloadURL
	if !strings.HasPrefix(u, bs.url+"/rec/bot/"+rec.ID+".mp4?token=") || !strings.HasSuffix(u, b.Recording.DownloadPath) {
		t.Fatalf("download_url %q, truth path %q", u, b.Recording.DownloadPath)
	}
	st, h, body := fetch(t, u, nil)
	sum := sha256.Sum256(body)
	if st != 200 || int64(len(body)) != b.Recording.Size || hex.EncodeToString(sum[:]) != b.Recording.SHA256 || h.Get("Content-Type") != "video/mp4" {
		t.Fatalf("download: %d, %d bytes (want %d), sha %x (want %s)", st, len(body), b.Recording.Size, sum, b.Recording.SHA256)
	}
	if string(body[4:8]) != "ftyp" {
		t.Errorf("not an MP4: % x", body[:12])
	}
	// Deterministic from (seed, bot id): the generator reproduces the bytes.
	c := newContent(contentKey{seed: 42, fileID: "bot-" + id, fileType: "MP4", ext: "MP4", size: b.Recording.Size})
	again := make([]byte, c.Size())
	_, _ = c.ReadAt(again, 0)
	if string(again) != string(body) {
		t.Errorf("bytes are not the generator's")
	}
	st, h, part := fetch(t, u, map[string]string{"Range": "bytes=100-199"})
	if st != http.StatusPartialContent || string(part) != string(body[100:200]) || h.Get("Content-Range") != "bytes 100-199/15000" {
		t.Fatalf("range: %d %q %d bytes", st, h.Get("Content-Range"), len(part))
	}
	req, _ := http.NewRequest("HEAD", u, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.ContentLength != b.Recording.Size || resp.Header.Get("Accept-Ranges") != "bytes" {
		t.Fatalf("HEAD: %d length %d", resp.StatusCode, resp.ContentLength)
	}
	if st, _, _ := fetch(t, strings.Replace(u, "token=", "token=x", 1), nil); st != http.StatusForbidden {
		t.Fatalf("bad token: %d, want 403", st)
	}
	// Download faults apply, keyed by the recording id.
	bs.UpdateFaults(FaultsPatch{FailFirstDownloads: map[string]int{rec.ID: 1}})
	if st, _, _ := fetch(t, u, nil); st != http.StatusServiceUnavailable {
		t.Fatalf("fail_first_downloads: %d, want 503", st)
	}
	if st, _, again := fetch(t, u, nil); st != 200 || len(again) != len(body) {
		t.Fatalf("after the fault: %d", st)
	}
}

// TestBotWebhooks: every status change arrives, in order, signed with the
// scenario's secret (verified here with independent code), in both header
// styles.
func TestBotWebhooks(t *testing.T) {
	t.Parallel()
	for _, style := range []string{"webhook", "svix"} {
		t.Run(style, func(t *testing.T) {
			t.Parallel()
			hr := newBotHookReceiver(t, nil)
			bs := newBotSim(t, botScenario(ScenarioBotProvider{WebhookURL: hr.srv.URL + "/recall", WebhookHeaders: style},
				ScenarioLiveMeeting{ID: botLiveID, EndsAfterMS: 300}))
			id := bs.create(map[string]any{"meeting_url": botJoinURL(botLiveID, botPass), "metadata": map[string]string{"tenant": "acme", "meeting": "m1"}})
			b := bs.waitEnd(id)
			got := hr.waitCount(t, len(b.StatusChanges))
			other := map[string]string{"webhook": "svix", "svix": "webhook"}[style]
			ids := map[string]bool{}
			for i, req := range got {
				if why, ok := botVerifySignature(botSecret, style, req.header, req.body, time.Now()); !ok {
					t.Fatalf("webhook %d: %s", i, why)
				}
				if req.header.Get(other+"-id") != "" {
					t.Errorf("webhook %d carries %s-* headers too", i, other)
				}
				if id := req.header.Get(style + "-id"); !strings.HasPrefix(id, "msg_") || ids[id] {
					t.Errorf("webhook %d: id %q", i, id)
				} else {
					ids[id] = true
				}
				var ev struct {
					Event string `json:"event"`
					Data  struct {
						Data struct {
							Code      string  `json:"code"`
							SubCode   *string `json:"sub_code"`
							UpdatedAt string  `json:"updated_at"`
						} `json:"data"`
						Bot struct {
							ID       string            `json:"id"`
							Metadata map[string]string `json:"metadata"`
						} `json:"bot"`
					} `json:"data"`
				}
				if err := json.Unmarshal(req.body, &ev); err != nil {
					t.Fatal(err)
				}
				want := b.StatusChanges[i]
				sub := ""
				if ev.Data.Data.SubCode != nil {
					sub = *ev.Data.Data.SubCode
				}
				at, err := time.Parse(time.RFC3339Nano, ev.Data.Data.UpdatedAt)
				if ev.Event != "bot."+want.Code || ev.Data.Data.Code != want.Code || sub != want.SubCode || err != nil ||
					len(ev.Data.Data.UpdatedAt) != len("2006-01-02T15:04:05.000Z") || at.Sub(want.CreatedAt).Abs() > time.Millisecond {
					t.Errorf("webhook %d: %s, want status %+v", i, req.body, want)
				}
				if ev.Data.Bot.ID != id || ev.Data.Bot.Metadata["tenant"] != "acme" || ev.Data.Bot.Metadata["meeting"] != "m1" {
					t.Errorf("webhook %d bot %+v", i, ev.Data.Bot)
				}
			}
			w := bs.waitHooks(func(w BotWebhookStats) bool { return w.Sent == int64(len(b.StatusChanges)) })
			if w.Dropped != 0 || w.Failed != 0 || w.Attempts != w.Sent {
				t.Errorf("counters %+v", w)
			}
		})
	}
}

// TestStandardWebhookSignatureVector checks the signer against the published
// Standard Webhooks test vector.
func TestStandardWebhookSignatureVector(t *testing.T) {
	sig, err := standardWebhookSignature("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, []byte(`{"test": 2432232314}`))
	if err != nil || sig != "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=" {
		t.Fatalf("signature %q, %v", sig, err)
	}
}

// TestBotWebhookRetries: failed deliveries are retried in order; a receiver
// that never answers 2xx makes the deliveries fail.
func TestBotWebhookRetries(t *testing.T) {
	t.Parallel()
	t.Run("recovers", func(t *testing.T) {
		t.Parallel()
		hr := newBotHookReceiver(t, func(i int) bool { return i < 2 })
		bs := newBotSim(t, botScenario(ScenarioBotProvider{WebhookURL: hr.srv.URL}, ScenarioLiveMeeting{ID: botLiveID, EndsAfterMS: 200}))
		bs.bots.retryDelays = []time.Duration{10 * time.Millisecond, 10 * time.Millisecond, 10 * time.Millisecond}
		b := bs.waitEnd(bs.create(map[string]any{"meeting_url": botJoinURL(botLiveID, botPass)}))
		got := hr.waitCount(t, len(b.StatusChanges))
		for i, req := range got {
			if !strings.Contains(string(req.body), `"event":"bot.`+b.StatusChanges[i].Code+`"`) {
				t.Fatalf("webhook %d out of order: %s", i, req.body)
			}
		}
		w := bs.waitHooks(func(w BotWebhookStats) bool { return w.Sent == int64(len(got)) })
		if w.Attempts != w.Sent+2 || w.Failed != 0 {
			t.Fatalf("counters %+v", w)
		}
	})
	t.Run("gives up", func(t *testing.T) {
		t.Parallel()
		hr := newBotHookReceiver(t, func(int) bool { return true })
		bs := newBotSim(t, botScenario(ScenarioBotProvider{WebhookURL: hr.srv.URL}, ScenarioLiveMeeting{ID: botLiveID, JoinInternalErrors: -1}))
		bs.bots.retryDelays = []time.Duration{5 * time.Millisecond}
		bs.waitEnd(bs.create(map[string]any{"meeting_url": botJoinURL(botLiveID, botPass)}))
		if w := bs.waitHooks(func(w BotWebhookStats) bool { return w.Failed == 2 }); w.Attempts != 4 || w.Sent != 0 {
			t.Fatalf("counters %+v", w)
		}
	})
}

// TestBotWebhookDropFault: with bot_webhook_drop_rate 1 nothing is sent, the
// bot still runs and can be polled.
func TestBotWebhookDropFault(t *testing.T) {
	t.Parallel()
	hr := newBotHookReceiver(t, nil)
	bs := newBotSim(t, botScenario(ScenarioBotProvider{WebhookURL: hr.srv.URL}, ScenarioLiveMeeting{ID: botLiveID, EndsAfterMS: 200}))
	var f Faults
	if st, _, body := bs.api("POST", "/_sim/faults", `{"bot_webhook_drop_rate": 1.5}`, nil); st != http.StatusBadRequest {
		t.Fatalf("rate 1.5: %d %s", st, body)
	}
	if st, _, body := bs.api("POST", "/_sim/faults", `{"bot_webhook_drop_rate": 1}`, &f); st != 200 || f.BotWebhookDropRate != 1 {
		t.Fatalf("set fault: %d %s", st, body)
	}
	id := bs.create(map[string]any{"meeting_url": botJoinURL(botLiveID, botPass)})
	b := bs.waitEnd(id)
	bs.waitHooks(func(w BotWebhookStats) bool { return w.Dropped == int64(len(b.StatusChanges)) })
	if n := len(hr.received()); n != 0 || bs.BotsState().Webhooks.Sent != 0 {
		t.Fatalf("%d webhooks arrived despite the drop fault", n)
	}
	var view botAPIView
	if st, _, _ := bs.api("GET", "/api/v1/bot/"+id+"/", nil, &view); st != 200 || view.StatusChanges[len(view.StatusChanges)-1].Code != botDone {
		t.Fatalf("polling: %d %+v", st, view.StatusChanges)
	}
	// PATCH semantics: other fields leave it alone; reset clears it.
	bs.UpdateFaults(FaultsPatch{WebhookDuplicates: new(int)})
	if bs.Faults().BotWebhookDropRate != 1 {
		t.Fatal("unrelated patch changed bot_webhook_drop_rate")
	}
	if bs.UpdateFaults(FaultsPatch{Reset: true}).BotWebhookDropRate != 0 {
		t.Fatal("reset kept bot_webhook_drop_rate")
	}
}

// TestBotJoinToken: a join_token_url that cannot be fetched falls back to
// the consent dialog; a fetched token Zoom rejects ends the bot.
func TestBotJoinToken(t *testing.T) {
	t.Parallel()
	tokens := http.NewServeMux()
	tokens.HandleFunc("/broken", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "no grant", http.StatusBadGateway) })
	tokens.HandleFunc("/text", func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte("eyJ0eXAiOiJKV1Qi.not-a-real.token\n"))
	})
	tokens.HandleFunc("/json", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"token": "eyJ0eXAiOiJKV1Qi.also-fake"})
	})
	tokens.HandleFunc("/empty", func(w http.ResponseWriter, r *http.Request) {})
	ts := newBotTokenServer(t, tokens)
	cases := []struct {
		path    string
		want    []string
		fetches int
	}{
		{"/broken", []string{"joining_call", "in_call_not_recording", "recording_permission_allowed", "in_call_recording",
			"recording_done", "call_ended/call_ended_by_host", "done"}, 1},
		{"/empty", []string{"joining_call", "in_call_not_recording", "recording_permission_allowed", "in_call_recording",
			"recording_done", "call_ended/call_ended_by_host", "done"}, 1},
		{"/text", []string{"joining_call", "fatal/zoom_invalid_join_token"}, 1},
		{"/json", []string{"joining_call", "fatal/zoom_invalid_join_token"}, 1},
	}
	for _, tc := range cases {
		t.Run(tc.path, func(t *testing.T) {
			t.Parallel()
			bs := newBotSim(t, botScenario(ScenarioBotProvider{}, ScenarioLiveMeeting{ID: botLiveID, EndsAfterMS: 200}))
			id := bs.create(map[string]any{"meeting_url": botJoinURL(botLiveID, botPass), "zoom": map[string]string{"join_token_url": ts + tc.path + "?secret=x"}})
			b := bs.waitEnd(id)
			if got := botSeq(b); !slices.Equal(got, tc.want) || b.JoinTokenFetches != tc.fetches || b.JoinTokenUsed {
				t.Fatalf("statuses %v (want %v), fetches %d, used %v", got, tc.want, b.JoinTokenFetches, b.JoinTokenUsed)
			}
		})
	}
}

func newBotTokenServer(t *testing.T, h http.Handler) string {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestBotAPIErrors: authentication, unknown bots and validation answer as
// Django REST framework does.
func TestBotAPIErrors(t *testing.T) {
	t.Parallel()
	bs := newBotSim(t, botScenario(ScenarioBotProvider{}, ScenarioLiveMeeting{ID: botLiveID, EndsAfterMS: 60000}))
	var d botDetail
	for _, key := range []string{"", "wrong"} {
		st, h, _ := bs.apiKey(key, "GET", "/api/v1/bot/", nil, &d)
		if st != http.StatusUnauthorized || d.Detail != "Invalid token." || h.Get("WWW-Authenticate") != "Token" {
			t.Fatalf("key %q: %d %+v", key, st, d)
		}
	}
	if st, _, _ := bs.api("GET", "/api/v1/bot/2f7c5b4e-0000-4000-8000-000000000000/", nil, &d); st != http.StatusNotFound || d.Detail != "Not found." {
		t.Fatalf("unknown bot: %d %+v", st, d)
	}
	for _, tc := range []struct {
		body  any
		field string
	}{
		{map[string]any{}, "meeting_url"},
		{map[string]any{"meeting_url": "https://zoom.us/my/hana"}, "meeting_url"},
		{map[string]any{"meeting_url": "not a url at all"}, "meeting_url"},
		{map[string]any{"meeting_url": 12}, "meeting_url"},
		{map[string]any{"meeting_url": botJoinURL(botLiveID, botPass), "join_at": "tomorrow"}, "join_at"},
		{map[string]any{"meeting_url": botJoinURL(botLiveID, botPass), "metadata": map[string]any{"n": 1}}, "metadata"},
		{map[string]any{"meeting_url": botJoinURL(botLiveID, botPass), "automatic_leave": map[string]any{"waiting_room_timeout": -1}}, "automatic_leave"},
		{map[string]any{"meeting_url": botJoinURL(botLiveID, botPass), "zoom": map[string]any{"join_token_url": "ftp://x"}}, "zoom"},
		{map[string]any{"meeting_url": botJoinURL(botLiveID, botPass), "recording_config": []int{1}}, "recording_config"},
	} {
		var errs map[string]json.RawMessage
		st, _, body := bs.api("POST", "/api/v1/bot/", tc.body, &errs)
		if st != http.StatusBadRequest || errs[tc.field] == nil {
			t.Errorf("%v: %d %s, want 400 naming %s", tc.body, st, body, tc.field)
		}
	}
	if st, _, body := bs.api("POST", "/api/v1/bot/", "{", nil); st != http.StatusBadRequest || !strings.Contains(string(body), "detail") {
		t.Errorf("bad JSON: %d %s", st, body)
	}
	// The list, and paths without the trailing slash.
	id := bs.create(map[string]any{"meeting_url": botJoinURL(botLiveID, botPass)})
	bs.create(map[string]any{"meeting_url": "zoom.us/wc/" + "81234500001" + "/join?pwd=" + botPass})
	var list botList
	if st, _, body := bs.api("GET", "/api/v1/bot", nil, &list); st != 200 || len(list.Results) != 2 || list.Results[1].ID != id {
		t.Fatalf("list: %d %s", st, body)
	}
	var view botAPIView
	if st, _, body := bs.api("GET", "/api/v1/bot/"+id, nil, &view); st != 200 || view.ID != id ||
		view.MeetingURL.MeetingID != "81234500001" || view.MeetingURL.Platform != "zoom" || *view.MeetingURL.MeetingPassword != botPass ||
		view.AutomaticLeave != botLeaveDefaults || view.BotName != botDefaultName {
		t.Fatalf("get without slash: %d %s", st, body)
	}
	if st, _, _ := bs.api("GET", "/api/v1/whatever/", nil, &d); st != http.StatusNotFound {
		t.Fatalf("unknown API path: %d", st)
	}
}

// TestBotAdminAndReload: /_sim/bots and /_sim/truth list the bots; loading a
// scenario stops and forgets them.
func TestBotAdminAndReload(t *testing.T) {
	t.Parallel()
	hr := newBotHookReceiver(t, nil)
	sc := botScenario(ScenarioBotProvider{WebhookURL: hr.srv.URL}, ScenarioLiveMeeting{ID: botLiveID, EndsAfterMS: 60000})
	bs := newBotSim(t, sc)
	id := bs.create(map[string]any{"meeting_url": botJoinURL(botLiveID, botPass), "zoom": map[string]string{"join_token_url": "http://127.0.0.1:1/token"}})
	bs.waitStatus(id, botInCallRecording)
	var state struct {
		Bots []struct {
			BotID            string            `json:"bot_id"`
			MeetingID        int64             `json:"meeting_id"`
			AccountID        string            `json:"account_id"`
			StatusChanges    []json.RawMessage `json:"status_changes"`
			ChatMessages     []json.RawMessage `json:"chat_messages"`
			Participants     []json.RawMessage `json:"participants"`
			JoinTokenUsed    *bool             `json:"join_token_used"`
			JoinTokenFetches int               `json:"join_token_fetches"`
			LeftByAPI        *bool             `json:"left_by_api"`
			Recording        *struct {
				ID           string `json:"id"`
				Size         *int64 `json:"size"`
				SHA256       *string
				DownloadPath string `json:"download_path"`
			} `json:"recording"`
		} `json:"bots"`
		Webhooks *BotWebhookStats `json:"webhooks"`
	}
	if st, _, body := bs.api("GET", "/_sim/bots", nil, &state); st != 200 || len(state.Bots) != 1 || state.Webhooks == nil {
		t.Fatalf("/_sim/bots: %d %s", st, body)
	}
	g := state.Bots[0]
	if g.BotID != id || g.MeetingID != botLiveID || g.AccountID != botAcct || len(g.StatusChanges) != 4 || g.ChatMessages == nil ||
		len(g.Participants) != 2 || g.JoinTokenUsed == nil || g.JoinTokenFetches != 1 || g.LeftByAPI == nil || g.Recording == nil ||
		!strings.HasPrefix(g.Recording.DownloadPath, "/rec/bot/") {
		t.Fatalf("/_sim/bots entry %+v", g)
	}
	var truth struct {
		Bots []BotTruth `json:"bots"`
	}
	if st, _, body := bs.api("GET", "/_sim/truth?sha256=false", nil, &truth); st != 200 || len(truth.Bots) != 1 || truth.Bots[0].BotID != id {
		t.Fatalf("/_sim/truth: %d %s", st, body)
	}
	if st, _, _ := bs.api("GET", "/_sim/bots/"+id, nil, nil); st != 200 {
		t.Fatalf("/_sim/bots/{id}: %d", st)
	}
	if _, err := bs.LoadScenario(sc); err != nil {
		t.Fatal(err)
	}
	if n := len(bs.Bots()); n != 0 {
		t.Fatalf("%d bots after reload", n)
	}
	if st, _, _ := bs.api("GET", "/api/v1/bot/"+id+"/", nil, nil); st != http.StatusNotFound {
		t.Fatalf("old bot after reload: %d", st)
	}
	if err := bs.Close(); err != nil {
		t.Fatal(err)
	}
	if st, _, _ := bs.api("POST", "/api/v1/bot/", map[string]any{"meeting_url": botJoinURL(botLiveID, botPass)}, nil); st != http.StatusServiceUnavailable {
		t.Fatalf("create after Close: %d", st)
	}
}

// TestBotJoinTokenValid: a join token minted for the meeting records without
// a host or a dialog (and skips the waiting room when minted with bypass),
// but does not override the host's local recording setting; tokens are
// single use.
func TestBotJoinTokenValid(t *testing.T) {
	t.Parallel()
	recorded := []string{"joining_call", "in_call_not_recording", "recording_permission_allowed", "in_call_recording",
		"recording_done", "call_ended/call_ended_by_host", "done"}
	cases := []struct {
		name   string
		live   ScenarioLiveMeeting
		bypass bool
		reuse  bool // the URL serves one token twice
		want   []string
		second []string
	}{
		{name: "no host needed", live: ScenarioLiveMeeting{HostAttends: botBoolp(false), EndsAfterMS: 300}, want: recorded},
		{name: "bypasses the waiting room", live: ScenarioLiveMeeting{HostAttends: botBoolp(false), WaitingRoom: true, EndsAfterMS: 300},
			bypass: true, want: recorded},
		{name: "waiting room without bypass", live: ScenarioLiveMeeting{HostAttends: botBoolp(false), WaitingRoom: true, AdmitAfterMS: 50, EndsAfterMS: 300},
			want: slices.Insert(slices.Clone(recorded), 1, "in_waiting_room")},
		{name: "local recording off", live: ScenarioLiveMeeting{HostID: botNoLocal, EndsAfterMS: 300},
			want: []string{"joining_call", "in_call_not_recording", "recording_permission_denied/zoom_local_recording_disabled",
				"call_ended/call_ended_by_host", "done"}},
		{name: "single use", live: ScenarioLiveMeeting{HostAttends: botBoolp(false), EndsAfterMS: 200}, reuse: true,
			want: recorded, second: []string{"joining_call", "fatal/zoom_invalid_join_token"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.live.ID = botLiveID
			bs := newBotSim(t, botScenario(ScenarioBotProvider{}, tc.live))
			var mu sync.Mutex
			var once string
			tokURL := newBotTokenServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				tok := bs.MintJoinToken(botLiveID, tc.bypass)
				if tc.reuse {
					mu.Lock()
					if once == "" {
						once = tok
					}
					tok = once
					mu.Unlock()
				}
				writeJSON(w, http.StatusOK, map[string]any{"token": tok, "expire_in": 120})
			}))
			req := map[string]any{"meeting_url": botJoinURL(botLiveID, botPass), "zoom": map[string]string{"join_token_url": tokURL}}
			b := bs.waitEnd(bs.create(req))
			if got := botSeq(b); !slices.Equal(got, tc.want) || !b.JoinTokenUsed || b.JoinTokenFetches != 1 {
				t.Fatalf("statuses %v (want %v), used %v, fetches %d", got, tc.want, b.JoinTokenUsed, b.JoinTokenFetches)
			}
			if tc.second != nil {
				b := bs.waitEnd(bs.create(req))
				if got := botSeq(b); !slices.Equal(got, tc.second) || b.JoinTokenUsed {
					t.Fatalf("second bot: %v (want %v)", got, tc.second)
				}
			}
		})
	}
}

// TestBotStopInterruptsBlockedWork: loading a scenario and closing the server
// return promptly even while a bot waits on a hanging webhook receiver and
// another on a hanging join_token_url: every bot goroutine is cancelled and
// waited for.
func TestBotStopInterruptsBlockedWork(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	hung := make(chan struct{}, 16)
	hang := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hung <- struct{}{}
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	hangURL := newBotTokenServer(t, hang)
	t.Cleanup(func() { close(release) }) // runs before the servers close
	sc := botScenario(ScenarioBotProvider{WebhookURL: hangURL + "/hook"}, ScenarioLiveMeeting{ID: botLiveID, EndsAfterMS: 60000})
	bs := newBotSim(t, sc)
	bs.create(map[string]any{"meeting_url": botJoinURL(botLiveID, botPass)})
	bs.create(map[string]any{"meeting_url": botJoinURL(botLiveID, botPass), "zoom": map[string]string{"join_token_url": hangURL + "/token"}})
	for range 2 { // the first webhook and the token fetch are both stuck
		select {
		case <-hung:
		case <-time.After(20 * time.Second):
			t.Fatal("nothing reached the hanging server")
		}
	}
	start := time.Now()
	if _, err := bs.LoadScenario(sc); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("LoadScenario took %v with blocked bots", d)
	}
	bs.create(map[string]any{"meeting_url": botJoinURL(botLiveID, botPass), "zoom": map[string]string{"join_token_url": hangURL + "/token"}})
	select {
	case <-hung:
	case <-time.After(20 * time.Second):
		t.Fatal("the new bot did not fetch its token")
	}
	start = time.Now()
	if err := bs.Close(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("Close took %v with a blocked bot", d)
	}
}
