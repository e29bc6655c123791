package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/meetvault/meetvault/temporalconn"
)

// adminCmd is `starter admin`: one-time preparation of the cluster meetvault
// runs on. Workers only check what it sets up, so they need no operator
// rights on a shared cluster.
func adminCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "admin", Short: "Prepare the Temporal namespace meetvault runs in"}
	cmd.AddCommand(&cobra.Command{
		Use:   "setup",
		Short: "Register meetvault's search attributes in the Temporal namespace (idempotent)",
		Long: `Register the custom search attributes meetvault's workflows set (MeetvaultTenant,
MeetvaultSource, MeetvaultMeetingUUID, MeetvaultStatus, MeetvaultBotStatus,
MeetvaultSubCode; all Keyword) in MEETVAULT_TEMPORAL_NAMESPACE. Run it once per
namespace before the first worker starts (the worker refuses to start without
them), and again after an upgrade that adds attributes; it adds only what is
missing.

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
			ns := e.Temporal.Namespace
			if err := temporalconn.CheckNamespace(cmd.Context(), c, ns); err != nil {
				return blockedError(err)
			}
			added, err := temporalconn.Setup(cmd.Context(), c, ns)
			if err != nil {
				return blockedError(err)
			}
			if jsonOut {
				return printJSON(map[string]any{"namespace": ns, "added": append([]string{}, added...),
					"search_attributes": temporalconn.SearchAttributes()})
			}
			if len(added) == 0 {
				fmt.Printf("namespace %s: every meetvault search attribute is registered\n", ns)
				return nil
			}
			fmt.Printf("namespace %s: registered %v (Keyword)\n", ns, added)
			return nil
		},
	})
	return cmd
}
