package workflows

import (
	"encoding/json"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// historiesDir holds histories recorded from the integration tests by
// scripts/record-histories.sh: one directory per test, one file per
// workflow run. Directories named for a release keep the histories of
// code that has since changed (README, Versioning policy).
const historiesDir = "testdata/histories"

// currentSet is the set recorded from this code (scripts/record-histories.sh
// writes it); the other sets are older releases', of which only the
// auto-upgrade workflows (Tenant) must still replay.
const currentSet = "current"

// TestReplayRecordedHistories replays every recorded history against
// today's code, registered exactly as the worker registers it. A change
// that would make a running workflow nondeterministic (a command added,
// removed or reordered without a workflow.GetVersion patch) fails here.
func TestReplayRecordedHistories(t *testing.T) {
	var files []string
	require.NoError(t, filepath.WalkDir(historiesDir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".json") {
			files = append(files, path)
		}
		return err
	}), "run scripts/record-histories.sh to record histories")
	behavior := map[string]workflow.VersioningBehavior{}
	for _, reg := range Registrations() {
		behavior[reg.Name] = reg.Behavior
	}
	seen := map[string]bool{}
	logger := log.NewStructuredLogger(slog.New(slog.DiscardHandler))
	for _, f := range files {
		typ := workflowTypeOf(t, f)
		set := strings.SplitN(strings.TrimPrefix(f, historiesDir+"/"), "/", 2)[0]
		if set == currentSet {
			seen[typ] = true
		}
		t.Run(strings.TrimPrefix(f, historiesDir+"/"), func(t *testing.T) {
			if set != currentSet && behavior[typ] == workflow.VersioningBehaviorPinned {
				// A pinned run finishes on the build that started it: an
				// older release's pinned histories never meet this code.
				t.Skipf("%s is pinned: only its %s histories replay on this build", typ, currentSet)
			}
			t.Parallel()
			r := worker.NewWorkflowReplayer()
			Register(r)
			require.NoError(t, r.ReplayWorkflowHistoryFromJSONFile(logger, f), "%s no longer replays: "+
				"put the change behind workflow.GetVersion (README, Versioning policy)", typ)
		})
	}
	for _, reg := range Registrations() {
		require.True(t, seen[reg.Name], "no recorded history of %s in %s/%s: run scripts/record-histories.sh", reg.Name, historiesDir, currentSet)
	}
}

// workflowTypeOf reads the workflow type from the history's first event.
func workflowTypeOf(t *testing.T, path string) string {
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var h struct {
		Events []struct {
			Attrs struct {
				Type struct {
					Name string `json:"name"`
				} `json:"workflowType"`
			} `json:"workflowExecutionStartedEventAttributes"`
		} `json:"events"`
	}
	require.NoError(t, json.Unmarshal(b, &h), path)
	require.NotEmpty(t, h.Events, "%s holds no events", path)
	return h.Events[0].Attrs.Type.Name
}
