# shellcheck shell=bash
# shellcheck disable=SC2153 # ports come from the other lib-*.sh files
# The project's own processes: the Zoom simulator (127.0.0.1:9090) and the
# worker, which also serves the webhook ingress (127.0.0.1:8088). Both run from
# bin/, are rebuilt on every `up` and restarted when their binary changed.
# Sourced by scripts/stack.sh.

SIM_PORT=9090
# The simulator redirects downloads to its signed-file host, another loopback
# name (like Zoom's CDN); pinned so the download allowlist can name it.
SIM_FILE_ADDR=127.0.0.2:9091
INGRESS_PORT=8088
ENV_FILE=$DEV/env
APP_PACKAGES=(./workers ./starter ./zoomsim/cmd/zoomsim)
# Development-only credentials of the simulator's bot provider and user OAuth
# app (the demo scenario sets the same; real deployments configure their own).
DEV_BOT_API_KEY=meetvault-dev-bot-key
DEV_BOT_WEBHOOK_SECRET=whsec_bWVldHZhdWx0LWRldi1ib3Qtd2ViaG9vay1zZWNyZXQ=
DEV_USER_CLIENT_ID=meetvault-dev-user-app
DEV_USER_CLIENT_SECRET=meetvault-dev-user-secret

app_build() {
	local go
	go=$(go_bin)
	mkdir -p "$BIN_DIR"
	say "building ${APP_PACKAGES[*]} into bin/"
	(cd "$ROOT" && "$go" build -o "$BIN_DIR/" "${APP_PACKAGES[@]}") ||
		die "go build failed; the infrastructure is running, fix the build and run up again"
}

# Payload codec (development): one AES-256 key and the codec server's token,
# made once. The key file holds "id:base64key" lines; add a line and set
# MEETVAULT_CODEC_CURRENT_KEY_ID to rotate (README, Encrypted payloads).
CODEC_KEY_FILE=$DEV/codec.keys
CODEC_TOKEN_FILE=$DEV/codec.token
CODEC_KEY_ID=dev1

