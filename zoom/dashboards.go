package zoom

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"time"
)

// DashboardsService covers the Dashboard (metrics) endpoints used for
// reconciliation. They draw on the account's daily pool: ListMeetings is
// Resource-intensive (20/min on Business+, 10/min on Pro),
// ListMeetingParticipants is Heavy.
type DashboardsService service

// Dashboard "type" values.
const (
	DashboardTypePast    = "past"    // meetings that have ended
	DashboardTypePastOne = "pastOne" // past meetings with a single participant
	DashboardTypeLive    = "live"    // meetings in progress
)

// DashboardMeetingsOptions are the parameters of GET /metrics/meetings.
type DashboardMeetingsOptions struct {
	// Type is DashboardTypePast, DashboardTypePastOne or DashboardTypeLive.
	// Empty means "past" (unlike Zoom, whose default is "live").
	Type string
	// From and To (required) are dates, sent as the UTC day (yyyy-mm-dd),
	// both inclusive, at most one month apart. Zoom also requires From to
	// be within the last six months; that is not checked here (it depends
	// on Zoom's clock): expect a 400 with code 300 otherwise.
	From, To time.Time
	// PageSize is 1–300; 0 lets Zoom pick (30).
	PageSize      int
	NextPageToken string
	// QueryDateType is "start_time" (Zoom's default) or "end_time": which
	// time From and To filter on.
	QueryDateType string
}

func (o DashboardMeetingsOptions) values() (url.Values, error) {
	q := url.Values{}
	typ, err := dashboardType(o.Type)
	if err != nil {
		return nil, err
	}
	q.Set("type", typ)
	if o.From.IsZero() || o.To.IsZero() {
		return nil, fmt.Errorf("zoom: dashboard meetings: From and To are both required (Zoom rejects a listing without them)")
	}
	if err := checkMonthWindow("dashboard meetings", o.From, o.To); err != nil {
		return nil, err
	}
	q.Set("from", o.From.UTC().Format(dateLayout))
	q.Set("to", o.To.UTC().Format(dateLayout))
	switch o.QueryDateType {
	case "":
	case "start_time", "end_time":
		q.Set("query_date_type", o.QueryDateType)
	default:
		return nil, fmt.Errorf("zoom: dashboard meetings: query date type %q: use \"start_time\" or \"end_time\"", o.QueryDateType)
	}
	if err := addPaging(q, o.PageSize, o.NextPageToken); err != nil {
		return nil, err
	}
	return q, nil
}

func dashboardType(t string) (string, error) {
	switch t {
	case "":
		return DashboardTypePast, nil
	case DashboardTypePast, DashboardTypePastOne, DashboardTypeLive:
		return t, nil
	}
	return "", fmt.Errorf("zoom: dashboard type %q: use %q, %q or %q", t, DashboardTypePast, DashboardTypePastOne, DashboardTypeLive)
}

// DashboardMeetingList is one page of GET /metrics/meetings.
type DashboardMeetingList struct {
	From          string             `json:"from"`
	To            string             `json:"to"`
	PageCount     int                `json:"page_count"`
	PageSize      int                `json:"page_size"`
	TotalRecords  int                `json:"total_records"`
	NextPageToken string             `json:"next_page_token"`
	Meetings      []DashboardMeeting `json:"meetings"`
}

func (l *DashboardMeetingList) pageToken() string { return l.NextPageToken }

