package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"github.com/meetvault/meetvault/store"
)

// devCmd holds development helpers for the embedded stack's Zoom simulator.
// They only speak HTTP to the simulator's admin API.
func devCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "dev", Short: "Development helpers for the embedded stack (simulator)"}
	var simURL, id string
	var account int
	reg := &cobra.Command{
		Use:   "register-sim-tenant",
		Short: "Register a simulator account (GET /_sim/accounts) as a tenant",
		RunE: func(cmd *cobra.Command, args []string) error {
			hc := &http.Client{Timeout: 10 * time.Second}
			resp, err := hc.Get(simURL + "/_sim/accounts")
			if err != nil {
				return fmt.Errorf("simulator: %w", err)
			}
			defer resp.Body.Close()
			var body struct {
				Accounts []struct {
					AccountID          string `json:"account_id"`
					ClientID           string `json:"client_id"`
					ClientSecret       string `json:"client_secret"`
					WebhookSecretToken string `json:"webhook_secret_token"`
				} `json:"accounts"`
			}
			if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
				return fmt.Errorf("simulator /_sim/accounts: %w", err)
			}
			if account < 0 || account >= len(body.Accounts) {
				return fmt.Errorf("simulator has %d accounts; --account %d does not exist (load a scenario first)", len(body.Accounts), account)
			}
			acc := body.Accounts[account]
			return addTenant(cmd.Context(), store.Tenant{
				ID: id, Name: id, ZoomAccountID: acc.AccountID, ZoomClientID: acc.ClientID,
				ZoomClientSecret: acc.ClientSecret, WebhookSecretToken: acc.WebhookSecretToken,
			}, "all")
		},
	}
	reg.Flags().StringVar(&simURL, "sim", "http://127.0.0.1:9090", "simulator base URL")
	reg.Flags().StringVar(&id, "tenant", "demo", "tenant id to register")
	reg.Flags().IntVar(&account, "account", 0, "index of the simulator account")
	cmd.AddCommand(reg)
	return cmd
}