# codec_secrets makes the codec key and token unless they exist; the Web UI
# (lib-temporal.sh) and .dev/env both need them.
codec_secrets() {
	mkdir -p "$DEV"
	if [[ ! -s $CODEC_KEY_FILE ]]; then
		(umask 077 && printf '%s:%s\n' "$CODEC_KEY_ID" "$(head -c 32 /dev/urandom | base64)" >"$CODEC_KEY_FILE")
	fi
	if [[ ! -s $CODEC_TOKEN_FILE ]]; then
		(umask 077 && head -c 24 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n' >"$CODEC_TOKEN_FILE")
	fi
}

# codec_ui_endpoint is the codec server as the Web UI calls it: the browser
# cannot add a header, so the token is the path segment before /decode.
codec_ui_endpoint() { echo "http://$HOST:$INGRESS_PORT/codec/$(cat "$CODEC_TOKEN_FILE")"; }

# write_env writes .dev/env: sourceable exports for the worker, starter and tests.
write_env() {
	local key_file=$DEV/secret.key tmp
	mkdir -p "$DEV"
	if [[ ! -s $key_file ]]; then
		(umask 077 && head -c 32 /dev/urandom | base64 >"$key_file")
	fi
	codec_secrets
	PG_BIN=${PG_BIN:-$(pg_find_bin)}
	tmp=$(mktemp "$DEV/.env.XXXXXX")
	cat >"$tmp" <<-EOF
		# Written by scripts/stack.sh; source it: . .dev/env
		export MEETVAULT_TEMPORAL_ADDRESS=$HOST:$TEMPORAL_PORT
		export MEETVAULT_TEMPORAL_NAMESPACE=$TEMPORAL_NAMESPACE
		export MEETVAULT_TASK_QUEUE=meetvault
		export MEETVAULT_DATABASE_URL='postgres://$PG_USER@$HOST:$PG_PORT/$PG_DB?sslmode=disable'
		export MEETVAULT_S3_ENDPOINT=http://$HOST:$S3_PORT
		export MEETVAULT_S3_REGION=$S3_REGION
		export MEETVAULT_S3_BUCKET=$S3_BUCKET
		export MEETVAULT_S3_ACCESS_KEY=$S3_ACCESS_KEY
		export MEETVAULT_S3_SECRET_KEY=$S3_SECRET_KEY
		export MEETVAULT_S3_PATH_STYLE=true
		export MEETVAULT_ZOOM_API_URL=http://$HOST:$SIM_PORT/v2
		export MEETVAULT_ZOOM_OAUTH_URL=http://$HOST:$SIM_PORT
		# Downloads go only to allowed hosts (default: Zoom's); allow the
		# simulator and its signed-file host by name.
		export MEETVAULT_DOWNLOAD_ALLOWED_HOSTS=http://$HOST:$SIM_PORT,http://$SIM_FILE_ADDR
		export MEETVAULT_BOT_MEDIA_ALLOWED_HOSTS=http://$HOST:$SIM_PORT,http://$SIM_FILE_ADDR
		export MEETVAULT_INGRESS_ADDR=$HOST:$INGRESS_PORT
		export MEETVAULT_SIM_URL=http://$HOST:$SIM_PORT
		# The simulator serves RTMS over plain ws:// on loopback (real Zoom:
		# wss, always verified; this allows 127.0.0.1 only).
		export MEETVAULT_RTMS_ALLOW_INSECURE_LOOPBACK=true
		# The simulator's bot provider and host OAuth app (development
		# credentials; scripts/demo.sh loads a scenario that uses them).
		export MEETVAULT_BOT_API_URL=http://$HOST:$SIM_PORT
		export MEETVAULT_BOT_API_KEY=$DEV_BOT_API_KEY
		export MEETVAULT_BOT_WEBHOOK_SECRET=$DEV_BOT_WEBHOOK_SECRET
		export MEETVAULT_ZOOM_USER_CLIENT_ID=$DEV_USER_CLIENT_ID
		export MEETVAULT_ZOOM_USER_CLIENT_SECRET=$DEV_USER_CLIENT_SECRET
		export MEETVAULT_PUBLIC_URL=http://$HOST:$INGRESS_PORT
		export MEETVAULT_SECRET_KEY='$(tr -d '\n' <"$key_file")'
		# Temporal payloads are encrypted with this key; the ingress serves
		# the codec (for the Web UI and temporal --codec-endpoint) on /codec/.
		export MEETVAULT_CODEC_KEY_FILE='$CODEC_KEY_FILE'
		export MEETVAULT_CODEC_AUTH_TOKEN='$(cat "$CODEC_TOKEN_FILE")'
		export MEETVAULT_CODEC_CORS_ORIGINS=http://$HOST:$TEMPORAL_UI_PORT,http://localhost:$TEMPORAL_UI_PORT
		export MEETVAULT_VERSITYGW='$VERSITYGW_BIN'
		export MEETVAULT_TEMPORAL_BIN='$TEMPORAL_BIN'
		export MEETVAULT_PG_BIN='$PG_BIN'
	EOF
	mv -f "$tmp" "$ENV_FILE"
}

sim_healthy()    { http_ok "http://$HOST:$SIM_PORT/_sim/clock"; }
worker_healthy() { http_ok "http://$HOST:$INGRESS_PORT/healthz"; }

# app_start NAME PORT HEALTHFN ARGS...: start bin/NAME unless the running copy
# is healthy and was started from the same binary.
app_start() {
	local name=$1 port=$2 health=$3 exe=$BIN_DIR/$1 sumf=$RUN_DIR/$1.sum sum
	shift 3
	local log=$LOG_DIR/$name.log
	sum=$(sha256sum "$exe" | cut -d' ' -f1)
	if pid_alive "$name"; then
		if [[ $(cat "$sumf" 2>/dev/null) == "$sum" ]]; then
			say "$name already running"
			wait_for "$name" 60 "$name" "$log" "$health"
			return 0
		fi
		say "$name binary changed; restarting"
		stop_pid "$name" 20
	fi
	ensure_port_free "$port" "$name"
	say "starting $name"
	(
		set -a
		# shellcheck source=/dev/null
		. "$ENV_FILE"
		set +a
		spawn "$name" "$log" "$exe" "$@"
	)
	echo "$sum" >"$sumf"
	wait_for "$name" 60 "$name" "$log" "$health"
}

app_up() {
	app_build
	write_env
	mkdir -p "$LOG_DIR" "$RUN_DIR"
	ZOOMSIM_FILE_ADDR=$SIM_FILE_ADDR app_start zoomsim "$SIM_PORT" sim_healthy -addr "$HOST:$SIM_PORT"
	admin_setup
	# The archive path needs about 48 MiB of part buffers; a soft memory limit
	# keeps the worker's resident set well under 128 MiB.
	GOMEMLIMIT=${MEETVAULT_WORKER_GOMEMLIMIT:-100MiB} app_start workers "$INGRESS_PORT" worker_healthy
}

# admin_setup registers meetvault's search attributes and migrates the database, as an
# operator does once on a real cluster (the dev server is also started with
# them; the worker refuses to start without them).
admin_setup() {
	say "starter admin setup (Temporal search attributes, database migrations)"
	(
		set -a
		# shellcheck source=/dev/null
		. "$ENV_FILE"
		set +a
		"$BIN_DIR/starter" admin setup
	) || die "starter admin setup failed; see the message above"
}

app_down() {
	stop_pid workers 30
	stop_pid zoomsim 10
}
