// Command quotabench measures how meetvault spends Zoom's daily Heavy +
// Resource-intensive pool, and its end-to-end archive throughput against the
// engine's ceiling on the same dev server in the same run.
//
// The simulator holds one Business account with 20,000 meetings in a month.
// The tenant archives one recorded user's meetings (the whole pipeline:
// listing, downloads, S3, Postgres) while its import logs every meeting of the
// account from Zoom's dashboard (the metadata reconciliation needs). The
// simulator's own counters say how many pool requests each part made. Then a
// bare workflow runs as many no-op activities as the archive run executed, on
// the same dev server, for the throughput ceiling.
//
// The simulator answers its /v2 API with a simulated internet round trip
// (-latency, on by default), so meetvault's import pays for every listing,
// metadata and dashboard request it makes. The ceiling talks only to
// Temporal, never to Zoom: the ratio is what meetvault achieves against the
// engine alone, API round trips included.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/meetvault/meetvault/bench/benchkit"
	"github.com/meetvault/meetvault/codec"
	"github.com/meetvault/meetvault/zoomsim"
)

func main() {
	meetings := flag.Int("meetings", 20000, "meetings in the simulated account")
	users := flag.Int("users", 50, "users in the account; one of them is archived")
	bin := flag.String("bin", "bin", "directory holding the workers and starter binaries")
	latencyFlag := flag.String("latency", benchkit.DefaultLatency, `simulated Zoom API latency per rate-limit label, "Label=min-max,..." in ms, or "off"`)
	runs := flag.Int("runs", 3, "throughput runs (each archives the user's meetings afresh for a new tenant, alternating with the ceiling); medians are compared")
	flag.Parse()
	latency, err := benchkit.ParseLatency(*latencyFlag)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench quota:", err)
		os.Exit(2)
	}
	if err := run(*meetings, *users, *runs, *bin, latency); err != nil {
		fmt.Fprintln(os.Stderr, "bench quota:", err)
		os.Exit(1)
	}
}

type importResult struct {
	Meetings       int `json:"meetings"`
	MeetingsLogged int `json:"meetings_logged"`
	FilesArchived  int `json:"files_archived"`
	FilesFailed    int `json:"files_failed"`
	PoolCalls      int `json:"pool_calls"`
	Pages          int `json:"pages"`
}

// importRun runs one `starter import --wait` over October and returns its
// result, its duration and the pool requests the simulator counted.
func importRun(bin string, env []string, simURL, tenant string, extra ...string) (importResult, float64, int64, error) {
	if resp, err := http.Post(simURL+"/_sim/stats/reset", "application/json", nil); err != nil {
		return importResult{}, 0, 0, err
	} else {
		resp.Body.Close()
	}
	args := append([]string{"import", "--tenant", tenant, "--from", "2026-10-01", "--to", "2026-10-31", "--wait", "--json"}, extra...)
	start := time.Now()
	out, err := benchkit.Starter(bin, env, args...)
	if err != nil {
		return importResult{}, 0, 0, err
	}
	seconds := time.Since(start).Seconds()
	var res struct {
		Result importResult `json:"result"`
	}
	if err := json.Unmarshal(out, &res); err != nil {
		return importResult{}, 0, 0, fmt.Errorf("import output %s: %w", out, err)
	}
	stats, err := simStats(simURL)
	if err != nil {
		return importResult{}, 0, 0, err
	}
	return res.Result, seconds, stats.pool(), nil
}

type poolStats struct {
	Labels map[string]int64 `json:"labels"`
	Calls  map[string]int64 `json:"calls"`
}

func (p poolStats) pool() int64 { return p.Labels["Heavy"] + p.Labels["Resource-intensive"] }

func simStats(base string) (poolStats, error) {
	var s poolStats
	resp, err := http.Get(base + "/_sim/stats")
	if err != nil {
		return s, err
	}
	defer resp.Body.Close()
	return s, json.NewDecoder(resp.Body).Decode(&s)
}

