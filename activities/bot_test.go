package activities

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/meetvault/meetvault/botprovider"
	"github.com/meetvault/meetvault/netguard"
)

// fakeProviderServer serves one bot whose video is body (or an HTML page).
func fakeProviderServer(t *testing.T, body string, html bool) *httptest.Server {
	t.Helper()
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/api/v1/bot/b1/":
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"id":"b1","status_changes":[{"code":"done","created_at":"2026-11-22T10:00:00Z"}],
				"recordings":[{"id":"r1","started_at":"2026-11-22T09:00:00Z","completed_at":"2026-11-22T09:30:00Z",
				"media_shortcuts":{"video_mixed":{"id":"v1","status":{"code":"done"},"format":"mp4","data":{"download_url":"%s/media/v1.mp4"}}}}]}`, srv.URL)
		case r.URL.Path == "/api/v1/bot/":
			w.Header().Set("Retry-After", "7")
			w.WriteHeader(http.StatusInsufficientStorage)
			fmt.Fprint(w, `{"detail":"no bots available"}`)
		case r.URL.Path == "/media/v1.mp4" && html:
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, "<html><body>expired</body></html>")
		case r.URL.Path == "/media/v1.mp4":
			if rg := r.Header.Get("Range"); rg != "" {
				off, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(rg, "bytes="), "-"))
				w.Header().Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", off, len(body)-1, len(body)))
				w.WriteHeader(http.StatusPartialContent)
				fmt.Fprint(w, body[off:])
				return
			}
			fmt.Fprint(w, body)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func botActivities(t *testing.T, srv *httptest.Server) *Activities {
	c, err := botprovider.New(botprovider.Config{BaseURL: srv.URL, APIKey: "k"})
	if err != nil {
		t.Fatal(err)
	}
	media, err := netguard.HostOf("test bot media hosts", srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	return &Activities{Bots: c, HTTPClient: srv.Client(), Egress: Egress{BotMedia: media}}
}

// linkProvider serves bot b1 whose video link is link.
func linkProvider(t *testing.T, link string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"id":"b1","recordings":[{"id":"r1","media_shortcuts":{"video_mixed":{"id":"v1","status":{"code":"done"},"data":{"download_url":%q}}}}]}`, link)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// failureTexts is every message Temporal would store for err: the failure
// and each cause, as the default failure converter writes them.
func failureTexts(err error) []string {
	var out []string
	for f := temporal.GetDefaultFailureConverter().ErrorToFailure(err); f != nil; f = f.GetCause() {
		out = append(out, f.GetMessage())
	}
	return out
}

// Bot media links are signed S3 URLs. A failed download used to put the
// whole link, X-Amz-Signature included, into the activity error (history,
// then Postgres).
func TestBotMediaErrorsCarryNoSignature(t *testing.T) {
	dead := httptest.NewServer(http.NotFoundHandler())
	deadURL := dead.URL
	dead.Close() // connection refused from now on
	forbidden := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusForbidden)
	}))
	defer forbidden.Close()
	const query = "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIASECRETCRED%2F20261122&X-Amz-Signature=5ec7e75ec7e7&X-Amz-Security-Token=SESSIONSECRET"
	for name, link := range map[string]string{"connection refused": deadURL + "/v1.mp4" + query, "403": forbidden.URL + "/v1.mp4" + query} {
		t.Run(name, func(t *testing.T) {
			srv := linkProvider(t, link)
			a := botActivities(t, srv)
			a.Egress.BotMedia = a.Egress.BotMedia.Union(netguard.MustParse("test", "http://127.0.0.1:*"))
			in := ArchiveFileInput{Source: SourceBot, ConversationUUID: "b1", File: RecordingFile{FileID: "v1"}}
			_, err := a.openDownload(context.Background(), in, 0)
			if err == nil {
				t.Fatal("download succeeded")
			}
			texts := append(failureTexts(classify(err, "tenant t: bot file v1")), err.Error())
			for _, text := range texts {
				for _, secret := range []string{"5ec7e75ec7e7", "AKIASECRETCRED", "SESSIONSECRET"} {
					if strings.Contains(text, secret) {
						t.Fatalf("error text leaks %s: %s", secret, text)
					}
				}
			}
		})
	}
}

func TestBotMediaOffTheAllowlistIsRefused(t *testing.T) {
	var hits int
	inside := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits++ }))
	defer inside.Close()
	srv := linkProvider(t, "http://localhost:"+inside.URL[strings.LastIndex(inside.URL, ":")+1:]+"/admin?sig=x")
	a := botActivities(t, srv) // allows the provider's host (127.0.0.1:port), not localhost
	in := ArchiveFileInput{Source: SourceBot, ConversationUUID: "b1", File: RecordingFile{FileID: "v1"}}
	_, err := a.openDownload(context.Background(), in, 0)
	var appErr *temporal.ApplicationError
	if !errors.As(classify(err, "bot file"), &appErr) || appErr.Type() != ErrDownloadRefused || !appErr.NonRetryable() {
		t.Fatalf("err = %v, want a non-retryable %s", err, ErrDownloadRefused)
	}
	if hits != 0 {
		t.Fatalf("the refused link was fetched %d times", hits)
	}
}

