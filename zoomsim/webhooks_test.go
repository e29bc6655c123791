package zoomsim

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// hookReceiver is a webhook endpoint for tests: it answers Zoom's URL
// validation with its own HMAC code (wrongly when told to) and every other
// event with a configurable status, recording what it received.
type hookReceiver struct {
	t       *testing.T
	srv     *httptest.Server
	secret  string
	status  atomic.Int32 // answer to events (default 200)
	badHash atomic.Bool  // answer the validation with a wrong encryptedToken
	sleep   atomic.Int64 // delay before answering events (ns)

	mu  sync.Mutex
	got []hookRequest
}

type hookRequest struct {
	header http.Header
	body   []byte
	event  string
}

func newHookReceiver(t *testing.T, secret string) *hookReceiver {
	hr := &hookReceiver{t: t, secret: secret}
	hr.status.Store(200)
	hr.srv = httptest.NewServer(http.HandlerFunc(hr.serve))
	t.Cleanup(hr.srv.Close)
	return hr
}

func (hr *hookReceiver) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var env struct {
		Event   string `json:"event"`
		Payload struct {
			PlainToken string `json:"plainToken"`
		} `json:"payload"`
	}
	_ = json.Unmarshal(body, &env)
	hr.mu.Lock()
	hr.got = append(hr.got, hookRequest{header: r.Header.Clone(), body: body, event: env.Event})
	hr.mu.Unlock()
	if env.Event == "endpoint.url_validation" {
		m := hmac.New(sha256.New, []byte(hr.secret))
		m.Write([]byte(env.Payload.PlainToken))
		enc := hex.EncodeToString(m.Sum(nil))
		if hr.badHash.Load() {
			enc = strings.Repeat("0", 64)
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{"plainToken": env.Payload.PlainToken, "encryptedToken": enc})
		return
	}
	if d := hr.sleep.Load(); d > 0 {
		time.Sleep(time.Duration(d))
	}
	w.WriteHeader(int(hr.status.Load()))
}

// events returns the non-validation requests received so far.
func (hr *hookReceiver) events() []hookRequest {
	hr.mu.Lock()
	defer hr.mu.Unlock()
	var out []hookRequest
	for _, g := range hr.got {
		if g.event != "endpoint.url_validation" {
			out = append(out, g)
		}
	}
	return out
}

func (hr *hookReceiver) all() []hookRequest {
	hr.mu.Lock()
	defer hr.mu.Unlock()
	return append([]hookRequest(nil), hr.got...)
}

