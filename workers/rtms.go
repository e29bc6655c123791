package main

import (
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/kelseyhightower/envconfig"
	"go.temporal.io/sdk/worker"

	"github.com/meetvault/meetvault/activities"
	"github.com/meetvault/meetvault/config"
	"github.com/meetvault/meetvault/rtms"
	"github.com/meetvault/meetvault/workflows"
)

// rtmsSettings are the MEETVAULT_RTMS_* variables (README, RTMS section).
type rtmsSettings struct {
	Media           string        `envconfig:"MEDIA" default:"audio,transcript" desc:"media asked for: audio, video, share, transcript (comma-separated)"`
	MaxStreams      int           `envconfig:"MAX_STREAMS" default:"1000" desc:"RTMS streams one worker captures at once"`
	SegmentSeconds  int           `envconfig:"SEGMENT_SECONDS" default:"30" desc:"audio per WAV segment; also the longest a worker crash can lose"`
	SegmentAge      time.Duration `envconfig:"SEGMENT_AGE" default:"30s" desc:"held media is written at least this often"`
	AllowLoopbackWS bool          `envconfig:"ALLOW_INSECURE_LOOPBACK" default:"false" desc:"allow plain ws:// to 127.0.0.1 (the local simulator only; TLS is never skipped)"`
}

func loadRTMSSettings() (rtmsSettings, activities.RTMSConfig, error) {
	var s rtmsSettings
	if err := envconfig.Process("MEETVAULT_RTMS", &s); err != nil {
		return s, activities.RTMSConfig{}, fmt.Errorf("MEETVAULT_RTMS_*: %w", err)
	}
	media := 0
	for _, m := range strings.Split(s.Media, ",") {
		switch strings.TrimSpace(strings.ToLower(m)) {
		case "audio":
			media |= int(rtms.MediaAudio)
		case "video":
			media |= int(rtms.MediaVideo)
		case "share", "deskshare":
			media |= int(rtms.MediaDeskshare)
		case "transcript":
			media |= int(rtms.MediaTranscript)
		case "":
		default:
			return s, activities.RTMSConfig{}, fmt.Errorf("MEETVAULT_RTMS_MEDIA: %q is not audio, video, share or transcript (chat is not supported)", m)
		}
	}
	return s, activities.RTMSConfig{
		Media: media, SegmentBytes: s.SegmentSeconds * 32000, SegmentAge: s.SegmentAge,
		AllowInsecureLoopback: s.AllowLoopbackWS,
	}, nil
}

// registerRTMS registers the RTMSCapture workflow's short activities on the
// main worker (the workflow itself is in workflows.Register) and returns the worker of the capture task queue,
// where each CaptureRTMS holds one stream for as long as it lasts.
func registerRTMS(d *deps, cfg config.Config, main worker.Worker, dep worker.DeploymentOptions, log *slog.Logger) (worker.Worker, error) {
	s, rc, err := loadRTMSSettings()
	if err != nil {
		return nil, err
	}
	acts := &activities.RTMSActivities{Store: d.store, Archive: d.archive, Config: rc, Logger: log}
	main.RegisterActivity(acts.FinishRTMS)
	main.RegisterActivity(acts.RevokeRTMS)
	w := worker.New(d.temporal, workflows.RTMSTaskQueue(cfg.Temporal.TaskQueue), rtmsWorkerOptions(s, cfg, dep))
	w.RegisterActivity(acts.CaptureRTMS)
	return w, nil
}

// rtmsWorkerOptions are the capture queue's worker options.
func rtmsWorkerOptions(s rtmsSettings, cfg config.Config, dep worker.DeploymentOptions) worker.Options {
	return worker.Options{
		MaxConcurrentActivityExecutionSize: s.MaxStreams,
		// Heartbeats carry the capture's durable state: at most one every
		// 10 s per stream reaches the server (its timeout is 30 s).
		MaxHeartbeatThrottleInterval: 10 * time.Second,
		WorkerStopTimeout:            cfg.Worker.ShutdownGrace,
		// The capture queue polls as the same deployment version as the
		// others: the worker promotes its build only once the server has
		// seen all four queues poll as it.
		DeploymentOptions: dep,
	}
}
