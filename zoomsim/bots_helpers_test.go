package zoomsim

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	botKey        = "bot-test-key"
	botSecret     = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	botAcct       = "AcctBotsAAAAAAAAAAAAAA"
	botHost       = "HostBotsAAAAAAAAAAAAAA"
	botNoLocal    = "NoLocalAAAAAAAAAAAAAAA"
	botNoRequests = "NoRequestAAAAAAAAAAAAA"
	botPass       = "s3cretPass"
)

func botBoolp(b bool) *bool { return &b }

// botScenario has one account whose host has default settings plus two users
// with local recording off and recording requests off, and the live meetings
// given (each gets a passcode unless it has one).
func botScenario(provider ScenarioBotProvider, live ...ScenarioLiveMeeting) Scenario {
	for i := range live {
		if live[i].Passcode == "" {
			live[i].Passcode = botPass
		}
	}
	if provider.APIKey == "" {
		provider.APIKey = botKey
	}
	if provider.WebhookSecret == "" {
		provider.WebhookSecret = botSecret
	}
	return Scenario{Seed: 42, BotProvider: &provider, Accounts: []ScenarioAccount{{
		AccountID: botAcct,
		Users: []ScenarioUser{
			{ID: botHost, Email: "host@bots.example", FirstName: "Hana", LastName: "Host"},
			{ID: botNoLocal, Email: "nolocal@bots.example", FirstName: "Nora", LastName: "Nolocal",
				Settings: &ScenarioUserSettings{LocalRecording: botBoolp(false)}},
			{ID: botNoRequests, Email: "norequest@bots.example", FirstName: "Rex", LastName: "Norequest",
				Settings: &ScenarioUserSettings{LocalRecordingRequests: botBoolp(false)}},
		},
		LiveMeetings: live,
	}}}
}

type botSim struct {
	*Server
	url string
	t   *testing.T
}

func newBotSim(t *testing.T, sc Scenario) *botSim {
	t.Helper()
	s := New(Options{Seed: 1})
	if _, err := s.LoadScenario(sc); err != nil {
		t.Fatalf("load scenario: %v", err)
	}
	h := httptest.NewServer(s.Handler())
	t.Cleanup(func() {
		_ = s.Close()
		h.Close()
	})
	return &botSim{Server: s, url: h.URL, t: t}
}

// api sends a bot API request with the scenario's key; body may be nil, a
// string (sent verbatim) or a value to encode.
func (bs *botSim) api(method, path string, body any, out any) (int, http.Header, []byte) {
	bs.t.Helper()
	return bs.apiKey(botKey, method, path, body, out)
}

func (bs *botSim) apiKey(key, method, path string, body any, out any) (int, http.Header, []byte) {
	bs.t.Helper()
	var rd io.Reader
	switch v := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(v)
	default:
		b, _ := json.Marshal(v)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, bs.url+path, rd)
	if key != "" {
		req.Header.Set("Authorization", "Token "+key)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		bs.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if out != nil && len(b) > 0 {
		if err := json.Unmarshal(b, out); err != nil {
			bs.t.Fatalf("%s %s: decode %q: %v", method, path, b, err)
		}
	}
	return resp.StatusCode, resp.Header, b
}

// create makes a bot and returns its id.
func (bs *botSim) create(req map[string]any) string {
	bs.t.Helper()
	var out struct {
		ID string `json:"id"`
	}
	st, _, body := bs.api("POST", "/api/v1/bot/", req, &out)
	if st != http.StatusCreated || out.ID == "" {
		bs.t.Fatalf("create bot: %d %s", st, body)
	}
	return out.ID
}

