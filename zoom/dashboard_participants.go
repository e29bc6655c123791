package zoom

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"time"
)

// DashboardParticipantsOptions are the parameters of
// GET /metrics/meetings/{meetingId}/participants.
type DashboardParticipantsOptions struct {
	// Type is DashboardTypePast (also when empty), DashboardTypePastOne or
	// DashboardTypeLive.
	Type string
	// PageSize is 1–300; 0 lets Zoom pick (30).
	PageSize      int
	NextPageToken string
	// IncludeRegistrantID asks for registrant_id (include_fields).
	IncludeRegistrantID bool
}

// DashboardParticipantList is one page of
// GET /metrics/meetings/{meetingId}/participants.
type DashboardParticipantList struct {
	PageCount     int                    `json:"page_count"`
	PageSize      int                    `json:"page_size"`
	TotalRecords  int                    `json:"total_records"`
	NextPageToken string                 `json:"next_page_token"`
	Participants  []DashboardParticipant `json:"participants"`
}

func (l *DashboardParticipantList) pageToken() string { return l.NextPageToken }

// DashboardParticipant is one participant session (a participant who
// rejoins appears once per session).
type DashboardParticipant struct {
	// ID is the participant's user id when signed in to Zoom; empty for
	// anonymous guests.
	ID string `json:"id,omitempty"`
	// UserID is the participant's id within this meeting.
	UserID            string `json:"user_id,omitempty"`
	ParticipantUserID string `json:"participant_user_id,omitempty"`
	ParticipantUUID   string `json:"participant_uuid,omitempty"`
	UserName          string `json:"user_name,omitempty"`
	Email             string `json:"email,omitempty"`
	RegistrantID      string `json:"registrant_id,omitempty"`
	// Role is "host" or "attendee".
	Role        string    `json:"role,omitempty"`
	JoinTime    time.Time `json:"join_time"`
	LeaveTime   time.Time `json:"leave_time"` // zero while in the meeting
	LeaveReason string    `json:"leave_reason,omitempty"`
	// Recording reports whether this participant recorded (locally or to
	// the cloud) during the session.
	Recording        bool   `json:"recording"`
	ShareApplication bool   `json:"share_application"`
	ShareDesktop     bool   `json:"share_desktop"`
	ShareWhiteboard  bool   `json:"share_whiteboard"`
	Status           string `json:"status,omitempty"` // in_meeting, in_waiting_room
	Device           string `json:"device,omitempty"`
	OS               string `json:"os,omitempty"`
	Version          string `json:"version,omitempty"`
	IPAddress        string `json:"ip_address,omitempty"`
	Location         string `json:"location,omitempty"`
	NetworkType      string `json:"network_type,omitempty"`
	ConnectionType   string `json:"connection_type,omitempty"`
	DataCenter       string `json:"data_center,omitempty"`
	FullDataCenter   string `json:"full_data_center,omitempty"`
	CustomerKey      string `json:"customer_key,omitempty"`
	// BreakoutMeetingID is the breakout room's meeting id (bo_mtg_id).
	BreakoutMeetingID  string `json:"bo_mtg_id,omitempty"`
	AudioQuality       string `json:"audio_quality,omitempty"`
	VideoQuality       string `json:"video_quality,omitempty"`
	ScreenShareQuality string `json:"screen_share_quality,omitempty"`
}

// UnmarshalJSON tolerates ids sent as numbers and empty date-times.
func (p *DashboardParticipant) UnmarshalJSON(b []byte) error {
	type plain DashboardParticipant
	aux := struct {
		*plain
		ID                flexString `json:"id"`
		UserID            flexString `json:"user_id"`
		ParticipantUserID flexString `json:"participant_user_id"`
		RegistrantID      flexString `json:"registrant_id"`
		BreakoutMeetingID flexString `json:"bo_mtg_id"`
		JoinTime          zoomTime   `json:"join_time"`
		LeaveTime         zoomTime   `json:"leave_time"`
	}{plain: (*plain)(p)}
	if err := json.Unmarshal(b, &aux); err != nil {
		return fmt.Errorf("zoom: decode dashboard participant: %w", err)
	}
	p.ID, p.UserID, p.ParticipantUserID = aux.ID.V, aux.UserID.V, aux.ParticipantUserID.V
	p.RegistrantID, p.BreakoutMeetingID = aux.RegistrantID.V, aux.BreakoutMeetingID.V
	p.JoinTime, p.LeaveTime = aux.JoinTime.T, aux.LeaveTime.T
	return nil
}

// ListMeetingParticipants returns one page of a meeting instance's
// participants from the dashboard
// (GET /metrics/meetings/{meetingId}/participants, Heavy: each page draws on
// the daily pool). meetingUUID is an instance UUID (escaped here, twice when
// Zoom requires it) or a numeric id (the latest instance). opts may be nil
// (past meeting, Zoom's page size).
func (s *DashboardsService) ListMeetingParticipants(ctx context.Context, meetingUUID string, opts *DashboardParticipantsOptions) (*DashboardParticipantList, *Response, error) {
	if meetingUUID == "" {
		return nil, nil, fmt.Errorf("zoom: ListMeetingParticipants: meeting uuid is empty")
	}
	if opts == nil {
		opts = &DashboardParticipantsOptions{}
	}
	typ, err := dashboardType(opts.Type)
	if err != nil {
		return nil, nil, err
	}
	q := url.Values{"type": {typ}}
	if err := addPaging(q, opts.PageSize, opts.NextPageToken); err != nil {
		return nil, nil, err
	}
	if opts.IncludeRegistrantID {
		q.Set("include_fields", "registrant_id")
	}
	var l DashboardParticipantList
	resp, err := s.client.get(ctx, "/metrics/meetings/"+EscapeMeetingUUID(meetingUUID)+"/participants", q, &l)
	if err != nil {
		return nil, resp, err
	}
	return &l, resp, nil
}
