// Package benchkit is what meetvault's benchmark programs share: a database
// of their own, a worker process bound to it, the starter CLI, and the
// embedded stack's environment.
package benchkit

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5"
)

// RequireEnv fails when the embedded stack's environment is not loaded.
func RequireEnv(keys ...string) error {
	for _, k := range keys {
		if os.Getenv(k) == "" {
			return fmt.Errorf("%s unset: source .dev/env (make bench does)", k)
		}
	}
	return nil
}

// Database creates a database of its own next to MEETVAULT_DATABASE_URL's and
// returns its URL and a function that drops it.
func Database(ctx context.Context, name string) (string, func(), error) {
	base := os.Getenv("MEETVAULT_DATABASE_URL")
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		return "", nil, err
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		conn.Close(ctx)
		return "", nil, err
	}
	cfg, _ := pgx.ParseConfig(base)
	url := fmt.Sprintf("postgres://%s@%s:%d/%s?sslmode=disable", cfg.User, cfg.Host, cfg.Port, name)
	return url, func() {
		_, _ = conn.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		conn.Close(context.Background())
	}, nil
}

// FreeAddr returns a free 127.0.0.1 port.
func FreeAddr() string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// Env is the environment of the benchmark's worker and starter: the stack's
// own, with the given overrides (KEY=value).
func Env(overrides ...string) []string {
	// Benchmarks run workers on task queues of their own: unversioned, so
	// they do not each leave a Worker Deployment on the server (at most 100
	// per namespace). An override may turn versioning back on.
	env := append(os.Environ(), "MEETVAULT_DEPLOYMENT_VERSIONING=false")
	return append(env, overrides...)
}

// Worker runs bin/workers with env until Stop.
type Worker struct{ cmd *exec.Cmd }

// StartWorker starts the worker binary in the given mode.
func StartWorker(bin, mode string, env []string) (*Worker, error) {
	cmd := exec.Command(bin+"/workers", "-mode", mode)
	cmd.Env, cmd.Stderr = env, os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	return &Worker{cmd: cmd}, nil
}

// Pid is the worker's process id.
func (w *Worker) Pid() int { return w.cmd.Process.Pid }

// Stop stops the worker gracefully.
func (w *Worker) Stop() {
	_ = w.cmd.Process.Signal(syscall.SIGTERM)
	_ = w.cmd.Wait()
}

// Starter runs bin/starter with env and returns its standard output.
func Starter(bin string, env []string, args ...string) ([]byte, error) {
	cmd := exec.Command(bin+"/starter", args...)
	cmd.Env, cmd.Stderr = env, os.Stderr
	return cmd.Output()
}

// PeakRSS reads a process' peak resident set (VmHWM, KiB) from /proc.
func PeakRSS(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			var kib int64
			if _, err := fmt.Sscanf(strings.TrimSpace(strings.TrimPrefix(line, "VmHWM:")), "%d", &kib); err != nil {
				return -1
			}
			return kib
		}
	}
	return -1
}

// SimDownloadHosts is the download allowlist (MEETVAULT_DOWNLOAD_ALLOWED_HOSTS)
// for a started simulator at base: the simulator itself and, when it runs
// one, the signed-file host it redirects downloads to (fileHost is a
// FileHostURL method value, or nil).
func SimDownloadHosts(base string, fileHost func() string) string {
	if fileHost != nil {
		if fh := fileHost(); fh != "" {
			return base + "," + fh
		}
	}
	return base
}
