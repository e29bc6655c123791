package zoom

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/meetvault/meetvault/netguard"
)

var fileBytes = []byte(strings.Repeat("0123456789", 100)) // 1000 bytes

// fileServer serves fileBytes at /rec/download/f1 to requests authorised
// with "Bearer dl-token" (or ?access_token=dl-token when queryOnly).
func fileServer(t *testing.T, queryOnly, honourRange bool) (*httptest.Server, *[]*http.Request) {
	var seen []*http.Request
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = append(seen, r.Clone(context.Background()))
		ok := r.URL.Query().Get("access_token") == "dl-token"
		if !queryOnly {
			ok = ok || r.Header.Get("Authorization") == "Bearer dl-token"
		}
		if !ok {
			writeJSON(w, 401, map[string]any{"code": 124, "message": "Invalid access token."})
			return
		}
		w.Header().Set("Content-Type", "video/mp4")
		if honourRange {
			http.ServeContent(w, r, "f1.mp4", time.Time{}, bytes.NewReader(fileBytes))
			return
		}
		_, _ = w.Write(fileBytes)
	}))
	t.Cleanup(srv.Close)
	return srv, &seen
}

// downloadClient allows downloads from the servers; the first is Zoom (its
// host may receive the token), the others are storage.
func downloadClient(t *testing.T, servers ...*httptest.Server) *Client {
	t.Helper()
	var hosts []string
	for _, s := range servers {
		hosts = append(hosts, "http://"+s.Listener.Addr().String())
	}
	allowed := netguard.MustParse("test download hosts", strings.Join(hosts, ","))
	tokenHosts := netguard.MustParse("test token hosts", hosts[0])
	c, err := NewClient(context.Background(), Config{AccountID: "a", ClientID: "c", ClientSecret: "s",
		Downloads: &DownloadPolicy{Guard: netguard.New(allowed), TokenHosts: tokenHosts}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func readAll(t *testing.T, d *Download) []byte {
	t.Helper()
	defer d.Body.Close()
	b, err := io.ReadAll(d.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestOpenDownloadRange(t *testing.T) {
	tests := []struct {
		name        string
		honourRange bool
		offset      int64
		wantOffset  int64
		wantStatus  int
		wantTotal   int64
	}{
		{"whole file", true, 0, 0, 200, 1000},
		{"resume honoured (206)", true, 400, 400, 206, 1000},
		{"range ignored (200)", false, 400, 0, 200, 1000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, seen := fileServer(t, false, tt.honourRange)
			c := downloadClient(t, srv)
			d, err := c.OpenDownload(context.Background(), srv.URL+"/rec/download/f1", "dl-token", tt.offset)
			if err != nil {
				t.Fatal(err)
			}
			body := readAll(t, d)
			if d.Offset != tt.wantOffset || d.StatusCode != tt.wantStatus || d.TotalSize != tt.wantTotal {
				t.Errorf("offset %d status %d total %d; want %d %d %d", d.Offset, d.StatusCode, d.TotalSize, tt.wantOffset, tt.wantStatus, tt.wantTotal)
			}
			if !bytes.Equal(body, fileBytes[d.Offset:]) || d.ContentLength != int64(len(body)) {
				t.Errorf("body %d bytes (ContentLength %d), want file from %d", len(body), d.ContentLength, d.Offset)
			}
			if d.ContentType != "video/mp4" {
				t.Errorf("content type %q", d.ContentType)
			}
			r := (*seen)[0]
			if r.Header.Get("Authorization") != "Bearer dl-token" {
				t.Errorf("Authorization = %q", r.Header.Get("Authorization"))
			}
			wantRange := ""
			if tt.offset > 0 {
				wantRange = "bytes=400-"
			}
			if r.Header.Get("Range") != wantRange {
				t.Errorf("Range = %q, want %q", r.Header.Get("Range"), wantRange)
			}
		})
	}
}

func TestOpenDownloadFallsBackToQueryToken(t *testing.T) {
	srv, seen := fileServer(t, true, true)
	c := downloadClient(t, srv)
	d, err := c.OpenDownload(context.Background(), srv.URL+"/rec/download/f1?x=1", "dl-token", 0)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(readAll(t, d), fileBytes) {
		t.Error("wrong body")
	}
	if len(*seen) != 2 {
		t.Fatalf("%d requests, want 2", len(*seen))
	}
	second := (*seen)[1]
	if second.URL.Query().Get("access_token") != "dl-token" || second.URL.Query().Get("x") != "1" || second.Header.Get("Authorization") != "" {
		t.Errorf("fallback request: %s auth %q", second.URL, second.Header.Get("Authorization"))
	}
	if strings.Contains(d.URL, "dl-token") {
		t.Errorf("Download.URL leaks the token: %s", d.URL)
	}
}

func TestOpenDownloadUnauthorizedDoesNotLeakToken(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 401, map[string]any{"code": 124, "message": "Invalid access token."})
	}))
	defer srv.Close()
	c := downloadClient(t, srv)
	_, err := c.OpenDownload(context.Background(), srv.URL+"/rec/download/f1", "secret-token", 0)
	var er *ErrorResponse
	if !errors.As(err, &er) || !IsUnauthorized(err) {
		t.Fatalf("err = %T %v", err, err)
	}
	if strings.Contains(err.Error(), "secret-token") {
		t.Errorf("error leaks the token: %v", err)
	}
}

