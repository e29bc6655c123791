package zoomsim

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Downloads redirect to a signed URL on another host name, which needs no
// token and refuses one that is forwarded to it.
func TestDownloadsRedirectToAnotherHost(t *testing.T) {
	s := New(Options{Addr: "127.0.0.1:0", Seed: 1})
	if _, err := s.LoadScenario(testScenario()); err != nil {
		t.Fatal(err)
	}
	base, err := s.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	files := s.FileHostURL()
	fu, _ := url.Parse(files)
	bu, _ := url.Parse(base)
	if files == "" || fu.Hostname() == bu.Hostname() {
		t.Fatalf("file host %q, API %q: want another host name", files, base)
	}
	tok := tokenAt(t, base, s.Accounts()[0])
	f := completedFile(t, s)

	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, _ := http.NewRequest("GET", f.DownloadURL, nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := noFollow.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusFound || !strings.HasPrefix(loc, files+"/rec/file/") || !strings.Contains(loc, "sig=") {
		t.Fatalf("download: %d Location %q", resp.StatusCode, loc)
	}
	get := func(u, auth string) (int, string, []byte) {
		req, _ := http.NewRequest("GET", u, nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header.Get("Content-Type"), b
	}
	if st, _, body := get(loc, ""); st != 200 || int64(len(body)) != f.Size {
		t.Fatalf("signed URL without token: %d, %d bytes of %d", st, len(body), f.Size)
	}
	if st, ct, body := get(loc, "Bearer "+tok); st != 400 || ct != "application/xml" || !strings.Contains(string(body), "InvalidArgument") {
		t.Fatalf("signed URL with a forwarded token: %d %s %s", st, ct, body)
	}
	if s.Stats().FileHostAuthRefused != 1 {
		t.Fatalf("stats %+v", s.Stats().FileHostAuthRefused)
	}
	// Go's client drops the header on a redirect to another host: the
	// whole download works with a bearer token.
	if st, _, body := get(f.DownloadURL, "Bearer "+tok); st != 200 || int64(len(body)) != f.Size {
		t.Fatalf("followed download: %d, %d bytes", st, len(body))
	}
	// A tampered or expired signature is refused; the file host serves nothing else.
	if st, _, _ := get(strings.Replace(loc, "sig=", "sig=0", 1), ""); st != 403 {
		t.Fatalf("bad signature: %d", st)
	}
	if st, _, _ := get(files+"/v2/users", "Bearer "+tok); st != 404 {
		t.Fatalf("API on the file host: %d", st)
	}
	s.AdvanceClock(2 * signedURLValid)
	if st, _, _ := get(loc, ""); st != 403 {
		t.Fatalf("expired signature: %d", st)
	}
}

// FileHostOff keeps the redirect on the API's host.
func TestFileHostOff(t *testing.T) {
	s := New(Options{Addr: "127.0.0.1:0", Seed: 1, FileAddr: FileHostOff})
	base, err := s.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	if s.FileHostURL() != "" {
		t.Fatalf("file host %q", s.FileHostURL())
	}
	tok := tokenAt(t, base, s.Accounts()[0])
	f := completedFile(t, s)
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(f.DownloadURL + "?access_token=" + url.QueryEscape(tok))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); !strings.HasPrefix(loc, base+"/rec/file/") {
		t.Fatalf("Location %q", loc)
	}
}

func tokenAt(t *testing.T, base string, a AccountInfo) string {
	t.Helper()
	req, _ := http.NewRequest("POST", base+"/oauth/token?grant_type=account_credentials&account_id="+a.AccountID, nil)
	req.SetBasicAuth(a.ClientID, a.ClientSecret)
	ts := &testSim{t: t}
	var tr tokenResponse
	if st := ts.do(req, &tr); st != 200 {
		t.Fatalf("token: %d", st)
	}
	return tr.AccessToken
}

func completedFile(t *testing.T, s *Server) TruthFile {
	t.Helper()
	for _, f := range s.Truth(false).Files {
		if f.Status == statusCompleted && f.FileType == "MP4" {
			return f
		}
	}
	t.Fatal("no completed MP4")
	return TruthFile{}
}
