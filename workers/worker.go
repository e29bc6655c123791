package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"go.temporal.io/sdk/worker"

	"github.com/meetvault/meetvault/activities"
	"github.com/meetvault/meetvault/botprovider"
	"github.com/meetvault/meetvault/config"
	"github.com/meetvault/meetvault/netguard"
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
	egress, err := cfg.ParseEgress()
	if err != nil {
		return nil, err
	}
	acts := &activities.Activities{
		Store: d.store, Archive: d.archive, HTTPClient: d.http,
		ZoomAPIURL: cfg.Zoom.APIURL, ZoomOAuthURL: cfg.Zoom.OAuthURL,
		Limiters: &zoom.LimiterRegistry{}, Plan: zoom.Plan(cfg.Zoom.Plan),
		Egress: activities.Egress{
			Downloads: egress.Downloads, TenantDownloads: egress.TenantDownloads,
			ZoomTokenHosts: egress.ZoomTokenHosts, BotMedia: egress.BotMedia, MaxUnknownBytes: egress.MaxUnknownBytes,
		},
	}
	if cfg.Bots.BotAPIURL != "" {
		// The provider's answers name further URLs (media, participant
		// lists): its client goes only where bot media may go.
		provider := netguard.New(egress.BotMedia).Client(nil)
		provider.Timeout = 30 * time.Second
		bots, err := botprovider.New(botprovider.Config{BaseURL: cfg.Bots.BotAPIURL, APIKey: cfg.Bots.BotAPIKey,
			APIVersion: cfg.Bots.BotAPIVersion,
			HTTPClient: provider, UserAgent: "meetvault", Logger: log})
		if err != nil {
			return nil, fmt.Errorf("bot provider (MEETVAULT_BOT_API_URL / MEETVAULT_BOT_API_KEY): %w", err)
		}
		acts.Bots = bots
	}
	if d.hostAuth != nil {
		acts.Hosts = hostDirectory{d.hostAuth}
	}
	tq := cfg.Temporal.TaskQueue
	dep, err := newDeployment(cfg)
	if err != nil {
		return nil, err
	}
	main := worker.New(d.temporal, tq, worker.Options{
		MaxConcurrentActivityExecutionSize: cfg.Worker.MaxConcurrentActs,
		WorkerStopTimeout:                  cfg.Worker.ShutdownGrace,
		DeploymentOptions:                  dep.options(),
	})
	// The same registrations (names, versioning behaviors) as the replay tests.
	workflows.Register(main)
	main.RegisterActivity(acts)
	rtmsWorker, err := registerRTMS(d, cfg, main, dep.options(), log)
	if err != nil {
		return nil, err
	}

	downloads := worker.New(d.temporal, workflows.DownloadTaskQueue(tq), worker.Options{
		MaxConcurrentActivityExecutionSize: cfg.Worker.MaxConcurrentFiles,
		WorkerStopTimeout:                  cfg.Worker.ShutdownGrace,
		DeploymentOptions:                  dep.options(),
	})
	downloads.RegisterActivity(acts.ArchiveFile)

	zoomQueue := worker.New(d.temporal, workflows.ZoomTaskQueue(tq), worker.Options{
		MaxConcurrentActivityExecutionSize: cfg.Worker.MaxConcurrentActs,
		TaskQueueActivitiesPerSecond:       cfg.Zoom.QueueRate,
		WorkerStopTimeout:                  cfg.Worker.ShutdownGrace,
		DeploymentOptions:                  dep.options(),
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
	ws := &workers{main: main, downloads: downloads, zoom: zoomQueue, rtms: rtmsWorker}
	if dep.enabled && cfg.Deployment.SetCurrent {
		queues := []string{tq, workflows.DownloadTaskQueue(tq), workflows.ZoomTaskQueue(tq), workflows.RTMSTaskQueue(tq)}
		if err := dep.promote(context.Background(), d.temporal, queues, log); err != nil {
			ws.Stop()
			return nil, err
		}
	}
	log.Info("workers started", "task_queue", tq, "download_task_queue", workflows.DownloadTaskQueue(tq),
		"max_concurrent_downloads", cfg.Worker.MaxConcurrentFiles, "zoom_task_queue", workflows.ZoomTaskQueue(tq),
		"zoom_queue_rate", cfg.Zoom.QueueRate, "deployment", dep.name, "build_id", dep.buildID)
	return ws, nil
}
