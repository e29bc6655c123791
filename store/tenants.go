package store

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Tenant is one Zoom account archived by meetvault, secrets unsealed.
type Tenant struct {
	ID                 string
	Name               string
	ZoomAccountID      string
	ZoomClientID       string
	ZoomClientSecret   string
	WebhookSecretToken string
	RecordAllUsers     bool
	CreatedAt          time.Time
}

// RecordedUser is a Zoom user whose recordings are archived.
type RecordedUser struct {
	ZoomUserID  string
	Email       string
	DisplayName string
}

func (s *Store) requireSealer() error {
	if s.sealer == nil {
		return errors.New("store: opened without MEETVAULT_SECRET_KEY; cannot handle tenant secrets")
	}
	return nil
}

// UpsertTenant creates the tenant or updates its name and credentials.
func (s *Store) UpsertTenant(ctx context.Context, t Tenant) error {
	if err := s.requireSealer(); err != nil {
		return err
	}
	secret := s.sealer.Seal(t.ZoomClientSecret, "client:"+t.ID)
	var webhook []byte
	if t.WebhookSecretToken != "" {
		webhook = s.sealer.Seal(t.WebhookSecretToken, "webhook:"+t.ID)
	}
	_, err := s.pool.Exec(ctx, `
		INSERT INTO tenants (id, name, zoom_account_id, zoom_client_id, zoom_client_secret_sealed, webhook_secret_sealed, record_all_users)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (id) DO UPDATE SET
			name = EXCLUDED.name,
			zoom_account_id = EXCLUDED.zoom_account_id,
			zoom_client_id = EXCLUDED.zoom_client_id,
			zoom_client_secret_sealed = EXCLUDED.zoom_client_secret_sealed,
			webhook_secret_sealed = COALESCE(EXCLUDED.webhook_secret_sealed, tenants.webhook_secret_sealed),
			record_all_users = EXCLUDED.record_all_users,
			updated_at = now()`,
		t.ID, t.Name, t.ZoomAccountID, t.ZoomClientID, secret, webhook, t.RecordAllUsers)
	if err != nil {
		return fmt.Errorf("store: saving tenant %s: %w", t.ID, err)
	}
	return nil
}

// Tenant loads one tenant with its secrets unsealed.
func (s *Store) Tenant(ctx context.Context, id string) (Tenant, error) {
	if err := s.requireSealer(); err != nil {
		return Tenant{}, err
	}
	var t Tenant
	var secret, webhook []byte
	err := s.pool.QueryRow(ctx, `
		SELECT id, name, zoom_account_id, zoom_client_id, zoom_client_secret_sealed, webhook_secret_sealed, record_all_users, created_at
		FROM tenants WHERE id = $1`, id).
		Scan(&t.ID, &t.Name, &t.ZoomAccountID, &t.ZoomClientID, &secret, &webhook, &t.RecordAllUsers, &t.CreatedAt)
	if err != nil {
		return t, fmt.Errorf("store: tenant %q: %w", id, notFound(err))
	}
	if t.ZoomClientSecret, err = s.sealer.Open(secret, "client:"+t.ID); err != nil {
		return t, err
	}
	if webhook != nil {
		if t.WebhookSecretToken, err = s.sealer.Open(webhook, "webhook:"+t.ID); err != nil {
			return t, err
		}
	}
	return t, nil
}

// TenantIDs lists every tenant's id.
func (s *Store) TenantIDs(ctx context.Context) ([]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT id FROM tenants ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// SetRecordedUsers replaces the tenant's list of recorded users.
func (s *Store) SetRecordedUsers(ctx context.Context, tenantID string, users []RecordedUser) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `DELETE FROM recorded_users WHERE tenant_id = $1`, tenantID); err != nil {
		return err
	}
	for _, u := range users {
		if _, err := tx.Exec(ctx, `INSERT INTO recorded_users (tenant_id, zoom_user_id, email, display_name) VALUES ($1, $2, $3, $4)`,
			tenantID, u.ZoomUserID, u.Email, u.DisplayName); err != nil {
			return fmt.Errorf("store: recorded user %s: %w", u.ZoomUserID, err)
		}
	}
	return tx.Commit(ctx)
}

// RecordedUsers lists the tenant's enabled recorded users.
func (s *Store) RecordedUsers(ctx context.Context, tenantID string) ([]RecordedUser, error) {
	rows, err := s.pool.Query(ctx, `SELECT zoom_user_id, email, display_name FROM recorded_users
		WHERE tenant_id = $1 AND enabled ORDER BY zoom_user_id`, tenantID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var users []RecordedUser
	for rows.Next() {
		var u RecordedUser
		if err := rows.Scan(&u.ZoomUserID, &u.Email, &u.DisplayName); err != nil {
			return nil, err
		}
		users = append(users, u)
	}
	return users, rows.Err()
}
