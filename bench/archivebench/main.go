// Command archive benchmarks meetvault's archive path: one large Zoom
// recording archived end to end (starter import → Temporal → worker →
// simulator download → S3 multipart → Postgres) against a bare Go copy of the
// same bytes from the same simulator into the same S3 server with the AWS
// SDK's transfer manager, in the same run. It prints throughput for both and
// the worker's peak RSS (VmHWM). Run it through `make bench` (needs the
// embedded stack's infrastructure and .dev/env).
//
// The simulator answers its /v2 API with a simulated internet round trip
// (-latency, on by default). Both sides pay it the same way: each lists the
// user's recordings (Medium) to learn the download URL before downloading;
// downloads themselves are not delayed.
package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/jackc/pgx/v5"

	"github.com/meetvault/meetvault/bench/benchkit"
	"github.com/meetvault/meetvault/zoomsim"
)

func main() {
	size := flag.Int64("size", 2<<30, "bytes of the recording")
	runs := flag.Int("runs", 3, "runs of each side (alternating); the median is reported")
	bin := flag.String("bin", "bin", "directory holding the workers and starter binaries")
	latencyFlag := flag.String("latency", benchkit.DefaultLatency, `simulated Zoom API latency per rate-limit label, "Label=min-max,..." in ms, or "off"`)
	flag.Parse()
	latency, err := benchkit.ParseLatency(*latencyFlag)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench archive:", err)
		os.Exit(2)
	}
	if err := run(*size, *runs, *bin, latency); err != nil {
		fmt.Fprintln(os.Stderr, "bench archive:", err)
		os.Exit(1)
	}
}

type sample struct {
	seconds float64
	rssKiB  int64
}

func run(size int64, runs int, bin string, latency benchkit.Latency) error {
	ctx := context.Background()
	if err := benchkit.RequireEnv("MEETVAULT_DATABASE_URL", "MEETVAULT_S3_ENDPOINT", "MEETVAULT_TEMPORAL_ADDRESS", "MEETVAULT_SECRET_KEY"); err != nil {
		return err
	}
	sim := zoomsim.New(zoomsim.Options{Addr: "127.0.0.1:0", Seed: 1})
	if _, err := sim.Start(); err != nil {
		return err
	}
	defer sim.Close()
	scenario := fmt.Sprintf(`{"seed":9,"accounts":[{"users":[{"email":"host@bench.example"}],
		"meetings":[{"topic":"bench","type":2,"start_time":"2026-10-07T15:00:00Z","duration":120,
		"files":[{"file_type":"MP4","size":%d}]}]}]}`, size)
	if err := post(sim.URL()+"/_sim/scenario", scenario); err != nil {
		return err
	}
	if err := latency.Apply(sim.URL()); err != nil {
		return err
	}
	fmt.Printf("simulated Zoom API latency: %s\n", latency)
	fmt.Printf("computing the simulator's sha256 of the %d-byte file...\n", size)
	truth := sim.Truth(true)
	if len(truth.Files) != 1 {
		return fmt.Errorf("scenario has %d files", len(truth.Files))
	}
	want := truth.Files[0]

	var raw, pipe []sample
	for i := 0; i < runs; i++ {
		r, err := rawCopy(ctx, sim, size, want.SHA256, i)
		if err != nil {
			return fmt.Errorf("raw copy: %w", err)
		}
		raw = append(raw, r)
		fmt.Printf("run %d raw copy: %.2fs (%.0f MB/s)\n", i+1, r.seconds, mbps(size, r.seconds))
		p, err := pipeline(ctx, sim, bin, want.SHA256, i)
		if err != nil {
			return fmt.Errorf("pipeline: %w", err)
		}
		pipe = append(pipe, p)
		fmt.Printf("run %d pipeline: %.2fs (%.0f MB/s), worker peak RSS %.1f MiB\n", i+1, p.seconds, mbps(size, p.seconds), float64(p.rssKiB)/1024)
	}
	r, p := median(raw), median(pipe)
	var peak int64
	for _, s := range pipe {
		peak = max(peak, s.rssKiB)
	}
	fmt.Println()
	fmt.Printf("| what (%s, median of %d) | seconds | MB/s |\n|---|---|---|\n", human(size), runs)
	fmt.Printf("| raw copy: Go GET → S3 transfer manager (16 MiB parts, 4 in flight) | %.2f | %.0f |\n", r.seconds, mbps(size, r.seconds))
	fmt.Printf("| meetvault import (starter → Temporal → worker → S3 + Postgres) | %.2f | %.0f |\n", p.seconds, mbps(size, p.seconds))
	fmt.Printf("\npipeline / raw copy: %.0f%%   worker peak RSS (VmHWM, max of runs): %.1f MiB   API latency: %s\n",
		100*r.seconds/p.seconds, float64(peak)/1024, latency)
	return nil
}

