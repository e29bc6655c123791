package hostauth

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/meetvault/meetvault/store"
	"github.com/meetvault/meetvault/zoom"
)

// Routes of the OBF and ZAK links, beside JoinTokenPath.
const (
	OBFTokenPath = "/bot/obf-token"
	ZAKPath      = "/bot/zak"
)

// TokenKind names what a bot's token link mints. Each kind is served on its
// own route and a link is valid on that route only.
type TokenKind string

// Token kinds.
const (
	// KindJoinToken: a join token for local recording (the host's meeting).
	KindJoinToken TokenKind = store.JoinLinkKindJoinToken
	// KindOBF: an on-behalf-of token of the user who sent the bot; Zoom
	// admits the bot to a meeting outside the app's account while that
	// user attends.
	KindOBF TokenKind = store.JoinLinkKindOBF
	// KindZAK: the user's ZAK; the bot joins as that signed-in user.
	KindZAK TokenKind = store.JoinLinkKindZAK
)

// ScopeUserToken is the user-level scope OBF tokens need.
const ScopeUserToken = "user:read:token"

// ErrNoUserToken says Zoom would not mint an OBF token or a ZAK for the
// link's user (no such meeting for that user, a missing scope, a sign-in
// method without a ZAK): the route answers 404, as bot providers expect.
var ErrNoUserToken = errors.New("hostauth: Zoom will not mint this token for the user")

func (k TokenKind) path() string {
	switch k {
	case KindOBF:
		return OBFTokenPath
	case KindZAK:
		return ZAKPath
	}
	return JoinTokenPath
}

// IssueTokenURL creates a bot's token link of kind for the connected user
// zoomUserID: a per-bot secret (only its SHA-256 is stored) naming the
// tenant, meeting and user, valid until expiresAt on kind's route only.
// bypassWaitingRoom applies to join tokens.
func (s *Service) IssueTokenURL(ctx context.Context, kind TokenKind, tenantID, meetingID, zoomUserID, workflowID string, bypassWaitingRoom bool, expiresAt time.Time) (string, error) {
	if kind != KindJoinToken && kind != KindOBF && kind != KindZAK {
		return "", fmt.Errorf("hostauth: IssueTokenURL: unknown kind %q", kind)
	}
	if tenantID == "" || meetingID == "" || zoomUserID == "" {
		return "", fmt.Errorf("hostauth: IssueTokenURL(%s) needs a tenant, a meeting id and the user's Zoom user id", kind)
	}
	now := s.now()
	if !expiresAt.After(now) {
		return "", fmt.Errorf("hostauth: IssueTokenURL: expiry %s is not in the future", expiresAt.UTC().Format(time.RFC3339))
	}
	c, err := s.repo.HostConnection(ctx, tenantID, zoomUserID)
	if errors.Is(err, store.ErrNotFound) {
		return "", fmt.Errorf("%w: tenant %s, Zoom user %s", ErrNotConnected, tenantID, zoomUserID)
	}
	if err != nil {
		return "", err
	}
	if c.Status == store.HostConnectionDead {
		return "", deadError(c, c.DeadReason)
	}
	secret := randomSecret()
	if err := s.repo.SaveJoinLink(ctx, store.JoinLink{
		SecretSHA256: digest(secret), Kind: string(kind), TenantID: tenantID, MeetingID: meetingID, ZoomUserID: zoomUserID,
		WorkflowID: workflowID, BypassWaitingRoom: bypassWaitingRoom, ExpiresAt: expiresAt, CreatedAt: now,
	}); err != nil {
		return "", err
	}
	return s.publicURL + kind.path() + "?secret=" + url.QueryEscape(secret), nil
}

