package zoom

import (
	"net/http"
	"net/url"
	"strings"
)

// RateLabel is the rate-limit category Zoom assigns to an endpoint (its
// "Rate Limit Label"); it selects the per-second (or per-minute) quota the
// request uses and whether it draws on the account's daily pool.
type RateLabel string

// Zoom's rate-limit labels, spelled as in the X-RateLimit-Category header.
const (
	LabelLight             RateLabel = "Light"
	LabelMedium            RateLabel = "Medium"
	LabelHeavy             RateLabel = "Heavy"
	LabelResourceIntensive RateLabel = "Resource-intensive"
)

// DrawsDailyPool reports whether requests with this label count against the
// account's shared daily pool (Heavy and Resource-intensive: 60,000 a day on
// Business+, 30,000 on Pro; Zoom Phone has its own pool).
func (l RateLabel) DrawsDailyPool() bool {
	return l == LabelHeavy || l == LabelResourceIntensive
}

// labelRule maps a method and a path pattern (segments after /v2, "*" for
// one variable segment) to a label.
type labelRule struct {
	methods string // space-separated; GET rules also match HEAD
	pattern string
	label   RateLabel
}

// labelRules is Zoom's published label for every endpoint meetvault uses
// (see /work/shared/zoom-facts.md and each endpoint's "Rate Limit Label" in
// Zoom's API reference). The first match wins.
var labelRules = []labelRule{
	{"GET", "users", LabelMedium},
	{"GET", "users/*", LabelLight}, // also users/me
	{"GET", "meetings/*", LabelLight},
	{"GET", "webinars/*", LabelLight},
	{"GET", "users/*/settings", LabelMedium},
	{"GET", "users/*/token", LabelLight},
	{"GET", "users/*/recordings", LabelMedium},
	{"GET", "accounts/*/recordings", LabelMedium},
	{"GET DELETE", "meetings/*/recordings", LabelLight},
	{"DELETE", "meetings/*/recordings/*", LabelLight},
	{"GET", "meetings/*/jointoken/*", LabelLight},
	{"GET", "archive_files", LabelMedium},
	{"GET", "past_meetings/*/participants", LabelMedium},
	{"GET", "past_meetings/*/instances", LabelMedium},
	{"GET", "past_webinars/*/participants", LabelMedium},
	// Dashboards: the account-wide lists are Resource-intensive (Zoom's
	// rate-limit page names metrics/meetings, webinars, zoomrooms and im);
	// the other dashboard endpoints fall under the /metrics rule below.
	{"GET", "metrics/meetings", LabelResourceIntensive},
	{"GET", "metrics/webinars", LabelResourceIntensive},
	{"GET", "metrics/zoomrooms", LabelResourceIntensive},
	{"GET", "metrics/im", LabelResourceIntensive},
	{"GET", "metrics/meetings/*/participants", LabelHeavy},
	{"GET", "report/meetings/*/participants", LabelHeavy},
	{"GET", "report/users/*/meetings", LabelHeavy},
	{"GET", "phone/recordings", LabelMedium},
	{"GET", "phone/users/*/recordings", LabelMedium},
	{"GET", "phone/call_history", LabelHeavy},
	{"GET", "phone/call_logs", LabelHeavy}, // deprecated predecessor of call_history
	{"GET", "videosdk/recordings", LabelMedium},
	{"GET", "videosdk/sessions/*/recordings", LabelLight},
}

// Label returns Zoom's rate-limit label for a request. path is the request
// path as sent, with or without the "/v2" prefix, optionally with a query
// string or as a full URL ("/v2/users/abc/recordings",
// "users/abc/recordings?from=…"); variable segments must be escaped as they
// are on the wire (EscapeMeetingUUID, url.PathEscape).
//
// Endpoints not in the table are labelled conservatively: everything under
// /report is Heavy (Zoom labels all Reports APIs Heavy), everything else under
// /metrics is Heavy (most Dashboard APIs are), and any other unknown endpoint
// is Medium. Being conservative here costs throughput, never a 429.
func Label(method, path string) RateLabel {
	segs := pathSegments(path)
	method = strings.ToUpper(strings.TrimSpace(method))
	if method == http.MethodHead {
		method = http.MethodGet
	}
	for _, r := range labelRules {
		if ruleHasMethod(r.methods, method) && matchSegments(r.pattern, segs) {
			return r.label
		}
	}
	if len(segs) > 0 && (segs[0] == "report" || segs[0] == "metrics") {
		return LabelHeavy
	}
	return LabelMedium
}

// isPhonePath reports whether path belongs to the Zoom Phone API, which has
// its own rate-limit table and daily pool.
func isPhonePath(path string) bool {
	segs := pathSegments(path)
	return len(segs) > 0 && segs[0] == "phone"
}

// pathSegments returns path's segments without the query, a scheme and host,
// the "/v2" prefix and empty segments.
func pathSegments(path string) []string {
	p := strings.TrimSpace(path)
	if i := strings.IndexAny(p, "?#"); i >= 0 {
		p = p[:i]
	}
	if strings.Contains(p, "://") {
		if u, err := url.Parse(p); err == nil {
			p = u.EscapedPath()
		}
	}
	var segs []string
	for s := range strings.SplitSeq(p, "/") {
		if s != "" {
			segs = append(segs, s)
		}
	}
	if len(segs) > 0 && segs[0] == "v2" {
		segs = segs[1:]
	}
	return segs
}

func ruleHasMethod(methods, method string) bool {
	for m := range strings.FieldsSeq(methods) {
		if m == method {
			return true
		}
	}
	return false
}

func matchSegments(pattern string, segs []string) bool {
	pat := strings.Split(pattern, "/")
	if len(pat) != len(segs) {
		return false
	}
	for i, p := range pat {
		if p != "*" && p != segs[i] {
			return false
		}
	}
	return true
}
