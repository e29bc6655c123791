package benchkit

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestParseLatency(t *testing.T) {
	l, err := ParseLatency(DefaultLatency)
	if err != nil {
		t.Fatal(err)
	}
	if !l.On() || l["Medium"] != [2]int{60, 250} || l["Resource-intensive"] != [2]int{100, 400} || len(l) != 4 {
		t.Fatalf("default latency parsed as %v", l)
	}
	want := "on (Light 40–120 ms, Medium 60–250 ms, Heavy 80–300 ms, Resource-intensive 100–400 ms; seed 1)"
	if got := l.String(); got != want {
		t.Fatalf("String() = %q, want %q", got, want)
	}
	for _, off := range []string{"off", "", " off "} {
		if l, err := ParseLatency(off); err != nil || l.On() || l.String() != "off" {
			t.Fatalf("ParseLatency(%q) = %v, %v; want off", off, l, err)
		}
	}
	for _, bad := range []string{"Medium", "Medium=60", "Medium=250-60", "Medium=a-b", "Medium=-1-5"} {
		if _, err := ParseLatency(bad); err == nil {
			t.Errorf("ParseLatency(%q) accepted", bad)
		}
	}
}

func TestLatencyApplyPostsFaults(t *testing.T) {
	var body string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		body = r.Method + " " + r.URL.Path + " " + string(b)
		if strings.Contains(body, "Bogus") {
			http.Error(w, "unknown rate-limit label", http.StatusBadRequest)
		}
	}))
	defer srv.Close()
	if err := (Latency{"Medium": {60, 250}}).Apply(srv.URL); err != nil {
		t.Fatal(err)
	}
	if want := `POST /_sim/faults {"api_latency_ms":{"Medium":[60,250]},"api_latency_seed":1}`; body != want {
		t.Fatalf("posted %s, want %s", body, want)
	}
	if err := (Latency{}).Apply(srv.URL); err != nil || !strings.Contains(body, `"api_latency_ms":{}`) {
		t.Fatalf("off posted %s (%v); want an empty api_latency_ms that clears it", body, err)
	}
	if err := (Latency{"Bogus": {1, 2}}).Apply(srv.URL); err == nil || !strings.Contains(err.Error(), "400") {
		t.Fatalf("a refused setting gave %v", err)
	}
}
