package archive

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// The tests run against a real versitygw (posix backend) started here.
const (
	testAccessKey = "meetvault"
	testSecretKey = "meetvault-secret"
)

var (
	s3Endpoint string // set by TestMain
	skipS3     bool
)

func TestMain(m *testing.M) { os.Exit(runTests(m)) }

func runTests(m *testing.M) int {
	if os.Getenv("MEETVAULT_SKIP_S3") == "1" {
		skipS3 = true
		return m.Run()
	}
	bin := versityBinary()
	if _, err := os.Stat(bin); err != nil {
		fmt.Fprintf(os.Stderr, "FAIL: archive tests need the versitygw S3 server, not found at %s (%v).\n"+
			"Build it with `scripts/stack.sh tools` (or `go install github.com/versity/versitygw/cmd/versitygw@v1.8.0`\n"+
			"and set MEETVAULT_VERSITYGW to the binary); MEETVAULT_SKIP_S3=1 skips the S3 tests.\n", bin, err)
		return 1
	}
	dir, err := os.MkdirTemp("", "archive-versitygw-*")
	if err != nil {
		fmt.Fprintln(os.Stderr, "FAIL:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	endpoint, stop, err := startVersityGW(bin, dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "FAIL: start versitygw:", err)
		return 1
	}
	defer stop()
	s3Endpoint = endpoint
	return m.Run()
}

// versityBinary is $MEETVAULT_VERSITYGW, or where scripts/stack.sh caches
// the pinned build.
func versityBinary() string {
	if bin := os.Getenv("MEETVAULT_VERSITYGW"); bin != "" {
		return bin
	}
	cache := os.Getenv("MEETVAULT_CACHE")
	if cache == "" {
		home, _ := os.UserHomeDir()
		cache = filepath.Join(home, ".cache", "meetvault")
	}
	return filepath.Join(cache, "bin", "versitygw-v1.8.0")
}

// startVersityGW runs versitygw on a free loopback port with its data
// under dir and waits until it answers; extra are global flags.
func startVersityGW(bin, dir string, extra ...string) (endpoint string, stop func(), err error) {
	data, versions := filepath.Join(dir, "data"), filepath.Join(dir, "versions")
	for _, d := range []string{data, versions} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return "", nil, err
		}
	}
	addr, err := freeAddr()
	if err != nil {
		return "", nil, err
	}
	logPath := filepath.Join(dir, "versitygw.log")
	logf, err := os.Create(logPath)
	if err != nil {
		return "", nil, err
	}
	args := append([]string{"--port", addr, "--quiet"}, extra...)
	cmd := exec.Command(bin, append(args, "posix", "--versioning-dir", versions, data)...)
	cmd.Env = append(os.Environ(), "ROOT_ACCESS_KEY="+testAccessKey, "ROOT_SECRET_KEY="+testSecretKey)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		logf.Close()
		return "", nil, err
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	stop = func() {
		_ = cmd.Process.Kill()
		<-exited
		logf.Close()
	}
	endpoint = "http://" + addr
	deadline := time.Now().Add(15 * time.Second)
	for {
		resp, err := http.Get(endpoint + "/")
		if err == nil {
			resp.Body.Close()
			return endpoint, stop, nil
		}
		select {
		case <-exited:
			out, _ := os.ReadFile(logPath)
			return "", nil, fmt.Errorf("versitygw exited: %s", out)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			stop()
			out, _ := os.ReadFile(logPath)
			return "", nil, fmt.Errorf("versitygw did not answer on %s within 15s: %s", addr, out)
		}
	}
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// startExtraVersityGW starts a second server for one test.
func startExtraVersityGW(t *testing.T, extra ...string) string {
	t.Helper()
	endpoint, stop, err := startVersityGW(versityBinary(), t.TempDir(), extra...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return endpoint
}

func needS3(tb testing.TB) {
	tb.Helper()
	if skipS3 {
		tb.Skip("MEETVAULT_SKIP_S3=1")
	}
}
