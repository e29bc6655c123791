-- +goose Up
-- A bot's token links are of three kinds, each served on its own route and
-- usable only there: join_token (/bot/join-token, a join token for local
-- recording), obf (/bot/obf-token, an on-behalf-of token of the requesting
-- user) and zak (/bot/zak, that user's ZAK). OBF or ZAK is what Zoom asks of
-- bots in meetings outside the app's account (since March 2026).
ALTER TABLE bot_join_links
    ADD COLUMN kind text NOT NULL DEFAULT 'join_token' CHECK (kind IN ('join_token', 'obf', 'zak'));

-- +goose Down
ALTER TABLE bot_join_links DROP COLUMN kind;