func TestOpenDownloadHTML(t *testing.T) {
	page := "<!DOCTYPE html><html><head><title>Error - Zoom</title></head><body>" + strings.Repeat("x", 10000) + "</body></html>"
	for _, ctype := range []string{"text/html;charset=utf-8", ""} {
		t.Run("content-type="+ctype, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if ctype != "" {
					w.Header().Set("Content-Type", ctype)
				} else {
					w.Header()["Content-Type"] = nil // suppress Go's sniffing
				}
				_, _ = io.WriteString(w, page)
			}))
			defer srv.Close()
			c := downloadClient(t, srv)
			_, err := c.OpenDownload(context.Background(), srv.URL+"/rec/download/gone?access_token=tok", "tok", 0)
			var he *HTMLResponseError
			if !errors.As(err, &he) {
				t.Fatalf("err = %T %v, want *HTMLResponseError", err, err)
			}
			if he.Status != 200 || len(he.Snippet) != 4096 || !strings.HasPrefix(he.Snippet, "<!DOCTYPE html>") {
				t.Errorf("status %d snippet %d bytes", he.Status, len(he.Snippet))
			}
			if strings.Contains(he.URL, "=tok") || strings.Contains(err.Error(), "=tok") {
				t.Errorf("token leaked: %s", he.URL)
			}
			if !strings.Contains(err.Error(), "download_access_token") {
				t.Errorf("error gives no advice: %v", err)
			}
		})
	}
}

// signedStorage serves fileBytes to requests carrying ?sig=s3cr3t (a
// signed URL) and records what it saw.
func signedStorage(t *testing.T) (*httptest.Server, *[]*http.Request) {
	var seen []*http.Request
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = append(seen, r.Clone(context.Background()))
		if r.URL.Query().Get("sig") != "s3cr3t" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "video/mp4")
		http.ServeContent(w, r, "f1.mp4", time.Time{}, bytes.NewReader(fileBytes))
	}))
	t.Cleanup(srv.Close)
	return srv, &seen
}

func TestOpenDownloadRedirects(t *testing.T) {
	// zoom checks the token (bearer or query) on a same-host hop, then
	// redirects to a signed URL on another host (another port).
	storage, storageSeen := signedStorage(t)
	var zoomSeen []*http.Request
	zoom := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		zoomSeen = append(zoomSeen, r.Clone(context.Background()))
		switch r.URL.Path {
		case "/rec/download/f1": // same-host hop first
			http.Redirect(w, r, "/rec/hop/f1", http.StatusFound)
		case "/rec/hop/f1":
			if r.Header.Get("Authorization") != "Bearer dl-token" && r.URL.Query().Get("access_token") != "dl-token" {
				writeJSON(w, 401, map[string]any{"code": 124, "message": "Invalid access token."})
				return
			}
			http.Redirect(w, r, storage.URL+"/rec/file/f1?sig=s3cr3t", http.StatusFound)
		}
	}))
	defer zoom.Close()

	c := downloadClient(t, zoom, storage)
	d, err := c.OpenDownload(context.Background(), zoom.URL+"/rec/download/f1", "dl-token", 100)
	if err != nil {
		t.Fatal(err)
	}
	if body := readAll(t, d); !bytes.Equal(body, fileBytes[100:]) || d.Offset != 100 {
		t.Errorf("body %d bytes offset %d", len(body), d.Offset)
	}
	if len(zoomSeen) != 2 || zoomSeen[1].Header.Get("Authorization") != "Bearer dl-token" {
		t.Errorf("same-host redirect lost the bearer token: %d requests", len(zoomSeen))
	}
	if len(*storageSeen) != 1 {
		t.Fatalf("storage saw %d requests, want 1", len(*storageSeen))
	}
	if got := (*storageSeen)[0]; got.Header.Get("Authorization") != "" || got.URL.Query().Get("access_token") != "" || got.Header.Get("Range") != "bytes=100-" {
		t.Errorf("storage request: %s auth %q range %q", got.URL, got.Header.Get("Authorization"), got.Header.Get("Range"))
	}
	if strings.Contains(d.URL, "s3cr3t") {
		t.Errorf("Download.URL leaks the signature: %s", d.URL)
	}
}

