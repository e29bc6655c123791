package main

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/meetvault/meetvault/store"
)

// tenantCache keeps every tenant's webhook secret in memory, so verifying a
// delivery (or refusing a forged one) costs no database round trip. It
// reloads every refresh interval, and on a miss at most once a second.
type tenantCache struct {
	load    func(ctx context.Context) ([]store.WebhookTenant, error)
	refresh time.Duration
	log     *slog.Logger

	mu        sync.Mutex
	byID      map[string]webhookTenant
	byAccount map[string]webhookTenant
	loadedAt  time.Time
	triedAt   time.Time
}

func newTenantCache(load func(ctx context.Context) ([]store.WebhookTenant, error), log *slog.Logger) *tenantCache {
	return &tenantCache{load: load, refresh: 30 * time.Second, log: log}
}

func (c *tenantCache) ensure(ctx context.Context, miss bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := time.Now()
	stale := now.Sub(c.loadedAt) > c.refresh
	if !stale && !(miss && now.Sub(c.triedAt) > time.Second) {
		return
	}
	c.triedAt = now
	list, err := c.load(ctx)
	if err != nil {
		c.log.Warn("webhook ingress: cannot load tenants; keeping the previous list", "err", err)
		return
	}
	c.byID = make(map[string]webhookTenant, len(list))
	c.byAccount = make(map[string]webhookTenant, len(list))
	for _, t := range list {
		wt := webhookTenant{ID: t.ID, AccountID: t.ZoomAccountID, SecretToken: t.SecretToken}
		c.byID[t.ID] = wt
		c.byAccount[t.ZoomAccountID] = wt
	}
	c.loadedAt = now
}

func (c *tenantCache) lookup(ctx context.Context, m func() map[string]webhookTenant, key string) (webhookTenant, bool) {
	if key == "" {
		return webhookTenant{}, false
	}
	c.ensure(ctx, false)
	c.mu.Lock()
	t, ok := m()[key]
	c.mu.Unlock()
	if ok {
		return t, true
	}
	c.ensure(ctx, true)
	c.mu.Lock()
	defer c.mu.Unlock()
	t, ok = m()[key]
	return t, ok
}

func (c *tenantCache) ByID(ctx context.Context, id string) (webhookTenant, bool) {
	return c.lookup(ctx, func() map[string]webhookTenant { return c.byID }, id)
}

func (c *tenantCache) ByAccount(ctx context.Context, accountID string) (webhookTenant, bool) {
	return c.lookup(ctx, func() map[string]webhookTenant { return c.byAccount }, accountID)
}

func (c *tenantCache) Only(ctx context.Context) (webhookTenant, bool) {
	c.ensure(ctx, false)
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.byID) != 1 {
		return webhookTenant{}, false
	}
	for _, t := range c.byID {
		return t, true
	}
	return webhookTenant{}, false
}
