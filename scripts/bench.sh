#!/usr/bin/env bash
# make bench: archive throughput of one large recording through the whole
# pipeline vs a bare Go copy of the same bytes into the same S3, plus the
# worker's peak RSS. Figures go into BENCHMARKS.md.
#   BENCH_SIZE  bytes of the recording (default 2 GiB)
#   BENCH_RUNS  runs of each side, alternating; medians reported (default 3)
#   BENCH_HOOKS webhook deliveries per measured side (default 2000)
#   BENCH_MEETINGS meetings in the quota benchmark's account (default 20000)
#   BENCH_ONLY  archive | webhooks | quota | all (default)
#   BENCH_LATENCY simulated Zoom API latency, "Label=min-max,..." ms or "off"
#               (default: each program's own, Light 40-120, Medium 60-250,
#               Heavy 80-300, Resource-intensive 100-400)
set -euo pipefail
# Which parts to run: archive, webhooks or all (default).
ONLY=${BENCH_ONLY:-all}
cd "$(dirname "$0")/.."
LATENCY=()
if [[ -n ${BENCH_LATENCY:-} ]]; then LATENCY=(-latency "$BENCH_LATENCY"); fi
export PATH="/usr/local/go/bin:$PATH"

scripts/stack.sh up infra
# shellcheck disable=SC1091
source .dev/env
go build -o bin/ ./workers ./starter
if [[ $ONLY == all || $ONLY == archive ]]; then
	echo "==> archive: ${BENCH_SIZE:-2147483648} bytes, ${BENCH_RUNS:-3} runs per side"
	go run ./bench/archivebench -bin bin -size "${BENCH_SIZE:-2147483648}" -runs "${BENCH_RUNS:-3}" "${LATENCY[@]}"
fi
if [[ $ONLY == all || $ONLY == webhooks ]]; then
	# wrk (Debian's) floods the ingress with forged deliveries.
	if ! command -v wrk >/dev/null; then
		apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
	fi
	echo "==> webhooks: ${BENCH_HOOKS:-2000} deliveries per side, 64 in flight"
	go run ./bench/webhookbench -bin bin -n "${BENCH_HOOKS:-2000}" -c 64 "${LATENCY[@]}"
fi
if [[ $ONLY == all || $ONLY == quota ]]; then
	echo "==> quota and throughput: ${BENCH_MEETINGS:-20000} meetings in the account, one user's archived"
	go run ./bench/quotabench -bin bin -meetings "${BENCH_MEETINGS:-20000}" -users 50 "${LATENCY[@]}"
fi
