package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/meetvault/meetvault/activities"
	"github.com/meetvault/meetvault/hostauth"
)

// hostDirectory lets bot activities use hosts' Zoom OAuth connections
// (activities.HostDirectory over hostauth.Service).
type hostDirectory struct{ s *hostauth.Service }

func (d hostDirectory) HostOf(ctx context.Context, tenantID, meetingID string) (activities.HostInfo, bool, string, error) {
	c, err := d.s.HostConnection(ctx, tenantID, meetingID)
	if err != nil {
		return activities.HostInfo{}, false, "", err
	}
	if c != nil {
		return activities.HostInfo{ZoomUserID: c.ZoomUserID, Email: c.Email, LocalRecording: c.LocalRecording}, true, "", nil
	}
	// Nobody usable hosts it; name dead connections, which need a reconnect.
	conns, err := d.s.Connections(ctx, tenantID)
	if err != nil {
		return activities.HostInfo{}, false, "", nil
	}
	var dead []string
	for _, c := range conns {
		if c.Status == "dead" {
			dead = append(dead, fmt.Sprintf("%s (%s)", c.Email, c.DeadReason))
		}
	}
	note := "no connected Zoom OAuth host hosts this meeting: the bot asks for consent"
	if len(dead) > 0 {
		note += "; dead host connections that need a reconnect (starter host connect --tenant " + tenantID + "): " + strings.Join(dead, ", ")
	}
	return activities.HostInfo{}, false, note, nil
}

func (d hostDirectory) JoinTokenURL(ctx context.Context, tenantID, meetingID, zoomUserID, workflowID string, expires time.Time) (string, error) {
	// bypass_waiting_room: a host who connected OAuth has pre-authorised the
	// bot, so it need not wait to be admitted.
	return d.s.IssueJoinTokenURL(ctx, tenantID, meetingID, zoomUserID, workflowID, true, expires)
}

func (d hostDirectory) ConnectedUser(ctx context.Context, tenantID, user string) (activities.HostInfo, bool, error) {
	c, err := d.s.UserConnection(ctx, tenantID, user)
	if err != nil || c == nil {
		return activities.HostInfo{}, false, err
	}
	return activities.HostInfo{ZoomUserID: c.ZoomUserID, Email: c.Email, LocalRecording: c.LocalRecording}, true, nil
}

func (d hostDirectory) UserTokenURL(ctx context.Context, kind, tenantID, meetingID, zoomUserID, workflowID string, expires time.Time) (string, error) {
	k := map[string]hostauth.TokenKind{activities.BotLinkOBF: hostauth.KindOBF, activities.BotLinkZAK: hostauth.KindZAK}[kind]
	if k == "" {
		return "", fmt.Errorf("UserTokenURL: kind %q is not %s or %s", kind, activities.BotLinkOBF, activities.BotLinkZAK)
	}
	return d.s.IssueTokenURL(ctx, k, tenantID, meetingID, zoomUserID, workflowID, false, expires)
}
