package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"golang.org/x/term"

	"github.com/meetvault/meetvault/activities"
	"github.com/meetvault/meetvault/workflows"
)

func importCmd() *cobra.Command {
	var tenant, source, from, to string
	var wait, direct bool
	var concurrency int
	var retry workflows.DownloadRetry
	var noLog bool
	cmd := &cobra.Command{
		Use:   "import",
		Short: "Import a tenant's cloud recordings for a window of dates (queued in the tenant's workflow when it runs)",
		Long: `Import a tenant's cloud recordings for a window of dates.

When the tenant's workflow runs (starter tenant start), the import is queued
there with the import update: it runs in the tenant's scheduled lane, spends
the tenant's share of Zoom's daily pool and, when the pool runs out, resumes
after the reset under the same workflow ID. Otherwise (or with --direct) the
ImportWindow workflow starts at once, outside the tenant's quota budget.`,
		Example: `  starter import --tenant acme --from 2026-10-01 --to 2026-10-31 --wait`,
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := time.Parse(time.DateOnly, from)
			if err != nil {
				return fmt.Errorf("--from %q: want yyyy-mm-dd", from)
			}
			t, err := time.Parse(time.DateOnly, to)
			if err != nil {
				return fmt.Errorf("--to %q: want yyyy-mm-dd", to)
			}
			if t.Before(f) {
				return fmt.Errorf("--to %s is before --from %s", to, from)
			}
			return runImport(cmd.Context(), workflows.ImportWindowInput{
				TenantID: tenant, Source: source, From: f, To: t, MaxConcurrentArchives: concurrency,
				DownloadRetry: retry, SkipMeetingLog: noLog,
			}, wait, direct)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&tenant, "tenant", "", "tenant id (required)")
	fl.StringVar(&source, "source", activities.SourceMeeting, "what to import: meeting or phone")
	fl.StringVar(&from, "from", "", "first day, yyyy-mm-dd (required)")
	fl.StringVar(&to, "to", "", "last day, yyyy-mm-dd, inclusive (required)")
	fl.BoolVar(&wait, "wait", false, "wait for the import to finish, showing progress (Ctrl-C stops waiting, not the import)")
	fl.BoolVar(&direct, "direct", false, "start the import at once, outside the tenant's workflow and its quota budget")
	fl.IntVar(&concurrency, "concurrency", 0, "meetings archived at once (default 32)")
	fl.BoolVar(&noLog, "no-meeting-log", false, "archive only: skip the account's meeting log (the dashboard listing that draws on Zoom's daily pool)")
	fl.Int32Var(&retry.MaximumAttempts, "download-attempts", 0, "attempts per file download before it is recorded as failed (default 6)")
	fl.DurationVar(&retry.InitialInterval, "download-retry-interval", 0, "first retry delay of a failed download, doubling (default 2s)")
	for _, r := range []string{"tenant", "from", "to"} {
		_ = cmd.MarkFlagRequired(r)
	}
	return cmd
}

func runImport(ctx context.Context, in workflows.ImportWindowInput, wait, direct bool) error {
	if in.Source != activities.SourceMeeting && in.Source != activities.SourcePhone {
		return fmt.Errorf("--source %s: only %q and %q can be imported so far", in.Source, activities.SourceMeeting, activities.SourcePhone)
	}
	return withTenantWorkflow(ctx, in.TenantID, func(c client.Client, e env) error {
		if !direct {
			running, err := tenantRunning(ctx, c, in.TenantID)
			if err != nil {
				return err
			}
			if running {
				return importViaTenant(ctx, c, in, wait)
			}
			fmt.Fprintf(os.Stderr, "note: tenant workflow not running; this import runs outside the tenant's quota budget (start it with: starter tenant start %s)\n", in.TenantID)
		}
		return importDirect(ctx, c, e, in, wait)
	})
}

// tenantRunning reports whether the tenant's entity workflow is running.
func tenantRunning(ctx context.Context, c client.Client, tenantID string) (bool, error) {
	d, err := c.DescribeWorkflowExecution(ctx, workflows.TenantWorkflowID(tenantID), "")
	var notFound *serviceerror.NotFound
	if errors.As(err, &notFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("looking up %s: %w", workflows.TenantWorkflowID(tenantID), err)
	}
	return d.GetWorkflowExecutionInfo().GetStatus() == enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING, nil
}

