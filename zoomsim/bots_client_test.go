package zoomsim_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/meetvault/meetvault/botprovider"
	"github.com/meetvault/meetvault/zoomsim"
)

// Conformance of the simulated bot provider with the production client
// (botprovider/): the client was written from Recall's documentation on its
// own, so both sides agreeing is evidence that both follow it.

const (
	clientBotKey    = "client-conformance-key"
	clientBotSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	clientMeeting   = int64(86100000001)
	clientLong      = int64(86100000002)
	clientDenied    = int64(86100000003)
	clientPass      = "clientPass1"
)

// clientHooks verifies and parses each webhook with botprovider's own code.
type clientHooks struct {
	srv    *httptest.Server
	mu     sync.Mutex
	events []*botprovider.StatusEvent
	errs   []error
}

func newClientHooks(t *testing.T) *clientHooks {
	ch := &clientHooks{}
	ch.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		err := botprovider.VerifyWebhook(clientBotSecret, r.Header, body, time.Now())
		var ev *botprovider.StatusEvent
		if err == nil {
			ev, err = botprovider.ParseStatusEvent(body)
		}
		ch.mu.Lock()
		defer ch.mu.Unlock()
		if err != nil {
			ch.errs = append(ch.errs, err)
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		ch.events = append(ch.events, ev)
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(ch.srv.Close)
	return ch
}

func (ch *clientHooks) forBot(id string) ([]*botprovider.StatusEvent, []error) {
	ch.mu.Lock()
	defer ch.mu.Unlock()
	var out []*botprovider.StatusEvent
	for _, ev := range ch.events {
		if ev.BotID == id {
			out = append(out, ev)
		}
	}
	return out, slices.Clone(ch.errs)
}

func clientSim(t *testing.T, headers, hookURL string) (*zoomsim.Server, *botprovider.Client) {
	t.Helper()
	sim := zoomsim.New(zoomsim.Options{})
	_, err := sim.LoadScenario(zoomsim.Scenario{
		Seed: 11,
		BotProvider: &zoomsim.ScenarioBotProvider{APIKey: clientBotKey, WebhookURL: hookURL, WebhookSecret: clientBotSecret,
			WebhookHeaders: headers, PoolExhausted: 1, PoolRetryAfterSeconds: 1},
		Accounts: []zoomsim.ScenarioAccount{{
			Users: []zoomsim.ScenarioUser{
				{Email: "hana.host@acme.example", FirstName: "Hana", LastName: "Host"},
				{Email: "nolocal@acme.example", FirstName: "Nora", Settings: &zoomsim.ScenarioUserSettings{LocalRecording: new(bool)}},
			},
			LiveMeetings: []zoomsim.ScenarioLiveMeeting{
				{ID: clientMeeting, Passcode: clientPass, HostJoinsAfterMS: 20, AnswerAfterMS: 20, EndsAfterMS: 800, BytesPerSecond: 20000},
				{ID: clientLong, Passcode: clientPass, EndsAfterMS: 60000},
				{ID: clientDenied, Passcode: clientPass, HostID: "nolocal@acme.example", EndsAfterMS: 60000},
			},
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim.Handler())
	t.Cleanup(func() {
		_ = sim.Close()
		srv.Close()
	})
	c, err := botprovider.New(botprovider.Config{BaseURL: srv.URL, APIKey: clientBotKey})
	if err != nil {
		t.Fatal(err)
	}
	return sim, c
}

func clientURL(id int64) string {
	return "https://acme.zoom.us/j/" + strconv.FormatInt(id, 10) + "?pwd=" + clientPass
}

// pollBot polls GET /api/v1/bot/{id}/ through the client until cond holds.
func pollBot(t *testing.T, c *botprovider.Client, id string, cond func(*botprovider.Bot) bool) *botprovider.Bot {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		b, err := c.GetBot(context.Background(), id)
		if err != nil {
			t.Fatalf("GetBot: %v", err)
		}
		if cond(b) {
			return b
		}
		if time.Now().After(deadline) {
			t.Fatalf("bot %s: timed out; latest %+v", id, b.LatestStatus())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func terminal(b *botprovider.Bot) bool { return botprovider.IsTerminal(b.LatestStatus().Code) }

func codes(b *botprovider.Bot) []string {
	var out []string
	for _, s := range b.StatusChanges {
		if s.SubCode != "" {
			out = append(out, s.Code+"/"+s.SubCode)
		} else {
			out = append(out, s.Code)
		}
	}
	return out
}

func TestBotProviderClientConformance(t *testing.T) {
	t.Parallel()
	for _, headers := range []string{"webhook", "svix"} {
		t.Run(headers, func(t *testing.T) {
			t.Parallel()
			hooks := newClientHooks(t)
			sim, c := clientSim(t, headers, hooks.srv.URL)
			ctx := context.Background()
			req := botprovider.CreateBotRequest{
				MeetingURL: clientURL(clientMeeting), BotName: "meetvault",
				RecordingConfig: botprovider.RecordingOptions{VideoMixedMP4: true}.JSON(),
				AutomaticLeave:  &botprovider.AutomaticLeave{RecordingPermissionDeniedTimeout: 60},
				Metadata:        map[string]string{"tenant": "acme", "meeting": strconv.FormatInt(clientMeeting, 10)},
			}

			// 507 first (pool_exhausted 1), as a typed error with the delay.
			_, err := c.CreateBot(ctx, req)
			var pool *botprovider.PoolExhaustedError
			if !errors.As(err, &pool) || pool.Delay() != time.Second {
				t.Fatalf("first CreateBot: %v, want a PoolExhaustedError asking for 1s", err)
			}
			created, err := c.CreateBot(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			if created.MeetingURL.MeetingID != strconv.FormatInt(clientMeeting, 10) || created.MeetingURL.Platform != "zoom" ||
				created.MeetingURL.MeetingPassword != clientPass || created.BotName != "meetvault" || created.Metadata["tenant"] != "acme" {
				t.Fatalf("created %+v", created)
			}

			b := pollBot(t, c, created.ID, terminal)
			want := []string{"joining_call", "in_call_not_recording", "recording_permission_allowed", "in_call_recording",
				"recording_done", "call_ended/" + botprovider.SubCodeCallEndedByHost, "done"}
			if got := codes(b); !slices.Equal(got, want) {
				t.Fatalf("statuses %v, want %v", got, want)
			}
			if b.LatestStatus().Code != botprovider.StatusDone || b.LatestStatus().CreatedAt.IsZero() || b.LatestStatus().Message == "" {
				t.Fatalf("latest %+v", b.LatestStatus())
			}
			hostSeen := false
			for _, p := range b.MeetingParticipants {
				if p.IsHost && p.Name == "Hana Host" && p.ID != "" {
					hostSeen = true
				}
			}
			if !hostSeen {
				t.Errorf("participants %+v lack the host", b.MeetingParticipants)
			}

			// The media, downloaded through the URL the client reads.
			if len(b.Recordings) != 1 || b.Recordings[0].MediaShortcuts.VideoMixed == nil {
				t.Fatalf("recordings %+v", b.Recordings)
			}
			rec := b.Recordings[0]
			vm := rec.MediaShortcuts.VideoMixed
			if rec.Status.Code != "done" || vm.Status.Code != "done" || vm.Format != "mp4" || rec.CompletedAt.IsZero() || rec.ExpiresAt.IsZero() {
				t.Fatalf("recording %+v", rec)
			}
			resp, err := http.Get(vm.Data.DownloadURL)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			truth, ok := sim.Bot(created.ID)
			sum := sha256.Sum256(body)
			if !ok || resp.StatusCode != 200 || hex.EncodeToString(sum[:]) != truth.Recording.SHA256 || int64(len(body)) != truth.Recording.Size {
				t.Fatalf("download %d: %d bytes sha %x; truth %+v", resp.StatusCode, len(body), sum, truth.Recording)
			}

			// Every status arrived as a webhook botprovider verifies and parses.
			deadline := time.Now().Add(20 * time.Second)
			for {
				evs, errs := hooks.forBot(created.ID)
				if len(errs) > 0 {
					t.Fatalf("webhook rejected by botprovider: %v", errs)
				}
				if len(evs) == len(b.StatusChanges) {
					for i, ev := range evs {
						sc := b.StatusChanges[i]
						if ev.Code != sc.Code || ev.SubCode != sc.SubCode || ev.Event != "bot."+sc.Code || ev.At.IsZero() ||
							ev.Metadata["tenant"] != "acme" {
							t.Errorf("event %d %+v, status %+v", i, ev, sc)
						}
					}
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("%d webhooks, want %d", len(evs), len(b.StatusChanges))
				}
				time.Sleep(10 * time.Millisecond)
			}
		})
	}
}

// TestBotProviderClientChatLeaveDenial: chat, leave_call, a settings denial
// and the error types, through the production client.
func TestBotProviderClientChatLeaveDenial(t *testing.T) {
	t.Parallel()
	sim, c := clientSim(t, "webhook", "")
	ctx := context.Background()
	if _, err := c.CreateBot(ctx, botprovider.CreateBotRequest{MeetingURL: clientURL(clientLong)}); err == nil {
		t.Fatal("pool_exhausted 1: want a 507 first")
	}
	long, err := c.CreateBot(ctx, botprovider.CreateBotRequest{MeetingURL: clientURL(clientLong)})
	if err != nil {
		t.Fatal(err)
	}
	denied, err := c.CreateBot(ctx, botprovider.CreateBotRequest{
		MeetingURL:     clientURL(clientDenied),
		AutomaticLeave: &botprovider.AutomaticLeave{RecordingPermissionDeniedTimeout: 1},
	})
	if err != nil {
		t.Fatal(err)
	}

	pollBot(t, c, long.ID, func(b *botprovider.Bot) bool { return b.LatestStatus().Code == botprovider.StatusInCallRecording })
	if err := c.SendChatMessage(ctx, long.ID, botprovider.ChatToHost, "Recording for the archive"); err != nil {
		t.Fatal(err)
	}
	if err := c.LeaveCall(ctx, long.ID); err != nil {
		t.Fatal(err)
	}
	b := pollBot(t, c, long.ID, terminal)
	ended := b.StatusChanges[len(b.StatusChanges)-2]
	if ended.Code != botprovider.StatusCallEnded || ended.SubCode != botprovider.SubCodeBotReceivedLeaveCall {
		t.Fatalf("statuses %v", codes(b))
	}
	var apiErr *botprovider.APIError
	if err := c.SendChatMessage(ctx, long.ID, "", "too late"); !errors.As(err, &apiErr) || apiErr.StatusCode != 400 || apiErr.Detail == "" {
		t.Fatalf("chat after done: %v", err)
	}
	if tr, _ := sim.Bot(long.ID); len(tr.ChatMessages) != 1 || tr.ChatMessages[0].To != "host" || !tr.LeftByAPI {
		t.Fatalf("truth %+v", tr)
	}

	d := pollBot(t, c, denied.ID, terminal)
	want := []string{"joining_call", "in_call_not_recording", "recording_permission_denied/" + botprovider.SubCodeZoomLocalRecordingDisabled,
		"call_ended/" + botprovider.SubCodeTimeoutExceededRecordingPermissionDenied, "done"}
	if got := codes(d); !slices.Equal(got, want) {
		t.Fatalf("denied bot: %v, want %v", got, want)
	}

	if _, err := c.GetBot(ctx, "00000000-0000-4000-8000-000000000000"); !errors.As(err, &apiErr) || apiErr.StatusCode != 404 {
		t.Fatalf("unknown bot: %v", err)
	}
	bad, _ := botprovider.New(botprovider.Config{BaseURL: c.BaseURL(), APIKey: "wrong"})
	if _, err := bad.GetBot(ctx, long.ID); !errors.As(err, &apiErr) || apiErr.StatusCode != 401 {
		t.Fatalf("wrong key: %v", err)
	}
	if _, err := c.CreateBot(ctx, botprovider.CreateBotRequest{MeetingURL: "https://zoom.us/my/hana"}); !errors.As(err, &apiErr) ||
		apiErr.StatusCode != 400 || apiErr.Detail == "" {
		t.Fatalf("bad meeting url: %v", err)
	}
}

// Idempotency-Key: a repeated key replays the first answer — the bot it
// made, or the 507 it got (so a retry after a refusal needs a new key);
// another key sends another bot.
func TestBotProviderIdempotentCreate(t *testing.T) {
	sim, c := clientSim(t, "webhook", "") // the pool refuses the first ad-hoc bot
	ctx := context.Background()
	req := botprovider.CreateBotRequest{MeetingURL: clientURL(clientLong), IdempotencyKey: "bot/acme/1/run/1"}
	var pool *botprovider.PoolExhaustedError
	for i := 0; i < 2; i++ {
		if _, err := c.CreateBot(ctx, req); !errors.As(err, &pool) {
			t.Fatalf("attempt %d: %v, want the (replayed) 507", i+1, err)
		}
	}
	req.IdempotencyKey = "bot/acme/1/run/1/1"
	first, err := c.CreateBot(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	again, err := c.CreateBot(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if again.ID != first.ID {
		t.Fatalf("retry with the same key made bot %s, want %s", again.ID, first.ID)
	}
	req.IdempotencyKey = "bot/acme/1/run/2"
	other, err := c.CreateBot(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if other.ID == first.ID {
		t.Fatal("a new key returned the old bot")
	}
	if n := len(sim.Bots()); n != 2 {
		t.Fatalf("%d bots in the simulator, want 2", n)
	}
}
