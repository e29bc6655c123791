package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/meetvault/meetvault/store"
)

// resealCmd rewrites every sealed secret under MEETVAULT_SECRET_KEY. The
// rotation it completes: the new key in MEETVAULT_SECRET_KEY, the old one in
// MEETVAULT_SECRET_PREVIOUS_KEYS (workers restarted with both), then this
// command, then the old key is dropped everywhere.
func resealCmd() *cobra.Command {
	var check bool
	cmd := &cobra.Command{
		Use:   "reseal",
		Short: "Re-seal every stored secret with the current MEETVAULT_SECRET_KEY and strip tokens from stored webhook bodies",
		Long: "Re-seals tenants' Zoom client and webhook secrets, download tokens, hosts' OAuth tokens and pending OAuth\n" +
			"verifiers with MEETVAULT_SECRET_KEY, opening them with it or with MEETVAULT_SECRET_PREVIOUS_KEYS. Safe to run\n" +
			"again and while workers run. --check only counts what is not yet sealed with the current key (exit 1 if any).",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			_, st, err := envStore(ctx, true)
			if err != nil {
				return err
			}
			defer st.Close()
			if check {
				n, err := st.SealedWithOtherKeys(ctx)
				if err != nil {
					return err
				}
				if jsonOut {
					if err := printJSON(map[string]int{"not_current": n}); err != nil {
						return err
					}
				} else {
					fmt.Printf("%d sealed values not under the current key\n", n)
				}
				if n > 0 {
					return fmt.Errorf("%d sealed values still need a previous key: run starter admin reseal", n)
				}
				return nil
			}
			rep, err := st.Reseal(ctx)
			if err != nil {
				return err
			}
			if err := printReseal(rep); err != nil {
				return err
			}
			if failed := failedValues(rep); failed > 0 {
				return fmt.Errorf("%d sealed values open with no configured key: add the key that sealed them to MEETVAULT_SECRET_PREVIOUS_KEYS and run again", failed)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&check, "check", false, "only count values not sealed with the current key")
	return cmd
}

func failedValues(rep store.ResealReport) int {
	n := 0
	for _, c := range rep.Columns {
		n += c.Failed
	}
	return n
}

func printReseal(rep store.ResealReport) error {
	if jsonOut {
		return printJSON(rep)
	}
	fmt.Printf("sealing key %s\n", rep.KeyID)
	for _, c := range rep.Columns {
		fmt.Printf("  %-40s %5d values, %5d re-sealed, %d unreadable\n", c.Column, c.Values, c.Resealed, c.Failed)
	}
	fmt.Printf("  webhook_events bodies stripped of tokens: %d\n", rep.WebhookEventsRedacted)
	return nil
}
