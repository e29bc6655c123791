package botprovider

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

const fuzzAPIKey = "fuzz-bot-api-key-never-in-errors-0815"

type cannedTransport struct {
	status int
	header http.Header
	body   []byte
}

func (c cannedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: c.status, Status: http.StatusText(c.status), Header: c.header.Clone(),
		Body: io.NopCloser(bytes.NewReader(c.body)), Request: r}, nil
}

// FuzzBotAPIResponses feeds arbitrary provider answers to every call the
// MeetingBot workflow's activities make. Properties: no panic; an answer
// outside 2xx is an error; no error repeats the API key; a bot returned
// without error has an id.
func FuzzBotAPIResponses(f *testing.F) {
	f.Add(uint8(0), 201, "", []byte(`{"id":"b1","meeting_url":{"meeting_id":"1"},"status_changes":[{"code":"joining_call","created_at":"2026-10-05T12:00:00Z"}]}`))
	f.Add(uint8(1), 200, "", []byte(`{"id":"b1","recordings":[{"id":"r","media_shortcuts":{"video_mixed":{"status":{"code":"done"},"data":{"download_url":"https://s3.test/x?X-Amz-Signature=abc"}}}}]}`))
	f.Add(uint8(0), 507, "30", []byte(`{"detail":"no bots available"}`))
	f.Add(uint8(1), 429, "2", []byte(`{"detail":"rate limited"}`))
	f.Add(uint8(2), 400, "", []byte(`{"code":"cannot_command_unstarted_bot"}`))
	f.Add(uint8(3), 200, "", []byte(`{}`))
	f.Add(uint8(0), 201, "", []byte(`{}`))
	f.Add(uint8(1), 200, "", []byte(`{"id":"b1","recordings":[{"media_shortcuts":{"video_mixed":{"status":"done","data":null}}}]}`))
	f.Fuzz(func(t *testing.T, which uint8, status int, retryAfter string, body []byte) {
		if status < 100 || status > 599 {
			status = 200 + (status%400+400)%400
		}
		h := http.Header{"Content-Type": {"application/json"}, "Retry-After": {retryAfter}}
		c, err := New(Config{BaseURL: "https://bots.provider.test", APIKey: fuzzAPIKey,
			HTTPClient: &http.Client{Transport: cannedTransport{status, h, body}}})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		var bot *Bot
		switch which % 4 {
		case 0:
			bot, err = c.CreateBot(ctx, CreateBotRequest{MeetingURL: "https://zoom.us/j/85012345678"})
		case 1:
			bot, err = c.GetBot(ctx, "b1")
		case 2:
			err = c.SendChatMessage(ctx, "b1", "host", "hello")
		case 3:
			err = c.LeaveCall(ctx, "b1")
		}
		if status >= 300 && err == nil {
			t.Fatalf("status %d accepted as success", status)
		}
		if err != nil {
			if strings.Contains(err.Error(), fuzzAPIKey) {
				t.Fatalf("error carries the API key: %v", err)
			}
			return
		}
		if which%4 == 0 && (bot == nil || bot.ID == "") {
			t.Fatalf("CreateBot accepted a bot without an id: %s", body)
		}
	})
}
