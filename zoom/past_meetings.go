package zoom

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// PastMeetingsService covers /past_meetings.
type PastMeetingsService service

// PastParticipant is one participant session of a past meeting instance.
type PastParticipant struct {
	// ID is the participant's user id when signed in to Zoom; empty for
	// guests.
	ID string `json:"id,omitempty"`
	// Name is the display name in the meeting.
	Name string `json:"name,omitempty"`
	// UserID is the participant's id within this meeting.
	UserID       string    `json:"user_id,omitempty"`
	RegistrantID string    `json:"registrant_id,omitempty"`
	UserEmail    string    `json:"user_email,omitempty"`
	JoinTime     time.Time `json:"join_time"`
	LeaveTime    time.Time `json:"leave_time"`
	// Duration is the time in the meeting, in seconds.
	Duration     int    `json:"duration"`
	Failover     bool   `json:"failover"`
	Status       string `json:"status,omitempty"` // in_meeting, in_waiting_room
	InternalUser bool   `json:"internal_user"`
}

// UnmarshalJSON tolerates numbers sent as strings and empty date-times.
func (p *PastParticipant) UnmarshalJSON(b []byte) error {
	type plain PastParticipant
	aux := struct {
		*plain
		ID           flexString `json:"id"`
		UserID       flexString `json:"user_id"`
		RegistrantID flexString `json:"registrant_id"`
		JoinTime     zoomTime   `json:"join_time"`
		LeaveTime    zoomTime   `json:"leave_time"`
		Duration     flexInt64  `json:"duration"`
	}{plain: (*plain)(p)}
	if err := json.Unmarshal(b, &aux); err != nil {
		return fmt.Errorf("zoom: decode past meeting participant: %w", err)
	}
	p.ID, p.UserID, p.RegistrantID = aux.ID.V, aux.UserID.V, aux.RegistrantID.V
	p.JoinTime, p.LeaveTime = aux.JoinTime.T, aux.LeaveTime.T
	p.Duration = int(aux.Duration.V)
	return nil
}

// PastParticipantList is one page of GET /past_meetings/{meetingId}/participants.
type PastParticipantList struct {
	PageCount     int               `json:"page_count"`
	PageSize      int               `json:"page_size"`
	TotalRecords  int               `json:"total_records"`
	NextPageToken string            `json:"next_page_token"`
	Participants  []PastParticipant `json:"participants"`
}

func (l *PastParticipantList) pageToken() string { return l.NextPageToken }

// ListParticipants returns one page of a past meeting instance's
// participants (GET /past_meetings/{meetingId}/participants, Medium).
// meetingUUID is an instance UUID (escaped here, twice when Zoom requires
// it) or a numeric id (the latest instance); the meeting must have ended.
// Response.NextPageToken is empty on the last page.
func (s *PastMeetingsService) ListParticipants(ctx context.Context, meetingUUID string, opts *ListOptions) ([]PastParticipant, *Response, error) {
	if meetingUUID == "" {
		return nil, nil, fmt.Errorf("zoom: ListParticipants: meeting uuid is empty")
	}
	q, err := opts.values()
	if err != nil {
		return nil, nil, err
	}
	var page PastParticipantList
	resp, err := s.client.get(ctx, "/past_meetings/"+EscapeMeetingUUID(meetingUUID)+"/participants", q, &page)
	if err != nil {
		return nil, resp, err
	}
	return page.Participants, resp, nil
}

// ListAllParticipants follows next_page_token through every page of a past
// meeting instance's participants, 300 per page. On error it returns what
// it collected so far.
func (s *PastMeetingsService) ListAllParticipants(ctx context.Context, meetingUUID string) ([]PastParticipant, error) {
	var all []PastParticipant
	opts := &ListOptions{PageSize: MaxPageSize}
	seen := map[string]bool{}
	for {
		ps, resp, err := s.ListParticipants(ctx, meetingUUID, opts)
		if err != nil {
			return all, err
		}
		all = append(all, ps...)
		if resp.NextPageToken == "" {
			return all, nil
		}
		if seen[resp.NextPageToken] {
			return all, fmt.Errorf("zoom: participants of past meeting %s: next_page_token %q repeated; stopping to avoid a loop", meetingUUID, resp.NextPageToken)
		}
		seen[resp.NextPageToken] = true
		opts.NextPageToken = resp.NextPageToken
	}
}
