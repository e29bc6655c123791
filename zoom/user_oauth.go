package zoom

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"
)

// User-level OAuth (authorization code + PKCE) is how a host authorises the
// app to mint join tokens for their meetings. The flow itself is
// golang.org/x/oauth2's; this file gives it Zoom's endpoints and adds the
// calls a connected host's token is used for: who am I (Users.Me), which
// meeting is live and who hosts it (Meetings.Get), the host's recording
// settings (Users.GetSettings) and the join token itself
// (Meetings.LocalRecordingJoinToken). Build the client with
// NewClientWithTokenSource.

// UserOAuthEndpoint is Zoom's authorization-code endpoint under oauthBaseURL
// (default "https://zoom.us"): {base}/oauth/authorize and {base}/oauth/token,
// client credentials sent with HTTP Basic as Zoom requires.
func UserOAuthEndpoint(oauthBaseURL string) oauth2.Endpoint {
	base := strings.TrimRight(orDefault(oauthBaseURL, DefaultOAuthBaseURL), "/")
	return oauth2.Endpoint{
		AuthURL:   base + "/oauth/authorize",
		TokenURL:  base + "/oauth/token",
		AuthStyle: oauth2.AuthStyleInHeader,
	}
}

// UserProfile is the part of GET /users/{userId} (here /users/me) meetvault
// reads: who authorised the app, and on which account.
type UserProfile struct {
	ID          string `json:"id"`
	AccountID   string `json:"account_id"`
	Email       string `json:"email"`
	FirstName   string `json:"first_name,omitempty"`
	LastName    string `json:"last_name,omitempty"`
	DisplayName string `json:"display_name,omitempty"`
	Type        int    `json:"type"`
	Status      string `json:"status,omitempty"`
}

// UnmarshalJSON tolerates a type sent as a string.
func (u *UserProfile) UnmarshalJSON(b []byte) error {
	type plain UserProfile
	aux := struct {
		*plain
		Type flexInt64 `json:"type"`
	}{plain: (*plain)(u)}
	if err := json.Unmarshal(b, &aux); err != nil {
		return fmt.Errorf("zoom: decode user: %w", err)
	}
	u.Type = int(aux.Type.V)
	return nil
}

// Me returns the user the access token belongs to (GET /users/me). With a
// user OAuth token this is the host who connected.
func (s *UsersService) Me(ctx context.Context) (*UserProfile, *Response, error) {
	var u UserProfile
	resp, err := s.client.get(ctx, "/users/me", nil, &u)
	if err != nil {
		return nil, resp, err
	}
	if u.ID == "" {
		return nil, resp, fmt.Errorf("zoom: GET /users/me answered without a user id")
	}
	return &u, resp, nil
}

// MeetingDetails is the part of GET /meetings/{meetingId} meetvault reads:
// the meeting as scheduled or running now, and who hosts it. (Recordings of
// a past meeting are RecordingsService.GetMeeting.)
type MeetingDetails struct {
	ID        int64  `json:"id"`
	UUID      string `json:"uuid"`
	HostID    string `json:"host_id"`
	HostEmail string `json:"host_email,omitempty"`
	Topic     string `json:"topic"`
	Type      int    `json:"type"`
	// Status is "waiting" (not started) or "started".
	Status    string    `json:"status,omitempty"`
	StartTime time.Time `json:"start_time"`
	JoinURL   string    `json:"join_url,omitempty"`
}

// UnmarshalJSON tolerates numbers sent as strings and empty date-times.
func (m *MeetingDetails) UnmarshalJSON(b []byte) error {
	type plain MeetingDetails
	aux := struct {
		*plain
		ID        flexInt64 `json:"id"`
		Type      flexInt64 `json:"type"`
		StartTime zoomTime  `json:"start_time"`
	}{plain: (*plain)(m)}
	if err := json.Unmarshal(b, &aux); err != nil {
		return fmt.Errorf("zoom: decode meeting: %w", err)
	}
	m.ID, m.Type, m.StartTime = aux.ID.V, int(aux.Type.V), aux.StartTime.T
	return nil
}

// Get returns a meeting's details (GET /meetings/{meetingId}). meetingID is
// the meeting number. A user token sees only meetings its user may read: a meeting hosted by
// someone else answers 404 / code 3001 (IsNotFound).
func (s *MeetingsService) Get(ctx context.Context, meetingID string) (*MeetingDetails, *Response, error) {
	if meetingID == "" {
		return nil, nil, fmt.Errorf("zoom: Meetings.Get: meeting id is empty")
	}
	var m MeetingDetails
	resp, err := s.client.get(ctx, "/meetings/"+url.PathEscape(meetingID), nil, &m)
	if err != nil {
		return nil, resp, err
	}
	return &m, resp, nil
}

// ExpiresIn is the token's lifetime as a duration (Zoom: 120 s; 120 s is
// assumed when Zoom does not say).
func (t *JoinToken) ExpiresIn() time.Duration {
	if t == nil || t.ExpireIn <= 0 {
		return 120 * time.Second
	}
	return time.Duration(t.ExpireIn) * time.Second
}