// wait polls the bot until cond holds (generous deadline: never flaky on a
// loaded machine).
func (bs *botSim) wait(id string, what string, cond func(BotTruth) bool) BotTruth {
	bs.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		b, ok := bs.Bot(id)
		if !ok {
			bs.t.Fatalf("bot %s vanished", id)
		}
		if cond(b) {
			return b
		}
		if time.Now().After(deadline) {
			bs.t.Fatalf("bot %s: timed out waiting for %s; statuses %v", id, what, botSeq(b))
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (bs *botSim) waitStatus(id, code string) BotTruth {
	bs.t.Helper()
	return bs.wait(id, code, func(b BotTruth) bool {
		for _, s := range b.StatusChanges {
			if s.Code == code {
				return true
			}
		}
		return false
	})
}

// waitEnd waits for done or fatal.
func (bs *botSim) waitEnd(id string) BotTruth {
	bs.t.Helper()
	return bs.wait(id, "done or fatal", func(b BotTruth) bool { return b.Status == botDone || b.Status == botFatal })
}

// waitHooks polls the bot webhook counters until cond holds.
func (bs *botSim) waitHooks(cond func(BotWebhookStats) bool) BotWebhookStats {
	bs.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		w := bs.BotsState().Webhooks
		if cond(w) {
			return w
		}
		if time.Now().After(deadline) {
			bs.t.Fatalf("webhook counters %+v", w)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// botSeq lists "code" or "code/sub_code" per status change.
func botSeq(b BotTruth) []string {
	out := []string{}
	for _, s := range b.StatusChanges {
		if s.SubCode != "" {
			out = append(out, s.Code+"/"+s.SubCode)
		} else {
			out = append(out, s.Code)
		}
	}
	return out
}

func botJoinURL(id int64, pwd string) string {
	return "https://us02web.zoom.us/j/" + strconv.FormatInt(id, 10) + "?pwd=" + pwd
}

// botHookRequest is one webhook a receiver got.
type botHookRequest struct {
	header http.Header
	body   []byte
}

// botHookReceiver records webhooks; fail decides the status of each request
// (by 0-based arrival index), nil answers 204.
type botHookReceiver struct {
	srv  *httptest.Server
	mu   sync.Mutex
	got  []botHookRequest
	n    int
	fail func(i int) bool
}

func newBotHookReceiver(t *testing.T, fail func(int) bool) *botHookReceiver {
	hr := &botHookReceiver{fail: fail}
	hr.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		hr.mu.Lock()
		i := hr.n
		hr.n++
		failed := hr.fail != nil && hr.fail(i)
		if !failed {
			hr.got = append(hr.got, botHookRequest{r.Header.Clone(), body})
		}
		hr.mu.Unlock()
		if failed {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(hr.srv.Close)
	return hr
}

func (hr *botHookReceiver) received() []botHookRequest {
	hr.mu.Lock()
	defer hr.mu.Unlock()
	return append([]botHookRequest(nil), hr.got...)
}

// waitCount polls until n webhooks arrived.
func (hr *botHookReceiver) waitCount(t *testing.T, n int) []botHookRequest {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		got := hr.received()
		if len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("got %d webhooks, want %d", len(got), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// botVerifySignature checks a signed request independently of the
// simulator's signer: it recomputes the HMAC from the headers of the given
// style and compares every v1 signature listed.
func botVerifySignature(secret, prefix string, h http.Header, body []byte, now time.Time) (string, bool) {
	id, ts, sigs := h.Get(prefix+"-id"), h.Get(prefix+"-timestamp"), h.Get(prefix+"-signature")
	if id == "" || ts == "" || sigs == "" {
		return "missing headers", false
	}
	secs, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return "bad timestamp", false
	}
	if d := now.Sub(time.Unix(secs, 0)); d > 5*time.Minute || d < -5*time.Minute {
		return "stale timestamp", false
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		return "bad secret", false
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id))
	mac.Write([]byte("."))
	mac.Write([]byte(ts))
	mac.Write([]byte("."))
	mac.Write(body)
	want := mac.Sum(nil)
	for _, s := range strings.Fields(sigs) {
		v, sig, _ := strings.Cut(s, ",")
		got, err := base64.StdEncoding.DecodeString(sig)
		if v == "v1" && err == nil && hmac.Equal(got, want) {
			return "", true
		}
	}
	return "no matching signature", false
}