// importDirect starts ImportWindow itself, beside the tenant's workflow.
func importDirect(ctx context.Context, c client.Client, e env, in workflows.ImportWindowInput, wait bool) error {
	id := workflows.ImportWindowID(in.TenantID, in.Source, in.From, in.To)
	started := time.Now()
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:                       id,
		TaskQueue:                e.Temporal.TaskQueue,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
	}, workflows.ImportWindow, in)
	if err != nil {
		return fmt.Errorf("starting import: %w", err)
	}
	if !wait {
		if jsonOut {
			return printJSON(map[string]any{"via": "direct", "workflow_id": id, "run_id": run.GetRunID()})
		}
		fmt.Printf("import started: workflow %s\n", id)
		return nil
	}
	res, err := waitImport(ctx, c, run, id)
	if err != nil {
		return fmt.Errorf("import %s: %w", id, err)
	}
	return printImportResult("direct", id, time.Since(started), res, nil)
}

// importViaTenant queues the import in the tenant's workflow (the import
// update) and, with wait, follows the ImportWindow run the tenant starts for
// it, and the runs that resume it after a daily 429, to the end.
func importViaTenant(ctx context.Context, c client.Client, in workflows.ImportWindowInput, wait bool) error {
	started := time.Now()
	tenantWF := workflows.TenantWorkflowID(in.TenantID)
	h, err := c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID: tenantWF, UpdateName: workflows.UpdateImport,
		Args: []any{workflows.ImportRequest{
			Source: in.Source, From: in.From, To: in.To, SkipMeetingLog: in.SkipMeetingLog,
			MaxConcurrentArchives: in.MaxConcurrentArchives, DownloadRetry: in.DownloadRetry,
		}},
		WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	var tk workflows.ImportTicket
	if err == nil {
		err = h.Get(ctx, &tk)
	}
	if err != nil {
		return fmt.Errorf("queueing the import in %s: %w (--direct starts it outside the tenant's workflow)", tenantWF, err)
	}
	until := waitingUntil(tk.Status)
	if !wait {
		if jsonOut {
			out := map[string]any{"via": "tenant", "workflow_id": tk.WorkflowID, "tenant_workflow_id": tenantWF,
				"position": tk.Position, "paused": tk.Status.Paused}
			if !until.IsZero() {
				out["waiting_until"] = until
			}
			return printJSON(out)
		}
		printTicket(tenantWF, tk, until)
		return nil
	}
	if !jsonOut {
		printTicket(tenantWF, tk, until)
	}
	res, err := followImport(ctx, c, in.TenantID, tk.WorkflowID)
	if err != nil {
		return fmt.Errorf("import %s: %w (the tenant retries a failed import at its next scheduled run: starter tenant status %s)", tk.WorkflowID, err, in.TenantID)
	}
	return printImportResult("tenant", tk.WorkflowID, time.Since(started), res, map[string]any{"position": tk.Position})
}

// waitingUntil is when a tenant that spent its pool may call Zoom again
// (zero: it may now).
func waitingUntil(s workflows.TenantStatus) time.Time {
	switch {
	case !s.BlockedUntil.IsZero():
		return s.BlockedUntil
	case s.PoolRemaining == 0 || s.ZoomRemaining == 0:
		return s.NextReset
	}
	return time.Time{}
}

func printTicket(tenantWF string, tk workflows.ImportTicket, until time.Time) {
	pos := fmt.Sprintf("%d ahead of it", tk.Position)
	if tk.Position == 0 {
		pos = "next"
	}
	fmt.Printf("import queued in %s: workflow %s (%s)\n", tenantWF, tk.WorkflowID, pos)
	if tk.Status.Paused {
		fmt.Printf("  the tenant is paused: it starts after starter tenant resume %s\n", tk.Status.TenantID)
	}
	if !until.IsZero() {
		fmt.Printf("  the tenant is waiting for Zoom's daily pool until %s; the import starts after it\n", until.Format(time.RFC3339))
	}
}

