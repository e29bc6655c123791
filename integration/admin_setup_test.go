package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/protobuf/types/known/durationpb"
)

// TestAdminSetupPreparesANamespace: in a namespace without meetvault's
// search attributes the worker refuses to start and names the fix;
// `starter admin setup` registers them (once: a second run adds nothing),
// and then the worker starts.
func TestAdminSetupPreparesANamespace(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ns := fmt.Sprintf("meetvault-it-setup-%d", time.Now().UnixNano()%1e9)
	_, err := e.temporal.WorkflowService().RegisterNamespace(ctx, &workflowservice.RegisterNamespaceRequest{
		Namespace: ns, WorkflowExecutionRetentionPeriod: durationpb.New(24 * time.Hour)})
	require.NoError(t, err)
	vars := append(append([]string{}, e.vars...), "MEETVAULT_TEMPORAL_NAMESPACE="+ns)
	require.Eventually(t, func() bool {
		_, err := e.temporal.WorkflowService().DescribeNamespace(ctx, &workflowservice.DescribeNamespaceRequest{Namespace: ns})
		return err == nil
	}, 30*time.Second, 200*time.Millisecond)

	worker := exec.Command(bins.worker, "-mode", "worker")
	worker.Env = vars
	out, err := worker.CombinedOutput()
	require.Error(t, err, "the worker must not start without the search attributes")
	require.Contains(t, string(out), "lacks the search attributes")
	require.Contains(t, string(out), "starter admin setup")

	doc, code := e.doctor("MEETVAULT_TEMPORAL_NAMESPACE=" + ns)
	require.Equal(t, 3, code)
	require.Contains(t, doc.Problems, doctorProblem{Check: "temporal_search_attributes", Blocks: true,
		Fix: "run `starter admin setup` (self-hosted), or on Temporal Cloud: " +
			"tcld namespace search-attributes add --namespace NS --search-attribute NAME=Keyword for each"})

	setup := func() (added []string) {
		cmd := exec.Command(bins.starter, "admin", "setup", "--json")
		cmd.Env = vars
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		require.NoError(t, cmd.Run(), stderr.String())
		var res struct {
			Namespace string   `json:"namespace"`
			Added     []string `json:"added"`
			Migrated  bool     `json:"migrated"`
		}
		require.NoError(t, json.Unmarshal(stdout.Bytes(), &res))
		require.Equal(t, ns, res.Namespace)
		require.True(t, res.Migrated)
		return res.Added
	}
	require.ElementsMatch(t, []string{"MeetvaultTenant", "MeetvaultSource", "MeetvaultMeetingUUID", "MeetvaultStatus",
		"MeetvaultBotStatus", "MeetvaultSubCode"}, setup())
	require.Empty(t, setup(), "idempotent")

	// Now the worker starts (and keeps running until stopped).
	worker = exec.Command(bins.worker, "-mode", "worker")
	worker.Env = vars
	var log bytes.Buffer
	worker.Stdout, worker.Stderr = &log, &log
	require.NoError(t, worker.Start())
	done := make(chan error, 1)
	go func() { done <- worker.Wait() }()
	select {
	case err := <-done:
		t.Fatalf("worker exited: %v: %s", err, log.String())
	case <-time.After(3 * time.Second):
	}
	_ = worker.Process.Kill()
	if err := <-done; err == nil {
		t.Log("the worker exited cleanly before it was killed")
	}
}
