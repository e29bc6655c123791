package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/worker"

	"github.com/meetvault/meetvault/config"
)

func TestDeploymentDefaultsToTheTaskQueueAndTheBinarysBuild(t *testing.T) {
	cfg := config.Config{Temporal: config.Temporal{TaskQueue: "meetvault"}, Deployment: config.Deployment{Versioning: true}}
	d, err := newDeployment(cfg)
	require.NoError(t, err)
	require.Equal(t, "meetvault", d.name)
	require.NotEmpty(t, d.buildID)
	require.True(t, strings.HasPrefix(d.buildID, "bin-") || strings.Contains(d.buildID, ".dirty-") || len(d.buildID) == 12, d.buildID)
	again, err := newDeployment(cfg)
	require.NoError(t, err)
	require.Equal(t, d.buildID, again.buildID, "the same binary, the same build ID")
	opts := d.options()
	require.True(t, opts.UseVersioning)
	require.Equal(t, worker.WorkerDeploymentVersion{DeploymentName: "meetvault", BuildID: d.buildID}, opts.Version)
}

func TestDeploymentSettingsWinAndVersioningCanBeTurnedOff(t *testing.T) {
	cfg := config.Config{Temporal: config.Temporal{TaskQueue: "q"},
		Deployment: config.Deployment{Versioning: true, Name: "meetvault-prod", BuildID: "2026.12.1"}}
	d, err := newDeployment(cfg)
	require.NoError(t, err)
	require.Equal(t, worker.WorkerDeploymentVersion{DeploymentName: "meetvault-prod", BuildID: "2026.12.1"}, d.options().Version)
	cfg.Deployment.Versioning = false
	d, err = newDeployment(cfg)
	require.NoError(t, err)
	require.Equal(t, worker.DeploymentOptions{}, d.options())
}
