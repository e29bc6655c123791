// Command zoomsim runs the Zoom simulator on one HTTP listener.
//
//	zoomsim -addr 127.0.0.1:9090 -seed 1 -scenario demo.json
//
// Flags fall back to the environment: ZOOMSIM_ADDR, ZOOMSIM_SEED,
// ZOOMSIM_SCENARIO, ZOOMSIM_LOG_LEVEL (debug, info, warn, error),
// ZOOMSIM_FILE_ADDR and ZOOMSIM_FILE_URL (the signed-file host downloads
// redirect to; "off" serves them on -addr).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/meetvault/meetvault/zoomsim"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "zoomsim:", err)
		os.Exit(1)
	}
}

func run() error {
	seedDefault, _ := strconv.ParseInt(os.Getenv("ZOOMSIM_SEED"), 10, 64)
	addr := flag.String("addr", envOr("ZOOMSIM_ADDR", zoomsim.DefaultAddr), "listen address")
	seed := flag.Int64("seed", seedDefault, "seed of the default scenario")
	scenario := flag.String("scenario", os.Getenv("ZOOMSIM_SCENARIO"), "scenario JSON file to load at start (explicit or {\"generate\":{...}})")
	logLevel := flag.String("log-level", envOr("ZOOMSIM_LOG_LEVEL", "info"), "log level: debug, info, warn, error")
	fileAddr := flag.String("file-addr", os.Getenv("ZOOMSIM_FILE_ADDR"), `listen address of the signed-file host downloads redirect to (default 127.0.0.2:0 when -addr is loopback; "off": serve them on -addr)`)
	fileURL := flag.String("file-url", os.Getenv("ZOOMSIM_FILE_URL"), "base URL of the file host in redirects (default: its listen address)")
	flag.Parse()

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return fmt.Errorf("-log-level: %w", err)
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	sim := zoomsim.New(zoomsim.Options{Addr: *addr, Seed: *seed, Logger: log, FileAddr: *fileAddr, FileURL: *fileURL})
	if *scenario != "" {
		if err := loadScenarioFile(sim, *scenario); err != nil {
			return err
		}
	}
	url, err := sim.Start()
	if err != nil {
		return err
	}
	fmt.Println("zoomsim listening on", url)
	if files := sim.FileHostURL(); files != "" {
		fmt.Println("zoomsim file host on", files)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
	log.Info("zoomsim shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return sim.Shutdown(shutdownCtx)
}

func loadScenarioFile(sim *zoomsim.Server, path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("-scenario: %w", err)
	}
	var sc zoomsim.Scenario
	if err := json.Unmarshal(b, &sc); err != nil {
		return fmt.Errorf("-scenario %s: %w", path, err)
	}
	res, err := sim.LoadScenario(sc)
	if err != nil {
		return fmt.Errorf("-scenario %s: %w", path, err)
	}
	fmt.Printf("zoomsim loaded %s: %d account(s), %d conversations, %d files\n", path, len(res.Accounts), res.Conversations, res.Files)
	return nil
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
