-- +goose Up
-- Call metadata of Zoom Phone recordings (issue 12): the display names of
-- from/to (their numbers are from_party/to_party), the recorded user's own
-- view of the direction (direction is the system's: inbound, outbound or
-- internal) and the recorded user's extension. platform_call_id holds the
-- call id that correlates a call's legs.
ALTER TABLE conversations
    ADD COLUMN from_name      text NOT NULL DEFAULT '',
    ADD COLUMN to_name        text NOT NULL DEFAULT '',
    ADD COLUMN user_direction text NOT NULL DEFAULT '',
    ADD COLUMN extension      text NOT NULL DEFAULT '';
CREATE INDEX conversations_call ON conversations (tenant_id, platform_call_id) WHERE source = 'phone';

-- +goose Down
DROP INDEX conversations_call;
ALTER TABLE conversations
    DROP COLUMN from_name, DROP COLUMN to_name, DROP COLUMN user_direction, DROP COLUMN extension;
