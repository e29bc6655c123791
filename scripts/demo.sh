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
# Two live meetings for the bot part: in the first the host allows recording,
# in the second the host has turned recording requests off in the meeting.
LIVE='[{"id":86000000001,"passcode":"demo","host_joins_after_ms":1500,"answer_after_ms":1500,"ends_after_ms":8000},
       {"id":86000000002,"passcode":"demo","requests_disabled_in_meeting":true,"ends_after_ms":60000}]'
# The second user has "Record to computer files" off: starter doctor finds it.
SCENARIO='{"generate":{"seed":20261122,"accounts":1,"users":5,"meetings":50,"from":"'$FROM'","to":"'$TO'","processing_files":2,
  "live_meetings":'$LIVE',"user_settings":[null,{"local_recording":false}]},
  "bot_provider":{"api_key":"'$MEETVAULT_BOT_API_KEY'","webhook_secret":"'$MEETVAULT_BOT_WEBHOOK_SECRET'",
                  "webhook_url":"'$MEETVAULT_PUBLIC_URL'/webhooks/bot"},
  "user_oauth_app":{"client_id":"'$MEETVAULT_ZOOM_USER_CLIENT_ID'","client_secret":"'$MEETVAULT_ZOOM_USER_CLIENT_SECRET'"}}'

echo "==> loading the demo scenario into the Zoom simulator ($MEETVAULT_SIM_URL)"
curl -fsS -X POST -H 'Content-Type: application/json' -d "$SCENARIO" "$MEETVAULT_SIM_URL/_sim/scenario" >/dev/null
# Zoom answers over the internet: an API round trip of tens to hundreds of ms.
curl -fsS -X POST -H 'Content-Type: application/json' "$MEETVAULT_SIM_URL/_sim/faults" >/dev/null \
	-d '{"api_latency_ms":{"Light":[40,120],"Medium":[60,250],"Heavy":[80,300],"Resource-intensive":[100,400]}}'
echo "==> registering the simulator's account as tenant demo"
bin/starter dev register-sim-tenant --sim "$MEETVAULT_SIM_URL" --tenant demo
echo "==> starter doctor: what would keep the demo's recordings from the archive"
bin/starter doctor --tenant demo ||
	echo "(doctor exit status $?: 3 means something blocks recording; the demo carries on)"
echo "==> importing cloud recordings $FROM..$TO through Temporal"
bin/starter import --tenant demo --from "$FROM" --to "$TO" --wait
echo "==> what the archive holds"
bin/starter report --tenant demo
echo
echo "==> meeting bot: the host allows recording; the bot's media is archived"
bin/starter bot join --tenant demo --meeting-url 'https://zoom.us/j/86000000001?pwd=demo' \
	--consent-timeout 30s --poll-interval 5s --wait
echo
echo "==> meeting bot: the host turned recording requests off; the bot says why in the chat and leaves"
# (--no-join-token: it asks the host even if the host connected Zoom OAuth
# meanwhile, whose join token would record without asking.)
bin/starter bot join --tenant demo --meeting-url 'https://zoom.us/j/86000000002?pwd=demo' \
	--consent-timeout 30s --poll-interval 5s --no-join-token --wait || true
echo
echo "==> RTMS: a meeting's real-time media captured without a bot (audio, transcript)"
# Zoom announces the stream by webhook (meeting.rtms_started); the ingress
# starts RTMSCapture, which connects, records until meeting.rtms_stopped and
# files the media under the meeting's conversation.
# first JSON string value of key $1 on standard input
first() { grep -o "\"$1\":\"[^\"]*\"" | sed -n '1s/.*:"\(.*\)"/\1/p'; }
account=$(curl -fsS "$MEETVAULT_SIM_URL/_sim/accounts" | first account_id)
curl -fsS -X POST -H 'Content-Type: application/json' "$MEETVAULT_SIM_URL/_sim/webhooks" >/dev/null \
	-d '{"account_id":"'"$account"'","url":"'"$MEETVAULT_PUBLIC_URL"'/webhooks/zoom/demo"}'
meeting=$(curl -fsS "$MEETVAULT_SIM_URL/_sim/truth" | first conversation_uuid)
# Audio segments archived so far (an earlier demo's capture counts too).
wavs() { bin/starter report --tenant demo | awk '$1 == "WAV" { print $2; found = 1 } END { if (!found) print 0 }'; }
before=$(wavs)
stream=$(curl -fsS -X POST -H 'Content-Type: application/json' "$MEETVAULT_SIM_URL/_sim/rtms/start" \
	-d '{"meeting_uuid":"'"$meeting"'","rtms":{"duration_ms":6000,"transcript_every_ms":1000}}' | first rtms_stream_id)
echo "stream $stream of meeting $meeting"
for _ in $(seq 1 60); do
	[[ $(wavs) -gt $before ]] && break
	sleep 1
done
if [[ $(wavs) -le $before ]]; then
	echo "RTMS capture of stream $stream not archived within 60 s" >&2
	exit 1
fi
bin/starter report --tenant demo | grep -E '^ *(WAV|TRANSCRIPT|JSON|VIDEO_FRAMES) '
cat <<EOT

Temporal Web UI: http://127.0.0.1:8233  (workflows: search MeetvaultTenant="demo";
                 bots: WorkflowType="MeetingBot", e.g. MeetvaultSubCode="zoom_local_recording_request_disabled_by_host")
Connect a host's Zoom (OAuth): bin/starter host connect --tenant demo   (the simulator's consent page lists its users)
S3 (versitygw):  http://127.0.0.1:7070  bucket meetvault, key meetvault / meetvault-secret
Postgres:        psql 'postgres://meetvault@127.0.0.1:55432/meetvault'
The stack is still running; stop it with: make down
EOT