func TestBotMediaListsTheRecordingWithoutItsLink(t *testing.T) {
	a := botActivities(t, fakeProviderServer(t, "video", false))
	res, err := a.BotMedia(context.Background(), BotStatusInput{BotID: "b1"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Files) != 1 || res.Files[0].FileID != "v1" || res.Files[0].FileExtension != "MP4" || res.Files[0].DownloadURL != "" {
		t.Fatalf("files %+v: want v1 (MP4) with no download link in history", res.Files)
	}
	if !res.StartedAt.Equal(time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)) {
		t.Fatalf("started %v", res.StartedAt)
	}
}

func TestOpenBotDownloadResumesWithRangeAndRefusesHTML(t *testing.T) {
	body := strings.Repeat("0123456789", 100)
	a := botActivities(t, fakeProviderServer(t, body, false))
	in := ArchiveFileInput{Source: SourceBot, ConversationUUID: "b1", File: RecordingFile{FileID: "v1"}}
	for _, off := range []int64{0, 250} {
		rc, err := a.openDownload(context.Background(), in, off)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(rc)
		rc.Close()
		if string(got) != body[off:] {
			t.Fatalf("offset %d: got %d bytes, want %d", off, len(got), len(body)-int(off))
		}
	}
	a = botActivities(t, fakeProviderServer(t, body, true))
	_, err := a.openDownload(context.Background(), in, 0)
	var h *errHTMLBody
	if !errors.As(err, &h) {
		t.Fatalf("an HTML page was not refused: %v", err)
	}
	in.File.FileID = "gone"
	_, err = a.openDownload(context.Background(), in, 0)
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) || appErr.Type() != ErrBotMediaMissing || !appErr.NonRetryable() {
		t.Fatalf("missing media: %v", err)
	}
}

func TestCreateBotPoolExhaustedIsRetriedAfterTheProvidersDelay(t *testing.T) {
	a := botActivities(t, fakeProviderServer(t, "", false))
	var s testsuite.WorkflowTestSuite
	env := s.NewTestActivityEnvironment()
	env.RegisterActivity(a.CreateBot)
	_, err := env.ExecuteActivity(a.CreateBot, CreateBotInput{TenantID: "t", MeetingURL: "https://zoom.us/j/85012345678"})
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) || appErr.Type() != ErrBotPoolExhausted || appErr.NonRetryable() {
		t.Fatalf("507: %v", err)
	}
	if d := appErr.NextRetryDelay(); d != 7*time.Second {
		t.Fatalf("507 retry delay %v, want the provider's Retry-After (7s)", d)
	}
}

func TestBotActivitiesWithoutAProviderSayHowToConfigureOne(t *testing.T) {
	a := &Activities{}
	_, err := a.CreateBot(context.Background(), CreateBotInput{})
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) || appErr.Type() != ErrBotsDisabled || !strings.Contains(err.Error(), "MEETVAULT_BOT_API_URL") {
		t.Fatalf("no provider: %v", err)
	}
	plan, err := a.PlanBot(context.Background(), PlanBotInput{TenantID: "t", MeetingID: "1"})
	if err != nil || plan.HostConnected || !strings.Contains(plan.Note, "MEETVAULT_ZOOM_USER_CLIENT_ID") {
		t.Fatalf("no host OAuth: %+v %v", plan, err)
	}
}

// CreateBot retried after a 507 uses a new Idempotency-Key (the provider
// would replay the 507 for the old one); retried after a lost answer it
// keeps the key and gets the same bot back.
func TestCreateBotRotatesItsIdempotencyKeyOnlyAfterARefusal(t *testing.T) {
	var mu sync.Mutex
	keys := []string{}
	refuse := true
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		keys = append(keys, r.Header.Get("Idempotency-Key"))
		if refuse {
			refuse = false
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusInsufficientStorage)
			return
		}
		w.WriteHeader(http.StatusCreated)
		fmt.Fprint(w, `{"id":"b1"}`)
	}))
	defer srv.Close()
	a := botActivities(t, srv)
	var s testsuite.WorkflowTestSuite
	env := s.NewTestActivityEnvironment()
	env.RegisterActivity(a.CreateBot)
	in := CreateBotInput{TenantID: "t", MeetingURL: "https://zoom.us/j/85012345678", IdempotencyKey: "bot/t/85012345678/run/1"}
	if _, err := env.ExecuteActivity(a.CreateBot, in); err == nil {
		t.Fatal("the 507 did not fail the attempt")
	}
	// The next attempt sees the first one's heartbeat details. (Without a
	// store the registration after the creation fails; only the key sent
	// matters here.)
	env.SetHeartbeatDetails(1)
	_, _ = env.ExecuteActivity(a.CreateBot, in)
	if len(keys) != 2 || keys[0] != "bot/t/85012345678/run/1" || keys[1] != "bot/t/85012345678/run/1/1" {
		t.Fatalf("keys sent %q, want the base key, then a rotated one", keys)
	}
}
