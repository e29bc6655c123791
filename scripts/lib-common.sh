# shellcheck shell=bash
# shellcheck disable=SC2034 # variables are used by the other lib-*.sh files
# Shared paths, logging and process helpers for scripts/stack.sh.
# Sourced, never executed.

ROOT=${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
DEV=$ROOT/.dev
LOG_DIR=$DEV/logs
RUN_DIR=$DEV/run
BIN_DIR=$ROOT/bin
CACHE=${MEETVAULT_CACHE:-$HOME/.cache/meetvault}
HOST=127.0.0.1

export PATH=$PATH:/usr/local/go/bin

say()  { printf '%s\n' "stack: $*" >&2; }
die()  { printf '%s\n' "stack: error: $*" >&2; exit 1; }

go_bin() {
	command -v go 2>/dev/null || { [[ -x /usr/local/go/bin/go ]] && echo /usr/local/go/bin/go; } ||
		die "go not found on PATH or at /usr/local/go/bin/go"
}

is_root() { [[ $EUID -eq 0 ]]; }

# apt_install PKG... installs Debian packages (only as root).
apt_install() {
	is_root || die "missing packages ($*); install them or run as root"
	say "installing $* with apt-get"
	if ! { DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"; } >&2; then
		die "apt-get install $* failed"
	fi
}

need_cmd() { # need_cmd CMD PKG
	command -v "$1" >/dev/null 2>&1 || apt_install "$2"
}

port_open() { # port_open PORT: something listens on 127.0.0.1:PORT
	(exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null
}

http_ok() { # http_ok URL: answers 2xx
	curl -fsS -o /dev/null --max-time 3 "$1" 2>/dev/null
}

# pid_alive NAME: the process recorded in .dev/run/NAME.pid is running and is
# still the binary recorded alongside it (guards against reused pids).
pid_alive() {
	local pidf=$RUN_DIR/$1.pid pid exe
	[[ -s $pidf ]] || return 1
	read -r pid exe <"$pidf"
	[[ -n $pid && -d /proc/$pid ]] || return 1
	[[ -z $exe ]] && return 0
	tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$exe"
}

pid_of() { local pid _; read -r pid _ <"$RUN_DIR/$1.pid"; echo "$pid"; }

# spawn NAME LOGFILE CMD...: start CMD detached (own session, stdin closed,
# output appended to LOGFILE) and record its pid. Lock fds are closed so a
# long-lived child never holds the stack lock.
spawn() {
	local name=$1 log=$2; shift 2
	mkdir -p "$RUN_DIR" "$(dirname "$log")"
	printf '\n=== %s start %s: %s\n' "$name" "$(date -u +%FT%TZ)" "$*" >>"$log"
	setsid nohup "$@" </dev/null >>"$log" 2>&1 8>&- 9>&- &
	echo "$! $1" >"$RUN_DIR/$name.pid"
}

# stop_pid NAME [GRACE_SECONDS]: SIGTERM, wait, then SIGKILL.
stop_pid() {
	local name=$1 grace=${2:-20} pid i
	if ! pid_alive "$name"; then rm -f "$RUN_DIR/$name.pid"; return 0; fi
	pid=$(pid_of "$name")
	say "stopping $name (pid $pid)"
	kill -TERM "$pid" 2>/dev/null || true
	for ((i = 0; i < grace * 10; i++)); do
		[[ -d /proc/$pid ]] || break
		sleep 0.1
	done
	if [[ -d /proc/$pid ]]; then
		say "$name did not exit after ${grace}s; sending SIGKILL"
		kill -KILL "$pid" 2>/dev/null || true
		sleep 0.2
	fi
	rm -f "$RUN_DIR/$name.pid"
}

# wait_for DESC TIMEOUT NAME LOG CMD...: poll CMD until it succeeds; fail early
# when the process NAME (if given) died. Shows the log tail on failure.
wait_for() {
	local desc=$1 timeout=$2 name=$3 log=$4 start=$SECONDS; shift 4
	until "$@"; do
		if [[ -n $name ]] && ! pid_alive "$name"; then
			tail -n 30 "$log" >&2 2>/dev/null
			die "$desc: process exited (log: $log)"
		fi
		if ((SECONDS - start >= timeout)); then
			tail -n 30 "$log" >&2 2>/dev/null
			die "$desc: not healthy after ${timeout}s (log: $log)"
		fi
		sleep 0.5
	done
}

# ensure_port_free PORT WHAT: refuse to start when a foreign process holds PORT.
ensure_port_free() {
	port_open "$1" && die "$2: 127.0.0.1:$1 is already in use by another process"
	return 0
}
