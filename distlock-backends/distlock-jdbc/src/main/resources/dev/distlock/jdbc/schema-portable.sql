-- distlock lock table in portable SQL, for databases distlock has no dialect for.
-- Create it yourself if your database needs other types; keep the column names.
-- One row per key ever locked; rows stay after release so that "token" never restarts.
-- CURRENT_TIMESTAMP is the only clock used. The times must keep their zone (an instant): a plain
-- TIMESTAMP keeps each session's wall-clock time, which a daylight-saving change or a session in
-- another time zone reads an hour (or more) off, so leases end early (a second client is granted
-- the lock) or late.
CREATE TABLE distlock_locks (
    key_hash    CHAR(64)                 NOT NULL PRIMARY KEY, -- SHA-256 of the UTF-8 key, lowercase hex
    lock_key    VARCHAR(4000)            NOT NULL,             -- the full key (display only; size it to your keys)
    owner       VARCHAR(255)             NOT NULL,             -- owner id of the latest grant
    token       BIGINT                   NOT NULL,             -- fencing token: +1 on every grant, never reset
    acquired_at TIMESTAMP WITH TIME ZONE NOT NULL,             -- when the latest grant was made
    expires_at  TIMESTAMP WITH TIME ZONE NOT NULL              -- free once expires_at <= CURRENT_TIMESTAMP
);
