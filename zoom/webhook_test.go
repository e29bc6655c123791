package zoom

import (
	"errors"
	"net/http"
	"testing"
	"time"
)

// Vector computed independently with:
//
//	printf '%s' 'v0:1700000000:{"event":"meeting.started","payload":{"account_id":"acc1"}}' |
//	  openssl dgst -sha256 -hmac 'whsec-test-secret'
const (
	vecSecret = "whsec-test-secret"
	vecTS     = "1700000000"
	vecBody   = `{"event":"meeting.started","payload":{"account_id":"acc1"}}`
	vecSig    = "v0=62589c598ab65d1cb0899ee3fb69f5e2cdb0788b8c028df245bfcd0ff9202c3a"
)

func TestVerifyWebhook(t *testing.T) {
	at := time.Unix(1700000000, 0)
	hdr := func(sig, ts string) http.Header {
		h := http.Header{}
		if sig != "" {
			h.Set("X-Zm-Signature", sig)
		}
		if ts != "" {
			h.Set("X-Zm-Request-Timestamp", ts)
		}
		return h
	}
	tests := []struct {
		name   string
		secret string
		header http.Header
		body   string
		now    time.Time
		want   error
	}{
		{"valid", vecSecret, hdr(vecSig, vecTS), vecBody, at, nil},
		{"valid, 4m59s later", vecSecret, hdr(vecSig, vecTS), vecBody, at.Add(4*time.Minute + 59*time.Second), nil},
		{"valid, clock 4m behind", vecSecret, hdr(vecSig, vecTS), vecBody, at.Add(-4 * time.Minute), nil},
		{"wrong secret", "other-secret", hdr(vecSig, vecTS), vecBody, at, ErrWebhookBadSignature},
		{"body altered", vecSecret, hdr(vecSig, vecTS), vecBody + " ", at, ErrWebhookBadSignature},
		{"timestamp altered", vecSecret, hdr(vecSig, "1700000001"), vecBody, at, ErrWebhookBadSignature},
		{"uppercase hex still matches", vecSecret, hdr("v0=62589C598AB65D1CB0899EE3FB69F5E2CDB0788B8C028DF245BFCD0FF9202C3A", vecTS), vecBody, at, nil},
		{"no v0 prefix", vecSecret, hdr(vecSig[3:], vecTS), vecBody, at, ErrWebhookBadSignature},
		{"stale", vecSecret, hdr(vecSig, vecTS), vecBody, at.Add(5*time.Minute + time.Second), ErrWebhookStale},
		{"from the future", vecSecret, hdr(vecSig, vecTS), vecBody, at.Add(-6 * time.Minute), ErrWebhookStale},
		{"missing signature", vecSecret, hdr("", vecTS), vecBody, at, ErrWebhookMissingHeader},
		{"missing timestamp", vecSecret, hdr(vecSig, ""), vecBody, at, ErrWebhookMissingHeader},
		{"missing both", vecSecret, hdr("", ""), vecBody, at, ErrWebhookMissingHeader},
		{"timestamp in ms", vecSecret, hdr(vecSig, "1700000000000"), vecBody, at, ErrWebhookBadSignature},
		{"non-numeric timestamp", vecSecret, hdr(vecSig, "yesterday"), vecBody, at, ErrWebhookMissingHeader},
		{"no secret configured", "", hdr(vecSig, vecTS), vecBody, at, ErrWebhookNoSecret},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := VerifyWebhook(tt.secret, tt.header, []byte(tt.body), tt.now)
			if tt.want == nil && err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
	if got := WebhookSignature(vecSecret, 1700000000, []byte(vecBody)); got != vecSig {
		t.Errorf("WebhookSignature = %s", got)
	}
}

func TestURLValidationResponse(t *testing.T) {
	// printf '%s' 'plain-123' | openssl dgst -sha256 -hmac 'whsec-test-secret'
	const want = "500c9580e0e62c841e6dda0e558d6c110af3dd6b98bcdbe1a5dd3bc305042e1e"
	if got := URLValidationResponse(vecSecret, "plain-123"); got != want {
		t.Errorf("encryptedToken = %s, want %s", got, want)
	}
	if a := NewURLValidationAnswer(vecSecret, "plain-123"); a.PlainToken != "plain-123" || a.EncryptedToken != want {
		t.Errorf("answer = %+v", a)
	}
}

func TestParseRecordingCompleted(t *testing.T) {
	body := []byte(`{"event":"recording.completed","event_ts":1768471200123,"download_token":"dlt",
	  "payload":{"account_id":"acc-1","object":` + meetingJSON + `}}`)
	env, err := ParseWebhookEvent(body)
	if err != nil || env.Event != EventRecordingCompleted || !env.Time().Equal(time.UnixMilli(1768471200123)) {
		t.Fatalf("envelope = %+v, %v", env, err)
	}
	ev, err := ParseRecordingCompleted(body)
	if err != nil {
		t.Fatal(err)
	}
	if ev.DownloadToken != "dlt" || ev.Payload.AccountID != "acc-1" || ev.Payload.Object.UUID != "/ajXp112QmuoKj4854875==" ||
		len(ev.Payload.Object.RecordingFiles) != 3 || ev.Payload.Object.Type != MeetingTypeScheduled {
		t.Errorf("event = %+v", ev)
	}
	if _, err := ParseRecordingCompleted([]byte(`{"event":"meeting.started","payload":{}}`)); err == nil {
		t.Error("wrong event accepted")
	}
	if _, err := ParseWebhookEvent([]byte(`not json`)); err == nil {
		t.Error("garbage accepted")
	}
}

func TestParseTranscriptCompleted(t *testing.T) {
	body := []byte(`{"event":"recording.transcript_completed","event_ts":1768471200123,"download_token":"tr",` +
		`"payload":{"account_id":"A","object":{"uuid":"u==","recording_files":[{"id":"t1","file_type":"TRANSCRIPT",` +
		`"recording_type":"audio_transcript","download_url":"https://x.zoom.us/rec/webhook_download/a/b"}]}}}`)
	ev, err := ParseRecordingCompleted(body)
	if err != nil {
		t.Fatal(err)
	}
	if ev.DownloadToken != "tr" || len(ev.Payload.Object.RecordingFiles) != 1 || ev.Payload.Object.RecordingFiles[0].FileType != "TRANSCRIPT" {
		t.Fatalf("decoded %+v", ev)
	}
	if !IsRecordingEvent(EventTranscriptCompleted) || IsRecordingEvent("recording.trashed") {
		t.Fatal("IsRecordingEvent")
	}
	found := false
	for _, e := range SubscribedEvents {
		found = found || e == EventTranscriptCompleted
	}
	if !found {
		t.Fatal("the subscription list must include recording.transcript_completed")
	}
}
