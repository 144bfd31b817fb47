-- distlock lock table for H2 2.x.
-- One row per lock held (or expired and not yet taken over); release deletes the row.
-- Fencing tokens come from the sequence distlock_locks_tokens, so they grow per key and across keys
-- although no row outlives its lock.
CREATE TABLE IF NOT EXISTS distlock_locks (
    key_hash    CHAR(64)                 NOT NULL PRIMARY KEY, -- SHA-256 of the UTF-8 key, lowercase hex
    lock_key    CHARACTER VARYING        NOT NULL,             -- the full key, for people reading the table
    owner       VARCHAR(255)             NOT NULL,             -- owner id of the latest grant
    token       BIGINT                   NOT NULL,             -- fencing token of the grant (0 while being drawn)
    acquired_at TIMESTAMP WITH TIME ZONE NOT NULL,             -- when the latest grant was made
    expires_at  TIMESTAMP WITH TIME ZONE NOT NULL              -- free once expires_at <= CURRENT_TIMESTAMP
);
-- The token source.
CREATE SEQUENCE IF NOT EXISTS distlock_locks_tokens START WITH 1;
