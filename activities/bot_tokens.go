package activities

import (
	"context"
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/meetvault/meetvault/botprovider"
	"github.com/meetvault/meetvault/zoom"
)

// BotExternalMeetingNoToken is the (non-retryable) error type of CreateBot
// when the meeting is hosted outside the tenant's Zoom account and neither
// an OBF token nor a ZAK can be had: since March 2026 Zoom refuses such a
// bot. The provider reports the same situation, found late, as a fatal
// status with sub code botprovider.SubCodeZoomOBFTokenRequired.
const BotExternalMeetingNoToken = "BotExternalMeetingNoToken"

// Kinds of token links a bot can carry (CreateBotResult.Links).
const (
	BotLinkJoinToken = "join_token"
	BotLinkOBF       = "obf"
	BotLinkZAK       = "zak"
)

// defaultLinkLifetime bounds a bot's token links when the caller names no
// expiry: from the join time, long enough for a long meeting's rejoins.
const defaultLinkLifetime = 6 * time.Hour

// meetingPlace is where a meeting is hosted as seen from the tenant's
// account.
type meetingPlace int

const (
	placeUnknown meetingPlace = iota // the tenant's app may not ask (scope), or no credentials
	placeInside                      // the tenant's account hosts it
	placeOutside                     // another account hosts it
)

// botZoomConfig decides, in one place, which token URLs a new bot carries:
//   - join_token_url when a connected host of the tenant hosts the meeting
//     (in.JoinTokenUser): the bot records without a consent dialog;
//   - obf_token_url and zak_url, minted through the connection of the user
//     who sends the bot (in.OnBehalfOf), when the meeting is hosted outside
//     the tenant's account (or where that cannot be told): Zoom admits a
//     bot there only with one of them.
//
// An outside meeting without a usable on-behalf-of connection is a
// non-retryable BotExternalMeetingNoToken error that says who must do what.
// The links are secrets: they go to the provider, never into history.
func (a *Activities) botZoomConfig(ctx context.Context, in CreateBotInput) (*botprovider.ZoomConfig, []string, error) {
	expires := in.LinkExpires
	if expires.IsZero() {
		expires = later(time.Now(), in.JoinAt).Add(defaultLinkLifetime)
	}
	if in.JoinTokenUser != "" {
		if a.Hosts == nil {
			return nil, nil, temporal.NewNonRetryableApplicationError("join token requested but host OAuth is not configured", ErrBotsDisabled, nil)
		}
		link, err := a.Hosts.JoinTokenURL(ctx, in.TenantID, in.MeetingID, in.JoinTokenUser, in.WorkflowID, expires)
		if err != nil {
			return nil, nil, fmt.Errorf("issuing the join-token link: %w", err)
		}
		// Only the meeting's own host gets join tokens: the meeting is the
		// tenant's, no OBF token is needed.
		return &botprovider.ZoomConfig{JoinTokenURL: link}, []string{BotLinkJoinToken}, nil
	}
	place, err := a.meetingPlace(ctx, in.TenantID, in.MeetingID)
	if err != nil {
		return nil, nil, err
	}
	return a.userTokenLinks(ctx, in, place, expires)
}

// userTokenLinks attaches OBF and ZAK links for a meeting that is not
// known to be the tenant's, or fails with BotExternalMeetingNoToken.
func (a *Activities) userTokenLinks(ctx context.Context, in CreateBotInput, place meetingPlace, expires time.Time) (*botprovider.ZoomConfig, []string, error) {
	cfg := &botprovider.ZoomConfig{}
	var kinds []string
	if place == placeInside {
		return nil, nil, nil
	}
	user, why := a.onBehalfUser(ctx, in)
	if user != "" {
		for _, k := range []string{BotLinkOBF, BotLinkZAK} {
			link, err := a.Hosts.UserTokenURL(ctx, k, in.TenantID, in.MeetingID, user, in.WorkflowID, expires)
			if err != nil {
				return nil, nil, fmt.Errorf("issuing the %s link for %s: %w", k, in.OnBehalfOf, err)
			}
			if k == BotLinkOBF {
				cfg.OBFTokenURL = link
			} else {
				cfg.ZakURL = link
			}
			kinds = append(kinds, k)
		}
		return cfg, kinds, nil
	}
	if place == placeOutside {
		return nil, nil, temporal.NewNonRetryableApplicationError(externalMeetingAdvice(in, why), BotExternalMeetingNoToken, nil)
	}
	return nil, nil, nil
}

