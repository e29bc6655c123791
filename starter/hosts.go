package main

import (
	"fmt"
	"net/url"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/kelseyhightower/envconfig"
	"github.com/spf13/cobra"

	"github.com/meetvault/meetvault/config"
	"github.com/meetvault/meetvault/store"
)

// hostCmd is `starter host`: hosts' Zoom OAuth connections, which let bots
// record their meetings with a join token instead of a consent dialog.
func hostCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "host", Short: "Connect hosts' Zoom users (join tokens for bots) and list connections"}
	cmd.AddCommand(hostConnectCmd(), hostListCmd())
	return cmd
}

func hostConnectCmd() *cobra.Command {
	var tenant string
	cmd := &cobra.Command{
		Use:   "connect",
		Short: "Print the link a host opens to connect their Zoom user to a tenant",
		Long: `Print the link a host opens to connect their Zoom user to the tenant. The link
points at the ingress (MEETVAULT_PUBLIC_URL, /oauth/zoom/start), which sends the
host to Zoom to approve the user-level OAuth app and then shows whether their
"Local recording" setting lets bots record. The ingress must run with
MEETVAULT_ZOOM_USER_CLIENT_ID and MEETVAULT_ZOOM_USER_CLIENT_SECRET set, and the
Zoom app's redirect URL must be {MEETVAULT_PUBLIC_URL}/oauth/zoom/callback.
A dead connection is repaired the same way.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			var h config.HostOAuth
			if err := envconfig.Process(config.Prefix, &h); err != nil {
				return fmt.Errorf("config: %w", err)
			}
			_, st, err := tenantStore(cmd.Context(), tenant)
			if err != nil {
				return err
			}
			defer st.Close()
			base := strings.TrimRight(h.PublicURL, "/")
			link := base + "/oauth/zoom/start?tenant=" + url.QueryEscape(tenant)
			if jsonOut {
				return printJSON(map[string]any{"tenant_id": tenant, "connect_url": link, "redirect_url": base + "/oauth/zoom/callback"})
			}
			fmt.Println(link)
			fmt.Fprintf(os.Stderr, "The host opens this link, signs in to Zoom and approves the app (the ingress needs MEETVAULT_ZOOM_USER_CLIENT_ID/_SECRET; the app's redirect URL is %s/oauth/zoom/callback).\n", base)
			return nil
		},
	}
	cmd.Flags().StringVar(&tenant, "tenant", "", "tenant id (required)")
	_ = cmd.MarkFlagRequired("tenant")
	return cmd
}

// hostJSON is one connection in `starter host list --json`.
type hostJSON struct {
	TenantID       string    `json:"tenant_id"`
	ZoomUserID     string    `json:"zoom_user_id"`
	ZoomAccountID  string    `json:"zoom_account_id"`
	Email          string    `json:"email"`
	Status         string    `json:"status"`
	DeadReason     string    `json:"dead_reason,omitempty"`
	Scope          string    `json:"scope"`
	LocalRecording *bool     `json:"local_recording"`
	ConnectedAt    time.Time `json:"connected_at"`
	RefreshedAt    time.Time `json:"refreshed_at"`
	RefreshCount   int       `json:"refresh_count"`
}

func hostListCmd() *cobra.Command {
	var tenant string
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List a tenant's host connections with their status and, for dead ones, why",
		RunE: func(cmd *cobra.Command, args []string) error {
			_, st, err := tenantStore(cmd.Context(), tenant)
			if err != nil {
				return err
			}
			defer st.Close()
			conns, err := st.HostConnections(cmd.Context(), tenant)
			if err != nil {
				return err
			}
			if jsonOut {
				out := make([]hostJSON, 0, len(conns))
				for _, c := range conns {
					out = append(out, hostJSON{TenantID: c.TenantID, ZoomUserID: c.ZoomUserID, ZoomAccountID: c.ZoomAccountID,
						Email: c.Email, Status: c.Status, DeadReason: c.DeadReason, Scope: c.Scope, LocalRecording: c.LocalRecording,
						ConnectedAt: c.ConnectedAt.UTC(), RefreshedAt: c.RefreshedAt.UTC(), RefreshCount: c.RefreshCount})
				}
				return printJSON(map[string]any{"tenant_id": tenant, "hosts": out})
			}
			if len(conns) == 0 {
				fmt.Printf("no host of tenant %s has connected Zoom; print the link with: starter host connect --tenant %s\n", tenant, tenant)
				return nil
			}
			tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "EMAIL\tZOOM USER\tSTATUS\tLOCAL RECORDING\tCONNECTED\tREFRESHED\tREFRESHES\tDEAD REASON")
			dead := 0
			for _, c := range conns {
				local := "unknown"
				if c.LocalRecording != nil {
					local = map[bool]string{true: "on", false: "OFF"}[*c.LocalRecording]
				}
				if c.Status == store.HostConnectionDead {
					dead++
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\n", c.Email, c.ZoomUserID, c.Status, local,
					c.ConnectedAt.UTC().Format(time.RFC3339), c.RefreshedAt.UTC().Format(time.RFC3339), c.RefreshCount, c.DeadReason)
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			if dead > 0 {
				fmt.Fprintf(os.Stderr, "%d dead connection(s): those hosts must reconnect through the link of: starter host connect --tenant %s\n", dead, tenant)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&tenant, "tenant", "", "tenant id (required)")
	_ = cmd.MarkFlagRequired("tenant")
	return cmd
}
