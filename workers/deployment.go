package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"
	"slices"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"

	"github.com/meetvault/meetvault/config"
)

// deployment is the Worker Deployment Version this process polls as (README,
// Versioning policy). Every task queue of the process (workflows, downloads,
// Zoom) joins the same version, so a pinned workflow's activities also run
// on the build that started it.
type deployment struct {
	name, buildID string
	enabled       bool
}

func newDeployment(cfg config.Config) (deployment, error) {
	d := deployment{name: cfg.Deployment.Name, buildID: cfg.Deployment.BuildID, enabled: cfg.Deployment.Versioning}
	if !d.enabled {
		return d, nil
	}
	if d.name == "" {
		d.name = cfg.Temporal.TaskQueue
	}
	if d.buildID == "" {
		id, err := defaultBuildID()
		if err != nil {
			return d, fmt.Errorf("deployment: no MEETVAULT_BUILD_ID and %w: set MEETVAULT_BUILD_ID (e.g. the git commit)", err)
		}
		d.buildID = id
	}
	return d, nil
}

// options are the worker.Options' DeploymentOptions. No default behavior:
// workflows.Register gives every workflow type its own, and the SDK refuses
// a versioned workflow registered without one.
func (d deployment) options() worker.DeploymentOptions {
	if !d.enabled {
		return worker.DeploymentOptions{}
	}
	return worker.DeploymentOptions{
		UseVersioning: true,
		Version:       worker.WorkerDeploymentVersion{DeploymentName: d.name, BuildID: d.buildID},
	}
}

// defaultBuildID is the VCS revision Go stamped into the binary (".dirty"
// when the tree had changes, plus a hash of the binary so two dirty builds
// differ), or the binary's hash when it carries no VCS stamp.
func defaultBuildID() (string, error) {
	rev, dirty := "", false
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
	}
	if rev != "" && !dirty {
		return rev[:min(12, len(rev))], nil
	}
	sum, err := executableHash()
	if err != nil {
		return "", err
	}
	if rev == "" {
		return "bin-" + sum, nil
	}
	return rev[:min(12, len(rev))] + ".dirty-" + sum, nil
}

func executableHash() (string, error) {
	path, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("locating the binary: %w", err)
	}
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("hashing the binary: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("hashing the binary: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil))[:12], nil
}

// promote makes this build the deployment's current version once the
// server has seen it poll every one of taskQueues. The server refuses the
// change while the new version misses a task queue the current one had, so
// the retry loop also waits for late pollers. A build the server saw
// before the current one (an old replica restarting during a rollout) is
// not promoted: that would move every Tenant back to older code. Rolling
// back is the operator's call (temporal worker deployment
// set-current-version).
func (d deployment) promote(ctx context.Context, c client.Client, taskQueues []string, log *slog.Logger) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	h := c.WorkerDeploymentClient().GetHandle(d.name)
	var last error
	for {
		done, err := d.tryPromote(ctx, h, taskQueues, log)
		if done {
			return nil
		}
		last = err
		select {
		case <-ctx.Done():
			return fmt.Errorf("deployment %s: making build %s current: %v (set MEETVAULT_DEPLOYMENT_SET_CURRENT=false to promote it yourself)",
				d.name, d.buildID, last)
		case <-time.After(250 * time.Millisecond):
		}
	}
}

func (d deployment) tryPromote(ctx context.Context, h client.WorkerDeploymentHandle, taskQueues []string, log *slog.Logger) (bool, error) {
	desc, err := h.Describe(ctx, client.WorkerDeploymentDescribeOptions{})
	if err != nil {
		return false, err
	}
	cur := desc.Info.RoutingConfig.CurrentVersion
	if cur != nil && cur.BuildID == d.buildID {
		return true, nil
	}
	ours, err := d.pollsAll(ctx, h, taskQueues)
	if err != nil {
		return false, err
	}
	if cur != nil {
		current, err := h.DescribeVersion(ctx, client.WorkerDeploymentDescribeVersionOptions{BuildID: cur.BuildID})
		if err != nil {
			return false, err
		}
		if ours.Info.CreateTime.Before(current.Info.CreateTime) {
			log.Warn("not making this build current: the current build is newer; promote it with temporal worker deployment set-current-version to roll back",
				"deployment", d.name, "build_id", d.buildID, "current_build_id", cur.BuildID)
			return true, nil
		}
	}
	if _, err := h.SetCurrentVersion(ctx, client.WorkerDeploymentSetCurrentVersionOptions{BuildID: d.buildID}); err != nil {
		return false, err
	}
	log.Info("deployment version is now current", "deployment", d.name, "build_id", d.buildID)
	return true, nil
}

// pollsAll describes this version, or reports an error until it lists
// every task queue.
func (d deployment) pollsAll(ctx context.Context, h client.WorkerDeploymentHandle, taskQueues []string) (client.WorkerDeploymentVersionDescription, error) {
	v, err := h.DescribeVersion(ctx, client.WorkerDeploymentDescribeVersionOptions{BuildID: d.buildID})
	if err != nil {
		return v, err
	}
	var seen []string
	for _, tq := range v.Info.TaskQueuesInfos {
		seen = append(seen, tq.Name)
	}
	for _, tq := range taskQueues {
		if !slices.Contains(seen, tq) {
			return v, fmt.Errorf("task queue %s not polled by this version yet", tq)
		}
	}
	return v, nil
}
