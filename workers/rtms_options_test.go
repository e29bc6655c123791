package main

import (
	"testing"

	"github.com/meetvault/meetvault/config"
)

// The capture queue polls as the worker's deployment version: without it a
// versioned worker waits for meetvault-rtms to be polled by its build, never
// promotes itself and exits (what make demo did when the options were
// dropped).
func TestRTMSWorkerPollsAsTheDeploymentVersion(t *testing.T) {
	dep := deployment{name: "meetvault", buildID: "b1", enabled: true}.options()
	opts := rtmsWorkerOptions(rtmsSettings{MaxStreams: 7}, config.Config{}, dep)
	if !opts.DeploymentOptions.UseVersioning || opts.DeploymentOptions.Version != dep.Version {
		t.Fatalf("capture worker deployment options %+v, want %+v", opts.DeploymentOptions, dep)
	}
	if opts.MaxConcurrentActivityExecutionSize != 7 {
		t.Fatalf("streams per worker %d, want 7", opts.MaxConcurrentActivityExecutionSize)
	}
}