// DashboardMeeting is one meeting instance of the dashboard listing.
type DashboardMeeting struct {
	UUID  string `json:"uuid"`
	ID    int64  `json:"id"`
	Topic string `json:"topic,omitempty"`
	// Host is the host's display name; Email the host's email.
	Host      string    `json:"host,omitempty"`
	Email     string    `json:"email,omitempty"`
	UserType  string    `json:"user_type,omitempty"` // the host's license, e.g. "Licensed"
	Dept      string    `json:"dept,omitempty"`
	StartTime time.Time `json:"start_time"`
	EndTime   time.Time `json:"end_time"` // zero while live
	// Duration is read from DurationRaw, which Zoom sends as "HH:MM:SS"
	// (or, in older answers, a number of minutes); zero if unreadable.
	Duration    time.Duration `json:"-"`
	DurationRaw string        `json:"duration,omitempty"`
	// Participants counts the participants who joined.
	Participants         int    `json:"participants"`
	HasRecording         bool   `json:"has_recording"`
	HasPSTN              bool   `json:"has_pstn"`
	HasVoIP              bool   `json:"has_voip"`
	Has3rdPartyAudio     bool   `json:"has_3rd_party_audio"`
	HasVideo             bool   `json:"has_video"`
	HasScreenShare       bool   `json:"has_screen_share"`
	HasSIP               bool   `json:"has_sip"`
	HasArchiving         bool   `json:"has_archiving"`
	HasManualCaptions    bool   `json:"has_manual_captions"`
	HasAutomatedCaptions bool   `json:"has_automated_captions"`
	HasPoll              bool   `json:"has_poll"`
	HasQA                bool   `json:"has_qa"`
	HasSurvey            bool   `json:"has_survey"`
	AudioQuality         string `json:"audio_quality,omitempty"` // good, fair, poor, bad
	VideoQuality         string `json:"video_quality,omitempty"`
	ScreenShareQuality   string `json:"screen_share_quality,omitempty"`
	SessionKey           string `json:"session_key,omitempty"`
}

// UnmarshalJSON tolerates numbers sent as strings, empty date-times and
// both duration spellings.
func (m *DashboardMeeting) UnmarshalJSON(b []byte) error {
	type plain DashboardMeeting
	aux := struct {
		*plain
		ID           flexInt64     `json:"id"`
		UserType     flexString    `json:"user_type"`
		StartTime    zoomTime      `json:"start_time"`
		EndTime      zoomTime      `json:"end_time"`
		Duration     clockDuration `json:"duration"`
		Participants flexInt64     `json:"participants"`
	}{plain: (*plain)(m)}
	if err := json.Unmarshal(b, &aux); err != nil {
		return fmt.Errorf("zoom: decode dashboard meeting: %w", err)
	}
	m.ID = aux.ID.V
	m.UserType = aux.UserType.V
	m.StartTime, m.EndTime = aux.StartTime.T, aux.EndTime.T
	m.Duration, m.DurationRaw = aux.Duration.D, aux.Duration.Raw
	m.Participants = int(aux.Participants.V)
	return nil
}

// ListMeetings returns one page of the account's meetings from the
// dashboard (GET /metrics/meetings, Resource-intensive: each page draws on
// the daily pool). Response.NextPageToken equals the list's NextPageToken.
func (s *DashboardsService) ListMeetings(ctx context.Context, opts DashboardMeetingsOptions) (*DashboardMeetingList, *Response, error) {
	q, err := opts.values()
	if err != nil {
		return nil, nil, err
	}
	var l DashboardMeetingList
	resp, err := s.client.get(ctx, "/metrics/meetings", q, &l)
	if err != nil {
		return nil, resp, err
	}
	return &l, resp, nil
}

// addPaging checks and sets page_size and next_page_token.
func addPaging(q url.Values, pageSize int, token string) error {
	if err := checkPageSize(pageSize); err != nil {
		return err
	}
	if pageSize > 0 {
		q.Set("page_size", strconv.Itoa(pageSize))
	}
	if token != "" {
		q.Set("next_page_token", token)
	}
	return nil
}

// checkMonthWindow checks an inclusive day window of at most one month.
func checkMonthWindow(what string, from, to time.Time) error {
	f, t := utcDay(from), utcDay(to)
	if t.Before(f) {
		return fmt.Errorf("zoom: %s window %s..%s ends before it starts", what, f.Format(dateLayout), t.Format(dateLayout))
	}
	if t.After(f.AddDate(0, 1, 0)) {
		return fmt.Errorf("zoom: %s window %s..%s exceeds one month, which Zoom rejects: split it (SplitWindow)", what, f.Format(dateLayout), t.Format(dateLayout))
	}
	return nil
}
