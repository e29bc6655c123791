-- +goose Up
-- Bots created at the meeting-bot provider, and the MeetingBot workflow each
-- one reports to. The bot webhook handler signals only bots listed here.
CREATE TABLE bots (
    bot_id      text PRIMARY KEY,
    tenant_id   text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    workflow_id text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE bots;
