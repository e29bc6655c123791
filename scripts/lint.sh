#!/usr/bin/env bash
# make lint: gofmt, go vet, staticcheck, errcheck, and Temporal's
# workflowcheck over the workflow code (non-deterministic calls such as
# time.Now, map ranges, goroutines or I/O reached from a workflow). The
# linters are pinned in scripts/lib-tools.sh and built once from the Go
# module proxy into the shared tool cache (MEETVAULT_CACHE).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"
LIB=scripts
for f in common tools; do
	# shellcheck source=/dev/null
	. "$LIB/lib-$f.sh"
done
ensure_lint_tools

status=0
step() {
	echo "==> $1"
	shift
	"$@" || status=1
}

gofmt_check() {
	local files
	files=$(git ls-files '*.go' | xargs -r gofmt -l)
	[[ -z $files ]] && return 0
	echo "gofmt needed on:"
	echo "$files"
	return 1
}

step gofmt gofmt_check
step "go vet" go vet ./...
step staticcheck "$STATICCHECK_BIN" ./...
# Close errors of read-only bodies and deferred cleanups are left out
# (.errcheck-excludes); every other dropped error is a finding.
step errcheck "$ERRCHECK_BIN" -exclude .errcheck-excludes ./...
step workflowcheck "$WORKFLOWCHECK_BIN" ./workflows/...
exit $status
