#!/usr/bin/env bash
# make test: start the embedded infrastructure (Temporal, Postgres, S3) if it
# is not up, then run every test: unit tests, workflow tests, the simulator's
# conformance test and the integration tests against the real stack. Each
# integration run uses its own database, bucket, task queue and simulator.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$PATH"

scripts/stack.sh up infra
# shellcheck disable=SC1091
source .dev/env
export MEETVAULT_INTEGRATION=1

echo "==> go vet"
go vet ./...
echo "==> go test"
go test -count=1 -timeout 25m ./... 2>&1 | tee .dev/logs/test.log
echo "==> fuzz (brief: every FUZZ_TARGETS entry of the Makefile, ${MEETVAULT_BRIEF_FUZZTIME:-300x} inputs past its corpus; make fuzz runs longer)"
make --no-print-directory fuzz FUZZTIME="${MEETVAULT_BRIEF_FUZZTIME:-300x}"
