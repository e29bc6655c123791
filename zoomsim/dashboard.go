package zoomsim

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// codeMeetingAbsent is Zoom's "Meeting does not exist" error code.
const codeMeetingAbsent = 3001

// dashboardMeetingJSON is one meeting of GET /metrics/meetings (rivet:
// DashboardsListMeetingsResponse). duration is "MM:SS" under an hour, "HH:MM:SS" above.
type dashboardMeetingJSON struct {
	UUID                 string `json:"uuid"`
	ID                   int64  `json:"id"`
	Topic                string `json:"topic"`
	Host                 string `json:"host"`
	Email                string `json:"email"`
	UserType             string `json:"user_type"`
	StartTime            string `json:"start_time"`
	EndTime              string `json:"end_time,omitempty"`
	Duration             string `json:"duration"`
	Participants         int    `json:"participants"`
	HasPSTN              bool   `json:"has_pstn"`
	HasVoIP              bool   `json:"has_voip"`
	Has3rdPartyAudio     bool   `json:"has_3rd_party_audio"`
	HasVideo             bool   `json:"has_video"`
	HasScreenShare       bool   `json:"has_screen_share"`
	HasRecording         bool   `json:"has_recording"`
	HasSIP               bool   `json:"has_sip"`
	HasArchiving         bool   `json:"has_archiving"`
	HasManualCaptions    bool   `json:"has_manual_captions"`
	HasAutomatedCaptions bool   `json:"has_automated_captions"`
	Dept                 string `json:"dept"`
	AudioQuality         string `json:"audio_quality"`
	VideoQuality         string `json:"video_quality"`
	ScreenShareQuality   string `json:"screen_share_quality"`
}

type dashboardMeetingsResponse struct {
	From          string                 `json:"from"`
	To            string                 `json:"to"`
	PageCount     int                    `json:"page_count"`
	PageSize      int                    `json:"page_size"`
	TotalRecords  int                    `json:"total_records"`
	NextPageToken string                 `json:"next_page_token"`
	Meetings      []dashboardMeetingJSON `json:"meetings"`
}

// meetingPhase tells whether a meeting is "past" or "live" at now ("" before it starts).
func meetingPhase(m *meeting, now time.Time) string {
	switch {
	case !now.Before(meetingEnd(m)):
		return "past"
	case !now.Before(m.StartTime):
		return "live"
	}
	return ""
}

// dashboardType reads the type parameter (Zoom's default is "live").
func dashboardType(w http.ResponseWriter, r *http.Request) (string, bool) {
	typ := r.URL.Query().Get("type")
	if typ == "" {
		typ = "live"
	}
	if typ != "past" && typ != "pastOne" && typ != "live" {
		writeFieldError(w, "type", "Invalid field.")
		return "", false
	}
	return typ, true
}

// phaseMatches reports whether a meeting at phase is listed for a dashboard
// type. pastOne means past meetings with a single participant, which derived
// meetings never are.
func phaseMatches(typ, phase string) bool {
	return typ == phase
}

