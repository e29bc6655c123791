# shellcheck shell=bash
# Pinned third-party tools, built from the Go module proxy and cached outside
# the repository (${MEETVAULT_CACHE:-$HOME/.cache/meetvault}/bin) so every clone
# on the machine reuses them. Sourced by scripts/stack.sh.

TEMPORAL_VERSION=v1.5.1
TEMPORAL_PKG=github.com/temporalio/cli/cmd/temporal
VERSITYGW_VERSION=v1.8.0
VERSITYGW_PKG=github.com/versity/versitygw/cmd/versitygw

TEMPORAL_BIN=$CACHE/bin/temporal-$TEMPORAL_VERSION
VERSITYGW_BIN=$CACHE/bin/versitygw-$VERSITYGW_VERSION

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
