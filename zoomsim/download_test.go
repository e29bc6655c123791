package zoomsim

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// oddFiles returns the odd-UUID meeting's files keyed by file type ("GALLERY" for the gallery MP4).
func (ts *testSim) oddFiles(tok string) map[string]recordingFileJSON {
	out := map[string]recordingFileJSON{}
	for _, f := range ts.meetingFiles(tok, doubleEscape(oddUUID)).RecordingFiles {
		key := f.FileType
		if f.RecordingType == "gallery_view" {
			key = "GALLERY"
		}
		out[key] = f
	}
	return out
}

func isHTML(h http.Header) bool { return strings.HasPrefix(h.Get("Content-Type"), "text/html") }

func TestDownloadNeedsToken(t *testing.T) {
	sim := newTestSim(t, testScenario())
	tok := sim.token(0)
	mp4 := sim.oddFiles(tok)["MP4"]

	code, hdr, body := fetch(t, mp4.DownloadURL, nil)
	if code != 200 || !isHTML(hdr) || !bytes.Contains(body, []byte("<html")) {
		t.Fatalf("no token: %d %s", code, hdr.Get("Content-Type"))
	}
	if code, hdr, _ = fetch(t, withToken(mp4.DownloadURL, sim.token(1)), nil); !isHTML(hdr) {
		t.Fatalf("other account's token served the file: %d", code)
	}
	code, hdr, body = fetch(t, withToken(mp4.DownloadURL, tok), nil)
	if code != 200 || hdr.Get("Content-Type") != "video/mp4" || int64(len(body)) != *mp4.FileSize {
		t.Fatalf("query token: %d %s len %d", code, hdr.Get("Content-Type"), len(body))
	}
	if string(body[4:12]) != "ftypisom" {
		t.Fatalf("no MP4 header: %q", body[:16])
	}
	if code, hdr, _ = fetch(t, mp4.DownloadURL, map[string]string{"Authorization": "Bearer " + tok}); code != 200 || isHTML(hdr) {
		t.Fatalf("bearer header: %d %s", code, hdr.Get("Content-Type"))
	}

	// A download_access_token opens its meeting's files only.
	var m meetingJSON
	sim.get("/v2/meetings/"+doubleEscape(oddUUID)+"/recordings?include_fields=download_access_token", tok, &m)
	if code, hdr, _ = fetch(t, withToken(mp4.DownloadURL, m.DownloadAccessToken), nil); isHTML(hdr) {
		t.Fatalf("download_access_token refused: %d", code)
	}
	weeklyFile := sim.meetingFiles(tok, weekly).RecordingFiles[0]
	if _, hdr, _ = fetch(t, withToken(weeklyFile.DownloadURL, m.DownloadAccessToken), nil); !isHTML(hdr) {
		t.Fatalf("download_access_token opened another meeting's file")
	}
	// So does a webhook download_token.
	wt, err := sim.IssueDownloadToken(weekly, 24*3600e9)
	if err != nil {
		t.Fatal(err)
	}
	if _, hdr, _ = fetch(t, withToken(weeklyFile.DownloadURL, wt), nil); isHTML(hdr) {
		t.Fatalf("webhook download_token refused")
	}
}

func TestDownloadRedirects(t *testing.T) {
	sim := newTestSim(t, testScenario())
	tok := sim.token(0)
	chat := sim.oddFiles(tok)["CHAT"]
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	resp, err := noFollow.Get(withToken(chat.DownloadURL, tok))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusFound || !strings.HasPrefix(loc, sim.ts.URL+"/rec/file/") || !strings.Contains(loc, "sig=") {
		t.Fatalf("redirect: %d %q", resp.StatusCode, loc)
	}
	code, hdr, body := fetch(t, loc, nil)
	if code != 200 || hdr.Get("Content-Type") != "text/plain" || int64(len(body)) != *chat.FileSize {
		t.Fatalf("signed url: %d %s %d", code, hdr.Get("Content-Type"), len(body))
	}
	if !bytes.Contains(body, []byte(" to Everyone:\n\t")) {
		t.Fatalf("chat text: %q", body[:80])
	}
	if code, _, _ = fetch(t, strings.Replace(loc, "sig=", "sig=00", 1), nil); code != http.StatusForbidden {
		t.Fatalf("tampered signature: %d", code)
	}

	off := false
	sim.UpdateFaults(FaultsPatch{RedirectDownloads: &off})
	resp, err = noFollow.Get(withToken(chat.DownloadURL, tok))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.ContentLength != *chat.FileSize {
		t.Fatalf("direct download: %d len %d", resp.StatusCode, resp.ContentLength)
	}
}

