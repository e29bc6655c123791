package hostauth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"

	"golang.org/x/oauth2"

	"github.com/meetvault/meetvault/store"
)

// AuthorizeURL starts a host's connection to tenantID: it stores a fresh
// state and PKCE verifier (sealed) for StateTTL and returns Zoom's authorize
// URL, with the S256 code challenge, for the host's browser.
func (s *Service) AuthorizeURL(ctx context.Context, tenantID string) (string, error) {
	if _, err := s.tenant(ctx, tenantID); err != nil {
		return "", err
	}
	state := randomSecret()
	verifier := oauth2.GenerateVerifier()
	now := s.now()
	if err := s.repo.SaveHostOAuthState(ctx, store.HostOAuthState{
		StateSHA256: digest(state), TenantID: tenantID, Verifier: verifier, ExpiresAt: now.Add(StateTTL),
	}, now); err != nil {
		return "", err
	}
	return s.oauth.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier)), nil
}

// Complete finishes the flow the callback received: it consumes the state
// (once, whatever happens next), exchanges the code with the PKCE verifier,
// asks Zoom who the user is (GET /users/me) with the new token, reads the
// user's recording settings (the onboarding check: bots need "Record to
// computer files") and stores the connection with its tokens sealed.
// Reconnecting replaces the user's earlier connection, dead or not.
func (s *Service) Complete(ctx context.Context, state, code string) (*Connection, error) {
	if state == "" {
		return nil, ErrBadState
	}
	st, err := s.repo.TakeHostOAuthState(ctx, digest(state))
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrBadState
	}
	if err != nil {
		return nil, err
	}
	if !s.now().Before(st.ExpiresAt) {
		return nil, ErrStateExpired
	}
	if code == "" {
		return nil, fmt.Errorf("%w: the callback carried no code", ErrCodeRejected)
	}
	tenant, err := s.tenant(ctx, st.TenantID)
	if err != nil {
		return nil, err
	}
	tok, err := s.oauth.Exchange(s.oauthContext(ctx), code, oauth2.VerifierOption(st.Verifier))
	if err != nil {
		if appErr := appCredentialsError(err); appErr != nil {
			return nil, appErr
		}
		var re *oauth2.RetrieveError
		if errors.As(err, &re) && re.ErrorCode != "" && re.Response != nil && re.Response.StatusCode < 500 {
			return nil, fmt.Errorf("%w (%s)", ErrCodeRejected, zoomReason(re))
		}
		return nil, fmt.Errorf("hostauth: tenant %s: exchanging the authorization code at Zoom failed: %w", st.TenantID, err)
	}
	if tok.RefreshToken == "" {
		return nil, fmt.Errorf("hostauth: tenant %s: Zoom issued no refresh token — the app must be a user-managed OAuth app (authorization code)", st.TenantID)
	}
	zc, err := s.zoomClient(tok.AccessToken)
	if err != nil {
		return nil, err
	}
	me, _, err := zc.Users.Me(ctx)
	if err != nil {
		return nil, fmt.Errorf("hostauth: tenant %s: GET /users/me with the new token: %w (the app needs the user:read scope)", st.TenantID, err)
	}
	if me.AccountID != "" && tenant.ZoomAccountID != "" && me.AccountID != tenant.ZoomAccountID {
		return nil, fmt.Errorf("%w: %s is on account %s, tenant %s is account %s — sign in to Zoom as a user of the tenant's account",
			ErrWrongAccount, me.Email, me.AccountID, tenant.ID, tenant.ZoomAccountID)
	}
	// The onboarding check: a failure to read settings (scope missing)
	// leaves LocalRecording unknown rather than refusing the connection.
	var localRecording *bool
	if set, _, err := zc.Users.GetSettings(ctx, me.ID); err == nil {
		v := set.Recording.LocalRecording
		localRecording = &v
	}
	now := s.now()
	c := store.HostConnection{
		TenantID: st.TenantID, ZoomUserID: me.ID, ZoomAccountID: me.AccountID, Email: me.Email,
		Status: store.HostConnectionActive, Scope: scopeOf(tok),
		AccessToken: tok.AccessToken, RefreshToken: tok.RefreshToken, AccessExpiresAt: s.expiryOf(tok),
		LocalRecording: localRecording, ConnectedAt: now, RefreshedAt: now,
	}
	if err := s.repo.SaveHostConnection(ctx, c); err != nil {
		return nil, err
	}
	conn := connectionFrom(c)
	return &conn, nil
}

func (s *Service) tenant(ctx context.Context, tenantID string) (store.Tenant, error) {
	if tenantID == "" {
		return store.Tenant{}, fmt.Errorf("%w: no tenant given", ErrUnknownTenant)
	}
	t, err := s.repo.Tenant(ctx, tenantID)
	if errors.Is(err, store.ErrNotFound) {
		return t, fmt.Errorf("%w %q: register it with starter tenant add", ErrUnknownTenant, tenantID)
	}
	return t, err
}

// randomSecret is 32 random bytes, base64url without padding.
func randomSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails
	return base64.RawURLEncoding.EncodeToString(b)
}

func digest(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}
