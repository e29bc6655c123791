package workflows

import "go.temporal.io/sdk/workflow"

// Registrar is what Register needs: a worker.Worker, or the
// worker.WorkflowReplayer of the replay tests, so both register the same
// workflows under the same names and versioning behaviors.
type Registrar interface {
	RegisterWorkflowWithOptions(w any, options workflow.RegisterOptions)
}

// Registration is one workflow type and how it moves between deployments.
type Registration struct {
	Workflow any
	Name     string
	// Behavior under Worker Deployment Versioning (README, Versioning
	// policy): the short workflows are pinned, so a run finishes on the
	// build that started it; Tenant, which runs forever, moves to each new
	// current build on its next task and keeps older histories replayable
	// with workflow.GetVersion patches.
	Behavior workflow.VersioningBehavior
}

// Registrations lists every workflow type the worker runs.
func Registrations() []Registration {
	return []Registration{
		{Workflow: Tenant, Name: "Tenant", Behavior: workflow.VersioningBehaviorAutoUpgrade},
		{Workflow: ImportWindow, Name: "ImportWindow", Behavior: workflow.VersioningBehaviorPinned},
		{Workflow: ArchiveMeeting, Name: "ArchiveMeeting", Behavior: workflow.VersioningBehaviorPinned},
		{Workflow: MeetingBot, Name: "MeetingBot", Behavior: workflow.VersioningBehaviorPinned},
		{Workflow: RTMSCapture, Name: "RTMSCapture", Behavior: workflow.VersioningBehaviorPinned},
	}
}

// Register registers every workflow type on r, as the worker does.
func Register(r Registrar) {
	for _, reg := range Registrations() {
		r.RegisterWorkflowWithOptions(reg.Workflow, workflow.RegisterOptions{
			Name: reg.Name, VersioningBehavior: reg.Behavior,
		})
	}
}
