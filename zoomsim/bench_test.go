package zoomsim

import (
	"io"
	"net/http"
	"testing"
	"time"
)

// BenchmarkDownload measures the simulator's download throughput over real
// loopback TCP (redirect included), the ceiling the archive pipeline's
// throughput benchmark is compared against. It prints MB/s.
func BenchmarkDownload(b *testing.B) {
	const size = 1 << 30
	s := New(Options{Addr: "127.0.0.1:0"})
	_, err := s.LoadScenario(Scenario{Seed: 1, Accounts: []ScenarioAccount{{
		Users:    []ScenarioUser{{Email: "bench@acme.example"}},
		Meetings: []ScenarioMeeting{{StartTime: time.Date(2026, 10, 1, 12, 0, 0, 0, time.UTC), Files: []ScenarioFile{{FileType: "MP4", Size: size}}}},
	}}})
	if err != nil {
		b.Fatal(err)
	}
	base, err := s.Start()
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	url := s.Truth(false).Files[0].DownloadURL
	a := s.Accounts()[0]
	req, _ := http.NewRequest("POST", base+"/oauth/token?grant_type=account_credentials&account_id="+a.AccountID, nil)
	req.SetBasicAuth(a.ClientID, a.ClientSecret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	var tr tokenResponse
	decodeInto(b, resp, &tr)
	u := withToken(url, tr.AccessToken)

	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	buf := make([]byte, 256<<10)
	b.SetBytes(size)
	b.ResetTimer()
	for b.Loop() {
		resp, err := client.Get(u)
		if err != nil {
			b.Fatal(err)
		}
		n, err := io.CopyBuffer(io.Discard, resp.Body, buf)
		resp.Body.Close()
		if err != nil || n != size {
			b.Fatalf("read %d bytes: %v", n, err)
		}
	}
}

func decodeInto(b *testing.B, resp *http.Response, v any) {
	b.Helper()
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if err := jsonUnmarshal(body, v); err != nil {
		b.Fatalf("decode %q: %v", body, err)
	}
}
