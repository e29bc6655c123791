package zoom

import "testing"

func TestLabelTable(t *testing.T) {
	tests := []struct {
		method, path string
		want         RateLabel
	}{
		// Every row of the table in zoom-facts.md, as sent with /v2.
		{"GET", "/v2/users", LabelMedium},
		{"GET", "/v2/users/abc/settings", LabelMedium},
		{"GET", "/v2/users/abc/recordings", LabelMedium},
		{"GET", "/v2/accounts/me/recordings", LabelMedium},
		{"GET", "/v2/meetings/85746065432/recordings", LabelLight},
		{"DELETE", "/v2/meetings/85746065432/recordings", LabelLight},
		{"GET", "/v2/meetings/85746065432/jointoken/local_recording", LabelLight},
		{"GET", "/v2/archive_files", LabelMedium},
		{"GET", "/v2/past_meetings/abc%3D%3D/participants", LabelMedium},
		{"GET", "/v2/past_meetings/85746065432/instances", LabelMedium},
		{"GET", "/v2/past_webinars/85746065432/participants", LabelMedium},
		{"GET", "/v2/metrics/meetings", LabelResourceIntensive},
		{"GET", "/v2/metrics/webinars", LabelResourceIntensive},
		{"GET", "/v2/metrics/meetings/abc%3D%3D/participants", LabelHeavy},
		{"GET", "/v2/report/meetings/abc/participants", LabelHeavy},
		{"GET", "/v2/report/users/u1/meetings", LabelHeavy},
		{"GET", "/v2/phone/recordings", LabelMedium},
		{"GET", "/v2/phone/users/u1/recordings", LabelMedium},
		{"GET", "/v2/phone/call_history", LabelHeavy},
		{"GET", "/v2/videosdk/recordings", LabelMedium},
		{"GET", "/v2/videosdk/sessions/s1/recordings", LabelLight},

		// Spellings: without /v2, relative, with a query, as a full URL,
		// lower-case or HEAD method, trailing slash.
		{"GET", "/metrics/meetings", LabelResourceIntensive},
		{"GET", "metrics/meetings?type=past&from=2026-01-01", LabelResourceIntensive},
		{"get", "https://api.zoom.us/v2/metrics/meetings/123/participants?type=past", LabelHeavy},
		{"HEAD", "/v2/meetings/1/recordings", LabelLight},
		{"GET", "/v2/users/abc/recordings/", LabelMedium},
		// A double-encoded UUID stays one segment.
		{"GET", "/v2/metrics/meetings/%252Fabc%253D%253D/participants", LabelHeavy},
		{"GET", "/v2/meetings/%252Fabc%253D%253D/recordings", LabelLight},

		// Deprecated and family rules.
		{"GET", "/v2/phone/call_logs", LabelHeavy},
		{"GET", "/v2/report/daily", LabelHeavy},
		{"GET", "/v2/metrics/meetings/123", LabelHeavy},
		{"GET", "/v2/metrics/webinars/123/participants", LabelHeavy},

		// Unknown endpoints and methods: conservative Medium (except the two above).
		{"GET", "/v2/users/abc", LabelLight}, // Get a user (and users/me)
		{"GET", "/v2/meetings/85746065432", LabelLight},
		{"GET", "/v2/something/new", LabelMedium},
		{"POST", "/v2/users", LabelMedium},
		{"PATCH", "/v2/videosdk/sessions/s1/events", LabelMedium},
		{"POST", "/v2/metrics/meetings", LabelHeavy}, // the /metrics family is Heavy whatever the method
		{"GET", "", LabelMedium},
		{"GET", "/v2", LabelMedium},
	}
	for _, tt := range tests {
		if got := Label(tt.method, tt.path); got != tt.want {
			t.Errorf("Label(%q, %q) = %q, want %q", tt.method, tt.path, got, tt.want)
		}
	}
}

func TestDrawsDailyPool(t *testing.T) {
	want := map[RateLabel]bool{
		LabelLight: false, LabelMedium: false, LabelHeavy: true, LabelResourceIntensive: true,
		RateLabel("Unknown"): false,
	}
	for l, w := range want {
		if got := l.DrawsDailyPool(); got != w {
			t.Errorf("%q.DrawsDailyPool() = %v, want %v", l, got, w)
		}
	}
}

func TestIsPhonePath(t *testing.T) {
	for path, want := range map[string]bool{
		"/v2/phone/call_history": true,
		"phone/recordings":       true,
		"/v2/users/phone/x":      false,
		"/v2/metrics/meetings":   false,
	} {
		if got := isPhonePath(path); got != want {
			t.Errorf("isPhonePath(%q) = %v, want %v", path, got, want)
		}
	}
}
