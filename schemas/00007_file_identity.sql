-- +goose Up
-- A file's identity no longer comes from its download URL (webhooks name
-- /rec/webhook_download/{a}/{b} where listings name /rec/download/{a} for the
-- same file). Files Zoom gives no id were keyed "dl-" + sha256(url); they are
-- now "mf-" + sha256(meeting uuid, file type, recording start), as
-- zoom.RecordingFile.StableID computes it (zoom.NaturalFileKey: the three
-- joined by newlines, type upper-cased, start in UTC to the second).
--
-- The same file archived once by webhook and once by listing has two "dl-"
-- rows that now map to one id: the earliest archived row is kept, the
-- others are deleted (their S3 objects stay, unreferenced, for an operator
-- to remove).
WITH mapped AS (
    SELECT ctid AS row_ref, file_id, archived_at,
        tenant_id, source, conversation_uuid,
        CASE WHEN file_id LIKE 'dl-%' AND zoom_file_id = '' THEN
            'mf-' || left(encode(sha256(convert_to(
                conversation_uuid || E'\n' || upper(file_type) || E'\n' ||
                coalesce(to_char(recording_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), ''),
                'UTF8')), 'hex'), 24)
        ELSE file_id END AS new_id
    FROM recording_files
), ranked AS (
    SELECT row_ref, row_number() OVER (
        PARTITION BY tenant_id, source, conversation_uuid, new_id
        ORDER BY (file_id = new_id) DESC, archived_at, file_id) AS n
    FROM mapped
)
DELETE FROM recording_files WHERE ctid IN (SELECT row_ref FROM ranked WHERE n > 1);

UPDATE recording_files SET file_id =
    'mf-' || left(encode(sha256(convert_to(
        conversation_uuid || E'\n' || upper(file_type) || E'\n' ||
        coalesce(to_char(recording_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), ''),
        'UTF8')), 'hex'), 24)
WHERE file_id LIKE 'dl-%' AND zoom_file_id = '';

-- Failures of URL-keyed files cannot be re-keyed (no recording start is
-- kept with them); the next archive run records any that still fail.
DELETE FROM recording_file_failures WHERE file_id LIKE 'dl-%';

UPDATE conversations c SET files_archived = (SELECT count(*) FROM recording_files f
    WHERE f.tenant_id = c.tenant_id AND f.source = c.source AND f.conversation_uuid = c.conversation_uuid);

-- +goose Down
-- The URL-derived ids cannot be recomputed (the URLs are not kept).
SELECT 1;
