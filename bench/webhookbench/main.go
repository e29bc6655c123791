// Command webhookbench measures the webhook ingress against the engine's own
// ceiling in the same run: a bare Temporal client doing signal-with-start at
// the same concurrency. It reports accepted deliveries per second with
// latency percentiles, checks that every acknowledged delivery reached its
// workflow, and measures how fast forged deliveries are refused and what a
// flood of them does to valid traffic. Run it through `make bench`.
//
// The simulator (which only registers the tenant here) answers its /v2 API
// with a simulated internet round trip (-latency, on by default), like the
// other benchmarks'; neither measured side calls Zoom, since the ingress
// makes a delivery durable without an API call, so the setting is stated but
// does not enter the figures.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/meetvault/meetvault/activities"
	"github.com/meetvault/meetvault/bench/benchkit"
	"github.com/meetvault/meetvault/codec"
	"github.com/meetvault/meetvault/workflows"
	"github.com/meetvault/meetvault/zoom"
	"github.com/meetvault/meetvault/zoomsim"
)

const namespace = "meetvault-bench"

func main() {
	n := flag.Int("n", 2000, "deliveries per measured side")
	conc := flag.Int("c", 64, "requests in flight")
	flood := flag.Duration("flood", 5*time.Second, "duration of the forgery flood")
	bin := flag.String("bin", "bin", "directory holding the workers and starter binaries")
	latencyFlag := flag.String("latency", benchkit.DefaultLatency, `simulated Zoom API latency per rate-limit label, "Label=min-max,..." in ms, or "off"`)
	flag.Parse()
	latency, err := benchkit.ParseLatency(*latencyFlag)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench webhooks:", err)
		os.Exit(2)
	}
	if err := run(*n, *conc, *flood, *bin, latency); err != nil {
		fmt.Fprintln(os.Stderr, "bench webhooks:", err)
		os.Exit(1)
	}
}

type result struct {
	ok, failed int
	seconds    float64
	lat        []time.Duration
}

func (r result) rate() float64 { return float64(r.ok) / r.seconds }

func (r result) pct(p float64) time.Duration {
	if len(r.lat) == 0 {
		return 0
	}
	sort.Slice(r.lat, func(i, j int) bool { return r.lat[i] < r.lat[j] })
	return r.lat[min(len(r.lat)-1, int(p*float64(len(r.lat))))]
}

