#!/usr/bin/env bash
# make test: start the embedded infrastructure (Temporal, Postgres, S3) if it
# is not up, run make lint, then run every test: unit tests, workflow tests, the simulator's
# conformance test and the integration tests against the real stack. Each
# integration run uses its own database, bucket, task queue and simulator.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$PATH"

scripts/stack.sh up infra
# shellcheck disable=SC1091
source .dev/env
export MEETVAULT_INTEGRATION=1

echo "==> make lint"
make lint
# Unit and workflow packages run under the race detector; the end-to-end
# ones (integration tests, benchmarks' harnesses, the simulator's rivet
# conformance run, the archive package against versitygw) without it, as
# -race slows them several times over.
e2e='/(integration|bench|archive)(/|$)|/zoomsim/conformance$'
mapfile -t unit < <(go list ./... | grep -v -E "$e2e")
mapfile -t rest < <(go list ./... | grep -E "$e2e")
echo "==> go test -race (unit and workflow packages)"
go test -race -count=1 -timeout 15m "${unit[@]}" 2>&1 | tee .dev/logs/test-race.log
echo "==> go test (end-to-end packages)"
go test -count=1 -timeout 25m "${rest[@]}" 2>&1 | tee .dev/logs/test.log
echo "==> fuzz (brief: every FUZZ_TARGETS entry of the Makefile, ${MEETVAULT_BRIEF_FUZZTIME:-300x} inputs past its corpus; make fuzz runs longer)"
make --no-print-directory fuzz FUZZTIME="${MEETVAULT_BRIEF_FUZZTIME:-300x}"
