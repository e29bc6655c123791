package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/meetvault/meetvault/workflows"
)

// tenantWorkflowOptions start a tenant's entity workflow, or reach the
// running one.
func tenantWorkflowOptions(e env, tenantID string) client.StartWorkflowOptions {
	return client.StartWorkflowOptions{
		ID:                       workflows.TenantWorkflowID(tenantID),
		TaskQueue:                e.Temporal.TaskQueue,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
	}
}

// withTenantWorkflow checks the tenant exists, dials Temporal and runs fn.
func withTenantWorkflow(ctx context.Context, tenantID string, fn func(c client.Client, e env) error) error {
	e, st, err := tenantStore(ctx, tenantID)
	if err != nil {
		return err
	}
	st.Close()
	c, err := dialTemporal(ctx, e)
	if err != nil {
		return err
	}
	defer c.Close()
	return fn(c, e)
}

func tenantStartCmd() *cobra.Command {
	var p workflows.ImportPolicy
	cmd := &cobra.Command{
		Use:   "start TENANT",
		Short: "Start the tenant's entity workflow (import schedule and Zoom quota), or change its policy",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := p.Validate(); err != nil {
				return err
			}
			return withTenantWorkflow(cmd.Context(), args[0], func(c client.Client, e env) error {
				ctx := cmd.Context()
				if _, err := c.ExecuteWorkflow(ctx, tenantWorkflowOptions(e, args[0]), workflows.Tenant,
					workflows.TenantInput{TenantID: args[0], Policy: p.WithDefaults()}); err != nil {
					return err
				}
				s, err := updateTenant(ctx, c, args[0], workflows.UpdatePolicy, p.WithDefaults())
				if err != nil {
					return err
				}
				return printStatus(s)
			})
		},
	}
	f := cmd.Flags()
	f.DurationVar(&p.Interval, "interval", time.Hour, "time between scheduled imports")
	f.StringSliceVar(&p.Sources, "sources", []string{"meeting"}, "sources imported on schedule: meeting, phone")
	f.DurationVar(&p.Lookback, "lookback", 7*24*time.Hour, "how far back the first scheduled import reaches")
	f.IntVar(&p.DailyPool, "daily-pool", 60000, "share of Zoom's daily Heavy + Resource-intensive pool this tenant may spend")
	f.IntVar(&p.MeetingLogPageSize, "meeting-log-page-size", 300, "meetings per dashboard page in the meeting log (one pool request each)")
	return cmd
}

func updateTenant(ctx context.Context, c client.Client, tenantID, name string, arg any) (workflows.TenantStatus, error) {
	var s workflows.TenantStatus
	h, err := c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID: workflows.TenantWorkflowID(tenantID), UpdateName: name, Args: []any{arg},
		WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err != nil {
		return s, fmt.Errorf("%s: %w (is the tenant started? starter tenant start %s)", name, err, tenantID)
	}
	return s, h.Get(ctx, &s)
}

func tenantUpdateCmd(use, short, update string, arg any) *cobra.Command {
	return &cobra.Command{
		Use: use + " TENANT", Short: short, Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withTenantWorkflow(cmd.Context(), args[0], func(c client.Client, e env) error {
				s, err := updateTenant(cmd.Context(), c, args[0], update, arg)
				if err != nil {
					return err
				}
				return printStatus(s)
			})
		},
	}
}

func tenantStatusCmd() *cobra.Command {
	return &cobra.Command{
		Use: "status TENANT", Short: "Show the tenant's Zoom quota, schedule and backlog", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withTenantWorkflow(cmd.Context(), args[0], func(c client.Client, e env) error {
				v, err := c.QueryWorkflow(cmd.Context(), workflows.TenantWorkflowID(args[0]), "", workflows.QueryStatus)
				if err != nil {
					return fmt.Errorf("status: %w (start it with: starter tenant start %s)", err, args[0])
				}
				var s workflows.TenantStatus
				if err := v.Get(&s); err != nil {
					return err
				}
				return printStatus(s)
			})
		},
	}
}

