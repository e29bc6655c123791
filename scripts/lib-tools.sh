# shellcheck shell=bash
# Pinned third-party tools, built from the Go module proxy and cached outside
# the repository (${MEETVAULT_CACHE:-$HOME/.cache/meetvault}/bin) so every clone
# on the machine reuses them. Sourced by scripts/stack.sh and scripts/lint.sh.

TEMPORAL_VERSION=v1.5.1
TEMPORAL_PKG=github.com/temporalio/cli/cmd/temporal
VERSITYGW_VERSION=v1.8.0
VERSITYGW_PKG=github.com/versity/versitygw/cmd/versitygw

# Linters (make lint).
STATICCHECK_VERSION=v0.8.2
STATICCHECK_PKG=honnef.co/go/tools/cmd/staticcheck
ERRCHECK_VERSION=v1.30.0
ERRCHECK_PKG=github.com/kisielk/errcheck
WORKFLOWCHECK_VERSION=v0.6.0
WORKFLOWCHECK_PKG=go.temporal.io/sdk/contrib/tools/workflowcheck

TEMPORAL_BIN=$CACHE/bin/temporal-$TEMPORAL_VERSION
VERSITYGW_BIN=$CACHE/bin/versitygw-$VERSITYGW_VERSION
STATICCHECK_BIN=$CACHE/bin/staticcheck-$STATICCHECK_VERSION
ERRCHECK_BIN=$CACHE/bin/errcheck-$ERRCHECK_VERSION
WORKFLOWCHECK_BIN=$CACHE/bin/workflowcheck-$WORKFLOWCHECK_VERSION

# build_tool DEST PKG VERSION: go install PKG@VERSION into a private GOBIN,
# then rename into DEST. A per-tool flock makes parallel callers wait for one
# build instead of running two.
build_tool() {
	local dest=$1 pkg=$2 version=$3 name tmp go
	[[ -x $dest ]] && return 0
	name=$(basename "$pkg")
	mkdir -p "$(dirname "$dest")"
	(
		flock 8
		[[ -x $dest ]] && exit 0
		go=$(go_bin)
		tmp=$(mktemp -d "$(dirname "$dest")/.build-$name-XXXXXX")
		trap 'rm -rf "$tmp"' EXIT
		say "building $name $version (first run on this machine; takes a few minutes)"
		# Outside any module so the repository's go.mod plays no part.
		(cd "$tmp" && GOBIN=$tmp GOFLAGS='' CGO_ENABLED=0 "$go" install "$pkg@$version") >&2 ||
			die "go install $pkg@$version failed"
		mv -f "$tmp/$name" "$dest"
	) 8>"$dest.lock" || exit 1
}

ensure_tools() {
	build_tool "$TEMPORAL_BIN" "$TEMPORAL_PKG" "$TEMPORAL_VERSION"
	build_tool "$VERSITYGW_BIN" "$VERSITYGW_PKG" "$VERSITYGW_VERSION"
}

ensure_lint_tools() {
	build_tool "$STATICCHECK_BIN" "$STATICCHECK_PKG" "$STATICCHECK_VERSION"
	build_tool "$ERRCHECK_BIN" "$ERRCHECK_PKG" "$ERRCHECK_VERSION"
	build_tool "$WORKFLOWCHECK_BIN" "$WORKFLOWCHECK_PKG" "$WORKFLOWCHECK_VERSION"
}
