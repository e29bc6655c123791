package zoom

import (
	"bytes"
	"io"
	"net/http"
	"testing"
	"time"
)

// FuzzCheckResponse feeds arbitrary error answers to the client's error
// typing: it never panics, and only Zoom's permission codes (or a message
// naming missing scopes) become a *PermissionError, whose scopes come from
// the message.
func FuzzCheckResponse(f *testing.F) {
	f.Add(400, []byte(`{"code":4711,"message":"Invalid access token, does not contain scopes:[a:b, c:d]."}`))
	f.Add(401, []byte(`{"code":4700,"message":"Invalid access token, does not contain scopes."}`))
	f.Add(400, []byte(`{"code":200,"message":"No permission."}`))
	f.Add(400, []byte(`{"code":300,"message":"The next page token is invalid or expired."}`))
	f.Add(429, []byte(`{"code":429,"message":"daily"}`))
	f.Add(500, []byte(`<html>`))
	c := &Client{now: time.Now}
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		if status < 100 || status > 599 {
			return
		}
		r := &http.Response{StatusCode: status, Header: http.Header{}, Body: io.NopCloser(bytes.NewReader(body))}
		err := c.checkResponse(r)
		if status >= 200 && status < 300 {
			if err != nil {
				t.Fatalf("2xx gave %v", err)
			}
			return
		}
		if err == nil {
			t.Fatalf("%d gave no error", status)
		}
		_ = err.Error()
		if pe, ok := IsPermissionError(err); ok {
			if status == http.StatusTooManyRequests {
				t.Fatal("a 429 taken for a permission error")
			}
			if IsUnauthorized(err) {
				t.Fatal("a permission error must not reset the token")
			}
			for _, s := range pe.Scopes {
				if s == "" || !bytes.Contains(body, []byte(s)) && pe.Err.Message != "" && !bytes.Contains([]byte(pe.Err.Message), []byte(s)) {
					t.Fatalf("scope %q not from the message %q", s, pe.Err.Message)
				}
			}
		}
	})
}
