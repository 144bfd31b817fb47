-- distlock lock table for PostgreSQL.
-- One row per key ever locked. Rows stay after release (release only moves expires_at to now()),
-- so that the fencing counter in "token" never restarts for a key.
-- Every time in this table is the database's own clock (now()); clients never write a time.
CREATE TABLE IF NOT EXISTS distlock_locks (
    key_hash    CHAR(64)     NOT NULL PRIMARY KEY, -- SHA-256 of the UTF-8 key, lowercase hex: fixed width for any key length
    lock_key    TEXT         NOT NULL,             -- the full key, for people reading the table
    owner       VARCHAR(255) NOT NULL,             -- owner id of the latest grant: <instance-uuid>:<sequence>
    token       BIGINT       NOT NULL,             -- fencing token: +1 on every grant, never reset
    acquired_at TIMESTAMPTZ  NOT NULL,             -- when the latest grant was made
    expires_at  TIMESTAMPTZ  NOT NULL              -- the lock is free once expires_at <= now()
);
