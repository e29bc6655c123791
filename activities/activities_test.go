package activities

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/meetvault/meetvault/archive"
	"github.com/meetvault/meetvault/netguard"
	"github.com/meetvault/meetvault/zoom"
)

func TestObjectKeyIsFlatAndStableForOddUUIDs(t *testing.T) {
	in := ArchiveFileInput{TenantID: "acme", Source: SourceMeeting, ConversationUUID: "/ab+c//d==",
		MeetingStart: time.Date(2026, 10, 7, 23, 30, 0, 0, time.FixedZone("x", -5*3600)),
		File:         RecordingFile{FileID: "f1", FileExtension: "MP4"}}
	got, err := ObjectKey(in)
	if err != nil {
		t.Fatal(err)
	}
	if want := "acme/meeting/2026/10/08/_ab-c__d==/f1.mp4"; got != want {
		t.Fatalf("key %q, want %q", got, want)
	}
	in.File = RecordingFile{FileID: "dl-1", FileType: "TIMELINE"}
	if got, _ := ObjectKey(in); !strings.HasSuffix(got, "/dl-1.timeline") {
		t.Fatalf("file without extension: %q", got)
	}
}

// File ids, extensions and UUIDs come from Zoom (or from whoever signs a
// webhook): none of them can move a key out of {tenant}/{source}/.
func TestObjectKeyStaysInTheTenantsPrefix(t *testing.T) {
	hostile := []string{"../../other-tenant/meeting/x", "..", ".", "a/b", "a\\b", "x\x00y", "f\n1", "", "~abc", "%2e%2e", strings.Repeat("a", 300)}
	seen := map[string]string{}
	for _, id := range hostile {
		for _, ext := range []string{"MP4", "../../mp4", "m/p4", "", "a.b"} {
			for _, uuid := range []string{"abc==", "../..", "..", "/../../x", "a\x00b", ""} {
				in := ArchiveFileInput{TenantID: "acme", Source: SourceMeeting, ConversationUUID: uuid,
					File: RecordingFile{FileID: id, FileExtension: ext, FileType: "MP4"}}
				key, err := ObjectKey(in)
				if err != nil {
					t.Fatalf("id %q ext %q uuid %q: %v", id, ext, uuid, err)
				}
				if !strings.HasPrefix(key, "acme/meeting/undated/") || strings.Contains(key, "..") || strings.Contains(key, "//") ||
					strings.ContainsAny(key, "\x00\n\\") || len(strings.Split(key, "/")) != 5 {
					t.Fatalf("id %q ext %q uuid %q: key %q leaves the prefix or has odd segments", id, ext, uuid, key)
				}
			}
		}
		seg := fileIDSegment(id)
		if prev, dup := seen[seg]; dup {
			t.Fatalf("ids %q and %q share the key segment %q", prev, id, seg)
		}
		seen[seg] = id
	}
	// An id Zoom could send stays readable; an odd one is hashed, and the
	// two forms never meet.
	plain, _ := ObjectKey(ArchiveFileInput{TenantID: "acme", Source: SourceMeeting, ConversationUUID: "u", File: RecordingFile{FileID: "a2f1-9f96_x", FileExtension: "M4A"}})
	if !strings.HasSuffix(plain, "/u/a2f1-9f96_x.m4a") {
		t.Fatalf("plain id: %q", plain)
	}
	odd, _ := ObjectKey(ArchiveFileInput{TenantID: "acme", Source: SourceMeeting, ConversationUUID: "u", File: RecordingFile{FileID: "../x", FileExtension: "M4A"}})
	if !strings.Contains(odd, "/u/~") {
		t.Fatalf("odd id: %q", odd)
	}
	for _, bad := range []ArchiveFileInput{{TenantID: "acme/../beta", Source: SourceMeeting}, {TenantID: "..", Source: SourceMeeting},
		{TenantID: "acme", Source: "../beta"}, {TenantID: "", Source: SourceMeeting}} {
		if _, err := ObjectKey(bad); !errors.Is(err, errKeyInvalid) {
			t.Errorf("tenant %q source %q: err %v, want errKeyInvalid", bad.TenantID, bad.Source, err)
		}
	}
	if err := checkObjectKey("acme/meeting/../beta/x", "acme", "meeting"); err == nil {
		t.Error("checkObjectKey passed a dot-dot segment")
	}
	if err := checkObjectKey("beta/meeting/x", "acme", "meeting"); err == nil {
		t.Error("checkObjectKey passed another tenant's prefix")
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
		{fmt.Errorf("zoom: download: %w", &netguard.RefusedError{URL: "https://evil.example/x", Reason: "not on the allowlist"}), ErrDownloadRefused, false},
		{fmt.Errorf("read: %w", &TooLargeError{Limit: 10}), ErrDownloadTooLarge, false},
		{fmt.Errorf("%w (k)", archive.ErrObjectExists), ErrObjectConflict, false},
		{fmt.Errorf("%w: x", errKeyInvalid), ErrObjectKeyInvalid, false},
		{fmt.Errorf("archive: open source: %w", temporal.NewNonRetryableApplicationError("gone", ErrBotMediaMissing, nil)), ErrBotMediaMissing, false},
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

func TestClassifyScrubsSecretsFromEveryLevel(t *testing.T) {
	inner := fmt.Errorf(`Get "https://ssrweb.zoom.us/rec/x.mp4?access_token=TOKEN1&download_token=TOKEN2&X-Amz-Signature=SIG3": %w`, io.ErrUnexpectedEOF)
	err := classify(fmt.Errorf("archive: k: read: %w", inner), "tenant acme: file https://zoom.us/rec/download/f?access_token=TOKEN4")
	texts := []string{err.Error()}
	for f := temporal.GetDefaultFailureConverter().ErrorToFailure(err); f != nil; f = f.GetCause() {
		texts = append(texts, f.GetMessage())
	}
	if len(texts) < 3 {
		t.Fatalf("expected a cause chain, got %q", texts)
	}
	for _, text := range texts {
		for _, secret := range []string{"TOKEN1", "TOKEN2", "SIG3", "TOKEN4"} {
			if strings.Contains(text, secret) {
				t.Fatalf("%s leaked into %q", secret, text)
			}
		}
	}
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) || appErr.Type() != ErrTruncatedDownload {
		t.Fatalf("classification lost: %v", err)
	}
}

func TestCapReaderStopsUnannouncedDownloads(t *testing.T) {
	rc := capReader(io.NopCloser(strings.NewReader(strings.Repeat("x", 100))), 100)
	if b, err := io.ReadAll(rc); err != nil || len(b) != 100 {
		t.Fatalf("at the cap: %d bytes, %v", len(b), err)
	}
	rc = capReader(io.NopCloser(strings.NewReader(strings.Repeat("x", 101))), 100)
	_, err := io.ReadAll(rc)
	var tl *TooLargeError
	if !errors.As(err, &tl) || !strings.Contains(err.Error(), "MEETVAULT_DOWNLOAD_MAX_UNKNOWN_SIZE_MIB") {
		t.Fatalf("past the cap: %v", err)
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

func TestDownloadPolicyPerTenant(t *testing.T) {
	a := &Activities{Egress: Egress{
		Downloads:       netguard.MustParse("MEETVAULT_DOWNLOAD_ALLOWED_HOSTS", netguard.DefaultZoomHosts),
		TenantDownloads: map[string]netguard.Allowlist{"acme": netguard.MustParse("T", "zoom.us,files.acme.example")},
	}}
	acme, other := a.downloadPolicy("acme").Guard, a.downloadPolicy("globex").Guard
	files, _ := url.Parse("https://files.acme.example/rec/1.mp4")
	sub, _ := url.Parse("https://us06web.zoom.us/rec/download/1")
	if acme.Check(files) != nil || other.Check(files) == nil {
		t.Error("the tenant's own list is not applied to it alone")
	}
	if acme.Check(sub) == nil || other.Check(sub) != nil {
		t.Error("a tenant list replaces the default list")
	}
	if a.downloadPolicy("globex") != a.downloadPolicy("initech") || a.downloadPolicy("acme") == a.downloadPolicy("globex") {
		t.Error("tenants with the same list share one policy (and transport); others do not")
	}
	zero := &Activities{}
	if zero.downloadPolicy("x").Guard.Check(sub) != nil || zero.downloadPolicy("x").Guard.Check(files) == nil {
		t.Error("the zero Egress must allow Zoom's hosts only")
	}
}

func TestFinalAttemptAbortsOnlyWhenNoRetryFollows(t *testing.T) {
	ctx := context.Background()
	if !finalAttempt(ctx, classify(&zoom.HTMLResponseError{URL: "u", Status: 200}, "f")) {
		t.Error("a non-retryable failure is final")
	}
	if finalAttempt(ctx, classify(fmt.Errorf("x: %w", io.ErrUnexpectedEOF), "f")) {
		t.Error("a truncated download is retried (outside an activity no attempt count is known)")
	}
}

func TestClassifyTwiceKeepsTypeRetryabilityAndDetails(t *testing.T) {
	first := classify(&zoom.RateLimitError{Category: "Heavy", Type: "Daily-limit", Daily: true, RetryAfter: time.Now().Add(time.Hour)}, "list")
	again := classify(fmt.Errorf("wrapped: %w", first), "outer")
	var appErr *temporal.ApplicationError
	if !errors.As(again, &appErr) || appErr.Type() != ErrDailyLimit || !appErr.NonRetryable() {
		t.Fatalf("re-classified: %v", again)
	}
	var d DailyLimitDetails
	if err := appErr.Details(&d); err != nil || d.RetryAfter.IsZero() {
		t.Fatalf("details lost: %v %+v", err, d)
	}
	if _, ok := again.(*temporal.ApplicationError); !ok {
		t.Fatalf("top-level %T: Temporal reads type and retryability only there", again)
	}
}
