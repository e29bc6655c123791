// Package hostauth connects hosts' Zoom users to meetvault through Zoom's
// user-level OAuth (authorization code + PKCE) and serves what that
// connection is for: join tokens for local recording, which let a meeting bot
// record a host's meeting without a consent dialog.
//
// The parts:
//   - AuthorizeURL / Complete: the authorization-code flow. The state and the
//     PKCE verifier are kept in Postgres for ten minutes (verifier sealed) and
//     used once.
//   - HostConnection: which connected host (if any) hosts a given meeting.
//   - IssueJoinTokenURL / MintJoinToken: a bot's join_token_url, fetched by
//     the bot provider just before joining; each fetch mints a fresh token.
//
// Tokens are sealed at rest. Zoom rotates the refresh token on every
// refresh, so a refresh happens with the connection's row locked (SELECT ...
// FOR UPDATE): whoever holds the lock re-reads the row, uses a token another
// process just refreshed, or refreshes and stores the new pair before using
// it. invalid_grant from the token endpoint marks the connection dead
// (*DeadConnectionError): the host must reconnect. invalid_client means the
// app's own credentials are wrong (*AppConfigError): a configuration error
// for the operator, which leaves every connection as it is.
package hostauth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/meetvault/meetvault/store"
	"github.com/meetvault/meetvault/zoom"
)

// Config configures a Service. ClientID and ClientSecret are the user-level
// Zoom OAuth app's (MEETVAULT_ZOOM_USER_CLIENT_ID / _SECRET).
type Config struct {
	ClientID, ClientSecret string
	// OAuthURL is Zoom's OAuth host (authorize = {OAuthURL}/oauth/authorize,
	// token = {OAuthURL}/oauth/token); default https://zoom.us.
	OAuthURL string
	// APIURL is Zoom's REST base including /v2; default https://api.zoom.us/v2.
	APIURL string
	// PublicURL is where Zoom's redirect and the bot provider reach the
	// ingress: {PublicURL}/oauth/zoom/callback and {PublicURL}/bot/join-token.
	PublicURL string
	// HTTPClient talks to Zoom; default a client with a 30 s timeout.
	HTTPClient *http.Client
	// Now is the clock; default time.Now.
	Now func() time.Time
}

// Lifetimes and margins.
const (
	// StateTTL is how long an authorization started by AuthorizeURL may
	// take to come back to the callback.
	StateTTL = 10 * time.Minute
	// tokenEarlyExpiry: an access token this close to its expiry is
	// refreshed before use.
	tokenEarlyExpiry = time.Minute
	// refreshTimeout bounds a refresh, which runs detached from the
	// caller's context: once Zoom has rotated the refresh token, the answer
	// must be stored even if the caller went away.
	refreshTimeout = 30 * time.Second
	// CallbackPath and JoinTokenPath are the ingress routes.
	CallbackPath  = "/oauth/zoom/callback"
	JoinTokenPath = "/bot/join-token"
)

// Errors callers tell apart with errors.Is.
var (
	ErrNotConfigured = errors.New("hostauth: host OAuth is not configured: set MEETVAULT_ZOOM_USER_CLIENT_ID and MEETVAULT_ZOOM_USER_CLIENT_SECRET to the user-level Zoom OAuth app's credentials")
	ErrUnknownTenant = errors.New("hostauth: unknown tenant")
	ErrBadState      = errors.New("hostauth: unknown or already used OAuth state — start again from the connect link")
	ErrStateExpired  = errors.New("hostauth: the authorization took longer than 10 minutes — start again from the connect link")
	ErrCodeRejected  = errors.New("hostauth: Zoom refused the authorization code — start again from the connect link")
	ErrWrongAccount  = errors.New("hostauth: the Zoom user belongs to another Zoom account than the tenant's")
	ErrNotConnected  = errors.New("hostauth: host has no Zoom OAuth connection")
	ErrUnknownLink   = errors.New("hostauth: unknown join-token link")
	ErrLinkExpired   = errors.New("hostauth: join-token link expired")
	ErrNotHost       = errors.New("hostauth: Zoom will not mint a join token for this meeting with this host's connection (not the meeting's host, or no such meeting)")
)

// DeadConnectionError says a host's connection can no longer be refreshed
// (Zoom answered invalid_grant): the connection is marked dead and the host
// must connect again.
type DeadConnectionError struct {
	TenantID, ZoomUserID, Reason string
	Email                        string // when known
}

func (e *DeadConnectionError) Error() string {
	who := e.ZoomUserID
	if e.Email != "" {
		who = e.Email + " (" + e.ZoomUserID + ")"
	}
	return fmt.Sprintf("hostauth: tenant %s: the Zoom OAuth connection of host %s is dead (%s) — the host must reconnect: "+
		"open the link printed by `starter host connect --tenant %s`", e.TenantID, who, e.Reason, e.TenantID)
}

// Connection is a host's connected Zoom user, without tokens.
type Connection struct {
	TenantID      string
	ZoomUserID    string
	ZoomAccountID string
	Email         string
	Status        string // active | dead
	DeadReason    string
	Scope         string
	// LocalRecording is the host's "Record to computer files" setting as
	// checked when connecting; nil when it could not be read.
	LocalRecording *bool
	ConnectedAt    time.Time
	RefreshedAt    time.Time
	RefreshCount   int
}

