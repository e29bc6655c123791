package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"go.temporal.io/api/serviceerror"

	"github.com/meetvault/meetvault/botprovider"
	"github.com/meetvault/meetvault/workflows"
)

const botSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

type fakeBots map[string]string

func (f fakeBots) BotWorkflow(_ context.Context, id string) (string, bool, error) {
	w, ok := f[id]
	return w, ok, nil
}

type fakeBotSignaler struct {
	got []workflows.BotStatusSignal
	wid []string
	err error
}

func (f *fakeBotSignaler) SignalBot(_ context.Context, wid string, s workflows.BotStatusSignal) error {
	if f.err != nil {
		return f.err
	}
	f.wid = append(f.wid, wid)
	f.got = append(f.got, s)
	return nil
}

func newTestBotWebhooks() (*botWebhooks, *fakeBotSignaler) {
	sig := &fakeBotSignaler{}
	return &botWebhooks{secret: botSecret, bots: fakeBots{"bot-1": "bot/acme/m1"}, signal: sig,
		now: func() time.Time { return testNow }, log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		metrics: newIngressMetrics()}, sig
}

// signedBot signs body like the provider: Standard Webhooks with the
// webhook-* headers, or the older svix-* ones.
func signedBot(t *testing.T, body []byte, ts time.Time, svix bool) *http.Request {
	sig, err := botprovider.SignWebhook(botSecret, "msg_1", ts, body)
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest("POST", "/webhooks/bot", bytes.NewReader(body))
	prefix := "webhook-"
	if svix {
		prefix = "svix-"
	}
	r.Header.Set(prefix+"id", "msg_1")
	r.Header.Set(prefix+"timestamp", strconv.FormatInt(ts.Unix(), 10))
	r.Header.Set(prefix+"signature", sig)
	return r
}

func serveBot(h *botWebhooks, r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.serve(w, r)
	return w
}

const deniedEvent = `{"event":"bot.recording_permission_denied","data":{"bot":{"id":"bot-1"},"data":{"code":"recording_permission_denied","sub_code":"zoom_local_recording_disabled","updated_at":"2026-11-22T11:59:00Z"}}}`

func TestBotWebhookSignalsTheBotsWorkflow(t *testing.T) {
	for _, svix := range []bool{false, true} {
		h, sig := newTestBotWebhooks()
		if w := serveBot(h, signedBot(t, []byte(deniedEvent), testNow, svix)); w.Code != 200 {
			t.Fatalf("svix=%v: status %d: %s", svix, w.Code, w.Body)
		}
		if len(sig.got) != 1 || sig.wid[0] != "bot/acme/m1" || sig.got[0].Code != "recording_permission_denied" ||
			sig.got[0].SubCode != "zoom_local_recording_disabled" || sig.got[0].BotID != "bot-1" {
			t.Fatalf("svix=%v: signals %+v to %v", svix, sig.got, sig.wid)
		}
	}
}

func TestBotWebhookRefusesOrIgnoresWithoutSignalling(t *testing.T) {
	cases := []struct {
		name   string
		req    func(t *testing.T) *http.Request
		status int
	}{
		{"bad signature", func(t *testing.T) *http.Request {
			r := signedBot(t, []byte(deniedEvent), testNow, false)
			r.Header.Set("webhook-signature", "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")
			return r
		}, 401},
		{"tampered body", func(t *testing.T) *http.Request {
			r := signedBot(t, []byte(deniedEvent), testNow, false)
			r.Body = io.NopCloser(bytes.NewReader(bytes.Replace([]byte(deniedEvent), []byte("denied"), []byte("allowed"), 1)))
			return r
		}, 401},
		{"stale timestamp", func(t *testing.T) *http.Request {
			return signedBot(t, []byte(deniedEvent), testNow.Add(-6*time.Minute), false)
		}, 401},
		{"missing headers", func(t *testing.T) *http.Request {
			return httptest.NewRequest("POST", "/webhooks/bot", bytes.NewReader([]byte(deniedEvent)))
		}, 401},
		{"malformed event", func(t *testing.T) *http.Request {
			return signedBot(t, []byte(`{"event":"bot.done","data":`), testNow, false)
		}, 400},
		{"unknown bot", func(t *testing.T) *http.Request {
			return signedBot(t, bytes.Replace([]byte(deniedEvent), []byte("bot-1"), []byte("bot-9"), 1), testNow, false)
		}, 200},
		{"not a status event", func(t *testing.T) *http.Request {
			return signedBot(t, []byte(`{"event":"transcript.done","data":{}}`), testNow, false)
		}, 200},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h, sig := newTestBotWebhooks()
			if w := serveBot(h, tc.req(t)); w.Code != tc.status {
				t.Fatalf("status %d, want %d (%s)", w.Code, tc.status, w.Body)
			}
			if len(sig.got) != 0 {
				t.Fatalf("signalled: %+v", sig.got)
			}
		})
	}
}

func TestBotWebhookRetriesOnlyWhatCanSucceed(t *testing.T) {
	h, sig := newTestBotWebhooks()
	sig.err = serviceerror.NewNotFound("workflow execution already completed")
	if w := serveBot(h, signedBot(t, []byte(deniedEvent), testNow, false)); w.Code != 200 {
		t.Fatalf("a status for a finished workflow is acknowledged: %d", w.Code)
	}
	sig.err = errors.New("temporal unavailable")
	if w := serveBot(h, signedBot(t, []byte(deniedEvent), testNow, false)); w.Code != 503 {
		t.Fatalf("a status that could not be delivered must be retried by the provider: %d", w.Code)
	}
	h.secret = ""
	if w := serveBot(h, signedBot(t, []byte(deniedEvent), testNow, false)); w.Code != 401 {
		t.Fatalf("without a configured secret nothing is accepted: %d", w.Code)
	}
}
