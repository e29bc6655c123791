package zoomsim

import (
	"maps"
	"math/rand/v2"
	"net/http"
	"slices"
	"sync"
)

// Faults are the fault-injection settings, GET /_sim/faults.
type Faults struct {
	// HTMLErrorFiles are file ids whose downloads answer 200 text/html
	// "This recording does not exist" instead of the bytes.
	HTMLErrorFiles []string `json:"html_error_files"`
	// TruncateFiles maps a file id to the number of body bytes each download
	// response sends before the connection is closed; Content-Length still
	// announces the full length.
	TruncateFiles map[string]int64 `json:"truncate_files"`
	// RedirectDownloads makes /rec/download answer 302 to a signed /rec/file URL
	// that serves the bytes (default true).
	RedirectDownloads bool `json:"redirect_downloads"`
	// DownloadBytesPerSec throttles each download response (0: unlimited).
	DownloadBytesPerSec int64 `json:"download_bytes_per_sec"`
	// FailFirstDownloads maps a file id to how many of its next download
	// requests fail with 503 before downloads succeed; it counts down.
	FailFirstDownloads map[string]int `json:"fail_first_downloads"`
	// ClampLongWindows makes GET /users/{id}/recordings narrow a from/to window
	// longer than a month to the month before "to" (as Zoom has been seen to do)
	// instead of rejecting it with 400 (the default).
	ClampLongWindows bool `json:"clamp_long_windows"`
	// RateLimitHeaders chooses the rate-limit headers sent: "all" (default),
	// "none", or "some" (no Retry-After and no X-RateLimit-Type), as some real
	// responses lack them.
	RateLimitHeaders string `json:"ratelimit_headers"`
	// WebhookDuplicates sends every webhook event this many extra times.
	WebhookDuplicates int `json:"webhook_duplicates"`
	// WebhookOutOfOrder sends "all" events newest meeting first and shuffles
	// each recording.completed's recording_files.
	WebhookOutOfOrder bool `json:"webhook_out_of_order"`
	// WebhookDelay delays each event's first attempt (simulator clock).
	WebhookDelay FaultDuration `json:"webhook_delay"`
	// WebhookDropFirst fails the first N attempts of every delivery without
	// sending them (network loss), so the retries take over.
	WebhookDropFirst int `json:"webhook_drop_first"`
	// BotWebhookDropRate is the share (0..1) of bot status webhooks silently
	// dropped, never sent nor retried; 1 drops them all (bots_faults.go).
	BotWebhookDropRate float64 `json:"bot_webhook_drop_rate"`
	// LegacyFileShapes lists file types ("CC", "TIMELINE") whose
	// recording_files entries take the 2019–2020 shape: no id, status,
	// file_size, recording_type or play_url (faults_zoom.go).
	LegacyFileShapes []string `json:"legacy_file_shapes"`
	// APILatencyMS adds a wall-clock delay to every /v2 request of a
	// rate-limit label, drawn uniformly from [min, max] milliseconds, so a
	// client on loopback sees an internet round trip (faults_zoom.go).
	APILatencyMS map[string][2]int `json:"api_latency_ms"`
	// APILatencySeed seeds the draws (deterministic for a sequential client).
	APILatencySeed int64 `json:"api_latency_seed"`
	// S2STokenInvalidatesPrevious makes each new Server-to-Server token of an
	// account invalidate the account's earlier ones (401 code 124 "Invalid
	// access token."), as Zoom staff have reported.
	S2STokenInvalidatesPrevious bool `json:"s2s_token_invalidates_previous"`
}

// FaultsPatch is the body of POST /_sim/faults: absent (null) fields are left
// unchanged, present ones replace the current value. Reset first restores the
// defaults.
type FaultsPatch struct {
	Reset                       bool              `json:"reset,omitempty"`
	HTMLErrorFiles              []string          `json:"html_error_files,omitempty"`
	TruncateFiles               map[string]int64  `json:"truncate_files,omitempty"`
	RedirectDownloads           *bool             `json:"redirect_downloads,omitempty"`
	DownloadBytesPerSec         *int64            `json:"download_bytes_per_sec,omitempty"`
	FailFirstDownloads          map[string]int    `json:"fail_first_downloads,omitempty"`
	ClampLongWindows            *bool             `json:"clamp_long_windows,omitempty"`
	RateLimitHeaders            *string           `json:"ratelimit_headers,omitempty"`
	WebhookDuplicates           *int              `json:"webhook_duplicates,omitempty"`
	WebhookOutOfOrder           *bool             `json:"webhook_out_of_order,omitempty"`
	WebhookDelay                *FaultDuration    `json:"webhook_delay,omitempty"`
	WebhookDropFirst            *int              `json:"webhook_drop_first,omitempty"`
	BotWebhookDropRate          *FaultRate        `json:"bot_webhook_drop_rate,omitempty"`
	LegacyFileShapes            []string          `json:"legacy_file_shapes,omitempty"`
	APILatencyMS                map[string][2]int `json:"api_latency_ms,omitempty"`
	APILatencySeed              *int64            `json:"api_latency_seed,omitempty"`
	S2STokenInvalidatesPrevious *bool             `json:"s2s_token_invalidates_previous,omitempty"`
}

