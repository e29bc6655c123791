package zoom

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"time"
)

// PhoneService is Zoom Phone's call recordings API. Its endpoints count
// against Zoom Phone's own rate-limit table and daily pool, not the main
// API's (Limiter and PhonePoolCalls keep them apart).
type PhoneService service

// PhoneRecording is one call recording as /phone/recordings lists it. One
// recording belongs to one owner (user, call queue, ...); the legs of one
// call share CallID. Direction is the owner's view (inbound or outbound).
type PhoneRecording struct {
	ID           string
	CallID       string
	CallLogID    string
	CallerNumber string
	CallerName   string
	// CallerNumberType and CalleeNumberType are 1 for an internal
	// (extension) number and 2 for an external one.
	CallerNumberType int
	CalleeNumber     string
	CalleeName       string
	CalleeNumberType int
	Direction        string
	Duration         int // seconds
	DownloadURL      string
	FileURL          string
	DateTime         time.Time
	EndTime          time.Time
	RecordingType    string // Automatic | OnDemand
	Owner            PhoneOwner
	SiteID           string
	SiteName         string
}

// PhoneOwner is who a recording belongs to.
type PhoneOwner struct {
	Type            string
	ID              string
	Name            string
	ExtensionNumber string // kept as text: Zoom sends a number, some payloads a string
}

