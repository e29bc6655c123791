// Command rtmsbench measures how many concurrent RTMS streams one worker
// captures: N simulated meetings stream audio (20 ms L16 frames) and
// transcript for a fixed time; the worker process (ingress + workflows +
// captures, writing to the stack's S3) is sampled for CPU and RSS; at the end
// every stream's archived audio is compared with what the simulator sent.
//
//	source .dev/env; go build -o bin/ ./workers ./starter
//	go run ./bench/rtmsbench -bin bin -streams 100,500 -seconds 30
//
// The simulator answers its /v2 API with a simulated internet round trip
// (-latency, on by default, as in the other benchmarks); the RTMS media and
// the webhooks themselves are not delayed.
package main

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/meetvault/meetvault/archive"
	"github.com/meetvault/meetvault/bench/benchkit"
	"github.com/meetvault/meetvault/codec"
	"github.com/meetvault/meetvault/workflows"
	"github.com/meetvault/meetvault/zoomsim"
)

func main() {
	streams := flag.String("streams", "100,500", "concurrent streams per run (comma-separated)")
	seconds := flag.Int("seconds", 90, "length of every stream")
	ramp := flag.Int("ramp", 10, "streams started per second (Zoom's webhooks reach one URL one at a time in the simulator)")
	bin := flag.String("bin", "bin", "directory holding the workers and starter binaries")
	latencyFlag := flag.String("latency", benchkit.DefaultLatency, `simulated Zoom API latency per rate-limit label, "Label=min-max,..." in ms, or "off"`)
	flag.Parse()
	latency, err := benchkit.ParseLatency(*latencyFlag)
	if err != nil {
		fmt.Fprintln(os.Stderr, "rtmsbench:", err)
		os.Exit(2)
	}
	fmt.Printf("simulated Zoom API latency: %s\n", latency)
	fmt.Printf("| streams | byte-exact | frames sent | frames lost | worker CPU (steady) | CPU per stream | worker RSS (peak) | RSS per stream |\n|---|---|---|---|---|---|---|---|\n")
	for _, s := range strings.Split(*streams, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			fmt.Fprintln(os.Stderr, "rtmsbench: -streams:", err)
			os.Exit(2)
		}
		if err := run(n, *seconds, *ramp, *bin, latency); err != nil {
			fmt.Fprintln(os.Stderr, "rtmsbench:", err)
			os.Exit(1)
		}
	}
	fmt.Printf("\nAPI latency: %s\n", latency)
}