func defaultFaults() Faults {
	return Faults{
		HTMLErrorFiles: []string{}, TruncateFiles: map[string]int64{},
		RedirectDownloads: true, FailFirstDownloads: map[string]int{},
		RateLimitHeaders: rateHeadersAll, LegacyFileShapes: []string{}, APILatencyMS: map[string][2]int{},
	}
}

type faultState struct {
	mu sync.Mutex
	f  Faults
	// latency draws the api_latency_ms delays; re-seeded when they change.
	latency *rand.Rand
}

func newFaultState() *faultState {
	return &faultState{f: defaultFaults(), latency: rand.New(rand.NewPCG(0, 0))}
}

func (s *faultState) get() Faults {
	s.mu.Lock()
	defer s.mu.Unlock()
	return cloneFaults(s.f)
}

func (s *faultState) apply(p FaultsPatch) Faults {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p.Reset {
		s.f = defaultFaults()
	}
	if p.HTMLErrorFiles != nil {
		s.f.HTMLErrorFiles = slices.Clone(p.HTMLErrorFiles)
	}
	if p.TruncateFiles != nil {
		s.f.TruncateFiles = maps.Clone(p.TruncateFiles)
	}
	if p.RedirectDownloads != nil {
		s.f.RedirectDownloads = *p.RedirectDownloads
	}
	if p.DownloadBytesPerSec != nil {
		s.f.DownloadBytesPerSec = max(*p.DownloadBytesPerSec, 0)
	}
	if p.FailFirstDownloads != nil {
		s.f.FailFirstDownloads = maps.Clone(p.FailFirstDownloads)
	}
	if p.ClampLongWindows != nil {
		s.f.ClampLongWindows = *p.ClampLongWindows
	}
	if p.RateLimitHeaders != nil && validRateHeaders(*p.RateLimitHeaders) {
		s.f.RateLimitHeaders = *p.RateLimitHeaders
	}
	s.applyWebhookPatch(p)
	if p.BotWebhookDropRate != nil {
		s.f.BotWebhookDropRate = min(max(float64(*p.BotWebhookDropRate), 0), 1)
	}
	s.applyZoomPatch(p)
	return cloneFaults(s.f)
}

// downloadFaults is the part of the settings one download request needs.
type downloadFaults struct {
	htmlError bool
	fail      bool  // this request is one of the "fail first" ones
	truncate  int64 // -1: no truncation
	redirect  bool
	rate      int64
}

// refused answers the request the way Zoom's file host does when a fault
// says so (200 HTML, or 503 with Retry-After) and reports whether it did.
func (df downloadFaults) refused(w http.ResponseWriter) bool {
	switch {
	case df.htmlError:
		writeHTMLError(w, http.StatusOK, "Error", "This recording does not exist.")
	case df.fail:
		w.Header().Set("Retry-After", "1")
		writeHTMLError(w, http.StatusServiceUnavailable, "Service Unavailable", "The server is temporarily unable to service your request. Please try again later.")
	default:
		return false
	}
	return true
}

// forDownload reads the settings for one request to fileID, consuming one
// "fail first" failure if any are left.
func (s *faultState) forDownload(fileID string) downloadFaults {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := downloadFaults{
		htmlError: slices.Contains(s.f.HTMLErrorFiles, fileID),
		truncate:  -1, redirect: s.f.RedirectDownloads, rate: s.f.DownloadBytesPerSec,
	}
	if n, ok := s.f.TruncateFiles[fileID]; ok && n >= 0 {
		d.truncate = n
	}
	if s.f.FailFirstDownloads[fileID] > 0 {
		s.f.FailFirstDownloads[fileID]--
		d.fail = true
	}
	return d
}

// forFileServe is forDownload for the redirect target, which only applies the
// transfer faults (truncation and throttling).
func (s *faultState) forFileServe(fileID string) downloadFaults {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := downloadFaults{truncate: -1, rate: s.f.DownloadBytesPerSec}
	if n, ok := s.f.TruncateFiles[fileID]; ok && n >= 0 {
		d.truncate = n
	}
	return d
}

func (s *faultState) clampLongWindows() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.f.ClampLongWindows
}

func cloneFaults(f Faults) Faults {
	f.HTMLErrorFiles = slices.Clone(f.HTMLErrorFiles)
	f.TruncateFiles = maps.Clone(f.TruncateFiles)
	f.FailFirstDownloads = maps.Clone(f.FailFirstDownloads)
	f.LegacyFileShapes = slices.Clone(f.LegacyFileShapes)
	f.APILatencyMS = maps.Clone(f.APILatencyMS)
	return f
}
