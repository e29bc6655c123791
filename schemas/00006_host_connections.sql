-- +goose Up
-- Hosts who connected their Zoom user through the user-level OAuth app
-- (authorization code + PKCE), so bots can record their meetings with a join
-- token for local recording instead of a consent dialog. Tokens are sealed
-- with MEETVAULT_SECRET_KEY. Zoom rotates the refresh token on every refresh:
-- refreshes happen under SELECT ... FOR UPDATE of the row.
CREATE TABLE host_connections (
    tenant_id            text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    zoom_user_id         text NOT NULL,
    zoom_account_id      text NOT NULL DEFAULT '',
    email                text NOT NULL DEFAULT '',
    status               text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'dead')),
    -- why the connection died (invalid_grant, invalid_client, ...); the host must reconnect.
    dead_reason          text NOT NULL DEFAULT '',
    scope                text NOT NULL DEFAULT '',
    access_token_sealed  bytea NOT NULL,
    refresh_token_sealed bytea NOT NULL,
    access_expires_at    timestamptz NOT NULL,
    -- the host's "Record to computer files" setting when last checked; NULL = unknown.
    local_recording      boolean,
    connected_at         timestamptz NOT NULL,
    refreshed_at         timestamptz NOT NULL,
    refresh_count        integer NOT NULL DEFAULT 0,
    updated_at           timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, zoom_user_id)
);

-- Pending authorizations: the SHA-256 of the OAuth state and the sealed PKCE
-- verifier, consumed once by the callback, valid 10 minutes.
CREATE TABLE host_oauth_states (
    state_sha256    bytea PRIMARY KEY,
    tenant_id       text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    verifier_sealed bytea NOT NULL,
    expires_at      timestamptz NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);

-- The bots' join_token_url links: only the SHA-256 of each link's secret is
-- stored. A link mints a fresh join token through the host's connection each
-- time the bot provider fetches it, until it expires.
CREATE TABLE bot_join_links (
    secret_sha256       bytea PRIMARY KEY,
    tenant_id           text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    meeting_id          text NOT NULL,
    zoom_user_id        text NOT NULL,
    workflow_id         text NOT NULL DEFAULT '',
    bypass_waiting_room boolean NOT NULL DEFAULT false,
    expires_at          timestamptz NOT NULL,
    created_at          timestamptz NOT NULL DEFAULT now(),
    uses                integer NOT NULL DEFAULT 0,
    last_used_at        timestamptz
);
CREATE INDEX bot_join_links_expiry ON bot_join_links (expires_at);

-- +goose Down
DROP TABLE bot_join_links;
DROP TABLE host_oauth_states;
DROP TABLE host_connections;
