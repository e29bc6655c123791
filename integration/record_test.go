package integration

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/temporalproto"
	workflowpb "go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"
)

// recordHistoriesEnv names the directory the harness writes the histories of
// each test's workflows into (scripts/record-histories.sh sets it); the
// replay tests in workflows/ read them from workflows/testdata/histories.
const recordHistoriesEnv = "MEETVAULT_RECORD_HISTORIES"

// maxHistoriesPerType bounds the files one test leaves per workflow type
// (MeetingBot's are all kept: each is a branch of the consent ladder).
const maxHistoriesPerType = 4

// recordHistories writes the history of every workflow run on this test's
// task queue (every run of a workflow that continued as new) to
// dir/{test}/{type}-{nn}-{id}.json, in the JSON form `temporal workflow
// show --output json` prints and worker.WorkflowReplayer reads.
func (e *env) recordHistories(dir string) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var execs []*workflowpb.WorkflowExecutionInfo
	var token []byte
	for {
		resp, err := e.temporal.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
			Query: fmt.Sprintf("TaskQueue = '%s'", e.taskQueue), NextPageToken: token,
		})
		if err != nil {
			e.t.Logf("recording histories: listing workflows: %v", err)
			return
		}
		execs = append(execs, resp.Executions...)
		if token = resp.NextPageToken; len(token) == 0 {
			break
		}
	}
	slices.SortFunc(execs, func(a, b *workflowpb.WorkflowExecutionInfo) int {
		return a.StartTime.AsTime().Compare(b.StartTime.AsTime())
	})
	out := filepath.Join(dir, fileSafe(e.t.Name()))
	if err := os.MkdirAll(out, 0o755); err != nil {
		e.t.Logf("recording histories: %v", err)
		return
	}
	perType := map[string]int{}
	for _, x := range execs {
		typ := x.Type.GetName()
		if typ != "MeetingBot" && perType[typ] >= maxHistoriesPerType {
			continue
		}
		hist, err := e.history(ctx, x.Execution.GetWorkflowId(), x.Execution.GetRunId())
		if err != nil {
			e.t.Logf("recording histories: %s: %v", x.Execution.GetWorkflowId(), err)
			continue
		}
		b, err := temporalproto.CustomJSONMarshalOptions{Indent: " "}.Marshal(hist)
		if err != nil {
			e.t.Logf("recording histories: %s: %v", x.Execution.GetWorkflowId(), err)
			continue
		}
		perType[typ]++
		id := strings.ReplaceAll(x.Execution.GetWorkflowId(), e.tenant, "T")
		name := fmt.Sprintf("%s-%02d-%s.json", typ, perType[typ], fileSafe(id))
		if err := os.WriteFile(filepath.Join(out, name), b, 0o644); err != nil {
			e.t.Logf("recording histories: %v", err)
		}
	}
}

func (e *env) history(ctx context.Context, id, runID string) (*historypb.History, error) {
	it := e.temporal.GetWorkflowHistory(ctx, id, runID, false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	h := &historypb.History{}
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			return nil, err
		}
		h.Events = append(h.Events, ev)
	}
	return h, nil
}

var unsafeChars = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

func fileSafe(s string) string {
	s = unsafeChars.ReplaceAllString(s, "_")
	if len(s) > 80 {
		s = s[:80]
	}
	return s
}
