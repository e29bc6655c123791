-- +goose Up
-- recording.completed download tokens (valid 24 h), sealed with
-- MEETVAULT_SECRET_KEY. Kept out of workflow history; ArchiveFile reads them.
CREATE TABLE download_tokens (
    tenant_id         text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    conversation_uuid text NOT NULL,
    token_sealed      bytea NOT NULL,
    expires_at        timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, conversation_uuid)
);

-- Zoom events meetvault notes but does not act on (yet): recording.trashed,
-- recording.deleted, meeting.ended, phone/session recordings, RTMS.
-- Archived copies are never deleted because Zoom deleted its own.
CREATE TABLE webhook_events (
    id                bigserial PRIMARY KEY,
    tenant_id         text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    event             text NOT NULL,
    event_ts          timestamptz,
    conversation_uuid text NOT NULL DEFAULT '',
    payload           jsonb NOT NULL,
    received_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_events_tenant ON webhook_events (tenant_id, received_at);

-- +goose Down
DROP TABLE webhook_events;
DROP TABLE download_tokens;
