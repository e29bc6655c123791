package zoom

import (
	"fmt"
	"net/url"
	"strings"
)

// MeetingIDFromURL extracts the meeting number from a Zoom invite link:
// https://{sub.}zoom.us/j/{id}?pwd=..., /wc/join/{id}, /wc/{id}/join, /s/{id},
// /my/{vanity} is refused (it hides the number), and zoommtg://…?confno={id}.
// A bare meeting number (spaces and dashes allowed) is accepted too.
func MeetingIDFromURL(link string) (string, error) {
	link = strings.TrimSpace(link)
	if digits, ok := meetingDigits(link); ok {
		return digits, nil
	}
	u, err := url.Parse(link)
	if err != nil || u.Host == "" && u.Scheme != "zoommtg" {
		return "", fmt.Errorf("zoom: %q is not a Zoom meeting link (want https://zoom.us/j/<meeting id>?pwd=...)", link)
	}
	if c := u.Query().Get("confno"); c != "" {
		if digits, ok := meetingDigits(c); ok {
			return digits, nil
		}
	}
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	for i, p := range parts {
		switch {
		case (p == "j" || p == "s" || p == "w") && i+1 < len(parts):
			if digits, ok := meetingDigits(parts[i+1]); ok {
				return digits, nil
			}
		case p == "wc" && i+1 < len(parts):
			next := parts[i+1]
			if next == "join" && i+2 < len(parts) {
				next = parts[i+2]
			}
			if digits, ok := meetingDigits(next); ok {
				return digits, nil
			}
		}
	}
	return "", fmt.Errorf("zoom: no meeting number in %q (want a link like https://zoom.us/j/<meeting id>?pwd=...)", u.Redacted())
}

// meetingDigits accepts 9 to 12 digits, ignoring spaces and dashes.
func meetingDigits(s string) (string, bool) {
	s = strings.NewReplacer(" ", "", "-", "").Replace(s)
	if len(s) < 9 || len(s) > 12 {
		return "", false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return "", false
		}
	}
	return s, true
}
