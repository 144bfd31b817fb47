-- distlock lock table for MySQL 8 and MariaDB 10.5+.
-- One row per lock held (or expired and not yet taken over); release deletes the row.
-- Fencing tokens come from the one counter row of distlock_locks_tokens (MySQL has no sequences),
-- so they grow per key and across keys although no row outlives its lock.
-- Times are UTC_TIMESTAMP(3) of the database server: independent of session time zones and of
-- every client's clock. DATETIME rather than TIMESTAMP: no 2038 limit, no implicit auto-update.
CREATE TABLE IF NOT EXISTS distlock_locks (
    key_hash    CHAR(64)     CHARACTER SET ascii   COLLATE ascii_bin   NOT NULL, -- SHA-256 of the UTF-8 key, lowercase hex
    lock_key    TEXT         CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL, -- the full key, for people reading the table
    owner       VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL, -- owner id of the latest grant
    token       BIGINT       NOT NULL,                                           -- fencing token of the grant (0 while being drawn)
    acquired_at DATETIME(3)  NOT NULL,                                           -- UTC, when the latest grant was made
    expires_at  DATETIME(3)  NOT NULL,                                           -- UTC, free once expires_at <= UTC_TIMESTAMP(3)
    PRIMARY KEY (key_hash)
) ENGINE = InnoDB;
-- The token source: one row, the last token handed out.
CREATE TABLE IF NOT EXISTS distlock_locks_tokens (
    id          INT    NOT NULL PRIMARY KEY, -- always 1
    last_token  BIGINT NOT NULL              -- the last fencing token drawn
) ENGINE = InnoDB;
INSERT IGNORE INTO distlock_locks_tokens (id, last_token) VALUES (1, 0);
