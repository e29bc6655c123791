package main

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"github.com/meetvault/meetvault/temporalconn"
)

// adminCmd is `starter admin`: one-time preparation of the cluster meetvault
// runs on. Workers only check what it sets up, so they need no operator
// rights on a shared cluster.
func adminCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "admin", Short: "Prepare the Temporal namespace meetvault runs in; re-seal secrets after a key rotation; container probes"}
	var noMigrate bool
	setup := &cobra.Command{
		Use:   "setup",
		Short: "Register meetvault's search attributes in the Temporal namespace (idempotent)",
		Long: `Register the custom search attributes meetvault's workflows set (MeetvaultTenant,
MeetvaultSource, MeetvaultMeetingUUID, MeetvaultStatus, MeetvaultBotStatus,
MeetvaultSubCode; all Keyword) in MEETVAULT_TEMPORAL_NAMESPACE. Run it once per
namespace before the first worker starts (the worker refuses to start without
them), and again after an upgrade that adds attributes; it adds only what is
missing. It also applies meetvault's database migrations (MEETVAULT_DATABASE_URL),
so workers can run with MEETVAULT_MIGRATE=false (--no-migrate skips them).

It needs operator rights and a visibility store with custom search attributes
(Elasticsearch, or SQL visibility on PostgreSQL 12+, MySQL 8.0.17+ or SQLite).
On Temporal Cloud add them with tcld instead (the command says how).`,
		Example: `  starter admin setup
  MEETVAULT_TEMPORAL_ADDRESS=temporal.internal:7233 MEETVAULT_TEMPORAL_TLS_CA=ca.pem starter admin setup --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			e, err := loadEnv()
			if err != nil {
				return err
			}
			c, err := dialTemporal(cmd.Context(), e)
			if err != nil {
				return err
			}
			defer c.Close()
			migrated := false
			if e.Database.URL != "" && !noMigrate {
				if err := migrate(cmd.Context(), e); err != nil {
					return err
				}
				migrated = true
			}
			ns := e.Temporal.Namespace
			if err := temporalconn.CheckNamespace(cmd.Context(), c, ns); err != nil {
				return blockedError(err)
			}
			added, err := temporalconn.Setup(cmd.Context(), c, ns)
			if err != nil {
				return blockedError(err)
			}
			if jsonOut {
				return printJSON(map[string]any{"namespace": ns, "added": append([]string{}, added...), "migrated": migrated,
					"search_attributes": temporalconn.SearchAttributes()})
			}
			if len(added) == 0 {
				fmt.Printf("namespace %s: every meetvault search attribute is registered\n", ns)
				return nil
			}
			fmt.Printf("namespace %s: registered %v (Keyword)\n", ns, added)
			return nil
		},
	}
	setup.Flags().BoolVar(&noMigrate, "no-migrate", false, "do not apply the database migrations")
	cmd.AddCommand(setup, probeCmd(), resealCmd())
	return cmd
}

// migrate applies meetvault's database migrations (goose, schemas/), so
// workers and ingresses can start with MEETVAULT_MIGRATE=false and never
// race each other over the schema.
func migrate(ctx context.Context, e env) error {
	st, err := openStore(ctx, e, false)
	if err != nil {
		return err
	}
	defer st.Close()
	return st.Migrate(ctx)
}

// probeCmd is `starter admin probe URL`: a healthcheck for images without
// curl or wget (the distroless image), as docker-compose.yml uses it.
func probeCmd() *cobra.Command {
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "probe URL",
		Short: "Exit 0 when URL answers 2xx (a container healthcheck without curl)",
		Example: `  starter admin probe http://127.0.0.1:8088/readyz
  starter admin probe --timeout 2s http://zoomsim:9090/_sim/clock`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			hc := &http.Client{Timeout: timeout}
			resp, err := hc.Get(args[0])
			if err != nil {
				return fmt.Errorf("probe %s: %w", args[0], err)
			}
			resp.Body.Close()
			if resp.StatusCode < 200 || resp.StatusCode > 299 {
				return fmt.Errorf("probe %s: HTTP %d", args[0], resp.StatusCode)
			}
			if jsonOut {
				return printJSON(map[string]any{"url": args[0], "status": resp.StatusCode})
			}
			return nil
		},
	}
	cmd.Flags().DurationVar(&timeout, "timeout", 5*time.Second, "give up after this long")
	return cmd
}