// verify checks a request's Zoom signature independently of the simulator.
func (hr *hookReceiver) verify(req hookRequest) error {
	ts := req.header.Get("x-zm-request-timestamp")
	m := hmac.New(sha256.New, []byte(hr.secret))
	fmt.Fprintf(m, "v0:%s:%s", ts, req.body)
	want := "v0=" + hex.EncodeToString(m.Sum(nil))
	if got := req.header.Get("x-zm-signature"); got != want {
		return fmt.Errorf("x-zm-signature %q, want %q", got, want)
	}
	return nil
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// settle gives the dispatcher a moment, for asserting that nothing happens.
func settle() { time.Sleep(250 * time.Millisecond) }

// hookSim is a simulator with account 0 subscribed to a fresh receiver.
func hookSim(t *testing.T, sc Scenario) (*testSim, *hookReceiver) {
	t.Helper()
	sim := newTestSim(t, sc)
	t.Cleanup(func() { _ = sim.Close() })
	hr := newHookReceiver(t, sim.Accounts()[0].WebhookSecretToken)
	var sub WebhookSubscription
	if st := sim.post("/_sim/webhooks", map[string]any{"account_id": sim.Accounts()[0].AccountID, "url": hr.srv.URL}, &sub); st != 200 {
		t.Fatalf("subscribe: status %d", st)
	}
	return sim, hr
}

type recordingCompleted struct {
	Event         string `json:"event"`
	EventTS       int64  `json:"event_ts"`
	DownloadToken string `json:"download_token"`
	Payload       struct {
		AccountID string `json:"account_id"`
		Object    struct {
			UUID           string `json:"uuid"`
			ID             int64  `json:"id"`
			HostEmail      string `json:"host_email"`
			RecordingCount int    `json:"recording_count"`
			RecordingFiles []struct {
				ID          string `json:"id"`
				FileType    string `json:"file_type"`
				FileSize    int64  `json:"file_size"`
				Status      string `json:"status"`
				DownloadURL string `json:"download_url"`
			} `json:"recording_files"`
		} `json:"object"`
	} `json:"payload"`
}

func decodeCompleted(t *testing.T, b []byte) recordingCompleted {
	t.Helper()
	var ev recordingCompleted
	if err := json.Unmarshal(b, &ev); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
	return ev
}

func (ts *testSim) send(req map[string]any) WebhookSendResult {
	ts.t.Helper()
	var res WebhookSendResult
	if st := ts.post("/_sim/webhooks/send", req, &res); st != 200 {
		ts.t.Fatalf("send %v: status %d", req, st)
	}
	return res
}

func TestWebhookHandshakeAndSignature(t *testing.T) {
	sim, hr := hookSim(t, testScenario())
	all := hr.all()
	if len(all) != 1 || all[0].event != "endpoint.url_validation" {
		t.Fatalf("want one validation request, got %d", len(all))
	}
	if err := hr.verify(all[0]); err != nil {
		t.Fatalf("validation request: %v", err)
	}

	res := sim.send(map[string]any{"account_id": acctID, "event": "recording.completed", "meeting_uuid": oddUUID})
	if len(res.Events) != 1 || res.Events[0].Copies != 1 {
		t.Fatalf("send result %+v", res)
	}
	waitUntil(t, "the event", func() bool { return len(hr.events()) == 1 })
	got := hr.events()[0]
	if err := hr.verify(got); err != nil {
		t.Fatal(err)
	}
	ts, _ := strconv.ParseInt(got.header.Get("x-zm-request-timestamp"), 10, 64)
	if d := sim.Now().Unix() - ts; d < 0 || d > 2 {
		t.Errorf("timestamp %d is not the simulator clock %d", ts, sim.Now().Unix())
	}
	if ct := got.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
	if got.header.Get("x-zm-trackingid") == "" {
		t.Error("no x-zm-trackingid")
	}
	var compact bytes.Buffer
	_ = json.Compact(&compact, got.body)
	if !bytes.Equal(compact.Bytes(), got.body) {
		t.Error("body is not compact JSON (receivers re-serialise it to verify)")
	}
	ev := decodeCompleted(t, got.body)
	o := ev.Payload.Object
	if ev.Event != "recording.completed" || ev.DownloadToken == "" || ev.Payload.AccountID != acctID ||
		o.UUID != oddUUID || o.ID != 81234567890 || o.HostEmail != hostMail || o.RecordingCount != 7 || len(o.RecordingFiles) != 7 {
		t.Fatalf("unexpected event %s", got.body)
	}
	if d := sim.Now().UnixMilli() - ev.EventTS; d < 0 || d > 5000 {
		t.Errorf("event_ts %d is not in milliseconds of the simulator clock", ev.EventTS)
	}

	// Tampering with the body breaks the signature.
	got.body = bytes.Replace(got.body, []byte(acctID), []byte("Tampered"), 1)
	if hr.verify(got) == nil {
		t.Error("signature still verifies after tampering")
	}

	waitUntil(t, "the attempt logged", func() bool { return len(sim.Webhooks().Deliveries) == 2 })
	st := sim.Webhooks()
	if len(st.Deliveries) != 2 || !st.Deliveries[1].OK || st.Deliveries[1].StatusCode != 200 || st.Deliveries[1].Attempt != 1 ||
		st.Deliveries[1].EventID != res.Events[0].EventID || len(st.Pending) != 0 {
		t.Errorf("state %+v", st)
	}
	var stats Stats
	sim.get("/_sim/stats", "", &stats)
	if w := stats.Webhooks; w.Attempted != 1 || w.Succeeded != 1 || w.Validations != 1 || w.Events != 1 {
		t.Errorf("stats %+v", w)
	}
}

func TestWebhookURLValidation(t *testing.T) {
	sim := newTestSim(t, testScenario())
	t.Cleanup(func() { _ = sim.Close() })
	hr := newHookReceiver(t, sim.Accounts()[0].WebhookSecretToken)

	hr.badHash.Store(true)
	var errBody adminError
	if st := sim.post("/_sim/webhooks", map[string]any{"account_id": acctID, "url": hr.srv.URL}, &errBody); st != 400 ||
		!strings.Contains(errBody.Error, "encryptedToken") {
		t.Fatalf("bad hash: status %d %q", st, errBody.Error)
	}
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	if st := sim.post("/_sim/webhooks", map[string]any{"account_id": acctID, "url": dead.URL}, &errBody); st != 400 ||
		!strings.Contains(errBody.Error, "url validation failed") {
		t.Fatalf("dead endpoint: status %d %q", st, errBody.Error)
	}
	if st := sim.post("/_sim/webhooks", map[string]any{"account_id": acctID, "url": hr.srv.URL, "events": []string{"nope"}}, &errBody); st != 400 {
		t.Fatalf("unknown event: status %d", st)
	}
	if st := sim.post("/_sim/webhooks", map[string]any{"account_id": "nobody", "url": hr.srv.URL}, &errBody); st != 404 {
		t.Fatalf("unknown account: status %d", st)
	}
	if n := len(sim.Webhooks().Subscriptions); n != 0 {
		t.Fatalf("%d subscriptions after failed validations", n)
	}

	hr.badHash.Store(false)
	var sub WebhookSubscription
	if st := sim.post("/_sim/webhooks", map[string]any{"account_id": acctID, "url": hr.srv.URL, "events": []string{"meeting.ended"}}, &sub); st != 200 ||
		!sub.Validated || sub.URL != hr.srv.URL || len(sub.Events) != 1 {
		t.Fatalf("good endpoint: status %d %+v", st, sub)
	}
	// Events outside the subscription are refused.
	if st := sim.post("/_sim/webhooks/send", map[string]any{"account_id": acctID, "event": "recording.completed", "meeting_uuid": oddUUID}, &errBody); st != 400 {
		t.Fatalf("unsubscribed event: status %d", st)
	}
	sim.send(map[string]any{"account_id": acctID, "event": "meeting.ended", "meeting_uuid": oddUUID})
	waitUntil(t, "meeting.ended", func() bool { return len(hr.events()) == 1 })
	var ended struct {
		Payload struct {
			Object struct {
				ID      string `json:"id"`
				EndTime string `json:"end_time"`
			} `json:"object"`
		} `json:"payload"`
	}
	_ = json.Unmarshal(hr.events()[0].body, &ended)
	if ended.Payload.Object.ID != "81234567890" || ended.Payload.Object.EndTime != "2026-10-05T14:42:00Z" {
		t.Errorf("meeting.ended %s", hr.events()[0].body)
	}
	st := sim.Webhooks()
	if st.Stats.Validations != 3 || st.Stats.ValidationFailures != 2 {
		t.Errorf("validation stats %+v", st.Stats)
	}
}

func TestWebhookRetrySchedule(t *testing.T) {
	sim, hr := hookSim(t, testScenario())
	hr.status.Store(500)
	sim.send(map[string]any{"account_id": acctID, "event": "recording.completed", "meeting_uuid": weekly})
	attempts := func() int { return len(hr.events()) }
	waitUntil(t, "attempt 1", func() bool { return attempts() == 1 })
	waitUntil(t, "retry scheduled", func() bool { p := sim.Webhooks().Pending; return len(p) == 1 && p[0].Attempt == 2 })

	for i, gap := range []time.Duration{5 * time.Minute, 20 * time.Minute, 60 * time.Minute} {
		sim.AdvanceClock(gap - 10*time.Second)
		settle()
		if n := attempts(); n != i+1 {
			t.Fatalf("retry %d fired early (%d attempts)", i+1, n)
		}
		sim.AdvanceClock(10 * time.Second)
		waitUntil(t, fmt.Sprintf("retry %d", i+1), func() bool { return attempts() == i+2 })
		waitUntil(t, "attempt logged", func() bool { return len(sim.Webhooks().Deliveries) == i+3 })
	}
	// The fourth attempt was the last.
	sim.AdvanceClock(48 * time.Hour)
	settle()
	if n := attempts(); n != 4 {
		t.Fatalf("%d attempts, want 4", n)
	}
	st := sim.Webhooks()
	last := st.Deliveries[len(st.Deliveries)-1]
	if len(st.Pending) != 0 || !last.GaveUp || last.Attempt != 4 || last.StatusCode != 500 || last.OK {
		t.Fatalf("after giving up: pending %d, last %+v", len(st.Pending), last)
	}
	// Each retry carried the same body, freshly signed.
	ev := hr.events()
	for _, e := range ev[1:] {
		if !bytes.Equal(e.body, ev[0].body) {
			t.Error("retry body differs")
		}
		if err := hr.verify(e); err != nil {
			t.Error(err)
		}
	}
	if w := st.Stats; w.Attempted != 4 || w.Failed != 4 || w.Retried != 3 || w.GivenUp != 1 || w.Succeeded != 0 {
		t.Errorf("stats %+v", w)
	}
}

func TestWebhookRetrySucceeds(t *testing.T) {
	sim, hr := hookSim(t, testScenario())
	sim.UpdateFaults(FaultsPatch{WebhookDropFirst: ptr(1)})
	sim.send(map[string]any{"account_id": acctID, "event": "recording.trashed", "meeting_uuid": weekly})
	waitUntil(t, "dropped attempt", func() bool { return len(sim.Webhooks().Deliveries) == 2 })
	settle()
	if n := len(hr.events()); n != 0 {
		t.Fatalf("dropped attempt reached the receiver")
	}
	if d := sim.Webhooks().Deliveries[1]; d.OK || !strings.Contains(d.Error, "webhook_drop_first") || d.NextAttemptAt == "" {
		t.Fatalf("dropped attempt %+v", d)
	}
	sim.AdvanceClock(5 * time.Minute)
	waitUntil(t, "retry", func() bool { return len(hr.events()) == 1 })
	var trashed struct {
		Event   string `json:"event"`
		Payload struct {
			Operator   string `json:"operator"`
			OperatorID string `json:"operator_id"`
		} `json:"payload"`
	}
	_ = json.Unmarshal(hr.events()[0].body, &trashed)
	if trashed.Event != "recording.trashed" || trashed.Payload.OperatorID != hostID {
		t.Errorf("trashed %s", hr.events()[0].body)
	}
	waitUntil(t, "log", func() bool { return len(sim.Webhooks().Deliveries) == 3 })
	if st := sim.Webhooks(); !st.Deliveries[2].OK || st.Deliveries[2].Attempt != 2 || st.Stats.Dropped != 1 || st.Stats.Retried != 1 {
		t.Errorf("after retry %+v", st)
	}
}

func TestWebhookTimeout(t *testing.T) {
	sim, hr := hookSim(t, testScenario())
	sim.hooks.mu.Lock()
	sim.hooks.client.Timeout = 100 * time.Millisecond // Zoom's is 3 s
	sim.hooks.mu.Unlock()
	hr.sleep.Store(int64(time.Second))
	sim.send(map[string]any{"account_id": acctID, "event": "meeting.ended", "meeting_uuid": weekly})
	waitUntil(t, "timed-out attempt", func() bool { return len(sim.Webhooks().Deliveries) == 2 })
	d := sim.Webhooks().Deliveries[1]
	if d.OK || d.StatusCode != 0 || !strings.Contains(d.Error, "Timeout") || d.NextAttemptAt == "" {
		t.Fatalf("attempt %+v", d)
	}
}

func TestWebhookDuplicatesAndDelay(t *testing.T) {
	sim, hr := hookSim(t, testScenario())
	var f Faults
	if st := sim.post("/_sim/faults", map[string]any{"webhook_duplicates": 1, "webhook_delay": "10m"}, &f); st != 200 ||
		f.WebhookDuplicates != 1 || time.Duration(f.WebhookDelay) != 10*time.Minute {
		t.Fatalf("faults: %d %+v", st, f)
	}
	var errBody adminError
	if st := sim.post("/_sim/faults", map[string]any{"webhook_delay": "soon"}, &errBody); st != 400 {
		t.Fatalf("bad delay: status %d", st)
	}
	res := sim.send(map[string]any{"account_id": acctID, "event": "recording.completed", "meeting_uuid": oddUUID})
	if res.Events[0].Copies != 2 {
		t.Fatalf("copies %d", res.Events[0].Copies)
	}
	settle()
	if st := sim.Webhooks(); len(hr.events()) != 0 || len(st.Pending) != 2 {
		t.Fatalf("delayed: %d received, %d pending", len(hr.events()), len(st.Pending))
	}
	sim.AdvanceClock(10 * time.Minute)
	waitUntil(t, "both copies", func() bool { return len(hr.events()) == 2 })
	ev := hr.events()
	if !bytes.Equal(ev[0].body, ev[1].body) {
		t.Error("duplicates differ")
	}
	waitUntil(t, "log", func() bool { return len(sim.Webhooks().Deliveries) == 3 })
	d := sim.Webhooks().Deliveries
	if d[1].EventID != d[2].EventID || d[1].Copy+d[2].Copy != 3 {
		t.Errorf("log %+v", d)
	}
}

func TestWebhookDownloadToken(t *testing.T) {
	sim, hr := hookSim(t, testScenario())
	sim.send(map[string]any{"account_id": acctID, "event": "recording.completed", "meeting_uuid": oddUUID})
	waitUntil(t, "event", func() bool { return len(hr.events()) == 1 })
	ev := decodeCompleted(t, hr.events()[0].body)
	f := ev.Payload.Object.RecordingFiles[0]
	// Webhooks name files by other URLs than the API: /rec/webhook_download/{a}/{b}
	// where the listing says /rec/download/{a}.
	a, b, ok := strings.Cut(strings.TrimPrefix(f.DownloadURL, sim.ts.URL+"/rec/webhook_download/"), "/")
	if !ok || a == "" || b == "" || strings.Contains(b, "/") {
		t.Fatalf("download_url %q", f.DownloadURL)
	}
	var listed *recordingFileJSON
	for _, lf := range sim.meetingFiles(sim.token(0), doubleEscape(oddUUID)).RecordingFiles {
		if lf.ID == f.ID {
			listed = &lf
		}
	}
	if listed == nil || listed.DownloadURL != sim.ts.URL+"/rec/download/"+a {
		t.Fatalf("listing names %+v for webhook URL %q", listed, f.DownloadURL)
	}
	// A forged second segment is no file.
	if _, hdr, _ := fetch(t, withToken(sim.ts.URL+"/rec/webhook_download/"+a+"/x"+b, ev.DownloadToken), nil); !strings.HasPrefix(hdr.Get("Content-Type"), "text/html") {
		t.Error("webhook URL with a wrong second segment served the file")
	}
	// The API URL with an access token serves the same bytes.
	_, _, viaAPI := fetch(t, withToken(listed.DownloadURL, sim.token(0)), nil)
	st, hdr, body := fetch(t, withToken(f.DownloadURL, ev.DownloadToken), nil)
	if !bytes.Equal(body, viaAPI) {
		t.Error("webhook and API URLs serve different bytes")
	}
	if st != 200 || int64(len(body)) != f.FileSize || hdr.Get("Content-Type") != "video/mp4" {
		t.Fatalf("download: %d %s, %d bytes, want %d", st, hdr.Get("Content-Type"), len(body), f.FileSize)
	}
	if got, want := sha256.Sum256(body), sim.FileSHA256(f.ID); hex.EncodeToString(got[:]) != want {
		t.Error("downloaded bytes differ from the truth")
	}
	// The token only opens this meeting's files and expires after 24 h.
	other := sim.meetingFiles(sim.token(0), weekly).RecordingFiles[0].DownloadURL
	if _, hdr, _ := fetch(t, withToken(other, ev.DownloadToken), nil); !strings.HasPrefix(hdr.Get("Content-Type"), "text/html") {
		t.Error("token opened another meeting's file")
	}
	sim.AdvanceClock(24*time.Hour + time.Second)
	if _, hdr, _ := fetch(t, withToken(f.DownloadURL, ev.DownloadToken), nil); !strings.HasPrefix(hdr.Get("Content-Type"), "text/html") {
		t.Error("token still valid after 24 h")
	}
}

// processingScenario has one meeting done and one whose two renditions
// finish 30 and 90 minutes after now.
func processingScenario(now time.Time) Scenario {
	soon, later := now.Add(30*time.Minute), now.Add(90*time.Minute)
	return Scenario{Seed: 7, Zoom: &ScenarioZoom{LateTranscripts: ptr(false)}, Accounts: []ScenarioAccount{{
		AccountID: acctID, Users: []ScenarioUser{{ID: hostID, Email: hostMail}},
		Meetings: []ScenarioMeeting{
			{UUID: "RG9uZS1tZWV0aW5nLTAwMQ==", StartTime: now.Add(-3 * time.Hour)},
			{UUID: weekly, StartTime: now.Add(-time.Hour), Files: []ScenarioFile{
				{FileType: "MP4", CompletesAt: &soon},
				{FileType: "M4A", CompletesAt: &soon},
				{FileType: "TRANSCRIPT", CompletesAt: &later},
			}},
		},
	}}}
}

func TestWebhookProcessingCompletes(t *testing.T) {
	sim, hr := hookSim(t, processingScenario(time.Now()))
	settle()
	if n := len(hr.events()); n != 0 {
		t.Fatalf("%d events before anything finished", n)
	}
	sim.AdvanceClock(31 * time.Minute)
	waitUntil(t, "first rendition", func() bool { return len(hr.events()) == 1 })
	ev := decodeCompleted(t, hr.events()[0].body)
	if ev.Payload.Object.UUID != weekly || len(ev.Payload.Object.RecordingFiles) != 2 {
		t.Fatalf("first rendition %s", hr.events()[0].body)
	}
	for _, f := range ev.Payload.Object.RecordingFiles {
		if f.Status != "completed" || f.FileSize == 0 {
			t.Errorf("file %+v", f)
		}
	}
	settle()
	if n := len(hr.events()); n != 1 {
		t.Fatalf("%d events, want 1", n)
	}
	sim.AdvanceClock(time.Hour)
	waitUntil(t, "second rendition", func() bool { return len(hr.events()) == 2 })
	if ev := decodeCompleted(t, hr.events()[1].body); len(ev.Payload.Object.RecordingFiles) != 3 {
		t.Fatalf("second rendition %s", hr.events()[1].body)
	}
}

func TestWebhookProcessingCompletesOnTicker(t *testing.T) {
	sim := newTestSim(t, testScenario())
	t.Cleanup(func() { _ = sim.Close() })
	sc := processingScenario(sim.Now().Add(-30*time.Minute + 1500*time.Millisecond))
	hr := newHookReceiver(t, "TickerSecret")
	sc.Accounts[0].WebhookSecretToken = "TickerSecret"
	sc.Accounts[0].WebhookURL = hr.srv.URL
	if _, err := sim.LoadScenario(sc); err != nil {
		t.Fatal(err)
	}
	if subs := sim.Webhooks().Subscriptions; len(subs) != 1 || subs[0].Validated || len(subs[0].Events) != len(webhookEventNames) {
		t.Fatalf("scenario subscription %+v", subs)
	}
	// No clock move: the background ticker notices the files finishing.
	waitUntil(t, "rendition on the ticker", func() bool { return len(hr.events()) == 1 })
	if err := hr.verify(hr.events()[0]); err != nil {
		t.Fatal(err)
	}
	if len(hr.all()) != 1 {
		t.Error("a scenario webhook_url does no validation handshake")
	}
}

func TestWebhookAllOrder(t *testing.T) {
	sim, hr := hookSim(t, testScenario())
	uuids := func() []string {
		var out []string
		for _, e := range hr.events() {
			out = append(out, decodeCompleted(t, e.body).Payload.Object.UUID)
		}
		return out
	}
	res := sim.send(map[string]any{"account_id": acctID, "event": "recording.completed", "all": true})
	n := len(sim.Scenario().Accounts[0].Meetings)
	if len(res.Events) != n {
		t.Fatalf("%d events for %d meetings", len(res.Events), n)
	}
	waitUntil(t, "all events", func() bool { return len(hr.events()) == n })
	inOrder := uuids()
	if inOrder[0] != oddUUID { // the oldest meeting
		t.Fatalf("first event is %s, want the oldest meeting", inOrder[0])
	}

	sim.UpdateFaults(FaultsPatch{WebhookOutOfOrder: ptr(true)})
	sim.send(map[string]any{"account_id": acctID, "event": "recording.completed", "all": true})
	waitUntil(t, "all events again", func() bool { return len(hr.events()) == 2*n })
	reversed := uuids()[n:]
	for i := range n {
		if reversed[i] != inOrder[n-1-i] {
			t.Fatalf("out-of-order send is not reversed at %d", i)
		}
	}
}

func ptr[T any](v T) *T { return &v }
