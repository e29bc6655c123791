package main

import (
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"go.temporal.io/sdk/worker"

	"github.com/meetvault/meetvault/activities"
	"github.com/meetvault/meetvault/botprovider"
	"github.com/meetvault/meetvault/config"
	"github.com/meetvault/meetvault/workflows"
	"github.com/meetvault/meetvault/zoom"
)

// workers runs the main worker (workflows and short activities), the
// download worker (ArchiveFile, bounded separately) and the Zoom worker
// (Zoom API activities, rate-capped by the server for all workers).
type workers struct{ main, downloads, zoom, rtms worker.Worker }

func (w *workers) Stop() {
	w.main.Stop()
	w.downloads.Stop()
	w.zoom.Stop()
	w.rtms.Stop()
}

func startWorkers(d *deps, cfg config.Config, log *slog.Logger) (*workers, error) {
	acts := &activities.Activities{
		Store: d.store, Archive: d.archive, HTTPClient: d.http,
		ZoomAPIURL: cfg.Zoom.APIURL, ZoomOAuthURL: cfg.Zoom.OAuthURL,
		Limiters: &zoom.LimiterRegistry{}, Plan: zoom.Plan(cfg.Zoom.Plan),
	}
	if cfg.Bots.BotAPIURL != "" {
		bots, err := botprovider.New(botprovider.Config{BaseURL: cfg.Bots.BotAPIURL, APIKey: cfg.Bots.BotAPIKey,
			HTTPClient: &http.Client{Timeout: 30 * time.Second}, UserAgent: "meetvault", Logger: log})
		if err != nil {
			return nil, fmt.Errorf("bot provider (MEETVAULT_BOT_API_URL / MEETVAULT_BOT_API_KEY): %w", err)
		}
		acts.Bots = bots
	}
	if d.hostAuth != nil {
		acts.Hosts = hostDirectory{d.hostAuth}
	}
	tq := cfg.Temporal.TaskQueue
	main := worker.New(d.temporal, tq, worker.Options{
		MaxConcurrentActivityExecutionSize: cfg.Worker.MaxConcurrentActs,
		WorkerStopTimeout:                  cfg.Worker.ShutdownGrace,
	})
	main.RegisterWorkflow(workflows.ImportWindow)
	main.RegisterWorkflow(workflows.ArchiveMeeting)
	main.RegisterWorkflow(workflows.Tenant)
	main.RegisterWorkflow(workflows.MeetingBot)
	main.RegisterActivity(acts)
	rtmsWorker, err := registerRTMS(d, cfg, main, log)
	if err != nil {
		return nil, err
	}

	downloads := worker.New(d.temporal, workflows.DownloadTaskQueue(tq), worker.Options{
		MaxConcurrentActivityExecutionSize: cfg.Worker.MaxConcurrentFiles,
		WorkerStopTimeout:                  cfg.Worker.ShutdownGrace,
	})
	downloads.RegisterActivity(acts.ArchiveFile)

	zoomQueue := worker.New(d.temporal, workflows.ZoomTaskQueue(tq), worker.Options{
		MaxConcurrentActivityExecutionSize: cfg.Worker.MaxConcurrentActs,
		TaskQueueActivitiesPerSecond:       cfg.Zoom.QueueRate,
		WorkerStopTimeout:                  cfg.Worker.ShutdownGrace,
	})
	for _, act := range []any{acts.ResolveUsers, acts.ListRecordings, acts.FetchMeeting, acts.LogMeetings} {
		zoomQueue.RegisterActivity(act)
	}

	if err := main.Start(); err != nil {
		return nil, fmt.Errorf("temporal worker on %s: %w", tq, err)
	}
	if err := downloads.Start(); err != nil {
		main.Stop()
		return nil, fmt.Errorf("temporal worker on %s: %w", workflows.DownloadTaskQueue(tq), err)
	}
	if err := zoomQueue.Start(); err != nil {
		main.Stop()
		downloads.Stop()
		return nil, fmt.Errorf("temporal worker on %s: %w", workflows.ZoomTaskQueue(tq), err)
	}
	if err := rtmsWorker.Start(); err != nil {
		main.Stop()
		downloads.Stop()
		zoomQueue.Stop()
		return nil, fmt.Errorf("temporal worker on %s: %w", workflows.RTMSTaskQueue(tq), err)
	}
	log.Info("workers started", "task_queue", tq, "download_task_queue", workflows.DownloadTaskQueue(tq),
		"max_concurrent_downloads", cfg.Worker.MaxConcurrentFiles, "zoom_task_queue", workflows.ZoomTaskQueue(tq),
		"zoom_queue_rate", cfg.Zoom.QueueRate)
	return &workers{main: main, downloads: downloads, zoom: zoomQueue, rtms: rtmsWorker}, nil
}
