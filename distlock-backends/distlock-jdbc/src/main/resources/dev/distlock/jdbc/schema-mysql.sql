-- distlock lock table for MySQL 8 and MariaDB 10.5+.
-- One row per key ever locked. Rows stay after release (release only moves expires_at to now),
-- so that the fencing counter in "token" never restarts for a key.
-- Times are UTC_TIMESTAMP(3) of the database server: independent of session time zones and of
-- every client's clock. DATETIME rather than TIMESTAMP: no 2038 limit, no implicit auto-update.
CREATE TABLE IF NOT EXISTS distlock_locks (
    key_hash    CHAR(64)     CHARACTER SET ascii   COLLATE ascii_bin   NOT NULL, -- SHA-256 of the UTF-8 key, lowercase hex
    lock_key    TEXT         CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL, -- the full key, for people reading the table
    owner       VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL, -- owner id of the latest grant
    token       BIGINT       NOT NULL,                                           -- fencing token: +1 on every grant, never reset
    acquired_at DATETIME(3)  NOT NULL,                                           -- UTC, when the latest grant was made
    expires_at  DATETIME(3)  NOT NULL,                                           -- UTC, free once expires_at <= UTC_TIMESTAMP(3)
    PRIMARY KEY (key_hash)
) ENGINE = InnoDB;