func connectionFrom(c store.HostConnection) Connection {
	return Connection{TenantID: c.TenantID, ZoomUserID: c.ZoomUserID, ZoomAccountID: c.ZoomAccountID, Email: c.Email,
		Status: c.Status, DeadReason: c.DeadReason, Scope: c.Scope, LocalRecording: c.LocalRecording,
		ConnectedAt: c.ConnectedAt, RefreshedAt: c.RefreshedAt, RefreshCount: c.RefreshCount}
}

// repo is the part of *store.Store the service uses.
type repo interface {
	Tenant(ctx context.Context, id string) (store.Tenant, error)
	SaveHostOAuthState(ctx context.Context, st store.HostOAuthState, now time.Time) error
	TakeHostOAuthState(ctx context.Context, stateSHA256 []byte) (store.HostOAuthState, error)
	SaveHostConnection(ctx context.Context, c store.HostConnection) error
	HostConnection(ctx context.Context, tenantID, zoomUserID string) (store.HostConnection, error)
	HostConnections(ctx context.Context, tenantID string) ([]store.HostConnection, error)
	LockHostConnection(ctx context.Context, tenantID, zoomUserID string,
		fn func(ctx context.Context, c store.HostConnection, w store.HostConnectionWriter) error) error
	SaveJoinLink(ctx context.Context, l store.JoinLink) error
	UseJoinLink(ctx context.Context, secretSHA256 []byte, at time.Time) (store.JoinLink, error)
}

// Service is the host OAuth service; safe for concurrent use, and several
// processes may share one database.
type Service struct {
	repo      repo
	oauth     *oauth2.Config
	apiURL    string
	publicURL string
	hc        *http.Client
	now       func() time.Time
}

// New returns the service. It fails with ErrNotConfigured when the client ID
// or secret is empty: callers then treat host OAuth as disabled.
func New(cfg Config, st *store.Store) (*Service, error) {
	if st == nil {
		return nil, errors.New("hostauth: New: store is nil")
	}
	return newService(cfg, st)
}

func newService(cfg Config, r repo) (*Service, error) {
	if strings.TrimSpace(cfg.ClientID) == "" || strings.TrimSpace(cfg.ClientSecret) == "" {
		return nil, ErrNotConfigured
	}
	public := strings.TrimRight(strings.TrimSpace(cfg.PublicURL), "/")
	if !strings.HasPrefix(public, "http://") && !strings.HasPrefix(public, "https://") {
		return nil, fmt.Errorf("hostauth: MEETVAULT_PUBLIC_URL %q must be an http(s) URL: the ingress as Zoom and the bot provider reach it", cfg.PublicURL)
	}
	s := &Service{
		repo: r,
		oauth: &oauth2.Config{
			ClientID:     strings.TrimSpace(cfg.ClientID),
			ClientSecret: strings.TrimSpace(cfg.ClientSecret),
			Endpoint:     zoom.UserOAuthEndpoint(cfg.OAuthURL),
			RedirectURL:  public + CallbackPath,
		},
		apiURL:    cfg.APIURL,
		publicURL: public,
		hc:        cfg.HTTPClient,
		now:       cfg.Now,
	}
	if s.hc == nil {
		s.hc = &http.Client{Timeout: 30 * time.Second}
	}
	if s.now == nil {
		s.now = time.Now
	}
	return s, nil
}

// RedirectURL is the callback registered with the Zoom app
// ({PublicURL}/oauth/zoom/callback).
func (s *Service) RedirectURL() string { return s.oauth.RedirectURL }

// Connections lists the tenant's host connections, active first.
func (s *Service) Connections(ctx context.Context, tenantID string) ([]Connection, error) {
	rows, err := s.repo.HostConnections(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	out := make([]Connection, 0, len(rows))
	for _, r := range rows {
		out = append(out, connectionFrom(r))
	}
	return out, nil
}

// oauthContext hands the service's HTTP client to golang.org/x/oauth2.
func (s *Service) oauthContext(ctx context.Context) context.Context {
	return context.WithValue(ctx, oauth2.HTTPClient, s.hc)
}

// zoomClient is a Zoom API client authenticated with one access token.
func (s *Service) zoomClient(accessToken string) (*zoom.Client, error) {
	return zoom.NewClientWithTokenSource(zoom.Config{APIBaseURL: s.apiURL, HTTPClient: s.hc},
		oauth2.StaticTokenSource(&oauth2.Token{AccessToken: accessToken, TokenType: "Bearer"}))
}

// expiryOf converts the library's expiry (computed from expires_in with the
// wall clock) to the service's clock.
func (s *Service) expiryOf(t *oauth2.Token) time.Time {
	if t.Expiry.IsZero() {
		return s.now().Add(5 * time.Minute) // unknown lifetime: refresh soon rather than never
	}
	return s.now().Add(time.Until(t.Expiry))
}

func scopeOf(t *oauth2.Token) string {
	s, _ := t.Extra("scope").(string)
	return s
}
