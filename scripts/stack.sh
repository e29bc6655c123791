#!/usr/bin/env bash
# The embedded development stack: Temporal dev server + Web UI, PostgreSQL,
# S3 (versitygw), the Zoom simulator and the worker with its webhook ingress,
# all on 127.0.0.1. State and logs live under .dev/ (git-ignored).
#
# usage: scripts/stack.sh up [infra|app]   start (idempotent; default: everything)
#        scripts/stack.sh down [app]       stop gracefully, keep state
#        scripts/stack.sh status           one line per component
#        scripts/stack.sh reset            down, then delete .dev state
#        scripts/stack.sh env              print the path of .dev/env
#        scripts/stack.sh tools            build the pinned tools only
#
# Environment: MEETVAULT_CACHE (default ~/.cache/meetvault) holds the pinned
# temporal and versitygw binaries shared by every clone on the machine.
set -euo pipefail

LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
for f in common tools postgres s3 temporal app; do
	# shellcheck source=/dev/null
	. "$LIB/lib-$f.sh"
done

# Serialise concurrent stack.sh calls (fd 9; closed in every spawned child).
lock_stack() {
	mkdir -p "$RUN_DIR"
	exec 9>"$RUN_DIR/stack.lock"
	flock 9
}

infra_up() {
	need_cmd curl curl
	ensure_tools
	pg_up
	s3_up
	temporal_up
	write_env
}

infra_down() {
	temporal_down
	s3_down
	pg_down
}

cmd_up() {
	lock_stack
	case ${1:-all} in
	infra) infra_up ;;
	app) app_up ;;
	all)
		infra_up
		app_up
		;;
	*) die "usage: stack.sh up [infra|app]" ;;
	esac
	say "up (${1:-all}); environment: . $ENV_FILE"
}

cmd_down() {
	[[ -d $DEV ]] || return 0
	lock_stack
	app_down
	[[ ${1:-all} == app ]] || infra_down
	say "down"
}

# show NAME ADDR CHECK...: one status line, "up" when CHECK succeeds.
show() {
	local name=$1 addr=$2 state=down
	shift 2
	if "$@"; then state=up; fi
	printf '%-12s %-5s %s\n' "$name" "$state" "$addr"
}

temporal_serving() {
	[[ -x $TEMPORAL_BIN ]] &&
		"$TEMPORAL_BIN" operator cluster health --address "$HOST:$TEMPORAL_PORT" 2>/dev/null | grep -q SERVING
}

pg_status_ok() {
	[[ -e $DEV/postgres ]] || return 1
	PG_BIN=$(pg_bin_dir)
	[[ -n $PG_BIN ]] || return 1
	pg_locate
	pg_running && pg_healthy
}

cmd_status() {
	show postgres "$HOST:$PG_PORT" pg_status_ok
	show s3 "http://$HOST:$S3_PORT" s3_healthy
	show temporal "$HOST:$TEMPORAL_PORT" temporal_serving
	show temporal-ui "http://$HOST:$TEMPORAL_UI_PORT" http_ok "http://$HOST:$TEMPORAL_UI_PORT/"
	show zoomsim "http://$HOST:$SIM_PORT" sim_healthy
	show workers "http://$HOST:$INGRESS_PORT (ingress)" worker_healthy
}

cmd_reset() {
	cmd_down
	pg_purge
	[[ -d $DEV ]] && say "removing $DEV"
	rm -rf "$DEV"
}

case ${1:-} in
up) cmd_up "${2:-all}" ;;
down) cmd_down "${2:-all}" ;;
status) cmd_status ;;
reset) cmd_reset ;;
env) echo "$ENV_FILE" ;;
tools) ensure_tools ;;
*) sed -n '5,11s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
esac
