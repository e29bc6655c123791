package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/meetvault/meetvault/activities"
	"github.com/meetvault/meetvault/zoom"
)

var testNow = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

type fakeDirectory map[string]webhookTenant

func (d fakeDirectory) ByID(_ context.Context, id string) (webhookTenant, bool) {
	t, ok := d[id]
	return t, ok
}

func (d fakeDirectory) ByAccount(_ context.Context, account string) (webhookTenant, bool) {
	for _, t := range d {
		if t.AccountID == account {
			return t, true
		}
	}
	return webhookTenant{}, false
}

func (d fakeDirectory) Only(context.Context) (webhookTenant, bool) {
	if len(d) != 1 {
		return webhookTenant{}, false
	}
	for _, t := range d {
		return t, true
	}
	return webhookTenant{}, false
}

type sinkCall struct {
	tenant, event, uuid, token string
	files                      int
}

type fakeSink struct {
	mu    sync.Mutex
	calls []sinkCall
	err   error
}

func (s *fakeSink) RecordingCompleted(_ context.Context, tenant string, m activities.Meeting, token string, _ time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, sinkCall{tenant: tenant, event: "recording.completed", uuid: m.UUID, token: token, files: len(m.Files)})
	return s.err
}

func (s *fakeSink) Note(_ context.Context, tenant, event, uuid string, _ time.Time, _ []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, sinkCall{tenant: tenant, event: event, uuid: uuid})
	return s.err
}

func newTestWebhooks() (*zoomWebhooks, *fakeSink) {
	sink := &fakeSink{}
	return &zoomWebhooks{
		tenants: fakeDirectory{
			"acme":   {ID: "acme", AccountID: "ACC-A", SecretToken: "secret-a"},
			"globex": {ID: "globex", AccountID: "ACC-G", SecretToken: "secret-g"},
		},
		sink: sink, appSecret: "app-secret",
		now: func() time.Time { return testNow }, log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		metrics: newIngressMetrics(),
	}, sink
}

func recordingCompleted(account, uuid string) []byte {
	return []byte(fmt.Sprintf(`{"event":"recording.completed","event_ts":%d,"download_token":"dl-tok","payload":{"account_id":%q,"object":{"uuid":%q,"id":123,"topic":"t","type":2,"start_time":"2026-11-20T10:00:00Z","recording_files":[{"id":"f1","file_type":"MP4","file_size":10,"status":"completed","download_url":"https://zoom.us/rec/download/x"}]}}}`,
		testNow.UnixMilli(), account, uuid))
}

func signed(method, path string, body []byte, secret string, ts time.Time) *http.Request {
	r := httptest.NewRequest(method, path, bytes.NewReader(body))
	r.Header.Set("x-zm-request-timestamp", strconv.FormatInt(ts.Unix(), 10))
	r.Header.Set("x-zm-signature", zoom.WebhookSignature(secret, ts.Unix(), body))
	return r
}

func serve(h *zoomWebhooks, r *http.Request) *httptest.ResponseRecorder {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /webhooks/zoom/{tenant}", h.tenantRoute)
	mux.HandleFunc("POST /webhooks/zoom", h.sharedRoute)
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, r)
	return w
}

func TestZoomWebhookAcceptsAVerifiedRecordingCompleted(t *testing.T) {
	for _, path := range []string{"/webhooks/zoom/acme", "/webhooks/zoom"} {
		h, sink := newTestWebhooks()
		w := serve(h, signed("POST", path, recordingCompleted("ACC-A", "/uu//id=="), "secret-a", testNow))
		if w.Code != http.StatusOK {
			t.Fatalf("%s: status %d: %s", path, w.Code, w.Body)
		}
		want := []sinkCall{{tenant: "acme", event: "recording.completed", uuid: "/uu//id==", token: "dl-tok", files: 1}}
		if fmt.Sprint(sink.calls) != fmt.Sprint(want) {
			t.Fatalf("%s: sink calls %v, want %v", path, sink.calls, want)
		}
	}
}

