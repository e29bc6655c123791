-- +goose Up
-- What was deleted when Zoom revoked an RTMS stream (stop_reason 8
-- STREAM_REVOKED: "the captured assets must be deleted"). The record outlives
-- the capture on purpose, so an auditor can see who revoked what and when,
-- and check the checksums of what is gone; it holds no media.
CREATE TABLE rtms_revocations (
    tenant_id          text NOT NULL,
    rtms_stream_id     text NOT NULL,
    meeting_uuid       text NOT NULL,
    revoked_at         timestamptz NOT NULL,   -- the rtms_stopped event's time
    revoked_by         text NOT NULL,          -- who asked (Zoom's operator when named, else "zoom")
    objects            jsonb NOT NULL,         -- [{key, size, sha256, media_sha256, deleted, retained_until, error}]
    objects_deleted    integer NOT NULL DEFAULT 0,
    objects_retained   integer NOT NULL DEFAULT 0, -- kept by object lock: flagged for the retention's end
    rows_deleted       integer NOT NULL DEFAULT 0,
    recorded_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, rtms_stream_id)
);

-- +goose Down
DROP TABLE rtms_revocations;
