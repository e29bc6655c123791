package hostauth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"golang.org/x/oauth2"

	"github.com/meetvault/meetvault/store"
	"github.com/meetvault/meetvault/zoom"
)

// withHost runs fn with a Zoom client authenticated as the host. A 401 from
// the API although the token had not expired (revoked, or replaced by a
// refresh elsewhere) gets one refresh and one more try, then the error.
func (s *Service) withHost(ctx context.Context, tenantID, zoomUserID string, fn func(*zoom.Client) error) error {
	access, err := s.accessToken(ctx, tenantID, zoomUserID)
	if err != nil {
		return err
	}
	err = s.callWith(access, fn)
	if !zoom.IsUnauthorized(err) {
		return err
	}
	if access, err = s.refresh(ctx, tenantID, zoomUserID, access); err != nil {
		return err
	}
	err = s.callWith(access, fn)
	if zoom.IsUnauthorized(err) {
		return fmt.Errorf("hostauth: tenant %s: Zoom rejected host %s's freshly refreshed token too (%w) — if it persists, the host should reconnect (starter host connect --tenant %s)",
			tenantID, zoomUserID, err, tenantID)
	}
	return err
}

func (s *Service) callWith(access string, fn func(*zoom.Client) error) error {
	zc, err := s.zoomClient(access)
	if err != nil {
		return err
	}
	return fn(zc)
}

// accessToken returns a usable access token of the host's connection,
// refreshing it (under the row lock) when it is about to expire.
func (s *Service) accessToken(ctx context.Context, tenantID, zoomUserID string) (string, error) {
	c, err := s.repo.HostConnection(ctx, tenantID, zoomUserID)
	if errors.Is(err, store.ErrNotFound) {
		return "", fmt.Errorf("%w: tenant %s, Zoom user %s — the host connects with starter host connect --tenant %s", ErrNotConnected, tenantID, zoomUserID, tenantID)
	}
	if err != nil {
		return "", err
	}
	if c.Status == store.HostConnectionDead {
		return "", deadError(c, c.DeadReason)
	}
	if s.fresh(c) {
		return c.AccessToken, nil
	}
	return s.refresh(ctx, tenantID, zoomUserID, "")
}

func (s *Service) fresh(c store.HostConnection) bool {
	return c.AccessToken != "" && s.now().Add(tokenEarlyExpiry).Before(c.AccessExpiresAt)
}

// refresh refreshes the connection's tokens with its row locked. It first
// re-reads the row: when another process refreshed meanwhile (the stored
// access token is fresh and is not the one Zoom just rejected), that token
// is used and Zoom is not asked. Otherwise it refreshes, stores the rotated
// pair and only then returns the new access token. invalid_grant marks the
// connection dead (*DeadConnectionError); invalid_client is the app's
// configuration (*AppConfigError), the row is left alone; other failures
// are returned for the caller to retry.
func (s *Service) refresh(ctx context.Context, tenantID, zoomUserID, rejected string) (string, error) {
	var access string
	err := s.repo.LockHostConnection(ctx, tenantID, zoomUserID, func(ctx context.Context, c store.HostConnection, w store.HostConnectionWriter) error {
		if c.Status == store.HostConnectionDead {
			return deadError(c, c.DeadReason)
		}
		if s.fresh(c) && c.AccessToken != rejected {
			access = c.AccessToken
			return nil
		}
		// Detached from the caller: once Zoom rotates the refresh token its
		// answer must be stored, even if the caller gave up.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), refreshTimeout)
		defer cancel()
		tok, err := s.oauth.TokenSource(s.oauthContext(rctx), &oauth2.Token{RefreshToken: c.RefreshToken}).Token()
		if err != nil {
			if appErr := appCredentialsError(err); appErr != nil {
				// The app's own credentials are wrong: every refresh fails
				// alike, and the hosts' grants are intact. Keep the row.
				return appErr
			}
			if reason, dead := deadReason(err); dead {
				if merr := w.MarkDead(ctx, reason); merr != nil {
					return merr
				}
				return deadError(c, reason)
			}
			return fmt.Errorf("hostauth: tenant %s: refreshing host %s's Zoom token failed, retry later: %w", tenantID, zoomUserID, err)
		}
		if tok.RefreshToken == "" { // the library keeps the old one; be sure
			tok.RefreshToken = c.RefreshToken
		}
		if err := w.SaveTokens(ctx, store.HostTokens{AccessToken: tok.AccessToken, RefreshToken: tok.RefreshToken,
			Expiry: s.expiryOf(tok), Scope: scopeOf(tok), RefreshedAt: s.now()}); err != nil {
			return err
		}
		access = tok.AccessToken
		return nil
	})
	if errors.Is(err, store.ErrNotFound) {
		return "", fmt.Errorf("%w: tenant %s, Zoom user %s", ErrNotConnected, tenantID, zoomUserID)
	}
	return access, err
}

func deadError(c store.HostConnection, reason string) *DeadConnectionError {
	if reason == "" {
		reason = "marked dead"
	}
	return &DeadConnectionError{TenantID: c.TenantID, ZoomUserID: c.ZoomUserID, Email: c.Email, Reason: reason}
}

// deadReason reports whether a token-endpoint error means the host's refresh
// token will never work again (invalid_grant: revoked, expired, or rotated
// away). invalid_client is not one: see appCredentialsError.
func deadReason(err error) (string, bool) {
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || (re.Response != nil && re.Response.StatusCode >= http.StatusInternalServerError) {
		return "", false
	}
	if re.ErrorCode == "invalid_grant" {
		return zoomReason(re), true
	}
	return "", false
}

// AppConfigError is Zoom rejecting the user-level OAuth app's own client id
// or secret (invalid_client): meetvault's configuration is wrong, not the
// hosts' connections, which stay as they are and work again once the
// credentials are fixed.
type AppConfigError struct {
	Reason string // Zoom's code and explanation
}

func (e *AppConfigError) Error() string {
	return fmt.Sprintf("hostauth: Zoom rejected the user-level OAuth app's credentials (%s) — a configuration error, not a host's: "+
		"set MEETVAULT_ZOOM_USER_CLIENT_ID and MEETVAULT_ZOOM_USER_CLIENT_SECRET to the app's Client ID and Client Secret "+
		"(Zoom App Marketplace › the app › App Credentials) and restart the ingress and workers; host connections are kept", e.Reason)
}

// appCredentialsError returns an *AppConfigError for invalid_client.
func appCredentialsError(err error) *AppConfigError {
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.ErrorCode != "invalid_client" ||
		(re.Response != nil && re.Response.StatusCode >= http.StatusInternalServerError) {
		return nil
	}
	return &AppConfigError{Reason: zoomReason(re)}
}

// zoomReason is the error code with Zoom's explanation ("reason" in Zoom's
// token errors, error_description in RFC 6749's).
func zoomReason(re *oauth2.RetrieveError) string {
	desc := re.ErrorDescription
	if desc == "" {
		var body struct {
			Reason string `json:"reason"`
		}
		if json.Unmarshal(re.Body, &body) == nil {
			desc = body.Reason
		}
	}
	code := re.ErrorCode
	if code == "" && re.Response != nil {
		code = fmt.Sprintf("HTTP %d", re.Response.StatusCode)
	}
	if desc = strings.TrimSpace(desc); desc != "" {
		return code + ": " + desc
	}
	return code
}
