// Package activities holds every side effect of meetvault's workflows, as
// methods on Activities with injected clients (Zoom, S3, Postgres).
package activities

import (
	"context"
	"fmt"
	"net/http"
	"sync"

	"github.com/meetvault/meetvault/archive"
	"github.com/meetvault/meetvault/botprovider"
	"github.com/meetvault/meetvault/store"
	"github.com/meetvault/meetvault/zoom"
)

// Activities is registered with the worker; workflows call its methods.
type Activities struct {
	Store   *store.Store
	Archive *archive.Store
	// ZoomAPIURL and ZoomOAuthURL are Zoom's base URLs (configuration, so the
	// same code talks to Zoom or to the simulator).
	ZoomAPIURL   string
	ZoomOAuthURL string
	HTTPClient   *http.Client
	// Limiters pace requests per Zoom account and rate-limit label, shared
	// by every activity of this worker; Plan picks Zoom's per-second table.
	Limiters *zoom.LimiterRegistry
	Plan     zoom.Plan
	// Bots is the meeting-bot provider (nil: bots disabled); Hosts finds
	// hosts who connected Zoom OAuth (nil: no join tokens).
	Bots  *botprovider.Client
	Hosts HostDirectory
	// Egress limits where downloads go (zero value: Zoom's hosts only).
	Egress Egress

	mu      sync.Mutex
	clients map[string]cachedClient

	botMediaOnce sync.Once
	botMedia     *http.Client

	policyMu sync.Mutex
	policies map[string]*zoom.DownloadPolicy // by allowlist
}

type cachedClient struct {
	fingerprint string
	client      *zoom.Client
}

func (a *Activities) limiter(accountID string) *zoom.Limiter {
	if a.Limiters == nil {
		return nil
	}
	plan := a.Plan
	if plan == "" {
		plan = zoom.PlanBusiness
	}
	return a.Limiters.For(accountID, plan)
}

// zoomClient returns the tenant's Zoom client, built from credentials read from
// Postgres (secrets never travel through workflow history) and cached.
func (a *Activities) zoomClient(ctx context.Context, tenantID string) (*zoom.Client, error) {
	t, err := a.Store.Tenant(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	fp := t.ZoomAccountID + "\x00" + t.ZoomClientID + "\x00" + t.ZoomClientSecret
	a.mu.Lock()
	defer a.mu.Unlock()
	if c, ok := a.clients[tenantID]; ok && c.fingerprint == fp {
		return c.client, nil
	}
	c, err := zoom.NewClient(context.WithoutCancel(ctx), zoom.Config{
		APIBaseURL:   a.ZoomAPIURL,
		OAuthBaseURL: a.ZoomOAuthURL,
		AccountID:    t.ZoomAccountID,
		ClientID:     t.ZoomClientID,
		ClientSecret: t.ZoomClientSecret,
		HTTPClient:   a.HTTPClient,
		UserAgent:    "meetvault",
		Limiter:      a.limiter(t.ZoomAccountID),
		Downloads:    a.downloadPolicy(tenantID),
	})
	if err != nil {
		return nil, fmt.Errorf("tenant %s: %w", tenantID, err)
	}
	if a.clients == nil {
		a.clients = map[string]cachedClient{}
	}
	a.clients[tenantID] = cachedClient{fingerprint: fp, client: c}
	return c, nil
}
