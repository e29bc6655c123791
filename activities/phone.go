package activities

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/meetvault/meetvault/store"
	"github.com/meetvault/meetvault/zoom"
)

// Zoom Phone call recordings go through the same import and archive path as
// meeting recordings: a listed recording becomes a Meeting (its conversation,
// keyed by the recording's id) with one MP3 file and the call's metadata in
// Call, archived under {tenant}/phone/... with source "phone".

// PhoneListingOverlap is how far before its watermark a scheduled phone
// import lists again. /phone/recordings filters by the call's date, not by
// when the recording became available, so a recording that appears after
// the day it was listed would otherwise be missed; re-listing one day
// catches it, and recordings already archived there cost no download.
const PhoneListingOverlap = 24 * time.Hour

// ListingOverlap is the re-check overlap of a source's scheduled imports.
func ListingOverlap(source string) time.Duration {
	if source == SourcePhone {
		return PhoneListingOverlap
	}
	return 0
}

// Call is a phone recording's call, kept in the conversation row.
type Call struct {
	CallID       string `json:"call_id"` // correlates the legs of one call
	CallerNumber string `json:"caller_number"`
	CallerName   string `json:"caller_name,omitempty"`
	CalleeNumber string `json:"callee_number"`
	CalleeName   string `json:"callee_name,omitempty"`
	// UserDirection is Zoom's direction, the recorded user's view (inbound
	// or outbound); Direction the system's view: internal when both ends
	// are extensions, else inbound or outbound for the account.
	UserDirection   string    `json:"user_direction"`
	Direction       string    `json:"direction"`
	Extension       string    `json:"extension,omitempty"`
	OwnerType       string    `json:"owner_type,omitempty"`
	DurationSeconds int       `json:"duration_seconds"`
	EndTime         time.Time `json:"end_time,omitzero"`
}

// systemDirection is the call's direction for the account: internal when
// Zoom marks both numbers internal (type 1), else outbound when the caller
// is internal, else inbound. Without number types it is the user's view.
func systemDirection(r zoom.PhoneRecording) string {
	callerIn, calleeIn := r.CallerNumberType == 1, r.CalleeNumberType == 1
	switch {
	case callerIn && calleeIn:
		return "internal"
	case callerIn && r.CalleeNumberType == 2:
		return "outbound"
	case calleeIn && r.CallerNumberType == 2:
		return "inbound"
	}
	return strings.ToLower(r.Direction)
}

// MeetingFromPhone keeps what workflow history needs of a phone recording.
func MeetingFromPhone(r zoom.PhoneRecording) Meeting {
	end := r.EndTime
	if end.IsZero() && r.Duration > 0 {
		end = r.DateTime.Add(time.Duration(r.Duration) * time.Second)
	}
	return Meeting{
		Source: SourcePhone, UUID: r.ID, HostID: r.Owner.ID, HostName: r.Owner.Name,
		Topic:     fmt.Sprintf("Call %s → %s", firstNonEmpty(r.CallerName, r.CallerNumber), firstNonEmpty(r.CalleeName, r.CalleeNumber)),
		StartTime: r.DateTime.UTC(), Duration: (r.Duration + 59) / 60,
		Files: []RecordingFile{{
			FileID: r.ID, ZoomFileID: r.ID, FileType: "MP3", FileExtension: "MP3",
			RecordingType: "phone_" + strings.ToLower(firstNonEmpty(r.RecordingType, "recording")),
			Status:        "completed", DownloadURL: r.URL(), RecordingStart: r.DateTime.UTC(), RecordingEnd: end.UTC(),
		}},
		Call: &Call{
			CallID: r.CallID, CallerNumber: r.CallerNumber, CallerName: r.CallerName,
			CalleeNumber: r.CalleeNumber, CalleeName: r.CalleeName,
			UserDirection: strings.ToLower(r.Direction), Direction: systemDirection(r),
			Extension: r.Owner.ExtensionNumber, OwnerType: r.Owner.Type,
			DurationSeconds: r.Duration, EndTime: end.UTC(),
		},
	}
}

// phoneUsers is whose phone recordings an import lists: the whole account
// (one pass over /phone/recordings, user ID "") unless the tenant archives
// a list of users, each then through /phone/users/{id}/recordings.
func (a *Activities) phoneUsers(ctx context.Context, tenantID string) (ResolveUsersResult, error) {
	t, err := a.Store.Tenant(ctx, tenantID)
	if err != nil {
		return ResolveUsersResult{}, classify(err, "resolve phone users")
	}
	if t.RecordAllUsers {
		// One pass with no user: no id, and no name or e-mail for the
		// import to lend a recording whose owner Zoom leaves unnamed.
		return ResolveUsersResult{Users: []User{{}}}, nil
	}
	users, err := a.Store.RecordedUsers(ctx, tenantID)
	if err != nil {
		return ResolveUsersResult{}, err
	}
	res := ResolveUsersResult{Users: []User{}}
	for _, u := range users {
		res.Users = append(res.Users, User{ID: u.ZoomUserID, Email: u.Email, Name: u.DisplayName})
	}
	return res, nil
}

// listPhoneRecordings returns one page of call recordings (Medium, Zoom
// Phone's own rate limits; no daily-pool request).
func (a *Activities) listPhoneRecordings(ctx context.Context, in ListRecordingsInput) (ListRecordingsResult, error) {
	c, err := a.zoomClient(ctx, in.TenantID)
	if err != nil {
		return ListRecordingsResult{}, classify(err, "list phone recordings")
	}
	page := in.PageSize
	if page <= 0 || page > zoom.MaxPageSize {
		page = zoom.MaxPageSize
	}
	list, _, err := c.Phone.ListRecordings(ctx, in.UserID, zoom.PhoneRecordingsOptions{
		From: in.From, To: in.To, PageSize: page, NextPageToken: in.PageToken,
	})
	if err != nil {
		who := "the account"
		if in.UserID != "" {
			who = "user " + in.UserID
		}
		return ListRecordingsResult{}, classify(err, fmt.Sprintf("tenant %s: list phone recordings of %s %s..%s",
			in.TenantID, who, in.From.Format(time.DateOnly), in.To.Format(time.DateOnly)))
	}
	res := ListRecordingsResult{Meetings: make([]Meeting, 0, len(list.Recordings)), NextPageToken: list.NextPageToken}
	for _, r := range list.Recordings {
		if r.ID == "" || r.URL() == "" {
			continue // nothing to archive (a recording Zoom lists without a file)
		}
		res.Meetings = append(res.Meetings, MeetingFromPhone(r))
	}
	return res, nil
}

// applyCall puts a phone call's metadata into its conversation row: the
// platform call id, from/to numbers and names, both directions, extension,
// and the call's exact duration and end.
func applyCall(c *store.Conversation, call *Call) {
	if call == nil {
		return
	}
	c.PlatformCallID = call.CallID
	c.ConversationType = "voice"
	c.Direction = call.Direction
	c.UserDirection = call.UserDirection
	c.FromParty, c.FromName = call.CallerNumber, call.CallerName
	c.ToParty, c.ToName = call.CalleeNumber, call.CalleeName
	c.Extension = call.Extension
	d := call.DurationSeconds
	c.DurationSeconds = &d
	if !call.EndTime.IsZero() {
		c.EndTime = call.EndTime
	}
}
