package activities

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/meetvault/meetvault/archive"
	"github.com/meetvault/meetvault/zoom"
)

func TestObjectKeyIsFlatAndStableForOddUUIDs(t *testing.T) {
	in := ArchiveFileInput{TenantID: "acme", Source: SourceMeeting, ConversationUUID: "/ab+c//d==",
		MeetingStart: time.Date(2026, 10, 7, 23, 30, 0, 0, time.FixedZone("x", -5*3600)),
		File:         RecordingFile{FileID: "f1", FileExtension: "MP4"}}
	got := ObjectKey(in)
	if want := "acme/meeting/2026/10/08/_ab-c__d==/f1.mp4"; got != want {
		t.Fatalf("key %q, want %q", got, want)
	}
	in.File = RecordingFile{FileID: "dl-1", FileType: "TIMELINE"}
	if got := ObjectKey(in); !strings.HasSuffix(got, "/dl-1.timeline") {
		t.Fatalf("file without extension: %q", got)
	}
}

func TestRefuseHTMLCatchesMislabelledErrorPages(t *testing.T) {
	if _, err := refuseHTML(strings.NewReader("<!DOCTYPE html><html><body>This recording does not exist</body></html>")); err == nil {
		t.Fatal("an HTML page passed as media")
	}
	media := "\x00\x00\x00\x18ftypmp42" + strings.Repeat("x", 1000)
	r, err := refuseHTML(strings.NewReader(media))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(r)
	if string(b) != media {
		t.Fatal("peeking lost bytes")
	}
	if r, err := refuseHTML(strings.NewReader("WEBVTT\n")); err != nil {
		t.Fatal(err)
	} else if b, _ := io.ReadAll(r); string(b) != "WEBVTT\n" {
		t.Fatal("short file changed")
	}
}

func TestClassifyGivesTypedActionableErrors(t *testing.T) {
	cases := []struct {
		err       error
		typ       string
		retryable bool
	}{
		{&zoom.HTMLResponseError{URL: "u", Status: 200, Snippet: "<html>"}, ErrHTMLErrorPage, false},
		{&errHTMLBody{snippet: "<html>"}, ErrHTMLErrorPage, false},
		{&archive.SizeMismatchError{Key: "k", Expected: 10, Got: 5}, ErrSizeMismatch, true},
		{fmt.Errorf("read: %w", io.ErrUnexpectedEOF), ErrTruncatedDownload, true},
		{fmt.Errorf("list: %w", zoom.ErrPageTokenExpired), ErrPageTokenExpired, false},
		{&zoom.TokenError{AccountID: "a", StatusCode: 400, Code: "invalid_client"}, ErrUnauthorized, false},
		{&zoom.RateLimitError{Category: "Heavy", Type: "QPS", RetryAfter: time.Now().Add(time.Second)}, ErrRateLimited, true},
		{&zoom.RateLimitError{Category: "Heavy", Type: "Daily-limit", Daily: true, RetryAfter: time.Now().Add(time.Hour)}, ErrDailyLimit, false},
		{fmt.Errorf("list: %w", &zoom.PermissionError{Err: &zoom.ErrorResponse{Code: 4711, Message: "Invalid access token, does not contain scopes:[x:y]."},
			Scopes: []string{"x:y"}}), ErrZoomPermission, false},
		{&zoom.PermissionError{Err: &zoom.ErrorResponse{Code: 200, Message: "No permission."}}, ErrZoomPermission, false},
	}
	for _, tc := range cases {
		err := classify(tc.err, "tenant acme: file f")
		var appErr *temporal.ApplicationError
		if !errors.As(err, &appErr) {
			t.Fatalf("%T: not an application error: %v", tc.err, err)
		}
		if appErr.Type() != tc.typ || appErr.NonRetryable() == tc.retryable {
			t.Errorf("%T: type %s retryable %v, want %s %v", tc.err, appErr.Type(), !appErr.NonRetryable(), tc.typ, tc.retryable)
		}
		if !strings.Contains(appErr.Error(), "tenant acme: file f") {
			t.Errorf("%T: message lacks context: %s", tc.err, appErr.Error())
		}
	}
}

func TestConversationType(t *testing.T) {
	for want, files := range map[string][]RecordingFile{
		"video":        {{FileType: "MP4", RecordingType: "shared_screen_with_speaker_view"}, {FileType: "M4A"}},
		"screen_share": {{FileType: "MP4", RecordingType: "shared_screen"}, {FileType: "M4A"}},
		"voice":        {{FileType: "M4A", RecordingType: "audio_only"}},
	} {
		if got := conversationType(files); got != want {
			t.Errorf("%v: %s, want %s", files, got, want)
		}
	}
}

func TestLocalRetryAfterUsesZoomsClock(t *testing.T) {
	now := time.Date(2026, 11, 22, 3, 0, 0, 0, time.UTC)
	resp := &http.Response{Header: http.Header{"Date": {"Sun, 22 Nov 2026 23:59:50 GMT"}}}
	rl := &zoom.RateLimitError{Response: resp, Daily: true, RetryAfter: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)}
	if got, want := localRetryAfter(rl, now), now.Add(10*time.Second); !got.Equal(want) {
		t.Fatalf("got %s, want %s (10 s after now, as Zoom's clock says)", got, want)
	}
	rl.Response = nil
	if got := localRetryAfter(rl, now); !got.Equal(rl.RetryAfter) {
		t.Fatalf("without Date: %s", got)
	}
	rl.RetryAfter = time.Time{}
	if got := localRetryAfter(rl, now); !got.Equal(time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("without Retry-After: %s", got)
	}
}

func TestPermissionErrorsNameTheScopeAndWhatToDo(t *testing.T) {
	err := classify(&zoom.PermissionError{Err: &zoom.ErrorResponse{Code: 4711},
		Scopes: []string{"cloud_recording:read:list_user_recordings:admin"}}, "tenant acme: list recordings")
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) || !appErr.NonRetryable() {
		t.Fatalf("%v: want a non-retryable application error", err)
	}
	for _, want := range []string{"cloud_recording:read:list_user_recordings:admin", "Marketplace", "not retried"} {
		if !strings.Contains(appErr.Error(), want) {
			t.Errorf("message %q lacks %q", appErr.Error(), want)
		}
	}
	found := false
	for _, typ := range NonRetryable {
		found = found || typ == ErrZoomPermission
	}
	if !found {
		t.Fatal("workflows must not retry ErrZoomPermission")
	}
}
