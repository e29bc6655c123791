#!/usr/bin/env bash
# The integration tests against a Temporal server with PostgreSQL persistence
# instead of the dev server: builds the Temporal server and its SQL tool at a
# pinned version from the Go module proxy (cached like the other tools), sets
# up Temporal's persistence and visibility schemas in the embedded PostgreSQL
# with that tool, runs the server on 127.0.0.1:7333 (beside the dev server),
# prepares its namespace with `starter admin setup`, and runs the integration
# tests against it. The server stops when the script ends; its databases are
# kept (temporal_pg, temporal_pg_visibility) and reused.
#
#   scripts/test-temporal-postgres.sh [REGEX]    (go test -run; default: all)
set -euo pipefail
LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
for f in common tools; do
	# shellcheck source=/dev/null
	. "$LIB/lib-$f.sh"
done
cd "$ROOT"

# The server version the pinned CLI (lib-tools.sh) embeds as its dev server.
TSERVER_VERSION=v1.29.1
TSERVER_BIN=$CACHE/bin/temporal-server-$TSERVER_VERSION
TSQL_BIN=$CACHE/bin/temporal-sql-tool-$TSERVER_VERSION
PORT=7333
DIR=$DEV/temporal-pg
LOG=$LOG_DIR/temporal-pg.log

build_tool "$TSERVER_BIN" go.temporal.io/server/cmd/server "$TSERVER_VERSION"
build_tool "$TSQL_BIN" go.temporal.io/server/cmd/tools/sql "$TSERVER_VERSION"
build_tool "$TEMPORAL_BIN" "$TEMPORAL_PKG" "$TEMPORAL_VERSION"
need_cmd psql postgresql-client

# The embedded infrastructure (Postgres, S3; the dev server stays up beside),
# unless the caller's environment already names one.
if [[ -z ${MEETVAULT_DATABASE_URL:-} ]]; then
	scripts/stack.sh up infra
	# shellcheck disable=SC1091
	source .dev/env
fi
mkdir -p "$LOG_DIR"
schema=$("$(go_bin)" env GOMODCACHE)/go.temporal.io/server@$TSERVER_VERSION/schema/postgresql/v12
[[ -d $schema ]] || die "Temporal's schema files are not in the module cache ($schema)"

# Temporal's schemas, with Temporal's SQL tool: a new database gets the base
# schema, every database the versions it lacks.
pg_user=meetvault
sqltool() { "$TSQL_BIN" --plugin postgres12 --ep "$HOST" -p 55432 -u "$pg_user" --db "$@"; }
for db in temporal_pg temporal_pg_visibility; do
	dir=$schema/temporal/versioned
	[[ $db == temporal_pg_visibility ]] && dir=$schema/visibility/versioned
	exists=$(psql -h "$HOST" -p 55432 -U "$pg_user" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'")
	if [[ $exists != 1 ]]; then
		sqltool "$db" create >>"$LOG" 2>&1 || die "creating database $db failed (log: $LOG)"
		sqltool "$db" setup-schema -v 0.0 >>"$LOG" 2>&1 || die "setup-schema $db failed (log: $LOG)"
		say "database $db created"
	fi
	sqltool "$db" update-schema -d "$dir" >>"$LOG" 2>&1 || die "update-schema $db failed (log: $LOG)"
done

# The server's configuration: Temporal's development-postgres12.yaml with
# this stack's database and ports, and its development dynamic config.
mkdir -p "$DIR/config/dynamicconfig"
cp "$("$(go_bin)" env GOMODCACHE)/go.temporal.io/server@$TSERVER_VERSION/config/dynamicconfig/development-sql.yaml" \
	"$DIR/config/dynamicconfig/development.yaml"
chmod u+w "$DIR/config/dynamicconfig/development.yaml"
cat >>"$DIR/config/dynamicconfig/development.yaml" <<'YAML'
# meetvault: search attributes usable as soon as starter admin setup adds them.
system.forceSearchAttributesCacheRefreshOnRead:
  - value: true
YAML
sql_store() { # sql_store DB MAXCONNS
	cat <<YAML
      sql:
        pluginName: postgres12
        databaseName: $1
        connectAddr: "$HOST:55432"
        connectProtocol: tcp
        user: $pg_user
        password: ""
        maxConns: $2
        maxIdleConns: $2
        maxConnLifetime: 1h
YAML
}
cat >"$DIR/config/development.yaml" <<YAML
log:
  stdout: true
  level: warn
persistence:
  defaultStore: default
  visibilityStore: visibility
  numHistoryShards: 4
  datastores:
    default:
$(sql_store temporal_pg 20)
    visibility:
$(sql_store temporal_pg_visibility 4)
global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: "$HOST"
services:
  frontend:
    rpc: {grpcPort: $PORT, membershipPort: 6333, bindOnLocalHost: true, httpPort: 7344}
  matching:
    rpc: {grpcPort: 7335, membershipPort: 6335, bindOnLocalHost: true}
  history:
    rpc: {grpcPort: 7334, membershipPort: 6334, bindOnLocalHost: true}
  worker:
    rpc: {grpcPort: 7339, membershipPort: 6339, bindOnLocalHost: true}
clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: active
  currentClusterName: active
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: frontend
      rpcAddress: "$HOST:$PORT"
dcRedirectionPolicy:
  policy: noop
dynamicConfigClient:
  filepath: "$DIR/config/dynamicconfig/development.yaml"
  pollInterval: 10s
YAML

ensure_port_free "$PORT" "temporal (postgres)"
say "starting temporal $TSERVER_VERSION on PostgreSQL at $HOST:$PORT (log: $LOG)"
"$TSERVER_BIN" --root "$DIR" --config config --env development --allow-no-auth start >>"$LOG" 2>&1 &
server=$!
trap 'kill -TERM $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
healthy() { "$TEMPORAL_BIN" operator cluster health --address "$HOST:$PORT" 2>/dev/null | grep -q SERVING; }
for _ in $(seq 1 120); do
	healthy && break
	kill -0 $server 2>/dev/null || { tail -n 30 "$LOG" >&2; die "the Temporal server exited (log: $LOG)"; }
	sleep 1
done
healthy || die "the Temporal server is not healthy after 120 s (log: $LOG)"
"$TEMPORAL_BIN" operator namespace describe -n default --address "$HOST:$PORT" >/dev/null 2>&1 ||
	"$TEMPORAL_BIN" operator namespace create -n default --retention 24h --address "$HOST:$PORT" >/dev/null

export MEETVAULT_TEMPORAL_ADDRESS=$HOST:$PORT MEETVAULT_INTEGRATION=1
"$(go_bin)" build -o "$DIR/bin/" ./starter
"$DIR/bin/starter" admin setup --no-migrate
say "integration tests against Temporal on PostgreSQL (${1:-all})"
"$(go_bin)" test -count=1 -timeout 30m -run "${1:-.}" ./integration
