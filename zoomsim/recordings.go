package zoomsim

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

const (
	defaultDownloadTokenTTL = 24 * time.Hour
	maxDownloadTokenTTL     = 604800 // seconds
)

type listRecordingsResponse struct {
	From          string        `json:"from"`
	To            string        `json:"to"`
	PageCount     int           `json:"page_count"`
	PageSize      int           `json:"page_size"`
	TotalRecords  int           `json:"total_records"`
	NextPageToken string        `json:"next_page_token"`
	Meetings      []meetingJSON `json:"meetings"`
}

// listUserRecordings is GET /v2/users/{userId}/recordings?from&to&page_size&
// next_page_token&trash&trash_type&mc&meeting_id: the meetings the user hosts.
func (s *Server) listUserRecordings(w http.ResponseWriter, r *http.Request, c *call) {
	id := r.PathValue("userId")
	u := c.acct.findUser(id)
	if u == nil {
		writeAPIError(w, http.StatusNotFound, codeUserNotFound, fmt.Sprintf("User does not exist: %s.", id))
		return
	}
	s.listRecordings(w, r, c, "user/"+u.ID, c.acct.meetingsByHost[u.ID])
}

// listAccountRecordings is GET /v2/accounts/{accountId}/recordings (accountId
// "me" or the token's account): every meeting of the account, with the
// per-user listing's parameters and answer. It needs an account-level
// (Server-to-Server) token.
func (s *Server) listAccountRecordings(w http.ResponseWriter, r *http.Request, c *call) {
	if id := r.PathValue("accountId"); id != "me" && id != c.acct.ID {
		writeAPIError(w, http.StatusBadRequest, codeNoPermission, "No permission.")
		return
	}
	if c.user != nil {
		writeMissingScope(w, "cloud_recording:read:list_account_recordings:admin")
		return
	}
	s.listRecordings(w, r, c, "account", c.acct.meetings)
}

// codeNoPermission is Zoom's 200 "No permission." (HTTP 400).
const codeNoPermission = 200

// listRecordings answers a recordings listing over candidates (newest
// first). Meetings match by the UTC date of their start time; the window may
// span at most one month.
func (s *Server) listRecordings(w http.ResponseWriter, r *http.Request, c *call, scope string, candidates []*meeting) {
	q := r.URL.Query()
	// Zoom's defaults: from today to tomorrow (UTC).
	today := c.now.UTC().Truncate(24 * time.Hour)
	from, ok := parseDate(w, q.Get("from"), "from", today)
	if !ok {
		return
	}
	to, ok := parseDate(w, q.Get("to"), "to", today.AddDate(0, 0, 1))
	if !ok {
		return
	}
	if to.Before(from) {
		writeAPIError(w, http.StatusBadRequest, codeInvalidField, "The from date cannot be later than the to date.")
		return
	}
	if to.After(addMonths(from, 1)) {
		if !s.faults.clampLongWindows() {
			writeAPIError(w, http.StatusBadRequest, codeInvalidField, "The date range between from and to can only be one month.")
			return
		}
		from = addMonths(to, -1)
	}
	var meetingFilter int64
	if v := q.Get("meeting_id"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			writeFieldError(w, "meeting_id", "Invalid field.")
			return
		}
		meetingFilter = n
	}
	view, ok := s.listingView(w, q)
	if !ok {
		return
	}
	o := s.apiRender(c)
	var matched []*meeting
	end := to.AddDate(0, 0, 1)
	for _, m := range candidates {
		if !m.StartTime.Before(from) && m.StartTime.Before(end) && (meetingFilter == 0 || m.ID == meetingFilter) && view.lists(m) {
			matched = append(matched, m)
		}
	}
	listing := strings.Join([]string{"recordings", scope, from.Format(time.DateOnly), to.Format(time.DateOnly), q.Get("trash"), q.Get("trash_type"), q.Get("meeting_id")}, "|")
	p, ok := s.paginate(w, r, c, listing, len(matched))
	if !ok {
		return
	}
	resp := listRecordingsResponse{
		From: from.Format(time.DateOnly), To: to.Format(time.DateOnly), PageCount: p.count, PageSize: p.size,
		TotalRecords: len(matched), NextPageToken: p.next, Meetings: []meetingJSON{},
	}
	lo, hi := p.slice(len(matched))
	o.keep = view.keep
	for _, m := range matched[lo:hi] {
		resp.Meetings = append(resp.Meetings, renderMeeting(m, o))
	}
	writeJSON(w, http.StatusOK, resp)
}

