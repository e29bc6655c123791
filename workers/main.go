// Command workers is meetvault's worker process: it runs the Temporal workers
// (workflows, activities, file downloads) and the HTTP ingress (webhooks,
// health). `-mode` chooses which parts run in this process.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/meetvault/meetvault/codec"
	"github.com/meetvault/meetvault/config"
	"github.com/meetvault/meetvault/temporalconn"
)

func main() {
	mode := flag.String("mode", "all", "what to run: all (worker + ingress), worker, or ingress")
	printEnv := flag.Bool("print-config", false, "print every configuration variable and exit")
	flag.Parse()
	if *printEnv {
		if err := errors.Join(config.Usage(), codec.Usage(), temporalconn.Usage()); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	if err := run(*mode); err != nil {
		fmt.Fprintln(os.Stderr, "meetvault worker:", err)
		os.Exit(1)
	}
}

func run(mode string) error {
	if mode != "all" && mode != "worker" && mode != "ingress" {
		return fmt.Errorf("unknown -mode %q: use all, worker or ingress", mode)
	}
	cfg, err := config.Load()
	if err != nil {
		return err
	}
	log := newLogger(cfg.LogLevel)
	slog.SetDefault(log)
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	deps, err := connect(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer deps.Close()

	errc := make(chan error, 2)
	if mode == "all" || mode == "worker" {
		w, err := startWorkers(deps, cfg, log)
		if err != nil {
			return err
		}
		defer w.Stop()
	}
	if mode == "all" || mode == "ingress" {
		srv := newIngress(deps, cfg, log)
		go func() { errc <- srv.ListenAndServe(ctx) }()
	}
	log.Info("meetvault worker running", "mode", mode, "task_queue", cfg.Temporal.TaskQueue, "ingress", cfg.Worker.IngressAddr)
	select {
	case <-ctx.Done():
		log.Info("shutting down", "grace", cfg.Worker.ShutdownGrace)
		return nil
	case err := <-errc:
		if errors.Is(err, context.Canceled) {
			return nil
		}
		return err
	}
}

func newLogger(level string) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		l = slog.LevelInfo
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: l}))
}
