package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"golang.org/x/term"

	"github.com/meetvault/meetvault/activities"
	"github.com/meetvault/meetvault/workflows"
)

func importCmd() *cobra.Command {
	var tenant, source, from, to string
	var wait bool
	var concurrency int
	var retry workflows.DownloadRetry
	var noLog bool
	cmd := &cobra.Command{
		Use:     "import",
		Short:   "Import a tenant's cloud recordings for a window of dates",
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
			}, wait)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&tenant, "tenant", "", "tenant id (required)")
	fl.StringVar(&source, "source", activities.SourceMeeting, "what to import: meeting")
	fl.StringVar(&from, "from", "", "first day, yyyy-mm-dd (required)")
	fl.StringVar(&to, "to", "", "last day, yyyy-mm-dd, inclusive (required)")
	fl.BoolVar(&wait, "wait", false, "wait for the import to finish, showing progress")
	fl.IntVar(&concurrency, "concurrency", 0, "meetings archived at once (default 32)")
	fl.BoolVar(&noLog, "no-meeting-log", false, "archive only: skip the account's meeting log (the dashboard listing that draws on Zoom's daily pool)")
	fl.Int32Var(&retry.MaximumAttempts, "download-attempts", 0, "attempts per file download before it is recorded as failed (default 6)")
	fl.DurationVar(&retry.InitialInterval, "download-retry-interval", 0, "first retry delay of a failed download, doubling (default 2s)")
	for _, r := range []string{"tenant", "from", "to"} {
		_ = cmd.MarkFlagRequired(r)
	}
	return cmd
}

func runImport(ctx context.Context, in workflows.ImportWindowInput, wait bool) error {
	if in.Source != activities.SourceMeeting {
		return fmt.Errorf("--source %s: only %q can be imported so far", in.Source, activities.SourceMeeting)
	}
	e, err := loadEnv()
	if err != nil {
		return err
	}
	st, err := openStore(ctx, e, false)
	if err != nil {
		return err
	}
	ids, err := st.TenantIDs(ctx)
	st.Close()
	if err != nil {
		return err
	}
	if !contains(ids, in.TenantID) {
		return fmt.Errorf("no tenant %q: register it with starter tenant add", in.TenantID)
	}
	c, err := dialTemporal(ctx, e)
	if err != nil {
		return err
	}
	defer c.Close()
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
			return printJSON(map[string]any{"workflow_id": id, "run_id": run.GetRunID()})
		}
		fmt.Printf("import started: workflow %s\n", id)
		return nil
	}
	res, err := waitImport(ctx, c, run, id)
	elapsed := time.Since(started)
	if err != nil {
		return fmt.Errorf("import %s: %w", id, err)
	}
	if jsonOut {
		return printJSON(map[string]any{"workflow_id": id, "seconds": elapsed.Seconds(), "result": res})
	}
	fmt.Printf("import %s done in %s: %d meetings, %d files archived (%s), %d already archived, %d still processing at Zoom, %d failed\n",
		id, elapsed.Round(time.Millisecond), res.Meetings, res.FilesArchived, humanBytes(res.BytesArchived),
		res.FilesAlreadyArchived, res.FilesProcessing, res.FilesFailed)
	for _, f := range res.Failures {
		fmt.Println("  failed:", f)
	}
	return nil
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

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
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