// apiRender is how REST answers render meetings: the API's download URLs,
// the entry shapes the faults select.
func (s *Server) apiRender(c *call) renderOpts {
	return renderOpts{base: c.base, now: c.now, legacy: s.faults.legacyShapes()}
}

// addMonths moves a date by n calendar months, keeping the day of the month
// but clamping it to the target month's length (Jan 31 + 1 month = Feb 28).
func addMonths(t time.Time, n int) time.Time {
	y, m, d := t.Date()
	first := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	return first.AddDate(0, 0, min(d, last)-1)
}

// listingTimeSuffix is what may follow the date in a listing's from/to:
// Zoom documents yyyy-mm-dd but accepts a time and an offset
// ("2026-10-01 00:00:00+00:00", "2026-10-01T00:00:00Z"; an unescaped "+" in
// a query string arrives as a space), and only the date part counts.
var listingTimeSuffix = regexp.MustCompile(`^[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+\- ]\d{2}:?\d{2})?$`)

// parseDate reads a listing's from/to; v == "" gives def. A value that is
// no date answers Zoom's 300 "Validation Failed".
func parseDate(w http.ResponseWriter, v, field string, def time.Time) (time.Time, bool) {
	if v == "" {
		return def, true
	}
	date, rest := v, ""
	if len(v) > len(time.DateOnly) {
		date, rest = v[:len(time.DateOnly)], v[len(time.DateOnly):]
	}
	t, err := time.Parse(time.DateOnly, date)
	if err != nil || (rest != "" && !listingTimeSuffix.MatchString(rest)) {
		writeFieldError(w, field, "Invalid field.")
		return t, false
	}
	return t, true
}

// getMeetingRecordings is GET /v2/meetings/{meetingId}/recordings, where
// meetingId is a numeric meeting id (its latest instance) or an instance UUID.
// include_fields=download_access_token adds a token for the meeting's files
// valid for ttl seconds (at most 604800).
func (s *Server) getMeetingRecordings(w http.ResponseWriter, r *http.Request, c *call) {
	raw := strings.TrimSuffix(strings.TrimPrefix(r.URL.EscapedPath(), "/v2/meetings/"), "/recordings")
	m := findMeeting(c.acct, raw)
	if m == nil || !s.trash.visible(m) {
		writeAPIError(w, http.StatusNotFound, codeRecordingAbsent, "This recording does not exist.")
		return
	}
	q := r.URL.Query()
	wantToken := false
	for _, f := range strings.Split(q.Get("include_fields"), ",") {
		wantToken = wantToken || strings.TrimSpace(f) == "download_access_token"
	}
	ttl := defaultDownloadTokenTTL
	if v := q.Get("ttl"); v != "" && wantToken {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > maxDownloadTokenTTL {
			writeFieldError(w, "ttl", "ttl must be between 0 and 604800.")
			return
		}
		if n > 0 {
			ttl = time.Duration(n) * time.Second
		}
	}
	o := s.apiRender(c)
	o.keep = func(f *recFile) bool { return s.trash.fileState(f) == trashNone }
	out := renderMeeting(m, o)
	out.RecordingPlayPasscode = prefix(m.ShareOpaque, 32)
	if wantToken {
		out.DownloadAccessToken = s.tokens.issue(grant{
			kind: tokenDownloadAccess, accountID: c.acct.ID, meetingUUID: m.UUID, expires: c.now.Add(ttl),
		}, c.now)
	}
	writeJSON(w, http.StatusOK, out)
}

// findMeeting resolves the raw (still escaped) meetingId path segment the way
// Zoom does. Its gateway decodes the path once and collapses empty segments, so
// a UUID that begins with "/" or contains "//" only survives when the client
// double-encoded it; a value still holding escapes after that first decoding is
// decoded a second time.
func findMeeting(a *account, raw string) *meeting {
	v, err := url.PathUnescape(raw)
	if err != nil {
		return nil
	}
	for strings.Contains(v, "//") {
		v = strings.ReplaceAll(v, "//", "/")
	}
	v = strings.TrimPrefix(v, "/")
	if strings.Contains(v, "%") {
		if v, err = url.PathUnescape(v); err != nil {
			return nil
		}
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if ms := a.meetingsByID[n]; len(ms) > 0 {
			return ms[0]
		}
		return nil
	}
	return a.meetingByUUID[v]
}