// listDashboardMeetings is GET /v2/metrics/meetings?type&from&to&page_size&
// next_page_token&query_date_type (Resource-intensive). from and to are
// required, at most one month apart and within the last six months.
func (s *Server) listDashboardMeetings(w http.ResponseWriter, r *http.Request, c *call) {
	typ, ok := dashboardType(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	from, to, ok := requiredWindow(w, q)
	if !ok {
		return
	}
	today := c.now.Truncate(24 * time.Hour)
	if to.After(addMonths(from, 1)) {
		writeAPIError(w, http.StatusBadRequest, codeInvalidField, "The date range between from and to can only be one month.")
		return
	}
	if from.Before(addMonths(today, -6)) {
		writeAPIError(w, http.StatusBadRequest, codeInvalidField, "The from date can only be within the last six months.")
		return
	}
	byEnd := q.Get("query_date_type") == "end_time"
	end := to.AddDate(0, 0, 1)
	var matched []*meeting
	for _, m := range c.acct.meetings {
		at := m.StartTime
		if byEnd {
			at = meetingEnd(m)
		}
		if phaseMatches(typ, meetingPhase(m, c.now)) && !at.Before(from) && at.Before(end) {
			matched = append(matched, m)
		}
	}
	listing := strings.Join([]string{"metrics", typ, from.Format(time.DateOnly), to.Format(time.DateOnly), q.Get("query_date_type")}, "|")
	p, ok := s.paginate(w, r, c, listing, len(matched))
	if !ok {
		return
	}
	resp := dashboardMeetingsResponse{
		From: from.Format(time.DateOnly), To: to.Format(time.DateOnly), PageCount: p.count, PageSize: p.size,
		TotalRecords: len(matched), NextPageToken: p.next, Meetings: []dashboardMeetingJSON{},
	}
	lo, hi := p.slice(len(matched))
	for _, m := range matched[lo:hi] {
		resp.Meetings = append(resp.Meetings, renderDashboardMeeting(m, participantsOf(c.w.seed, m), c.now))
	}
	writeJSON(w, http.StatusOK, resp)
}

// requiredWindow parses the required from and to dates.
func requiredWindow(w http.ResponseWriter, q url.Values) (from, to time.Time, ok bool) {
	for _, f := range []string{"from", "to"} {
		if q.Get(f) == "" {
			writeFieldError(w, f, "This field is required.")
			return from, to, false
		}
	}
	if from, ok = parseDate(w, q.Get("from"), "from", time.Time{}); !ok {
		return
	}
	if to, ok = parseDate(w, q.Get("to"), "to", time.Time{}); !ok {
		return
	}
	if to.Before(from) {
		writeAPIError(w, http.StatusBadRequest, codeInvalidField, "The from date cannot be later than the to date.")
		return from, to, false
	}
	return from, to, true
}

func renderDashboardMeeting(m *meeting, ps []participant, now time.Time) dashboardMeetingJSON {
	userType := "Licensed"
	if m.Host.Type == 1 {
		userType = "Basic"
	}
	out := dashboardMeetingJSON{
		UUID: m.UUID, ID: m.ID, Topic: m.Topic, Host: m.Host.displayName(), Email: m.Host.Email, UserType: userType,
		StartTime: zoomTime(m.StartTime), Participants: len(ps), HasVoIP: true, HasVideo: true,
		HasRecording: len(m.files)+len(m.participantAudio) > 0, HasArchiving: isArchived(m),
		HasScreenShare: hasScreenShare(m), HasAutomatedCaptions: hasFileType(m, "CC"),
		AudioQuality: "good", VideoQuality: "good", ScreenShareQuality: "good",
	}
	if meetingPhase(m, now) == "past" {
		out.EndTime = zoomTime(meetingEnd(m))
		out.Duration = m.acct.zoom.dashboardDuration(meetingEnd(m).Sub(m.StartTime))
	} else {
		out.Duration = m.acct.zoom.dashboardDuration(now.Sub(m.StartTime).Truncate(time.Second))
	}
	return out
}

func hasScreenShare(m *meeting) bool {
	for _, f := range m.files {
		if strings.Contains(f.RecordingType, "shared_screen") {
			return true
		}
	}
	return false
}

func hasFileType(m *meeting, fileType string) bool {
	for _, f := range m.files {
		if f.FileType == fileType {
			return true
		}
	}
	return false
}

// dashboardParticipantJSON is one participant of GET
// /metrics/meetings/{meetingId}/participants (rivet:
// DashboardsListMeetingParticipantsResponse).
type dashboardParticipantJSON struct {
	ID                 string `json:"id"`
	UserID             string `json:"user_id"`
	ParticipantUserID  string `json:"participant_user_id,omitempty"`
	UserName           string `json:"user_name"`
	Email              string `json:"email"`
	Role               string `json:"role"`
	Device             string `json:"device"`
	IPAddress          string `json:"ip_address"`
	Location           string `json:"location"`
	NetworkType        string `json:"network_type"`
	DataCenter         string `json:"data_center"`
	FullDataCenter     string `json:"full_data_center"`
	ConnectionType     string `json:"connection_type"`
	JoinTime           string `json:"join_time"`
	LeaveTime          string `json:"leave_time,omitempty"`
	LeaveReason        string `json:"leave_reason,omitempty"`
	ShareApplication   bool   `json:"share_application"`
	ShareDesktop       bool   `json:"share_desktop"`
	ShareWhiteboard    bool   `json:"share_whiteboard"`
	Recording          bool   `json:"recording"`
	Status             string `json:"status"`
	Version            string `json:"version"`
	AudioQuality       string `json:"audio_quality"`
	VideoQuality       string `json:"video_quality"`
	ScreenShareQuality string `json:"screen_share_quality"`
}

type dashboardParticipantsResponse struct {
	PageCount     int                        `json:"page_count"`
	PageSize      int                        `json:"page_size"`
	TotalRecords  int                        `json:"total_records"`
	NextPageToken string                     `json:"next_page_token"`
	Participants  []dashboardParticipantJSON `json:"participants"`
}

// meetingForPath resolves the meetingId path segment of a participants route
// (prefix + {meetingId} + "/participants") with Zoom's double-encoding rules,
// answering 404 itself when the meeting is unknown or not in the wanted phase
// ("" accepts any started meeting).
func meetingForPath(w http.ResponseWriter, r *http.Request, c *call, prefix, phase string) *meeting {
	raw := strings.TrimSuffix(strings.TrimPrefix(r.URL.EscapedPath(), prefix), "/participants")
	m := findMeeting(c.acct, raw)
	if m != nil {
		ph := meetingPhase(m, c.now)
		if ph == "" || (phase != "" && ph != phase) {
			m = nil
		}
	}
	if m == nil {
		id, err := url.PathUnescape(raw)
		if err != nil {
			id = raw
		}
		writeAPIError(w, http.StatusNotFound, codeMeetingAbsent, fmt.Sprintf("Meeting does not exist: %s.", id))
	}
	return m
}

// listDashboardParticipants is GET /v2/metrics/meetings/{meetingId}/participants
// ?type&page_size&next_page_token (Heavy: it draws on the daily pool).
func (s *Server) listDashboardParticipants(w http.ResponseWriter, r *http.Request, c *call) {
	typ, ok := dashboardType(w, r)
	if !ok {
		return
	}
	phase := typ
	if typ == "pastOne" {
		phase = "past"
	}
	m := meetingForPath(w, r, c, "/v2/metrics/meetings/", phase)
	if m == nil {
		return
	}
	ps := participantsOf(c.w.seed, m)
	p, ok := s.paginate(w, r, c, "metrics-participants|"+typ+"|"+m.UUID, len(ps))
	if !ok {
		return
	}
	resp := dashboardParticipantsResponse{
		PageCount: p.count, PageSize: p.size, TotalRecords: len(ps), NextPageToken: p.next,
		Participants: []dashboardParticipantJSON{},
	}
	screen := hasScreenShare(m)
	lo, hi := p.slice(len(ps))
	for i, pt := range ps[lo:hi] {
		e := dashboardParticipantJSON{
			ID: pt.userID, UserID: pt.confID, ParticipantUserID: pt.userID, UserName: pt.name, Email: pt.email,
			Role: "attendee", Device: pt.device, IPAddress: pt.ip, Location: participantCities[(lo+i)%len(participantCities)],
			NetworkType: pt.network, DataCenter: "US", FullDataCenter: "United States;US (SC Crc)", ConnectionType: "UDP",
			JoinTime: zoomTime(pt.join), Recording: pt.recording, Status: "in_meeting", Version: "6.2.5.5187",
			AudioQuality: "good", VideoQuality: "good", ScreenShareQuality: "",
		}
		if pt.host {
			e.Role, e.ShareDesktop = "host", screen
			if screen {
				e.ScreenShareQuality = "good"
			}
		}
		if !c.now.Before(pt.leave) {
			e.LeaveTime = zoomTime(pt.leave)
			e.LeaveReason = pt.name + " left the meeting."
			if pt.host {
				e.LeaveReason = "Host ended the meeting."
			}
		}
		resp.Participants = append(resp.Participants, e)
	}
	writeJSON(w, http.StatusOK, resp)
}