func mbps(n int64, s float64) float64 { return float64(n) / 1e6 / s }

func median(s []sample) sample {
	sort.Slice(s, func(i, j int) bool { return s[i].seconds < s[j].seconds })
	return s[len(s)/2]
}

func human(n int64) string {
	if n >= 1<<30 {
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	}
	return fmt.Sprintf("%d MiB", n>>20)
}

func post(u, body string) error {
	resp, err := http.Post(u, "application/json", strings.NewReader(body))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("POST %s: %s: %s", u, resp.Status, b)
	}
	return nil
}

func s3Client() *s3.Client {
	return s3.New(s3.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(os.Getenv("MEETVAULT_S3_ENDPOINT")), UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider(os.Getenv("MEETVAULT_S3_ACCESS_KEY"), os.Getenv("MEETVAULT_S3_SECRET_KEY"), ""),
	})
}

func ensureBucket(ctx context.Context, c *s3.Client, bucket string) error {
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)})
	if err != nil && !strings.Contains(err.Error(), "BucketAlreadyOwnedByYou") {
		return err
	}
	return nil
}

// rawCopy lists the user's recordings for the download URL (as any archiver
// must, paying the same API latency as the pipeline's listing) and streams
// the file from the simulator into S3 with the SDK's transfer manager: the
// floor any archiver on this machine pays.
func rawCopy(ctx context.Context, sim *zoomsim.Server, size int64, want string, i int) (sample, error) {
	acc := sim.Accounts()[0]
	token, err := s2sToken(sim.URL(), acc.AccountID, acc.ClientID, acc.ClientSecret)
	if err != nil {
		return sample{}, err
	}
	c := s3Client()
	bucket := "bench-raw"
	if err := ensureBucket(ctx, c, bucket); err != nil {
		return sample{}, err
	}
	tm := transfermanager.New(c, func(o *transfermanager.Options) {
		o.PartSizeBytes = 16 << 20
		o.Concurrency = 4
	})
	start := time.Now()
	downloadURL, err := listedDownloadURL(ctx, sim.URL(), token, acc.Users[0].ID)
	if err != nil {
		return sample{}, err
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, downloadURL, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return sample{}, err
	}
	defer resp.Body.Close()
	h := sha256.New()
	key := fmt.Sprintf("raw-%d", i)
	if _, err := tm.UploadObject(ctx, &transfermanager.UploadObjectInput{
		Bucket: aws.String(bucket), Key: aws.String(key), Body: io.TeeReader(resp.Body, h),
	}); err != nil {
		return sample{}, err
	}
	elapsed := time.Since(start).Seconds()
	if got := hex.EncodeToString(h.Sum(nil)); got != want {
		return sample{}, fmt.Errorf("raw copy sha256 %s, want %s", got, want)
	}
	_, _ = c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	return sample{seconds: elapsed}, nil
}