// drive runs n calls of do with conc in flight.
func drive(n, conc int, do func(i int) error) result {
	var next atomic.Int64
	var mu sync.Mutex
	res := result{lat: make([]time.Duration, 0, n)}
	start := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < conc; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				t0 := time.Now()
				err := do(i)
				d := time.Since(t0)
				mu.Lock()
				if err == nil {
					res.ok++
					res.lat = append(res.lat, d)
				} else {
					res.failed++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	res.seconds = time.Since(start).Seconds()
	return res
}

func run(n, conc int, flood time.Duration, bin string, latency benchkit.Latency) error {
	ctx := context.Background()
	if err := benchkit.RequireEnv("MEETVAULT_DATABASE_URL", "MEETVAULT_TEMPORAL_ADDRESS", "MEETVAULT_SECRET_KEY"); err != nil {
		return err
	}
	opts := client.Options{HostPort: os.Getenv("MEETVAULT_TEMPORAL_ADDRESS"), Namespace: namespace}
	// The bare baseline encrypts its payloads like the ingress does.
	if _, err := codec.ApplyFromEnv(&opts); err != nil {
		return err
	}
	tc, err := client.DialContext(ctx, opts)
	if err != nil {
		return err
	}
	defer tc.Close()
	if err := ensureNamespace(ctx); err != nil {
		return err
	}

	// A tenant with a webhook secret, in a database of its own.
	sim := zoomsim.New(zoomsim.Options{Addr: "127.0.0.1:0", Seed: 3})
	if _, err := sim.Start(); err != nil {
		return err
	}
	defer sim.Close()
	if err := latency.Apply(sim.URL()); err != nil {
		return err
	}
	fmt.Printf("simulated Zoom API latency: %s (neither measured side calls the Zoom API)\n", latency)
	acc := sim.Accounts()[0]
	runID := strconv.FormatInt(time.Now().Unix(), 10)
	dbURL, drop, err := benchkit.Database(ctx, "bench_hooks_"+runID)
	if err != nil {
		return err
	}
	defer drop()
	ingress := benchkit.FreeAddr()
	tenant := "hooks" + runID
	env := benchkit.Env("MEETVAULT_DATABASE_URL="+dbURL,
		"MEETVAULT_TEMPORAL_NAMESPACE="+namespace, "MEETVAULT_TASK_QUEUE=bench-no-worker-"+runID,
		"MEETVAULT_INGRESS_ADDR="+ingress, "MEETVAULT_LOG_LEVEL=error", "MEETVAULT_S3_BUCKET=unused")
	if _, err := benchkit.Starter(bin, env, "dev", "register-sim-tenant", "--sim", sim.URL(), "--tenant", tenant); err != nil {
		return err
	}
	// Ingress only: no worker polls the queue, so both sides measure the
	// same thing: deliveries made durable in Temporal.
	w, err := benchkit.StartWorker(bin, "ingress", env)
	if err != nil {
		return err
	}
	defer w.Stop()
	if err := waitHealthy("http://" + ingress + "/healthz"); err != nil {
		return err
	}
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: conc * 2, MaxConnsPerHost: conc * 2}, Timeout: 10 * time.Second}
	url := "http://" + ingress + "/webhooks/zoom/" + tenant

	post := func(uuid string, secret string) error {
		body := fmt.Appendf(nil, `{"event":"recording.completed","event_ts":%d,"download_token":"tok","payload":{"account_id":%q,"object":{"uuid":%q,"id":1,"topic":"bench","type":2,"start_time":"2026-11-20T10:00:00Z","recording_files":[{"id":"f-%s","file_type":"MP4","file_size":100,"status":"completed","download_url":"http://127.0.0.1:1/rec/download/x"}]}}}`,
			time.Now().UnixMilli(), acc.AccountID, uuid, uuid)
		ts := time.Now().Unix()
		req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
		req.Header.Set("x-zm-request-timestamp", strconv.FormatInt(ts, 10))
		req.Header.Set("x-zm-signature", zoom.WebhookSignature(secret, ts, body))
		resp, err := hc.Do(req)
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("status %d", resp.StatusCode)
		}
		return nil
	}
	warm := drive(200, conc, func(i int) error { return post(fmt.Sprintf("warm-%s-%d", runID, i), acc.WebhookSecretToken) })
	if warm.ok == 0 {
		return fmt.Errorf("ingress accepted none of the warm-up deliveries (%d failed)", warm.failed)
	}

	bare := drive(n, conc, func(i int) error {
		uuid := fmt.Sprintf("bare-%s-%d", runID, i)
		_, err := tc.SignalWithStartWorkflow(ctx, workflows.ArchiveMeetingID("bare"+runID, "meeting", uuid),
			workflows.SignalRecordingCompleted, workflows.RecordingCompletedSignal{Meeting: activities.Meeting{UUID: uuid}},
			client.StartWorkflowOptions{TaskQueue: "bench-no-worker-" + runID, WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
				TypedSearchAttributes: temporal.NewSearchAttributes(workflows.AttrTenant.ValueSet("bare" + runID))},
			workflows.ArchiveMeeting, workflows.ArchiveMeetingInput{TenantID: "bare" + runID, Source: "meeting", Meeting: activities.Meeting{UUID: uuid}})
		return err
	})
	var mu sync.Mutex
	var ackedHooks []string
	hooks := drive(n, conc, func(i int) error {
		uuid := fmt.Sprintf("hook-%s-%d", runID, i)
		err := post(uuid, acc.WebhookSecretToken)
		if err == nil {
			mu.Lock()
			ackedHooks = append(ackedHooks, uuid)
			mu.Unlock()
		}
		return err
	})

	// Forgeries come from wrk (a separate, efficient load generator): alone
	// at full speed, then one wrk thread beside valid traffic.
	forged, err := wrkForgeries(url, acc.AccountID, flood, 2, 64)
	if err != nil {
		return err
	}
	floodDone := make(chan wrkResult, 1)
	go func() {
		r, err := wrkForgeries(url, acc.AccountID, flood, 1, 16)
		if err != nil {
			fmt.Fprintln(os.Stderr, "flood:", err)
		}
		floodDone <- r
	}()
	time.Sleep(300 * time.Millisecond)
	var under result
	var acked []string
	underStart := time.Now()
	for time.Since(underStart) < flood-time.Second {
		batch := drive(conc, conc, func(i int) error {
			uuid := fmt.Sprintf("flood-%s-%d-%d", runID, under.ok+under.failed, i)
			err := post(uuid, acc.WebhookSecretToken)
			if err == nil {
				mu.Lock()
				acked = append(acked, uuid)
				mu.Unlock()
			}
			return err
		})
		under.ok += batch.ok
		under.failed += batch.failed
		under.lat = append(under.lat, batch.lat...)
	}
	under.seconds = time.Since(underStart).Seconds()
	flooded := <-floodDone

	acked = append(acked, ackedHooks...)
	lost := lostDeliveries(ctx, tc, tenant, acked)
	fmt.Printf("\n| side (%d deliveries, %d in flight) | accepted/s | p50 | p99 | failed |\n|---|---|---|---|---|\n", n, conc)
	fmt.Printf("| bare client signal-with-start | %.0f | %s | %s | %d |\n", bare.rate(), ms(bare.pct(0.5)), ms(bare.pct(0.99)), bare.failed)
	fmt.Printf("| ingress (signed recording.completed → signal-with-start) | %.0f | %s | %s | %d |\n", hooks.rate(), ms(hooks.pct(0.5)), ms(hooks.pct(0.99)), hooks.failed)
	fmt.Printf("| ingress during a forgery flood | %.0f | %s | %s | %d |\n", under.rate(), ms(under.pct(0.5)), ms(under.pct(0.99)), under.failed)
	fmt.Println("\n(failed = not acknowledged within the ingress' 2.5 s budget, so Zoom would retry them)")
	fmt.Printf("\ningress / bare: %.0f%% throughput, p99 %.2f×; under flood: %.0f%% of unloaded\n",
		100*hooks.rate()/bare.rate(), float64(hooks.pct(0.99))/float64(bare.pct(0.99)), 100*under.rate()/hooks.rate())
	fmt.Printf("forged deliveries refused (wrk, 2 threads, 64 connections): %.0f/s, %d requests, %d answered 2xx\n", forged.rate, forged.requests, forged.accepted)
	fmt.Printf("flood beside valid traffic (wrk, 1 thread, 16 connections): %.0f forged/s\n", flooded.rate)
	fmt.Printf("acknowledged deliveries checked: %d, lost (acknowledged but no workflow): %d   API latency: %s\n", len(acked), lost, latency)
	return nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

