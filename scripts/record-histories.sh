#!/usr/bin/env bash
# Regenerate the workflow histories the replay tests replay
# (workflows/testdata/histories): run the integration tests with
# MEETVAULT_RECORD_HISTORIES set, so the harness writes the history of every
# workflow run each test started, then replace the recorded set.
#
#   scripts/record-histories.sh            # every test below
#   scripts/record-histories.sh 'TestX|TestY'
#
# Histories of code that has since changed stay replayable only while
# their patches stay: keep older sets under testdata/histories/<release>/
# (README, Versioning policy). MEETVAULT_DEV_ENV=path uses an already
# running stack's env file instead of starting the infrastructure.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$PATH"

# Each test's histories: Tenant across the daily reset and across
# continue-as-new, ImportWindow blocked and resumed, ArchiveMeeting with
# late renditions and duplicate webhooks, every MeetingBot consent branch.
DEFAULT_TESTS='TestTenantCrossesTheDailyResetAndFinishes|TestTenantContinuesAsNewAndKeepsItsState|TestImportThroughTheTenantWaitsAcrossTheDailyReset|TestImportGoesThroughTheTenantWorkflow|TestWebhookOnlyTenantIsArchivedExactlyOnce|TestMeetingBotScenarios|TestRTMSStreamIsCapturedByteExact|TestRTMSMediaDropAndFailoverAreResumedWithTheGapRecorded|TestRTMSRevokedStreamIsDeletedWithItsRecord'
tests=${1:-$DEFAULT_TESTS}
# HISTORY_SET names the set (directory) written; older sets are kept.
dest=workflows/testdata/histories/${HISTORY_SET:-current}

if [[ -n ${MEETVAULT_DEV_ENV:-} ]]; then
	# shellcheck disable=SC1090
	source "$MEETVAULT_DEV_ENV"
else
	scripts/stack.sh up infra
	# shellcheck disable=SC1091
	source .dev/env
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "==> recording histories of $tests"
MEETVAULT_INTEGRATION=1 MEETVAULT_RECORD_HISTORIES=$tmp \
	go test -count=1 -timeout 20m ./integration -run "^($tests)\$" -v
# Only the tests that were run are replaced.
mkdir -p "$dest"
for d in "$tmp"/*/; do
	name=$(basename "$d")
	rm -rf "${dest:?}/$name"
	cp -r "$d" "$dest/$name"
done
echo "==> replaying them"
go test -count=1 -run TestReplayRecordedHistories ./workflows
echo "histories in $dest: $(find "$dest" -name '*.json' | wc -l) files, $(du -sh "$dest" | cut -f1)"
