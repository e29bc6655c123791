package store

import (
	"context"
	"errors"
)

// RegisterBot records which workflow a provider's bot reports to.
func (s *Store) RegisterBot(ctx context.Context, botID, tenantID, workflowID string) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO bots (bot_id, tenant_id, workflow_id) VALUES ($1,$2,$3)
		ON CONFLICT (bot_id) DO UPDATE SET tenant_id = EXCLUDED.tenant_id, workflow_id = EXCLUDED.workflow_id`,
		botID, tenantID, workflowID)
	return err
}

// BotWorkflow returns the workflow a bot reports to; ok is false for bots
// meetvault did not create.
func (s *Store) BotWorkflow(ctx context.Context, botID string) (workflowID string, ok bool, err error) {
	err = s.pool.QueryRow(ctx, `SELECT workflow_id FROM bots WHERE bot_id = $1`, botID).Scan(&workflowID)
	if errors.Is(notFound(err), ErrNotFound) {
		return "", false, nil
	}
	return workflowID, err == nil, err
}
