#!/usr/bin/env bash
# make bench: archive throughput of one large recording through the whole
# pipeline vs a bare Go copy of the same bytes into the same S3, plus the
# worker's peak RSS. Figures go into BENCHMARKS.md.
#   BENCH_SIZE  bytes of the recording (default 2 GiB)
#   BENCH_RUNS  runs of each side, alternating; medians reported (default 3)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$PATH"

scripts/stack.sh up infra
# shellcheck disable=SC1091
source .dev/env
go build -o bin/ ./workers ./starter
echo "==> archive: ${BENCH_SIZE:-2147483648} bytes, ${BENCH_RUNS:-3} runs per side"
go run ./bench/archivebench -bin bin -size "${BENCH_SIZE:-2147483648}" -runs "${BENCH_RUNS:-3}"