func TestZoomWebhookRefusesBadInputWithoutActing(t *testing.T) {
	good := recordingCompleted("ACC-A", "u1")
	cases := []struct {
		name   string
		req    func() *http.Request
		status int
	}{
		{"wrong signature", func() *http.Request {
			r := signed("POST", "/webhooks/zoom/acme", good, "secret-a", testNow)
			r.Header.Set("x-zm-signature", "v0="+strings.Repeat("ab", 32))
			return r
		}, 401},
		{"signed with another tenant's secret", func() *http.Request {
			return signed("POST", "/webhooks/zoom/acme", good, "secret-g", testNow)
		}, 401},
		{"another tenant's event on the shared route", func() *http.Request {
			return signed("POST", "/webhooks/zoom", good, "secret-g", testNow)
		}, 401},
		{"event for another account signed by this tenant", func() *http.Request {
			return signed("POST", "/webhooks/zoom/acme", recordingCompleted("ACC-G", "u1"), "secret-a", testNow)
		}, 403},
		{"stale timestamp", func() *http.Request {
			return signed("POST", "/webhooks/zoom/acme", good, "secret-a", testNow.Add(-6*time.Minute))
		}, 401},
		{"future timestamp", func() *http.Request {
			return signed("POST", "/webhooks/zoom/acme", good, "secret-a", testNow.Add(6*time.Minute))
		}, 401},
		{"replay of a valid delivery outside its window", func() *http.Request {
			return signed("POST", "/webhooks/zoom/acme", good, "secret-a", testNow.Add(-time.Hour))
		}, 401},
		{"missing headers", func() *http.Request {
			return httptest.NewRequest("POST", "/webhooks/zoom/acme", bytes.NewReader(good))
		}, 401},
		{"oversized body", func() *http.Request {
			big := append([]byte(`{"event":"recording.completed","pad":"`), bytes.Repeat([]byte("x"), maxWebhookBody)...)
			return signed("POST", "/webhooks/zoom/acme", append(big, '"', '}'), "secret-a", testNow)
		}, 413},
		{"malformed JSON", func() *http.Request {
			return signed("POST", "/webhooks/zoom/acme", []byte(`{"event":`), "secret-a", testNow)
		}, 400},
		{"recording.completed without a meeting", func() *http.Request {
			return signed("POST", "/webhooks/zoom/acme", []byte(`{"event":"recording.completed","payload":{"account_id":"ACC-A"}}`), "secret-a", testNow)
		}, 400},
		{"unknown account", func() *http.Request {
			return signed("POST", "/webhooks/zoom", recordingCompleted("ACC-X", "u1"), "secret-a", testNow)
		}, 401}, // same answer as a bad signature: tenants are not enumerable
		{"unknown tenant", func() *http.Request {
			return signed("POST", "/webhooks/zoom/nobody", good, "secret-a", testNow)
		}, 401},
		{"unknown event type", func() *http.Request {
			return signed("POST", "/webhooks/zoom/acme", []byte(`{"event":"user.created","payload":{"account_id":"ACC-A"}}`), "secret-a", testNow)
		}, 200},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h, sink := newTestWebhooks()
			w := serve(h, tc.req())
			if w.Code != tc.status {
				t.Fatalf("status %d, want %d (%s)", w.Code, tc.status, w.Body)
			}
			if len(sink.calls) != 0 {
				t.Fatalf("a refused or ignored delivery reached the pipeline: %v", sink.calls)
			}
		})
	}
}

func TestZoomWebhookSkewIsConfigurable(t *testing.T) {
	h, sink := newTestWebhooks()
	h.maxSkew = 3 * time.Hour
	if w := serve(h, signed("POST", "/webhooks/zoom/acme", recordingCompleted("ACC-A", "u1"), "secret-a", testNow.Add(2*time.Hour))); w.Code != 200 {
		t.Fatalf("within the configured skew: status %d", w.Code)
	}
	if w := serve(h, signed("POST", "/webhooks/zoom/acme", recordingCompleted("ACC-A", "u1"), "secret-a", testNow.Add(4*time.Hour))); w.Code != 401 {
		t.Fatalf("beyond the configured skew: status %d", w.Code)
	}
	if len(sink.calls) != 1 {
		t.Fatalf("calls %v", sink.calls)
	}
}

func TestZoomWebhookAnswersURLValidation(t *testing.T) {
	body := []byte(`{"event":"endpoint.url_validation","event_ts":1,"payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"}}`)
	for path, secret := range map[string]string{"/webhooks/zoom/acme": "secret-a", "/webhooks/zoom": "app-secret"} {
		h, sink := newTestWebhooks()
		w := serve(h, signed("POST", path, body, secret, testNow))
		if w.Code != 200 {
			t.Fatalf("%s: status %d: %s", path, w.Code, w.Body)
		}
		var got zoom.URLValidationAnswer
		if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
			t.Fatal(err)
		}
		// Computed independently: HMAC-SHA256(secret, plainToken), hex.
		if want := zoom.URLValidationResponse(secret, "qgg8vlvZRS6UYooatFL8Aw"); got.EncryptedToken != want || got.PlainToken != "qgg8vlvZRS6UYooatFL8Aw" {
			t.Fatalf("%s: answer %+v, want encryptedToken %s", path, got, want)
		}
		if len(sink.calls) != 0 {
			t.Fatalf("validation reached the pipeline: %v", sink.calls)
		}
	}
}

