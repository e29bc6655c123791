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
//
// A miss is only "no such tenant" when the list is known: while the list has
// never loaded, or the last load failed, or the tenant's secret could not be
// unsealed, unavailable reports true and the ingress answers 503 (Zoom
// retries) instead of refusing a delivery it simply cannot judge yet. One
// tenant's undecryptable secret leaves every other tenant working.
type tenantCache struct {
	load    func(ctx context.Context) ([]store.WebhookTenant, error)
	refresh time.Duration
	log     *slog.Logger

	mu        sync.Mutex
	byID      map[string]webhookTenant
	byAccount map[string]webhookTenant
	broken    map[string]bool // ids and account ids whose secret did not unseal
	loadedAt  time.Time
	triedAt   time.Time
	failing   bool // the last load failed
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
		c.failing = true
		c.log.Warn("webhook ingress: cannot load tenants; keeping the previous list", "err", err)
		return
	}
	c.failing = false
	c.byID = make(map[string]webhookTenant, len(list))
	c.byAccount = make(map[string]webhookTenant, len(list))
	c.broken = map[string]bool{}
	for _, t := range list {
		if t.Err != nil {
			c.broken[t.ID], c.broken[t.ZoomAccountID] = true, true
			c.log.Error("webhook ingress: a tenant's webhook secret cannot be unsealed; its deliveries get 503 until fixed "+
				"(check MEETVAULT_SECRET_KEY, or re-register the secret with starter tenant add)", "tenant", t.ID, "err", t.Err)
			continue
		}
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

// unavailable reports whether a miss for key may be a tenant the cache
// cannot see right now: the list never loaded or failed to reload, or the
// tenant's secret is unreadable.
func (c *tenantCache) unavailable(key string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.loadedAt.IsZero() || c.failing || c.broken[key]
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
	if len(c.byID) != 1 || len(c.broken) != 0 {
		return webhookTenant{}, false
	}
	for _, t := range c.byID {
		return t, true
	}
	return webhookTenant{}, false
}
