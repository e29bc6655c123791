package zoom

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"time"
)

// UsersService covers /users.
type UsersService service

// ListOptions are the pagination parameters of list endpoints.
type ListOptions struct {
	// PageSize is the number of records per page, 1–300; 0 lets Zoom pick
	// its default (30).
	PageSize int
	// NextPageToken continues a previous listing (tokens expire after 15
	// minutes).
	NextPageToken string
}

func (o *ListOptions) values() (url.Values, error) {
	q := url.Values{}
	if o == nil {
		return q, nil
	}
	if err := checkPageSize(o.PageSize); err != nil {
		return nil, err
	}
	if o.PageSize > 0 {
		q.Set("page_size", strconv.Itoa(o.PageSize))
	}
	if o.NextPageToken != "" {
		q.Set("next_page_token", o.NextPageToken)
	}
	return q, nil
}

func checkPageSize(n int) error {
	if n < 0 || n > MaxPageSize {
		return fmt.Errorf("zoom: page size %d out of range: use 1–%d (or 0 for Zoom's default)", n, MaxPageSize)
	}
	return nil
}

// User is an entry of GET /users.
type User struct {
	ID            string    `json:"id"`
	Email         string    `json:"email"`
	FirstName     string    `json:"first_name,omitempty"`
	LastName      string    `json:"last_name,omitempty"`
	DisplayName   string    `json:"display_name,omitempty"`
	Type          int       `json:"type"` // 1 basic, 2 licensed, 4 unassigned without Meetings basic, 99 none
	Status        string    `json:"status,omitempty"`
	Timezone      string    `json:"timezone,omitempty"`
	PMI           int64     `json:"pmi,omitempty"`
	RoleID        string    `json:"role_id,omitempty"`
	Dept          string    `json:"dept,omitempty"`
	CreatedAt     time.Time `json:"created_at"`
	LastLoginTime time.Time `json:"last_login_time"`
}

// UnmarshalJSON tolerates numbers sent as strings and empty date-times.
func (u *User) UnmarshalJSON(b []byte) error {
	type plain User
	aux := struct {
		*plain
		Type          flexInt64 `json:"type"`
		PMI           flexInt64 `json:"pmi"`
		CreatedAt     zoomTime  `json:"created_at"`
		LastLoginTime zoomTime  `json:"last_login_time"`
	}{plain: (*plain)(u)}
	if err := json.Unmarshal(b, &aux); err != nil {
		return fmt.Errorf("zoom: decode user: %w", err)
	}
	u.Type = int(aux.Type.V)
	u.PMI = aux.PMI.V
	u.CreatedAt = aux.CreatedAt.T
	u.LastLoginTime = aux.LastLoginTime.T
	return nil
}

// UserList is one page of GET /users.
type UserList struct {
	PageSize      int    `json:"page_size"`
	TotalRecords  int    `json:"total_records"`
	NextPageToken string `json:"next_page_token"`
	Users         []User `json:"users"`
}

func (l *UserList) pageToken() string { return l.NextPageToken }

// List returns one page of the account's active users (GET /users,
// Medium). Response.NextPageToken is empty on the last page.
func (s *UsersService) List(ctx context.Context, opts *ListOptions) ([]User, *Response, error) {
	q, err := opts.values()
	if err != nil {
		return nil, nil, err
	}
	var page UserList
	resp, err := s.client.get(ctx, "/users", q, &page)
	if err != nil {
		return nil, resp, err
	}
	return page.Users, resp, nil
}

// ListAll follows next_page_token through every page of active users, 300
// per page.
func (s *UsersService) ListAll(ctx context.Context) ([]User, error) {
	var all []User
	opts := &ListOptions{PageSize: MaxPageSize}
	seen := map[string]bool{}
	for {
		users, resp, err := s.List(ctx, opts)
		if err != nil {
			return all, err
		}
		all = append(all, users...)
		if resp.NextPageToken == "" {
			return all, nil
		}
		if seen[resp.NextPageToken] {
			return all, fmt.Errorf("zoom: GET /users returned next_page_token %q twice; stopping to avoid a loop", resp.NextPageToken)
		}
		seen[resp.NextPageToken] = true
		opts.NextPageToken = resp.NextPageToken
	}
}

// UserSettings is the part of GET /users/{userId}/settings meetvault reads.
type UserSettings struct {
	Recording RecordingSettings `json:"recording"`
}

// RecordingSettings is the "recording" group of a user's settings.
type RecordingSettings struct {
	// LocalRecording is "Record to computer files"; bots need it.
	LocalRecording bool `json:"local_recording"`
	CloudRecording bool `json:"cloud_recording"`
	// AutoRecording is "local", "cloud" or "none".
	AutoRecording            string `json:"auto_recording,omitempty"`
	RecordAudioFile          bool   `json:"record_audio_file"`
	RecordingAudioTranscript bool   `json:"recording_audio_transcript"`
	SaveChatText             bool   `json:"save_chat_text"`
	SaveCloseCaption         bool   `json:"save_close_caption"`
}

// GetSettings returns a user's settings (GET /users/{userId}/settings,
// Medium). userID may be "me", an id or an email.
func (s *UsersService) GetSettings(ctx context.Context, userID string) (*UserSettings, *Response, error) {
	if userID == "" {
		return nil, nil, fmt.Errorf("zoom: GetSettings: user id is empty")
	}
	var st UserSettings
	resp, err := s.client.get(ctx, "/users/"+url.PathEscape(userID)+"/settings", nil, &st)
	if err != nil {
		return nil, resp, err
	}
	return &st, resp, nil
}