// onBehalfUser returns the Zoom user id of in.OnBehalfOf's active
// connection, or "" and why there is none.
func (a *Activities) onBehalfUser(ctx context.Context, in CreateBotInput) (string, string) {
	switch {
	case in.OnBehalfOf == "":
		return "", "no on-behalf-of user was named for the bot"
	case a.Hosts == nil:
		return "", "host OAuth is not configured (MEETVAULT_ZOOM_USER_CLIENT_ID / _SECRET)"
	}
	h, ok, err := a.Hosts.ConnectedUser(ctx, in.TenantID, in.OnBehalfOf)
	switch {
	case err != nil:
		return "", fmt.Sprintf("%s's Zoom OAuth connection cannot be used: %v", in.OnBehalfOf, err)
	case !ok:
		return "", in.OnBehalfOf + " has not connected Zoom OAuth"
	}
	return h.ZoomUserID, ""
}

func externalMeetingAdvice(in CreateBotInput, why string) string {
	who := "the tenant user who sends the bot"
	if in.OnBehalfOf != "" {
		who = in.OnBehalfOf
	}
	return fmt.Sprintf("meeting %s is hosted outside tenant %s's Zoom account (its app finds no such meeting or webinar; "+
		"check the link if it should be the tenant's), and since March 2026 Zoom admits a bot there only "+
		"with an on-behalf-of (OBF) token or a ZAK of a user who authorised the app (%s): %s must connect Zoom OAuth "+
		"(starter host connect --tenant %s) granting the scope user:read:token, be named as the bot's on-behalf-of user, "+
		"and attend the meeting (the bot joins after them and leaves with them)", in.MeetingID, in.TenantID, why, who, in.TenantID)
}

// meetingPlace asks the tenant's own Zoom app (GET /meetings/{id}, then
// GET /webinars/{id}, both Light) whether its account hosts the meeting:
// found means inside, "does not exist" for both means another account's. Without credentials, or when the app may
// not ask (missing scope), the answer is unknown; other failures are
// returned so the activity retries.
func (a *Activities) meetingPlace(ctx context.Context, tenantID, meetingID string) (meetingPlace, error) {
	if a.Store == nil || meetingID == "" {
		return placeUnknown, nil
	}
	c, err := a.zoomClient(ctx, tenantID)
	if err != nil {
		return placeUnknown, classify(err, "tenant "+tenantID+": Zoom client")
	}
	_, _, err = c.Meetings.Get(ctx, meetingID)
	place, err := placeFrom(err, fmt.Sprintf("tenant %s: is meeting %s in the account", tenantID, meetingID))
	if place != placeOutside {
		return place, err
	}
	// A webinar number is no meeting: ask for a webinar before concluding.
	_, _, err = c.Meetings.GetWebinar(ctx, meetingID)
	return placeFrom(err, fmt.Sprintf("tenant %s: is webinar %s in the account", tenantID, meetingID))
}

// placeFrom reads the answer of the tenant's GET /meetings/{id}.
func placeFrom(err error, what string) (meetingPlace, error) {
	if _, denied := zoom.IsPermissionError(err); denied {
		return placeUnknown, nil
	}
	switch {
	case err == nil:
		return placeInside, nil
	case zoom.IsNotFound(err):
		return placeOutside, nil
	}
	return placeUnknown, classify(err, what)
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
