// Command starter is meetvault's operator CLI: tenants, imports, reports,
// bots, hosts, the doctor and cluster setup. Every command answers --json
// with machine-readable output and exits non-zero with a one-line reason on
// stderr when it fails; exit.go lists the statuses.
package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
)

func main() {
	root := rootCmd()
	err := root.Execute()
	if err != nil {
		fmt.Fprintln(os.Stderr, "starter:", oneLine(err))
	}
	os.Exit(exitCode(err))
}

func rootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "starter",
		Short: "Operate meetvault: tenants, imports, reports",
		Long: `Operate meetvault: register tenants, import and back up their Zoom recordings,
send meeting bots, connect hosts, check a tenant's set-up (doctor) and prepare a
Temporal namespace (admin setup). Configuration comes from MEETVAULT_* variables
(source .dev/env for the embedded stack).

Exit status: 0 ok, 1 failure (reason on stderr), 2 usage error, 3 blocked by
configuration (starter doctor found something that stops recording).`,
		Example: `  source .dev/env
  starter doctor --tenant demo
  starter import --tenant demo --from 2026-10-01 --to 2026-10-31 --wait
  starter completion bash > /etc/bash_completion.d/starter`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError(err) })
	root.PersistentFlags().BoolVar(&jsonOut, "json", false, "machine-readable JSON output")
	root.AddCommand(tenantCmd(), importCmd(), backfillCmd(), reportCmd(), devCmd(), botCmd())
	root.AddCommand(hostCmd(), doctorCmd(), adminCmd())
	root.InitDefaultCompletionCmd()
	applyExamples(root)
	return root
}
