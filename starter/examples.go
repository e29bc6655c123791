package main

import (
	"context"
	"strings"

	"github.com/spf13/cobra"
)

// examples are the --help examples of the commands that do not carry their
// own, by command path. One table keeps them consistent; the tests fail for
// a command without an example, and for an entry naming no command.
var examples = map[string]string{
	"starter tenant": `  starter tenant add --id acme --account-id ACCOUNT --client-id ID --client-secret-file secret.txt
  starter tenant list --json`,
	"starter tenant add": `  starter tenant add --id acme --account-id ACCOUNT --client-id ID --client-secret-file secret.txt \
      --webhook-secret-file webhook.txt --users all
  MEETVAULT_ZOOM_CLIENT_SECRET=… starter tenant add --id acme --account-id ACCOUNT --client-id ID --users a@acme.example,b@acme.example`,
	"starter tenant list":   `  starter tenant list --json | jq -r '.tenants[]'`,
	"starter tenant start":  `  starter tenant start acme --interval 1h --lookback 168h --daily-pool 60000`,
	"starter tenant status": `  starter tenant status acme --json | jq '{pool_used, pool_remaining, next_reset}'`,
	"starter tenant pause":  `  starter tenant pause acme`,
	"starter tenant resume": `  starter tenant resume acme`,
	"starter backfill":      `  starter backfill --tenant acme --from 2026-01-01 --to 2026-06-30`,
	"starter report": `  starter report --tenant acme
  starter report --tenant acme --json | jq '.files_archived'`,
	"starter dev": `  starter dev register-sim-tenant --sim http://127.0.0.1:9090 --tenant demo`,
	"starter dev register-sim-tenant": `  starter dev register-sim-tenant --tenant demo
  starter dev register-sim-tenant --sim http://127.0.0.1:9090 --account 1 --tenant second`,
	"starter bot": `  starter bot join --tenant acme --meeting-url 'https://zoom.us/j/85012345678?pwd=…' --wait
  starter bot status bot/acme/85012345678`,
	"starter bot join": `  starter bot join --tenant acme --meeting-url 'https://zoom.us/j/85012345678?pwd=…' --wait
  starter bot join --tenant acme --meeting-url 'https://zoom.us/j/87012345678' --on-behalf-of alice@acme.example
  starter bot join --tenant acme --meeting-url 'https://zoom.us/j/85012345678' --at 2026-12-01T14:00:00Z`,
	"starter bot status": `  starter bot status bot/acme/85012345678 --json | jq .outcome`,
	"starter bot leave":  `  starter bot leave bot/acme/85012345678 --reason "meeting went private"`,
	"starter host": `  starter host connect --tenant acme
  starter host list --tenant acme`,
	"starter host connect": `  starter host connect --tenant acme   # send the printed link to the host`,
	"starter host list":    `  starter host list --tenant acme --json | jq -r '.hosts[] | select(.status=="dead") | .email'`,
	"starter admin": `  starter admin setup
  starter admin reseal --check
  starter admin probe http://127.0.0.1:8088/readyz`,
	"starter admin reseal": `  MEETVAULT_SECRET_PREVIOUS_KEYS=$OLD_KEY starter admin reseal --json
  starter admin reseal --check   # exit 1 while a value still needs an old key`,
	"starter completion":            `  source <(starter completion bash)`,
	"starter completion bash":       `  starter completion bash > /etc/bash_completion.d/starter`,
	"starter completion zsh":        `  starter completion zsh > "${fpath[1]}/_starter"`,
	"starter completion fish":       `  starter completion fish > ~/.config/fish/completions/starter.fish`,
	"starter completion powershell": `  starter completion powershell | Out-String | Invoke-Expression`,
}

// applyExamples fills in Example from the table where a command has none,
// and lets --tenant flags complete to the registered tenants.
func applyExamples(root *cobra.Command) {
	walk(root, func(c *cobra.Command) {
		if c.Example == "" {
			c.Example = examples[c.CommandPath()]
		}
		if c.Flags().Lookup("tenant") != nil {
			_ = c.RegisterFlagCompletionFunc("tenant", completeTenants)
		}
	})
}

// walk calls fn for c and every command below it.
func walk(c *cobra.Command, fn func(*cobra.Command)) {
	fn(c)
	for _, sub := range c.Commands() {
		walk(sub, fn)
	}
}

// completeTenants lists the registered tenants for shell completion; with
// no database at hand it offers nothing rather than failing.
func completeTenants(cmd *cobra.Command, _ []string, prefix string) ([]string, cobra.ShellCompDirective) {
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	_, st, err := envStore(ctx, false)
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	defer st.Close()
	ids, err := st.TenantIDs(ctx)
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var out []string
	for _, id := range ids {
		if strings.HasPrefix(id, prefix) {
			out = append(out, id)
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}