// useLink looks a secret up for kind's route: unknown secrets and links of
// another kind are ErrUnknownLink, expired ones ErrLinkExpired.
func (s *Service) useLink(ctx context.Context, kind TokenKind, secret string) (store.JoinLink, error) {
	if secret == "" {
		return store.JoinLink{}, ErrUnknownLink
	}
	now := s.now()
	l, err := s.repo.UseJoinLink(ctx, digest(secret), now)
	if errors.Is(err, store.ErrNotFound) {
		return l, ErrUnknownLink
	}
	if err != nil {
		return l, err
	}
	if l.Kind == "" {
		l.Kind = store.JoinLinkKindJoinToken
	}
	if TokenKind(l.Kind) != kind {
		return l, ErrUnknownLink // a link is scoped to its own route
	}
	if !now.Before(l.ExpiresAt) {
		return l, fmt.Errorf("%w: tenant %s meeting %s, expired %s", ErrLinkExpired, l.TenantID, l.MeetingID, l.ExpiresAt.UTC().Format(time.RFC3339))
	}
	return l, nil
}

// MintUserToken serves an OBF or ZAK link: a fresh token of the link's
// user (GET /users/me/token?type=onbehalf|zak through their connection),
// minted at each fetch. Errors: ErrUnknownLink, ErrLinkExpired,
// *DeadConnectionError, *AppConfigError, ErrNoUserToken (Zoom refused, e.g.
// the connection lacks user:read:token); anything else is transient.
func (s *Service) MintUserToken(ctx context.Context, kind TokenKind, secret string) (string, error) {
	if kind != KindOBF && kind != KindZAK {
		return "", fmt.Errorf("hostauth: MintUserToken: kind %q is not obf or zak", kind)
	}
	l, err := s.useLink(ctx, kind, secret)
	if err != nil {
		return "", err
	}
	typ, opts := zoom.UserTokenZAK, (*zoom.UserTokenOptions)(nil)
	if kind == KindOBF {
		typ, opts = zoom.UserTokenOnBehalf, &zoom.UserTokenOptions{MeetingID: l.MeetingID}
	}
	var token string
	err = s.withHost(ctx, l.TenantID, l.ZoomUserID, func(zc *zoom.Client) error {
		t, _, err := zc.Users.Token(ctx, "me", typ, opts)
		if err == nil {
			token = t.Token
		}
		return err
	})
	var dead *DeadConnectionError
	var appErr *AppConfigError
	switch {
	case err == nil:
		return token, nil
	case errors.As(err, &dead), errors.Is(err, ErrNotConnected), errors.As(err, &appErr):
		return "", err
	case refusedByZoom(err):
		hint := ""
		if _, ok := zoom.IsPermissionError(err); ok && kind == KindOBF {
			hint = fmt.Sprintf(" — the app needs the scope %s and the user must connect again (starter host connect --tenant %s)", ScopeUserToken, l.TenantID)
		}
		return "", fmt.Errorf("%w: tenant %s user %s meeting %s (%s): %w%s", ErrNoUserToken, l.TenantID, l.ZoomUserID, l.MeetingID, kind, err, hint)
	case strings.Contains(err.Error(), "answered without a token"):
		return "", fmt.Errorf("%w: %w", ErrNoUserToken, err)
	}
	return "", fmt.Errorf("hostauth: tenant %s user %s: minting a %s token: %w", l.TenantID, l.ZoomUserID, kind, err)
}

// UserConnection returns the tenant's active connection of user (a Zoom
// user id or an e-mail, case-insensitive); nil, nil when there is none (or
// only a dead one, returned as *DeadConnectionError).
func (s *Service) UserConnection(ctx context.Context, tenantID, user string) (*Connection, error) {
	rows, err := s.repo.HostConnections(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	for _, c := range rows {
		if c.ZoomUserID != user && !strings.EqualFold(c.Email, user) {
			continue
		}
		if c.Status != store.HostConnectionActive {
			return nil, deadError(c, c.DeadReason)
		}
		conn := connectionFrom(c)
		return &conn, nil
	}
	return nil, nil
}
