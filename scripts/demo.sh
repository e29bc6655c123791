#!/usr/bin/env bash
# make demo: load the demo scenario into the simulator, register its account
# as tenant "demo", import its October cloud recordings through Temporal and
# print a summary. Expects the embedded stack to be up (make up).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck disable=SC1091
source .dev/env

FROM=2026-10-01
TO=2026-10-31
SCENARIO='{"generate":{"seed":20261122,"accounts":1,"users":5,"meetings":50,"from":"'$FROM'","to":"'$TO'","processing_files":2}}'

echo "==> loading the demo scenario into the Zoom simulator ($MEETVAULT_SIM_URL)"
curl -fsS -X POST -H 'Content-Type: application/json' -d "$SCENARIO" "$MEETVAULT_SIM_URL/_sim/scenario" >/dev/null
echo "==> registering the simulator's account as tenant demo"
bin/starter dev register-sim-tenant --sim "$MEETVAULT_SIM_URL" --tenant demo
echo "==> importing cloud recordings $FROM..$TO through Temporal"
bin/starter import --tenant demo --from "$FROM" --to "$TO" --wait
echo "==> what the archive holds"
bin/starter report --tenant demo
cat <<EOT

Temporal Web UI: http://127.0.0.1:8233  (workflows: search MeetvaultTenant="demo")
S3 (versitygw):  http://127.0.0.1:7070  bucket meetvault, key meetvault / meetvault-secret
Postgres:        psql 'postgres://meetvault@127.0.0.1:55432/meetvault'
The stack is still running; stop it with: make down
EOT
