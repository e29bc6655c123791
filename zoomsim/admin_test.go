package zoomsim

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestFaultsHTMLTruncateFailFirst(t *testing.T) {
	sim := newTestSim(t, testScenario())
	tok := sim.token(0)
	files := sim.oddFiles(tok)
	mp4, m4a, chat := files["MP4"], files["M4A"], files["CHAT"]

	var f Faults
	sim.post("/_sim/faults", map[string]any{
		"html_error_files":     []string{mp4.ID},
		"truncate_files":       map[string]int64{m4a.ID: 1000},
		"fail_first_downloads": map[string]int{chat.ID: 2},
	}, &f)
	if len(f.HTMLErrorFiles) != 1 || f.TruncateFiles[m4a.ID] != 1000 || !f.RedirectDownloads {
		t.Fatalf("faults after update: %+v", f)
	}
	code, hdr, body := fetch(t, withToken(mp4.DownloadURL, tok), nil)
	if code != 200 || !isHTML(hdr) || !strings.Contains(string(body), "This recording does not exist") {
		t.Fatalf("html error: %d %s", code, hdr.Get("Content-Type"))
	}

	resp, err := http.Get(withToken(m4a.DownloadURL, tok))
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.ContentLength != *m4a.FileSize || len(got) != 1000 || !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("truncate: announced %d, got %d bytes, err %v", resp.ContentLength, len(got), err)
	}

	for i := range 3 {
		code, _, _ := fetch(t, withToken(chat.DownloadURL, tok), nil)
		if want := map[bool]int{true: 503, false: 200}[i < 2]; code != want {
			t.Fatalf("fail_first attempt %d: %d, want %d", i+1, code, want)
		}
	}

	// Partial update: only the throttle changes.
	var g Faults
	sim.post("/_sim/faults", map[string]any{"download_bytes_per_sec": 100000}, &g)
	if g.DownloadBytesPerSec != 100000 || len(g.HTMLErrorFiles) != 1 || g.TruncateFiles[m4a.ID] != 1000 {
		t.Fatalf("partial update: %+v", g)
	}
	start := time.Now()
	_, _, body = fetch(t, withToken(files["TRANSCRIPT"].DownloadURL, tok), map[string]string{"Range": "bytes=0-14999"})
	if len(body) != 15000 || time.Since(start) < 50*time.Millisecond {
		t.Fatalf("throttled 15000 bytes at 100000 B/s took %s", time.Since(start))
	}
	g = Faults{}
	sim.post("/_sim/faults", map[string]any{"reset": true}, &g)
	if len(g.HTMLErrorFiles) != 0 || len(g.TruncateFiles) != 0 || g.DownloadBytesPerSec != 0 || !g.RedirectDownloads {
		t.Fatalf("reset: %+v", g)
	}
	if code, hdr, _ := fetch(t, withToken(mp4.DownloadURL, tok), nil); code != 200 || isHTML(hdr) {
		t.Fatalf("after reset: %d %s", code, hdr.Get("Content-Type"))
	}
}

func TestClockEndpoint(t *testing.T) {
	sim := newTestSim(t, testScenario())
	var c clockResponse
	if st := sim.post("/_sim/clock", map[string]string{"set": "2027-01-02T03:04:05Z"}, &c); st != 200 || !strings.HasPrefix(c.Now, "2027-01-02T03:04:0") {
		t.Fatalf("set: %d %s", st, c.Now)
	}
	sim.post("/_sim/clock", map[string]string{"advance": "25h"}, &c)
	if !strings.HasPrefix(c.Now, "2027-01-03T04:04:0") {
		t.Fatalf("advance: %s", c.Now)
	}
	time.Sleep(20 * time.Millisecond)
	sim.get("/_sim/clock", "", &c)
	if now, _ := time.Parse(time.RFC3339Nano, c.Now); now.Sub(ts("2027-01-03T04:04:05Z")) < 20*time.Millisecond {
		t.Fatalf("clock does not keep ticking: %s", c.Now)
	}
	var e adminError
	if st := sim.post("/_sim/clock", map[string]string{"advance": "soon"}, &e); st != 400 {
		t.Fatalf("bad duration: %d", st)
	}
}

func TestStatsCountCalls(t *testing.T) {
	sim := newTestSim(t, testScenario())
	tok := sim.token(0)
	sim.get("/v2/users", tok, nil)
	sim.get("/v2/users", "", nil)
	f := sim.oddFiles(tok)["CHAT"]
	fetch(t, withToken(f.DownloadURL, tok), nil)
	var st Stats
	sim.get("/_sim/stats", "", &st)
	a := st.Accounts[acctID]
	if st.Calls["GET /v2/users"] != 2 || a.Calls["GET /v2/users"] != 1 || st.Calls["POST /oauth/token"] != 1 {
		t.Fatalf("calls %v / account %v", st.Calls, a.Calls)
	}
	if st.Labels["Medium"] != 2 || a.Labels["Light"] != 1 || st.Calls["GET /v2/meetings/{meetingId}/recordings"] != 1 {
		t.Fatalf("labels %v / account %v", st.Labels, a.Labels)
	}
	if st.Calls["GET /rec/download/{opaque}"] != 1 || st.Calls["GET /rec/file/{opaque}"] != 1 ||
		st.BytesDownloaded != *f.FileSize || a.BytesDownloaded != *f.FileSize || st.Downloads != 1 {
		t.Fatalf("downloads: %+v", st)
	}
	if st.RateLimited.Total != 0 {
		t.Fatalf("429s: %+v", st.RateLimited)
	}
	st = Stats{}
	sim.post("/_sim/stats/reset", nil, &st)
	if len(st.Calls) != 0 {
		t.Fatalf("reset: %v", st.Calls)
	}
}

func TestStartAndClose(t *testing.T) {
	s := New(Options{Addr: "127.0.0.1:0", Seed: 3})
	url, err := s.Start()
	if err != nil {
		t.Fatal(err)
	}
	if url == "" || s.URL() != url || !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Fatalf("url %q / %q", url, s.URL())
	}
	resp, err := http.Get(url + "/_sim/health")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("health: %v %v", resp, err)
	}
	resp.Body.Close()
	if len(s.Accounts()) != 1 || len(s.Truth(false).Conversations) != 10 {
		t.Fatal("default scenario not loaded")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := http.Get(url + "/_sim/health"); err == nil {
		t.Fatal("still serving after Close")
	}
}
