package activities

import (
	"context"
	"fmt"
	"time"

	"github.com/meetvault/meetvault/zoom"
)

// ResolveUsers returns the users whose recordings the tenant archives: every
// user of the account, or the tenant's recorded_users list.
func (a *Activities) ResolveUsers(ctx context.Context, in ResolveUsersInput) (ResolveUsersResult, error) {
	if in.Source == SourcePhone {
		return a.phoneUsers(ctx, in.TenantID)
	}
	t, err := a.Store.Tenant(ctx, in.TenantID)
	if err != nil {
		return ResolveUsersResult{}, classify(err, "resolve users")
	}
	res := ResolveUsersResult{Users: []User{}}
	if !t.RecordAllUsers {
		users, err := a.Store.RecordedUsers(ctx, in.TenantID)
		if err != nil {
			return res, err
		}
		for _, u := range users {
			res.Users = append(res.Users, User{ID: u.ZoomUserID, Email: u.Email, Name: u.DisplayName})
		}
		return res, nil
	}
	c, err := a.zoomClient(ctx, in.TenantID)
	if err != nil {
		return res, classify(err, "resolve users")
	}
	users, err := c.Users.ListAll(ctx)
	if err != nil {
		return res, classify(err, fmt.Sprintf("tenant %s: list users", in.TenantID))
	}
	for _, u := range users {
		name := u.DisplayName
		if name == "" {
			name = u.FirstName + " " + u.LastName
		}
		res.Users = append(res.Users, User{ID: u.ID, Email: u.Email, Name: name})
	}
	return res, nil
}

// ListRecordings returns one page of a user's cloud recordings.
func (a *Activities) ListRecordings(ctx context.Context, in ListRecordingsInput) (ListRecordingsResult, error) {
	if in.Source == SourcePhone {
		return a.listPhoneRecordings(ctx, in)
	}
	c, err := a.zoomClient(ctx, in.TenantID)
	if err != nil {
		return ListRecordingsResult{}, classify(err, "list recordings")
	}
	page := in.PageSize
	if page <= 0 || page > 300 {
		page = 300
	}
	list, _, err := c.Recordings.ListUser(ctx, in.UserID, zoom.ListRecordingsOptions{
		From: in.From, To: in.To, PageSize: page, NextPageToken: in.PageToken,
	})
	if err != nil {
		return ListRecordingsResult{}, classify(err, fmt.Sprintf("tenant %s: list recordings of user %s %s..%s",
			in.TenantID, in.UserID, in.From.Format("2006-01-02"), in.To.Format("2006-01-02")))
	}
	res := ListRecordingsResult{Meetings: make([]Meeting, 0, len(list.Meetings)), NextPageToken: list.NextPageToken}
	for _, m := range list.Meetings {
		res.Meetings = append(res.Meetings, MeetingFromZoom(m))
	}
	return res, nil
}

// FetchMeeting returns one meeting's recording files (Light endpoint).
func (a *Activities) FetchMeeting(ctx context.Context, in FetchMeetingInput) (FetchMeetingResult, error) {
	c, err := a.zoomClient(ctx, in.TenantID)
	if err != nil {
		return FetchMeetingResult{}, classify(err, "fetch meeting")
	}
	m, _, err := c.Recordings.GetMeeting(ctx, in.MeetingUUID, nil)
	if err != nil {
		return FetchMeetingResult{}, classify(err, fmt.Sprintf("tenant %s: recordings of meeting %s", in.TenantID, in.MeetingUUID))
	}
	return FetchMeetingResult{Meeting: MeetingFromZoom(*m)}, nil
}

// seriesStartSlack: a start_time more than this before the instance's
// earliest recording_start is a recurring series' start, not the instance's.
const seriesStartSlack = 24 * time.Hour

// instanceStart is the meeting instance's start. A recurring meeting's
// webhook gives the series' start (days earlier) as start_time while the
// listing gives the instance's; the files' recording_start is the
// instance's in both. Taking it then keeps the conversation's start and its
// objects' date folder the same whichever way the meeting arrived.
func instanceStart(m zoom.Meeting) time.Time {
	var first time.Time
	for _, group := range [][]zoom.RecordingFile{m.RecordingFiles, m.ParticipantAudioFiles} {
		for _, f := range group {
			if !f.RecordingStart.IsZero() && (first.IsZero() || f.RecordingStart.Before(first)) {
				first = f.RecordingStart
			}
		}
	}
	if !first.IsZero() && (m.StartTime.IsZero() || first.Sub(m.StartTime) > seriesStartSlack) {
		return first.UTC()
	}
	return m.StartTime.UTC()
}

// MeetingFromZoom keeps what workflow history needs of a Zoom meeting (never
// its download_access_token).
func MeetingFromZoom(m zoom.Meeting) Meeting {
	out := Meeting{
		UUID: m.UUID, ID: m.ID, HostID: m.HostID, HostEmail: m.HostEmail, Topic: m.Topic,
		Type: int(m.Type), StartTime: instanceStart(m), Duration: m.Duration, Timezone: m.Timezone,
		Files:  make([]RecordingFile, 0, len(m.RecordingFiles)+len(m.ParticipantAudioFiles)),
		Source: webinarSource(int(m.Type)),
	}
	for _, group := range [][]zoom.RecordingFile{m.RecordingFiles, m.ParticipantAudioFiles} {
		for _, f := range group {
			out.Files = append(out.Files, RecordingFile{
				FileID:         f.StableID(m.UUID),
				ZoomFileID:     f.ID,
				FileType:       f.FileType,
				FileExtension:  f.FileExtension,
				RecordingType:  f.RecordingType,
				Status:         f.Status,
				DownloadURL:    f.DownloadURL,
				Size:           f.FileSize,
				HasSize:        f.HasFileSize,
				RecordingStart: f.RecordingStart,
				RecordingEnd:   f.RecordingEnd,
			})
		}
	}
	return out
}

// listedURL returns the download URL m (a fresh listing of the meeting)
// gives the file f, matched by identity (zoom.RecordingFile.StableID), never
// by URL; f's own URL when m does not list it.
func listedURL(m *zoom.Meeting, f RecordingFile) string {
	for _, group := range [][]zoom.RecordingFile{m.RecordingFiles, m.ParticipantAudioFiles} {
		for _, zf := range group {
			if zf.DownloadURL != "" && zf.StableID(m.UUID) == f.FileID {
				return zf.DownloadURL
			}
		}
	}
	return f.DownloadURL
}