func TestRangeResumeMatchesFullDownload(t *testing.T) {
	sim := newTestSim(t, testScenario())
	tok := sim.token(0)
	for _, key := range []string{"MP4", "TRANSCRIPT", "TIMELINE"} {
		f := sim.oddFiles(tok)[key]
		u := withToken(f.DownloadURL, tok)
		_, _, full := fetch(t, u, nil)
		cut := int64(len(full))/3 + 5
		code, hdr, tail := fetch(t, u, map[string]string{"Range": fmt.Sprintf("bytes=%d-", cut)})
		if code != http.StatusPartialContent || hdr.Get("Content-Range") != fmt.Sprintf("bytes %d-%d/%d", cut, len(full)-1, len(full)) {
			t.Fatalf("%s resume: %d %q", key, code, hdr.Get("Content-Range"))
		}
		if !bytes.Equal(append(append([]byte{}, full[:cut]...), tail...), full) {
			t.Fatalf("%s: resumed bytes differ from the full download", key)
		}
		_, _, mid := fetch(t, u, map[string]string{"Range": "bytes=100-199"})
		_, _, last := fetch(t, u, map[string]string{"Range": "bytes=-10"})
		if !bytes.Equal(mid, full[100:200]) || !bytes.Equal(last, full[len(full)-10:]) {
			t.Fatalf("%s: bounded or suffix range differs", key)
		}
		if code, _, _ := fetch(t, u, map[string]string{"Range": fmt.Sprintf("bytes=%d-", len(full))}); code != http.StatusRequestedRangeNotSatisfiable {
			t.Fatalf("%s: range past the end: %d", key, code)
		}
	}
}

func TestTruthMatchesServedBytes(t *testing.T) {
	sim := newTestSim(t, testScenario())
	tok := sim.token(0)
	var truth Truth
	if st := sim.get("/_sim/truth", "", &truth); st != 200 {
		t.Fatalf("truth: %d", st)
	}
	if len(truth.Files) != 7+2+2+35+2 || len(truth.Conversations) != 39 {
		t.Fatalf("truth: %d files %d conversations", len(truth.Files), len(truth.Conversations))
	}
	checked := 0
	for _, f := range truth.Files {
		if f.AccountID != acctID || f.Status != "completed" {
			continue
		}
		if f.Source != "meeting" || len(f.SHA256) != 64 || f.FileID == "" {
			t.Fatalf("truth entry %+v", f)
		}
		_, hdr, body := fetch(t, withToken(f.DownloadURL, tok), nil)
		sum := sha256.Sum256(body)
		if isHTML(hdr) || int64(len(body)) != f.Size || hex.EncodeToString(sum[:]) != f.SHA256 {
			t.Fatalf("%s %s: served %d bytes, sha %x; truth %d %s", f.FileType, f.FileID, len(body), sum, f.Size, f.SHA256)
		}
		checked++
	}
	if checked < 40 {
		t.Fatalf("only %d files checked", checked)
	}
	// CC and TIMELINE have no id in the API but do in the truth.
	types := map[string]bool{}
	for _, f := range truth.Files {
		if f.ConversationUUID == oddUUID {
			types[f.FileType] = f.FileID != ""
		}
	}
	if !types["CC"] || !types["TIMELINE"] {
		t.Fatalf("truth lacks CC/TIMELINE ids: %v", types)
	}
}
