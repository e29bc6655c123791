// Package integration holds meetvault's end-to-end tests against the real
// stack: the Temporal dev server, Postgres and versitygw started by
// scripts/stack.sh (make test does it), the project's Zoom simulator started
// in-process, and the real worker and starter binaries. Each test run uses its
// own database, bucket and task queue, so it never touches the demo's data.
package integration
