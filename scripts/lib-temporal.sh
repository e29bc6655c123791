# shellcheck shell=bash
# shellcheck disable=SC2034 # TEMPORAL_NAMESPACE is used by lib-app.sh
# Embedded Temporal (temporal CLI dev server, SQLite file under .dev/temporal so
# workflows survive a restart) on 127.0.0.1:7233, Web UI on 127.0.0.1:8233.
# Sourced by scripts/stack.sh.

TEMPORAL_PORT=7233
TEMPORAL_UI_PORT=8233
TEMPORAL_NAMESPACE=default
TEMPORAL_LOG=$LOG_DIR/temporal.log

# Custom search attributes the Web UI searches by (all Keyword).
TEMPORAL_SEARCH_ATTRIBUTES=(
	MeetvaultTenant MeetvaultSource MeetvaultMeetingUUID
	MeetvaultStatus MeetvaultBotStatus MeetvaultSubCode
)

temporal_healthy() {
	"$TEMPORAL_BIN" operator cluster health --address "$HOST:$TEMPORAL_PORT" 2>/dev/null | grep -q SERVING &&
		http_ok "http://$HOST:$TEMPORAL_UI_PORT/"
}

temporal_up() {
	mkdir -p "$DEV/temporal" "$LOG_DIR"
	if pid_alive temporal; then
		say "temporal already running"
	else
		ensure_port_free "$TEMPORAL_PORT" temporal
		ensure_port_free "$TEMPORAL_UI_PORT" "temporal web ui"
		local args=() sa
		for sa in "${TEMPORAL_SEARCH_ATTRIBUTES[@]}"; do
			args+=(--search-attribute "$sa=Keyword")
		done
		# The Web UI decodes payloads through the ingress' codec server.
		codec_secrets
		args+=(--ui-codec-endpoint "$(codec_ui_endpoint)")
		say "starting temporal on $HOST:$TEMPORAL_PORT (web ui $HOST:$TEMPORAL_UI_PORT)"
		spawn temporal "$TEMPORAL_LOG" "$TEMPORAL_BIN" server start-dev \
			--ip "$HOST" --port "$TEMPORAL_PORT" --ui-port "$TEMPORAL_UI_PORT" \
			--db-filename "$DEV/temporal/temporal.db" \
			--log-level warn "${args[@]}"
	fi
	wait_for temporal 90 temporal "$TEMPORAL_LOG" temporal_healthy
}

temporal_down() { stop_pid temporal 30; }
