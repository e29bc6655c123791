package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/kelseyhightower/envconfig"
	"github.com/spf13/cobra"

	"github.com/meetvault/meetvault/config"
	"github.com/meetvault/meetvault/store"
	"github.com/meetvault/meetvault/zoom"
)

// doctorCmd is `starter doctor`: before any meeting, it checks what breaks
// bots and imports, and prints one line per problem with the exact fix.
func doctorCmd() *cobra.Command {
	var tenant string
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "Check a tenant's Zoom settings, connections and infrastructure before meetings are missed",
		Long: `Check what would keep a tenant's recordings from reaching the archive, and print
one line per problem with the exact fix:

  - each recorded user's recording settings through the Zoom API (local recording,
    which meeting bots need; cloud recording, which imports need);
  - the Server-to-Server OAuth credentials and the scopes meetvault's calls need
    (Zoom's 4711 "does not contain scopes" answers name them);
  - hosts' Zoom OAuth connections (dead ones make bots ask instead of using a
    join token);
  - the webhook URL: a signed endpoint.url_validation round trip to
    {MEETVAULT_PUBLIC_URL}/webhooks/zoom/{tenant}, when MEETVAULT_PUBLIC_URL is
    set (from this host: it proves the ingress answers, not that Zoom reaches it);
  - the meeting-bot provider (MEETVAULT_BOT_API_URL / _KEY accepted, webhook
    secret set), when bots are configured;
  - Postgres, the S3 bucket, the Temporal namespace and meetvault's search
    attributes.

Exit status 3 when anything blocks recording, 0 otherwise (problems that only
degrade it, like a dead host connection, are listed but do not fail).`,
		Example: `  starter doctor --tenant acme
  starter doctor --tenant acme --json | jq -r '.problems[] | "\(.user // .check): \(.fix)"'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, cancel := context.WithTimeout(cmd.Context(), timeout)
			defer cancel()
			r := runDoctor(ctx, tenant)
			r.sortProblems()
			if jsonOut {
				if err := printJSON(r); err != nil {
					return err
				}
			} else {
				r.writeText(os.Stdout)
			}
			if r.Blocked {
				return blockedError(fmt.Errorf("tenant %s: %d problem(s) block recording (fixes above)", tenant, r.blocking()))
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&tenant, "tenant", "", "tenant id (required)")
	cmd.Flags().DurationVar(&timeout, "timeout", 2*time.Minute, "give up on checks still running after this long")
	_ = cmd.MarkFlagRequired("tenant")
	return cmd
}

// pgUndefinedTable is Postgres' SQLSTATE for a missing table.
const pgUndefinedTable = "42P01"

// processEnv reads one configuration section from MEETVAULT_* variables.
func processEnv(section any) error {
	if err := envconfig.Process(config.Prefix, section); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	return nil
}

// runDoctor runs every check it can; a check that cannot run says why
// (skipped) instead of stopping the others.
func runDoctor(ctx context.Context, tenantID string) *doctorReport {
	r := &doctorReport{Tenant: tenantID, Problems: []problem{}, Checks: []checkResult{}}
	e, err := loadEnv()
	if err != nil {
		r.add("config", "environment", problem{Problem: oneLine(err), Fix: fixPostgres, Blocks: true})
		return r
	}
	tenantChecks(ctx, r, e, tenantID)
	detail, ps, skipped := checkBotProvider(ctx, &http.Client{Timeout: 30 * time.Second, Transport: proxyTransport()})
	if skipped {
		r.skip("bot_provider", detail)
	} else {
		r.add("bot_provider", detail, ps...)
	}
	detail, ps = checkS3(ctx)
	r.add("s3", detail, ps...)
	detail, ps = checkTemporal(ctx, e)
	r.add("temporal", detail, ps...)
	return r
}

// tenantChecks are the checks that need the tenant's row: Zoom, hosts and
// the webhook.
func tenantChecks(ctx context.Context, r *doctorReport, e env, tenantID string) {
	skipTenant := func(why string) {
		for _, c := range []string{"zoom_credentials", "zoom_settings", "host_oauth", "webhook"} {
			r.skip(c, why)
		}
	}
	_, keyErr := config.Config{SecretKey: e.SecretKey}.SecretKeyBytes()
	var st *store.Store
	var err error
	if keyErr == nil {
		st, err = openStore(ctx, e, true)
	} else {
		st, err = store.Open(ctx, e.Database.URL, nil) // Postgres can still be checked
	}
	if err != nil {
		r.add("postgres", "unreachable", problem{Problem: oneLine(err), Fix: fixPostgres, Blocks: true})
		skipTenant("no database")
		return
	}
	defer st.Close()
	r.add("postgres", "reachable")
	if keyErr != nil {
		r.add("secret_key", "MEETVAULT_SECRET_KEY", problem{Problem: oneLine(keyErr),
			Fix: "set MEETVAULT_SECRET_KEY to the key the tenants were registered with (the worker's)", Blocks: true})
		skipTenant("no secret key")
		return
	}
	t, err := st.Tenant(ctx, tenantID)
	if errors.Is(err, store.ErrNotFound) {
		r.add("tenant", "not registered", problem{Problem: "no tenant " + tenantID, Fix: fmt.Sprintf(fixTenant, tenantID), Blocks: true})
		skipTenant("no tenant")
		return
	}
	if err != nil {
		fix := "check MEETVAULT_SECRET_KEY: it must be the key the tenant was registered with"
		if pgErr := (*pgconn.PgError)(nil); errors.As(err, &pgErr) {
			fix = fixPostgres
			if pgErr.Code == pgUndefinedTable {
				fix = "the database has no meetvault tables: run starter admin setup (it migrates), then register the tenant with starter tenant add"
			}
		}
		r.add("tenant", "unreadable", problem{Problem: oneLine(err), Fix: fix, Blocks: true})
		skipTenant("tenant unreadable")
		return
	}
	r.add("tenant", "Zoom account "+t.ZoomAccountID)

	hc := &http.Client{Timeout: 30 * time.Second, Transport: proxyTransport()}
	if err := zoomChecks(ctx, r, st, t, hc); err != nil {
		r.add("zoom_settings", "could not start", problem{Problem: oneLine(err), Fix: "check MEETVAULT_ZOOM_API_URL / MEETVAULT_ZOOM_OAUTH_URL", Blocks: true})
	}

	conns, err := st.HostConnections(ctx, tenantID)
	if err != nil {
		r.add("host_oauth", "unreadable", problem{Problem: oneLine(err), Fix: fixPostgres})
	} else {
		detail, ps := hostConnectionProblems(conns, tenantID)
		r.add("host_oauth", detail, ps...)
	}

	if publicURL, ok := os.LookupEnv("MEETVAULT_PUBLIC_URL"); ok && publicURL != "" {
		detail, ps := checkWebhook(ctx, hc, publicURL, t, time.Now())
		r.add("webhook", detail, ps...)
	} else {
		r.skip("webhook", "MEETVAULT_PUBLIC_URL is not set: the URL Zoom calls is unknown here")
	}
}

func zoomChecks(ctx context.Context, r *doctorReport, st *store.Store, t store.Tenant, hc *http.Client) error {
	var zc config.Zoom
	if err := processEnv(&zc); err != nil {
		return err
	}
	client, err := zoom.NewClient(ctx, zoom.Config{APIBaseURL: zc.APIURL, OAuthBaseURL: zc.OAuthURL,
		AccountID: t.ZoomAccountID, ClientID: t.ZoomClientID, ClientSecret: t.ZoomClientSecret,
		HTTPClient: hc, UserAgent: "meetvault-doctor"})
	if err != nil {
		return err
	}
	d := &zoomDoctor{tenant: t, client: client, parallel: 8, now: time.Now}
	if !t.RecordAllUsers {
		if d.recorded, err = st.RecordedUsers(ctx, t.ID); err != nil {
			return err
		}
		if d.recorded == nil {
			d.recorded = []store.RecordedUser{}
		}
	}
	d.run(ctx, r)
	return nil
}

// proxyTransport is the doctor's HTTP transport: like the worker's, it
// honours HTTPS_PROXY / HTTP_PROXY / NO_PROXY.
func proxyTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.Proxy = http.ProxyFromEnvironment
	return t
}
