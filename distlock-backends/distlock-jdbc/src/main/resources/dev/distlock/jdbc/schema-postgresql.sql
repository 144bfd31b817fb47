-- distlock lock table for PostgreSQL.
-- One row per lock held (or expired and not yet taken over); release deletes the row.
-- Fencing tokens come from the sequence distlock_locks_tokens, so they grow per key and across keys
-- although no row outlives its lock.
-- Every time in this table is the database's own clock (now()); clients never write a time.
CREATE TABLE IF NOT EXISTS distlock_locks (
    key_hash    CHAR(64)     NOT NULL PRIMARY KEY, -- SHA-256 of the UTF-8 key, lowercase hex: fixed width for any key length
    lock_key    TEXT         NOT NULL,             -- the full key, for people reading the table
    owner       VARCHAR(255) NOT NULL,             -- owner id of the latest grant: <instance-uuid>:<sequence>
    token       BIGINT       NOT NULL,             -- fencing token of the grant (0 while being drawn)
    acquired_at TIMESTAMPTZ  NOT NULL,             -- when the latest grant was made
    expires_at  TIMESTAMPTZ  NOT NULL              -- the lock is free once expires_at <= now()
);
-- The token source. CACHE 1 (the default): values cached per session would be handed out out of order.
CREATE SEQUENCE IF NOT EXISTS distlock_locks_tokens START WITH 1 CACHE 1;