func run(meetings, users, runs int, bin string, latency benchkit.Latency) error {
	ctx := context.Background()
	if err := benchkit.RequireEnv("MEETVAULT_DATABASE_URL", "MEETVAULT_TEMPORAL_ADDRESS", "MEETVAULT_SECRET_KEY", "MEETVAULT_S3_ENDPOINT"); err != nil {
		return err
	}
	sim := zoomsim.New(zoomsim.Options{Addr: "127.0.0.1:0", Seed: 11})
	if _, err := sim.Start(); err != nil {
		return err
	}
	defer sim.Close()
	gen := fmt.Sprintf(`{"generate":{"seed":11,"accounts":1,"users":%d,"meetings":%d,"from":"2026-10-01","to":"2026-10-31","min_file_bytes":512,"max_file_bytes":2048}}`, users, meetings)
	resp, err := http.Post(sim.URL()+"/_sim/scenario", "application/json", strings.NewReader(gen))
	if err != nil {
		return err
	}
	resp.Body.Close()
	if err := latency.Apply(sim.URL()); err != nil {
		return err
	}
	fmt.Printf("simulated Zoom API latency: %s\n", latency)
	acc := sim.Accounts()[0]
	host := acc.Users[1].Email // an ordinary user, not the owner

	runID := fmt.Sprint(time.Now().Unix())
	dbURL, drop, err := benchkit.Database(ctx, "bench_quota_"+runID)
	if err != nil {
		return err
	}
	defer drop()
	queue := "bench-quota-" + runID
	env := benchkit.Env("MEETVAULT_DATABASE_URL="+dbURL, "MEETVAULT_S3_BUCKET=meetvault", "MEETVAULT_TASK_QUEUE="+queue,
		"MEETVAULT_ZOOM_API_URL="+sim.URL()+"/v2", "MEETVAULT_ZOOM_OAUTH_URL="+sim.URL(),
		"MEETVAULT_DOWNLOAD_ALLOWED_HOSTS="+simHosts(sim), // the simulator is not a Zoom host
		"MEETVAULT_INGRESS_ADDR="+benchkit.FreeAddr(), "MEETVAULT_LOG_LEVEL=warn")
	w, err := benchkit.StartWorker(bin, "worker", env)
	if err != nil {
		return err
	}
	defer w.Stop()
	secret, err := os.CreateTemp("", "secret")
	if err != nil {
		return err
	}
	defer os.Remove(secret.Name())
	if _, err := secret.WriteString(acc.ClientSecret); err != nil {
		return err
	}
	if err := secret.Close(); err != nil {
		return err
	}
	addTenant := func(id string) error {
		_, err := benchkit.Starter(bin, env, "tenant", "add", "--id", id, "--account-id", acc.AccountID,
			"--client-id", acc.ClientID, "--client-secret-file", secret.Name(), "--users", host)
		return err
	}
	// Throughput: each run archives the recorded user's meetings for a new
	// tenant (so nothing is archived yet), then the bare workflow runs as
	// many no-op activities; runs alternate so both sides see the same
	// server (the dev server's SQLite file slows as it grows).
	var r importResult
	var mine, bare []float64
	var activities int
	for i := 1; i <= runs; i++ {
		tenant := fmt.Sprintf("quota%s-%d", runID, i)
		if i > 1 {
			// One tenant per Zoom account: retire the previous run's
			// (its rows go with it; its objects stay under its own prefix).
			if err := dropTenant(ctx, dbURL, fmt.Sprintf("quota%s-%d", runID, i-1)); err != nil {
				return err
			}
		}
		if err := addTenant(tenant); err != nil {
			return err
		}
		res, seconds, archivePool, err := importRun(bin, env, sim.URL(), tenant, "--direct", "--no-meeting-log")
		if err != nil {
			return err
		}
		if archivePool != 0 {
			return fmt.Errorf("the archive-only import made %d pool requests", archivePool)
		}
		r = res
		// Activities the archive run executed: per meeting SaveConversation
		// and FinishConversation (local) plus one ArchiveFile per file, and
		// the listing.
		activities = 2*r.Meetings + r.FilesArchived + r.FilesFailed + r.Pages + 1
		b, err := bareCeiling(ctx, activities)
		if err != nil {
			return err
		}
		fmt.Printf("run %d: meetvault %.2f s, bare %.2f s (%.0f%%)\n", i, seconds, b, 100*b/seconds)
		mine, bare = append(mine, seconds), append(bare, b)
	}
	seconds, bareSeconds := median(mine), median(bare)
	// The meeting log: the same window with the account-wide log; the
	// user's meetings are archived already, so its pool requests are the
	// metadata's.
	logged, logSeconds, logPool, err := importRun(bin, env, sim.URL(), fmt.Sprintf("quota%s-%d", runID, runs), "--direct")
	if err != nil {
		return err
	}
	r.MeetingsLogged = logged.MeetingsLogged
	archivePool := int64(0)
	perMeeting := (float64(logPool) + float64(archivePool)/float64(max(r.Meetings, 1))*float64(r.MeetingsLogged)) / float64(max(r.MeetingsLogged, 1))
	fmt.Printf("\n## Quota (one Business account, %d meetings in October)\n\n", r.MeetingsLogged)
	fmt.Printf("| what | meetings | pool requests (Heavy + Resource-intensive) |\n|---|---|---|\n")
	fmt.Printf("| meeting log: every meeting of the account (GET /metrics/meetings, 300 a page) | %d | %d |\n", r.MeetingsLogged, logPool)
	fmt.Printf("| archive: listing, downloads, S3, Postgres for one user's meetings | %d (%d files) | %d |\n", r.Meetings, r.FilesArchived, archivePool)
	fmt.Printf("\npool requests per archived meeting, all %d meetings archived: %.4f (the seed: ~2)\n", r.MeetingsLogged, perMeeting)
	if perMeeting > 0 {
		fmt.Printf("implied capacity of one Business+ account (60,000 pool requests/day): %.0f meetings/day (the seed: ~30,000)\n", 60000/perMeeting)
	}
	fmt.Printf("\n## Throughput (same dev server, same run)\n\n")
	fmt.Printf("| what | seconds | meetings/s |\n|---|---|---|\n")
	fmt.Printf("| meetvault import --no-meeting-log (%d meetings, %d files), median of %d | %.2f | %.1f |\n", r.Meetings, r.FilesArchived, runs, seconds, float64(r.Meetings)/seconds)
	fmt.Printf("| bare workflow: %d no-op activities, 64 in flight, median of %d | %.2f | %.1f (equivalent) |\n", activities, runs, bareSeconds, float64(r.Meetings)/bareSeconds)
	fmt.Printf("\nmeetvault / ceiling (medians): %.0f%%   API latency: %s (the ceiling makes no Zoom calls)\n", 100*bareSeconds/seconds, latency)
	fmt.Printf("\nthe meeting log of %d meetings took %.1f s: %d Resource-intensive pages, paced at Zoom's 20 per minute\n", r.MeetingsLogged, logSeconds, logPool)
	return nil
}

