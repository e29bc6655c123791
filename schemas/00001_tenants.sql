-- +goose Up
-- A tenant is one Zoom account whose recordings meetvault archives.
CREATE TABLE tenants (
    id                        text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
    name                      text NOT NULL,
    zoom_account_id           text NOT NULL UNIQUE,
    zoom_client_id            text NOT NULL,
    -- AES-256-GCM sealed with MEETVAULT_SECRET_KEY; never stored in clear.
    zoom_client_secret_sealed bytea NOT NULL,
    webhook_secret_sealed     bytea,
    -- true: archive every user of the account; false: only recorded_users rows.
    record_all_users          boolean NOT NULL DEFAULT true,
    created_at                timestamptz NOT NULL DEFAULT now(),
    updated_at                timestamptz NOT NULL DEFAULT now()
);

-- The Zoom users whose recordings are archived when record_all_users is false.
CREATE TABLE recorded_users (
    tenant_id    text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    zoom_user_id text NOT NULL,
    email        text NOT NULL DEFAULT '',
    display_name text NOT NULL DEFAULT '',
    enabled      boolean NOT NULL DEFAULT true,
    PRIMARY KEY (tenant_id, zoom_user_id)
);

-- +goose Down
DROP TABLE recorded_users;
DROP TABLE tenants;
