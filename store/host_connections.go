package store

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Host connection states.
const (
	HostConnectionActive = "active"
	HostConnectionDead   = "dead"
)

// HostConnection is a host's Zoom user connected through the user-level OAuth
// app (table host_connections). AccessToken and RefreshToken are unsealed by
// HostConnection and LockHostConnection, and empty in HostConnections'
// listing.
type HostConnection struct {
	TenantID      string
	ZoomUserID    string
	ZoomAccountID string
	Email         string
	Status        string // HostConnectionActive or HostConnectionDead
	DeadReason    string
	Scope         string

	AccessToken     string
	RefreshToken    string
	AccessExpiresAt time.Time

	// LocalRecording is the host's "Record to computer files" setting when
	// last checked; nil when unknown.
	LocalRecording *bool
	ConnectedAt    time.Time
	RefreshedAt    time.Time
	RefreshCount   int
}

// HostTokens is the token pair a refresh returned.
type HostTokens struct {
	AccessToken  string
	RefreshToken string
	Expiry       time.Time
	Scope        string // empty keeps the stored scope
	RefreshedAt  time.Time
}

// HostConnectionWriter changes the row LockHostConnection holds, inside its
// transaction.
type HostConnectionWriter interface {
	// SaveTokens stores a refreshed token pair and counts the refresh.
	SaveTokens(ctx context.Context, t HostTokens) error
	// MarkDead records that the connection can no longer be refreshed.
	MarkDead(ctx context.Context, reason string) error
}

func accessLabel(tenantID, userID string) string  { return "host-access:" + tenantID + "/" + userID }
func refreshLabel(tenantID, userID string) string { return "host-refresh:" + tenantID + "/" + userID }

// SaveHostConnection stores a freshly authorised connection, replacing any
// earlier one of the same user (a dead one comes back active, its refresh
// count reset).
func (s *Store) SaveHostConnection(ctx context.Context, c HostConnection) error {
	if err := s.requireSealer(); err != nil {
		return err
	}
	access := s.sealer.Seal(c.AccessToken, accessLabel(c.TenantID, c.ZoomUserID))
	refresh := s.sealer.Seal(c.RefreshToken, refreshLabel(c.TenantID, c.ZoomUserID))
	_, err := s.pool.Exec(ctx, `
		INSERT INTO host_connections (tenant_id, zoom_user_id, zoom_account_id, email, status, dead_reason, scope,
			access_token_sealed, refresh_token_sealed, access_expires_at, local_recording, connected_at, refreshed_at, refresh_count)
		VALUES ($1, $2, $3, $4, 'active', '', $5, $6, $7, $8, $9, $10, $10, 0)
		ON CONFLICT (tenant_id, zoom_user_id) DO UPDATE SET
			zoom_account_id = EXCLUDED.zoom_account_id,
			email = EXCLUDED.email,
			status = 'active',
			dead_reason = '',
			scope = EXCLUDED.scope,
			access_token_sealed = EXCLUDED.access_token_sealed,
			refresh_token_sealed = EXCLUDED.refresh_token_sealed,
			access_expires_at = EXCLUDED.access_expires_at,
			local_recording = EXCLUDED.local_recording,
			connected_at = EXCLUDED.connected_at,
			refreshed_at = EXCLUDED.refreshed_at,
			refresh_count = 0,
			updated_at = now()`,
		c.TenantID, c.ZoomUserID, c.ZoomAccountID, c.Email, c.Scope, access, refresh, c.AccessExpiresAt, c.LocalRecording, c.ConnectedAt)
	if err != nil {
		return fmt.Errorf("store: saving host connection %s/%s: %w", c.TenantID, c.ZoomUserID, err)
	}
	return nil
}

const hostConnectionColumns = `tenant_id, zoom_user_id, zoom_account_id, email, status, dead_reason, scope,
	access_token_sealed, refresh_token_sealed, access_expires_at, local_recording, connected_at, refreshed_at, refresh_count`

// scanHostConnection scans hostConnectionColumns and unseals the tokens when
// unseal is set.
func (s *Store) scanHostConnection(row pgx.Row, unseal bool) (HostConnection, error) {
	var c HostConnection
	var access, refresh []byte
	if err := row.Scan(&c.TenantID, &c.ZoomUserID, &c.ZoomAccountID, &c.Email, &c.Status, &c.DeadReason, &c.Scope,
		&access, &refresh, &c.AccessExpiresAt, &c.LocalRecording, &c.ConnectedAt, &c.RefreshedAt, &c.RefreshCount); err != nil {
		return c, err
	}
	if !unseal {
		return c, nil
	}
	if err := s.requireSealer(); err != nil {
		return c, err
	}
	var err error
	if c.AccessToken, err = s.sealer.Open(access, accessLabel(c.TenantID, c.ZoomUserID)); err != nil {
		return c, err
	}
	if c.RefreshToken, err = s.sealer.Open(refresh, refreshLabel(c.TenantID, c.ZoomUserID)); err != nil {
		return c, err
	}
	return c, nil
}