func run(n, seconds, ramp int, bin string, latency benchkit.Latency) error {
	ctx := context.Background()
	if err := benchkit.RequireEnv("MEETVAULT_DATABASE_URL", "MEETVAULT_TEMPORAL_ADDRESS", "MEETVAULT_SECRET_KEY", "MEETVAULT_S3_ENDPOINT"); err != nil {
		return err
	}
	runID := strconv.FormatInt(time.Now().UnixNano()%1e9, 10)
	sim := zoomsim.New(zoomsim.Options{Addr: "127.0.0.1:0", Seed: 5})
	spec := zoomsim.ScenarioRTMS{DurationMS: seconds * 1000, VideoFPS: -1, TranscriptEveryMS: 2000}
	acct := zoomsim.ScenarioAccount{AccountID: "BenchRTMS" + runID, Users: []zoomsim.ScenarioUser{{Email: "host@bench.example"}}}
	for i := range n {
		acct.Meetings = append(acct.Meetings, zoomsim.ScenarioMeeting{
			UUID: fmt.Sprintf("rtms-bench-%s-%d==", runID, i), StartTime: time.Now().Add(-time.Hour),
			Files: []zoomsim.ScenarioFile{}, RTMS: &spec,
		})
	}
	if _, err := sim.LoadScenario(zoomsim.Scenario{Accounts: []zoomsim.ScenarioAccount{acct}}); err != nil {
		return err
	}
	if _, err := sim.Start(); err != nil {
		return err
	}
	defer sim.Close()
	if err := latency.Apply(sim.URL()); err != nil {
		return err
	}

	dbURL, drop, err := benchkit.Database(ctx, "bench_rtms_"+runID)
	if err != nil {
		return err
	}
	defer drop()
	bucket := "bench-rtms-" + runID
	ar, err := archive.New(ctx, archive.Config{Endpoint: os.Getenv("MEETVAULT_S3_ENDPOINT"), Region: "us-east-1", Bucket: bucket,
		AccessKey: os.Getenv("MEETVAULT_S3_ACCESS_KEY"), SecretKey: os.Getenv("MEETVAULT_S3_SECRET_KEY"), PathStyle: true})
	if err != nil {
		return err
	}
	if err := ar.EnsureBucket(ctx); err != nil {
		return err
	}
	ingress := benchkit.FreeAddr()
	tenant := "rtmsbench" + runID
	env := benchkit.Env("MEETVAULT_DATABASE_URL="+dbURL, "MEETVAULT_S3_BUCKET="+bucket,
		"MEETVAULT_TASK_QUEUE=rtmsbench-"+runID, "MEETVAULT_INGRESS_ADDR="+ingress, "MEETVAULT_LOG_LEVEL=error",
		"MEETVAULT_ZOOM_API_URL="+sim.URL()+"/v2", "MEETVAULT_ZOOM_OAUTH_URL="+sim.URL(), "MEETVAULT_WEBHOOK_MAX_SKEW=24h",
		"MEETVAULT_RTMS_ALLOW_INSECURE_LOOPBACK=true", "MEETVAULT_RTMS_MEDIA=audio,transcript",
		fmt.Sprintf("MEETVAULT_RTMS_MAX_STREAMS=%d", n+10))
	if _, err := benchkit.Starter(bin, env, "dev", "register-sim-tenant", "--sim", sim.URL(), "--tenant", tenant); err != nil {
		return err
	}
	w, err := benchkit.StartWorker(bin, "all", env)
	if err != nil {
		return err
	}
	defer w.Stop()
	if err := waitHealthy(ingress); err != nil {
		return err
	}
	if _, err := sim.SetWebhook(zoomsim.WebhookSubscriptionRequest{AccountID: acct.AccountID, URL: "http://" + ingress + "/webhooks/zoom/" + tenant}); err != nil {
		return err
	}
	// The worker encrypts payloads when the stack has codec keys; read the
	// RTMSCapture results with the same codec.
	opts := client.Options{HostPort: os.Getenv("MEETVAULT_TEMPORAL_ADDRESS")}
	if _, err := codec.ApplyFromEnv(&opts); err != nil {
		return err
	}
	tc, err := client.DialContext(ctx, opts)
	if err != nil {
		return err
	}
	defer tc.Close()

	ids := make([]string, n)
	started := time.Now()
	for i, m := range acct.Meetings {
		time.Sleep(time.Until(started.Add(time.Duration(i) * time.Second / time.Duration(ramp))))
		st, err := sim.StartRTMS(zoomsim.RTMSStartRequest{MeetingUUID: m.UUID})
		if err != nil {
			return err
		}
		ids[i] = workflows.RTMSCaptureID(tenant, m.UUID, st.RTMSStreamID)
	}
	rampDone := time.Now()
	cpu0 := cpuTicks(w.Pid())
	var peak, steadyTicks int64
	var steadySecs float64
	steadyDone := make(chan struct{})
	go func() {
		// Steady state: every stream connected and streaming, none ended
		// (from 10 s after the last start until 2 s before the first end).
		defer close(steadyDone)
		window := started.Add(time.Duration(seconds-2) * time.Second).Sub(rampDone.Add(10 * time.Second))
		if window < 5*time.Second {
			return
		}
		time.Sleep(time.Until(rampDone.Add(10 * time.Second)))
		t0, c0 := time.Now(), cpuTicks(w.Pid())
		time.Sleep(window)
		steadyTicks, steadySecs = cpuTicks(w.Pid())-c0, time.Since(t0).Seconds()
	}()
	stopSampling := make(chan struct{})
	var sampler sync.WaitGroup
	sampler.Go(func() {
		for {
			select {
			case <-stopSampling:
				return
			case <-time.After(time.Second):
				peak = max(peak, rss(w.Pid()))
				// Zoom retries an unanswered webhook after 5, 20 and 60
				// minutes; the simulated clock runs those retries now.
				sim.AdvanceClock(6 * time.Minute)
			}
		}
	})
	// Wait for every capture to finish.
	results := make([]workflows.RTMSCaptureResult, n)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 32)
	var errs []error
	var mu sync.Mutex
	for i, id := range ids {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			wctx, cancel := context.WithTimeout(ctx, time.Duration(seconds)*time.Second+5*time.Minute)
			defer cancel()
			for {
				if _, err := tc.DescribeWorkflowExecution(wctx, id, ""); err == nil {
					break
				}
				if wctx.Err() != nil {
					mu.Lock()
					errs = append(errs, fmt.Errorf("%s never started", id))
					mu.Unlock()
					return
				}
				time.Sleep(200 * time.Millisecond)
			}
			run := tc.GetWorkflow(wctx, id, "")
			if err := run.Get(wctx, &results[i]); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	<-steadyDone
	elapsed := time.Since(started)
	cpu := float64(cpuTicks(w.Pid())-cpu0) / 100 / elapsed.Seconds() // ticks at 100 Hz
	if steadySecs > 0 {
		cpu = float64(steadyTicks) / 100 / steadySecs
	}
	close(stopSampling)
	sampler.Wait()
	if len(errs) > 0 {
		return fmt.Errorf("%d captures failed, first: %v", len(errs), errs[0])
	}
	truth := map[string]zoomsim.RTMSTruth{}
	for _, s := range sim.Truth(false).RTMS {
		truth[s.MeetingUUID] = s
	}
	exact, sent, lost := 0, 0, 0
	for i, m := range acct.Meetings {
		tr, res := truth[m.UUID], results[i]
		sent += tr.AudioFramesSent
		lost += tr.AudioFramesLost + tr.AudioFramesSent - int(res.AudioBytes/640)
		if res.AudioSHA256 == tr.AudioMediaSHA256 && res.Status == workflows.StatusCaptured {
			exact++
		} else if os.Getenv("RTMSBENCH_DEBUG") != "" {
			fmt.Fprintf(os.Stderr, "%s: %s conns %d truth %+v lost %d sent %d archived %d gaps %v interruptions %v\n", m.UUID, res.Status, res.Connections,
				tr.Connections, tr.AudioFramesLost, tr.AudioFramesSent, res.AudioBytes/640, res.Gaps, res.Interruptions)
		}
	}
	fmt.Fprintf(os.Stderr, "rtmsbench: %d streams: all captures finished %.0f s after the first rtms_started\n", n, elapsed.Seconds())
	fmt.Printf("| %d | %d/%d | %d | %d | %.0f%% of a core | %.2f%% | %.0f MiB | %.2f MiB |\n",
		n, exact, n, sent, lost, 100*cpu, 100*cpu/float64(n), float64(peak)/1024, float64(peak)/1024/float64(n))
	return nil
}

func waitHealthy(addr string) error {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("worker ingress %s did not come up", addr)
}

// cpuTicks is a process' user+system CPU time in clock ticks (/proc/pid/stat).
func cpuTicks(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// Fields after the command name (which may hold spaces) start at ")".
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+2:]))
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return utime + stime
}

// rss is a process' resident set in KiB (VmRSS).
func rss(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			kib, _ := strconv.ParseInt(strings.Fields(line)[1], 10, 64)
			return kib
		}
	}
	return 0
}
