# shellcheck shell=bash
# Embedded S3 (versitygw, posix backend) on 127.0.0.1:7070 with objects under
# .dev/s3 and versions under .dev/s3-versions. Sourced by scripts/stack.sh.

S3_PORT=7070
S3_LOG=$LOG_DIR/s3.log
S3_BUCKET=meetvault
S3_ACCESS_KEY=meetvault
S3_SECRET_KEY=meetvault-secret
S3_REGION=us-east-1

# s3_curl ARGS...: a SigV4-signed request to the embedded gateway.
s3_curl() {
	curl -sS --max-time 10 --aws-sigv4 "aws:amz:$S3_REGION:s3" \
		--user "$S3_ACCESS_KEY:$S3_SECRET_KEY" \
		-H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' "$@"
}

# s3_status PATH prints the HTTP status of a signed HEAD request.
s3_status() {
	s3_curl -o /dev/null -w '%{http_code}' -I "http://$HOST:$S3_PORT/$1" 2>/dev/null
}

# s3_healthy: a signed ListBuckets answers 200.
s3_healthy() {
	[[ $(s3_curl -o /dev/null -w '%{http_code}' "http://$HOST:$S3_PORT/" 2>/dev/null) == 200 ]]
}

s3_up() {
	mkdir -p "$DEV/s3" "$DEV/s3-versions" "$LOG_DIR"
	if pid_alive s3; then
		say "s3 already running"
	else
		ensure_port_free "$S3_PORT" s3
		say "starting s3 (versitygw) on $HOST:$S3_PORT"
		ROOT_ACCESS_KEY=$S3_ACCESS_KEY ROOT_SECRET_KEY=$S3_SECRET_KEY \
			spawn s3 "$S3_LOG" "$VERSITYGW_BIN" --port "$HOST:$S3_PORT" --region "$S3_REGION" --quiet \
			--copy-object-threshold 1099511627776 \
			posix --versioning-dir "$DEV/s3-versions" "$DEV/s3"
	fi
	wait_for s3 30 s3 "$S3_LOG" s3_healthy
	local code
	code=$(s3_status "$S3_BUCKET")
	if [[ $code == 404 ]]; then
		say "creating bucket $S3_BUCKET"
		code=$(s3_curl -o /dev/null -w '%{http_code}' -X PUT "http://$HOST:$S3_PORT/$S3_BUCKET")
		[[ $code == 200 || $code == 409 ]] || die "creating bucket $S3_BUCKET: HTTP $code"
		code=$(s3_status "$S3_BUCKET")
	fi
	[[ $code == 200 ]] || die "bucket $S3_BUCKET: HEAD answered HTTP $code"
}

s3_down() { stop_pid s3 20; }
