package zoom

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// RecordingsService covers cloud recordings.
type RecordingsService service

// dateLayout is how Zoom takes from/to dates.
const dateLayout = "2006-01-02"

// ListRecordingsOptions are the parameters of GET /users/{userId}/recordings.
type ListRecordingsOptions struct {
	// From and To are dates (the UTC calendar day of each is sent as
	// yyyy-mm-dd; both inclusive). Zero values are not sent. The range may
	// not exceed one month; use ListUserWindow for longer windows.
	From, To time.Time
	// PageSize counts meetings, 1–300; 0 lets Zoom pick (30).
	PageSize      int
	NextPageToken string
	// Trash lists recordings in the trash instead.
	Trash bool
	// TrashType, with Trash, is "meeting_recordings" (default) or
	// "recording_file".
	TrashType string
}

func (o ListRecordingsOptions) values() (url.Values, error) {
	q, err := windowValues("recordings", "use ListUserWindow, which splits it", o.From, o.To, o.PageSize, o.NextPageToken)
	if err != nil {
		return nil, err
	}
	if o.Trash {
		q.Set("trash", "true")
		if o.TrashType != "" {
			q.Set("trash_type", o.TrashType)
		}
	}
	return q, nil
}

// ListUser returns one page of a user's cloud recordings
// (GET /users/{userId}/recordings, Medium). userID may be "me", an id or an
// email. Response.NextPageToken equals the list's NextPageToken.
func (s *RecordingsService) ListUser(ctx context.Context, userID string, opts ListRecordingsOptions) (*RecordingList, *Response, error) {
	if userID == "" {
		return nil, nil, fmt.Errorf("zoom: ListUser: user id is empty")
	}
	return s.list(ctx, "/users/"+url.PathEscape(userID)+"/recordings", opts)
}

// ListAccount returns one page of the whole account's cloud recordings
// (GET /accounts/{accountId}/recordings, Medium); accountID "me" means the
// client's own account.
func (s *RecordingsService) ListAccount(ctx context.Context, accountID string, opts ListRecordingsOptions) (*RecordingList, *Response, error) {
	if accountID == "" {
		return nil, nil, fmt.Errorf("zoom: ListAccount: account id is empty")
	}
	return s.list(ctx, "/accounts/"+url.PathEscape(accountID)+"/recordings", opts)
}

func (s *RecordingsService) list(ctx context.Context, path string, opts ListRecordingsOptions) (*RecordingList, *Response, error) {
	q, err := opts.values()
	if err != nil {
		return nil, nil, err
	}
	var l RecordingList
	resp, err := s.client.get(ctx, path, q, &l)
	if err != nil {
		return nil, resp, err
	}
	return &l, resp, nil
}

// GetMeetingRecordingsOptions are the parameters of
// GET /meetings/{meetingId}/recordings.
type GetMeetingRecordingsOptions struct {
	// IncludeDownloadAccessToken asks for Meeting.DownloadAccessToken
	// (include_fields=download_access_token).
	IncludeDownloadAccessToken bool
	// TTL is the download access token's lifetime in seconds, 1–604800;
	// 0 leaves Zoom's default.
	TTL int
}

// MaxDownloadTokenTTL is the longest download access token lifetime (7 days).
const MaxDownloadTokenTTL = 604800

// GetMeeting returns one meeting instance's recordings
// (GET /meetings/{meetingId}/recordings, Light). meetingIDOrUUID is a
// numeric id (latest instance) or an instance UUID, escaped here.
func (s *RecordingsService) GetMeeting(ctx context.Context, meetingIDOrUUID string, opts *GetMeetingRecordingsOptions) (*Meeting, *Response, error) {
	if meetingIDOrUUID == "" {
		return nil, nil, fmt.Errorf("zoom: GetMeeting: meeting id or uuid is empty")
	}
	q := url.Values{}
	if opts != nil {
		if opts.TTL < 0 || opts.TTL > MaxDownloadTokenTTL {
			return nil, nil, fmt.Errorf("zoom: GetMeeting: ttl %d out of range: use 1–%d seconds", opts.TTL, MaxDownloadTokenTTL)
		}
		if opts.IncludeDownloadAccessToken {
			q.Set("include_fields", "download_access_token")
		}
		if opts.TTL > 0 {
			q.Set("ttl", strconv.Itoa(opts.TTL))
		}
	}
	var m Meeting
	resp, err := s.client.get(ctx, "/meetings/"+EscapeMeetingUUID(meetingIDOrUUID)+"/recordings", q, &m)
	if err != nil {
		return nil, resp, err
	}
	return &m, resp, nil
}

// Delete actions for DeleteMeeting.
const (
	DeleteActionTrash  = "trash"  // move to trash (recoverable for 30 days)
	DeleteActionDelete = "delete" // delete permanently
)

// DeleteMeeting moves all of a meeting instance's recordings to the trash
// (action DeleteActionTrash, the default when empty) or deletes them
// (DeleteActionDelete): DELETE /meetings/{meetingId}/recordings, Light.
func (s *RecordingsService) DeleteMeeting(ctx context.Context, meetingIDOrUUID, action string) (*Response, error) {
	if meetingIDOrUUID == "" {
		return nil, fmt.Errorf("zoom: DeleteMeeting: meeting id or uuid is empty")
	}
	if action == "" {
		action = DeleteActionTrash
	}
	if action != DeleteActionTrash && action != DeleteActionDelete {
		return nil, fmt.Errorf("zoom: DeleteMeeting: action %q: use %q or %q", action, DeleteActionTrash, DeleteActionDelete)
	}
	req, err := s.client.NewRequest(ctx, http.MethodDelete, "/meetings/"+EscapeMeetingUUID(meetingIDOrUUID)+"/recordings", url.Values{"action": {action}}, nil)
	if err != nil {
		return nil, err
	}
	return s.client.Do(req, nil)
}

func utcDay(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// windowValues are the query of a listing over a window of at most one
// month (Zoom's rule for recordings): from, to (UTC dates), page_size and
// next_page_token. what names the listing in errors; split says how to list
// a longer window.
func windowValues(what, split string, fromT, toT time.Time, pageSize int, token string) (url.Values, error) {
	if err := checkPageSize(pageSize); err != nil {
		return nil, err
	}
	q := url.Values{}
	if !fromT.IsZero() && !toT.IsZero() {
		from, to := utcDay(fromT), utcDay(toT)
		if to.Before(from) {
			return nil, fmt.Errorf("zoom: %s window %s..%s ends before it starts", what, from.Format(dateLayout), to.Format(dateLayout))
		}
		if to.After(from.AddDate(0, 1, 0)) {
			return nil, fmt.Errorf("zoom: %s window %s..%s exceeds one month, which Zoom rejects: %s", what, from.Format(dateLayout), to.Format(dateLayout), split)
		}
	}
	if !fromT.IsZero() {
		q.Set("from", fromT.UTC().Format(dateLayout))
	}
	if !toT.IsZero() {
		q.Set("to", toT.UTC().Format(dateLayout))
	}
	if pageSize > 0 {
		q.Set("page_size", strconv.Itoa(pageSize))
	}
	if token != "" {
		q.Set("next_page_token", token)
	}
	return q, nil
}
