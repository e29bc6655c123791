package zoom

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// fuzzToken is the bearer token the fuzzed client holds: no error may
// repeat it, whatever Zoom answers.
const fuzzToken = "fuzz-bearer-token-do-not-leak-4711"

// cannedTransport answers every request with the fuzzed response.
type cannedTransport struct {
	status int
	header http.Header
	body   []byte
}

func (c cannedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{
		StatusCode: c.status, Status: http.StatusText(c.status), Header: c.header.Clone(),
		Body: io.NopCloser(bytes.NewReader(c.body)), ContentLength: int64(len(c.body)), Request: r,
	}, nil
}

func fuzzHeader(contentType, retryAfter, remaining, category string) http.Header {
	h := http.Header{}
	h.Set("Content-Type", contentType)
	h.Set("Retry-After", retryAfter)
	h.Set("X-RateLimit-Remaining", remaining)
	h.Set("X-RateLimit-Category", category)
	h.Set("Date", "Mon, 05 Oct 2026 12:00:00 GMT")
	return h
}

// FuzzAPIResponses feeds arbitrary Zoom answers (status, rate-limit headers,
// body) to every listing and lookup the pipeline makes. Properties: no
// panic; an answer outside 2xx is an error; no error carries the bearer
// token; a rate-limit error's retry delay is never negative.
func FuzzAPIResponses(f *testing.F) {
	f.Add(uint8(0), 200, "application/json", "", "", "", []byte(`{"users":[{"id":"u1","email":"a@b.c","type":2}],"next_page_token":""}`))
	f.Add(uint8(1), 200, "application/json", "", "", "", []byte(`{"meetings":[{"uuid":"//a==","id":123,"type":"2","topic":"t","start_time":"2026-10-05T15:00:00Z","recording_files":[{"id":"f","file_type":"MP4","file_size":12,"status":"completed","download_url":"https://zoom.us/rec/download/x"}]}]}`))
	f.Add(uint8(2), 200, "application/json", "", "", "", []byte(`{"uuid":"x","id":"123","recording_files":[{"file_type":"CC"}],"download_access_token":"t"}`))
	f.Add(uint8(3), 200, "application/json", "", "", "", []byte(`{"meetings":[{"uuid":"x","duration":"01:02:03","participants":"7"}]}`))
	f.Add(uint8(4), 429, "application/json", "3", "0", "Heavy", []byte(`{"code":429,"message":"You have reached the maximum daily rate limit"}`))
	f.Add(uint8(5), 401, "application/json", "", "", "", []byte(`{"code":124,"message":"Invalid access token."}`))
	f.Add(uint8(6), 200, "text/html", "", "", "", []byte(`<html>error</html>`))
	f.Add(uint8(1), 404, "application/json", "", "", "", []byte(`{"code":3301,"message":"This recording does not exist."}`))
	f.Add(uint8(7), 200, "application/json", "", "", "", []byte(`{"participants":[{"id":"p","user_email":"e","join_time":"x"}],"next_page_token":"n"}`))
	f.Fuzz(func(t *testing.T, which uint8, status int, contentType, retryAfter, remaining, category string, body []byte) {
		if status < 100 || status > 599 {
			status = 200 + (status%400+400)%400
		}
		c, err := NewClientWithTokenSource(Config{
			APIBaseURL: "https://api.zoom.test/v2",
			HTTPClient: &http.Client{Transport: cannedTransport{status, fuzzHeader(contentType, retryAfter, remaining, category), body}},
		}, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: fuzzToken, Expiry: time.Now().Add(time.Hour)}))
		if err != nil {
			t.Fatal(err)
		}
		c.now = func() time.Time { return time.Date(2026, 10, 5, 12, 0, 0, 0, time.UTC) }
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		from := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
		to := from.AddDate(0, 0, 27)
		switch which % 8 {
		case 0:
			_, _, err = c.Users.List(ctx, nil)
		case 1:
			_, _, err = c.Recordings.ListUser(ctx, "me", ListRecordingsOptions{From: from, To: to})
		case 2:
			_, _, err = c.Recordings.GetMeeting(ctx, "//uuid==", nil)
		case 3:
			_, _, err = c.Dashboards.ListMeetings(ctx, DashboardMeetingsOptions{From: from, To: to})
		case 4:
			_, _, err = c.Users.GetSettings(ctx, "me")
		case 5:
			_, _, err = c.Meetings.Get(ctx, "85012345678")
		case 6:
			_, _, err = c.Recordings.ListAccount(ctx, "me", ListRecordingsOptions{From: from, To: to})
		case 7:
			_, _, err = c.PastMeetings.ListParticipants(ctx, "//uuid==", nil)
		}
		if status >= 300 && err == nil {
			t.Fatalf("status %d accepted as success", status)
		}
		if err == nil {
			return
		}
		if strings.Contains(err.Error(), fuzzToken) {
			t.Fatalf("error carries the bearer token: %v", err)
		}
		if rl, ok := IsRateLimited(err); ok && rl.RetryDelay(c.now()) < 0 {
			t.Fatalf("negative retry delay %v", rl.RetryDelay(c.now()))
		}
	})
}