func printImportResult(via, id string, elapsed time.Duration, res workflows.ImportWindowResult, extra map[string]any) error {
	if jsonOut {
		out := map[string]any{"via": via, "workflow_id": id, "seconds": elapsed.Seconds(), "result": res}
		for k, v := range extra {
			out[k] = v
		}
		return printJSON(out)
	}
	fmt.Printf("import %s done in %s: %d meetings, %d files archived (%s), %d already archived, %d still processing at Zoom, %d failed\n",
		id, elapsed.Round(time.Millisecond), res.Meetings, res.FilesArchived, humanBytes(res.BytesArchived),
		res.FilesAlreadyArchived, res.FilesProcessing, res.FilesFailed)
	for _, f := range res.Failures {
		fmt.Println("  failed:", f)
	}
	return nil
}

// followImport waits for the tenant to start the import's workflow, shows
// its progress, and, when a run ends blocked by Zoom's daily pool, waits for
// the run that resumes it under the same ID after the reset.
func followImport(ctx context.Context, c client.Client, tenantID, id string) (workflows.ImportWindowResult, error) {
	blockedRun := ""
	for {
		runID, err := awaitRun(ctx, c, tenantID, id, blockedRun)
		if err != nil {
			return workflows.ImportWindowResult{}, err
		}
		run := c.GetWorkflow(ctx, id, runID)
		res, err := waitImport(ctx, c, run, id)
		if err != nil || !res.Blocked {
			return res, err
		}
		blockedRun = run.GetRunID() // the last run of its continue-as-new chain
		until := res.BlockedUntil
		if v, err := c.QueryWorkflow(ctx, workflows.TenantWorkflowID(tenantID), "", workflows.QueryStatus); err == nil {
			var s workflows.TenantStatus
			if v.Get(&s) == nil {
				if u := waitingUntil(s); !u.IsZero() {
					until = u
				}
			}
		}
		when := "the next 00:00 UTC reset"
		if !until.IsZero() {
			when = until.Format(time.RFC3339)
		}
		fmt.Fprintf(os.Stderr, "import %s: Zoom's daily pool is used up until %s; the tenant resumes it then (still waiting; Ctrl-C stops waiting, not the import)\n", id, when)
	}
}

// awaitRun polls until workflow id has a run other than skip, and fails
// if the tenant's workflow stops meanwhile (nothing would start it).
func awaitRun(ctx context.Context, c client.Client, tenantID, id, skip string) (string, error) {
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	for n := 0; ; n++ {
		d, err := c.DescribeWorkflowExecution(ctx, id, "")
		var notFound *serviceerror.NotFound
		switch {
		case err == nil:
			if r := d.GetWorkflowExecutionInfo().GetExecution().GetRunId(); r != skip {
				return r, nil
			}
		case !errors.As(err, &notFound):
			return "", fmt.Errorf("looking up %s: %w", id, err)
		}
		if n%10 == 9 {
			running, err := tenantRunning(ctx, c, tenantID)
			if err != nil {
				return "", err
			}
			if !running {
				return "", fmt.Errorf("the tenant's workflow %s stopped before it ran the import", workflows.TenantWorkflowID(tenantID))
			}
		}
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-tick.C:
		}
	}
}

// waitImport waits for the import's result, showing a progress bar fed by
// the workflow's progress query (on stderr, only on a terminal or unless --json).
func waitImport(ctx context.Context, c client.Client, run client.WorkflowRun, id string) (workflows.ImportWindowResult, error) {
	done := make(chan error, 1)
	var res workflows.ImportWindowResult
	go func() { done <- run.Get(ctx, &res) }()
	var bar *progressbar.ProgressBar
	if !jsonOut && term.IsTerminal(int(os.Stderr.Fd())) {
		bar = progressbar.NewOptions(-1, progressbar.OptionSetWriter(os.Stderr),
			progressbar.OptionSetDescription("importing"), progressbar.OptionShowCount(),
			progressbar.OptionClearOnFinish())
	}
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			if bar != nil {
				_ = bar.Finish()
			}
			return res, err
		case <-tick.C:
			if bar == nil {
				continue
			}
			v, err := c.QueryWorkflow(ctx, id, "", workflows.QueryProgress)
			if err != nil {
				continue
			}
			var p workflows.ImportProgress
			if v.Get(&p) == nil {
				bar.ChangeMax(max(p.Meetings, 1))
				_ = bar.Set(p.MeetingsDone)
				bar.Describe(fmt.Sprintf("users %d/%d, files %d, %s", p.UsersDone, p.UsersTotal,
					p.FilesArchived+p.FilesAlreadyArchived, humanBytes(p.BytesArchived)))
			}
		}
	}
}

func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
