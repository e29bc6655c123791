package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// WebhookTenant is what the webhook ingress needs to verify a tenant's events.
type WebhookTenant struct {
	ID            string
	ZoomAccountID string
	SecretToken   string // empty when the tenant registered no webhook secret
	// Err is set when the secret could not be unsealed (wrong key, damaged
	// row): the tenant is listed so one bad row does not hide the others.
	Err error
}

// WebhookTenants lists every tenant with its webhook secret token unsealed;
// a tenant whose secret does not unseal carries Err instead.
func (s *Store) WebhookTenants(ctx context.Context) ([]WebhookTenant, error) {
	if err := s.requireSealer(); err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT id, zoom_account_id, webhook_secret_sealed FROM tenants ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []WebhookTenant
	for rows.Next() {
		var t WebhookTenant
		var sealed []byte
		if err := rows.Scan(&t.ID, &t.ZoomAccountID, &sealed); err != nil {
			return nil, err
		}
		if sealed != nil {
			if t.SecretToken, err = s.sealer.Open(sealed, "webhook:"+t.ID); err != nil {
				t.SecretToken, t.Err = "", fmt.Errorf("store: tenant %s: webhook secret: %w", t.ID, err)
			}
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// SaveDownloadToken keeps a recording.completed download_token, sealed.
func (s *Store) SaveDownloadToken(ctx context.Context, tenantID, conversationUUID, token string, expires time.Time) error {
	if err := s.requireSealer(); err != nil {
		return err
	}
	_, err := s.pool.Exec(ctx, `
		INSERT INTO download_tokens (tenant_id, conversation_uuid, token_sealed, expires_at) VALUES ($1,$2,$3,$4)
		ON CONFLICT (tenant_id, conversation_uuid) DO UPDATE
			SET token_sealed = EXCLUDED.token_sealed, expires_at = EXCLUDED.expires_at
			WHERE download_tokens.expires_at < EXCLUDED.expires_at`,
		tenantID, conversationUUID, s.sealer.Seal(token, "download:"+tenantID+":"+conversationUUID), expires)
	if err != nil {
		return fmt.Errorf("store: download token of %s: %w", conversationUUID, err)
	}
	return nil
}

// DownloadToken returns the conversation's download token if one is still
// valid at now, or ErrNotFound.
func (s *Store) DownloadToken(ctx context.Context, tenantID, conversationUUID string, now time.Time) (string, error) {
	if err := s.requireSealer(); err != nil {
		return "", err
	}
	var sealed []byte
	err := s.pool.QueryRow(ctx, `SELECT token_sealed FROM download_tokens
		WHERE tenant_id=$1 AND conversation_uuid=$2 AND expires_at > $3`, tenantID, conversationUUID, now).Scan(&sealed)
	if err != nil {
		return "", notFound(err)
	}
	return s.sealer.Open(sealed, "download:"+tenantID+":"+conversationUUID)
}

// NoteEvent records a Zoom event the pipeline acknowledged without acting on,
// its body stripped of tokens and passwords (RedactWebhookBody).
func (s *Store) NoteEvent(ctx context.Context, tenantID, event, conversationUUID string, eventTS time.Time, payload json.RawMessage) error {
	var ts *time.Time
	if !eventTS.IsZero() {
		ts = &eventTS
	}
	// Bodies are kept for the record, never their tokens.
	payload, _ = RedactWebhookBody(payload)
	_, err := s.pool.Exec(ctx, `INSERT INTO webhook_events (tenant_id, event, event_ts, conversation_uuid, payload)
		VALUES ($1,$2,$3,$4,$5)`, tenantID, event, ts, conversationUUID, payload)
	return err
}