// A 401 from the redirect target used to be retried with ?access_token= on
// the target itself, handing the tenant's token to whoever Zoom (or a forged
// download_url) redirected to. The fallback now goes to the Zoom URL only,
// and the storage host never sees the token.
func TestOpenDownloadQueryFallbackNeverGoesToRedirectTarget(t *testing.T) {
	storage, storageSeen := signedStorage(t)
	zoom := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, storage.URL+"/rec/file/f1?sig=wrong", http.StatusFound)
	}))
	defer zoom.Close()
	c := downloadClient(t, zoom, storage)
	_, err := c.OpenDownload(context.Background(), zoom.URL+"/rec/download/f1", "dl-token", 0)
	if !IsUnauthorized(err) {
		t.Fatalf("err = %v, want the storage's 401", err)
	}
	if len(*storageSeen) != 2 {
		t.Fatalf("storage saw %d requests, want 2 (bearer try and query-token try, both via Zoom)", len(*storageSeen))
	}
	for _, r := range *storageSeen {
		if r.Header.Get("Authorization") != "" || r.URL.Query().Get("access_token") != "" {
			t.Errorf("token reached the redirect target: %s auth %q", r.URL, r.Header.Get("Authorization"))
		}
	}
}

func TestOpenDownloadPolicy(t *testing.T) {
	var hits int
	inside := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits++
		if r.Header.Get("Authorization") != "" || r.URL.Query().Get("access_token") != "" {
			t.Errorf("token sent to a host that is not Zoom: %s", r.URL)
		}
		_, _ = w.Write(fileBytes)
	}))
	defer inside.Close()
	ctx := context.Background()

	// Default policy: Zoom's hosts only; the simulator-like address is refused
	// before any request, and so is plain http to zoom.us.
	def, err := NewClient(ctx, Config{AccountID: "a", ClientID: "c", ClientSecret: "s"})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{inside.URL + "/rec/download/f1", "http://zoom.us/rec/download/f1", "https://169.254.169.254/latest/meta-data/"} {
		if _, err := def.OpenDownload(ctx, u, "tok", 0); !netguard.IsRefused(err) {
			t.Errorf("%s: err = %v, want a refusal", u, err)
		}
	}
	if hits != 0 {
		t.Fatalf("refused URLs were fetched %d times", hits)
	}

	// A redirect from the allowed host to a host off the list is refused.
	zoom := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, inside.URL+"/internal?X-Amz-Signature=abc", http.StatusFound)
	}))
	defer zoom.Close()
	c := downloadClient(t, zoom)
	_, err = c.OpenDownload(ctx, zoom.URL+"/rec/download/f1", "tok", 0)
	if !netguard.IsRefused(err) || hits != 0 {
		t.Fatalf("redirect off the list: err = %v, hits %d", err, hits)
	}
	if strings.Contains(err.Error(), "abc") || strings.Contains(err.Error(), "tok") {
		t.Errorf("error leaks a secret: %v", err)
	}

	// An allowed host that is not a token host is fetched without the token.
	c = downloadClient(t, zoom, inside)
	d, err := c.OpenDownload(ctx, inside.URL+"/rec/download/f1", "tok", 0)
	if err != nil {
		t.Fatal(err)
	}
	readAll(t, d)
	if hits != 1 {
		t.Errorf("hits = %d", hits)
	}
}

func TestOpenDownloadErrors(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/missing":
			writeJSON(w, 404, map[string]any{"code": 3301, "message": "This recording does not exist."})
		case "/busy":
			w.Header().Set("Retry-After", "3")
			w.WriteHeader(429)
		case "/badrange":
			w.Header().Set("Content-Range", "bytes 0-999/1000")
			w.WriteHeader(206)
		}
	}))
	defer srv.Close()
	c := downloadClient(t, srv)
	ctx := context.Background()
	if _, err := c.OpenDownload(ctx, srv.URL+"/missing", "t", 0); !IsNotFound(err) {
		t.Errorf("missing: %v", err)
	}
	if _, err := c.OpenDownload(ctx, srv.URL+"/busy", "t", 0); err == nil {
		t.Error("busy: no error")
	} else if rl, ok := IsRateLimited(err); !ok || rl.RetryAfter.IsZero() {
		t.Errorf("busy: %v", err)
	}
	if _, err := c.OpenDownload(ctx, srv.URL+"/badrange", "t", 500); err == nil || !strings.Contains(err.Error(), "restart the download") {
		t.Errorf("badrange: %v", err)
	}
	if _, err := c.OpenDownload(ctx, "zoom.us/rec", "t", 0); err == nil {
		t.Error("relative URL accepted")
	}
}
