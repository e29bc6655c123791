package zoom

import (
	"context"
	"fmt"
	"net/url"
)

// GetWebinar returns a webinar's details (GET /webinars/{webinarId}, Light):
// the webinar counterpart of Get, for telling whether a meeting number
// belongs to the account when Get does not find it. A webinar of another
// account answers 404 / code 3001 (IsNotFound).
func (s *MeetingsService) GetWebinar(ctx context.Context, webinarID string) (*MeetingDetails, *Response, error) {
	if webinarID == "" {
		return nil, nil, fmt.Errorf("zoom: Meetings.GetWebinar: webinar id is empty")
	}
	var m MeetingDetails
	resp, err := s.client.get(ctx, "/webinars/"+url.PathEscape(webinarID), nil, &m)
	if err != nil {
		return nil, resp, err
	}
	return &m, resp, nil
}