func TestZoomWebhookNotesOtherEventsAndAsksZoomToRetryWhenNotDurable(t *testing.T) {
	h, sink := newTestWebhooks()
	body := []byte(`{"event":"recording.deleted","event_ts":1,"payload":{"account_id":"ACC-G","object":{"uuid":"u9"}}}`)
	if w := serve(h, signed("POST", "/webhooks/zoom/globex", body, "secret-g", testNow)); w.Code != 200 {
		t.Fatalf("status %d", w.Code)
	}
	if len(sink.calls) != 1 || sink.calls[0].event != "recording.deleted" || sink.calls[0].tenant != "globex" || sink.calls[0].uuid != "u9" {
		t.Fatalf("calls %v", sink.calls)
	}
	sink.err = errors.New("temporal unavailable")
	if w := serve(h, signed("POST", "/webhooks/zoom/acme", recordingCompleted("ACC-A", "u1"), "secret-a", testNow)); w.Code != http.StatusServiceUnavailable {
		t.Fatalf("a delivery that is not durable must not be acknowledged: status %d", w.Code)
	}
}

// transcriptCompleted is a recording.transcript_completed as Zoom sends it:
// its own download_token and only the TRANSCRIPT file, whose webhook URL is
// not the API's.
func transcriptCompleted(account, uuid string) []byte {
	return []byte(fmt.Sprintf(`{"event":"recording.transcript_completed","event_ts":%d,"download_token":"tr-tok","payload":{"account_id":%q,"object":{"uuid":%q,"id":123,"topic":"t","type":2,"start_time":"2026-11-20T10:00:00Z","recording_files":[{"id":"tr1","file_type":"TRANSCRIPT","file_extension":"VTT","file_size":10,"status":"completed","recording_type":"audio_transcript","download_url":"https://acme.zoom.us/rec/webhook_download/a/b"}]}}}`,
		testNow.UnixMilli(), account, uuid))
}

func TestZoomWebhookArchivesTranscriptCompletedLikeRecordingCompleted(t *testing.T) {
	for _, path := range []string{"/webhooks/zoom/acme", "/webhooks/zoom"} {
		h, sink := newTestWebhooks()
		if w := serve(h, signed("POST", path, recordingCompleted("ACC-A", "u1"), "secret-a", testNow)); w.Code != http.StatusOK {
			t.Fatalf("%s: recording.completed: status %d: %s", path, w.Code, w.Body)
		}
		if w := serve(h, signed("POST", path, transcriptCompleted("ACC-A", "u1"), "secret-a", testNow)); w.Code != http.StatusOK {
			t.Fatalf("%s: transcript_completed: status %d: %s", path, w.Code, w.Body)
		}
		// Both go through the sink's durable path (token sealed, then
		// signal-with-start), the transcript with its own token.
		want := []sinkCall{
			{tenant: "acme", event: "recording.completed", uuid: "u1", token: "dl-tok", files: 1},
			{tenant: "acme", event: "recording.completed", uuid: "u1", token: "tr-tok", files: 1},
		}
		if fmt.Sprint(sink.calls) != fmt.Sprint(want) {
			t.Fatalf("%s: sink calls %v, want %v", path, sink.calls, want)
		}
	}
}

func TestZoomWebhookTranscriptCompletedIsAcknowledgedOnlyOnceDurable(t *testing.T) {
	h, sink := newTestWebhooks()
	sink.err = errors.New("postgres unavailable")
	if w := serve(h, signed("POST", "/webhooks/zoom/acme", transcriptCompleted("ACC-A", "u1"), "secret-a", testNow)); w.Code != http.StatusServiceUnavailable {
		t.Fatalf("status %d, want 503 so that Zoom retries", w.Code)
	}
	empty := []byte(`{"event":"recording.transcript_completed","payload":{"account_id":"ACC-A"}}`)
	sink.err = nil
	if w := serve(h, signed("POST", "/webhooks/zoom/acme", empty, "secret-a", testNow)); w.Code != http.StatusBadRequest {
		t.Fatalf("transcript event without a meeting: status %d", w.Code)
	}
	if w := serve(h, signed("POST", "/webhooks/zoom/acme", transcriptCompleted("ACC-G", "u1"), "secret-a", testNow)); w.Code != http.StatusForbidden {
		t.Fatalf("transcript event about another account: status %d", w.Code)
	}
	if len(sink.calls) != 1 {
		t.Fatalf("calls %v: only the first (failed) delivery should have reached the sink", sink.calls)
	}
}
