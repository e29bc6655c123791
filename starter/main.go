// Command starter is meetvault's operator CLI: tenants, imports, reports.
// Every command answers --json with machine-readable output and exits
// non-zero with a one-line reason on stderr when it fails.
package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
)

func main() {
	root := &cobra.Command{
		Use:           "starter",
		Short:         "Operate meetvault: tenants, imports, reports",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.PersistentFlags().BoolVar(&jsonOut, "json", false, "machine-readable JSON output")
	root.AddCommand(tenantCmd(), importCmd(), backfillCmd(), reportCmd(), devCmd(), botCmd())
	root.AddCommand(hostCmd(), adminCmd())
	if err := root.Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "starter:", oneLine(err))
		os.Exit(1)
	}
}
