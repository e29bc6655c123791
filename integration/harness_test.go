package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"

	"github.com/meetvault/meetvault/archive"
	"github.com/meetvault/meetvault/bench/benchkit"
	"github.com/meetvault/meetvault/codec"
	"github.com/meetvault/meetvault/store"
	"github.com/meetvault/meetvault/zoomsim"
)

var bins struct {
	dir     string
	worker  string
	starter string
}

func TestMain(m *testing.M) {
	if os.Getenv("MEETVAULT_INTEGRATION") != "1" {
		fmt.Println("integration tests need the embedded stack: run them with make test (MEETVAULT_INTEGRATION=1)")
		os.Exit(m.Run())
	}
	dir, err := os.MkdirTemp("", "meetvault-it-bin")
	if err != nil {
		panic(err)
	}
	bins.dir = dir
	bins.worker = filepath.Join(dir, "workers")
	bins.starter = filepath.Join(dir, "starter")
	build := exec.Command("go", "build", "-o", dir+"/", "github.com/meetvault/meetvault/workers", "github.com/meetvault/meetvault/starter")
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building binaries:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// env is one isolated test environment on the shared stack.
type env struct {
	t         *testing.T
	name      string
	sim       *zoomsim.Server
	dbURL     string
	bucket    string
	taskQueue string
	store     *store.Store
	s3        *archive.Store
	temporal  client.Client
	dc        converter.DataConverter // the worker's, to read payloads the client API does not decode
	vars      []string
	worker    *exec.Cmd
	workerLog *bytes.Buffer
	ingress   string // host:port of the worker's webhook ingress
	tenant    string // unique per test, so workflow IDs never meet another run's
}

func requireStack(t *testing.T) {
	t.Helper()
	if os.Getenv("MEETVAULT_INTEGRATION") != "1" {
		t.Skip("needs the embedded stack: run make test")
	}
}

func mustEnv(t *testing.T, k string) string {
	v := os.Getenv(k)
	require.NotEmpty(t, v, "%s unset: source .dev/env (make test does)", k)
	return v
}

// newEnv creates a database, a bucket, a task queue and a simulator for one
// test, and a running worker bound to them. extra adds environment
// variables (NAME=value) for the worker and the starter.
func newEnv(t *testing.T, extra ...string) *env {
	requireStack(t)
	ctx := context.Background()
	name := fmt.Sprintf("it_%s_%d", strings.ToLower(strings.NewReplacer("/", "_", "-", "_").Replace(t.Name())), time.Now().UnixNano()%1e9)
	if len(name) > 60 {
		// Keep the unique tail; a leading "_" would make the bucket name
		// start with "-", which S3 refuses.
		name = strings.TrimLeft(name[len(name)-60:], "_")
	}
	e := &env{t: t, name: name, taskQueue: name, bucket: strings.ReplaceAll(name, "_", "-"),
		tenant: fmt.Sprintf("acme-%d", time.Now().UnixNano()%1e9)}

	mustEnv(t, "MEETVAULT_DATABASE_URL")
	dbURL, drop, err := benchkit.Database(ctx, name)
	require.NoError(t, err)
	t.Cleanup(drop)
	e.dbURL = dbURL

	e.sim = zoomsim.New(zoomsim.Options{Addr: "127.0.0.1:0", Seed: 1})
	_, err = e.sim.Start()
	require.NoError(t, err)
	t.Cleanup(func() { e.sim.Close() })
	// An internet round trip per API call, modest so the suite stays quick.
	e.sim.UpdateFaults(zoomsim.FaultsPatch{APILatencyMS: map[string][2]int{
		"Light": {20, 80}, "Medium": {20, 80}, "Heavy": {20, 80}, "Resource-intensive": {20, 80}}})

	e.s3, err = archive.New(ctx, archive.Config{
		Endpoint: mustEnv(t, "MEETVAULT_S3_ENDPOINT"), Region: "us-east-1", Bucket: e.bucket,
		AccessKey: mustEnv(t, "MEETVAULT_S3_ACCESS_KEY"), SecretKey: mustEnv(t, "MEETVAULT_S3_SECRET_KEY"), PathStyle: true,
	})
	require.NoError(t, err)
	require.NoError(t, e.s3.EnsureBucket(ctx))

	e.ingress = benchkit.FreeAddr()
	e.vars = append(os.Environ(),
		"MEETVAULT_DATABASE_URL="+e.dbURL,
		"MEETVAULT_S3_BUCKET="+e.bucket,
		"MEETVAULT_TASK_QUEUE="+e.taskQueue,
		"MEETVAULT_ZOOM_API_URL="+e.sim.URL()+"/v2",
		"MEETVAULT_ZOOM_OAUTH_URL="+e.sim.URL(),
		// Downloads are refused outside Zoom's hosts by default: allow the
		// simulator and the file host it redirects downloads to.
		"MEETVAULT_DOWNLOAD_ALLOWED_HOSTS="+simHosts(e.sim),
		"MEETVAULT_BOT_MEDIA_ALLOWED_HOSTS="+simHosts(e.sim),
		"MEETVAULT_INGRESS_ADDR="+e.ingress,
		// The simulator signs webhooks with its own clock, which tests advance.
		"MEETVAULT_WEBHOOK_MAX_SKEW=24h",
		"MEETVAULT_S3_PART_SIZE_MIB=5",
		"MEETVAULT_LOG_LEVEL=warn",
		// Unversioned: each test's task queue would be a Worker Deployment
		// of its own, and the server keeps at most 100 per namespace
		// (matching.maxDeployments), which a persistent dev server would
		// reach after a few runs. workers/deployment_server_test.go covers
		// versioning against the server on one reused deployment.
		"MEETVAULT_DEPLOYMENT_VERSIONING=false",
		"GOMEMLIMIT=100MiB",
	)
	e.vars = append(e.vars, extra...)
	e.store, err = store.Open(ctx, e.dbURL, secretKey(t))
	require.NoError(t, err)
	t.Cleanup(e.store.Close)
	require.NoError(t, e.store.Migrate(ctx))

	topts := client.Options{HostPort: mustEnv(t, "MEETVAULT_TEMPORAL_ADDRESS")}
	// The test's own client decodes what the worker encrypted (same keys).
	_, err = codec.ApplyFromLookup(&topts, codec.LookupEnviron(e.vars))
	require.NoError(t, err)
	e.temporal, err = client.DialContext(ctx, topts)
	require.NoError(t, err)
	e.dc = converter.GetDefaultDataConverter()
	if topts.DataConverter != nil {
		e.dc = topts.DataConverter
	}
	t.Cleanup(e.temporal.Close)
	if dir := os.Getenv(recordHistoriesEnv); dir != "" {
		t.Cleanup(func() { e.recordHistories(dir) }) // after the worker stops
	}

	e.startWorker()
	t.Cleanup(e.stopWorker)
	return e
}

// simHosts is the download allowlist for a simulator: its own address and,
// when it runs one, its signed-file host (another loopback name, like
// Zoom's CDN).
func simHosts(sim *zoomsim.Server) string {
	hosts := sim.URL()
	if fh, ok := any(sim).(interface{ FileHostURL() string }); ok && fh.FileHostURL() != "" {
		hosts += "," + fh.FileHostURL()
	}
	return hosts
}

func secretKey(t *testing.T) []byte {
	v := mustEnv(t, "MEETVAULT_SECRET_KEY")
	k, err := base64Decode(v)
	require.NoError(t, err)
	return k
}

func (e *env) startWorker() {
	e.workerLog = &bytes.Buffer{}
	cmd := exec.Command(bins.worker, "-mode", "all")
	cmd.Env = e.vars
	cmd.Stdout, cmd.Stderr = e.workerLog, e.workerLog
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	require.NoError(e.t, cmd.Start())
	e.worker = cmd
	require.Eventually(e.t, func() bool {
		resp, err := http.Get("http://" + e.ingress + "/healthz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}, 30*time.Second, 50*time.Millisecond, "worker ingress did not come up: %s", e.workerLog)
}

// killWorker kills the worker with SIGKILL, as a crash would.
func (e *env) killWorker() {
	require.NoError(e.t, e.worker.Process.Signal(syscall.SIGKILL))
	_ = e.worker.Wait()
	e.worker = nil
}

func (e *env) stopWorker() {
	if e.worker == nil {
		return
	}
	_ = e.worker.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = e.worker.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		_ = e.worker.Process.Kill()
		<-done
	}
	if e.t.Failed() {
		e.t.Logf("worker log:\n%s", e.workerLog.String())
	}
	e.worker = nil
}

// starter runs the starter CLI with --json and decodes its output into out.
func (e *env) starter(out any, args ...string) error {
	cmd := exec.Command(bins.starter, append(args, "--json")...)
	cmd.Env = e.vars
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("starter %v: %v: %s", args, err, stderr.String())
	}
	if out != nil {
		if err := json.Unmarshal(stdout.Bytes(), out); err != nil {
			return fmt.Errorf("starter %v: decoding %q: %w", args, stdout.String(), err)
		}
	}
	return nil
}

// simPOST sends an admin request to the simulator.
func (e *env) simPOST(path string, body any) {
	b, err := json.Marshal(body)
	require.NoError(e.t, err)
	resp, err := http.Post(e.sim.URL()+path, "application/json", bytes.NewReader(b))
	require.NoError(e.t, err)
	defer resp.Body.Close()
	msg, _ := io.ReadAll(resp.Body)
	require.Equal(e.t, http.StatusOK, resp.StatusCode, "POST %s: %s", path, msg)
}

func (e *env) simGET(path string, out any) {
	resp, err := http.Get(e.sim.URL() + path)
	require.NoError(e.t, err)
	defer resp.Body.Close()
	require.Equal(e.t, http.StatusOK, resp.StatusCode)
	require.NoError(e.t, json.NewDecoder(resp.Body).Decode(out))
}

// registerTenant registers the simulator's first account as e.tenant.
func (e *env) registerTenant() {
	require.NoError(e.t, e.starter(nil, "dev", "register-sim-tenant", "--sim", e.sim.URL(), "--tenant", e.tenant))
}

type importOutput struct {
	WorkflowID string  `json:"workflow_id"`
	Seconds    float64 `json:"seconds"`
	Result     struct {
		Meetings             int      `json:"meetings"`
		MeetingsFailed       int      `json:"meetings_failed"`
		FilesArchived        int      `json:"files_archived"`
		FilesAlreadyArchived int      `json:"files_already_archived"`
		FilesProcessing      int      `json:"files_processing"`
		FilesFailed          int      `json:"files_failed"`
		BytesArchived        int64    `json:"bytes_archived"`
		Failures             []string `json:"failures"`
	} `json:"result"`
}

func (e *env) importWindow(from, to string) importOutput {
	var out importOutput
	require.NoError(e.t, e.starter(&out, "import", "--tenant", e.tenant, "--from", from, "--to", to, "--wait"))
	return out
}

type truthFile struct {
	AccountID        string `json:"account_id"`
	Source           string `json:"source"`
	ConversationUUID string `json:"conversation_uuid"`
	FileID           string `json:"file_id"`
	FileType         string `json:"file_type"`
	Status           string `json:"status"`
	Size             int64  `json:"size"`
	SHA256           string `json:"sha256"`
}

func (e *env) truth() []truthFile {
	var body struct {
		Files []truthFile `json:"files"`
	}
	e.simGET("/_sim/truth", &body)
	return body.Files
}

type dbFile struct {
	ConversationUUID, FileID, ZoomFileID, FileType, SHA256, Key, Checksum string
	Size                                                                  int64
}

func (e *env) archivedFiles() []dbFile {
	rows, err := e.store.Pool().Query(context.Background(), `SELECT conversation_uuid, file_id, zoom_file_id, file_type,
		sha256, s3_key, s3_checksum_sha256, size_bytes FROM recording_files WHERE tenant_id = $1`, e.tenant)
	require.NoError(e.t, err)
	defer rows.Close()
	var out []dbFile
	for rows.Next() {
		var f dbFile
		require.NoError(e.t, rows.Scan(&f.ConversationUUID, &f.FileID, &f.ZoomFileID, &f.FileType, &f.SHA256, &f.Key, &f.Checksum, &f.Size))
		out = append(out, f)
	}
	require.NoError(e.t, rows.Err())
	return out
}
