-- +goose Up
-- One row per conversation (meeting instance, webinar, call, session) seen at
-- Zoom, archived or not. Columns follow the metadata compliance archives keep.
CREATE TABLE conversations (
    tenant_id           text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    source              text NOT NULL,          -- meeting | webinar | phone | videosdk | bot
    conversation_uuid   text NOT NULL,          -- Zoom meeting UUID / call id
    platform_call_id    text NOT NULL DEFAULT '',-- meeting number / call id as shown to people
    source_platform     text NOT NULL,          -- "Zoom Meeting", "Zoom Phone", ...
    conversation_type   text NOT NULL DEFAULT '',-- video | voice | screen_share
    meeting_type        integer,
    topic               text NOT NULL DEFAULT '',
    recorded_user_id    text NOT NULL DEFAULT '',
    recorded_user_name  text NOT NULL DEFAULT '',
    direction           text NOT NULL DEFAULT '',
    from_party          text NOT NULL DEFAULT '',
    to_party            text NOT NULL DEFAULT '',
    start_time          timestamptz,
    end_time            timestamptz,
    duration_seconds    integer,
    timezone            text NOT NULL DEFAULT '',
    participants        integer,
    recording_failed    boolean NOT NULL DEFAULT false,
    media_error         text NOT NULL DEFAULT '',
    files_expected      integer NOT NULL DEFAULT 0,
    files_archived      integer NOT NULL DEFAULT 0,
    files_processing    integer NOT NULL DEFAULT 0,
    files_failed        integer NOT NULL DEFAULT 0,
    first_seen_at       timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, source, conversation_uuid)
);
CREATE INDEX conversations_start ON conversations (tenant_id, start_time);

-- One row per archived file. A row exists only once the S3 object is complete
-- and verified; failures live in recording_file_failures.
CREATE TABLE recording_files (
    tenant_id            text NOT NULL,
    source               text NOT NULL,
    conversation_uuid    text NOT NULL,
    file_id              text NOT NULL,          -- Zoom's id, or a stable id derived from the download URL
    zoom_file_id         text NOT NULL DEFAULT '', -- empty where Zoom shows none (CC, TIMELINE)
    file_type            text NOT NULL,
    file_extension       text NOT NULL DEFAULT '',
    recording_type       text NOT NULL DEFAULT '',
    recording_start      timestamptz,
    recording_end        timestamptz,
    media_length_seconds integer,
    size_bytes           bigint NOT NULL,
    sha256               text NOT NULL,
    s3_bucket            text NOT NULL,
    s3_key               text NOT NULL,
    s3_version_id        text NOT NULL DEFAULT '',
    s3_checksum_sha256   text NOT NULL DEFAULT '',
    archived_at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, source, conversation_uuid, file_id),
    FOREIGN KEY (tenant_id, source, conversation_uuid)
        REFERENCES conversations (tenant_id, source, conversation_uuid) ON DELETE CASCADE
);

-- The last failure per file that could not be archived (HTML error page,
-- truncated download, size mismatch, ...). Cleared when the file is archived.
CREATE TABLE recording_file_failures (
    tenant_id         text NOT NULL,
    source            text NOT NULL,
    conversation_uuid text NOT NULL,
    file_id           text NOT NULL,
    file_type         text NOT NULL,
    reason            text NOT NULL,   -- typed reason, e.g. html_error_page, size_mismatch
    message           text NOT NULL,
    attempts          integer NOT NULL DEFAULT 1,
    failed_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, source, conversation_uuid, file_id)
);

-- +goose Down
DROP TABLE recording_file_failures;
DROP TABLE recording_files;
DROP TABLE conversations;
