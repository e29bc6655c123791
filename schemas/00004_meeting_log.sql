-- +goose Up
-- What happened, from Zoom's dashboard (GET /metrics/meetings): every past
-- meeting of the account, recorded or not. Reconciliation compares it with
-- conversations/recording_files to find what was not recorded or archived.
CREATE TABLE meeting_log (
    tenant_id         text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    source            text NOT NULL,
    conversation_uuid text NOT NULL,
    meeting_id        bigint,
    topic             text NOT NULL DEFAULT '',
    host_name         text NOT NULL DEFAULT '',
    host_email        text NOT NULL DEFAULT '',
    start_time        timestamptz,
    end_time          timestamptz,
    duration_seconds  integer,
    participants      integer,
    has_recording     boolean NOT NULL DEFAULT false,
    seen_at           timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, source, conversation_uuid)
);
CREATE INDEX meeting_log_start ON meeting_log (tenant_id, start_time);

-- +goose Down
DROP TABLE meeting_log;
