-- distlock lock table in portable SQL, for databases distlock has no dialect for.
-- Create it yourself if your database needs other types; keep the column names.
-- One row per lock held (or expired and not yet taken over); release deletes the row. Fencing
-- tokens come from the one counter row of distlock_locks_tokens, so they grow per key and across keys.
-- CURRENT_TIMESTAMP is the only clock used. The times must keep their zone (an instant): a plain
-- TIMESTAMP keeps each session's wall-clock time, which a daylight-saving change or a session in
-- another time zone reads an hour (or more) off, so leases end early (a second client is granted
-- the lock) or late.
CREATE TABLE distlock_locks (
    key_hash    CHAR(64)                 NOT NULL PRIMARY KEY, -- SHA-256 of the UTF-8 key, lowercase hex
    lock_key    VARCHAR(4000)            NOT NULL,             -- the full key (display only; size it to your keys)
    owner       VARCHAR(255)             NOT NULL,             -- owner id of the latest grant
    token       BIGINT                   NOT NULL,             -- fencing token of the grant (0 while being drawn)
    acquired_at TIMESTAMP WITH TIME ZONE NOT NULL,             -- when the latest grant was made
    expires_at  TIMESTAMP WITH TIME ZONE NOT NULL              -- free once expires_at <= CURRENT_TIMESTAMP
);
-- The token source: one row, the last token handed out.
CREATE TABLE distlock_locks_tokens (
    id          INT    NOT NULL PRIMARY KEY, -- always 1
    last_token  BIGINT NOT NULL              -- the last fencing token drawn
);
INSERT INTO distlock_locks_tokens (id, last_token) VALUES (1, 0);
