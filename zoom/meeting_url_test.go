package zoom

import "testing"

func TestMeetingIDFromURL(t *testing.T) {
	good := map[string]string{
		"https://zoom.us/j/85012345678?pwd=abc":                 "85012345678",
		"https://acme.zoom.us/j/85012345678":                    "85012345678",
		"https://zoom.us/wc/join/85012345678":                   "85012345678",
		"https://zoom.us/wc/85012345678/join?pwd=x":             "85012345678",
		"https://zoom.us/s/850123456":                           "850123456",
		"zoommtg://zoom.us/join?action=join&confno=85012345678": "85012345678",
		"850 1234 5678": "85012345678",
		"http://127.0.0.1:9090/j/85012345678?pwd=x": "85012345678",
	}
	for in, want := range good {
		got, err := MeetingIDFromURL(in)
		if err != nil || got != want {
			t.Errorf("MeetingIDFromURL(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "https://zoom.us/my/acme", "https://example.com/", "not a url", "https://zoom.us/j/12ab"} {
		if got, err := MeetingIDFromURL(in); err == nil {
			t.Errorf("MeetingIDFromURL(%q) = %q, want an error", in, got)
		}
	}
}