// HostConnection loads one connection with its tokens unsealed.
func (s *Store) HostConnection(ctx context.Context, tenantID, zoomUserID string) (HostConnection, error) {
	row := s.pool.QueryRow(ctx, `SELECT `+hostConnectionColumns+` FROM host_connections
		WHERE tenant_id = $1 AND zoom_user_id = $2`, tenantID, zoomUserID)
	c, err := s.scanHostConnection(row, true)
	if err != nil {
		return c, fmt.Errorf("store: host connection %s/%s: %w", tenantID, zoomUserID, notFound(err))
	}
	return c, nil
}

// HostConnections lists a tenant's connections, active first, without tokens.
func (s *Store) HostConnections(ctx context.Context, tenantID string) ([]HostConnection, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+hostConnectionColumns+` FROM host_connections
		WHERE tenant_id = $1 ORDER BY status, connected_at, zoom_user_id`, tenantID)
	if err != nil {
		return nil, fmt.Errorf("store: host connections of %s: %w", tenantID, err)
	}
	defer rows.Close()
	var out []HostConnection
	for rows.Next() {
		c, err := s.scanHostConnection(rows, false)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// LockHostConnection runs fn with the connection row held by SELECT ... FOR
// UPDATE, tokens unsealed, so that only one process at a time refreshes a
// connection (Zoom rotates the refresh token: the loser of a race would
// present a dead one). fn re-reads the state it is given, not an older copy.
//
// The transaction commits what fn wrote even when fn returns an error: a
// rotated refresh token or a dead mark must not be lost. fn's error is
// returned. ErrNotFound when the connection does not exist.
func (s *Store) LockHostConnection(ctx context.Context, tenantID, zoomUserID string,
	fn func(ctx context.Context, c HostConnection, w HostConnectionWriter) error) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("store: host connection %s/%s: %w", tenantID, zoomUserID, err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	row := tx.QueryRow(ctx, `SELECT `+hostConnectionColumns+` FROM host_connections
		WHERE tenant_id = $1 AND zoom_user_id = $2 FOR UPDATE`, tenantID, zoomUserID)
	c, err := s.scanHostConnection(row, true)
	if err != nil {
		return fmt.Errorf("store: host connection %s/%s: %w", tenantID, zoomUserID, notFound(err))
	}
	fnErr := fn(ctx, c, &lockedHostConnection{s: s, tx: tx, tenantID: tenantID, userID: zoomUserID})
	// Commit even if the caller's context ended meanwhile: what fn wrote
	// (a rotated refresh token) is already spent at Zoom.
	if err := tx.Commit(context.WithoutCancel(ctx)); err != nil {
		if fnErr != nil {
			return fnErr
		}
		return fmt.Errorf("store: host connection %s/%s: commit: %w", tenantID, zoomUserID, err)
	}
	return fnErr
}

type lockedHostConnection struct {
	s                *Store
	tx               pgx.Tx
	tenantID, userID string
}

func (l *lockedHostConnection) SaveTokens(ctx context.Context, t HostTokens) error {
	if t.AccessToken == "" || t.RefreshToken == "" {
		return errors.New("store: SaveTokens: access and refresh token are both required")
	}
	access := l.s.sealer.Seal(t.AccessToken, accessLabel(l.tenantID, l.userID))
	refresh := l.s.sealer.Seal(t.RefreshToken, refreshLabel(l.tenantID, l.userID))
	_, err := l.tx.Exec(context.WithoutCancel(ctx), `UPDATE host_connections SET
			access_token_sealed = $3, refresh_token_sealed = $4, access_expires_at = $5,
			scope = CASE WHEN $6::text = '' THEN scope ELSE $6::text END,
			refreshed_at = $7, refresh_count = refresh_count + 1, updated_at = now()
		WHERE tenant_id = $1 AND zoom_user_id = $2`,
		l.tenantID, l.userID, access, refresh, t.Expiry, t.Scope, t.RefreshedAt)
	if err != nil {
		return fmt.Errorf("store: saving refreshed tokens of %s/%s: %w", l.tenantID, l.userID, err)
	}
	return nil
}

func (l *lockedHostConnection) MarkDead(ctx context.Context, reason string) error {
	_, err := l.tx.Exec(context.WithoutCancel(ctx), `UPDATE host_connections SET status = 'dead', dead_reason = $3, updated_at = now()
		WHERE tenant_id = $1 AND zoom_user_id = $2`, l.tenantID, l.userID, reason)
	if err != nil {
		return fmt.Errorf("store: marking host connection %s/%s dead: %w", l.tenantID, l.userID, err)
	}
	return nil
}

// HostOAuthState is a pending authorization: the SHA-256 of the state sent
// to Zoom, the tenant it connects to and the PKCE verifier (sealed at rest).
type HostOAuthState struct {
	StateSHA256 []byte
	TenantID    string
	Verifier    string
	ExpiresAt   time.Time
}

func verifierLabel(stateSHA256 []byte) string {
	return "oauth-verifier:" + hex.EncodeToString(stateSHA256)
}

// SaveHostOAuthState stores a pending authorization and forgets those that
// expired before now.
func (s *Store) SaveHostOAuthState(ctx context.Context, st HostOAuthState, now time.Time) error {
	if err := s.requireSealer(); err != nil {
		return err
	}
	if _, err := s.pool.Exec(ctx, `DELETE FROM host_oauth_states WHERE expires_at < $1`, now); err != nil {
		return fmt.Errorf("store: purging expired OAuth states: %w", err)
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO host_oauth_states (state_sha256, tenant_id, verifier_sealed, expires_at) VALUES ($1, $2, $3, $4)`,
		st.StateSHA256, st.TenantID, s.sealer.Seal(st.Verifier, verifierLabel(st.StateSHA256)), st.ExpiresAt)
	if err != nil {
		return fmt.Errorf("store: saving OAuth state for %s: %w", st.TenantID, err)
	}
	return nil
}

// TakeHostOAuthState deletes and returns a pending authorization: a state is
// used once, whatever the outcome. ErrNotFound when unknown or already used;
// the caller checks ExpiresAt.
func (s *Store) TakeHostOAuthState(ctx context.Context, stateSHA256 []byte) (HostOAuthState, error) {
	if err := s.requireSealer(); err != nil {
		return HostOAuthState{}, err
	}
	st := HostOAuthState{StateSHA256: stateSHA256}
	var sealed []byte
	err := s.pool.QueryRow(ctx, `DELETE FROM host_oauth_states WHERE state_sha256 = $1 RETURNING tenant_id, verifier_sealed, expires_at`,
		stateSHA256).Scan(&st.TenantID, &sealed, &st.ExpiresAt)
	if err != nil {
		return st, fmt.Errorf("store: OAuth state: %w", notFound(err))
	}
	if st.Verifier, err = s.sealer.Open(sealed, verifierLabel(stateSHA256)); err != nil {
		return st, err
	}
	return st, nil
}

// JoinLink is a bot's join_token_url, known by the SHA-256 of its secret.
type JoinLink struct {
	SecretSHA256 []byte
	// Kind is JoinLinkKindJoinToken (the default when empty), JoinLinkKindOBF
	// or JoinLinkKindZAK: the one route the link is valid on.
	Kind              string
	TenantID          string
	MeetingID         string
	ZoomUserID        string
	WorkflowID        string
	BypassWaitingRoom bool
	ExpiresAt         time.Time
	CreatedAt         time.Time
	Uses              int
}

// Kinds of bot token links (column bot_join_links.kind).
const (
	JoinLinkKindJoinToken = "join_token"
	JoinLinkKindOBF       = "obf"
	JoinLinkKindZAK       = "zak"
)

// joinLinkRetention is how long an expired link is kept (so that it answers
// "expired" rather than "unknown") before SaveJoinLink purges it.
const joinLinkRetention = 24 * time.Hour

// SaveJoinLink stores a new link and purges links expired for a day.
func (s *Store) SaveJoinLink(ctx context.Context, l JoinLink) error {
	if _, err := s.pool.Exec(ctx, `DELETE FROM bot_join_links WHERE expires_at < $1`, l.CreatedAt.Add(-joinLinkRetention)); err != nil {
		return fmt.Errorf("store: purging expired join links: %w", err)
	}
	kind := l.Kind
	if kind == "" {
		kind = JoinLinkKindJoinToken
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO bot_join_links (secret_sha256, tenant_id, meeting_id, zoom_user_id, workflow_id,
			bypass_waiting_room, expires_at, created_at, kind) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		l.SecretSHA256, l.TenantID, l.MeetingID, l.ZoomUserID, l.WorkflowID, l.BypassWaitingRoom, l.ExpiresAt, l.CreatedAt, kind)
	if err != nil {
		return fmt.Errorf("store: saving join link for %s meeting %s: %w", l.TenantID, l.MeetingID, err)
	}
	return nil
}

// UseJoinLink returns the link with that secret hash and counts the use.
// ErrNotFound when unknown.
func (s *Store) UseJoinLink(ctx context.Context, secretSHA256 []byte, at time.Time) (JoinLink, error) {
	l := JoinLink{SecretSHA256: secretSHA256}
	err := s.pool.QueryRow(ctx, `UPDATE bot_join_links SET uses = uses + 1, last_used_at = $2 WHERE secret_sha256 = $1
		RETURNING tenant_id, meeting_id, zoom_user_id, workflow_id, bypass_waiting_room, expires_at, created_at, uses, kind`,
		secretSHA256, at).Scan(&l.TenantID, &l.MeetingID, &l.ZoomUserID, &l.WorkflowID, &l.BypassWaitingRoom, &l.ExpiresAt, &l.CreatedAt, &l.Uses, &l.Kind)
	if err != nil {
		return l, fmt.Errorf("store: join link: %w", notFound(err))
	}
	return l, nil
}
