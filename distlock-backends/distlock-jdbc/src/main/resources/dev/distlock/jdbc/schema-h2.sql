-- distlock lock table for H2 2.x.
-- One row per key ever locked. Rows stay after release (release only moves expires_at to now),
-- so that the fencing counter in "token" never restarts for a key.
CREATE TABLE IF NOT EXISTS distlock_locks (
    key_hash    CHAR(64)                 NOT NULL PRIMARY KEY, -- SHA-256 of the UTF-8 key, lowercase hex
    lock_key    CHARACTER VARYING        NOT NULL,             -- the full key, for people reading the table
    owner       VARCHAR(255)             NOT NULL,             -- owner id of the latest grant
    token       BIGINT                   NOT NULL,             -- fencing token: +1 on every grant, never reset
    acquired_at TIMESTAMP WITH TIME ZONE NOT NULL,             -- when the latest grant was made
    expires_at  TIMESTAMP WITH TIME ZONE NOT NULL              -- free once expires_at <= CURRENT_TIMESTAMP
);