func dropTenant(ctx context.Context, dbURL, id string) error {
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, `DELETE FROM tenants WHERE id = $1`, id)
	return err
}

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// NoOp is the ceiling's activity.
func NoOp(ctx context.Context, i int) (int, error) { return i, nil }

// Bare runs n no-op activities, at most 64 at a time.
func Bare(ctx workflow.Context, n int) error {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: time.Minute})
	sem := workflow.NewSemaphore(ctx, 64)
	wg := workflow.NewWaitGroup(ctx)
	for i := 0; i < n; i++ {
		if err := sem.Acquire(ctx, 1); err != nil {
			return err
		}
		wg.Add(1)
		workflow.Go(ctx, func(ctx workflow.Context) {
			defer wg.Done()
			defer sem.Release(1)
			_ = workflow.ExecuteActivity(ctx, NoOp, i).Get(ctx, nil)
		})
	}
	wg.Wait(ctx)
	return nil
}

func bareCeiling(ctx context.Context, n int) (float64, error) {
	opts := client.Options{HostPort: os.Getenv("MEETVAULT_TEMPORAL_ADDRESS")}
	// The baseline pays for the same payload encryption as the pipeline.
	if _, err := codec.ApplyFromEnv(&opts); err != nil {
		return 0, err
	}
	c, err := client.DialContext(ctx, opts)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	queue := fmt.Sprintf("bench-bare-%d", time.Now().UnixNano())
	w := worker.New(c, queue, worker.Options{MaxConcurrentActivityExecutionSize: 64})
	w.RegisterWorkflow(Bare)
	w.RegisterActivity(NoOp)
	if err := w.Start(); err != nil {
		return 0, err
	}
	defer w.Stop()
	// Warm the new task queue first (its first tasks wait for the server to
	// load the queue), as meetvault's queues are warm when it is timed.
	exec := func(id string, n int) error {
		run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: queue}, Bare, n)
		if err != nil {
			return err
		}
		return run.Get(ctx, nil)
	}
	if err := exec(queue+"-warm", 64); err != nil {
		return 0, err
	}
	start := time.Now()
	if err := exec(queue, n); err != nil {
		return 0, err
	}
	return time.Since(start).Seconds(), nil
}

// simHosts allows the simulator and its signed-file host, when it has one.
func simHosts(sim *zoomsim.Server) string {
	var fileHost func() string
	if fh, ok := any(sim).(interface{ FileHostURL() string }); ok {
		fileHost = fh.FileHostURL
	}
	return benchkit.SimDownloadHosts(sim.URL(), fileHost)
}
