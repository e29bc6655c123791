package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/meetvault/meetvault/store"
	"github.com/meetvault/meetvault/workflows"
)

func tenantCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "tenant", Short: "Register and list tenants (Zoom accounts)"}
	cmd.AddCommand(tenantAddCmd(), tenantListCmd(), tenantStartCmd(), tenantStatusCmd(),
		tenantUpdateCmd("pause", "Pause the tenant's imports (queued work waits)", workflows.UpdatePause, workflows.PauseRequest{}),
		tenantUpdateCmd("resume", "Resume a paused tenant", workflows.UpdateResume, workflows.ResumeRequest{}))
	return cmd
}

// secretFrom reads a secret from a file, or from an environment variable;
// secrets are never taken from argv, where shells and ps would show them.
func secretFrom(file, envVar string, required bool) (string, error) {
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return "", fmt.Errorf("reading secret: %w", err)
		}
		return strings.TrimSpace(string(b)), nil
	}
	if v := os.Getenv(envVar); v != "" {
		return v, nil
	}
	if required {
		return "", fmt.Errorf("no secret given: pass a file with the flag or set %s", envVar)
	}
	return "", nil
}

func tenantAddCmd() *cobra.Command {
	var t store.Tenant
	var secretFile, webhookFile, users string
	cmd := &cobra.Command{
		Use:   "add",
		Short: "Register a tenant with its Zoom Server-to-Server OAuth app",
		Long: `Register a tenant. The client secret is read from --client-secret-file or
MEETVAULT_ZOOM_CLIENT_SECRET, the webhook secret token from --webhook-secret-file or
MEETVAULT_ZOOM_WEBHOOK_SECRET; both are sealed with MEETVAULT_SECRET_KEY in Postgres.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if t.ZoomClientSecret, err = secretFrom(secretFile, "MEETVAULT_ZOOM_CLIENT_SECRET", true); err != nil {
				return err
			}
			if t.WebhookSecretToken, err = secretFrom(webhookFile, "MEETVAULT_ZOOM_WEBHOOK_SECRET", false); err != nil {
				return err
			}
			if t.Name == "" {
				t.Name = t.ID
			}
			return addTenant(cmd.Context(), t, users)
		},
	}
	f := cmd.Flags()
	f.StringVar(&t.ID, "id", "", "tenant id: lower-case letters, digits, - and _ (required)")
	f.StringVar(&t.Name, "name", "", "display name")
	f.StringVar(&t.ZoomAccountID, "account-id", "", "Zoom account id (required)")
	f.StringVar(&t.ZoomClientID, "client-id", "", "Server-to-Server OAuth client id (required)")
	f.StringVar(&secretFile, "client-secret-file", "", "file holding the client secret")
	f.StringVar(&webhookFile, "webhook-secret-file", "", "file holding the webhook secret token")
	f.StringVar(&users, "users", "all", `whose recordings to archive: "all" or a comma-separated list of Zoom user ids or emails`)
	for _, r := range []string{"id", "account-id", "client-id"} {
		_ = cmd.MarkFlagRequired(r)
	}
	return cmd
}

func addTenant(ctx context.Context, t store.Tenant, users string) error {
	_, st, err := envStore(ctx, true)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		return err
	}
	t.RecordAllUsers = users == "" || users == "all"
	if err := st.UpsertTenant(ctx, t); err != nil {
		return err
	}
	if !t.RecordAllUsers {
		var list []store.RecordedUser
		for _, u := range strings.Split(users, ",") {
			if u = strings.TrimSpace(u); u != "" {
				list = append(list, store.RecordedUser{ZoomUserID: u, Email: emailOf(u)})
			}
		}
		if len(list) == 0 {
			return errors.New(`--users needs "all" or at least one user`)
		}
		if err := st.SetRecordedUsers(ctx, t.ID, list); err != nil {
			return err
		}
	}
	if jsonOut {
		return printJSON(map[string]any{"tenant_id": t.ID, "zoom_account_id": t.ZoomAccountID, "record_all_users": t.RecordAllUsers})
	}
	fmt.Printf("tenant %s registered (Zoom account %s, users: %s)\n", t.ID, t.ZoomAccountID, users)
	return nil
}

func emailOf(u string) string {
	if strings.Contains(u, "@") {
		return u
	}
	return ""
}

func tenantListCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List tenants",
		RunE: func(cmd *cobra.Command, args []string) error {
			_, st, err := envStore(cmd.Context(), false)
			if err != nil {
				return err
			}
			defer st.Close()
			ids, err := st.TenantIDs(cmd.Context())
			if err != nil {
				return err
			}
			if jsonOut {
				return printJSON(map[string]any{"tenants": append([]string{}, ids...)})
			}
			for _, id := range ids {
				fmt.Println(id)
			}
			return nil
		},
	}
}