func waitHealthy(u string) error {
	for i := 0; i < 300; i++ {
		if resp, err := http.Get(u); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("ingress at %s did not come up", u)
}

type wrkResult struct {
	rate     float64
	requests int
	accepted int
}

// wrkForgeries floods url with wrongly signed deliveries using wrk.
func wrkForgeries(url, account string, d time.Duration, threads, conns int) (wrkResult, error) {
	body := fmt.Sprintf(`{"event":"recording.completed","event_ts":1,"payload":{"account_id":%q,"object":{"uuid":"forged"}}}`, account)
	script := fmt.Sprintf(`wrk.method = "POST"
wrk.body = %q
wrk.headers["Content-Type"] = "application/json"
wrk.headers["x-zm-request-timestamp"] = tostring(os.time())
wrk.headers["x-zm-signature"] = "v0=%s"
`, body, strings.Repeat("0f", 32))
	f, err := os.CreateTemp("", "forged-*.lua")
	if err != nil {
		return wrkResult{}, err
	}
	defer os.Remove(f.Name())
	if _, err := f.WriteString(script); err != nil {
		return wrkResult{}, err
	}
	if err := f.Close(); err != nil {
		return wrkResult{}, err
	}
	out, err := exec.Command("wrk", "-t", strconv.Itoa(threads), "-c", strconv.Itoa(conns),
		"-d", fmt.Sprintf("%ds", int(d.Seconds())), "-s", f.Name(), url).CombinedOutput()
	if err != nil {
		return wrkResult{}, fmt.Errorf("wrk: %v: %s", err, out)
	}
	var r wrkResult
	non2xx := 0
	for _, line := range strings.Split(string(out), "\n") {
		fields := strings.Fields(line)
		switch {
		case strings.HasPrefix(line, "Requests/sec:") && len(fields) == 2:
			r.rate, _ = strconv.ParseFloat(fields[1], 64)
		case strings.Contains(line, "requests in") && len(fields) > 0:
			r.requests, _ = strconv.Atoi(fields[0])
		case strings.HasPrefix(strings.TrimSpace(line), "Non-2xx or 3xx responses:"):
			non2xx, _ = strconv.Atoi(fields[len(fields)-1])
		}
	}
	r.accepted = r.requests - non2xx
	return r, nil
}

// lostDeliveries counts acknowledged deliveries whose workflow does not exist.
func lostDeliveries(ctx context.Context, tc client.Client, tenant string, uuids []string) int {
	lost := 0
	for _, uuid := range uuids {
		if _, err := tc.DescribeWorkflowExecution(ctx, workflows.ArchiveMeetingID(tenant, "meeting", uuid), ""); err != nil {
			lost++
		}
	}
	return lost
}

func ensureNamespace(ctx context.Context) error {
	nc, err := client.NewNamespaceClient(client.Options{HostPort: os.Getenv("MEETVAULT_TEMPORAL_ADDRESS")})
	if err != nil {
		return err
	}
	defer nc.Close()
	if _, err := nc.Describe(ctx, namespace); err == nil {
		return nil
	}
	err = nc.Register(ctx, &workflowservice.RegisterNamespaceRequest{
		Namespace: namespace, WorkflowExecutionRetentionPeriod: durationpb.New(24 * time.Hour)})
	if err != nil && !strings.Contains(err.Error(), "already") {
		return err
	}
	time.Sleep(2 * time.Second) // namespace cache refresh on the dev server
	return nil
}
