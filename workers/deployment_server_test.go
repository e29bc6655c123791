package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

func noopWorkflow(workflow.Context) error { return nil }

// Against the dev server (make test): a new build becomes current once it
// polls, also after the previous run's builds; an older build that starts
// again afterwards does not take over.
func TestPromoteMakesANewerBuildCurrentAndNeverAnOlderOne(t *testing.T) {
	addr := os.Getenv("MEETVAULT_TEMPORAL_ADDRESS")
	if os.Getenv("MEETVAULT_INTEGRATION") != "1" || addr == "" {
		t.Skip("needs the embedded Temporal server: run make test")
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	c, err := client.Dial(client.Options{HostPort: addr, Logger: sdklog.NewStructuredLogger(log)})
	require.NoError(t, err)
	t.Cleanup(c.Close) // after the workers stop
	// One deployment and task queue for every run: the server keeps at
	// most 100 deployments per namespace, and deletes the oldest idle
	// versions of a deployment itself when it reaches 100.
	const tq = "meetvault-promote-test"
	run := time.Now().UnixNano()
	start := func(build string) deployment {
		d := deployment{name: tq, buildID: build, enabled: true}
		w := worker.New(c, tq, worker.Options{DeploymentOptions: d.options()})
		w.RegisterWorkflowWithOptions(noopWorkflow, workflow.RegisterOptions{VersioningBehavior: workflow.VersioningBehaviorPinned})
		require.NoError(t, w.Start())
		t.Cleanup(w.Stop)
		return d
	}
	current := func() string {
		desc, err := c.WorkerDeploymentClient().GetHandle(tq).Describe(context.Background(), client.WorkerDeploymentDescribeOptions{})
		require.NoError(t, err)
		return desc.Info.RoutingConfig.CurrentVersion.BuildID
	}
	ctx := context.Background()
	old := start(fmt.Sprintf("b1-%d", run))
	require.NoError(t, old.promote(ctx, c, []string{tq}, log))
	require.Equal(t, old.buildID, current())
	newer := start(fmt.Sprintf("b2-%d", run))
	require.NoError(t, newer.promote(ctx, c, []string{tq}, log))
	require.Equal(t, newer.buildID, current())
	require.NoError(t, old.promote(ctx, c, []string{tq}, log), "an old replica restarting")
	require.Equal(t, newer.buildID, current(), "the older build did not take over")
}
