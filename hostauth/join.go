package hostauth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/meetvault/meetvault/store"
	"github.com/meetvault/meetvault/zoom"
)

// HostConnection returns the tenant's active connection whose user hosts
// meetingID, found by asking GET /meetings/{id} with each active
// connection's token and comparing host_id; nil, nil when none does (an
// external meeting, or its host never connected). A connection found dead on
// the way is marked and skipped. When no connection matched but one could
// not be asked (network, 5xx, 429), that error is returned so the caller
// retries rather than concluding "nobody".
func (s *Service) HostConnection(ctx context.Context, tenantID, meetingID string) (*Connection, error) {
	if meetingID == "" {
		return nil, errors.New("hostauth: HostConnection: meeting id is empty")
	}
	rows, err := s.repo.HostConnections(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	var undecided error
	for _, c := range rows {
		if c.Status != store.HostConnectionActive {
			continue
		}
		var m *zoom.MeetingDetails
		err := s.withHost(ctx, tenantID, c.ZoomUserID, func(zc *zoom.Client) error {
			var err error
			m, _, err = zc.Meetings.Get(ctx, meetingID)
			return err
		})
		var dead *DeadConnectionError
		var appErr *AppConfigError
		switch {
		case errors.As(err, &appErr):
			return nil, err // the same for every connection: say so
		case err == nil && m.HostID == c.ZoomUserID:
			conn := connectionFrom(c)
			return &conn, nil
		case err == nil, errors.As(err, &dead), errors.Is(err, ErrNotConnected), refusedByZoom(err), zoom.IsUnauthorized(err):
			// Someone else's meeting, or a connection that cannot ask.
		default:
			if undecided == nil {
				undecided = fmt.Errorf("hostauth: tenant %s: asking Zoom who hosts meeting %s with %s's connection: %w", tenantID, meetingID, c.Email, err)
			}
		}
	}
	return nil, undecided
}

// refusedByZoom is a definite 4xx answer from the API (not a rate limit, not
// a rejected token): not found, forbidden, not this user's meeting.
func refusedByZoom(err error) bool {
	if _, limited := zoom.IsRateLimited(err); limited {
		return false
	}
	var er *zoom.ErrorResponse
	if !errors.As(err, &er) {
		return false
	}
	st := er.StatusCode()
	return st >= 400 && st < 500 && st != http.StatusTooManyRequests && st != http.StatusRequestTimeout &&
		st != http.StatusUnauthorized && er.Code != zoom.CodeInvalidToken
}

// IssueJoinTokenURL creates the join_token_url given to a bot
// (IssueTokenURL of KindJoinToken): the host must have an active connection.
func (s *Service) IssueJoinTokenURL(ctx context.Context, tenantID, meetingID, zoomUserID, workflowID string, bypassWaitingRoom bool, expiresAt time.Time) (string, error) {
	return s.IssueTokenURL(ctx, KindJoinToken, tenantID, meetingID, zoomUserID, workflowID, bypassWaitingRoom, expiresAt)
}

// MintJoinToken serves a join_token_url: it looks the secret up, refuses an
// expired link (ErrLinkExpired, without asking Zoom) or an unknown one
// (ErrUnknownLink), and mints a fresh join token for local recording through
// the host's connection. A dead connection gives *DeadConnectionError; Zoom
// refusing the meeting gives ErrNotHost; anything else is transient.
func (s *Service) MintJoinToken(ctx context.Context, secret string) (string, error) {
	l, err := s.useLink(ctx, KindJoinToken, secret)
	if err != nil {
		return "", err
	}
	var token string
	err = s.withHost(ctx, l.TenantID, l.ZoomUserID, func(zc *zoom.Client) error {
		jt, _, err := zc.Meetings.LocalRecordingJoinToken(ctx, l.MeetingID, l.BypassWaitingRoom)
		if err == nil {
			token = jt.Token
		}
		return err
	})
	var dead *DeadConnectionError
	var appErr *AppConfigError
	switch {
	case errors.As(err, &dead), errors.Is(err, ErrNotConnected), errors.As(err, &appErr):
		return "", err
	case refusedByZoom(err):
		return "", fmt.Errorf("%w: tenant %s meeting %s: %w", ErrNotHost, l.TenantID, l.MeetingID, err)
	case err != nil:
		return "", fmt.Errorf("hostauth: tenant %s meeting %s: minting a join token: %w", l.TenantID, l.MeetingID, err)
	case token == "":
		return "", fmt.Errorf("hostauth: tenant %s meeting %s: Zoom answered without a join token", l.TenantID, l.MeetingID)
	}
	return token, nil
}