// FuzzRecordingFileJSON: whatever shape Zoom gives a recording file, a file
// that decodes re-encodes (activities carry files through workflow history
// as JSON) and decodes again to the same value.
func FuzzRecordingFileJSON(f *testing.F) {
	f.Add([]byte(`{"id":"f","meeting_id":"m","file_type":"MP4","file_extension":"MP4","file_size":123,"status":"completed","recording_start":"2026-10-05T15:00:00Z"}`))
	f.Add([]byte(`{"file_type":"TIMELINE","file_size":"12","download_url":"https://zoom.us/x"}`))
	f.Add([]byte(`{"id":1,"file_size":1e3}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var first RecordingFile
		if err := json.Unmarshal(b, &first); err != nil {
			return
		}
		enc, err := json.Marshal(first)
		if err != nil {
			t.Fatalf("a decoded file does not encode: %v", err)
		}
		var second RecordingFile
		if err := json.Unmarshal(enc, &second); err != nil {
			t.Fatalf("re-decoding %s: %v", enc, err)
		}
		again, _ := json.Marshal(second)
		if !bytes.Equal(enc, again) {
			t.Fatalf("round trip changed the file:\n%s\n%s", enc, again)
		}
	})
}

// FuzzMeetingIDFromURL: a link an operator pastes yields a meeting number
// of digits only, or an error.
func FuzzMeetingIDFromURL(f *testing.F) {
	for _, s := range []string{"https://zoom.us/j/85012345678?pwd=abc", "https://acme.zoom.us/my/room", "85012345678",
		"https://zoom.us/wc/join/850 1234 5678", "zoommtg://zoom.us/join?confno=85012345678", "https://evil.example/j/123"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, link string) {
		id, err := MeetingIDFromURL(link)
		if err != nil {
			return
		}
		if id == "" || strings.Trim(id, "0123456789") != "" {
			t.Fatalf("MeetingIDFromURL(%q) = %q: not a meeting number", link, id)
		}
	})
}

const fuzzClientSecret = "fuzz-client-secret-never-in-errors-2323"

var accessTokenValue = regexp.MustCompile(`"access_token"\s*:\s*"([^"]{8,})`)

// FuzzTokenAnswer feeds arbitrary answers of Zoom's token endpoint to the
// Server-to-Server OAuth flow. Properties: no panic; success means a
// non-empty token; no error repeats the client secret or an access token
// the (perhaps truncated) answer carried.
func FuzzTokenAnswer(f *testing.F) {
	f.Add(200, []byte(`{"access_token":"eyJhbGciOi.tok","token_type":"bearer","expires_in":3599,"scope":"user:read:admin"}`))
	f.Add(400, []byte(`{"reason":"Invalid client_id or client_secret","error":"invalid_client"}`))
	f.Add(200, []byte(`{"access_token":"eyJhbGciOiJIUzUxMiJ9.truncat`))
	f.Add(502, []byte(`<html>Bad gateway</html>`))
	f.Add(200, []byte(`{"token_type":"bearer"}`))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		if status < 100 || status > 599 {
			status = 200
		}
		c, err := NewClient(context.Background(), Config{
			APIBaseURL: "https://api.zoom.test/v2", OAuthBaseURL: "https://zoom.test",
			AccountID: "acct", ClientID: "cid", ClientSecret: fuzzClientSecret,
			HTTPClient: &http.Client{Transport: cannedTransport{status, http.Header{"Content-Type": {"application/json"}}, body}},
		})
		if err != nil {
			t.Fatal(err)
		}
		tok, err := c.AccessToken(context.Background())
		if err == nil {
			if tok == "" {
				t.Fatal("empty access token accepted")
			}
			return
		}
		msg := err.Error()
		if strings.Contains(msg, fuzzClientSecret) {
			t.Fatalf("error carries the client secret: %v", err)
		}
		if m := accessTokenValue.FindSubmatch(body); m != nil && strings.Contains(msg, string(m[1])) {
			t.Fatalf("error carries the access token of the answer: %v", err)
		}
	})
}