func backfillCmd() *cobra.Command {
	var tenant, source, from, to string
	cmd := &cobra.Command{
		Use:   "backfill",
		Short: "Queue an import of a past window in the tenant's workflow (it spends the tenant's quota in order)",
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err1 := time.Parse(time.DateOnly, from)
			t, err2 := time.Parse(time.DateOnly, to)
			if err1 != nil || err2 != nil || t.Before(f) {
				return fmt.Errorf("--from %q --to %q: want yyyy-mm-dd with from ≤ to", from, to)
			}
			return withTenantWorkflow(cmd.Context(), tenant, func(c client.Client, e env) error {
				run, err := c.SignalWithStartWorkflow(cmd.Context(), workflows.TenantWorkflowID(tenant), workflows.SignalBackfill,
					workflows.BackfillSignal{Source: source, From: f, To: t}, tenantWorkflowOptions(e, tenant),
					workflows.Tenant, workflows.TenantInput{TenantID: tenant, Policy: workflows.ImportPolicy{}.WithDefaults()})
				if err != nil {
					return err
				}
				if jsonOut {
					return printJSON(map[string]any{"workflow_id": run.GetID(), "queued": map[string]string{"source": source, "from": from, "to": to}})
				}
				fmt.Printf("backfill %s..%s queued in %s (see: starter tenant status %s)\n", from, to, run.GetID(), tenant)
				return nil
			})
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&tenant, "tenant", "", "tenant id (required)")
	fl.StringVar(&source, "source", "meeting", "what to import: meeting")
	fl.StringVar(&from, "from", "", "first day, yyyy-mm-dd (required)")
	fl.StringVar(&to, "to", "", "last day, yyyy-mm-dd, inclusive (required)")
	for _, r := range []string{"tenant", "from", "to"} {
		_ = cmd.MarkFlagRequired(r)
	}
	return cmd
}

func printStatus(s workflows.TenantStatus) error {
	if jsonOut {
		return printJSON(s)
	}
	state := "running"
	if s.Paused {
		state = "paused"
	}
	fmt.Printf("tenant %s: %s, %d imports done\n", s.TenantID, state, s.Imports)
	fmt.Printf("  Zoom daily pool: %d used of %d (%d left), resets %s", s.PoolUsed, s.PoolLimit, s.PoolRemaining, s.NextReset.Format(time.RFC3339))
	if s.ZoomRemaining >= 0 {
		fmt.Printf(", Zoom reports %d remaining", s.ZoomRemaining)
	}
	fmt.Println()
	if !s.BlockedUntil.IsZero() {
		fmt.Printf("  waiting for Zoom's quota until %s\n", s.BlockedUntil.Format(time.RFC3339))
	}
	fmt.Printf("  schedule: every %s, next run %s\n", s.Policy.Interval, s.NextRun.Format(time.RFC3339))
	fmt.Printf("  backlog: now %d, scheduled %d, retry %d\n", s.Backlog["now"], s.Backlog["scheduled"], s.Backlog["retry"])
	for _, p := range s.Parked {
		fmt.Printf("  parked %s: %s %s %s..%s, %d attempts, retried %s: %s\n", p.ID, p.Kind, p.Source,
			p.From.Format(time.DateOnly), p.To.Format(time.DateOnly), p.Attempts, p.RetryAt.Format(time.RFC3339), p.Error)
	}
	for src, wm := range s.Watermarks {
		fmt.Printf("  watermark %s: imported through %s\n", src, wm.Format(time.DateOnly))
	}
	if s.Running != nil {
		fmt.Printf("  running: %s %s %s..%s", s.Running.Kind, s.Running.Source, s.Running.From.Format(time.DateOnly), s.Running.To.Format(time.DateOnly))
		if s.Running.WorkflowID != "" {
			fmt.Printf(" (workflow %s)", s.Running.WorkflowID)
		}
		fmt.Println()
	}
	fmt.Printf("  archived so far: %d files, %s\n", s.Totals.FilesArchived, humanBytes(s.Totals.BytesArchived))
	if s.LastError != "" {
		fmt.Printf("  last error: %s\n", s.LastError)
	}
	return nil
}
