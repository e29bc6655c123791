package activities

import (
	"context"
	"fmt"
	"time"

	"github.com/meetvault/meetvault/store"
	"github.com/meetvault/meetvault/zoom"
)

// LogMeetingsInput asks for one page of the account's past meetings from
// Zoom's dashboard (GET /metrics/meetings, Resource-intensive).
type LogMeetingsInput struct {
	TenantID  string    `json:"tenant_id"`
	Source    string    `json:"source"`
	From      time.Time `json:"from"`
	To        time.Time `json:"to"`
	PageToken string    `json:"page_token,omitempty"`
	PageSize  int       `json:"page_size,omitempty"`
}

// LogMeetingsResult reports the page and the quota it spent.
type LogMeetingsResult struct {
	Logged        int    `json:"logged"`
	NextPageToken string `json:"next_page_token,omitempty"`
	// PoolCalls is the requests made to the daily Heavy + Resource-intensive
	// pool; PoolRemaining is Zoom's X-RateLimit-Remaining (-1 when absent).
	PoolCalls     int `json:"pool_calls"`
	PoolRemaining int `json:"pool_remaining"`
}

// LogMeetings records what happened (every past meeting, recorded or not) so
// reconciliation can find what was not recorded or not archived. One call
// covers up to 300 meetings: one pool request per 300 meetings, where the
// per-meeting Heavy dashboard calls the seed used cost two each.
func (a *Activities) LogMeetings(ctx context.Context, in LogMeetingsInput) (LogMeetingsResult, error) {
	res := LogMeetingsResult{PoolRemaining: -1}
	if in.Source == SourcePhone {
		return res, nil // calls are not in the meetings dashboard
	}
	c, err := a.zoomClient(ctx, in.TenantID)
	if err != nil {
		return res, classify(err, "meeting log")
	}
	page := in.PageSize
	if page <= 0 || page > 300 {
		page = 300
	}
	list, resp, err := c.Dashboards.ListMeetings(ctx, zoom.DashboardMeetingsOptions{
		Type: zoom.DashboardTypePast, From: in.From, To: in.To, PageSize: page, NextPageToken: in.PageToken,
	})
	if err != nil {
		return res, classify(err, fmt.Sprintf("tenant %s: dashboard meetings %s..%s", in.TenantID,
			in.From.Format(time.DateOnly), in.To.Format(time.DateOnly)))
	}
	res.PoolCalls = 1
	if resp != nil && resp.RateLimit.Remaining >= 0 {
		res.PoolRemaining = resp.RateLimit.Remaining
	}
	logged := make([]store.LoggedMeeting, 0, len(list.Meetings))
	for _, m := range list.Meetings {
		logged = append(logged, store.LoggedMeeting{
			ConversationUUID: m.UUID, MeetingID: m.ID, Topic: m.Topic, HostName: m.Host, HostEmail: m.Email,
			StartTime: m.StartTime, EndTime: m.EndTime, Duration: m.Duration, Participants: m.Participants,
			HasRecording: m.HasRecording,
		})
	}
	if err := a.Store.LogMeetings(ctx, in.TenantID, in.Source, logged); err != nil {
		return res, err
	}
	res.Logged = len(logged)
	res.NextPageToken = list.NextPageToken
	return res, nil
}
