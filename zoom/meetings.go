package zoom

import (
	"context"
	"fmt"
	"net/url"
)

// MeetingsService covers /meetings endpoints other than recordings.
type MeetingsService service

// JoinToken is a single-use token that lets a bot record a meeting locally
// without the host's consent dialog.
type JoinToken struct {
	Token string `json:"token"`
	// ExpireIn is the lifetime in seconds (Zoom: 120).
	ExpireIn int `json:"expire_in"`
}

// LocalRecordingJoinToken mints a join token for local recording
// (GET /meetings/{meetingId}/jointoken/local_recording, Light). It only
// exists for meetings hosted by the authorising user or account.
func (s *MeetingsService) LocalRecordingJoinToken(ctx context.Context, meetingID string, bypassWaitingRoom bool) (*JoinToken, *Response, error) {
	if meetingID == "" {
		return nil, nil, fmt.Errorf("zoom: LocalRecordingJoinToken: meeting id is empty")
	}
	q := url.Values{}
	if bypassWaitingRoom {
		q.Set("bypass_waiting_room", "true")
	}
	var jt JoinToken
	resp, err := s.client.get(ctx, "/meetings/"+url.PathEscape(meetingID)+"/jointoken/local_recording", q, &jt)
	if err != nil {
		return nil, resp, err
	}
	return &jt, resp, nil
}
