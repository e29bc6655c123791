# shellcheck shell=bash
# Embedded PostgreSQL (Debian's packaged server) on 127.0.0.1:55432 with its
# cluster under .dev/postgres. Sourced by scripts/stack.sh.

PG_PORT=55432
PG_LOG=$LOG_DIR/postgres.log
PG_USER=meetvault
PG_DB=meetvault

# pg_bin_dir prints the newest /usr/lib/postgresql/N/bin (empty if none).
pg_bin_dir() {
	local d
	d=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
	[[ -n $d && -x $d/pg_ctl ]] && echo "$d"
	return 0
}

# pg_find_bin is pg_bin_dir, installing the postgresql package when needed.
pg_find_bin() {
	local d
	d=$(pg_bin_dir)
	if [[ -z $d ]]; then
		apt_install postgresql >/dev/null
		d=$(pg_bin_dir)
	fi
	[[ -n $d ]] || die "no PostgreSQL server found under /usr/lib/postgresql"
	echo "$d"
}

# pg_as_owner CMD...: initdb and pg_ctl refuse to run as root, so as root run
# them as the postgres OS user.
pg_as_owner() {
	if is_root; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

# pg_locate sets PG_HOME (cluster root), PG_DATA and PG_SOCK. The cluster lives
# in .dev/postgres; when the postgres OS user cannot reach that path (a clone
# under a private home directory), .dev/postgres is a symlink to a directory
# under /var/lib/meetvault and the server is given the real path.
pg_locate() {
	local link=$DEV/postgres alt
	if [[ ! -e $link ]]; then
		mkdir -p "$link"
		if is_root; then
			chown postgres:postgres "$link"
			if ! (cd / && runuser -u postgres -- test -w "$link"); then
				rmdir "$link"
				alt=/var/lib/meetvault/$(printf '%s' "$ROOT" | sha256sum | cut -c1-16)
				say "postgres user cannot reach $DEV; keeping the cluster in $alt"
				mkdir -p "$alt"
				chown postgres:postgres "$alt"
				chmod 700 "$alt"
				ln -s "$alt" "$link"
			fi
		fi
	fi
	PG_HOME=$(readlink -f "$link")
	PG_DATA=$PG_HOME/data
	PG_SOCK=$PG_HOME/socket
	# Unix socket paths are limited to 107 bytes.
	if ((${#PG_SOCK} > 90)); then
		PG_SOCK=/tmp/meetvault-pg-$(printf '%s' "$ROOT" | sha256sum | cut -c1-12)
	fi
}

pg_running() {
	[[ -n ${PG_DATA:-} && -f $PG_DATA/PG_VERSION ]] || return 1
	pg_as_owner "$PG_BIN/pg_ctl" status -D "$PG_DATA" >/dev/null 2>&1
}

pg_healthy() {
	"$PG_BIN/pg_isready" -q -h "$HOST" -p "$PG_PORT" -d postgres -U postgres -t 2
}

pg_sql() { # pg_sql SQL: run as the bootstrap superuser over TCP (trust)
	"$PG_BIN/psql" -X -q -tA -v ON_ERROR_STOP=1 -h "$HOST" -p "$PG_PORT" -U postgres -d postgres -c "$1"
}

pg_init() {
	[[ -f $PG_DATA/PG_VERSION ]] && return 0
	say "initialising postgres cluster in $PG_DATA"
	is_root && chown postgres:postgres "$PG_HOME"
	rm -rf "$PG_DATA"
	pg_as_owner "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth=trust \
		--encoding=UTF8 --locale=C >>"$PG_LOG" 2>&1 || die "initdb failed (log: $PG_LOG)"
	# Only TCP from 127.0.0.1 (trust) and the owner's own unix socket (peer).
	pg_as_owner tee "$PG_DATA/pg_hba.conf" >/dev/null <<-EOF
		# meetvault development cluster: trust on 127.0.0.1 only.
		local all postgres                peer
		host  all all      127.0.0.1/32   trust
	EOF
	echo "include_if_exists = 'meetvault.conf'" | pg_as_owner tee -a "$PG_DATA/postgresql.conf" >/dev/null
}

pg_configure() {
	mkdir -p "$PG_SOCK"
	is_root && chown postgres:postgres "$PG_SOCK"
	pg_as_owner tee "$PG_DATA/meetvault.conf" >/dev/null <<-EOF
		# Written by scripts/stack.sh on every start.
		listen_addresses = '$HOST'
		port = $PG_PORT
		unix_socket_directories = '$PG_SOCK'
		max_connections = 200
		log_min_messages = warning
	EOF
}

pg_bootstrap() {
	pg_sql "DO \$\$BEGIN
	  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_USER') THEN
	    CREATE ROLE $PG_USER LOGIN CREATEDB;
	  END IF;
	END\$\$;" || die "creating role $PG_USER failed"
	if [[ -z $(pg_sql "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'") ]]; then
		pg_sql "CREATE DATABASE $PG_DB OWNER $PG_USER" || die "creating database $PG_DB failed"
	fi
}

pg_up() {
	PG_BIN=$(pg_find_bin)
	pg_locate
	mkdir -p "$LOG_DIR"
	pg_init
	if pg_running; then
		say "postgres already running"
	else
		ensure_port_free "$PG_PORT" postgres
		pg_configure
		say "starting postgres on $HOST:$PG_PORT"
		# The log is opened here (as root) and inherited, so the postgres user
		# needs no write access to .dev/logs.
		pg_as_owner "$PG_BIN/pg_ctl" start -D "$PG_DATA" -w -t 60 -s \
			</dev/null >>"$PG_LOG" 2>&1 8>&- 9>&- || { tail -n 20 "$PG_LOG" >&2; die "postgres failed to start (log: $PG_LOG)"; }
	fi
	wait_for postgres 30 "" "$PG_LOG" pg_healthy
	pg_bootstrap
}

pg_down() {
	[[ -e $DEV/postgres ]] || return 0
	PG_BIN=$(pg_bin_dir)
	[[ -n $PG_BIN ]] || return 0
	pg_locate
	pg_running || return 0
	say "stopping postgres"
	pg_as_owner "$PG_BIN/pg_ctl" stop -D "$PG_DATA" -m fast -w -t 60 -s >>"$PG_LOG" 2>&1 ||
		pg_as_owner "$PG_BIN/pg_ctl" stop -D "$PG_DATA" -m immediate -w -t 30 -s >>"$PG_LOG" 2>&1 ||
		die "postgres did not stop (log: $PG_LOG)"
}

# pg_purge removes out-of-tree cluster and socket directories, if any.
pg_purge() {
	[[ -e $DEV/postgres ]] || return 0
	pg_locate
	if [[ -L $DEV/postgres ]]; then
		rm -rf "$PG_HOME"
		rmdir "$(dirname "$PG_HOME")" 2>/dev/null || true
	fi
	[[ $PG_SOCK == /tmp/meetvault-pg-* ]] && rm -rf "$PG_SOCK"
	return 0
}