// UnmarshalJSON copes with the shapes seen for the same fields: numbers or
// numeric strings for number types and extensions, times with or without
// an offset.
func (r *PhoneRecording) UnmarshalJSON(b []byte) error {
	var v struct {
		ID               string     `json:"id"`
		CallID           flexString `json:"call_id"`
		CallLogID        string     `json:"call_log_id"`
		CallerNumber     flexString `json:"caller_number"`
		CallerName       string     `json:"caller_name"`
		CallerNumberType flexInt64  `json:"caller_number_type"`
		CalleeNumber     flexString `json:"callee_number"`
		CalleeName       string     `json:"callee_name"`
		CalleeNumberType flexInt64  `json:"callee_number_type"`
		Direction        string     `json:"direction"`
		Duration         flexInt64  `json:"duration"`
		DownloadURL      string     `json:"download_url"`
		FileURL          string     `json:"file_url"`
		DateTime         zoomTime   `json:"date_time"`
		EndTime          zoomTime   `json:"end_time"`
		RecordingType    string     `json:"recording_type"`
		Owner            struct {
			Type            string     `json:"type"`
			ID              string     `json:"id"`
			Name            string     `json:"name"`
			ExtensionNumber flexString `json:"extension_number"`
		} `json:"owner"`
		Site struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		} `json:"site"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*r = PhoneRecording{
		ID: v.ID, CallID: v.CallID.V, CallLogID: v.CallLogID,
		CallerNumber: v.CallerNumber.V, CallerName: v.CallerName, CallerNumberType: int(v.CallerNumberType.V),
		CalleeNumber: v.CalleeNumber.V, CalleeName: v.CalleeName, CalleeNumberType: int(v.CalleeNumberType.V),
		Direction: v.Direction, Duration: int(v.Duration.V), DownloadURL: v.DownloadURL, FileURL: v.FileURL,
		DateTime: v.DateTime.T, EndTime: v.EndTime.T, RecordingType: v.RecordingType,
		Owner:  PhoneOwner{Type: v.Owner.Type, ID: v.Owner.ID, Name: v.Owner.Name, ExtensionNumber: v.Owner.ExtensionNumber.V},
		SiteID: v.Site.ID, SiteName: v.Site.Name,
	}
	return nil
}

// URL is where the MP3 is downloaded from (download_url, else file_url).
func (r PhoneRecording) URL() string {
	if r.DownloadURL != "" {
		return r.DownloadURL
	}
	return r.FileURL
}

// PhoneRecordingList is one page of a phone recordings listing.
type PhoneRecordingList struct {
	From          string           `json:"from"`
	To            string           `json:"to"`
	PageSize      int              `json:"page_size"`
	TotalRecords  int              `json:"total_records"`
	NextPageToken string           `json:"next_page_token"`
	Recordings    []PhoneRecording `json:"recordings"`
}

// PhoneRecordingsOptions are the parameters of the phone recordings
// listings: From and To (UTC days, inclusive, at most one month apart; the
// recordings' date_time counts, never when they became available).
type PhoneRecordingsOptions struct {
	From, To      time.Time
	PageSize      int // 1–300; 0 lets Zoom pick
	NextPageToken string
}

func (o PhoneRecordingsOptions) values() (url.Values, error) {
	return windowValues("phone recordings", "split it with SplitWindow", o.From, o.To, o.PageSize, o.NextPageToken)
}

// ListRecordings returns one page of call recordings: the whole account's
// (GET /phone/recordings, Medium) when userID is "", else one user's
// (GET /phone/users/{userId}/recordings, Medium).
func (s *PhoneService) ListRecordings(ctx context.Context, userID string, opts PhoneRecordingsOptions) (*PhoneRecordingList, *Response, error) {
	q, err := opts.values()
	if err != nil {
		return nil, nil, err
	}
	path := "/phone/recordings"
	if userID != "" {
		path = "/phone/users/" + url.PathEscape(userID) + "/recordings"
	}
	var l PhoneRecordingList
	resp, err := s.client.get(ctx, path, q, &l)
	if err != nil {
		return nil, resp, err
	}
	return &l, resp, nil
}

// ListRecordingsWindow walks the call recordings of a window of any length
// (userID "" for the whole account): chunks Zoom accepts (SplitWindow),
// next_page_token within each, fn once per page in order. An error from fn
// stops the walk and is returned unchanged.
func (s *PhoneService) ListRecordingsWindow(ctx context.Context, userID string, from, to time.Time, pageSize int, fn func(chunk DateRange, page *PhoneRecordingList) error) error {
	if from.IsZero() || to.IsZero() {
		return fmt.Errorf("zoom: ListRecordingsWindow: from and to are both required")
	}
	for _, chunk := range SplitWindow(from, to) {
		token, seen := "", map[string]bool{}
		for {
			list, _, err := s.ListRecordings(ctx, userID, PhoneRecordingsOptions{From: chunk.From, To: chunk.To, PageSize: pageSize, NextPageToken: token})
			if err != nil {
				return err
			}
			if err := fn(chunk, list); err != nil {
				return err
			}
			token = list.NextPageToken
			if token == "" {
				break
			}
			if seen[token] {
				return fmt.Errorf("zoom: phone recordings %s..%s: next_page_token %q repeated; stopping to avoid a loop", chunk.From.Format(dateLayout), chunk.To.Format(dateLayout), token)
			}
			seen[token] = true
		}
	}
	return nil
}

// PhoneRecordingCompleted is the phone.recording_completed event: one or
// more finished recordings (the listing's shape).
type PhoneRecordingCompleted struct {
	Event   string `json:"event"`
	EventTS int64  `json:"event_ts"`
	Payload struct {
		AccountID string `json:"account_id"`
		Object    struct {
			Recordings []PhoneRecording `json:"recordings"`
		} `json:"object"`
	} `json:"payload"`
}

// EventPhoneRecordingCompleted names Zoom Phone's finished-recording event.
const EventPhoneRecordingCompleted = "phone.recording_completed"

// ParsePhoneRecordingCompleted decodes a phone.recording_completed body.
func ParsePhoneRecordingCompleted(body []byte) (*PhoneRecordingCompleted, error) {
	var ev PhoneRecordingCompleted
	if err := json.Unmarshal(body, &ev); err != nil {
		return nil, fmt.Errorf("zoom: phone.recording_completed: %w", err)
	}
	return &ev, nil
}