// listedDownloadURL lists the user's October recordings and returns the one
// file's download URL.
func listedDownloadURL(ctx context.Context, base, token, userID string) (string, error) {
	u := base + "/v2/users/" + url.PathEscape(userID) + "/recordings?from=2026-10-01&to=2026-10-31"
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var list struct {
		Meetings []struct {
			RecordingFiles []struct {
				DownloadURL string `json:"download_url"`
			} `json:"recording_files"`
		} `json:"meetings"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil {
		return "", fmt.Errorf("listing %s: %s: %w", u, resp.Status, err)
	}
	if len(list.Meetings) != 1 || len(list.Meetings[0].RecordingFiles) != 1 {
		return "", fmt.Errorf("listing %s: want one meeting with one file, got %+v", u, list)
	}
	return list.Meetings[0].RecordingFiles[0].DownloadURL, nil
}

func s2sToken(base, account, id, secret string) (string, error) {
	req, _ := http.NewRequest(http.MethodPost, base+"/oauth/token?grant_type=account_credentials&account_id="+url.QueryEscape(account), nil)
	req.SetBasicAuth(id, secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || tok.AccessToken == "" {
		return "", fmt.Errorf("token: %v %s", err, resp.Status)
	}
	return tok.AccessToken, nil
}

// pipeline archives the file through meetvault: a fresh worker process, a
// fresh database and bucket, and `starter import --wait`.
func pipeline(ctx context.Context, sim *zoomsim.Server, bin, want string, i int) (sample, error) {
	name := fmt.Sprintf("bench_%d_%d", time.Now().Unix(), i)
	dbURL, drop, err := benchkit.Database(ctx, name)
	if err != nil {
		return sample{}, err
	}
	defer drop()
	bucket := strings.ReplaceAll(name, "_", "-")
	if err := ensureBucket(ctx, s3Client(), bucket); err != nil {
		return sample{}, err
	}
	defer emptyBucket(context.Background(), bucket)
	env := benchkit.Env("MEETVAULT_DATABASE_URL="+dbURL,
		"MEETVAULT_S3_BUCKET="+bucket, "MEETVAULT_TASK_QUEUE="+name,
		"MEETVAULT_ZOOM_API_URL="+sim.URL()+"/v2", "MEETVAULT_ZOOM_OAUTH_URL="+sim.URL(),
		"MEETVAULT_DOWNLOAD_ALLOWED_HOSTS="+simHosts(sim), // the simulator is not a Zoom host
		"MEETVAULT_INGRESS_ADDR="+benchkit.FreeAddr(), "MEETVAULT_LOG_LEVEL=warn", "GOMEMLIMIT=100MiB")
	worker, err := benchkit.StartWorker(bin, "worker", env)
	if err != nil {
		return sample{}, err
	}
	defer worker.Stop()
	starter := func(args ...string) ([]byte, error) { return benchkit.Starter(bin, env, args...) }
	if _, err := starter("dev", "register-sim-tenant", "--sim", sim.URL(), "--tenant", "bench"); err != nil {
		return sample{}, err
	}
	start := time.Now()
	out, err := starter("import", "--direct", "--tenant", "bench", "--from", "2026-10-01", "--to", "2026-10-31", "--wait", "--json")
	if err != nil {
		return sample{}, err
	}
	elapsed := time.Since(start).Seconds()
	var res struct {
		Result struct {
			FilesArchived int `json:"files_archived"`
		} `json:"result"`
	}
	if err := json.Unmarshal(out, &res); err != nil || res.Result.FilesArchived != 1 {
		return sample{}, fmt.Errorf("import did not archive the file: %v %s", err, out)
	}
	var got string
	dbConn, err := pgx.Connect(ctx, dbURL)
	if err == nil {
		_ = dbConn.QueryRow(ctx, `SELECT sha256 FROM recording_files`).Scan(&got)
		dbConn.Close(ctx)
	}
	if got != want {
		return sample{}, fmt.Errorf("archived sha256 %q, want %s", got, want)
	}
	return sample{seconds: elapsed, rssKiB: benchkit.PeakRSS(worker.Pid())}, nil
}

func emptyBucket(ctx context.Context, bucket string) {
	c := s3Client()
	out, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(bucket)})
	if err != nil {
		return
	}
	for _, o := range out.Contents {
		_, _ = c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: o.Key})
	}
	_, _ = c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String(bucket)})
}

// simHosts allows the simulator and its signed-file host, when it has one.
func simHosts(sim *zoomsim.Server) string {
	var fileHost func() string
	if fh, ok := any(sim).(interface{ FileHostURL() string }); ok {
		fileHost = fh.FileHostURL
	}
	return benchkit.SimDownloadHosts(sim.URL(), fileHost)
}
